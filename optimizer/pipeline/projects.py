"""Every candidate project's numbers for the model, computed for all projects at once (no per-project objects).

A project instantiates a library intervention at one facility: ``size`` units of it, all built in the year it
starts. Blank site values take the intervention's per-unit defaults times the size (docs/pipelines.md). The
model's columns are the (project, start year) pairs a project may start in; per column this module gives the
spending, the whole-life net present cost, the first-year saving and the abatement by source and year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .table import READINESS_DELAY_YEARS, ProjectTable, change_column, year_span

if TYPE_CHECKING:
    import pandas as pd

    from ..loading import LoadedCase
    from ..pathway import BauProjection
    from ..prepare import Candidate
    from ..schema import FinancingSource

KEPT = ""
"""The screening reason of a project the model may choose."""


@dataclass
class ProjectSetup:
    """What is known of each project before the year axis: its effective parameters, start years and, for
    those that cannot be used, why. Arrays run over all projects in file order."""

    table: ProjectTable
    source_ids: list[str]
    decision_years: np.ndarray
    size: np.ndarray
    capex: np.ndarray
    fixed_cost: np.ndarray
    om_change: np.ndarray
    lifetime: np.ndarray
    lead_time: np.ndarray
    share: np.ndarray
    """(project, source): fraction of the source's BAU emissions the whole project abates while active."""
    delta: np.ndarray
    """(project, source): change in the source's yearly activity while the project is active (negative: saves)."""
    resource_use: dict[str, np.ndarray]
    """Resource id -> use by the whole project in its start year."""
    starts: np.ndarray
    """(project, decision year) bool: the project may start that year."""
    financing: list[tuple[str, ...]]
    """Financing sources that may pay for each project (empty without financing sources)."""
    reason: np.ndarray
    """Why each project is left out (:data:`KEPT`: it is not)."""
    phase: np.ndarray
    """Its intervention's phase (the phase budget it counts against)."""
    group: np.ndarray
    """Its intervention's library group, or None."""
    potential: np.ndarray
    """Its intervention's national potential (units; NaN where the case gives no facility stock for it)."""
    programme_prerequisites: list[tuple[int, str]] = field(default_factory=list)
    """(project, intervention): the national programme that must start no later than the project (a library
    prerequisite of the project's intervention that the project does not meet with a listed project)."""

    @property
    def frame(self) -> pd.DataFrame:
        return self.table.frame

    def last_active_year(self) -> int:
        """Last year any usable project can be active, if it starts in the last decision year."""
        usable = self.reason == KEPT
        if not usable.any():
            return int(self.decision_years[-1])
        return int(self.decision_years[-1] + (self.lead_time[usable] + self.lifetime[usable]).max() - 1)


