"""Write a case as the planner's workbook (.xlsx): the README, the Settings, one sheet per table of the case,
the pipeline projects, and reference sheets of the library.

Every sheet has a title row, frozen bold headers with units, drop-downs on id and choice columns, numbers
formatted with thousands separators and no more decimals than the value has, and columns as wide as their
content (within limits). Reference sheets are protected (read-only) and greyed.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import IllegalCharacterError
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import InputError, Problem
from ..pipeline.reading import NUMBER_TEXT
from ..schema import Case
from ..schema.library import ACTION_FAMILIES
from . import layout as L
from .paths import with_library
from .readme import readme_lines
from .records import TABLE_RECORDS, Record
from .schema_text import describe, setting_default

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from ..loading import Library, LoadedCase

ROOM = 200
"""Rows below the last record that keep the drop-downs and formats, for records the planner adds."""
MIN_WIDTH, MAX_WIDTH = 8, 48
"""Narrowest and widest column (characters)."""
MAX_DECIMALS = 10
"""Most decimals a number format shows."""

_HEADER = PatternFill("solid", start_color="DCE6F1")
_PROVENANCE = PatternFill("solid", start_color="FFF2CC")
_REFERENCE = PatternFill("solid", start_color="EDEDED")
_YEARS = PatternFill("solid", start_color="E2EFDA")
_BOLD = Font(bold=True)
_TITLE = Font(italic=True, color="404040")
_GREY = Font(color="808080")
_WRAP = Alignment(wrap_text=True, vertical="top")


def number_format(value: float, percent: bool = False) -> str:
    """A format that shows ``value`` as written (thousands separators, as many decimals as its 12 significant
    digits have, at most :data:`MAX_DECIMALS`): 6000000 and 6000000.000000001 -> ``#,##0``, 1.25 -> ``#,##0.00``,
    0.055 as a percent -> ``0.0%``. The cell keeps the exact value."""
    exact = Decimal(format(float(value), ".12g")).scaleb(2 if percent else 0).normalize()
    exponent = exact.as_tuple().exponent
    decimals = min(MAX_DECIMALS, max(0, -exponent)) if isinstance(exponent, int) else 0
    digits = "0" if percent else "#,##0"
    return digits + ("." + "0" * decimals if decimals else "") + ("%" if percent else "")


def blank_format(kind: str, percent: bool) -> str:
    """The format of an empty cell of a column (what the planner types there)."""
    if percent:
        return "0.0#%"
    return "0" if kind == "whole" else "General"


@dataclass
class _Sheet:
    """A sheet being written: its columns' widths so far."""

    ws: Worksheet
    widths: dict[int, int] = field(default_factory=dict)

    def put(self, row: int, column: int, value: Any, kind: str = "text", percent: bool = False) -> None:
        """Write one value (numbers formatted, text never read as a formula) and widen its column to fit."""
        cell = self.ws.cell(row=row, column=column)
        if value is None:
            if kind in ("number", "whole"):
                cell.number_format = blank_format(kind, percent)
            return
        if isinstance(value, list):
            value = f"{L.LIST_SEPARATOR} ".join(map(str, value)) or L.EMPTY_LIST
        try:
            cell.value = value
        except IllegalCharacterError:
            where = f"{self.ws.title}!{cell.coordinate}"
            raise InputError([Problem("<workbook>", where, value, "text without control characters")]) from None
        if isinstance(value, str):
            cell.data_type = "s"  # a note starting with '=' stays text
            shown = len(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.number_format = "0" if kind == "whole" else number_format(value, percent)
            shown = len(f"{value:,}") + 1
        else:
            shown = len(str(value))
        self.widths[column] = max(self.widths.get(column, 0), shown)

    def header(self, column: int, text: Any, fill: PatternFill = _HEADER, note: str = "") -> None:
        cell = self.ws.cell(row=L.HEADER_ROW, column=column, value=text)
        cell.font, cell.fill, cell.alignment = _BOLD, fill, _WRAP
        if note:
            cell.comment = Comment(note, "noregret", width=320, height=110)
        words = max((len(w) for w in str(text).split()), default=0)
        self.widths[column] = max(self.widths.get(column, 0), words + 2, min(len(str(text)), 16))

    def title(self, text: str) -> None:
        cell = self.ws.cell(row=L.TITLE_ROW, column=1, value=text)
        cell.font = _TITLE

    def finish(self, frozen: int) -> None:
        """Column widths, the header row's height, frozen title, headers and key columns."""
        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 1))
        self.ws.row_dimensions[L.HEADER_ROW].height = 45
        self.ws.freeze_panes = self.ws.cell(row=L.FIRST_ROW, column=frozen + 1).coordinate


