"""Cell values as the case holds them: text, numbers, whole numbers, lists of ids."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from ..pipeline.reading import NOT_A_NUMBER, NUMBER_TEXT
from . import layout as L

if TYPE_CHECKING:
    from .cells import Cell
    from .records import Builder


def blank(value: Any) -> bool:
    """An empty cell, or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def convert(value: Any, kind: str, cell: Cell, b: Builder) -> Any:
    """A cell's value as the case holds it (None when blank); text in a number cell is a problem (and is
    passed on, so the schema's other findings still come)."""
    if blank(value):
        return None
    if kind == "any":
        return value.strip() if isinstance(value, str) else value
    if kind == "list":
        return _id_list(value)
    if kind in ("number", "whole"):
        return _number(value, kind, cell, b)
    if kind == "bool":
        return _boolean(value, cell, b)
    return text(value)


def text(value: Any) -> str:
    """A cell as text: single-line text without surrounding spaces, whole numbers without a point."""
    if isinstance(value, str):
        return value if "\n" in value.strip() else value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _id_list(value: Any) -> list[str]:
    written = text(value)
    if written == L.EMPTY_LIST:
        return []
    return [part.strip() for part in written.split(L.LIST_SEPARATOR) if part.strip()]


BOOLEAN_WORDS = {"true": True, "yes": True, "false": False, "no": False}
"""Text a yes-or-no cell may hold (a spreadsheet's TRUE and FALSE cells are read as they are)."""


def _boolean(value: Any, cell: Cell, b: Builder) -> Any:
    if isinstance(value, bool):
        return value
    written = text(value)
    if written.lower() in BOOLEAN_WORDS:
        return BOOLEAN_WORDS[written.lower()]
    b.problem(cell, written, "TRUE or FALSE (or yes or no)")
    return written


def _number(value: Any, kind: str, cell: Cell, b: Builder) -> Any:
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        b.problem(cell, text(value), "a number (this cell holds a date or time: format it as a number)")
        return text(value)
    if isinstance(value, str):
        written = value.strip()
        if not re.fullmatch(NUMBER_TEXT, written, flags=re.IGNORECASE):
            b.problem(cell, written, NOT_A_NUMBER)
            return written
        value = float(written)
    if kind == "whole" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value
