"""Where each value of a workbook case was read: the cell of every field, so that a problem found in the case
(by the schema, the cross-record checks or the plausibility rules) is reported at the cell it came from.

While the reader builds the case, it records the cell of every field path it fills or could have filled (a
blank cell too: a missing required value is reported where it belongs). A problem's field path, as
:func:`optimizer.validation.parse_model` and :mod:`optimizer.checks` write it (``sources[heat_fuel].driver``,
``budget.financing[adb_loan].envelope_usd_by_year.by_year[2027]``, ``variants.unconditional.targets[0].year``),
is split into its keys and looked up; a path without a cell of its own goes to the nearest enclosing one (a
row, then the sheet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from ..errors import Problem
from .layout import Key

_SEGMENT = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")
_REF = re.compile(r"(?:'[^']*'|[^\s'!]+)![A-Z]+[0-9]+")


@dataclass(frozen=True)
class Cell:
    """One cell of the workbook, with the words that say what it holds."""

    sheet: str
    row: int
    column: int
    label: str = ""

    @property
    def ref(self) -> str:
        """The cell as a spreadsheet writes it: ``Budget!C7``, ``'Facility stock'!B4``."""
        sheet = self.sheet if re.fullmatch(r"[A-Za-z0-9_]+", self.sheet) else f"'{self.sheet}'"
        return f"{sheet}!{get_column_letter(self.column)}{self.row}"

    def where(self, extra: str = "") -> str:
        """The cell and what it holds, for messages: ``Sources!C5 (heat_fuel: emissions (tCO2e/yr))``."""
        words = "; ".join(w for w in (self.label, extra) if w)
        return f"{self.ref} ({words})" if words else self.ref


def path_keys(path: str) -> tuple[str, ...]:
    """The keys of a field path as messages write it: ``a.b[c].d[2027]`` -> ``('a', 'b', 'c', 'd', '2027')``."""
    return tuple(m.group(1) if m.group(1) is not None else m.group(2) for m in _SEGMENT.finditer(path))


def _keys(path: Key) -> tuple[str, ...]:
    return tuple(str(k) for k in path)


@dataclass
class Locations:
    """The cell of each field path of a workbook case, and the sheet of each part of the case."""

    cells: dict[tuple[str, ...], Cell] = field(default_factory=dict)
    sheets: dict[tuple[str, ...], str] = field(default_factory=dict)

    def add(self, path: Key, cell: Cell) -> None:
        self.cells[_keys(path)] = cell

    def add_first(self, path: Key, cell: Cell) -> None:
        """The cell of ``path`` unless it has one already (a part of the case read from several rows: the
        first)."""
        self.cells.setdefault(_keys(path), cell)

    def add_sheet(self, path: Key, sheet: str) -> None:
        """The sheet holding the part of the case at ``path`` (for problems without a cell of their own)."""
        self.sheets[_keys(path)] = sheet

    def find(self, path: str, value: Any = None) -> tuple[Cell | str | None, tuple[str, ...]]:
        """The cell of a field path, or of the nearest enclosing field that has one, else the sheet holding that
        part of the case (None: neither); and the keys of the path below what was found. A quantity's problem
        points at its value, a problem with values by year at its first year."""
        keys = path_keys(path)
        if isinstance(value, dict) and "value" in value and keys + ("value",) in self.cells:
            return self.cells[keys + ("value",)], ()
        if isinstance(value, dict) and value and all(isinstance(y, int) for y in value):
            first = str(min(value))
            for extra in ((first,), ("by_year", first)):
                if keys + extra in self.cells:
                    return self.cells[keys + extra], ()
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.cells:
                return self.cells[keys[:end]], keys[end:]
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.sheets:
                return self.sheets[keys[:end]], keys[end:]
        return None, keys

    def relocate(self, problem: Problem, file: str) -> Problem:
        """The problem at the cell its field was read from, in the workbook ``file`` (naming the field when the
        cell is that of the record holding it: ``Variants!A4 (conditional: variant; field targets)``)."""
        found, rest = self.find(problem.path, problem.value)
        field_words = f"field {'.'.join(rest)}" if rest else ""
        if isinstance(found, Cell):
            where = found.where(field_words)
        elif found is not None:
            where = f"{found} sheet" + (f" ({field_words})" if field_words else "")
        else:
            where = problem.path
        return Problem(file, where, problem.value, problem.expected)


def without_repeats(first: Iterable[Problem], then: Iterable[Problem]) -> list[Problem]:
    """``first`` and the problems of ``then`` at places ``first`` does not already name (the reader's
    problem with a cell, e.g. text in a number cell, wins over the schema's problem with the same cell)."""
    shown = list(first)
    places = {_place(p.path) for p in shown}
    return shown + [p for p in then if _place(p.path) not in places]


def _place(where: str) -> str:
    """The cell a problem's place names (``'Source paths'!B4`` of ``'Source paths'!B4 (grid: path)``), or the
    place as written when it names no cell."""
    found = _REF.match(where)
    return found.group(0) if found else where
