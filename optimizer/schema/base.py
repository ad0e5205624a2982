"""Strict pydantic base and the provenance-carrying number types used by every input file.

Every number that is data (not a year or a switch) is a :class:`Quantity`: a value with a ``source``
(citation) or an ``estimate`` note, and optional ``low``/``high`` bounds for sensitivity work. The unit of
a quantity is fixed by the field that holds it; each field's docstring states it.
"""

from __future__ import annotations

import math
from typing import Annotated, Callable

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]*$"

Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN, max_length=64)]
"""Lower-case snake_case identifier (letters, digits, underscores; starts with a letter)."""


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


class Provenance(Strict):
    """Where a number comes from: exactly one of ``source`` or ``estimate``."""

    source: str | None = None
    """Citation for the value (publication, data set, page); required unless ``estimate`` is given."""
    estimate: str | None = None
    """Why and how the value was estimated, when no source supports it; required unless ``source`` is given."""

    @model_validator(mode="after")
    def _one_provenance(self):
        has_source = bool(self.source and self.source.strip())
        has_estimate = bool(self.estimate and self.estimate.strip())
        if has_source == has_estimate:
            raise ValueError(
                "exactly one of 'source' (a citation) or 'estimate' (why the number is an estimate)"
            )
        return self

    @property
    def status(self) -> str:
        return "sourced" if self.source else "estimate"

    @property
    def provenance_text(self) -> str:
        return self.source if self.source else f"[estimate] {self.estimate}"


class Quantity(Provenance):
    """A number with its provenance and an optional uncertainty range."""

    value: float
    """Central value, in the unit named by the field that holds this quantity."""
    low: float | None = None
    """Low end of the plausible range (same unit); used by sensitivity sweeps."""
    high: float | None = None
    """High end of the plausible range (same unit); used by sensitivity sweeps."""

    @model_validator(mode="after")
    def _range_brackets_value(self):
        if self.low is not None and self.low > self.value:
            raise ValueError(f"low ({self.low}) must not exceed value ({self.value})")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"high ({self.high}) must not be below value ({self.value})")
        return self


class YearSeries(Provenance):
    """Numbers by calendar year with one provenance for the series."""

    by_year: dict[int, float] = Field(min_length=1)
    """Value per calendar year, in the unit named by the field that holds this series."""


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


def quantity_in(low=None, high=None, *, low_open=False, whole=False):
    """Annotated Quantity type whose value must lie in the given range."""
    return Annotated[Quantity, AfterValidator(bounded(low, high, low_open=low_open, whole=whole))]


PositiveFraction = quantity_in(0.0, 1.0, low_open=True)
NonNegative = quantity_in(0.0)
Positive = quantity_in(0.0, low_open=True)
Score = quantity_in(0.0, 3.0)
