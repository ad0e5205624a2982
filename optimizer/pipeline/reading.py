"""Reading and checking project pipeline files (CSV or Parquet) into a :class:`~.table.ProjectTable`.

A pipeline file has a header row naming its columns and one row per project (docs/pipelines.md). Every
cell is read as text and checked column by column with pandas and numpy (no Python object per row), so a
file of tens of thousands of projects is read and checked in about a second. Each mistake is a
:class:`~optimizer.errors.Problem` at ``row N, column C``, rows numbered as a spreadsheet numbers them
(the header is row 1); all problems of a file are reported together, never a traceback. Legal values
that look like slips become plausibility warnings (:class:`~optimizer.plausibility.Caution`) on the table.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..plausibility import Caution, unused_regional_budgets
from ..schema.base import (
    FIRST_YEAR,
    GRADES,
    GRADES_FOR_ESTIMATE,
    GRADES_FOR_SOURCE,
    LAST_YEAR,
    MAX_MAGNITUDE,
)
from ..yaml_io import read_bytes
from .table import OPTIONAL_NUMBERS, READINESS_STAGES, ProjectTable, change_column

if TYPE_CHECKING:
    from ..loading import Library
    from ..schema import Case

SUFFIXES = (".csv", ".parquet")
"""File name endings read as pipeline files (any case)."""
MAX_FILE_BYTES = 200 * 1024 * 1024
"""Largest pipeline file read; bytes (a file of 20,000 projects is about 5 MB)."""
MAX_PROBLEMS_PER_FILE = 50
"""Problems listed for one file; the rest are counted in a last problem."""
MAX_ID_CHARS = 64
"""Longest project id; characters."""
MAX_NAME_CHARS = 200
"""Longest name-like cell (names, facility, region, exclusive group); characters."""
MAX_TEXT_CHARS = 20_000
"""Longest free-text cell (source, estimate) and list cell (prerequisites, financing); characters."""
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.:-]*"
"""A project id: letters, digits and ``_ . : -``, starting with a letter or digit."""
LIST_SEPARATOR = ";"
"""Separates the ids in a ``prerequisites`` or ``financing`` cell."""

REQUIRED_COLUMNS = ("id", "name", "facility_id", "intervention", "size", "readiness")
"""Columns every pipeline file has."""
PROVENANCE_COLUMNS = ("source", "estimate")
"""A file has at least one of these, and each row a non-empty cell in at least one."""
GRADE_COLUMN = "grade"
"""Optional: the quality grade of a project's numbers (A or B with a source, C or D with an estimate; blank: not
graded), as :data:`optimizer.schema.base.GRADE_MEANINGS` defines them."""
OPTIONAL_TEXT = (
    "facility_name",
    "facility_type",
    "region",
    "exclusive_group",
    "prerequisites",
    "financing",
    GRADE_COLUMN,
)
"""Text columns that may be left out (a missing column reads as all blank)."""
NAME_COLUMNS = ("name", "facility_id", "facility_name", "facility_type", "region", "exclusive_group")
"""Text columns of at most :data:`MAX_NAME_CHARS` characters."""
LIST_COLUMNS = ("prerequisites", "financing")
"""Columns holding ids separated by :data:`LIST_SEPARATOR`."""
PIPELINE_LABEL = "<pipeline>"
"""The file label of a project frame given directly (API, tests) rather than read from a file."""

NUMBER_TEXT = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?(?:inf|infinity|nan)"
"""A number as a cell may hold it: decimal digits, an optional point and exponent (the non-finite words
are read so that they can be refused as such)."""
_HINT_COMPARISONS = 200_000
"""Most value-to-choice comparisons spent on "did you mean" hints for one list of wrong values."""
NOT_A_NUMBER = "a number, e.g. 1000 or 2.5e6 (digits with a decimal point; no thousands separators or units)"


@dataclass(frozen=True)
class _Range:
    """What a numeric column accepts."""

    low: float
    high: float
    expected: str
    whole: bool = False
    low_open: bool = False


_ANY = _Range(-MAX_MAGNITUDE, MAX_MAGNITUDE, f"a number of at most {MAX_MAGNITUDE:g} in size")
_YEAR = _Range(FIRST_YEAR, LAST_YEAR, f"a calendar year from {FIRST_YEAR} to {LAST_YEAR}", whole=True)
_SIZE = _Range(
    0.0, MAX_MAGNITUDE, f"a number above 0 and at most {MAX_MAGNITUDE:g}, in the intervention's unit", low_open=True
)
NUMBER_RANGES: dict[str, _Range] = {
    "capex_usd": _Range(0.0, MAX_MAGNITUDE, f"a number from 0 to {MAX_MAGNITUDE:g}; USD"),
    "fixed_cost_usd": _Range(0.0, MAX_MAGNITUDE, f"a number from 0 to {MAX_MAGNITUDE:g}; USD"),
    "om_change_usd_per_year": _ANY,
    "lifetime_years": _Range(1, 100, "a whole number of years from 1 to 100", whole=True),
    "lead_time_years": _Range(0, 10, "a whole number of years from 0 to 10", whole=True),
    "earliest_start": _YEAR,
    "latest_start": _YEAR,
}
"""The accepted values of each column of :data:`~.table.OPTIONAL_NUMBERS`."""


# --------------------------------------------------------------------------- reading files


def read_pipeline_file(path: Path) -> pd.DataFrame:
    """The table a pipeline file holds, every cell as text ("" where blank), columns named as in the header
    row. Blank rows are kept, so that row ``k`` of the frame is row ``k + 2`` of the file. Any failure to
    read it (missing, a directory, unreadable, not UTF-8, not ``.csv`` or ``.parquet``, empty, malformed)
    is an :class:`InputError` naming the file."""
    return _parse(Path(path), _read(Path(path)))


def _read(path: Path) -> bytes:
    """The file's bytes, after checking its name ends in a known suffix."""
    if path.suffix.lower() not in SUFFIXES:
        shown = f"<a file ending in '{path.suffix}'>" if path.suffix else "<a file name without an ending>"
        raise InputError([Problem(str(path), "", shown, "a pipeline file ending in .csv or .parquet")])
    return read_bytes(path, "a pipeline file (CSV or Parquet)", MAX_FILE_BYTES)


