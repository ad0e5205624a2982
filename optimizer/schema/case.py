"""Schema of a country case: one YAML file describing a country's health-sector baseline, BAU drivers,
targets, budgets and planning rules. Unless said otherwise, money is USD (real, base-year prices),
emissions tCO2e, and years are calendar years."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from .base import (
    Complexity,
    Identifier,
    Name,
    NonNegative,
    Positive,
    PositiveFraction,
    Provenance,
    Quantity,
    Scope,
    Score,
    Strict,
    Text,
    Year,
    YearSeries,
    in_range,
)
from .library import ActionFamily, Effect, Group, Intervention

Percent = Annotated[Quantity, in_range(-100.0, 100.0)]

MAX_INDEX = 1000.0
"""Largest index of a path relative to its base year (base year = 1)."""


class Country(Strict):
    """The country the case plans for."""

    name: Name
    """Display name."""
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    """ISO 3166-1 alpha-3 code."""
    population: Positive | None = None
    """Population in the base year; persons. Used for per-capita indicators."""


class BaselineReference(Provenance):
    """The top-down estimate the inventory was split from, so the split can be checked: the sources must
    add up to ``total_tco2e`` and reproduce ``scope_shares``."""

    method: Text
    """How the total and the split were estimated (e.g. health spending x intensity tier, hotspot shares)."""
    total_tco2e: float = Field(gt=0, le=1e10)
    """Total base-year health-sector emissions; tCO2e per year."""
    scope_shares: dict[Scope, Annotated[float, Field(ge=0, le=1)]] = Field(min_length=3, max_length=3)
    """Intended share of the total in each scope (1, 2, 3); fractions adding up to 1."""


class DecisionWindow(Strict):
    """Years in which interventions may start and units may be built."""

    first_year: Year
    """First year of decisions (e.g. 2026)."""
    last_year: Year
    """Last year of decisions (e.g. 2030)."""

    @model_validator(mode="after")
    def _ordered(self):
        if self.last_year < self.first_year:
            raise ValueError(f"last_year {self.last_year} is before first_year {self.first_year}")
        return self


def _percent_hint(v: float) -> str:
    return f" ({v:g} reads as {v:.0%}: was {v:g} % meant, i.e. {v / 100:g}?)" if abs(v) >= 1.0 else ""


def _growth_fraction(change: Quantity) -> Quantity:
    for label, v in (("value", change.value), ("low", change.low), ("high", change.high)):
        if v is not None and not -1.0 < v <= 1.0:
            raise ValueError(
                f"a fraction per year above -1 and at most 1 (0.05 = +5 %/yr); the {label} is {v:g}{_percent_hint(v)}"
            )
    return change


def _fraction_first(low: float, high: float, what: str):
    """Before the quantity's own checks (a range that brackets the value): a value written as a percent gets
    the percent hint, whatever its range says."""

    def check(data):
        v = data.get("value") if isinstance(data, dict) else None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and not low < v <= high and abs(v) < 1e6:
            raise ValueError(f"{what}; the value is {v:g}{_percent_hint(v)}")
        return data

    return check


GrowthRate = Annotated[
    Quantity,
    BeforeValidator(_fraction_first(-1.0, 1.0, "a fraction per year above -1 and at most 1 (0.05 = +5 %/yr)")),
    AfterValidator(_growth_fraction),
]
DiscountRate = Annotated[
    Quantity,
    BeforeValidator(_fraction_first(-1e-12, 1.0, "a fraction per year from 0 to 1 (0.06 = 6 %/yr)")),
    in_range(0.0, 1.0),
]


class GrowthPath(Strict):
    """How a quantity evolves from the base year: a constant annual rate, or an index by year
    (base year = 1; linear between given years, flat after the last one). Give exactly one."""

    annual_change: GrowthRate | None = None
    """Compound change per year; fraction per year above -1 and at most 1 (e.g. 0.05 = +5 %/yr, -0.03 =
    -3 %/yr)."""
    index_by_year: YearSeries | None = None
    """Index relative to the base year (base year = 1.0); dimensionless."""

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.annual_change is None) == (self.index_by_year is None):
            raise ValueError("give exactly one of 'annual_change' or 'index_by_year'")
        if self.index_by_year is not None:
            bad = {y: v for y, v in self.index_by_year.by_year.items() if v < 0 or v > MAX_INDEX}
            if bad:
                raise ValueError(f"index values from 0 to {MAX_INDEX:g} (base year = 1): {bad}")
        return self


class Source(Strict):
    """One line of the baseline inventory: an emission source in the base year."""

    id: Identifier
    """Source id from the library's ``vocabulary.yaml`` (which fixes its scope and activity unit)."""
    emissions_tco2e: Annotated[Quantity, in_range(0.0, 1e10)] | None = None
    """Base-year emissions of this source; tCO2e per year. Required, except for gas sources (vocabulary
    ``gas``), whose emissions follow from the activity and the case's GWP set."""
    activity: NonNegative | None = None
    """Base-year activity behind the emissions, in the source's activity unit per year; needed for
    ``activity`` effects and for gas sources. The emission factor is emissions / activity (for gas sources:
    gas mass per unit x GWP)."""
    driver: Identifier
    """BAU driver (a ``drivers`` key) that scales this source's activity over time."""
    factor_path: GrowthPath | None = None
    """Path of the source's emission factor (e.g. the grid factor falling with the renewable plan);
    constant when omitted."""
    price_usd_per_unit: NonNegative | None = None
    """Base-year price of the activity; USD per activity unit. Needed for the money side of ``activity``
    effects."""
    price_path: GrowthPath | None = None
    """Path of the real price; constant when omitted."""


