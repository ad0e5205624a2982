"""The report as a PDF: the report's own HTML page laid out by WeasyPrint with its print style sheet
(:data:`optimizer.report.html.PRINT_CSS`: A4 landscape, page numbers and the case name in the footer).

WeasyPrint needs the Pango text-layout library (1.44 or later) from the operating system; without it the
report stops with a plain message saying what to install, before anything is written."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

PANGO_HELP = (
    "the PDF report needs WeasyPrint and the Pango text-layout library (1.44 or later) of the operating system: "
    "on Debian or Ubuntu 'apt-get install libpango-1.0-0 libpangoft2-1.0-0', on macOS 'brew install pango' "
    "(https://doc.courtbouillon.org/weasyprint/stable/first_steps.html)"
)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs cannot be loaded."""


def weasyprint() -> Any:
    """The weasyprint module, or :class:`PdfUnavailable` with what to install."""
    try:
        import weasyprint as wp
    except (ImportError, OSError) as err:  # OSError: WeasyPrint installed, Pango missing or too old
        raise PdfUnavailable(f"{PANGO_HELP}; loading it failed with: {err}") from None
    return wp


def render(html_text: str, base: Path | None = None) -> Any:
    """The laid-out document (``weasyprint.Document``): its ``pages`` carry the page boxes."""
    wp = weasyprint()
    # WeasyPrint logs every CSS property it does not print (position:sticky, overflow-x...) as a warning
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return wp.HTML(string=html_text, base_url=str(base) if base else None).render()


def write_pdf(html_text: str, path: Path) -> Path:
    """Write the PDF of a report page to ``path``; return ``path``."""
    path = Path(path)
    render(html_text, path.parent).write_pdf(path)
    return path
