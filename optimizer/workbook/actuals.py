"""An actuals file (docs/monitoring.md) as a workbook a ministry can fill in: a sheet ``Actuals settings``
(the case, variant, last reported year and description, one per row) and a sheet ``Actuals`` with one row per
reported figure (units built, money paid, measured emissions, an observed indicator) and its provenance.

``noregret workbook ACTUALS.yaml`` writes it (only when it reads back as the same actuals) and ``noregret
workbook ACTUALS.xlsx`` writes it back as YAML; ``noregret track`` and ``replan`` read it as they read the
YAML file. Every problem names the sheet and cell it comes from (``Actuals!F7 (value)``)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from ..errors import InputError, Problem
from ..schema.actuals import Actuals
from ..validation import parse_model
from .cells import Cell, Locations
from .paths import rebase
from .values import blank, text

SETTINGS_SHEET = "Actuals settings"
RECORDS_SHEET = "Actuals"
SETTINGS = [
    ("schema_version", "schema version"),
    ("case", "case file (relative to this workbook) or bundled case name"),
    ("variant", "variant (blank: the case's default)"),
    ("through_year", "last reported year"),
    ("description", "description"),
]
KINDS = {
    "builds": ("units built", "intervention", "units"),
    "spend": ("money paid (US$)", "financing_source", "amount_usd"),
    "emissions": ("measured emissions (tCO2e)", "source", "tco2e"),
    "kpis": ("indicator", "intervention", "value"),
}
"""Each part of the actuals: the words of its ``record`` cell, its id field and its number field."""
COLUMNS = [
    "record",
    "id (intervention, financing source or inventory source)",
    "year",
    "indicator",
    "measure",
    "value",
    "low",
    "high",
    "source",
    "estimate",
    "grade",
]
PROVENANCE = ("low", "high", "source", "estimate", "grade")
HEADER_ROW, FIRST_ROW = 2, 3


def is_actuals_workbook(path: Path) -> bool:
    """An .xlsx workbook holding an ``Actuals`` sheet (and not a case)."""
    if Path(path).suffix.lower() != ".xlsx" or not Path(path).is_file():
        return False
    try:
        book = load_workbook(path, read_only=True)
    except Exception:  # not a readable workbook: the case reader says why
        return False
    names = book.sheetnames
    book.close()
    return RECORDS_SHEET in names and SETTINGS_SHEET in names


def actuals_workbook_bytes(actuals: Actuals) -> bytes:
    """The actuals as workbook bytes (settings, then one row per figure in the file's order)."""
    book = Workbook()
    ws = book.active
    ws.title = SETTINGS_SHEET
    ws.append(["What the actuals report on (docs/monitoring.md); one setting per row."])
    ws.append(["setting", "value"])
    given = actuals.model_fields_set
    for name, words in SETTINGS:
        value = getattr(actuals, name) if name in given else None
        ws.append([words, value])
    records = book.create_sheet(RECORDS_SHEET)
    records.append(["What was actually done: one row per figure, each with a source or an estimate note."])
    records.append(COLUMNS)
    for part, (words, id_field, number_field) in KINDS.items():
        for item in getattr(actuals, part):
            q = getattr(item, number_field)
            qs = q.model_fields_set
            records.append(
                [
                    words,
                    getattr(item, id_field),
                    item.year,
                    getattr(item, "kpi", None),
                    getattr(item, "measure", None),
                    q.value,
                    *(getattr(q, f) if f in qs else None for f in PROVENANCE),
                ]
            )
    for sheet in (ws, records):
        sheet.freeze_panes = f"A{FIRST_ROW}"
        for cell in sheet[HEADER_ROW]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 34
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def read_actuals_workbook(path: Path, content: bytes | None = None) -> Actuals:
    """The actuals of a workbook (``content`` instead of the file when given), checked against the schema;
    every problem at its sheet and cell."""
    return _read(path, content)[0]


def at_cells(path: Path, problems: list[Problem]) -> list[Problem]:
    """Problems found in the actuals of ``path`` (by field path) at their sheet and cell when ``path`` is an
    actuals workbook; as they are otherwise."""
    if not is_actuals_workbook(path):
        return problems
    _, cells = _read(path)
    return [cells.relocate(p, str(path)) if p.file == str(path) else p for p in problems]


def _read(path: Path, content: bytes | None = None) -> tuple[Actuals, Locations]:
    where = str(path)
    book = load_workbook(io.BytesIO(content) if content is not None else path, data_only=True)
    for name in (SETTINGS_SHEET, RECORDS_SHEET):
        if name not in book.sheetnames:
            raise InputError([Problem(where, name, "(missing)", f"a sheet '{name}'")])
    cells = Locations()
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    ws = book[SETTINGS_SHEET]
    by_words = {words: name for name, words in SETTINGS}
    for row in range(FIRST_ROW, ws.max_row + 1):
        label, value = ws.cell(row, 1).value, ws.cell(row, 2).value
        if label is None and value is None:
            continue
        setting = by_words.get(str(label).strip() if label is not None else "")
        if setting is None:
            problems.append(Problem(where, Cell(SETTINGS_SHEET, row, 1).ref, label, f"one of: {', '.join(by_words)}"))
            continue
        cells.add((setting,), Cell(SETTINGS_SHEET, row, 2, setting))
        if not blank(value):
            data[setting] = _whole(value) if setting in ("schema_version", "through_year") else text(value)
    ws = book[RECORDS_SHEET]
    head = [ws.cell(HEADER_ROW, k).value for k in range(1, len(COLUMNS) + 1)]
    if head != COLUMNS:
        raise InputError([Problem(where, f"{RECORDS_SHEET}!A{HEADER_ROW}", head, f"the columns {COLUMNS}")])
    part_of = {words: part for part, (words, _, _) in KINDS.items()}
    for part in KINDS:
        data[part] = []
    for row in range(FIRST_ROW, ws.max_row + 1):
        values = [ws.cell(row, k).value for k in range(1, len(COLUMNS) + 1)]
        if all(blank(v) for v in values):
            continue
        record, ident, year, kpi, measure, value, *prov = values
        found = part_of.get(str(record).strip() if record is not None else "")
        if found is None:
            problems.append(Problem(where, Cell(RECORDS_SHEET, row, 1).ref, record, f"one of: {', '.join(part_of)}"))
            continue
        part = found
        _, id_field, number_field = KINDS[part]
        k = len(data[part])
        item: dict[str, Any] = {id_field: text(ident) if ident is not None else None, "year": _whole(year)}
        cells.add((part, k), Cell(RECORDS_SHEET, row, 1, "record"))
        cells.add((part, k, id_field), Cell(RECORDS_SHEET, row, 2, id_field))
        cells.add((part, k, "year"), Cell(RECORDS_SHEET, row, 3, "year"))
        if part == "kpis":
            item.update(kpi=text(kpi) if kpi is not None else None, measure=measure)
            cells.add((part, k, "kpi"), Cell(RECORDS_SHEET, row, 4, "indicator"))
            cells.add((part, k, "measure"), Cell(RECORDS_SHEET, row, 5, "measure"))
        quantity: dict[str, Any] = {"value": value}
        cells.add((part, k, number_field), Cell(RECORDS_SHEET, row, 6, "value"))
        cells.add((part, k, number_field, "value"), Cell(RECORDS_SHEET, row, 6, "value"))
        for j, (name, v) in enumerate(zip(PROVENANCE, prov)):
            cells.add((part, k, number_field, name), Cell(RECORDS_SHEET, row, 7 + j, name))
            if not blank(v):
                quantity[name] = text(v) if name in ("source", "estimate", "grade") else v
        item[number_field] = quantity
        data[part].append(item)
    for part in KINDS:
        if not data[part]:
            del data[part]
    if problems:
        raise InputError(problems)
    try:
        return parse_model(Actuals, data, where), cells
    except InputError as err:
        raise InputError([cells.relocate(p, where) for p in err.problems]) from None


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def actuals_to_workbook(source: Path, out: Path) -> Path:
    """Write a checked actuals YAML file as a workbook, if it reads back as the same actuals."""
    from ..monitoring.actuals import load_actuals
    from ..outputs import atomic_write_bytes, ensure_folder

    actuals = load_actuals(source).actuals  # checked against its case first
    named = Path(source).parent / actuals.case  # a relative case file is kept pointing at the same file
    if not Path(actuals.case).is_absolute() and named.exists():
        actuals = actuals.model_copy(update={"case": rebase(actuals.case, Path(source).parent, Path(out).parent)})
    content = actuals_workbook_bytes(actuals)
    again = read_actuals_workbook(out, content)
    if again.model_dump(exclude_unset=True) != actuals.model_dump(exclude_unset=True):
        raise InputError([Problem(str(source), "", "actuals", "actuals that read back the same from a workbook")])
    ensure_folder(out.parent)
    return atomic_write_bytes(out, content)


def workbook_to_actuals_yaml(workbook: Path, out: Path) -> Path:
    """Write an actuals workbook as an actuals YAML file (the case path rewritten relative to it)."""
    import yaml

    from ..outputs import atomic_write_text, ensure_folder

    actuals = read_actuals_workbook(workbook)
    if (Path(workbook).parent / actuals.case).exists():
        actuals = actuals.model_copy(update={"case": rebase(actuals.case, Path(workbook).parent, Path(out).parent)})
    data = _value_first(actuals.model_dump(mode="json", exclude_unset=True))
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    ensure_folder(out.parent)
    return atomic_write_text(out, dumped)


def _value_first(data: Any) -> Any:
    """Each number's ``value`` before its provenance, as the YAML files write it."""
    if isinstance(data, dict):
        ordered = {"value": data["value"]} if "value" in data else {}
        ordered.update({k: _value_first(v) for k, v in data.items() if k != "value"})
        return ordered
    if isinstance(data, list):
        return [_value_first(v) for v in data]
    return data