class Phase(Strict):
    """An implementation phase of the action plan."""

    id: Identifier
    """Identifier that interventions name in ``phase``."""
    name: Name
    """Display name (e.g. ``Quick wins``)."""
    first_start_year: Year
    """Earliest year an intervention of this phase may start."""
    last_start_year: Year | None = None
    """Latest year an intervention of this phase may start; the decision window's end when omitted."""
    budget_usd: NonNegative | None = None
    """Envelope for capex plus programme costs of this phase's interventions over the decision window;
    USD."""


class FinancingSource(Strict):
    """A pot of money (domestic budget, ADB loan, grant or climate finance) with yearly envelopes."""

    id: Identifier
    """Identifier."""
    name: Name
    """Display name."""
    envelope_usd_by_year: YearSeries
    """Most this source can pay per year for capex plus programme costs; USD per year."""
    eligible_families: list[ActionFamily] | None = None
    """Action families it may pay for; all when omitted."""
    eligible_interventions: list[Identifier] | None = None
    """Interventions it may pay for (in addition to eligible families); all when both lists are omitted."""


class Budget(Strict):
    """Spending limits on capex plus one-off programme costs."""

    total_usd_by_year: YearSeries | None = None
    """Most that may be spent per year over all interventions and financing sources; USD per year."""
    financing: list[FinancingSource] = Field(default_factory=list)
    """Financing sources; when given, every dollar spent is paid by an eligible source within its
    envelope."""
    regional_usd_by_year: dict[Name, YearSeries] = Field(default_factory=dict)
    """Most that may be spent per year on the pipeline projects of each region (keyed by the region named in
    the pipeline files); USD per year. National programmes are not regional and do not count against it."""


class Payback(Strict):
    """Payback rules. Simple payback = (capex + programme cost share) / first-year net saving."""

    screen_max_years: Positive | None = None
    """Exclude (and report) candidates whose simple payback exceeds this; years."""
    portfolio_max_years: Positive | None = None
    """Portfolio rule: total spend <= this x total first-year net savings of what is built; years."""


class Resource(Strict):
    """A limit on a delivery resource of the library vocabulary (staff-months, procurement lots)."""

    id: Identifier
    """A resource id of the library vocabulary (its unit is defined there)."""
    limit_by_year: YearSeries
    """Most available per year; resource unit per year."""


class Maturity(Provenance):
    """Institutional maturity path: the most complex intervention that may start, by year (a step
    function: each entry holds until the next)."""

    max_complexity_by_year: dict[Year, Annotated[int, Field(ge=0, le=3)]] = Field(min_length=1)
    """Year -> highest complexity (0 none, 1 quick wins, 2 moderate, 3 all) that may start from that year."""


class _TargetBase(Strict):
    year: Year
    """Year the target applies to."""


class BelowBauTarget(_TargetBase):
    """Emissions at least ``percent`` below the BAU projection in ``year``."""

    type: Literal["below_bau"]
    """Target type."""
    percent: Percent
    """Cut below BAU; percent."""


