"""Schema of the intervention library: a directory of YAML files.

- ``vocabulary.yaml``: the emission sources and facility types that interventions and cases refer to.
- one YAML file per action family (``<family>.yaml``), holding that family's interventions and groups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from .base import (
    Complexity,
    Identifier,
    Name,
    NonNegative,
    Positive,
    PositiveFraction,
    Quantity,
    Scope,
    Score,
    Strict,
    Text,
    in_range,
)

ACTION_FAMILIES: dict[str, str] = {
    "inhalers_anaesthetics": "Low-carbon inhalers and anaesthetic gases",
    "reusable_devices": "Single-use to reusable medical devices",
    "procurement_pharmacy": "Low-carbon procurement and sustainable pharmacy",
    "operating_theatres": "Operating-theatre optimisation",
    "clinical_pathways": "Low-carbon clinical pathways",
    "waste": "Waste segregation, reduction, recycling and treatment",
    "renewable_energy": "Renewable energy",
    "buildings": "Low-carbon buildings",
    "fleet": "Electric ambulances and fleet",
    "travel": "Staff and patient travel",
    "telemedicine": "Community care, telemedicine and remote monitoring",
    "food": "Sustainable food",
}
"""The strategy's twelve no-regret action families: id -> display name."""

if TYPE_CHECKING:
    ActionFamily = str  # type checkers see an id; pydantic validates against the Literal below
else:
    ActionFamily = Literal[tuple(ACTION_FAMILIES)]
"""An id of :data:`ACTION_FAMILIES` (the Literal is built from its keys: one list of the families)."""


class GasContent(Strict):
    """The greenhouse gas released per unit of a source's activity (its CO2e follows the case's GWP set)."""

    gas: Identifier
    """Gas id from the library's ``gwp.yaml``."""
    kg_per_activity_unit: Positive
    """Mass of the gas released per activity unit; kg per activity unit."""


class SourceType(Strict):
    """An emission source (hotspot) that cases inventory and interventions act on."""

    id: Identifier
    """Identifier used by cases (``sources[].id``) and by intervention effects (``effects[].source``)."""
    name: Name
    """Display name."""
    scope: Scope
    """GHG Protocol scope (1 direct, 2 purchased energy, 3 value chain)."""
    activity_unit: Name | None = None
    """Unit of the activity behind the emissions (e.g. ``MWh``, ``litre diesel``); null when the source
    is inventoried by emissions or spend only, which rules out ``activity`` effects on it."""
    description: Text = ""
    """What the source covers."""
    gas: GasContent | None = None
    """For a gas released as such (anaesthetic agents, inhaler propellants): the gas and its mass per
    activity unit. The case then gives the activity only; emissions = activity x mass x GWP."""


class FacilityType(Strict):
    """A kind of facility stock from which intervention potentials are derived."""

    id: Identifier
    """Identifier used by cases (``facility_stock`` keys) and by ``potential.basis``."""
    unit: Name
    """What one counted item is (e.g. ``hospital``, ``operating theatre``, ``vehicle``)."""
    description: Text = ""
    """What is counted."""


class ResourceType(Strict):
    """A kind of limited delivery resource (staff-months, procurement lots) that interventions use and
    cases may limit."""

    id: Identifier
    """Identifier used by ``resource_use_per_unit`` / ``resource_use_per_start`` and case ``resources``."""
    unit: Name
    """Unit of the resource (e.g. ``staff-month``)."""
    description: Text = ""
    """What is counted."""


class Vocabulary(Strict):
    """Contents of ``vocabulary.yaml``: the shared names cases and interventions must use."""

    sources: list[SourceType] = Field(min_length=1)
    """Emission sources."""
    facility_types: list[FacilityType] = Field(default_factory=list)
    """Facility stock types."""
    resources: list[ResourceType] = Field(default_factory=list)
    """Delivery resources; a case that does not limit one leaves it unconstrained."""


class Gas(Strict):
    """A greenhouse gas and its 100-year global warming potentials (IPCC assessment reports)."""

    id: Identifier
    """Identifier used by ``vocabulary.yaml`` sources (``gas.gas``)."""
    name: Name
    """Display name (IPCC name in brackets)."""
    gwp100_ar5: Annotated[Quantity, in_range(0.0, 1e6, low_open=True)]
    """GWP100 in IPCC AR5 (Myhre et al. 2013, WG1 ch. 8, table 8.A.1); kgCO2e per kg."""
    gwp100_ar6: Annotated[Quantity, in_range(0.0, 1e6, low_open=True)]
    """GWP100 in IPCC AR6 (Forster et al. 2021, WG1 ch. 7, table 7.SM.7); kgCO2e per kg."""


