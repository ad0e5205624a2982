"""Step 3 of the evidence chain: turn library defaults and a country case into model data.

Applies country overrides, derives potentials from the facility stock, screens every candidate (with a
reason when excluded), and pre-computes per-unit coefficients for each build year: whole-life cohort NPV,
first-year net saving, and abatement by source and year. The MILP only ever sees these numbers.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .checks import COUNTRY_BASIS
from .loading import LoadedCase
from .pathway import BauProjection, enforced_years, project_bau, target_pathway
from .pipeline.projects import ProjectData, project_columns, setup_projects
from .schema import FinancingSource, Intervention, Variant

if TYPE_CHECKING:
    import pandas as pd


class ScreeningStatus(enum.StrEnum):
    """Whether screening keeps a candidate for the model."""

    KEPT = "kept"
    EXCLUDED = "excluded"


class Cohorts(Mapping[int, np.ndarray]):
    """Per build year, what a unit built that year does (by source and year of the axis): ``when_active`` over
    the years it is active (``windows``: positions on the axis, end excluded), zero elsewhere. Each year's
    array is made when first read."""

    def __init__(self, when_active: np.ndarray, windows: dict[int, tuple[int, int]]):
        self.when_active, self.windows = when_active, windows
        self._made: dict[int, np.ndarray] = {}

    def __getitem__(self, year: int) -> np.ndarray:
        if year not in self._made:
            lo, hi = self.windows[year]
            self._made[year] = np.zeros_like(self.when_active)
            self._made[year][:, lo:hi] = self.when_active[:, lo:hi]
        return self._made[year]

    def in_year(self, year: int, k: int) -> np.ndarray:
        """``self[year][:, k]``, by source, without making the whole array."""
        lo, hi = self.windows[year]
        return self.when_active[:, k] if lo <= k < hi else np.zeros(len(self.when_active))

    def add_to(self, out: np.ndarray, year: int, units: float) -> None:
        """``out += units * self[year]``, over the years the cohort is active only (zero elsewhere)."""
        lo, hi = self.windows[year]
        out[:, lo:hi] += self.when_active[:, lo:hi] * units

    def __iter__(self) -> Iterator[int]:
        return iter(self.windows)

    def __len__(self) -> int:
        return len(self.windows)


@dataclass
class Candidate:
    """An intervention as the model sees it in one case: effective parameters and coefficients."""

    id: str
    name: str
    family: str
    phase: str
    complexity: int
    unit: str
    potential: float
    ramp: float
    integer: bool
    all_or_nothing: bool
    capex: float
    fixed_cost: float
    om_change: float
    lifetime: int
    lead_time: int
    group: str | None
    prerequisites: list[str]
    co_benefit: float
    resilience: float
    resource_per_unit: dict[str, float]
    resource_per_start: dict[str, float]
    kpis: list[str]
    start_years: list[int] = field(default_factory=list)
    build_years: list[int] = field(default_factory=list)
    financing: list[str] = field(default_factory=list)
    npv_cost_per_unit: dict[int, float] = field(default_factory=dict)
    fixed_cost_pv: dict[int, float] = field(default_factory=dict)
    saving_per_unit: dict[int, float] = field(default_factory=dict)
    abatement: Cohorts = field(default_factory=lambda: Cohorts(np.zeros((0, 0)), {}))
    """Per build year: tCO2e a unit built that year abates, by source and year of the axis."""
    activity_removed: Cohorts = field(default_factory=lambda: Cohorts(np.zeros((0, 0)), {}))
    """Per build year: the activity a unit built that year removes, by source and year of the axis."""
    abatement_when_active: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    """(source, year of the axis): tCO2e a unit abates in a year it is active, whatever its build year
    (``abatement[y]`` is this over the years a unit built in y is active, zero elsewhere)."""
    removed_when_active: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    """(source, year of the axis): the same for ``activity_removed``."""
    simple_payback_years: float = float("nan")
    capex_scale: float = 1.0
    """Factor applied to the library's capex per unit (and O&M change when it scales) for the size of a unit in
    this case (``capex_scales_with``); 1 without scaling, NaN when the case lacks the activity to size it."""
    activity_per_unit: float | None = None
    """With ``capex_scales_with``: the case's base-year activity of its source per unit of potential."""

    def active_years(self, build_year: int) -> range:
        first = build_year + self.lead_time
        return range(first, first + self.lifetime)

    def cohorts_active_in(self, year: int) -> range:
        """Build years whose units are active in ``year`` (build years run without a gap from the first start
        to the end of the decision window)."""
        if not self.build_years:
            return range(0)
        first = max(self.build_years[0], year - self.lead_time - self.lifetime + 1)
        return range(first, min(self.build_years[-1], year - self.lead_time) + 1)