class BelowBaseYearTarget(_TargetBase):
    """Emissions at least ``percent`` below a reference-year level. The health-sector reference level is
    given directly, or derived by applying the national ratio (national target level / national emissions
    in the case base year) to the health baseline."""

    type: Literal["below_base_year"]
    """Target type."""
    percent: Percent
    """Cut below the reference-year level; percent."""
    reference_year: Year
    """Reference year of the national target (e.g. 1990)."""
    reference_emissions_tco2e: NonNegative | None = None
    """Health-sector emissions in the reference year; tCO2e. Defaults to the case baseline when the
    reference year is the base year."""
    national_reference_emissions_tco2e: Positive | None = None
    """National emissions in the reference year; tCO2e. With ``national_base_year_emissions_tco2e``,
    applies the national ratio to the health baseline."""
    national_base_year_emissions_tco2e: Positive | None = None
    """National emissions in the case base year; tCO2e."""

    @model_validator(mode="after")
    def _one_reference(self):
        national = (self.national_reference_emissions_tco2e, self.national_base_year_emissions_tco2e)
        has_national = all(v is not None for v in national)
        if any(v is not None for v in national) and not has_national:
            raise ValueError(
                "the national ratio needs both national_reference_emissions_tco2e and "
                "national_base_year_emissions_tco2e"
            )
        if has_national and self.reference_emissions_tco2e is not None:
            raise ValueError("give reference_emissions_tco2e or the national pair, not both")
        return self


class IntensityTarget(_TargetBase):
    """Emissions per unit of a denominator (GDP or health spending, a ``drivers`` key) at least
    ``percent`` below the reference year's intensity."""

    type: Literal["intensity"]
    """Target type."""
    percent: Percent
    """Cut in intensity below the reference year; percent."""
    denominator: Identifier
    """Driver (``drivers`` key) whose index is the denominator (e.g. ``gdp``, ``health_spending``)."""
    reference_year: Year
    """Reference year of the intensity target (e.g. 2010)."""
    achieved_by_base_year_percent: Percent | None = None
    """Intensity cut already achieved between the reference year and the case base year; percent.
    Required when the reference year is not the base year."""


class AbsoluteTarget(_TargetBase):
    """Emissions at most a fixed level in ``year``."""

    type: Literal["absolute"]
    """Target type."""
    cap_tco2e: NonNegative
    """Emission cap; tCO2e per year."""


class CustomTarget(Strict):
    """An explicit year-by-year pathway."""

    type: Literal["custom"]
    """Target type."""
    cap_tco2e_by_year: YearSeries
    """Emission cap per year; tCO2e per year."""


Target = Annotated[
    BelowBauTarget | BelowBaseYearTarget | IntensityTarget | AbsoluteTarget | CustomTarget,
    Field(discriminator="type"),
]


class Variant(Strict):
    """A named target variant of the case (e.g. ``unconditional`` and ``conditional``)."""

    description: Text = ""
    """What the variant stands for."""
    targets: list[Target] = Field(min_length=1)
    """Milestones of the pathway; interpolated linearly from the base-year emissions."""
    net_zero_year: Year | None = None
    """Continue the pathway linearly from the last milestone to zero in this year."""
    additional_financing: list[FinancingSource] = Field(default_factory=list)
    """Extra financing available in this variant (e.g. international support for a conditional target)."""


class TargetRules(Strict):
    """How the target pathway constrains the plan."""

    mode: Literal["hard", "elastic"] = "elastic"
    """``hard``: emissions must be at or below the pathway; ``elastic``: shortfalls are allowed at a
    penalty and reported."""
    enforce: Literal["milestones", "every_year"] = "milestones"
    """Years the pathway is enforced in: the target milestone years, or every year from the first decision
    year to the end of the pathway."""
    shortfall_penalty_usd_per_tco2e: float = Field(default=100_000.0, gt=0, le=1e12)
    """Penalty per tonne of shortfall in ``min_cost`` (USD/tCO2e) and, divided by 1,000, in tonnes per
    tonne for ``max_abatement``; must exceed any abatement cost."""


class Weights(Strict):
    """Weights of the ``weighted`` objective (each criterion is normalised first)."""

    abatement: float = Field(default=1.0, ge=0, le=1e6)
    """Weight of cumulative abatement (share of cumulative BAU emissions abated)."""
    npv: float = Field(default=1.0, ge=0, le=1e6)
    """Weight of net present value (NPV / total budget)."""
    co_benefit: float = Field(default=0.0, ge=0, le=1e6)
    """Weight of deployment-weighted co-benefit scores (average over candidates, 0-1)."""
    resilience: float = Field(default=0.0, ge=0, le=1e6)
    """Weight of deployment-weighted resilience scores (average over candidates, 0-1)."""