def _parse(path: Path, data: bytes) -> pd.DataFrame:
    """The text table of a pipeline file's bytes (CSV or Parquet by the file's suffix)."""
    if not data.strip():
        raise InputError([Problem(str(path), "", "<empty file>", "a header row naming the columns, then projects")])
    if path.suffix.lower() == ".parquet":
        return _parse_parquet(data, str(path))
    return _parse_csv(data, str(path))


def _parse_csv(data: bytes, name: str) -> pd.DataFrame:
    """Parse UTF-8 CSV (a byte-order mark is allowed) into text cells; the first row names the columns."""
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = skip + exc.start
        expected = "UTF-8 text (from a spreadsheet, save as 'CSV UTF-8')"
        raise InputError([Problem(name, f"byte {at}", data[at : at + 4], expected)]) from None
    try:
        grid = pd.read_csv(
            io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False
        ).fillna("")
    except pd.errors.EmptyDataError:  # the first line is blank (the whole file is not: see _parse)
        raise InputError([Problem(name, "row 1", "<a blank row>", "the header row, naming the columns")]) from None
    except pd.errors.ParserError as exc:
        raise InputError([_csv_problem(name, str(exc))]) from None
    body = grid.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index([str(c) for c in grid.iloc[0]])
    return body


def _csv_problem(name: str, message: str) -> Problem:
    """The parser's complaint about malformed CSV as a problem at the row it names."""
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, saw = fields.groups()
        return Problem(
            name,
            f"row {line}",
            f"<{saw} cells>",
            f"at most {expected} cells, as many as the header row names (is a comma inside a value not in quotes?)",
        )
    quote = re.search(r"EOF inside string starting at row (\d+)", message)
    if quote:
        return Problem(
            name, f"row {int(quote.group(1)) + 1}", "<a quote that is never closed>", 'a closing " for each opening "'
        )
    return Problem(name, "", f"<{message.split('C error: ')[-1]}>", "a comma-separated table (CSV)")


