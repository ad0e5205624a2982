"""Quantities and comparisons in words for the tracking and re-plan output: counted units whole and in the
plural (``22 hospitals with piped N2O``), other units to three significant figures (``2.52 million people
covered``, ``1,200 kWp``), and an actual against its plan as a reader would say it (``54% of the plan``,
``1.8 times the plan``).

Which units count things is :func:`optimizer.units.counted_units`'s decision (from the library); the numbers
behind the words (costs, abatement, the CSV tables) stay unrounded."""

from __future__ import annotations

import re

from ..formatting import number, whole
from ..loading import LoadedCase
from ..units import counted_units

_QUALIFIERS = re.compile(r" (with|using|served|of|per|for|contracted|covered|in|on)\b")
"""Where the head noun of a unit name ends: 'hospital| with piped N2O', 'kWp| of PV with battery'."""
_NOT_COUNTABLE = {"people", "staff", "population"}
_SCALED = ("million", "thousand", "hundred")


def plural(unit: str) -> str:
    """The unit name for several things: the head noun in the plural ('hospital with piped N2O' ->
    'hospitals with piped N2O', 'hospital boiler house' -> 'hospital boiler houses', 'coal-heated facility' ->
    'coal-heated facilities'). Measurement units (kWp, MWh), scaled amounts ('million people covered') and
    names already plural are returned as they are."""
    cut = _QUALIFIERS.search(unit)
    head, rest = (unit[: cut.start()], unit[cut.start() :]) if cut else (unit, "")
    words = head.split(" ")
    last = words[-1]
    if (
        not last
        or words[0].lower() in _SCALED
        or last.lower() in _NOT_COUNTABLE
        or (any(ch.isupper() for ch in last) and not last.isupper())  # kWp, MWh: a unit of measurement
        or (last.endswith("s") and not last.endswith("ss") and not last.isupper())
    ):
        return unit
    if last.isupper():
        words[-1] = last + "s"  # CSSD -> CSSDs
    elif re.search(r"[^aeiou]y$", last):
        words[-1] = last[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", last):
        words[-1] = last + "es"
    else:
        words[-1] = last + "s"
    return " ".join(words) + rest


def quantity(x: float, unit: str, counted: bool) -> str:
    """``x`` of ``unit``: whole and singular or plural when it counts things, else three significant figures."""
    if counted:
        n = round(x)
        return f"{whole(x)} {unit if n == 1 else plural(unit)}"
    return f"{number(x)} {unit}"


def is_zero(x: float, counted: bool) -> bool:
    """Whether ``x`` reads as nothing at all (a counted amount that rounds to no thing, or zero)."""
    return round(x) == 0 if counted else abs(x) < 5e-4


def against_plan(actual: float, planned: float) -> str:
    """An actual against its plan in words ('' when they agree or nothing was planned): ``54% of the plan``
    below it, ``28% more than planned`` a little above, ``1.8 times the plan`` from one and a half times."""
    if planned <= 0 or abs(actual / planned - 1) < 0.005:
        return ""
    ratio = actual / planned
    if ratio < 1:
        return f"{ratio:.0%} of the plan"
    if ratio < 1.5:
        return f"{ratio - 1:.0%} more than planned"
    return f"{number(ratio, 2)} times the plan"


def years_apart(n: int) -> str:
    """'a year' or 'N years'."""
    return "a year" if n == 1 else f"{n} years"


class UnitWords:
    """Quantities of a case's interventions in words, counted units told apart once per case."""

    def __init__(self, loaded: LoadedCase):
        self.counted = counted_units(loaded)

    def __call__(self, x: float, intervention: str, unit: str) -> str:
        return quantity(x, unit, intervention in self.counted)

    def none_or(self, x: float, intervention: str, unit: str) -> str:
        """'none' for nothing, else the quantity."""
        return "none" if is_zero(x, intervention in self.counted) else self(x, intervention, unit)

    def gap(self, x: float, intervention: str, unit: str) -> str:
        """A difference between two amounts: 'less than one hospital' where a counted gap rounds to none."""
        if self.counts(intervention) and round(x) == 0 and x > 0:
            return f"less than one {unit}"
        return self(x, intervention, unit)

    def counts(self, intervention: str) -> bool:
        return intervention in self.counted