class ObjectiveRules(Strict):
    """What the optimiser seeks."""

    kind: Literal["min_cost", "max_abatement", "weighted"] = "min_cost"
    """``min_cost``: least whole-life net present cost meeting the pathway; ``max_abatement``: most
    cumulative abatement within the limits; ``weighted``: multi-criteria."""
    weights: Weights = Field(default_factory=Weights)
    """Weights for ``weighted``."""


class SolverOptions(Strict):
    """HiGHS settings."""

    time_limit_seconds: float = Field(default=60.0, gt=0, le=1e6)
    """Wall-clock limit for one solve; seconds."""
    mip_rel_gap: float = Field(default=1e-6, ge=0, le=1)
    """Relative MIP gap at which HiGHS stops; dimensionless."""
    random_seed: int = Field(default=0, ge=0, le=2_147_483_647)
    """HiGHS random seed (fixed for reproducible runs)."""


class PotentialOverride(Strict):
    """A change to an intervention's potential: the fields given replace the library's."""

    basis: Identifier | None = None
    """A facility type id of the library vocabulary, or ``country`` for one national programme."""
    units_per_basis: Positive | None = None
    """Units per counted facility; units per facility."""


class CapexScalingOverride(Strict):
    """A change to how an intervention's capex follows the size of its units (``capex_scales_with``): the fields
    given replace the library's; an intervention without the block needs at least ``source`` and
    ``reference_activity_per_unit``."""

    source: Identifier | None = None
    """Source whose activity per unit of potential measures a unit's size (a vocabulary source with an
    ``activity_unit``)."""
    reference_activity_per_unit: Positive | None = None
    """Activity of the source per unit at which the capex per unit holds; the source's activity unit per unit
    per year."""
    exponent: Annotated[Quantity, in_range(0.0, 1.5, low_open=True)] | None = None
    """Scale exponent (0, 1.5]; dimensionless."""
    scales_om: bool | None = None
    """Whether the O&M change per unit is sized too."""


class InterventionOverride(Strict):
    """Country-specific replacements of library defaults for one intervention (only the fields given): any field
    of the library's intervention schema except ``id``, plus ``potential_units``."""

    capex_usd_per_unit: NonNegative | None = None
    """Replaces the library capex; USD per unit."""
    fixed_cost_usd: NonNegative | None = None
    """Replaces the programme cost; USD."""
    om_change_usd_per_unit_year: Quantity | None = None
    """Replaces the O&M change; USD per unit per year."""
    lifetime_years: Annotated[Quantity, in_range(1, 100, whole=True)] | None = None
    """Replaces the lifetime; years."""
    lead_time_years: Annotated[Quantity, in_range(0, 10, whole=True)] | None = None
    """Replaces the lead time; years."""
    max_share_per_year: PositiveFraction | None = None
    """Replaces the ramp limit; fraction of potential per year."""
    potential_units: NonNegative | None = None
    """Replaces the derived potential by an absolute number of units; units."""
    phase: Identifier | None = None
    """Moves the intervention to another phase."""
    complexity: Complexity | None = None
    """Replaces the complexity level."""
    effects: list[Effect] | None = Field(default=None, min_length=1)
    """Replaces the whole list of effects (e.g. the country's solar yield per kWp)."""
    name: Name | None = None
    """Replaces the display name."""
    description: Text | None = None
    """Replaces the description."""
    unit: Name | None = None
    """Replaces what one deployed unit is (the capex, O&M and potential given here are per this unit)."""
    integer_units: bool | None = None
    """Replaces whether units are built whole."""
    all_or_nothing: bool | None = None
    """Replaces whether the whole potential is built at once or not at all."""
    group: Identifier | None = None
    """Moves the intervention into another group (of the library or of this case's ``groups``). To take it
    out of every shared cap, give it a group of its own with ``max_combined_share`` 1."""
    prerequisites: list[Identifier] | None = None
    """Replaces the list of prerequisites (``[]``: none)."""
    kpis: list[Name] | None = None
    """Replaces the list of indicators."""
    potential: PotentialOverride | None = None
    """Replaces the basis and/or the units per basis of the potential (``potential_units``, when given too,
    replaces the derived potential)."""
    capex_scales_with: CapexScalingOverride | None = None
    """Replaces the fields given of the sizing of the capex to the case's units (source, reference activity
    per unit, exponent, scales_om); a case that knows its own capex per unit overrides
    ``capex_usd_per_unit`` instead, which is then used as given."""
    co_benefit_score: Score | None = None
    """Replaces the co-benefit score, 0-3."""
    resilience_score: Score | None = None
    """Replaces the resilience score, 0-3."""
    resource_use_per_unit: dict[Identifier, NonNegative] | None = None
    """Replaces the whole mapping of resource use per unit built; resource unit per unit."""
    resource_use_per_start: dict[Identifier, NonNegative] | None = None
    """Replaces the whole mapping of resource use per programme start; resource unit."""