def setup_projects(
    loaded: LoadedCase,
    candidates: dict[str, Candidate],
    national_reasons: dict[str, str | None],
    financing: list[FinancingSource],
) -> ProjectSetup:
    """Effective parameters, start years and first screening of the case's projects."""
    from ..prepare import activity_change, applicable_effects

    table: ProjectTable = loaded.projects  # type: ignore[assignment]
    frame = table.frame
    case = loaded.case
    n = len(frame)
    source_ids = [s.id for s in case.sources]
    source_row = {sid: k for k, sid in enumerate(source_ids)}
    inventory = {s.id: s for s in case.sources}
    window = case.decision_window
    decision_years = np.arange(window.first_year, window.last_year + 1)
    interventions = frame["intervention"].to_numpy(dtype=object)
    size = frame["size"].to_numpy(dtype=float)
    reason = np.full(n, KEPT, dtype=object)

    def per_unit(attribute: str) -> np.ndarray:
        return np.array([getattr(candidates[i], attribute) for i in interventions], dtype=float)

    def site_or_default(column: str, default: np.ndarray) -> np.ndarray:
        given = frame[column].to_numpy(dtype=float)
        return np.where(np.isnan(given), default, given)

    # capex and O&M per unit are the candidates' own, already sized to the case's units (capex_scales_with)
    capex = site_or_default("capex_usd", per_unit("capex") * size)
    fixed_cost = site_or_default("fixed_cost_usd", np.zeros(n))
    om_change = site_or_default("om_change_usd_per_year", per_unit("om_change") * size)
    unsized = np.isnan(capex) | np.isnan(om_change)
    reason[unsized] = (
        "its intervention's capex per unit follows the size of the country's units (capex_scales_with), which "
        "the case cannot measure (no activity of that source or no potential): give the project's capex_usd "
        "and om_change_usd_per_year"
    )
    capex, om_change = np.nan_to_num(capex), np.nan_to_num(om_change)
    lifetime = site_or_default("lifetime_years", per_unit("lifetime")).astype(int)
    lead_time = site_or_default("lead_time_years", per_unit("lead_time")).astype(int)

    # effects: the intervention's per unit x size, replaced source by source by the site's activity changes
    share = np.zeros((n, len(source_ids)))
    delta = np.zeros((n, len(source_ids)))
    for iid in np.unique(interventions):
        rows = np.flatnonzero(interventions == iid)
        cand = candidates[iid]
        national = national_reasons.get(iid) or ""
        if national.startswith(("excluded by", "not applicable", "needs")):
            reason[rows] = f"its intervention cannot be used in this case: {national}"
            continue
        for eff in applicable_effects(loaded, iid):
            s = source_row[eff.source]
            if eff.type == "share":
                if not (cand.potential > 0):
                    reason[rows] = (
                        "its effect is a share of the national source per unit of national potential, and the "
                        "case gives no potential for its intervention (facility stock)"
                    )
                share[rows, s] += eff.fraction.value / cand.potential * size[rows]
            else:
                if eff.change_per_unit_year is None and not (cand.potential > 0):
                    reason[rows] = "its activity effect is a share per unit of national potential, which the case lacks"
                    continue
                delta[rows, s] += activity_change(loaded, cand, eff) * size[rows]
    for source in table.change_sources:
        given = frame[change_column(source)].to_numpy(dtype=float)
        sites = np.flatnonzero(~np.isnan(given))
        if source not in source_row or not len(sites):
            continue
        s = source_row[source]
        share[sites, s] = 0.0
        delta[sites, s] = given[sites]
        src = inventory[source]
        if src.activity is None or src.price_usd_per_unit is None:
            missing = "activity" if src.activity is None else "a price_usd_per_unit"
            unusable = sites[delta[sites, s] != 0]
            reason[unusable] = np.where(
                reason[unusable] == KEPT,
                f"needs {missing} for source '{source}', which the case does not give",
                reason[unusable],
            )
    share = np.nan_to_num(share)
    resource_use = _resource_use(candidates, interventions, size)
    starts = _start_years(frame, candidates, interventions, decision_years)
    programme_prerequisites = _programme_prerequisites(frame, candidates, interventions)
    gated = starts.copy()
    _trim_to_prerequisites(starts, _prerequisite_pairs(frame))
    for k in np.flatnonzero((reason == KEPT) & ~starts.any(axis=1)).tolist():
        cand = candidates[interventions[k]]
        phase = next(p.name for p in case.phases if p.id == cand.phase)
        reason[k] = _no_start_reason(frame, k, cand, phase, decision_years, gated[k].any())
    eligible = _eligible_financing(frame, candidates, interventions, financing)
    if financing:
        none = np.array([not e for e in eligible], dtype=bool)
        reason = np.where((reason == KEPT) & none, "no financing source of this variant may pay for it", reason)
    for k, iid in programme_prerequisites:
        if reason[k] == KEPT and national_reasons.get(iid) is not None:
            reason[k] = (
                f"its intervention needs the national programme '{iid}' first, which is not available "
                f"({national_reasons[iid]}); list a prerequisite project of '{iid}' instead"
            )
    return ProjectSetup(
        table=table,
        source_ids=source_ids,
        decision_years=decision_years,
        size=size,
        capex=capex,
        fixed_cost=fixed_cost,
        om_change=om_change,
        lifetime=lifetime,
        lead_time=lead_time,
        share=share,
        delta=delta,
        resource_use=resource_use,
        starts=starts,
        financing=eligible,
        reason=reason.astype(object),
        phase=np.array([candidates[i].phase for i in interventions], dtype=object),
        group=np.array([candidates[i].group for i in interventions], dtype=object),
        potential=np.array([candidates[i].potential for i in interventions], dtype=float),
        programme_prerequisites=programme_prerequisites,
    )


def _resource_use(candidates: dict[str, Candidate], interventions: np.ndarray, size: np.ndarray) -> dict:
    used: dict[str, np.ndarray] = {}
    for iid in np.unique(interventions):
        rows = interventions == iid
        for resource, per_unit in candidates[iid].resource_per_unit.items():
            used.setdefault(resource, np.zeros(len(size)))[rows] = per_unit * size[rows]
    return used