def _fill(column: L.Column) -> PatternFill:
    return {"provenance": _PROVENANCE, "reference": _REFERENCE}.get(column.role, _HEADER)


def get(node: Any, key: L.Key) -> Any:
    """The value at ``key`` in a nested record, or None."""
    for part in key:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# ------------------------------------------------------------------------------------------------ drop-downs


@dataclass
class _Choices:
    """The drop-down lists of a workbook: where each named list's entries are."""

    ranges: dict[str, str]

    def formula(self, choices: str | tuple[str, ...]) -> str | None:
        if isinstance(choices, str):
            return self.ranges.get(choices)
        text = ",".join(choices)
        return f'"{text}"' if len(text) <= 250 else None

    def add(self, ws: Worksheet, choices: str | tuple[str, ...] | None, *cells: str) -> None:
        """A drop-down on each of ``cells`` (ranges); a value typed over it is warned about by the spreadsheet,
        and refused by noregret when it is not one of the choices."""
        formula = self.formula(choices) if choices is not None else None
        if formula is None or not cells:
            return
        rule = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning")
        rule.error = "Not one of the choices: noregret will refuse it unless it is a valid id."
        rule.errorTitle = "noregret"
        for where in cells:
            rule.add(where)
        ws.add_data_validation(rule)


def _range(sheet: str, column: int, rows: int) -> str:
    letter = get_column_letter(column)
    return f"{quote_sheetname(sheet)}!${letter}${L.FIRST_ROW}:${letter}${L.FIRST_ROW + max(rows, 1) - 1}"


@dataclass(frozen=True)
class _List:
    """A block of the Ref vocabulary sheet: reference columns whose first column is a drop-down list."""

    name: str
    """The list (:data:`layout.LISTS`)."""
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    mirror: tuple[str, int] | None = None
    """A case sheet whose first column follows the rows in the list (as formulas, so that the planner's new
    records are offered too), and how many of its rows."""

    @property
    def length(self) -> int:
        return len(self.rows) + (self.mirror[1] if self.mirror else 0)


def _ref_lists(library: Library, case_rows: dict[str, int]) -> list[_List]:
    """The blocks of the Ref vocabulary sheet, left to right."""
    vocabulary = library.vocabulary
    return [
        _List(
            "sources",
            ("source", "name", "scope", "activity unit"),
            [(s.id, s.name, s.scope, s.activity_unit) for s in vocabulary.sources],
        ),
        _List("facility_types", ("facility type", "unit"), [(f.id, f.unit) for f in vocabulary.facility_types]),
        _List("resources", ("resource", "unit"), [(r.id, r.unit) for r in vocabulary.resources]),
        _List("families", ("action family", "name"), list(ACTION_FAMILIES.items())),
        _List("bases", ("potential basis",), [(f.id,) for f in vocabulary.facility_types] + [("country",)]),
        _List(
            "groups",
            ("group", "name", "max combined share"),
            [(g.id, g.name, g.max_combined_share) for g in library.groups.values()],
            (L.CASE_GROUPS.sheet, case_rows[L.CASE_GROUPS.sheet] + ROOM),
        ),
        _List(
            "interventions",
            ("intervention", "name"),
            [(iid, item.name) for iid, item in library.interventions.items()],
            (L.CASE_INTERVENTIONS.sheet, case_rows[L.CASE_INTERVENTIONS.sheet] + ROOM),
        ),
        _List("override_fields", ("override field", "unit"), _override_fields()),
    ]


def _override_fields() -> list[tuple[str, str]]:
    """The fields of the Overrides sheet and their units, as the Ref vocabulary sheet lists them."""
    out = [(name, spec.unit.format(unit="unit")) for name, spec in L.OVERRIDE_FIELDS.items()]
    out += [(name, unit.format(resource="resource unit", unit="unit")) for name, unit in L.RESOURCE_FIELDS.items()]
    return out + [(f"{L.EFFECT_PREFIX}{measure}", f"an effect ({kind})") for measure, kind in L.EFFECT_TYPES.items()]


