"""A self-contained HTML page: inline CSS, charts as base64 PNG data URIs, no external resources.

The same page prints (and renders to PDF, :mod:`optimizer.report.pdf`): the print style sheet lays it out on
A4 landscape pages with the case name and page numbers in the footer, each section on a new page, table
headers repeated on every page and tables shrunk and wrapped to the page width."""

from __future__ import annotations

import base64
import html as _html
from datetime import date

import pandas as pd

from .fmt import display
from .fmt import numeric as numeric_columns

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:2rem auto;max-width:1200px;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1.05rem}
table{border-collapse:collapse;font-size:.8rem;margin:.6rem 0 1.2rem;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:.25rem .45rem;vertical-align:top}
th{background:#f1f4f7;position:sticky;top:0}td{white-space:normal}
td.num{text-align:right;white-space:nowrap}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#555}
.kpi{display:inline-block;margin:.2rem 1.2rem .2rem 0}.kpi b{font-size:1.15rem}
.note{font-size:.85rem;color:#555}ul.sent li{margin:.15rem 0}
.summary-part h3{margin:.9rem 0 .3rem}table.summary{display:table}
@media screen{.print-only{display:none}}
"""

# A4 landscape: the action plan, roadmap and screening tables are wide; every page the same way round reads
# better than mixed orientations. The footer strings are added by page() (the case name is not known here).
PRINT_CSS = """
@page{size:A4 landscape;margin:12mm 12mm 15mm 12mm}
@media print{
body{margin:0;max-width:none;padding:0;font-size:9.5pt;line-height:1.3}
h1{font-size:16pt;margin:0 0 3pt}
h2{font-size:13pt;margin:0 0 6pt;break-after:avoid}
h3{font-size:10.5pt;margin:8pt 0 3pt;break-after:avoid}h4{font-size:9pt;margin:6pt 0 2pt;break-after:avoid}
section{break-before:page}section.flow{break-before:auto}
p{margin:3pt 0;orphans:2;widows:2}
table{display:table;width:100%;max-width:100%;overflow:visible;font-size:6.5pt;margin:3pt 0 8pt}
thead{display:table-header-group}tr{break-inside:avoid}
th{position:static}th,td{padding:1.2pt 2.5pt;overflow-wrap:break-word}th,td.long{overflow-wrap:anywhere}
td.long{min-width:10em}
td.num{white-space:nowrap}
table.wide{font-size:5.5pt}table.widest{font-size:4.8pt}
table.wide th,table.wide td{padding:1pt 1.5pt}table.summary{font-size:8.5pt;width:auto}
figure{margin:4pt 0;break-inside:avoid}figure img{max-width:100%;max-height:112mm;width:auto}
figcaption{font-size:8pt}
.screen-only{display:none}
.summary-part{break-inside:avoid}
}
"""


def img(chart, caption: str) -> str:
    b64 = base64.b64encode(chart.png).decode("ascii")
    return (
        f'<figure><img alt="{_html.escape(caption)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{_html.escape(caption)}</figcaption></figure>"
    )


# tables with more columns print in a smaller font, and with more than WIDEST_COLUMNS (a country's roadmap has
# 8 plus one per action family) in a smaller one still
WIDE_COLUMNS = 14
WIDEST_COLUMNS = 18


LONG_WORD = 16  # text cells with a longer word (identifiers, file paths) may break it anywhere on paper


def _text_cell(text: str) -> str:
    long = any(len(word) > LONG_WORD for word in text.split())
    return f'<td class="long">{_html.escape(text)}</td>' if long else f"<td>{_html.escape(text)}</td>"


def table(df: pd.DataFrame, css_class: str = "", numeric: list[bool] | None = None) -> str:
    if not len(df):
        return '<p class="note">(none)</p>'
    shown = display(df)
    if numeric is None:
        numeric = numeric_columns(df)
    head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    for r in shown.itertuples(index=False):
        tds = "".join(f'<td class="num">{_html.escape(v)}</td>' if num else _text_cell(v) for v, num in zip(r, numeric))
        rows.append(f"<tr>{tds}</tr>")
    n = len(df.columns)
    size = "wide widest" if n > WIDEST_COLUMNS else "wide" if n > WIDE_COLUMNS else ""
    classes = " ".join(c for c in (css_class, size) if c)
    cls = f' class="{classes}"' if classes else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def split_table(df: pd.DataFrame, parts: list[tuple[str, list[str]]]) -> str:
    """The whole table on screen; on paper, the same rows as one narrower table per part (caption, columns),
    so that no column is cut off at the page edge."""
    printed = "".join(
        f"<h4>{_html.escape(caption)}</h4>" + table(df[[c for c in cols if c in df.columns]]) for caption, cols in parts
    )
    return f'<div class="screen-only">{table(df)}</div><div class="print-only">{printed}</div>'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ") + '"'


def footer_css(footer: str) -> str:
    """The page footer of the printed page: ``footer`` (the case) on the left, page x of y on the right."""
    box = "font-size:8pt;color:#555;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif"
    return (
        f"@page{{@bottom-left{{content:{_css_string(footer)};{box}}}"
        f'@bottom-right{{content:"Page " counter(page) " of " counter(pages);{box}}}}}'
    )


def page(title: str, sections: list[tuple[str, str]], footer: str | None = None, flow: tuple[str, ...] = ()) -> str:
    """The page; on paper each section starts a new page except those whose heading is in ``flow``."""
    body = "".join(
        ("<section" + (' class="flow"' if h in flow else "") + f"><h2>{_html.escape(h)}</h2>{content}</section>")
        if h
        else content
        for h, content in sections
    )
    css = CSS + PRINT_CSS + footer_css(footer if footer is not None else title)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_html.escape(title)}</title><style>{css}</style></head><body>"
        f'<h1>{_html.escape(title)}</h1><p class="note">Generated by noregret on {date.today().isoformat()}.'
        f"</p>{body}</body></html>\n"
    )


def paragraph(text: str) -> str:
    return f"<p>{_html.escape(text)}</p>"


def sentences(lines: list[str]) -> str:
    if not lines:
        return '<p class="note">(not computed)</p>'
    return '<ul class="sent">' + "".join(f"<li>{_html.escape(s.strip())}</li>" for s in lines if s.strip()) + "</ul>"