def _parse_parquet(data: bytes, name: str) -> pd.DataFrame:
    """Read a Parquet table and turn its cells into text (numbers written exactly, missing values blank)."""
    import pyarrow

    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except (pyarrow.ArrowException, OSError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            [Problem(name, "", f"<unreadable Parquet: {reason}>", "a Parquet table of projects")]
        ) from None
    frame = frame.reset_index(drop=True)
    frame.columns = pd.Index([str(c) for c in frame.columns])
    return as_text(frame)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every cell as text: strings as they are, numbers exactly (the shortest text that reads
    back as the same float), missing values (None, NaN, NA) as ""."""
    return pd.DataFrame({k: _text_column(frame.iloc[:, k]) for k in range(frame.shape[1])}).set_axis(
        [str(c) for c in frame.columns], axis=1
    )


def _text_column(column: pd.Series) -> pd.Series:
    if pd.api.types.infer_dtype(column, skipna=False) == "string":
        return column.reset_index(drop=True)
    return column.astype(object).map(_cell_text).reset_index(drop=True)


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (float, np.floating)):
        return "" if np.isnan(value) else repr(float(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# --------------------------------------------------------------------------- one file's cells


@dataclass
class _Sheet:
    """One pipeline file being checked: its cells as stripped text under lower-case column names, the
    spreadsheet row of each project, and the problems found so far."""

    label: str
    cells: pd.DataFrame
    rows: np.ndarray
    written: dict[str, str]
    """Column name as the header writes it, by lower-case name."""
    position: dict[str, int]
    found: list[tuple[int, int, Problem]] = field(default_factory=list)
    header_ok: bool = True
    """The file has every required column (cross-file checks need them)."""

    def has(self, column: str) -> bool:
        return column in self.cells.columns

    def text(self, column: str) -> pd.Series:
        """A column's cells ("" everywhere when the file has no such column)."""
        if self.has(column):
            return self.cells[column]
        return pd.Series([""] * len(self.cells), dtype=object)

    def flag(self, where: np.ndarray | pd.Series, column: str, expected: str | Sequence[str]) -> None:
        """A problem for each project marked in ``where`` (booleans) in ``column``."""
        self.flag_at(np.flatnonzero(np.asarray(where, dtype=bool)), column, expected)

    def flag_at(self, positions: Iterable[int], column: str, expected: str | Sequence[str]) -> None:
        """A problem for each project at ``positions`` (0-based) in ``column``; ``expected`` is one text for
        all or one per position. Nothing is flagged in a column the file does not have."""
        if not self.has(column):
            return  # the header's problem says the column is missing
        values = self.cells[column].to_numpy()
        for k, pos in enumerate(positions):
            row = int(self.rows[pos])
            what = expected if isinstance(expected, str) else expected[k]
            path = f"row {row}, column {self.written.get(column, column)}"
            self.found.append((row, self.position.get(column, 0), Problem(self.label, path, values[pos], what)))

    def header_problem(self, column_index: int, path: str, value: Any, expected: str) -> None:
        self.found.append((1, column_index, Problem(self.label, path, value, expected)))

    def problems(self) -> list[Problem]:
        """The problems in file order, at most :data:`MAX_PROBLEMS_PER_FILE` and a count of the rest."""
        ordered = [p for _, _, p in sorted(self.found, key=lambda f: (f[0], f[1]))]
        if len(ordered) <= MAX_PROBLEMS_PER_FILE:
            return ordered
        extra = len(ordered) - MAX_PROBLEMS_PER_FILE
        more = Problem(
            self.label, "", f"<{extra:,} more problems not listed>", "a file without them (fix those above first)"
        )
        return ordered[:MAX_PROBLEMS_PER_FILE] + [more]


def _sheet(raw: pd.DataFrame, label: str, first_row: int) -> _Sheet:
    """The cells of a raw table under lower-case column names, blank rows dropped (their numbers kept);
    problems with the header noted."""
    text = as_text(raw)
    written = [str(c) for c in raw.columns]
    keep: list[int] = []
    names: dict[str, str] = {}
    position: dict[str, int] = {}
    found: list[tuple[int, int, Problem]] = []
    for k, name in enumerate(written):
        key = name.strip().lower()
        if not key:
            if (text.iloc[:, k].str.strip() != "").any():
                found.append(
                    (1, k, Problem(label, f"row 1, column {k + 1}", name, "a column name (the column has values)"))
                )
            continue
        if key in names:
            found.append((1, k, Problem(label, f"row 1, column {name}", name, "each column name once")))
            continue
        names[key], position[key] = name, k
        keep.append(k)
    cells = pd.DataFrame(
        {key: text.iloc[:, k].str.strip() for key, k in zip(names, keep)}, index=pd.RangeIndex(len(text))
    )
    rows = first_row + np.arange(len(text))
    used = (cells != "").any(axis=1).to_numpy() if len(cells.columns) else np.zeros(len(text), dtype=bool)
    cells = cells.loc[used].reset_index(drop=True)
    return _Sheet(label, cells, rows[used], names, position, found)


def _known_columns(library: Library) -> tuple[set[str], dict[str, str]]:
    """Every column a pipeline file may have, and the ``change_*`` ones (column -> source id) in vocabulary
    order."""
    changes = {change_column(s.id): s.id for s in library.vocabulary.sources if s.activity_unit}
    known = {*REQUIRED_COLUMNS, *PROVENANCE_COLUMNS, *OPTIONAL_TEXT, *OPTIONAL_NUMBERS, *changes}
    return known, changes


def _check_header(sheet: _Sheet, known: set[str]) -> None:
    """Required columns present, a provenance column present, no unknown column."""
    for column in REQUIRED_COLUMNS:
        if not sheet.has(column):
            sheet.header_ok = False
            sheet.header_problem(-1, "row 1", f"<no column '{column}'>", f"a column named '{column}' (required)")
    if not any(sheet.has(c) for c in PROVENANCE_COLUMNS):
        sheet.header_problem(
            -1,
            "row 1",
            "<no column 'source' or 'estimate'>",
            "a 'source' column (citations) or an 'estimate' column (estimate notes), or both",
        )
    for column in sheet.cells.columns:
        if column not in known:
            sheet.header_problem(
                sheet.position[column],
                f"row 1, column {sheet.written[column]}",
                sheet.written[column],
                _unknown(column, known),
            )


