"""Read the planner's workbook into the case it holds: the same mapping a case YAML file gives, the projects of
its Projects sheet, and the cell each field was read from.

The reader only turns cells into values (text, numbers, whole numbers, lists of ids) and sheets into the
case's shape; every rule about the values is the schema's and the checks' (:func:`load_workbook_case` runs
them), and their problems are moved to the cells. A problem the reader finds itself (a missing or misspelt
sheet, an unknown column, text in a number cell, an id naming no row) names the sheet and cell too.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, Problem
from ..yaml_io import read_bytes
from . import layout as L
from .cells import Cell, Locations
from .projects import ProjectSheet
from .records import READ_ORDER, SECTION_SHEETS, TABLE_RECORDS, Builder, Read
from .values import blank, convert, text

WORKBOOK_SUFFIX = ".xlsx"
MAX_WORKBOOK_BYTES = 100 * 1024 * 1024
"""Largest workbook read; bytes."""
EXPECTED_FILE = "an Excel workbook saved as .xlsx"
REQUIRED_SHEETS = (L.SETTINGS_SHEET, *(t.sheet for t in L.TABLES))
_YEAR_TEXT = re.compile(r"[12][0-9]{3}")


@dataclass
class WorkbookCase:
    """A workbook's case as read, before it is checked."""

    path: Path
    data: dict[str, Any]
    """The case, shaped as a case YAML file gives it (without ``pipelines`` when the Projects sheet holds the
    projects)."""
    locations: Locations
    problems: list[Problem]
    """Problems the reader found in cells (the case is still checked, so that all are reported together)."""
    projects: ProjectSheet | None = None
    pipelines: list[str] = field(default_factory=list)
    """The pipeline files the Settings sheet lists."""


def read_workbook(path: Path, content: bytes | None = None) -> WorkbookCase:
    """Read a workbook case (from ``content`` when given, else from the file); a file that is no .xlsx workbook,
    or one whose sheets are missing, misspelt or misheaded, is an :class:`InputError` naming the sheets and
    cells."""
    path = Path(path)
    book = _open(path, content)
    try:
        b = Builder(str(path))
        _check_sheets(book.sheetnames, b)
        if b.layout:
            raise InputError(b.layout)
        pipelines = _read_settings(_rows(book, L.SETTINGS_SHEET, b.file), b)
        tables = [(table, _read_table(_rows(book, table.sheet, b.file), table, b)) for table in READ_ORDER]
        projects = None
        if L.PROJECTS_SHEET in book.sheetnames:
            projects = _read_projects(_rows(book, L.PROJECTS_SHEET, b.file), b, pipelines)
        elif pipelines:
            b.data["pipelines"] = pipelines
        if b.layout:
            raise InputError(b.layout)
        for table, reads in tables:
            TABLE_RECORDS[table.sheet][1](reads, b)
        for section, sheet in SECTION_SHEETS.items():
            b.locations.add_sheet(section, sheet)
    finally:
        book.close()
    return WorkbookCase(path, b.data, b.locations, b.problems, projects, pipelines)


def _open(path: Path, content: bytes | None = None) -> Any:
    """The workbook, opened read-only for its values; anything that is not an .xlsx workbook is refused."""
    from openpyxl import load_workbook

    name = str(path)
    if path.suffix.lower() != WORKBOOK_SUFFIX:
        raise InputError(
            [
                Problem(
                    name,
                    "",
                    f"<a {path.suffix} file>",
                    "an Excel workbook saved as .xlsx (in the spreadsheet: Save As, 'Excel Workbook (.xlsx)'), "
                    "or a case YAML file",
                )
            ]
        )
    if content is None:
        content = read_bytes(path, "an .xlsx workbook", MAX_WORKBOOK_BYTES)  # missing, a folder, unreadable, ...
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # any failure to parse the file (not a zip, broken XML, ...) is the file's
        raise InputError([Problem(name, "", f"<not an .xlsx workbook: {_reason(exc)}>", EXPECTED_FILE)]) from None


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _check_sheets(names: list[str], b: Builder) -> None:
    """Every sheet of the case present; no sheet noregret would not read, unless reference or notes."""
    known = [*REQUIRED_SHEETS, L.PROJECTS_SHEET]
    for name in names:
        if name in known or name == L.README_SHEET or name.startswith((L.REFERENCE_PREFIX, L.NOTES_PREFIX)):
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        sheet = (
            f"the sheet '{close[0]}' (is its name misspelt?)" if close else "a sheet of the case (README lists them)"
        )
        expected = f"{sheet}, or notes in a sheet named '{L.NOTES_PREFIX}...'"
        b.layout_problem(f"sheet '{name}'", name, expected)
    for name in REQUIRED_SHEETS:
        if name not in names:
            b.layout_problem(f"sheet '{name}'", "<missing sheet>", f"a sheet named '{name}'")


