"""The planner's workbook: a case as an .xlsx workbook that a health-ministry planner edits in a spreadsheet,
and that every command takes in place of the case YAML file.

- :func:`convert` (``noregret workbook``): a case YAML file to a workbook, or a workbook back to YAML;
- :func:`write_workbook`: a checked case (:class:`~optimizer.loading.LoadedCase`) written as a workbook;
- :func:`load_workbook_case`: the checked case a workbook holds (:func:`optimizer.loading.load_case` comes
  here for an .xlsx file), every problem named by its sheet and cell;
- :func:`read_workbook`: the case a workbook holds, as a case YAML file would give it, before any check.

The sheets are described in :mod:`.layout` and docs/workbook.md. Only :func:`is_workbook` is imported with
the package; the rest (openpyxl, pandas) when first used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xls", ".xlsb", ".ods", ".numbers")
"""File endings taken for a spreadsheet (read as a workbook case; only .xlsx is one)."""

_LAZY = {
    "convert": "conversion",
    "case_to_workbook": "conversion",
    "workbook_to_yaml": "conversion",
    "write_workbook": "conversion",
    "load_workbook_case": "load",
    "read_workbook": "reading",
}


def is_workbook(path: Path | str) -> bool:
    """A file named as a spreadsheet (the workbook reader takes it, and refuses any but .xlsx)."""
    return Path(path).suffix.lower() in SPREADSHEET_SUFFIXES


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