class GwpFile(Strict):
    """Contents of ``gwp.yaml``: the one place the library keeps global warming potentials."""

    gases: list[Gas] = Field(min_length=1)
    """Gases."""


class ShareEffect(Strict):
    """At full deployment, removes a fraction of a source's emissions (follows BAU growth and factors)."""

    type: Literal["share"]
    """Effect kind: ``share``."""
    source: Identifier
    """Source acted on (a ``vocabulary.yaml`` source id)."""
    fraction: PositiveFraction
    """Fraction (0-1] of the source's emissions removed when the whole potential is active; dimensionless."""


class ActivityEffect(Strict):
    """Changes the activity of a source per active unit; emissions and money follow the source's factor
    and price in each year. Give the change either in absolute terms (``change_per_unit_year``) or as a
    share of the country's own activity per unit of potential (``change_share_of_unit_activity``), so
    that per-facility savings scale with each country's facilities."""

    type: Literal["activity"]
    """Effect kind: ``activity``."""
    source: Identifier
    """Source acted on (a ``vocabulary.yaml`` source id with an ``activity_unit``)."""
    change_per_unit_year: Quantity | None = None
    """Change in the source's annual activity per active unit, in the source's activity unit per unit per
    year; negative reduces activity (e.g. -1.5 MWh grid electricity per kWp of solar)."""
    change_share_of_unit_activity: Annotated[Quantity, in_range(-10.0, 10.0)] | None = None
    """Change per active unit as a share of the base-year activity of ``relative_to`` per unit of potential
    (the case's activity / potential units); dimensionless, negative reduces (e.g. -0.08: an LED retrofit
    saves 8 % of an average hospital's electricity)."""
    relative_to: Identifier | None = None
    """Source whose activity per unit the share applies to (default: ``source``), e.g. the fuel a heat pump
    replaces when the effect adds electricity."""

    @model_validator(mode="after")
    def _one_change(self):
        if (self.change_per_unit_year is None) == (self.change_share_of_unit_activity is None):
            raise ValueError("give exactly one of 'change_per_unit_year' or 'change_share_of_unit_activity'")
        if self.relative_to is not None and self.change_share_of_unit_activity is None:
            raise ValueError("'relative_to' goes with 'change_share_of_unit_activity'")
        return self


Effect = Annotated[ShareEffect | ActivityEffect, Field(discriminator="type")]


class Potential(Strict):
    """Maximum units deployable in a country, derived from its facility stock."""

    basis: Identifier
    """A facility type id (``vocabulary.yaml``), or ``country`` for one national programme."""
    units_per_basis: Positive
    """Units per counted facility (e.g. 1 per hospital, 30 kWp per hospital); units per facility."""


class CapexScaling(Strict):
    """How an intervention's costs per unit follow the size of a unit in the case. The effects of most
    building measures are shares of the country's activity per unit of potential, so a country with large
    hospitals saves more per hospital; this makes the capex per unit (and optionally the running-cost
    change) grow with the same size:

        capex per unit in the case = capex_usd_per_unit x (activity per unit / reference_activity_per_unit)
        ^ exponent,

    where the activity per unit is the case's base-year activity of ``source`` / the intervention's potential
    units (the same per-unit activity the effects' shares apply to)."""

    source: Identifier
    """Source whose base-year activity per unit of potential measures the size of a unit (a vocabulary source
    with an ``activity_unit``; usually the source the savings act on, e.g. ``grid_electricity`` for LED
    lighting)."""
    reference_activity_per_unit: Positive
    """Activity of ``source`` per unit of potential at which ``capex_usd_per_unit`` (and
    ``om_change_usd_per_unit_year`` when ``scales_om``) hold; the source's activity unit per unit of the
    intervention per year (e.g. 800 MWh of grid electricity per hospital)."""
    exponent: Annotated[Quantity, in_range(0.0, 1.5, low_open=True)] | None = None
    """Scale exponent (0, 1.5]: 1 costs in proportion to size, below 1 economies of scale (e.g. 0.6-0.8 for
    plant whose cost grows with capacity less than in proportion); dimensionless. Absent: 1."""
    scales_om: bool = False
    """Also scale ``om_change_usd_per_unit_year`` by the same factor (running costs that grow with the plant,
    e.g. fuel bought in a share effect); the programme cost (``fixed_cost_usd``) never scales."""