def _unknown(column: str, known: set[str]) -> str:
    """What an unknown column should be: the closest known name, or a word on the file's separator."""
    for mark, name in ((";", "semicolons"), ("\t", "tabs")):
        if mark in column and any(part.strip() in known for part in column.split(mark)):
            return f"columns separated by commas (this file separates them with {name}: save it as CSV with commas)"
    close = difflib.get_close_matches(column, sorted(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else " (docs/pipelines.md lists them)"
    if column.startswith("change_") and column.endswith("_per_year"):
        return (
            "a known column: change_<source>_per_year needs a source id of the library vocabulary that has an "
            f"activity unit{hint}"
        )
    return f"a known column{hint}"


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _hints(wrong: Iterable[str], choices: Iterable[str], exact: dict[str, str] | None = None) -> dict[str, str]:
    """A "did you mean" for each distinct wrong value (``exact`` maps a lower-case text, e.g. a name, straight
    to its id). Each costs a pass over the choices, so only the first values get one: as many as can be
    listed, fewer when the choices are many (thousands of project ids)."""
    options = list(choices)
    budget = min(MAX_PROBLEMS_PER_FILE, _HINT_COMPARISONS // max(1, len(options)))
    hints: dict[str, str] = {}
    for value in dict.fromkeys(wrong):
        guess = (exact or {}).get(value.lower())
        if guess:
            hints[value] = f"; did you mean '{guess}'?"
        else:
            hints[value] = _suggest(value, options) if len(hints) < budget else ""
    return hints


# --------------------------------------------------------------------------- cell checks


def _numbers(sheet: _Sheet, column: str, rule: _Range) -> np.ndarray:
    """A numeric column's values (NaN where blank or wrong); each wrong cell flagged."""
    cells = sheet.text(column)
    values = np.full(len(cells), np.nan)
    if not sheet.has(column):
        return values
    blank = (cells == "").to_numpy()
    looks = cells.str.fullmatch(NUMBER_TEXT, case=False).to_numpy(dtype=bool)
    sheet.flag(~blank & ~looks, column, NOT_A_NUMBER)
    read = ~blank & looks
    values[read] = cells[read].astype(float).to_numpy()
    finite = np.isfinite(values)
    sheet.flag(read & ~finite, column, "a finite number")
    with np.errstate(invalid="ignore"):
        low = values <= rule.low if rule.low_open else values < rule.low
        wrong = finite & (low | (values > rule.high) | (rule.whole & (values != np.floor(values))))
    sheet.flag(wrong, column, rule.expected)
    values[~finite | wrong] = np.nan
    return values


def _check_ids(sheet: _Sheet) -> None:
    ids = sheet.text("id")
    blank = (ids == "").to_numpy()
    sheet.flag(blank, "id", "a project id (letters, digits and _ . : -)")
    long = (ids.str.len() > MAX_ID_CHARS).to_numpy()
    sheet.flag(long, "id", f"an id of at most {MAX_ID_CHARS} characters")
    shaped = ids.str.fullmatch(ID_PATTERN).to_numpy(dtype=bool)
    sheet.flag(
        ~blank & ~long & ~shaped,
        "id",
        "an id of letters, digits and _ . : - that starts with a letter or digit (no spaces)",
    )


def _check_text(sheet: _Sheet) -> None:
    """Non-empty names and facility ids; name-like and free-text cells not too long."""
    sheet.flag((sheet.text("name") == "").to_numpy(), "name", "the project's name")
    sheet.flag((sheet.text("facility_id") == "").to_numpy(), "facility_id", "the id of the facility the project is at")
    for column in NAME_COLUMNS:
        sheet.flag(
            (sheet.text(column).str.len() > MAX_NAME_CHARS).to_numpy(), column, f"at most {MAX_NAME_CHARS} characters"
        )
    for column in (*PROVENANCE_COLUMNS, *LIST_COLUMNS):
        sheet.flag(
            (sheet.text(column).str.len() > MAX_TEXT_CHARS).to_numpy(), column, f"at most {MAX_TEXT_CHARS:,} characters"
        )
    if any(sheet.has(c) for c in PROVENANCE_COLUMNS):
        neither = ((sheet.text("source") == "") & (sheet.text("estimate") == "")).to_numpy()
        column = "source" if sheet.has("source") else "estimate"
        sheet.flag(neither, column, "a citation in 'source' or a note in 'estimate' (every project's numbers need one)")


def _check_grade(sheet: _Sheet) -> pd.Series:
    """The grade of each project: blank, or A-D consistent with its provenance (A or B need a citation in
    'source', C or D a note in 'estimate')."""
    grade = sheet.text(GRADE_COLUMN).astype(str).str.strip()
    known = grade.isin(GRADES) | (grade == "")
    sheet.flag((~known).to_numpy(), GRADE_COLUMN, "a grade A, B, C or D, or a blank cell (not graded)")
    cited = (grade.isin(GRADES_FOR_SOURCE) & (sheet.text("source") == "")).to_numpy()
    sheet.flag(cited, GRADE_COLUMN, "grade C or D, or a citation in 'source' (A and B are for sourced numbers)")
    noted = (grade.isin(GRADES_FOR_ESTIMATE) & (sheet.text("estimate") == "")).to_numpy()
    sheet.flag(noted, GRADE_COLUMN, "grade A or B, or a note in 'estimate' (C and D are for estimates)")
    return grade.where(known, "")


def _check_interventions(sheet: _Sheet, library: Library) -> pd.Series:
    """The intervention of each project; an unknown one flagged with the closest library id."""
    cells = sheet.text("intervention")
    unknown = ~cells.isin(library.interventions).to_numpy()
    by_name = {item.name.lower(): iid for iid, item in library.interventions.items()}
    wrong = cells.to_numpy(dtype=object)[unknown]
    hints = _hints(wrong, library.interventions, by_name)
    sheet.flag(unknown, "intervention", [f"an intervention id of the library{hints[v]}" for v in wrong])
    return cells


def _check_sizes(sheet: _Sheet, interventions: pd.Series, library: Library) -> np.ndarray:
    """Project sizes; a fraction for an intervention built in whole units flagged."""
    sizes = _numbers(sheet, "size", _SIZE)
    integer = interventions.map({iid: item.integer_units for iid, item in library.interventions.items()})
    lumpy = integer.eq(True).to_numpy()
    with np.errstate(invalid="ignore"):
        fraction = lumpy & np.isfinite(sizes) & (sizes != np.floor(sizes))
    lumpy_ids = interventions.to_numpy(dtype=object)[fraction]
    sheet.flag(
        fraction,
        "size",
        [f"a whole number: {i} is built in whole units ({library.interventions[i].unit})" for i in lumpy_ids],
    )
    sizes[fraction] = np.nan
    return sizes


def _normal_readiness(cells: pd.Series) -> pd.Series:
    """Readiness in its normal form: lower case, spaces and hyphens as underscores ("Ready to tender" ->
    ``ready_to_tender``)."""
    return cells.str.lower().str.replace(r"[\s\-_]+", "_", regex=True)


def _check_readiness(sheet: _Sheet) -> pd.Series:
    readiness = _normal_readiness(sheet.text("readiness"))
    stages = ", ".join(READINESS_STAGES)
    sheet.flag(~readiness.isin(READINESS_STAGES).to_numpy(), "readiness", f"one of {stages} (e.g. 'Ready to tender')")
    return readiness


def _check_start_window(sheet: _Sheet, numbers: dict[str, np.ndarray]) -> None:
    earliest, latest = numbers["earliest_start"], numbers["latest_start"]
    with np.errstate(invalid="ignore"):
        reversed_ = latest < earliest
    positions = np.flatnonzero(reversed_)
    sheet.flag_at(
        positions, "latest_start", [f"a year no earlier than earliest_start ({earliest[p]:.0f})" for p in positions]
    )


def _id_lists(cells: pd.Series) -> pd.Series:
    """Each cell's ids (split at ';', blanks and repeats dropped) as a tuple; () where blank."""
    lists: list[tuple[str, ...]] = [()] * len(cells)
    filled = np.flatnonzero((cells != "").to_numpy())
    for pos, parts in zip(filled, cells.iloc[filled].str.split(LIST_SEPARATOR)):
        lists[pos] = tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))
    return pd.Series(lists, dtype=object)


def _entries(lists: pd.Series) -> pd.DataFrame:
    """One row per id of a list column: the project's position and the id."""
    long = lists.explode().dropna()
    return pd.DataFrame({"pos": long.index.to_numpy(dtype=int), "entry": long.to_numpy(dtype=object)})


def financing_ids(case: Case) -> list[str]:
    """Financing source ids of a case, in the budget and in every variant."""
    ids = [f.id for f in case.budget.financing]
    ids += [f.id for v in case.variants.values() for f in v.additional_financing]
    return list(dict.fromkeys(ids))


def _check_financing(sheet: _Sheet, lists: pd.Series, case: Case) -> None:
    known = financing_ids(case)
    entries = _entries(lists)
    bad = entries[~entries["entry"].isin(known)]
    listing = f"the case has {', '.join(known)}" if known else "the case has no financing sources (budget.financing)"
    hints = _hints(bad["entry"], known)
    sheet.flag_at(
        bad["pos"].tolist(),
        "financing",
        [
            f"financing source ids of the case separated by ';' ('{e}' is not one{hints[e]}; {listing})"
            for e in bad["entry"]
        ],
    )


def _check_sheet(sheet: _Sheet, case: Case, library: Library, known: set[str], changes: dict[str, str]) -> pd.DataFrame:
    """Check one file's cells; its projects in the normal form (see :class:`~.table.ProjectTable`)."""
    _check_header(sheet, known)
    _check_ids(sheet)
    _check_text(sheet)
    interventions = _check_interventions(sheet, library)
    columns: dict[str, Any] = {
        c: sheet.text(c) for c in ("id", "name", "facility_id", "facility_name", "facility_type", "region")
    }
    columns["intervention"] = interventions
    columns["size"] = _check_sizes(sheet, interventions, library)
    columns["readiness"] = _check_readiness(sheet)
    numbers = {c: _numbers(sheet, c, NUMBER_RANGES[c]) for c in OPTIONAL_NUMBERS}
    _check_start_window(sheet, numbers)
    columns.update(numbers)
    columns.update({c: _numbers(sheet, c, _ANY) for c in changes if sheet.has(c)})
    columns["exclusive_group"] = sheet.text("exclusive_group")
    columns["prerequisites"] = _id_lists(sheet.text("prerequisites"))
    columns["financing"] = _id_lists(sheet.text("financing"))
    _check_financing(sheet, columns["financing"], case)
    columns["source"] = sheet.text("source")
    columns["estimate"] = sheet.text("estimate")
    columns["grade"] = _check_grade(sheet)
    frame = pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in columns.items()})
    frame["file"] = sheet.label
    frame["row"] = sheet.rows.astype(np.int64)
    return frame