@dataclass(frozen=True)
class CohortIndex:
    """Every cohort the model may build (an intervention and a build year, in the build index's order), with
    its candidate and the years its units are active."""

    keys: list[tuple[str, int]]
    candidate: np.ndarray
    """Per cohort: the position of its candidate among the kept candidates."""
    first: np.ndarray
    """Per cohort: the position on the axis of the first year its units are active."""
    end: np.ndarray
    """Per cohort: the position on the axis after the last year its units are active."""

    def coefficients(self, when_active: np.ndarray, k: int) -> np.ndarray:
        """Per cohort: what one of its units contributes in the year at position k, ``when_active`` (candidate,
        year of the axis) in the years it is active, zero in the others."""
        return np.where((self.first <= k) & (k < self.end), when_active[self.candidate, k], 0.0)


@dataclass
class ScreeningRow:
    id: str
    name: str
    family: str
    phase: str
    complexity: int
    potential_units: float
    earliest_start: int | None
    simple_payback_years: float
    status: ScreeningStatus
    reason: str
    note: str = ""


@dataclass
class ModelData:
    """Everything the MILP needs for one case and variant."""

    loaded: LoadedCase
    variant_name: str
    variant: Variant
    years: np.ndarray  # extended axis: base year .. last year any cohort is active
    roadmap_years: np.ndarray  # base year .. horizon end
    decision_years: list[int]
    bau: BauProjection  # over the extended axis
    pathway: pd.Series  # over roadmap years
    target_years: list[int]
    candidates: dict[str, Candidate]
    screening: list[ScreeningRow]
    financing: list[FinancingSource]
    discount: np.ndarray  # discount factor per year of the extended axis
    projects: ProjectData | None = None
    """The case's usable pipeline projects, with every project's screening (None: the case has no pipeline)."""

    @property
    def case(self):
        return self.loaded.case

    @property
    def final_year(self) -> int:
        """The year a plan is judged by (the MACC's widths, the tornado's and the sweep's final-year emissions):
        the last enforced target year, or the horizon end when no year is enforced."""
        return max(self.target_years) if self.target_years else int(self.roadmap_years[-1])

    def year_index(self, year: int) -> int:
        return int(year - self.years[0])

    @cached_property
    def abatement_when_active(self) -> np.ndarray:
        """(candidate, source, year of the axis): ``Candidate.abatement_when_active`` of the kept candidates,
        in order."""
        return self._stacked("abatement_when_active")

    @cached_property
    def abatement_all_sources_when_active(self) -> np.ndarray:
        """(candidate, year of the axis): :attr:`abatement_when_active` summed over sources."""
        return self.abatement_when_active.sum(axis=1)

    @cached_property
    def removed_when_active(self) -> np.ndarray:
        """(candidate, source, year of the axis): ``Candidate.removed_when_active`` of the kept candidates."""
        return self._stacked("removed_when_active")

    @cached_property
    def cohorts(self) -> CohortIndex:
        """The cohorts of the kept candidates (the build index), with their active years (``Cohorts.windows``)."""
        keys = [(i, y) for i, c in self.candidates.items() for y in c.build_years]
        position = {i: j for j, i in enumerate(self.candidates)}
        windows = np.array([self.candidates[i].abatement.windows[y] for i, y in keys], dtype=int).reshape(-1, 2)
        return CohortIndex(keys, np.array([position[i] for i, _ in keys], dtype=int), windows[:, 0], windows[:, 1])

    @cached_property
    def ever_active(self) -> np.ndarray:
        """(candidate, year of the axis): whether some cohort of the kept candidate is active in that year."""
        n = len(self.candidates)
        first, end = np.full(n, len(self.years)), np.zeros(n, dtype=int)
        np.minimum.at(first, self.cohorts.candidate, self.cohorts.first)
        np.maximum.at(end, self.cohorts.candidate, self.cohorts.end)
        axis = np.arange(len(self.years))
        return (axis >= first[:, None]) & (axis < end[:, None])

    def _stacked(self, name: str) -> np.ndarray:
        arrays = [getattr(c, name) for c in self.candidates.values()]
        return np.stack(arrays) if arrays else np.zeros((0, len(self.bau.source_ids), len(self.years)))


