"""User-facing input errors.

Every mistake a user can make in a YAML file ends up as an :class:`InputError` holding one or more
:class:`Problem` records. Each names the file, the field path inside it, the offending value and what
was expected. The CLI prints them and exits with code 2; nothing else in the package prints tracebacks
for user mistakes.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any

_MAX_VALUE_CHARS = 80

_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxdict = _SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = 6
_SHORT.maxstring = _SHORT.maxother = _MAX_VALUE_CHARS


def _show(value: Any) -> str:
    """A short rendering of any value, bounded before it is built (a huge or self-similar value costs no more
    than a small one)."""
    text = _SHORT.repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def location(file: str, path: str) -> str:
    """Where in the inputs: ``file: field.path`` (the file alone for a whole-file problem)."""
    return f"{file}: {path}" if path else file


@dataclass(frozen=True)
class Problem:
    """One mistake in one input file."""

    file: str
    path: str
    value: Any
    expected: str

    def __str__(self) -> str:
        return f"{location(self.file, self.path)}: got {_show(self.value)}; expected {self.expected}"


class InputError(Exception):
    """Raised for bad user input; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        head = "1 problem" if len(self.problems) == 1 else f"{len(self.problems)} problems"
        lines = [f"Invalid input ({head}):"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class SolverFailure(Exception):
    """The solver ended without a usable plan (infeasible with hard targets, time limit, error)."""

    def __init__(self, status: str, message: str):
        self.status = status
        super().__init__(message)