# --------------------------------------------------------------------------- checks over all files


def _check_unique_ids(frame: pd.DataFrame, sheets: list[_Sheet]) -> None:
    """An id used twice anywhere is flagged at its later use, naming the first."""
    named = frame["id"] != ""
    repeated = np.flatnonzero(named & frame["id"].duplicated(keep="first"))
    if not len(repeated):
        return
    first = frame[named & ~frame["id"].duplicated(keep="first")]
    at = {i: f"{f}, row {r}" for i, f, r in zip(first["id"], first["file"], first["row"])}
    ids = frame["id"].to_numpy(dtype=object)[repeated]
    _flag(frame, sheets, repeated, "id", [f"an id used once over all pipeline files (also at {at[i]})" for i in ids])


def _flag(
    frame: pd.DataFrame, sheets: list[_Sheet], index: Iterable[int], column: str, expected: Sequence[str]
) -> None:
    """Flag projects of the combined frame (by position) in their own files."""
    at = np.fromiter(index, dtype=int)
    sheet_of, pos_of = frame["_sheet"].to_numpy()[at], frame["_pos"].to_numpy()[at]
    for n, sheet in enumerate(sheets):
        mine: list[int] = np.flatnonzero(sheet_of == n).tolist()
        sheet.flag_at(pos_of[mine].tolist(), column, [expected[m] for m in mine])