class CaseIntervention(Intervention):
    """An intervention a case adds to its library: the library's intervention schema plus the action family
    it belongs to. Its id must not be one the library already has."""

    family: ActionFamily
    """The action family (one of the library's twelve) the intervention belongs to."""


class Overrides(Strict):
    """Changes to the library for this country."""

    exclude: list[Identifier] = Field(default_factory=list)
    """Interventions not available in this country (reported in screening)."""
    interventions: dict[Identifier, InterventionOverride] = Field(default_factory=dict)
    """Per-intervention replacements of library defaults."""


class Case(Strict):
    """A country case."""

    schema_version: Annotated[int, Field(ge=1, le=1)]
    """Version of this schema; 1."""
    name: Name
    """Display name of the case."""
    description: Text = ""
    """What the case is and how its numbers were put together."""
    country: Country
    """The country."""
    library: Annotated[str, Field(min_length=1, max_length=4096)] | None = None
    """Path of the intervention library directory, relative to this file; the repository's
    ``intervention_library/`` when omitted."""
    base_year: Year
    """Year of the baseline inventory and of real prices; discounting is to this year."""
    gwp_set: Literal["AR6", "AR5"] = "AR6"
    """IPCC GWP100 values used for gas sources (from the library's ``gwp.yaml``)."""
    decision_window: DecisionWindow
    """Years in which interventions may start and be built."""
    horizon_end_year: Year
    """Last year of the roadmap (trajectories, targets)."""
    discount_rate: DiscountRate
    """Real discount rate; fraction per year."""
    drivers: dict[Identifier, GrowthPath] = Field(min_length=1)
    """BAU drivers (e.g. ``health_activity``, ``population``, ``gdp``): growth paths of activity."""
    sources: list[Source] = Field(min_length=1)
    """Baseline inventory by source (scope from the library vocabulary)."""
    baseline_reference: BaselineReference | None = None
    """The top-down total and scope split the inventory was built from (checked by the tests)."""
    facility_stock: dict[Identifier, NonNegative] = Field(default_factory=dict)
    """Counts of facilities by library facility type; count."""
    phases: list[Phase] = Field(min_length=1)
    """Implementation phases."""
    maturity: Maturity
    """Institutional maturity path."""
    budget: Budget = Field(default_factory=Budget)
    """Spending limits."""
    payback: Payback = Field(default_factory=Payback)
    """Payback rules."""
    resources: list[Resource] = Field(default_factory=list)
    """Named limited resources."""
    target_rules: TargetRules = Field(default_factory=TargetRules)
    """How targets constrain the plan."""
    variants: dict[Identifier, Variant] = Field(min_length=1)
    """Target variants (e.g. ``unconditional``, ``conditional``)."""
    default_variant: Identifier
    """Variant solved when none is named."""
    objective: ObjectiveRules = Field(default_factory=ObjectiveRules)
    """Objective."""
    solver: SolverOptions = Field(default_factory=SolverOptions)
    """Solver settings."""
    overrides: Overrides = Field(default_factory=Overrides)
    """Country-specific changes to the library."""
    interventions: list[CaseIntervention] = Field(default_factory=list)
    """Interventions this case adds to its library (a local technology, a site project): the library's
    intervention schema plus ``family``. They are screened, chosen and reported like library ones; an id the
    library already has is an error (``overrides`` change library interventions)."""
    groups: list[Group] = Field(default_factory=list)
    """Groups of competing interventions this case adds to its library; members may be library or case
    interventions (a library intervention joins one through ``overrides``)."""
    pipelines: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(default_factory=list, max_length=100)
    """Project pipeline files (CSV or Parquet, relative to this file): concrete candidate projects at named
    facilities, ranked together with the national programmes (docs/pipelines.md)."""
