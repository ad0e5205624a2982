"""The actuals file: what a country actually did in the first years of its plan (programmes built, money
spent by financing source, measured emissions, observed indicators), each number with its provenance.

It sits beside the case it reports on (``case:`` names it, relative to the actuals file) and covers the
decision years from the window's first year to ``through_year``. Read and checked against the case by
:func:`optimizer.monitoring.actuals.load_actuals`; used by ``noregret track`` and ``noregret replan``
(docs/monitoring.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Identifier, Name, NonNegative, Quantity, Strict, Text, Year


class BuiltUnits(Strict):
    """Units of one intervention built in one year. A programme starts in the first year it builds units
    (its one-off programme cost is paid that year)."""

    intervention: Identifier
    """The library intervention (its id)."""
    year: Year
    """Calendar year the units were built (a decision year up to ``through_year``)."""
    units: NonNegative
    """Units built that year, in the intervention's unit (e.g. kWp, vehicles); at least 0."""


class SpendBySource(Strict):
    """Money one financing source paid for the programmes in one year."""

    financing_source: Identifier
    """A financing source of the case (``budget.financing`` or the variant's ``additional_financing``)."""
    year: Year
    """Calendar year of the payments."""
    amount_usd: NonNegative
    """USD paid that year (capex and one-off programme costs); at least 0."""


class MeasuredEmissions(Strict):
    """Emissions of one inventory source measured by an inventory update."""

    source: Identifier
    """A source of the case inventory (its id)."""
    year: Year
    """Calendar year the measurement covers."""
    tco2e: NonNegative
    """Measured emissions of the source that year, tCO2e; at least 0."""


KpiMeasure = Literal["units_to_date", "share_of_potential"]
"""How an indicator is compared with the plan: the intervention's units built up to the end of that year
(e.g. kWp installed, electric vehicles bought), or those units as a share of its potential, 0-1 (e.g. the
share of hospitals that switched from desflurane, the share of the fleet that is electric)."""


class KpiObservation(Strict):
    """An observed value of an indicator tied to one intervention."""

    kpi: Name
    """The indicator as the ministry reports it (the library lists indicators per intervention under
    ``kpis``), e.g. 'installed kWp on health facilities'."""
    intervention: Identifier
    """The intervention whose progress the indicator measures."""
    measure: KpiMeasure
    """What the plan implies for it: ``units_to_date`` or ``share_of_potential`` (0-1)."""
    year: Year
    """Calendar year of the observation."""
    value: Quantity
    """Observed value, in the intervention's unit (units_to_date) or as a share 0-1 (share_of_potential)."""


class Actuals(Strict):
    """What was actually done, year by year, for one case (docs/monitoring.md)."""

    schema_version: Literal[1] = 1
    """Version of this file format (1)."""
    case: str = Field(min_length=1, max_length=1000)
    """The case file the actuals report on, relative to this file (or a bundled case name)."""
    variant: Identifier | None = None
    """The variant whose plan is tracked (default: the case's default variant)."""
    description: Text = ""
    """What the actuals are and where they come from, in words."""
    through_year: Year
    """The last year the actuals cover: every decision year from the window's first year to this one is
    reported (a programme or source a year does not list built or paid nothing)."""
    builds: list[BuiltUnits] = Field(default_factory=list, max_length=100_000)
    """Units built, by intervention and year (only years with units built)."""
    spend: list[SpendBySource] = Field(default_factory=list, max_length=100_000)
    """Money spent, by financing source and year. When any is listed, a source a reported year does not list
    paid nothing that year; with none listed, tracking compares the case's costs of the units built."""
    emissions: list[MeasuredEmissions] = Field(default_factory=list, max_length=100_000)
    """Measured emissions, by inventory source and year, where an inventory update exists."""
    kpis: list[KpiObservation] = Field(default_factory=list, max_length=100_000)
    """Observed indicator values."""