def _effective(item: Intervention, override, name: str):
    value = getattr(override, name, None) if override is not None else None
    return value if value is not None else getattr(item, name)


def _maturity_allows(case, year: int, complexity: int) -> bool:
    steps = case.maturity.max_complexity_by_year
    applicable = [y for y in steps if y <= year]
    return bool(applicable) and steps[max(applicable)] >= complexity


def _eligible_financing(sources: list[FinancingSource], iid: str, family: str) -> list[str]:
    out = []
    for fin in sources:
        everything = fin.eligible_families is None and fin.eligible_interventions is None
        if everything or family in (fin.eligible_families or []) or iid in (fin.eligible_interventions or []):
            out.append(fin.id)
    return out


def make_candidate(loaded: LoadedCase, iid: str) -> Candidate:
    lib, case = loaded.library, loaded.case
    item = lib.interventions[iid]
    ov = case.overrides.interventions.get(iid)
    if ov is not None and ov.potential_units is not None:
        potential = ov.potential_units.value
    elif item.potential.basis == COUNTRY_BASIS:
        potential = item.potential.units_per_basis.value
    elif item.potential.basis in case.facility_stock:
        potential = case.facility_stock[item.potential.basis].value * item.potential.units_per_basis.value
    else:
        potential = float("nan")
    if potential == potential:
        potential = float(np.floor(potential + 1e-9)) if item.integer_units else round(potential, 9)
    share = _effective(item, ov, "max_share_per_year").value
    ramp = round(potential * share, 9)
    if item.integer_units and ramp == ramp:
        ramp = float(max(1.0, np.floor(ramp + 1e-9))) if potential >= 1 else 0.0
    per_unit, scale = size_scale(loaded, iid, potential)
    capex = _effective(item, ov, "capex_usd_per_unit").value
    om_change = _effective(item, ov, "om_change_usd_per_unit_year").value
    if item.capex_scales_with is not None:
        # a case's own capex (or O&M) per unit is its country's figure: taken as given, not scaled again
        if getattr(ov, "capex_usd_per_unit", None) is None:
            capex *= scale
        if item.capex_scales_with.scales_om and getattr(ov, "om_change_usd_per_unit_year", None) is None:
            om_change *= scale
    return Candidate(
        id=iid,
        name=item.name,
        family=lib.family_of[iid],
        phase=_effective(item, ov, "phase"),
        complexity=_effective(item, ov, "complexity"),
        unit=item.unit,
        potential=potential,
        ramp=ramp,
        integer=item.integer_units,
        all_or_nothing=item.all_or_nothing,
        capex=capex,
        fixed_cost=_effective(item, ov, "fixed_cost_usd").value,
        om_change=om_change,
        lifetime=int(_effective(item, ov, "lifetime_years").value),
        lead_time=int(_effective(item, ov, "lead_time_years").value),
        group=item.group,
        prerequisites=list(item.prerequisites),
        co_benefit=item.co_benefit_score.value,
        resilience=item.resilience_score.value,
        resource_per_unit={k: q.value for k, q in item.resource_use_per_unit.items()},
        resource_per_start={k: q.value for k, q in item.resource_use_per_start.items()},
        kpis=list(item.kpis),
        capex_scale=scale,
        activity_per_unit=per_unit,
    )


def size_scale(loaded: LoadedCase, iid: str, potential: float) -> tuple[float | None, float]:
    """(activity per unit, cost scale factor) of an intervention in a case: with ``capex_scales_with``, the
    case's base-year activity of its source / ``potential`` and (that / the reference activity per unit) ^
    exponent; NaN when the case gives no such activity or no potential; (None, 1) without scaling."""
    scaling = loaded.library.interventions[iid].capex_scales_with
    if scaling is None:
        return None, 1.0
    src = loaded.sources.get(scaling.source)
    if src is None or src.activity is None or not potential > 0:
        return float("nan"), float("nan")
    per_unit = src.activity.value / potential
    exponent = scaling.exponent.value if scaling.exponent is not None else 1.0
    return per_unit, (per_unit / scaling.reference_activity_per_unit.value) ** exponent