def _list_columns(lists: list[_List]) -> list[int]:
    """The first column of each block of the Ref vocabulary sheet (one blank column between blocks)."""
    out, column = [], 1
    for block in lists:
        out.append(column)
        column += len(block.headers) + 1
    return out


def _choices(case_rows: dict[str, int], lists: list[_List]) -> _Choices:
    ranges = {
        block.name: _range(L.REF_VOCABULARY, column, block.length) for block, column in zip(lists, _list_columns(lists))
    }
    for name, table in (
        ("drivers", L.DRIVERS),
        ("variants", L.VARIANTS),
        ("case_sources", L.SOURCES),
        ("phases", L.PHASES),
        ("case_interventions", L.CASE_INTERVENTIONS),
    ):
        ranges[name] = _range(table.sheet, 1, case_rows[table.sheet] + ROOM)
    return _Choices(ranges)


# ------------------------------------------------------------------------------------------------ tables


def table_years(table: L.Table, records: list[Record], case: Case) -> list[int]:
    """The year columns of a table: every year a record has, and for money and limits the decision years
    (empty cells to fill), for custom targets the years from the first decision year to the horizon end."""
    years: set[int] = set()
    for record in records:
        years |= set(get(record, table.series or ()) or {})
    window = range(case.decision_window.first_year, case.decision_window.last_year + 1)
    if table in (L.BUDGET, L.FINANCING, L.RESOURCES, L.MATURITY):
        years |= set(window)
    if table is L.TARGETS:
        years |= set(range(case.decision_window.first_year, case.horizon_end_year + 1))
    return sorted(years)


def write_table(ws: Worksheet, table: L.Table, records: list[Record], case: Case, choices: _Choices) -> None:
    sheet = _Sheet(ws)
    sheet.title(table.title)
    years = table_years(table, records, case) if table.series is not None else []
    for c, column in enumerate(table.columns, start=1):
        sheet.header(c, column.header, _fill(column), column.note)
    first_year = len(table.columns) + 1
    for k, year in enumerate(years):
        sheet.header(first_year + k, year, _YEARS, f"{table.series_unit or 'value'} in {year}")
    index = {column.key: c for c, column in enumerate(table.columns, start=1)}
    cell_choices: dict[str | tuple[str, ...], list[str]] = {}
    for r, record in enumerate(records, start=L.FIRST_ROW):
        for c, column in enumerate(table.columns, start=1):
            sheet.put(r, c, get(record, column.key), column.kind, column.percent)
            if column.role == "reference":
                ws.cell(row=r, column=c).font = _GREY
        series = get(record, table.series or ()) or {}
        for k, year in enumerate(years):
            sheet.put(r, first_year + k, series.get(year), table.series_kind)
        for key, listed in record.get(L.CELL_CHOICES, {}).items():
            cell_choices.setdefault(listed, []).append(ws.cell(row=r, column=index[key]).coordinate)
    last = L.FIRST_ROW + len(records) + ROOM
    for c, column in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        choices.add(ws, column.choices, f"{letter}{L.FIRST_ROW}:{letter}{last}")
    for listed, cells in cell_choices.items():
        choices.add(ws, listed, *cells)
    sheet.finish(table.frozen)


# ------------------------------------------------------------------------------------------------ settings


def _setting_values(setting: L.Setting, case: dict) -> dict[str, Any]:
    """The value, range and provenance cells of one Settings row."""
    value = get(case, setting.field)
    if setting.kind == "quantity":
        return dict(value or {})
    out = {"value": value}
    if setting.provenance is not None and setting.kind != "quantity":
        owner = get(case, setting.provenance) or {}
        out.update({k: owner[k] for k in ("source", "estimate", "grade") if k in owner})
    return out