def _start_years(
    frame: pd.DataFrame, candidates: dict[str, Candidate], interventions: np.ndarray, decision_years: np.ndarray
) -> np.ndarray:
    """(project, decision year): the intervention's phase and maturity allow a start, and so do the project's
    readiness and its earliest and latest start."""
    allowed = {iid: np.isin(decision_years, candidates[iid].start_years) for iid in np.unique(interventions)}
    gate = np.stack([allowed[i] for i in interventions]) if len(interventions) else np.zeros((0, len(decision_years)))
    delay = frame["readiness"].map(READINESS_DELAY_YEARS).to_numpy(dtype=float)
    earliest = np.fmax(decision_years[0] + delay, frame["earliest_start"].to_numpy(dtype=float))
    latest = frame["latest_start"].to_numpy(dtype=float)
    latest = np.where(np.isnan(latest), np.inf, latest)
    years = decision_years[None, :]
    return gate.astype(bool) & (years >= earliest[:, None]) & (years <= latest[:, None])


def _no_start_reason(frame: pd.DataFrame, k: int, cand: Candidate, phase: str, years: np.ndarray, gated: bool) -> str:
    """Why project k has no start year, naming the rule and its years (``phase``: the display name of its
    intervention's phase)."""
    if not cand.start_years:
        return (
            f"cannot start in the decision window: its intervention's phase ({phase}) and the maturity path "
            "allow no start year"
        )
    if gated:
        return "cannot start in the decision window: its prerequisite projects cannot start early enough"
    readiness = str(frame["readiness"].iat[k])
    own = [f"readiness {readiness.replace('_', '-')}: from {int(years[0]) + READINESS_DELAY_YEARS[readiness]}"]
    for column, word in (("earliest_start", "earliest start"), ("latest_start", "latest start")):
        value = float(frame[column].to_numpy(dtype=float)[k])
        if value == value:
            own.append(f"{word} {int(value)}")
    allowed = year_span(cand.start_years)
    return (
        f"cannot start in the decision window: its own window ({', '.join(own)}) misses the years its "
        f"intervention's phase ({phase}) and the maturity path allow ({allowed})"
    )