def scaling_note(loaded: LoadedCase, cand: Candidate) -> str:
    """How the candidate's capex per unit was sized for the case (empty without ``capex_scales_with``)."""
    item = loaded.library.interventions[cand.id]
    scaling = item.capex_scales_with
    if scaling is None or cand.capex_scale != cand.capex_scale:
        return ""
    kind = loaded.library.source_type(scaling.source)
    exponent = scaling.exponent.value if scaling.exponent is not None else 1.0
    override = loaded.case.overrides.interventions.get(cand.id)
    if getattr(override, "capex_usd_per_unit", None) is not None:
        return f"capex per {item.unit} US${cand.capex:,.0f} as the case gives it (not scaled to size)"
    what = "capex and O&M change" if scaling.scales_om else "capex"
    return (
        f"{what} per {item.unit} scaled x{cand.capex_scale:.2f} to size (US${cand.capex:,.0f}; library "
        f"US${item.capex_usd_per_unit.value:,.0f} at {scaling.reference_activity_per_unit.value:,.0f} "
        f"{kind.activity_unit} of {kind.name.lower()} per {item.unit}, here {cand.activity_per_unit:,.0f}, "
        f"exponent {exponent:g})"
    )


def effective_effects(loaded: LoadedCase, iid: str) -> list:
    """The intervention's effects, or the case's replacement list."""
    override = loaded.case.overrides.interventions.get(iid)
    if override is not None and override.effects is not None:
        return list(override.effects)
    return list(loaded.library.interventions[iid].effects)


def applicable_effects(loaded: LoadedCase, iid: str) -> list:
    """Effects on sources the case inventories. A source the case does not list emits nothing there, so an
    effect that reduces it does nothing and is left out (see ``ignored_sources``)."""
    return [eff for eff in effective_effects(loaded, iid) if eff.source in loaded.sources]


def ignored_sources(loaded: LoadedCase, iid: str) -> list[str]:
    return sorted({eff.source for eff in effective_effects(loaded, iid) if eff.source not in loaded.sources})


def activity_change(loaded: LoadedCase, cand: Candidate, eff) -> float:
    """Change in the source's annual activity per active unit (the source's activity unit per unit per year)."""
    if eff.change_per_unit_year is not None:
        return eff.change_per_unit_year.value
    base = loaded.sources[eff.relative_to or eff.source]
    return eff.change_share_of_unit_activity.value * base.activity.value / cand.potential


def _applicability(loaded: LoadedCase, cand: Candidate, financing: list[FinancingSource]) -> str | None:
    """Reason the candidate cannot be used in this case, or None when it can."""
    case, item = loaded.case, loaded.library.interventions[cand.id]
    inventory = loaded.sources
    if cand.id in case.overrides.exclude:
        return "excluded by the case (overrides.exclude)"
    for eff in effective_effects(loaded, cand.id):
        adds = eff.type == "activity" and (eff.change_per_unit_year or eff.change_share_of_unit_activity).value > 0
        if eff.source not in inventory and adds:
            return f"not applicable: it adds activity to source '{eff.source}', which the case inventory does not list"
    if not applicable_effects(loaded, cand.id):
        missing = ", ".join(ignored_sources(loaded, cand.id))
        return f"not applicable: the case inventory has none of its sources ({missing})"
    for eff in applicable_effects(loaded, cand.id):
        src = inventory[eff.source]
        basis = inventory.get(getattr(eff, "relative_to", None) or eff.source)
        if (
            eff.type == "activity"
            and eff.change_share_of_unit_activity is not None
            and (basis is None or basis.activity is None)
        ):
            return (
                f"needs activity data: its effect on '{eff.source}' is a share of the activity of "
                f"'{eff.relative_to or eff.source}', which the case does not give"
            )
        if eff.type == "activity" and src.activity is None:
            return f"needs activity data: the case gives no activity for source '{eff.source}'"
        if eff.type == "activity" and src.price_usd_per_unit is None:
            return f"needs a price: the case gives no price per unit for source '{eff.source}'"
    if cand.potential != cand.potential:
        return f"no potential: the case's facility stock does not count '{item.potential.basis}'"
    if cand.potential <= 0 or cand.ramp <= 0:
        return "no potential: zero units deployable in this country"
    if cand.capex_scale != cand.capex_scale:
        source = item.capex_scales_with.source  # type: ignore[union-attr]
        return (
            f"needs activity data: its capex per unit scales with the activity of '{source}' per unit, which "
            "the case does not give"
        )
    if not cand.start_years:
        return "cannot start in the decision window (phase start years and maturity path)"
    if financing and not cand.financing:
        return "no financing source is eligible to pay for it"
    return None