def _check_prerequisites(frame: pd.DataFrame, sheets: list[_Sheet]) -> None:
    """Each prerequisite another project of the pipelines, outside the project's exclusive group, and no
    chain of prerequisites coming back to where it started."""
    entries = _entries(frame["prerequisites"]).rename(columns={"pos": "k"})
    if entries.empty:
        return
    ids = frame.loc[frame["id"] != ""].drop_duplicates("id").set_index("id")
    entries["own"] = frame["id"].to_numpy()[entries["k"]]
    entries["group"] = frame["exclusive_group"].to_numpy()[entries["k"]]
    unknown = ~entries["entry"].isin(ids.index)
    itself = entries["entry"] == entries["own"]
    missing = entries[unknown]
    hints = _hints(missing["entry"], ids.index)
    _flag(
        frame,
        sheets,
        missing["k"],
        "prerequisites",
        [
            f"ids of projects in the pipeline files, separated by ';' ('{e}' is not one{hints[e]})"
            for e in missing["entry"]
        ],
    )
    selves = entries[itself]
    _flag(
        frame,
        sheets,
        selves["k"],
        "prerequisites",
        [f"ids of other projects ('{e}' is this project)" for e in selves["entry"]],
    )
    known = entries[~unknown & ~itself]
    their_group = ids["exclusive_group"].reindex(known["entry"]).to_numpy()
    clash = known[(known["group"] != "") & (their_group == known["group"].to_numpy())]
    _flag(
        frame,
        sheets,
        clash["k"].tolist(),
        "prerequisites",
        [
            f"prerequisites outside the project's exclusive group '{g}' ('{e}' is in it too, and at most one "
            "project of a group is chosen)"
            for g, e in zip(clash["group"], clash["entry"])
        ],
    )
    first_of = {i: int(k) for i, k in zip(ids.index, ids["_k"])}
    needs: dict[str, list[str]] = {}
    for own, entry in zip(known["own"], known["entry"]):
        needs.setdefault(own, []).append(entry)
    cycles = _cycles(needs)
    _flag(
        frame,
        sheets,
        [first_of[c[0]] for c in cycles],
        "prerequisites",
        [f"prerequisites without a cycle ({' -> '.join(c)})" for c in cycles],
    )