def write_settings(ws: Worksheet, case: dict, choices: _Choices) -> None:
    sheet = _Sheet(ws)
    sheet.title(L.SETTINGS_TITLE)
    for c, column in enumerate(L.SETTING_COLUMNS, start=1):
        sheet.header(c, column.header, _fill(column), column.note)
    value_column = 2
    for r, setting in enumerate(L.SETTINGS, start=L.FIRST_ROW):
        values = _setting_values(setting, case)
        record = {
            "label": setting.label,
            L.UNIT: setting.unit,
            "default": setting_default(setting.field),
            "field": setting.name,
            **values,
        }
        kind = "number" if setting.kind == "quantity" else setting.kind
        for c, column in enumerate(L.SETTING_COLUMNS, start=1):
            percent = setting.percent and column.key in (("value",), ("low",), ("high",))
            sheet.put(r, c, get(record, column.key), kind if column.kind == "any" else column.kind, percent)
            if column.role == "reference" or column.key == ("field",):
                ws.cell(row=r, column=c).font = _GREY
        note = describe(setting.field)
        if note:
            ws.cell(row=r, column=1).comment = Comment(note, "noregret", width=320, height=110)
        if setting.choices is not None:
            choices.add(ws, setting.choices, ws.cell(row=r, column=value_column).coordinate)
    sheet.widths[value_column] = min(sheet.widths.get(value_column, 0), 40)
    sheet.finish(1)


# ------------------------------------------------------------------------------------------------ projects


def write_projects(ws: Worksheet, files: Sequence[tuple[str, pd.DataFrame]], choices: _Choices) -> None:
    """The Projects sheet: the ``file`` column, then the union of the pipeline files' columns (as their headers
    write them); numbers in numeric columns are written as numbers."""
    from .projects import is_number_column, union_columns

    sheet = _Sheet(ws)
    sheet.title(L.PROJECTS_TITLE)
    columns = union_columns([frame for _, frame in files])
    sheet.header(1, L.PROJECT_FILE_COLUMN, note="the pipeline file (Settings: Pipeline files) the project goes to")
    for c, name in enumerate(columns, start=2):
        sheet.header(c, name)
    r = L.FIRST_ROW
    for entry, frame in files:
        by_name = {str(c).strip().lower(): c for c in frame.columns}
        for values in frame.itertuples(index=False):
            row = dict(zip(frame.columns, values))
            sheet.put(r, 1, entry)
            for c, name in enumerate(columns, start=2):
                cell = row.get(by_name.get(name.lower(), ""), "")
                sheet.put(r, c, _project_value(cell, is_number_column(name)), "number")
            r += 1
    last = r + ROOM
    choices.add(ws, tuple(entry for entry, _ in files), f"A{L.FIRST_ROW}:A{last}")
    lower = [name.lower() for name in columns]
    for column, listed in (("readiness", L.READINESS), ("intervention", "interventions")):
        if column in lower:
            letter = get_column_letter(lower.index(column) + 2)
            choices.add(ws, listed, f"{letter}{L.FIRST_ROW}:{letter}{last}")
    sheet.finish(2)


def _project_value(cell: Any, numeric: bool) -> Any:
    """A pipeline cell as the sheet holds it: blank as empty, a number as a number in a numeric column."""
    written = "" if cell is None else str(cell).strip()
    if not written:
        return None
    if not numeric or not re.fullmatch(NUMBER_TEXT, written) or not math.isfinite(float(written)):
        return written
    number = float(written)
    return int(number) if re.fullmatch(r"[-+]?[0-9]+", written) and abs(number) < 1e15 else number


# ------------------------------------------------------------------------------------------------ reference


def write_ref_interventions(ws: Worksheet, library: Library) -> None:
    sheet = _Sheet(ws)
    sheet.title("Reference (read-only, not read back): the library's interventions and their per-unit defaults.")
    headers = [
        "intervention",
        "name",
        "family",
        "unit",
        "phase",
        "complexity",
        "capex (USD per unit)",
        "programme cost (USD)",
        "O&M change (USD per unit per year)",
        "lifetime (years)",
        "lead time (years)",
        "max share per year (fraction)",
        "potential basis",
        "units per basis",
        "effects",
    ]
    for c, text in enumerate(headers, start=1):
        sheet.header(c, text, _REFERENCE)
    for r, (iid, item) in enumerate(library.interventions.items(), start=L.FIRST_ROW):
        values = [
            iid,
            item.name,
            library.family_of.get(iid, ""),
            item.unit,
            item.phase,
            item.complexity,
            item.capex_usd_per_unit.value,
            item.fixed_cost_usd.value,
            item.om_change_usd_per_unit_year.value,
            item.lifetime_years.value,
            item.lead_time_years.value,
            item.max_share_per_year.value,
            item.potential.basis,
            item.potential.units_per_basis.value,
            "; ".join(_effect_text(e) for e in item.effects),
        ]
        for c, value in enumerate(values, start=1):
            sheet.put(r, c, value, "number")
    sheet.finish(1)
    ws.protection.sheet = True