def _start_years(case, cand: Candidate) -> list[int]:
    phase = next(p for p in case.phases if p.id == cand.phase)
    last = phase.last_start_year if phase.last_start_year is not None else case.decision_window.last_year
    return [
        y
        for y in range(phase.first_start_year, last + 1)
        if case.decision_window.first_year <= y <= case.decision_window.last_year
        and _maturity_allows(case, y, cand.complexity)
    ]


def _coefficients(
    loaded: LoadedCase, cand: Candidate, years: np.ndarray, bau: BauProjection, discount: np.ndarray
) -> None:
    """Per-unit NPV cost, saving and abatement for each build year (fills the candidate in place).

    What an active unit abates, removes and costs to run in a year does not depend on the year it was built: it
    is computed once over the whole axis, and each build year's cohort takes it over the years it is active."""
    effects = applicable_effects(loaded, cand.id)
    y0 = int(years[0])
    per_unit = np.zeros_like(bau.emissions)
    removed = np.zeros_like(bau.emissions)
    running = np.full(len(years), cand.om_change)  # USD per active unit and year
    for eff in effects:
        s = bau.row(eff.source)
        if eff.type == "share":
            per_unit[s] += eff.fraction.value / cand.potential * bau.emissions[s]
        else:
            delta = activity_change(loaded, cand, eff)
            per_unit[s] += -delta * bau.factor[s]
            removed[s] += -delta
            running = running + delta * bau.price[s]
    cand.abatement_when_active, cand.removed_when_active = per_unit, removed
    built = np.array(cand.build_years) - y0  # positions on the axis
    first, end = built + cand.lead_time, built + cand.lead_time + cand.lifetime  # each cohort's active years
    windows = dict(zip(cand.build_years, zip(first.tolist(), end.tolist())))
    cand.abatement, cand.activity_removed = Cohorts(per_unit, windows), Cohorts(removed, windows)
    running_pv = [np.dot(discount[a:b], running[a:b]) for a, b in windows.values()]
    cand.npv_cost_per_unit = dict(zip(cand.build_years, cand.capex * discount[built] + np.array(running_pv)))
    cand.fixed_cost_pv = dict(zip(cand.build_years, cand.fixed_cost * discount[built]))
    cand.saving_per_unit = dict(zip(cand.build_years, (-running[first]).tolist()))
    first = cand.start_years[0]
    saving = cand.saving_per_unit[first]
    outlay = cand.capex + cand.fixed_cost / cand.potential
    if outlay == 0:
        cand.simple_payback_years = 0.0  # nothing to pay back
    else:
        cand.simple_payback_years = outlay / saving if saving > 0 else float("inf")


