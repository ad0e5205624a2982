"""An Excel workbook: one sheet per table, as people read it (:func:`optimizer.report.fmt.readable`): display
names, headers in words with the unit in brackets (``BAU [ktCO2e]``, ``capex [US$ m]``), numbers stored as
numbers with a number format (thousands separators, the unit's usual decimals; the full value is kept), years
as whole numbers, text as text; header row frozen and bold, columns wide enough to read."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..console import OBJECTIVE_NAMES
from ..schema.library import ACTION_FAMILIES
from .fmt import counted_rows, readable
from .tables import NUMBER_FORMAT, YEAR_COLUMNS, display_unit, header, scale

YEAR_FORMAT = "0"
WHOLE_FORMAT = "#,##0"
PLAIN_FORMAT = "#,##0.0###"
"""Numbers without a display unit (units deployed, provenance values): thousands separators, up to four decimals."""
MAX_WIDTH = 60


def _excel_value(v):
    """A cell value Excel stores natively: numbers as numbers (no infinity or NaN: empty), text as text."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(v) else float(v)
    return str(v)


def _format(column: str, value) -> str | None:
    """The number format of one numeric cell of a table's column (None: text or a yes/no)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if column in YEAR_COLUMNS:
        return YEAR_FORMAT
    unit = display_unit(column)
    if unit in NUMBER_FORMAT:
        return NUMBER_FORMAT[unit]
    return WHOLE_FORMAT if float(value).is_integer() else PLAIN_FORMAT


def _write_sheet(book, name: str, df: pd.DataFrame) -> None:
    ws = book.create_sheet(name[:31])
    shown = readable(df)
    source = {header(c): c for c in df.columns}
    whole_units = counted_rows(df).to_numpy()
    counted_headers = {header(c) for c in df.attrs.get("counted_columns", ("units",))}
    ws.append(list(shown.columns))
    for k, row in enumerate(shown.itertuples(index=False)):
        ws.append([_excel_value(v) for v in row])
        for j, h in enumerate(shown.columns, start=1):
            c = ws.cell(row=k + 2, column=j)
            fmt = _format(source[h], c.value)
            if fmt and h in counted_headers and whole_units[k]:
                fmt = WHOLE_FORMAT  # a count of things: shown whole, the value kept
            if fmt:
                c.number_format = fmt
    _finish(ws)


def _finish(ws) -> None:
    """Bold, wrapped header row frozen; each column as wide as its longest value (within limits)."""
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for k, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)), start=1):
        head = len(str(col[0].value or ""))
        widths = [len(_shown(c)) for c in col[1:] if c.value is not None]
        width = max([min(head, 24), *widths], default=8)
        ws.column_dimensions[get_column_letter(k)].width = min(max(width + 2, 8), MAX_WIDTH)


def _shown(c) -> str:
    """Roughly what Excel shows in a cell (for the column width)."""
    v = c.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    decimals = c.number_format.count("0") - c.number_format.split(".")[0].count("0") if "." in c.number_format else 0
    return f"{v:,.{decimals}f}"


def _write_about(book, about: dict) -> None:
    """The report's scalars, one per row: the item in words with its unit, numbers in that unit with a number
    format, lists as comma-separated text, action families by name."""
    ws = book.create_sheet("about")
    ws.append(["item", "value"])
    for key, value in about.items():
        if isinstance(value, dict):
            continue
        if key == "families":
            value = [ACTION_FAMILIES.get(f, f) for f in value]
        if key == "objective":
            value = OBJECTIVE_NAMES.get(value, value)
        if isinstance(value, (list, tuple)):
            ws.append([header(key), "; ".join(str(v) for v in value)])
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = value / scale(key) if scale(key) != 1.0 else value
        ws.append([header(key), _excel_value(value)])
        c = ws.cell(row=ws.max_row, column=2)
        fmt = _format(key, c.value)
        if fmt:
            c.number_format = YEAR_FORMAT if key.endswith("year") else fmt
    _finish(ws)


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], about: dict | None = None) -> Path:
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    if about:
        _write_about(book, about)
    for name, df in sheets.items():
        _write_sheet(book, name, df)
    book.save(path)
    return path