def _effect_text(effect: Any) -> str:
    if effect.type == "share":
        return f"removes {effect.fraction.value:g} of {effect.source}"
    if effect.change_per_unit_year is not None:
        return f"{effect.source} {effect.change_per_unit_year.value:+g} per unit-year"
    relative = f" of {effect.relative_to}" if effect.relative_to else ""
    return f"{effect.source} {effect.change_share_of_unit_activity.value:+g} x unit activity{relative}"


def write_ref_vocabulary(ws: Worksheet, lists: list[_List]) -> None:
    """The lists the drop-downs offer, each with what its ids mean; the case's own groups and interventions
    follow the library's, as formulas reading their sheets."""
    sheet = _Sheet(ws)
    sheet.title(
        "Reference (read-only, not read back): the ids the drop-downs offer. The case's own groups and "
        "interventions follow the library's."
    )
    for block, first in zip(lists, _list_columns(lists)):
        for c, text in enumerate(block.headers, start=first):
            sheet.header(c, text, _REFERENCE)
        for r, values in enumerate(block.rows, start=L.FIRST_ROW):
            for c, value in enumerate(values, start=first):
                sheet.put(r, c, value, "number")
        if block.mirror is not None:
            case_sheet, count = block.mirror
            for k in range(count):
                source = f"{quote_sheetname(case_sheet)}!A{L.FIRST_ROW + k}"
                ws.cell(row=L.FIRST_ROW + len(block.rows) + k, column=first, value=f'={source}&""')
    sheet.finish(1)
    ws.protection.sheet = True


# ------------------------------------------------------------------------------------------------ README


def write_readme(ws: Worksheet, case: Case, name: str, has_projects: bool) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 110
    for r, (left, right) in enumerate(readme_lines(case, name, has_projects), start=1):
        if left:
            ws.cell(row=r, column=1, value=left).font = _BOLD
        cell = ws.cell(row=r, column=2, value=right)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.data_type = "s"
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)


# ------------------------------------------------------------------------------------------------ whole book


def workbook_bytes(loaded: LoadedCase, out: Path, projects: Sequence[tuple[str, pd.DataFrame]] = ()) -> bytes:
    """The workbook of a loaded case as .xlsx bytes, to be saved as ``out`` (the library path is rewritten
    relative to it). ``projects`` are the raw tables of the case's pipeline files, each with the name it is
    listed under."""
    case = loaded.case
    library = loaded.library.base or loaded.library  # as its files have it: the case's changes are on its sheets
    data = with_library(case.model_dump(exclude_unset=True), loaded.path, out.parent)
    name = out.name
    book = Workbook()
    readme = book.active
    readme.title = L.README_SHEET
    records = {sheet: rows(data, library) for sheet, (rows, _) in TABLE_RECORDS.items()}
    case_rows = {sheet: len(r) for sheet, r in records.items()}
    lists = _ref_lists(library, case_rows)
    choices = _choices(case_rows, lists)
    write_readme(readme, case, name, bool(projects))
    write_settings(book.create_sheet(L.SETTINGS_SHEET), data, choices)
    for table in L.TABLES:
        write_table(book.create_sheet(table.sheet), table, records[table.sheet], case, choices)
    if projects:
        write_projects(book.create_sheet(L.PROJECTS_SHEET), projects, choices)
    write_ref_interventions(book.create_sheet(L.REF_INTERVENTIONS), library)
    write_ref_vocabulary(book.create_sheet(L.REF_VOCABULARY), lists)
    for ws in book.worksheets:
        if ws.title.startswith(L.REFERENCE_PREFIX):
            ws.sheet_properties.tabColor = "A6A6A6"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