def _prerequisite_pairs(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(dependent, prerequisite) project positions."""
    position = {pid: k for k, pid in enumerate(frame["id"])}
    pairs = [(k, position[p]) for k, pres in enumerate(frame["prerequisites"]) for p in pres]
    if not pairs:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    arr = np.array(pairs, dtype=int)
    return arr[:, 0], arr[:, 1]


def _trim_to_prerequisites(starts: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> None:
    """A project cannot start before the first year its prerequisite projects can (repeated down chains)."""
    dependent, prerequisite = pairs
    if not len(dependent):
        return
    n_years = starts.shape[1]
    for _ in range(len(starts) + 1):
        first = np.where(starts.any(axis=1), starts.argmax(axis=1), n_years)
        bound = np.zeros(len(starts), dtype=int)
        np.maximum.at(bound, dependent, first[prerequisite])
        trimmed = starts & (np.arange(n_years)[None, :] >= bound[:, None])
        if np.array_equal(trimmed, starts):
            return
        starts[:] = trimmed


def _programme_prerequisites(
    frame: pd.DataFrame, candidates: dict[str, Candidate], interventions: np.ndarray
) -> list[tuple[int, str]]:
    """(project, intervention) for each library prerequisite of a project's intervention that none of the
    project's listed prerequisite projects instantiates: the national programme must then come first."""
    of_project = dict(zip(frame["id"], interventions))
    out = []
    for k, (iid, pres) in enumerate(zip(interventions, frame["prerequisites"])):
        for needed in candidates[iid].prerequisites:
            if not any(of_project[p] == needed for p in pres):
                out.append((k, needed))
    return out


def _eligible_financing(
    frame: pd.DataFrame, candidates: dict[str, Candidate], interventions: np.ndarray, sources: list[FinancingSource]
) -> list[tuple[str, ...]]:
    """A project's own list of financing sources (those of this variant), or its intervention's."""
    available = [f.id for f in sources]
    out = []
    for iid, listed in zip(interventions, frame["financing"]):
        if listed:
            out.append(tuple(f for f in available if f in listed))
        else:
            out.append(tuple(candidates[iid].financing))
    return out


@dataclass
class ProjectData:
    """The usable projects as the model sees them: per project (``kept`` order) and per column (a project
    and a year it may start)."""

    setup: ProjectSetup
    kept: np.ndarray
    """Positions (in the project table) of the projects the model may choose."""
    col_project: np.ndarray
    """Per column: position in ``kept``."""
    col_year: np.ndarray
    """Per column: the start year."""
    spend: np.ndarray
    """Per column: capex plus one-off costs, paid in the start year; USD."""
    npv_cost: np.ndarray
    """Per column: whole-life net present cost (base-year USD)."""
    saving: np.ndarray
    """Per column: first-year net saving; USD per year."""
    cumulative_abatement: np.ndarray
    """Per column: tCO2e abated over the roadmap years from the first decision year."""
    years: np.ndarray
    emissions: np.ndarray
    factor: np.ndarray
    simple_payback_years: np.ndarray
    """Per project of the table (NaN where not computed)."""
    classes: list[tuple[str, ...]] = field(default_factory=list)
    """Distinct sets of eligible financing sources; ``col_class`` indexes them."""
    col_class: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    first_active: np.ndarray = field(init=False)
    """Per column: first year the project is active."""
    end_active: np.ndarray = field(init=False)
    """Per column: first year it is no longer active."""

    @property
    def n_columns(self) -> int:
        return len(self.col_year)

    @property
    def frame(self) -> pd.DataFrame:
        return self.setup.frame

    def kept_values(self, array: np.ndarray) -> np.ndarray:
        """A per-project array of the setup, in ``kept`` order."""
        return array[self.kept]

    def column_values(self, array: np.ndarray) -> np.ndarray:
        """A per-project array of the setup, per column."""
        return array[self.kept][self.col_project]

    def column_ids(self) -> list[str]:
        """Per column: the project's id."""
        return self.setup.frame["id"].to_numpy(dtype=object)[self.kept][self.col_project].tolist()

    def kept_column(self, name: str) -> np.ndarray:
        """A column of the project table, per column of the model."""
        return self.setup.frame[name].to_numpy(dtype=object)[self.kept][self.col_project]

    def __post_init__(self) -> None:
        self.first_active = self.col_year + self.column_values(self.setup.lead_time)
        self.end_active = self.first_active + self.column_values(self.setup.lifetime)
        self._share, self._delta = self.setup.share[self.kept], self.setup.delta[self.kept]

    @cached_property
    def col_group(self) -> np.ndarray:
        """Per column: the library group of its intervention with a national potential to share (None
        otherwise)."""
        group = self.column_values(self.setup.group).copy()
        group[~np.isfinite(self.column_values(self.setup.potential))] = None
        return group

    def tonnes(self, cols: np.ndarray, discount: np.ndarray | None = None) -> np.ndarray:
        """Per given column: tCO2e abated over its whole life (each year's tonnes times ``discount`` of that
        year, when given)."""
        weight = np.ones(len(self.years)) if discount is None else discount
        e_prefix, f_prefix = _prefix(self.emissions * weight), _prefix(self.factor * weight)
        y0 = int(self.years[0])
        a = self.first_active[cols] - y0
        b = np.minimum(self.end_active[cols] - y0, len(self.years))
        p = self.col_project[cols]
        return (self._share[p] * (e_prefix[:, b] - e_prefix[:, a]).T).sum(axis=1) - (
            self._delta[p] * (f_prefix[:, b] - f_prefix[:, a]).T
        ).sum(axis=1)

    def active(self, year: int) -> np.ndarray:
        return (self.first_active <= year) & (year < self.end_active)

    def abatement_by_source(self, year: int) -> np.ndarray:
        """(column, source): tCO2e abated in ``year``."""
        k = int(year - self.years[0])
        per_project = self._share * self.emissions[:, k] - self._delta * self.factor[:, k]
        return per_project[self.col_project] * self.active(year)[:, None]

    def abatement(self, year: int) -> np.ndarray:
        """Per column: tCO2e abated in ``year`` over all sources."""
        return self.abatement_by_source(year).sum(axis=1)

    def activity_removed(self, year: int, source_row: int) -> np.ndarray:
        """Per column: activity of one source removed in ``year`` (its activity unit)."""
        return -self._delta[self.col_project, source_row] * self.active(year)

    def abatement_matrix(self, columns: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """(source, year of the axis): tCO2e abated by the given columns (each times its weight)."""
        weights = np.ones(len(columns)) if weights is None else weights
        out = np.zeros_like(self.emissions)
        share, delta = self._share, self._delta
        for col, w in zip(columns.tolist(), weights.tolist()):
            p = self.col_project[col]
            a = int(self.first_active[col] - self.years[0])
            b = min(int(self.end_active[col] - self.years[0]), len(self.years))
            out[:, a:b] += w * (share[p][:, None] * self.emissions[:, a:b] - delta[p][:, None] * self.factor[:, a:b])
        return out


def _prefix(values: np.ndarray) -> np.ndarray:
    """Prefix sums along the last axis with a leading zero (sum over [a, b) = P[b] - P[a])."""
    pad = [(0, 0)] * (values.ndim - 1) + [(1, 0)]
    return np.pad(np.cumsum(values, axis=-1), pad)


def project_columns(
    setup: ProjectSetup,
    years: np.ndarray,
    roadmap_end: int,
    bau: BauProjection,
    discount: np.ndarray,
    screen_max_years: float | None,
    national_kept: set[str],
) -> ProjectData:
    """Per-column coefficients over the year axis; the payback screen applied (``national_kept``: the national
    programmes in the model, which a project's library prerequisite may need)."""
    price = np.nan_to_num(bau.price)
    delta, share = setup.delta, setup.share
    y0 = int(years[0])
    n_years = len(years)
    first_decision = int(setup.decision_years[0])

    # simple payback at each project's earliest start (as for national programmes)
    first_col = setup.starts.argmax(axis=1)
    first_active = setup.decision_years[first_col] + setup.lead_time
    k_first = np.clip(first_active - y0, 0, n_years - 1)
    running_first = setup.om_change + (delta * price[:, k_first].T).sum(axis=1)
    saving_first = -running_first
    outlay = setup.capex + setup.fixed_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        payback = np.where(outlay == 0, 0.0, np.where(saving_first > 0, outlay / saving_first, np.inf))
    reason = setup.reason.copy()
    if screen_max_years is not None:
        late = (reason == KEPT) & (payback > screen_max_years)
        shown = np.where(
            np.isinf(payback), "no net saving", np.char.mod("%.1f years", np.where(np.isinf(payback), 0, payback))
        )
        reason[late] = [f"simple payback {s} exceeds the screen of {screen_max_years:g} years" for s in shown[late]]
    for k, iid in setup.programme_prerequisites:
        if reason[k] == KEPT and iid not in national_kept:
            reason[k] = (
                f"its intervention needs the national programme '{iid}' first, which is screened out; list a "
                f"prerequisite project of '{iid}' instead"
            )
    _screen_prerequisites(setup.frame, reason)
    setup.reason = reason
    kept = np.flatnonzero(reason == KEPT)
    proj, col = np.nonzero(setup.starts[kept])
    col_year = setup.decision_years[col]
    lead, life = setup.lead_time[kept][proj], setup.lifetime[kept][proj]
    a = col_year + lead - y0
    b = np.minimum(a + life, n_years)
    start_k = col_year - y0

    discounted = _prefix(discount)
    discounted_price = _prefix(discount[None, :] * price)
    om = setup.om_change[kept][proj]
    d = delta[kept][proj]
    running_pv = om * (discounted[b] - discounted[a]) + (d * (discounted_price[:, b] - discounted_price[:, a]).T).sum(
        axis=1
    )
    spend = (setup.capex + setup.fixed_cost)[kept][proj]
    npv_cost = spend * discount[start_k] + running_pv
    saving = -(om + (d * price[:, np.clip(a, 0, n_years - 1)].T).sum(axis=1))

    lo = np.maximum(a, first_decision - y0)
    hi = np.minimum(b, roadmap_end - y0 + 1)
    hi = np.maximum(hi, lo)
    e_prefix, f_prefix = _prefix(bau.emissions), _prefix(bau.factor)
    cumulative = (share[kept][proj] * (e_prefix[:, hi] - e_prefix[:, lo]).T).sum(axis=1) - (
        d * (f_prefix[:, hi] - f_prefix[:, lo]).T
    ).sum(axis=1)

    eligible = [setup.financing[k] for k in kept]
    classes = sorted(set(eligible))
    class_of = {c: j for j, c in enumerate(classes)}
    col_class = np.array([class_of[eligible[p]] for p in proj.tolist()], dtype=int) if len(proj) else np.zeros(0, int)
    return ProjectData(
        setup=setup,
        kept=kept,
        col_project=proj,
        col_year=col_year,
        spend=spend,
        npv_cost=npv_cost,
        saving=saving,
        cumulative_abatement=cumulative,
        years=years,
        emissions=bau.emissions,
        factor=np.nan_to_num(bau.factor),
        simple_payback_years=payback,
        classes=classes,
        col_class=col_class,
    )


def _screen_prerequisites(frame: pd.DataFrame, reason: np.ndarray) -> None:
    """A project whose prerequisite project is left out is left out too (down chains)."""
    position = {pid: k for k, pid in enumerate(frame["id"])}
    changed = True
    while changed:
        changed = False
        for k, pres in enumerate(frame["prerequisites"]):
            if reason[k] != KEPT or not pres:
                continue
            for p in pres:
                if reason[position[p]] != KEPT:
                    reason[k] = f"its prerequisite project '{p}' is left out ({reason[position[p]]})"
                    changed = True
                    break