class Intervention(Strict):
    """A mitigation option deployed in units (a hospital retrofitted, a kWp installed, a programme run)."""

    id: Identifier
    """Unique identifier across the whole library."""
    name: Name
    """Display name."""
    description: Text
    """What is done, and the physics behind the effects."""
    unit: Name
    """What one deployed unit is (e.g. ``hospital``, ``kWp``, ``national programme``)."""
    phase: Identifier
    """Phase the intervention belongs to (a case ``phases[].id``, e.g. ``quick_wins`` or ``pipeline``);
    sets its earliest start."""
    complexity: Complexity
    """Implementation complexity: 1 quick win, 2 moderate, 3 needs project preparation; gated by the case's
    maturity path."""
    effects: list[Effect] = Field(min_length=1)
    """What one unit does to emission sources."""
    capex_usd_per_unit: NonNegative
    """Capital cost per unit built, USD (real, case base year) per unit; with ``capex_scales_with``, the
    capex of a unit of the reference size."""
    capex_scales_with: CapexScaling | None = None
    """Makes the capex per unit (and optionally the O&M change) follow the size of a unit in the case (its
    activity of a source per unit of potential); absent: the capex per unit is the same in every case."""
    fixed_cost_usd: NonNegative
    """One-off programme cost paid in the start year whatever the number of units, USD."""
    om_change_usd_per_unit_year: Quantity
    """Change in annual running cost per active unit other than the effects' activity costs, USD per unit
    per year; negative is a saving."""
    lifetime_years: Annotated[Quantity, in_range(1, 100, whole=True)]
    """Years a unit delivers its effects, counted from its first active year; years."""
    lead_time_years: Annotated[Quantity, in_range(0, 10, whole=True)]
    """Years between building a unit (spending) and its first active year; years."""
    potential: Potential
    """Maximum units in a country."""
    max_share_per_year: PositiveFraction
    """Ramp limit: most of the potential that can be built in one year (delivery capacity); fraction of
    potential per year."""
    integer_units: bool = False
    """Units are lumpy: build whole units only."""
    all_or_nothing: bool = False
    """The whole potential is built at once in the start year, or nothing (a binary decision)."""
    group: Identifier | None = None
    """Group of competing interventions (same slice of a source) whose combined deployment share is capped."""
    prerequisites: list[Identifier] = Field(default_factory=list)
    """Interventions that must have started in or before the year this one starts."""
    co_benefit_score: Score
    """Health, cost and environmental co-benefits, 0 (none) to 3 (high); score."""
    resilience_score: Score
    """Contribution to climate resilience (e.g. power during outages), 0 (none) to 3 (high); score."""
    resource_use_per_unit: dict[Identifier, NonNegative] = Field(default_factory=dict)
    """Use of vocabulary resources per unit built, in each resource's unit per unit, in the build year."""
    resource_use_per_start: dict[Identifier, NonNegative] = Field(default_factory=dict)
    """Use of vocabulary resources when the programme starts, in each resource's unit, in the start year."""
    kpis: list[Name] = Field(default_factory=list)
    """Indicators to monitor implementation (e.g. ``desflurane share of volatile agents``)."""

    @model_validator(mode="after")
    def _all_or_nothing_is_not_ramped(self):
        if self.all_or_nothing and self.max_share_per_year.value < 1.0:
            raise ValueError(
                "an all_or_nothing intervention is built whole in its start year: max_share_per_year must be 1"
            )
        return self


class Group(Strict):
    """Competing interventions that act on the same slice of a source."""

    id: Identifier
    """Identifier that interventions name in ``group``."""
    name: Name
    """Display name."""
    max_combined_share: float = Field(default=1.0, gt=0.0, le=1.0)
    """Most of the shared slice the members may cover together: the sum over members of active units /
    potential; dimensionless, at most 1."""


class FamilyFile(Strict):
    """Contents of one action-family file of the library."""

    family: ActionFamily
    """The action family every intervention in this file belongs to."""
    interventions: list[Intervention] = Field(default_factory=list)
    """The family's interventions."""
    groups: list[Group] = Field(default_factory=list)
    """Groups defined in this file (members may come from any family file)."""