def prepare(
    loaded: LoadedCase,
    variant_name: str | None = None,
    rebase: Callable[[BauProjection], BauProjection] | None = None,
) -> ModelData:
    """Screen candidates and compute all model coefficients for one variant of a case.

    ``rebase`` (a re-plan: :func:`optimizer.monitoring.replan.anchored_baseline`) changes the BAU projection
    every coefficient is computed from; the target pathway stays the one of the case's own projection."""
    case = loaded.case
    variant_name = variant_name or case.default_variant
    if variant_name not in case.variants:
        from .errors import InputError, Problem

        raise InputError(
            [Problem(str(loaded.path), "variants", variant_name, f"a variant of this case: {sorted(case.variants)}")]
        )
    variant = case.variants[variant_name]
    financing = list(case.budget.financing) + list(variant.additional_financing)
    window = case.decision_window

    candidates: dict[str, Candidate] = {}
    reasons: dict[str, str | None] = {}  # why each candidate is excluded; None: kept
    for iid in loaded.library.interventions:
        cand = make_candidate(loaded, iid)
        cand.start_years = _start_years(case, cand)
        cand.financing = _eligible_financing(financing, iid, cand.family)
        candidates[iid] = cand
    _trim_start_years_to_prerequisites(candidates)
    for iid, cand in candidates.items():
        cand.build_years = list(range(cand.start_years[0], window.last_year + 1)) if cand.start_years else []
        reasons[iid] = _applicability(loaded, cand, financing)

    kept_ids = [i for i in candidates if reasons[i] is None]
    setup = setup_projects(loaded, candidates, reasons, financing) if loaded.projects is not None else None
    last_active = max(
        [case.horizon_end_year]
        + [window.last_year + candidates[i].lead_time + candidates[i].lifetime - 1 for i in kept_ids]
        + ([setup.last_active_year()] if setup is not None else [])
    )
    years = np.arange(case.base_year, last_active + 1)
    roadmap = np.arange(case.base_year, case.horizon_end_year + 1)
    discount = (1.0 + case.discount_rate.value) ** -(years - case.base_year).astype(float)
    bau = planned_bau = project_bau(case, years, loaded.library)
    if rebase is not None:
        bau = rebase(bau)
    for iid in kept_ids:
        _coefficients(loaded, candidates[iid], years, bau, discount)

    screen = case.payback.screen_max_years
    if screen is not None:
        for iid in kept_ids:
            pb = candidates[iid].simple_payback_years
            if pb > screen.value:
                shown = "no net saving" if pb == float("inf") else f"{pb:.1f} years"
                reasons[iid] = f"simple payback {shown} exceeds the screen of {screen.value:g} years"
    _screen_prerequisites(candidates, reasons)
    projects = (
        project_columns(
            setup,
            years,
            case.horizon_end_year,
            bau,
            discount,
            screen.value if screen is not None else None,
            {i for i in candidates if reasons[i] is None},
        )
        if setup is not None
        else None
    )

    bau_roadmap = BauProjection(
        roadmap,
        bau.source_ids,
        *(a[:, : len(roadmap)] for a in (planned_bau.emissions, planned_bau.activity, planned_bau.factor, bau.price)),
    )
    pathway = target_pathway(case, variant, bau_roadmap)
    screening = [
        ScreeningRow(
            id=c.id,
            name=c.name,
            family=c.family,
            phase=c.phase,
            complexity=c.complexity,
            potential_units=c.potential,
            earliest_start=c.start_years[0] if c.start_years else None,
            simple_payback_years=c.simple_payback_years,
            status=ScreeningStatus.KEPT if reasons[c.id] is None else ScreeningStatus.EXCLUDED,
            reason=reasons[c.id] or "passes all screens",
            note="; ".join(n for n in (_ignored_note(loaded, c.id), scaling_note(loaded, c)) if n),
        )
        for c in candidates.values()
    ]
    return ModelData(
        loaded=loaded,
        variant_name=variant_name,
        variant=variant,
        years=years,
        roadmap_years=roadmap,
        decision_years=list(range(window.first_year, window.last_year + 1)),
        bau=bau,
        pathway=pathway,
        target_years=enforced_years(case, variant, pathway),
        candidates={i: c for i, c in candidates.items() if reasons[i] is None},
        screening=screening,
        financing=financing,
        discount=discount,
        projects=projects,
    )


def _trim_start_years_to_prerequisites(candidates: dict[str, Candidate]) -> None:
    """A dependent cannot start before the earliest year its prerequisites can start."""
    changed = True
    while changed:
        changed = False
        for cand in candidates.values():
            for pre in cand.prerequisites:
                earliest = candidates[pre].start_years[0] if candidates[pre].start_years else None
                kept = [y for y in cand.start_years if earliest is not None and y >= earliest]
                if kept != cand.start_years:
                    cand.start_years = kept
                    changed = True


def _ignored_note(loaded: LoadedCase, iid: str) -> str:
    missing = ignored_sources(loaded, iid)
    if not missing or not applicable_effects(loaded, iid):
        return ""
    return f"its effects on {', '.join(missing)} are left out: the case inventory does not list them"


def _screen_prerequisites(candidates: dict[str, Candidate], reasons: dict[str, str | None]) -> None:
    """A candidate whose prerequisite is excluded is excluded too (repeated until nothing changes)."""
    changed = True
    while changed:
        changed = False
        for iid, cand in candidates.items():
            if reasons[iid] is not None:
                continue
            for pre in cand.prerequisites:
                if reasons[pre] is not None:
                    reasons[iid] = f"prerequisite '{pre}' is excluded ({reasons[pre]})"
                    changed = True
                    break