def _cycles(needs: dict[str, list[str]]) -> list[list[str]]:
    """Cycles of a prerequisite graph (project -> the projects it needs), each once as a chain that ends
    where it starts (``a -> b -> a``)."""
    missing = {p: len(wanted) for p, wanted in needs.items()}
    needed_by: dict[str, list[str]] = {}
    for p, wanted in needs.items():
        for q in wanted:
            needed_by.setdefault(q, []).append(p)
    free = [q for q in needed_by if q not in needs]
    while free:  # settle projects whose prerequisites are all settled; what is left needs a cycle
        q = free.pop()
        for p in needed_by.get(q, ()):
            missing[p] -= 1
            if missing[p] == 0:
                free.append(p)
    left = {p for p, n in missing.items() if n > 0}
    cycles, seen = [], set()
    for start in sorted(left):
        path: list[str] = []
        on_path: dict[str, int] = {}
        p = start
        while p not in on_path and p not in seen:
            on_path[p] = len(path)
            path.append(p)
            p = next(q for q in needs[p] if q in left)
        seen.update(path)
        if p in on_path:
            cycle = path[on_path[p] :]
            cycles.append([*cycle, cycle[0]])
    return cycles


# --------------------------------------------------------------------------- the table


def validate_pipeline_frame(
    raw: pd.DataFrame, label: str, case: Case, library: Library, first_row: int = 2, *, case_file: str = "<case>"
) -> ProjectTable:
    """Check a raw project table (cells as text or plain values, one row per project, row ``k`` being row
    ``first_row + k`` of its file) against a case and its library; the validated :class:`ProjectTable`, or
    an :class:`InputError` listing every problem. ``case_file`` names the case in warnings about it."""
    return _validate([_sheet(raw, label, first_row)], case, library, case_file)


def read_pipelines(case_path: Path, case: Case, library: Library) -> ProjectTable | None:
    """Read and check every pipeline file a case lists (paths relative to the case file); None when it lists
    none. Ids are unique over all files, and prerequisites may name projects of other files. The table's
    ``digest`` covers the files' bytes."""
    if not case.pipelines:
        return None
    paths = _pipeline_paths(Path(case_path), case)
    problems: list[Problem] = []
    sheets: list[_Sheet] = []
    digest = hashlib.sha256()
    for path in paths:
        try:
            data = _read(path)
            raw = _parse(path, data)
        except InputError as err:
            problems.extend(err.problems)
            continue
        digest.update(f"{path.name}\0{len(data)}\0".encode() + data)
        sheets.append(_sheet(raw, str(path), 2))
    if problems:
        raise InputError(problems)
    table = _validate(sheets, case, library, str(case_path))
    return replace(table, digest=digest.hexdigest())


def _pipeline_paths(case_path: Path, case: Case) -> list[Path]:
    """The pipeline files of a case, resolved relative to the case file; each must exist, once."""
    problems: list[Problem] = []
    paths: dict[Path, int] = {}
    for k, entry in enumerate(case.pipelines):
        where = f"pipelines[{k}]"
        try:
            path = (case_path.parent / entry).resolve()
            reason = "" if path.exists() else f"{path} does not exist"
        except (OSError, RuntimeError, ValueError) as exc:  # symlink loop, NUL byte, ...
            path, reason = None, f"{entry} cannot be resolved: {exc}"
        if path is None or reason:
            problems.append(
                Problem(str(case_path), where, entry, f"a CSV or Parquet file relative to the case file ({reason})")
            )
        elif path in paths:
            problems.append(
                Problem(str(case_path), where, entry, f"each pipeline file once (it is pipelines[{paths[path]}] too)")
            )
        else:
            paths[path] = k
    if problems:
        raise InputError(problems)
    return list(paths)


def _validate(sheets: list[_Sheet], case: Case, library: Library, case_file: str) -> ProjectTable:
    """Check the files' cells, then the rules over all files; the table with its warnings."""
    known, changes = _known_columns(library)
    parts = []
    for n, sheet in enumerate(sheets):
        part = _check_sheet(sheet, case, library, known, changes)
        part["_sheet"], part["_pos"] = n, np.arange(len(part))
        parts.append(part)
    present = [c for c in changes if any(c in p.columns for p in parts)]
    frame = pd.concat(parts, ignore_index=True)
    frame["_k"] = np.arange(len(frame))
    if all(s.header_ok for s in sheets):
        _check_unique_ids(frame, sheets)
        _check_prerequisites(frame, sheets)
    problems = [p for s in sheets for p in s.problems()]
    if problems:
        raise InputError(problems)
    table = ProjectTable(
        frame=_normal_form(frame, present),
        files=tuple(s.label for s in sheets),
        change_sources=tuple(changes[c] for c in present),
    )
    return replace(table, warnings=tuple(project_warnings(table, case, library, case_file)))


