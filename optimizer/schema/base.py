"""Strict pydantic base and the provenance-carrying number types used by every input file.

Every number that is data (not a year or a switch) is a :class:`Quantity`: a value with a ``source``
(citation) or an ``estimate`` note, and optional ``low``/``high`` bounds for sensitivity work. The unit of
a quantity is fixed by the field that holds it; each field's docstring states it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]*$"

Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN, max_length=64)]
"""Lower-case snake_case identifier (letters, digits, underscores; starts with a letter)."""

FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Calendar years accepted anywhere (reference years of national targets go back to 1990)."""

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
"""A calendar year, 1900-2200 (a whole number: booleans and decimals are not years)."""

MAX_MAGNITUDE = 1e15
"""Largest absolute value of any number in the inputs: no field's unit makes a larger value sensible (the
world's annual emissions are about 5e10 tCO2e, its GDP about 1e14 USD)."""

Name = Annotated[str, Field(min_length=1, max_length=200)]
"""A display name: 1-200 characters."""

Text = Annotated[str, Field(max_length=20_000)]
"""Free text (descriptions, methods, citations): at most 20,000 characters."""

Complexity = Annotated[int, Field(ge=1, le=3)]
"""Implementation complexity: 1 quick win, 2 moderate, 3 needs project preparation (a whole number)."""

Scope = Annotated[int, Field(ge=1, le=3)]
"""GHG Protocol scope: 1, 2 or 3 (a whole number)."""


def _check_magnitude(label: str, v: float) -> None:
    if not math.isfinite(v):
        raise ValueError(f"a finite number (the {label} is {v})")
    if abs(v) > MAX_MAGNITUDE:
        raise ValueError(f"a number of at most {MAX_MAGNITUDE:g} in size (the {label} is {v:g})")


class Strict(BaseModel):
    """Base of every input model: unknown keys rejected, no type coercion, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        use_attribute_docstrings=True,
        validate_default=True,
        allow_inf_nan=False,
    )


Grade = Literal["A", "B", "C", "D"]
"""Quality grade of a number: see :data:`GRADE_MEANINGS`."""

GRADES: tuple[str, ...] = ("A", "B", "C", "D")
NOT_GRADED = "not graded"
"""How a number without a grade is counted: never assumed to have one."""

GRADE_MEANINGS: dict[str, str] = {
    "A": "checked primary source (the value was confirmed in the cited publication or data set), or a "
    "definition (exact by construction, e.g. one unit = one million people covered)",
    "B": "named source, not checked (attributed to a publication but not confirmed from it)",
    "C": "estimate derived from cited numbers (arithmetic or a proxy method applied to sourced figures)",
    "D": "judgement with no citation",
}
"""What each grade means; A and B go with a ``source``, C and D with an ``estimate``."""

GRADES_FOR_SOURCE = ("A", "B")
GRADES_FOR_ESTIMATE = ("C", "D")


class Provenance(Strict):
    """Where a number comes from: exactly one of ``source`` or ``estimate``, and optionally its quality grade."""

    source: Text | None = None
    """Citation for the value (publication, data set, page); required unless ``estimate`` is given."""
    estimate: Text | None = None
    """Why and how the value was estimated, when no source supports it; required unless ``source`` is given."""
    grade: Grade | None = None
    """Quality grade: A checked primary source (or a definition), B named source not checked (both with
    ``source``); C estimate derived from cited numbers, D judgement with no citation (both with ``estimate``).
    Optional in user data (counted as "not graded"); every number of the bundled data has one."""

    @model_validator(mode="after")
    def _one_provenance(self):
        has_source = bool(self.source and self.source.strip())
        has_estimate = bool(self.estimate and self.estimate.strip())
        if has_source == has_estimate:
            raise ValueError("exactly one of 'source' (a citation) or 'estimate' (why the number is an estimate)")
        if self.grade is not None:
            if has_source and self.grade not in GRADES_FOR_SOURCE:
                raise ValueError(
                    f"grade A or B with a 'source' (grade {self.grade} is for an estimate: "
                    "give the grade A or B, or move the note to 'estimate')"
                )
            if has_estimate and self.grade not in GRADES_FOR_ESTIMATE:
                raise ValueError(
                    f"grade C or D with an 'estimate' (grade {self.grade} needs a cited source: "
                    "give the grade C or D, or cite the source under 'source')"
                )
        return self

    @property
    def status(self) -> str:
        return "sourced" if self.source else "estimate"


class Quantity(Provenance):
    """A number with its provenance and an optional uncertainty range."""

    value: float
    """Central value, in the unit named by the field that holds this quantity; finite and at most 1e15 in size."""
    low: float | None = None
    """Low end of the plausible range (same unit); used by sensitivity sweeps."""
    high: float | None = None
    """High end of the plausible range (same unit); used by sensitivity sweeps."""

    @model_validator(mode="after")
    def _range_brackets_value(self):
        for label in ("value", "low", "high"):
            if getattr(self, label) is not None:
                _check_magnitude(label, getattr(self, label))
        if self.low is not None and self.low > self.value:
            raise ValueError(f"low ({self.low}) must not exceed value ({self.value})")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"high ({self.high}) must not be below value ({self.value})")
        return self


class YearSeries(Provenance):
    """Numbers by calendar year with one provenance for the series."""

    by_year: dict[Year, float] = Field(min_length=1)
    """Value per calendar year, in the unit named by the field that holds this series."""

    @model_validator(mode="after")
    def _finite_values(self):
        for year, v in self.by_year.items():
            _check_magnitude(f"value for {year}", v)
        return self


def bounded(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    whole: bool = False,
) -> Callable[[Quantity], Quantity]:
    """Validator factory: the quantity's value (and range) must lie in [low, high] (or (low, high])."""

    def describe() -> str:
        left = "(" if low_open else "["
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        kind = "a whole number" if whole else "a number"
        return f"{kind} in {left}{lo}, {hi}]"

    def check(q: Quantity) -> Quantity:
        for label, v in (("value", q.value), ("low", q.low), ("high", q.high)):
            if v is None:
                continue
            if not math.isfinite(v):
                raise ValueError(f"a finite number (the {label} is {v})")
            too_low = low is not None and (v <= low if low_open else v < low)
            too_high = high is not None and v > high
            not_whole = whole and float(v) != int(v)
            if too_low or too_high or not_whole:
                raise ValueError(f"{describe()} (the {label} {v:g} is not)")
        return q

    return check


def in_range(
    low: float | None = None, high: float | None = None, *, low_open: bool = False, whole: bool = False
) -> AfterValidator:
    """Range check of a quantity, for ``Annotated[Quantity, in_range(low, high)]`` (see :func:`bounded`)."""
    return AfterValidator(bounded(low, high, low_open=low_open, whole=whole))


PositiveFraction = Annotated[Quantity, in_range(0.0, 1.0, low_open=True)]
NonNegative = Annotated[Quantity, in_range(0.0)]
Positive = Annotated[Quantity, in_range(0.0, low_open=True)]
Score = Annotated[Quantity, in_range(0.0, 3.0)]