def _rows(book: Any, sheet: str, file: str) -> list[tuple[Any, ...]]:
    """The values of a sheet, row by row."""
    try:
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    except Exception as exc:  # a sheet whose XML cannot be parsed is the file's problem
        raise InputError([Problem(file, f"sheet '{sheet}'", f"<unreadable: {_reason(exc)}>", EXPECTED_FILE)]) from None


def _value(rows: list[tuple[Any, ...]], row: int, column: int) -> Any:
    """The value at a 1-based row and column (None beyond the sheet's cells)."""
    if row > len(rows) or column > len(rows[row - 1]):
        return None
    return rows[row - 1][column - 1]


def _words(value: Any) -> str:
    return " ".join(str(value).split()).lower()


# ------------------------------------------------------------------------------------------------ cells


def _set(node: dict, key: L.Key, value: Any) -> None:
    for part in key[:-1]:
        node = node.setdefault(part, {})
    node[key[-1]] = value


# ------------------------------------------------------------------------------------------------ headers


@dataclass
class _Header:
    """Where a table's columns and year columns are on its sheet."""

    columns: dict[L.Key, int]
    years: dict[int, int]


def _year(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _YEAR_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _read_header(rows: list[tuple[Any, ...]], sheet: str, columns: tuple[L.Column, ...], years: bool, b: Builder):
    """Map the header row onto the known columns; unknown, repeated or missing headers are problems."""
    known = {_words(c.header): c for c in columns}
    header = rows[L.HEADER_ROW - 1] if len(rows) >= L.HEADER_ROW else ()
    found = _Header({}, {})
    for index, written in enumerate(header, start=1):
        cell = Cell(sheet, L.HEADER_ROW, index)
        if blank(written):
            if any(not blank(_value(rows, r, index)) for r in range(L.FIRST_ROW, len(rows) + 1)):
                b.layout_problem(cell.ref, "<blank header>", "a column header (the column holds values)")
            continue
        year = _year(written) if years else None
        if year is not None:
            if year in found.years:
                b.layout_problem(cell.ref, written, "each year once")
            else:
                found.years[year] = index
            continue
        column = known.get(_words(written))
        if column is None:
            b.layout_problem(cell.ref, written, _unknown_header(written, list(known), years))
        elif column.key in found.columns:
            b.layout_problem(cell.ref, written, "each column once")
        else:
            found.columns[column.key] = index
    if columns and columns[0].key not in found.columns and columns[0].role != "reference":
        b.layout_problem(f"{Cell(sheet, L.HEADER_ROW, 1).ref}", "<missing column>", f"a column '{columns[0].header}'")
    return found


def _unknown_header(written: Any, known: list[str], years: bool) -> str:
    close = difflib.get_close_matches(_words(written), known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"a column of this sheet{hint}" + (" or a year" if years else "")


# ------------------------------------------------------------------------------------------------ tables


def _read_table(rows: list[tuple[Any, ...]], table: L.Table, b: Builder) -> list[Read]:
    """The records of a table sheet, blank rows skipped."""
    header = _read_header(rows, table.sheet, table.columns, table.series is not None, b)
    reads = []
    for number in range(L.FIRST_ROW, len(rows) + 1):
        read = _read_row(rows, number, table, header, b)
        if read is not None:
            reads.append(read)
    return reads


def _row_label(rows: list[tuple[Any, ...]], number: int, table: L.Table, header: _Header) -> str:
    parts = [_value(rows, number, header.columns[k]) for k in table.label if k in header.columns]
    return " ".join(text(p) for p in parts if not blank(p))


def _read_row(rows, number: int, table: L.Table, header: _Header, b: Builder) -> Read | None:
    inputs = {c.key: c for c in table.columns if c.role != "reference" and c.key in header.columns}
    raw = {key: _value(rows, number, header.columns[key]) for key in inputs}
    raw_years = {y: _value(rows, number, index) for y, index in header.years.items()}
    if all(blank(v) for v in (*raw.values(), *raw_years.values())):
        return None
    label = _row_label(rows, number, table, header)

    def cell_at(index: int, header_text: Any) -> Cell:
        return Cell(table.sheet, number, index, f"{label}: {header_text}" if label else str(header_text))

    node: dict[str, Any] = {}
    cells = {c.key: cell_at(header.columns[c.key], c.header) for c in table.columns if c.key in header.columns}
    for key, column in inputs.items():
        value = convert(raw[key], column.kind, cells[key], b)
        value = column.blank if value is None else value
        if value is not None:
            _set(node, key, value)
    years = {y: cell_at(index, y) for y, index in header.years.items()}
    series = {y: convert(v, table.series_kind, years[y], b) for y, v in raw_years.items()}
    series = {y: v for y, v in sorted(series.items()) if v is not None}
    if table.series is not None and series:
        _set(node, table.series, series)
    first = cells.get(table.columns[0].key, cell_at(1, ""))
    return Read(node, cells, years, first)


# ------------------------------------------------------------------------------------------------ settings


def _read_settings(rows: list[tuple[Any, ...]], b: Builder) -> list[str]:
    """Put the Settings rows into the case; return the pipeline files it lists."""
    sheet = L.SETTINGS_SHEET
    header = _read_header(rows, sheet, L.SETTING_COLUMNS, False, b)
    if ("field",) not in header.columns:
        b.layout_problem(Cell(sheet, L.HEADER_ROW, 1).ref, "<missing column>", "a column 'field'")
        return []
    by_name = {s.name: s for s in L.SETTINGS}
    seen: dict = {}
    pipelines: list[str] = []
    for number in range(L.FIRST_ROW, len(rows) + 1):
        name_cell = Cell(sheet, number, header.columns[("field",)], "field")
        name = _value(rows, number, name_cell.column)
        values = {k: _value(rows, number, i) for k, i in header.columns.items() if k[0] not in ("label", "field")}
        if blank(name):
            if not all(blank(v) for k, v in values.items() if k != (L.UNIT,) and k != ("default",)):
                b.problem(name_cell, "<blank>", "the field the row sets (the rows noregret wrote name it)")
            continue
        setting = by_name.get(text(name))
        if setting is None:
            close = difflib.get_close_matches(text(name), list(by_name), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            b.problem(name_cell, name, f"a field of the Settings sheet{hint}")
            continue
        if b.taken(setting.name, seen, name_cell, "setting"):
            continue
        value = _read_setting(setting, number, header, values, b)
        if setting.field == ("pipelines",):
            pipelines = value or []
        elif value is not None:
            _set(b.data, setting.field, value)
    return pipelines


def _read_setting(setting: L.Setting, number: int, header: _Header, values: dict, b: Builder) -> Any:
    """One setting's value (a quantity as its mapping); records the cells of its field."""
    sheet = L.SETTINGS_SHEET

    def cell(key: str) -> Cell:
        return Cell(sheet, number, header.columns.get((key,), 2), f"{setting.label}: {key}")

    kind = "number" if setting.kind == "quantity" else setting.kind
    converted = {
        key: convert(values.get((key,)), kind if key in ("value", "low", "high") else "text", cell(key), b)
        for key in ("value", "low", "high", "source", "estimate", "grade")
    }
    b.locations.add(setting.field, cell("value"))
    if setting.kind == "quantity":
        for key in converted:
            b.locations.add((*setting.field, key), cell(key))
        quantity = {k: v for k, v in converted.items() if v is not None}
        return quantity or None
    allowed = ["source", "estimate", "grade"] if setting.provenance is not None else []
    for key in ("low", "high", "source", "estimate", "grade"):
        if converted[key] is not None and key not in allowed:
            b.problem(cell(key), converted[key], f"a blank {key} (this setting is not a number with provenance)")
    owner = setting.provenance
    if owner is not None:
        b.locations.add(owner, cell("value"))
        for key in allowed:
            b.locations.add((*owner, key), cell(key))
            if converted[key] is not None:
                _set(b.data, (*owner, key), converted[key])
    if isinstance(setting.field[-1], int):  # a scope share: its mapping is found at the first share
        b.locations.add_first(setting.field[:-1], cell("value"))
    return converted["value"]


# ------------------------------------------------------------------------------------------------ projects


def _read_projects(rows: list[tuple[Any, ...]], b: Builder, pipelines: list[str]) -> ProjectSheet:
    """The Projects sheet: its cells as a raw project table, and the file of each row."""
    sheet = L.PROJECTS_SHEET
    header = rows[L.HEADER_ROW - 1] if len(rows) >= L.HEADER_ROW else ()
    columns: dict[str, int] = {}
    file_column = None
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        where = Cell(sheet, L.HEADER_ROW, index).ref
        if blank(name):
            if any(not blank(_value(rows, r, index)) for r in range(L.FIRST_ROW, len(rows) + 1)):
                b.layout_problem(where, "<blank header>", "a column header (the column holds values)")
        elif _words(name) in seen:
            b.layout_problem(where, name, "each column once")
        elif _words(name) == L.PROJECT_FILE_COLUMN:
            file_column = index
        else:
            columns[text(name)] = index
        seen.add(_words(name))
    if file_column is None:
        b.layout_problem(Cell(sheet, L.HEADER_ROW, 1).ref, "<missing column>", f"a column '{L.PROJECT_FILE_COLUMN}'")
    body = range(L.FIRST_ROW, len(rows) + 1)
    frame = pd.DataFrame(
        {name: ["" if blank(v) else v for v in (_value(rows, r, i) for r in body)] for name, i in columns.items()},
        index=pd.RangeIndex(len(body)),
    )
    files = tuple(
        text(_value(rows, r, file_column)) if file_column and not blank(_value(rows, r, file_column)) else ""
        for r in body
    )
    for r, name in zip(body, files):
        if name and name not in pipelines:
            listed = f"one of the pipeline files of the Settings sheet {pipelines}" if pipelines else ""
            expected = listed or "blank (the Settings sheet lists no pipeline files)"
            b.problem(Cell(sheet, r, file_column or 1, L.PROJECT_FILE_COLUMN), name, expected)
    return ProjectSheet(b.file, frame, files, columns)