def _normal_form(frame: pd.DataFrame, changes: list[str]) -> pd.DataFrame:
    """The combined frame with the table's columns in their order and dtypes."""
    texts = ["id", "name", "facility_id", "facility_name", "facility_type", "region", "intervention"]
    order = [*texts, "size", "readiness", *OPTIONAL_NUMBERS, *changes, "exclusive_group", "prerequisites", "financing"]
    order += ["source", "estimate", "grade", "file", "row"]
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column in order:
        if column in ("size", *OPTIONAL_NUMBERS, *changes):
            out[column] = frame[column].to_numpy(dtype=float)
        elif column == "row":
            out[column] = frame[column].astype(np.int64).to_numpy()
        else:
            out[column] = pd.Series(frame[column].to_numpy(dtype=object), index=out.index, dtype=object)
    return out


# --------------------------------------------------------------------------- plausibility warnings


def project_warnings(table: ProjectTable, case: Case, library: Library, case_file: str) -> list[Caution]:
    """Legal but suspicious values: an exclusive group of one project, a regional budget for a region no
    project names, a project larger than its intervention's national potential, a start window that misses
    the case's decision window."""
    frame = table.frame
    out = _lonely_groups(frame)
    out += _beyond_potential(frame, case, library, case_file)
    out += _outside_window(frame, case)
    out += _near_budget_regions(frame, case)
    out.sort(key=lambda c: (table.files.index(c.file) if c.file in table.files else -1, _row_of(c.path)))
    regions = set(frame["region"].unique())
    return out + unused_regional_budgets(case, case_file, regions)


def _near_budget_regions(frame: pd.DataFrame, case: Case) -> list[Caution]:
    """A project region that is not one of the regional budgets' but nearly is (``Tbilsi`` for ``Tbilisi``):
    the project would escape that region's budget."""
    budgets = sorted(case.budget.regional_usd_by_year)
    if not budgets:
        return []
    near = {}
    for region in set(frame["region"]) - set(budgets) - {""}:
        close = difflib.get_close_matches(region, budgets, n=1, cutoff=0.8)
        if close:
            near[region] = close[0]
    rows = frame[frame["region"].isin(list(near))]
    return [
        Caution(
            f,
            f"row {r}, column region",
            region,
            f"not a region with a budget, but close to '{near[region]}' (budget.regional_usd_by_year): the project "
            "counts against no regional budget as written",
        )
        for f, r, region in zip(rows["file"], rows["row"], rows["region"])
    ]


def _row_of(path: str) -> int:
    match = re.match(r"row (\d+)", path)
    return int(match.group(1)) if match else 0


def _lonely_groups(frame: pd.DataFrame) -> list[Caution]:
    grouped = frame["exclusive_group"]
    counts = grouped[grouped != ""].value_counts()
    lonely = frame[grouped.isin(counts.index[counts == 1])]
    return [
        Caution(
            f,
            f"row {r}, column exclusive_group",
            g,
            "the only project of this exclusive group (a group holds alternatives, at most one of which is "
            "chosen: is another project's group written differently?)",
        )
        for f, r, g in zip(lonely["file"], lonely["row"], lonely["exclusive_group"])
    ]


def _beyond_potential(frame: pd.DataFrame, case: Case, library: Library, case_file: str) -> list[Caution]:
    """Projects whose size alone is above the intervention's national potential (facility stock x units
    per facility, or the case's override)."""
    from ..loading import LoadedCase
    from ..prepare import make_candidate

    loaded = LoadedCase(case=case, path=Path(case_file), library=library)
    potential = {iid: make_candidate(loaded, iid).potential for iid in frame["intervention"].unique()}
    limit = frame["intervention"].map(potential).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        above = frame[frame["size"].to_numpy() > limit]
    return [
        Caution(
            f,
            f"row {r}, column size",
            size,
            f"one project larger than the whole national potential of {iid} ({potential[iid]:g} "
            f"{library.interventions[iid].unit}): is the size in the intervention's unit, and the facility stock "
            "complete?",
        )
        for f, r, size, iid in zip(above["file"], above["row"], above["size"], above["intervention"])
    ]


def _outside_window(frame: pd.DataFrame, case: Case) -> list[Caution]:
    first, last = case.decision_window.first_year, case.decision_window.last_year
    out = []
    for column, outside, why in (
        ("latest_start", frame["latest_start"] < first, f"before the first decision year {first}"),
        ("earliest_start", frame["earliest_start"] > last, f"after the last decision year {last}"),
    ):
        rows = frame[outside]
        out += [
            Caution(f, f"row {r}, column {column}", int(y), f"{why}: the project can never start")
            for f, r, y in zip(rows["file"], rows["row"], rows[column])
        ]
    return out
