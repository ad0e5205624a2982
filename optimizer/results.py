"""Step 5-6 of the evidence chain as data: one :class:`Result` with tidy DataFrames and a summary."""

from __future__ import annotations

import functools
import json
import math
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import numpy as np
import pandas as pd

from .model.limits import shortfall_ledger
from .outputs import output_folder
from .pipeline.ranking import (
    chosen_columns,
    pipeline_table,
    project_figures,
    project_phase_spend,
    project_region_spend,
    project_spend_by_year,
)
from .pipeline.room import PlanUse
from .prepare import Candidate, ModelData, ScreeningRow, ScreeningStatus

if TYPE_CHECKING:
    from .driver import SolveOutcome

ROUND = 1e-6
CSV_FLOAT_FORMAT = "%.10g"
"""CSV numbers carry 10 significant digits (no 125.99999999999999 from floating-point noise)."""
UNIT_DECIMALS = 6
"""Units built are reported to 6 decimals (solver tolerances make the 7th onwards noise)."""


class EmissionsByYear(TypedDict):
    bau: dict[int, float]
    target: dict[int, float]
    optimised: dict[int, float]


class ModelSize(TypedDict):
    variables: int
    constraints: int
    binaries: int


class WarningRecord(TypedDict):
    file: str
    path: str
    value: str
    warning: str


class Metadata(TypedDict):
    versions: dict[str, str]
    input_sha256: str
    case_file: str
    library: str
    created_utc: str


class Tolerance(TypedDict):
    usd: float | None
    tco2e: float | None


class ProjectCounts(TypedDict):
    candidates: int
    usable: int
    selected: int
    capex_usd: float
    npv_usd: float


class Summary(TypedDict):
    """``Result.summary`` and ``summary.json``: every key, with its type (money in USD, emissions in tCO2e)."""

    case: str
    country: str
    """ISO3 code."""
    variant: str
    status: str
    """optimal | time_limit | iteration_limit | interrupted."""
    objective: str
    """The objective kind (:class:`optimizer.model.objective.ObjectiveKind`)."""
    objective_value: float
    best_bound: float
    mip_gap: float
    tolerance: Tolerance
    """How close to the best possible the plan is guaranteed to be, in dollars of net present cost and tonnes
    (of shortfall for min_cost, of abatement for max_abatement); null where the objective is not in those
    units (weighted)."""
    npv_usd: float
    total_shortfall_tco2e: float
    capex_usd_by_year: dict[int, float]
    spend_usd_by_year: dict[int, float]
    emissions_tco2e_by_year: EmissionsByYear
    shortfall_tco2e_by_year: dict[int, float]
    target_years: list[int]
    final_year: int
    """The year the plan is judged by: the last enforced target year, or the horizon end."""
    selected_interventions: list[str]
    candidates_kept: int
    candidates_excluded: int
    projects: ProjectCounts | None
    """Pipeline projects: how many, how many the model may choose, how many it chose, their capex and NPV; null
    without a pipeline."""
    model_size: ModelSize
    warnings: list[WarningRecord]
    metadata: Metadata


@dataclass
class Result:
    """Everything a solve returns. Tables are tidy: one row per observation, units in column names."""

    portfolio: pd.DataFrame
    schedule: pd.DataFrame
    trajectory: pd.DataFrame
    pathway: pd.DataFrame
    finance: pd.DataFrame
    screening: pd.DataFrame
    summary: Summary
    timings: dict = field(default_factory=dict)
    data: ModelData | None = field(default=None, repr=False)
    pipeline: pd.DataFrame | None = None
    """Every pipeline project ranked (:func:`optimizer.pipeline.ranking.pipeline_table`); None without a
    pipeline."""

    TABLES = ("portfolio", "schedule", "trajectory", "pathway", "finance", "screening")

    @property
    def final_year(self) -> int:
        """The year the plan is judged by (:attr:`optimizer.prepare.ModelData.final_year`)."""
        return int(self.summary["final_year"])

    @property
    def final_year_emissions_tco2e(self) -> float:
        """Optimised emissions in :attr:`final_year`; tCO2e."""
        return float(self.pathway.set_index("year").loc[self.final_year, "optimised_tco2e"])

    @property
    def net_present_cost_usd(self) -> float:
        """Whole-life net present cost of the portfolio (minus its NPV); USD."""
        return _net_present_cost(self.portfolio["npv_usd"])

    def full_summary(self) -> dict:
        out = dict(self.summary)
        out.update({k: round(v, 6) for k, v in self.timings.items()})
        return out

    def save(self, out_dir: Path | str, force: bool = False) -> Path:
        """Write every table as CSV plus ``summary.json`` into ``out_dir``, all files or none.

        The folder appears whole (:func:`optimizer.outputs.output_folder`): a previous result there is
        replaced whole, a folder holding other files is refused unless ``force``."""
        out_dir = Path(out_dir)
        with output_folder(out_dir, kind="result", force=force) as staging:
            self.write_tables(staging)
        return out_dir

    def write_tables(self, folder: Path) -> None:
        """Every table as CSV (``pipeline.csv`` too when the case has a pipeline) and ``summary.json``."""
        for name in self.TABLES:
            getattr(self, name).to_csv(folder / f"{name}.csv", index=False, float_format=CSV_FLOAT_FORMAT)
        if self.pipeline is not None:
            self.pipeline.to_csv(folder / "pipeline.csv", index=False, float_format=CSV_FLOAT_FORMAT)
        (folder / "summary.json").write_text(json.dumps(_jsonable(self.full_summary()), indent=2) + "\n")


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def _clean(x: float) -> float:
    return 0.0 if abs(x) < ROUND else float(x)


def _total(values) -> float:
    """The sum of a column of numbers as pandas gives it (NaN skipped, numpy's order of summation)."""
    return float(np.nansum(np.asarray(values, dtype=float)))


def _net_present_cost(npv_usd) -> float:
    """Whole-life net present cost of the programmes whose NPVs are ``npv_usd``; USD."""
    return -_total(npv_usd) if len(npv_usd) else 0.0


def read_solution(m, data: ModelData):
    """Variable values as plain dicts, with integrality noise removed (:func:`read_builds`): units built, starts,
    payments and the shortfall by enforced year."""
    build, start = read_builds(m, data)
    return build, start, read_payments(m), read_shortfall(m, data)


def read_builds(m, data: ModelData) -> tuple[dict[tuple[str, int], float], dict[tuple[str, int], int]]:
    """Units built and starts by (intervention, year), with integrality noise removed: starts rounded, and units
    built without a start (allowed only by a start within HiGHS's integrality tolerance, e.g. 1e-7) are zero."""
    start = {(i, y): round(m.start[i, y].value or 0.0) for (i, y) in m.start_index_set}
    first_start = {}
    for (i, y), s in start.items():
        if s and y < first_start.get(i, y + 1):
            first_start[i] = y
    build = {}
    for i, y in m.build_index_set:
        v = (m.build[i, y].value or 0.0) if y >= first_start.get(i, y + 1) else 0.0
        build[i, y] = float(round(v)) if data.candidates[i].integer else _clean(round(v, UNIT_DECIMALS))
    return build, start


def read_payments(m) -> dict[tuple[str, int, str], float]:
    """USD paid by (intervention, year, financing source); the pipeline projects' under :data:`PROJECTS`."""
    pay = {(i, y, f): _clean(m.pay[i, y, f].value or 0.0) for (i, y, f) in m.financing_index_set}
    for k, y, f in getattr(m, "project_financing_index_set", []):
        pay[PROJECTS, y, f] = pay.get((PROJECTS, y, f), 0.0) + _clean(m.pay_projects[k, y, f].value or 0.0)
    return pay


def read_shortfall(m, data: ModelData) -> dict[int, float]:
    """tCO2e above the pathway by enforced year (:func:`optimizer.model.limits.shortfall_ledger`)."""
    return {t: _clean(v) for t, v in shortfall_ledger(m, data).items()}


def plan_abatement(data: ModelData, build: dict, project_values: np.ndarray) -> np.ndarray:
    """tCO2e abated by source (row) and year of the extended axis: the programmes' units built and the chosen
    projects."""
    abated = np.zeros((len(data.bau.source_ids), len(data.years)))
    for (i, y), units in build.items():
        if units:
            data.candidates[i].abatement.add_to(abated, y, units)
    if data.projects is not None:
        abated += data.projects.abatement_matrix(chosen_columns(data.projects, project_values))
    return abated


PROJECTS = "<pipeline projects>"
"""The key under which payments for pipeline projects are read (by year and financing source)."""


def extract_result(m, data: ModelData, outcome) -> Result:
    """Every table and the summary of the plan loaded in ``m`` (a Pyomo model or a row model)."""
    build, start, pay, shortfall = read_solution(m, data)
    n_years = len(data.roadmap_years)
    project_values = getattr(m, "project_values", np.zeros(0))
    abated = plan_abatement(data, build, project_values)
    trajectory = _trajectory(data, abated[:, :n_years])
    pathway = _pathway(data, abated, shortfall)
    schedule = _schedule(data, build, start, n_years)
    portfolio = _portfolio(data, build, start, pay)
    finance = _finance(data, build, start, pay, project_values)
    screening = _screening(data, portfolio, sum(shortfall.values()), m.objective_kind)
    pipeline = (
        pipeline_table(
            data,
            project_values,
            m.objective_kind,
            sum(shortfall.values()),
            _plan_use(data, build, pay, project_values, finance),
        )
        if data.projects is not None
        else None
    )
    summary = _summary(m, data, outcome, portfolio, pathway, finance, build, shortfall, pipeline, project_values)
    return Result(portfolio, schedule, trajectory, pathway, finance, screening, summary, data=data, pipeline=pipeline)


@dataclass
class Pick:
    """A programme or pipeline project a plan selects, as a sweep records it."""

    intervention: str
    family: str
    start_year: int
    units: float
    capex_usd: float
    abatement_target_year_tco2e: float
    """tCO2e it abates in the final year (:attr:`ScenarioResult.final_year`)."""
    project: str | None = None
    """The project's id (None: a national programme)."""


@dataclass
class ScenarioResult:
    """What a sweep and the tornado read of one solve, computed without the tables of a full :class:`Result`
    (each figure is the full Result's: the same functions compute both)."""

    status: str
    objective_value: float
    npv_usd: float
    """As ``Result.summary["npv_usd"]``: the programmes' and the chosen projects'."""
    net_present_cost_usd: float
    """As ``Result.net_present_cost_usd``: the programmes'."""
    total_shortfall_tco2e: float
    spend_usd: float
    """Capex plus programme and one-off costs over the decision years, projects included."""
    final_year: int
    final_year_emissions_tco2e: float
    emissions_by_year_tco2e: dict[int, float]
    """The plan's emissions (tCO2e) in every roadmap year: the optimised trajectory."""
    programmes: list[Pick]
    """The selected programmes, in the portfolio's order."""
    projects: list[Pick]
    """The chosen pipeline projects, in the ranking's order."""
    timings: dict = field(default_factory=dict)


def extract_scenario(m, data: ModelData, outcome: SolveOutcome) -> ScenarioResult:
    """The figures of :class:`ScenarioResult` of the plan loaded in ``m`` (the sweep's lean reading)."""
    build, start = read_builds(m, data)
    project_values = getattr(m, "project_values", np.zeros(0))
    programmes = _programmes(data, build, start)
    npv = [-p.net_present_cost_usd for p in programmes]
    projects, project_npv = _chosen_projects(data, project_values)
    _, optimised = _emissions(data, plan_abatement(data, build, project_values))
    return ScenarioResult(
        status=outcome.status,
        objective_value=outcome.objective_value,
        npv_usd=_total(npv) + _total(project_npv),
        net_present_cost_usd=_net_present_cost(npv),
        total_shortfall_tco2e=_total_shortfall(data, read_shortfall(m, data)),
        spend_usd=float(sum(_spend_by_year(data, build, start, project_values).values())),
        final_year=data.final_year,
        final_year_emissions_tco2e=float(optimised[data.final_year - int(data.roadmap_years[0])]),
        emissions_by_year_tco2e={int(t): float(e) for t, e in zip(data.roadmap_years, optimised)},
        programmes=[p.pick() for p in programmes],
        projects=projects,
    )


def _chosen_projects(data: ModelData, values: np.ndarray) -> tuple[list[Pick], np.ndarray]:
    """The chosen pipeline projects in the ranking's order, and their NPVs (USD), as the ranking gives them
    (:func:`optimizer.pipeline.ranking.pipeline_table`)."""
    if data.projects is None:
        return [], np.zeros(0)
    figures = project_figures(data, values)
    rows = figures.chosen_in_rank_order()
    final = data.final_year
    pd_ = data.projects
    abatement = figures.per_project(pd_.abatement(final)) if final in data.target_years else np.zeros(len(pd_.frame))
    ids, interventions = pd_.frame["id"].tolist(), pd_.frame["intervention"].tolist()
    picks = [
        Pick(
            intervention=interventions[r],
            family=data.loaded.library.family_of[interventions[r]],
            start_year=int(figures.start_year[r]),
            units=float(pd_.setup.size[r]),
            capex_usd=float(pd_.setup.capex[r]),
            abatement_target_year_tco2e=float(abatement[r]) or 0.0,
            project=ids[r],
        )
        for r in rows.tolist()
    ]
    return picks, -figures.npc[rows]


def _trajectory(data: ModelData, abated: np.ndarray) -> pd.DataFrame:
    lib = data.loaded.library
    rows = []
    for s, sid in enumerate(data.bau.source_ids):
        scope = lib.source_type(sid).scope
        for k, t in enumerate(data.roadmap_years):
            bau = data.bau.emissions[s, k]
            rows.append((int(t), sid, scope, bau, bau - abated[s, k], abated[s, k]))
    return pd.DataFrame(rows, columns=["year", "source", "scope", "bau_tco2e", "optimised_tco2e", "abatement_tco2e"])


def _emissions(data: ModelData, abated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BAU and optimised emissions by roadmap year (tCO2e), from the plan's abatement (:func:`plan_abatement`)."""
    n_years = len(data.roadmap_years)
    bau = data.bau.emissions[:, :n_years].sum(axis=0)
    return bau, bau - abated[:, :n_years].sum(axis=0)


def _total_shortfall(data: ModelData, shortfall: dict) -> float:
    """tCO2e of shortfall over the enforced years (in roadmap-year order)."""
    enforced = set(data.target_years)
    return _total([shortfall.get(int(t), 0.0) for t in data.roadmap_years if int(t) in enforced])


def _pathway(data: ModelData, abated: np.ndarray, shortfall: dict) -> pd.DataFrame:
    bau, opt = _emissions(data, abated)
    enforced = set(data.target_years)
    return pd.DataFrame(
        {
            "year": data.roadmap_years.astype(int),
            "bau_tco2e": bau,
            "target_tco2e": data.pathway.to_numpy(),
            "optimised_tco2e": opt,
            "enforced": [int(t) in enforced for t in data.roadmap_years],
            "shortfall_tco2e": [shortfall.get(int(t), 0.0) for t in data.roadmap_years],
        }
    )


def _schedule(data: ModelData, build: dict, start: dict, n_years: int) -> pd.DataFrame:
    rows = []
    selected = _selected(build, start)
    cohorts: dict[str, list[tuple[int, float]]] = {i: [] for i in selected}
    for (i, y), u in build.items():
        if i in cohorts and u:
            cohorts[i].append((y, u))
    for i in selected:
        c = data.candidates[i]
        abated = sum((c.abatement[y][:, :n_years].sum(axis=0) * u for y, u in cohorts[i]), np.zeros(n_years))
        for k, t in enumerate(data.roadmap_years):
            t = int(t)
            built = build.get((i, t), 0.0)
            started = start.get((i, t), 0)
            active = sum(u for y, u in cohorts[i] if t in c.active_years(y))
            abatement = float(abated[k])
            if built or started or active or abatement:
                rows.append(
                    (
                        i,
                        t,
                        bool(started),
                        built,
                        active,
                        built * c.capex,
                        started * c.fixed_cost,
                        built * c.capex + started * c.fixed_cost,
                        abatement,
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "intervention",
            "year",
            "starts",
            "units_built",
            "units_active",
            "capex_usd",
            "fixed_cost_usd",
            "spend_usd",
            "abatement_tco2e",
        ],
    )


def _selected(build: dict, start: dict) -> list[str]:
    """The interventions the plan builds or starts, by id."""
    return sorted({i for (i, _), u in build.items() if u} | {i for (i, _), s in start.items() if s})


@dataclass
class Programme:
    """A programme the plan selects: its cohorts and starts, and the figures both a :class:`Result`'s portfolio
    and a :class:`ScenarioResult` give."""

    candidate: Candidate
    built: list[tuple[int, float]]
    """(build year, units) for every build year, zeros included."""
    started: list[int]
    units: float
    capex_usd: float
    net_present_cost_usd: float
    abatement_target_year_tco2e: float

    @property
    def start_year(self) -> int | None:
        return min(self.started) if self.started else None

    def pick(self) -> Pick:
        c, start = self.candidate, self.start_year
        if start is None:  # a selected programme starts (the start-build link)
            raise ValueError(f"{c.id} is built without a start")
        return Pick(
            c.id, c.family, start, float(self.units), float(self.capex_usd), float(self.abatement_target_year_tco2e)
        )


def _programmes(data: ModelData, build: dict, start: dict) -> list[Programme]:
    """The selected programmes in portfolio order: by start year, then id."""
    cohorts: dict[str, list[tuple[int, float]]] = {}
    for (i, y), u in build.items():
        cohorts.setdefault(i, []).append((y, u))
    starts: dict[str, list[int]] = {}
    for (i, y), s in start.items():
        if s:
            starts.setdefault(i, []).append(y)
    k = data.year_index(data.final_year)
    out = []
    for i in _selected(build, start):
        c, built, started = data.candidates[i], cohorts.get(i, []), starts.get(i, [])
        units = sum(u for _, u in built)
        npc = sum(c.npv_cost_per_unit[y] * u for y, u in built) + sum(c.fixed_cost_pv[y] for y in started)
        target_year_abatement = sum(float(c.abatement.in_year(y, k).sum()) * u for y, u in built)
        out.append(Programme(c, built, started, units, units * c.capex, npc, target_year_abatement))
    return sorted(out, key=lambda p: (p.start_year is None, p.start_year or 0, p.candidate.id))


def _portfolio(data: ModelData, build, start, pay) -> pd.DataFrame:
    first = data.year_index(data.decision_years[0])
    last = data.year_index(int(data.roadmap_years[-1]))
    paid_by: dict[str, set] = {}
    for (i, _, f), v in pay.items():
        if v > 0:
            paid_by.setdefault(i, set()).add(f)
    rows = []
    for p in _programmes(data, build, start):
        c, built, units, capex, npc = p.candidate, p.built, p.units, p.capex_usd, p.net_present_cost_usd
        fixed = c.fixed_cost if p.started else 0.0
        saving = sum(c.saving_per_unit[y] * u for y, u in built)
        lifetime_abatement = sum(float(c.abatement[y].sum()) * u for y, u in built)
        horizon_abatement = sum(float(c.abatement[y][:, first : last + 1].sum()) * u for y, u in built)
        rows.append(
            {
                "intervention": c.id,
                "name": c.name,
                "family": c.family,
                "phase": c.phase,
                "complexity": c.complexity,
                "start_year": p.start_year,
                "units": units,
                "unit": c.unit,
                "potential_units": c.potential,
                "deployment_share": units / c.potential,
                "capex_usd": capex,
                "fixed_cost_usd": fixed,
                "npv_usd": -npc,
                "first_year_saving_usd": saving,
                "simple_payback_years": (capex + fixed) / saving if saving > 0 else float("inf"),
                "target_year": data.final_year,
                "abatement_target_year_tco2e": p.abatement_target_year_tco2e,
                "abatement_horizon_tco2e": horizon_abatement,
                "abatement_lifetime_tco2e": lifetime_abatement,
                "cost_per_tco2e_usd": npc / lifetime_abatement if lifetime_abatement > 0 else float("nan"),
                "financing_sources": ";".join(sorted(paid_by.get(c.id, set()))),
                "kpis": "; ".join(c.kpis),
            }
        )
    columns = [
        "intervention",
        "name",
        "family",
        "phase",
        "complexity",
        "start_year",
        "units",
        "unit",
        "potential_units",
        "deployment_share",
        "capex_usd",
        "fixed_cost_usd",
        "npv_usd",
        "first_year_saving_usd",
        "simple_payback_years",
        "target_year",
        "abatement_target_year_tco2e",
        "abatement_horizon_tco2e",
        "abatement_lifetime_tco2e",
        "cost_per_tco2e_usd",
        "financing_sources",
        "kpis",
    ]
    return pd.DataFrame(rows, columns=columns)


def _spend_by_year(data: ModelData, build: dict, start: dict, project_values: np.ndarray) -> dict[int, float]:
    """Capex plus programme and one-off costs by decision year, projects included; USD."""
    spend = project_spend_by_year(data, project_values)
    for (i, y), u in build.items():
        spend[y] += u * data.candidates[i].capex
    for (i, y), s in start.items():
        spend[y] += s * data.candidates[i].fixed_cost
    return spend


def _finance(data: ModelData, build, start, pay, project_values: np.ndarray) -> pd.DataFrame:
    spend = _spend_by_year(data, build, start, project_values)
    total = data.case.budget.total_usd_by_year
    rows = [("year", str(y), "all", spend[y], total.by_year[y] if total else float("nan")) for y in data.decision_years]
    paid: dict[tuple[str, int], list[float]] = {}
    for (_, y, f), v in pay.items():
        paid.setdefault((f, y), []).append(v)
    for fin in data.financing:
        for y in data.decision_years:
            rows.append(
                ("year", str(y), fin.id, sum(paid.get((fin.id, y), [])), fin.envelope_usd_by_year.by_year.get(y, 0.0))
            )
    for ph in data.case.phases:
        members = {i for i, c in data.candidates.items() if c.phase == ph.id}
        used = sum(u * data.candidates[i].capex for (i, _), u in build.items() if i in members) + sum(
            s * data.candidates[i].fixed_cost for (i, _), s in start.items() if i in members
        )
        used += project_phase_spend(data, project_values, ph.id)
        rows.append(("phase", ph.id, "all", used, ph.budget_usd.value if ph.budget_usd else float("nan")))
    for region, series in data.case.budget.regional_usd_by_year.items():
        by_year = project_region_spend(data, project_values, region)
        rows += [("year", str(y), f"region: {region}", by_year[y], series.by_year[y]) for y in data.decision_years]
    frame = pd.DataFrame(rows, columns=["period_type", "period", "financing_source", "spend_usd", "envelope_usd"])
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["utilisation"] = np.where(frame["envelope_usd"] > 0, frame["spend_usd"] / frame["envelope_usd"], np.nan)
    return frame


def unit_cost_per_tonne(c) -> float:
    """Whole-life net present cost per tonne abated of one unit built at the earliest start (USD/tCO2e;
    negative = saves money); NaN when a unit abates nothing."""
    if not c.build_years:
        return float("nan")
    y = c.build_years[0]
    tonnes = float(c.abatement[y].sum())
    cost = c.npv_cost_per_unit[y] + c.fixed_cost_pv[y] / c.potential
    return cost / tonnes if tonnes > 0 else float("nan")


def _not_selected_reason(cost_per_t: float, objective: str, shortfall: float) -> str:
    if cost_per_t != cost_per_t:
        return "not selected: abates nothing over its life in this case"
    held_back = "held back by the plan's limits (budgets, financing, payback rule, resources, ramp, groups)"
    if objective == "min_cost" and cost_per_t > 0 and shortfall <= 0:
        return f"not selected: costs US${cost_per_t:,.0f} per tCO2e and the pathway is met without it"
    if cost_per_t <= 0:
        return f"not selected although it saves US${-cost_per_t:,.0f} per tCO2e: {held_back}"
    return f"not selected at US${cost_per_t:,.0f} per tCO2e: {held_back}"


def _screening(data: ModelData, portfolio: pd.DataFrame, shortfall: float, objective: str) -> pd.DataFrame:
    chosen = set(portfolio["intervention"])
    rows = []
    for row in data.screening:
        record = dict(row.__dict__)
        record["intervention"] = record.pop("id")
        cost = unit_cost_per_tonne(data.candidates[row.id]) if row.id in data.candidates else np.nan
        selected = row.id in chosen
        if selected:
            record["reason"] = "passes all screens; selected"
        elif row.status is ScreeningStatus.KEPT:
            record["reason"] = _not_selected_reason(cost, objective, shortfall)
        rows.append({**record, "cost_per_tco2e_usd": cost, "selected": selected})
    columns = (
        ["intervention"]
        + [k for k in ScreeningRow.__dataclass_fields__ if k != "id"]
        + ["cost_per_tco2e_usd", "selected"]
    )
    return pd.DataFrame(rows, columns=columns)


def _versions() -> dict:
    return dict(_installed_versions())


@functools.lru_cache(maxsize=1)
def _installed_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("noregret", "pyomo", "highspy", "pandas", "numpy", "pydantic"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _summary(
    m,
    data: ModelData,
    outcome,
    portfolio: pd.DataFrame,
    pathway: pd.DataFrame,
    finance: pd.DataFrame,
    build: dict,
    shortfall: dict,
    pipeline: pd.DataFrame | None,
    project_values: np.ndarray,
) -> Summary:
    years = [int(y) for y in pathway["year"]]
    by_year = lambda col: {y: float(v) for y, v in zip(years, pathway[col])}  # noqa: E731
    spend_rows = finance[(finance["period_type"] == "year") & (finance["financing_source"] == "all")]
    capex_by_year = {int(p): 0.0 for p in spend_rows["period"]}
    for (i, y), units in build.items():
        capex_by_year[y] += units * data.candidates[i].capex
    for y, v in project_spend_by_year(data, project_values, capex_only=True).items():
        capex_by_year[y] += v
    project_npv = pipeline.loc[pipeline["selected"], "npv_usd"] if pipeline is not None else []
    return {
        "case": data.case.name,
        "country": data.case.country.iso3,
        "variant": data.variant_name,
        "status": outcome.status,
        "objective": m.objective_kind,
        "objective_value": outcome.objective_value,
        "best_bound": outcome.best_bound,
        "mip_gap": outcome.mip_gap,
        "tolerance": {"usd": outcome.tolerance_usd, "tco2e": outcome.tolerance_tco2e},
        "npv_usd": _total(portfolio["npv_usd"]) + _total(project_npv),
        "total_shortfall_tco2e": _total_shortfall(data, shortfall),
        "capex_usd_by_year": {y: _clean(v) for y, v in capex_by_year.items()},
        "spend_usd_by_year": {int(p): float(v) for p, v in zip(spend_rows["period"], spend_rows["spend_usd"])},
        "emissions_tco2e_by_year": {
            "bau": by_year("bau_tco2e"),
            "target": by_year("target_tco2e"),
            "optimised": by_year("optimised_tco2e"),
        },
        "shortfall_tco2e_by_year": {
            int(y): float(v)
            for y, v, enforced in zip(pathway["year"], pathway["shortfall_tco2e"], pathway["enforced"])
            if enforced
        },
        "target_years": list(data.target_years),
        "final_year": data.final_year,
        "selected_interventions": list(portfolio["intervention"]),
        "candidates_kept": len(data.candidates),
        "candidates_excluded": sum(1 for r in data.screening if r.status is not ScreeningStatus.KEPT),
        "projects": _project_summary(pipeline),
        "model_size": {
            "variables": m.nvariables(),
            "constraints": m.nconstraints(),
            "binaries": len(m.start_index_set) + getattr(m, "n_project_columns", 0),
        },
        "warnings": [
            {"file": w.file, "path": w.path, "value": str(w.value), "warning": w.why} for w in data.loaded.warnings
        ],
        "metadata": {
            "versions": _versions(),
            "input_sha256": data.loaded.digest,
            "case_file": str(data.loaded.path.resolve() if data.loaded.path.is_file() else data.loaded.path),
            "library": str(data.loaded.library.root),
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    }


def _project_summary(pipeline: pd.DataFrame | None) -> ProjectCounts | None:
    if pipeline is None:
        return None
    chosen = pipeline[pipeline["selected"]]
    return {
        "candidates": len(pipeline),
        "usable": int((pipeline["status"] != "screened out").sum()),
        "selected": len(chosen),
        "capex_usd": float(chosen["capex_usd"].sum()),
        "npv_usd": float(chosen["npv_usd"].sum()),
    }


def _plan_use(data: ModelData, build: dict, pay: dict, project_values: np.ndarray, finance: pd.DataFrame) -> PlanUse:
    """What the solved plan uses of each limit a project could be held back by."""
    pd_ = data.projects
    years = finance[(finance["period_type"] == "year") & (finance["financing_source"] == "all")]
    phases = finance[finance["period_type"] == "phase"]
    paid: dict[tuple[str, int], float] = {}
    for (_, y, f), v in pay.items():
        paid[f, y] = paid.get((f, y), 0.0) + v
    units: dict[str, float] = {}
    savings = 0.0
    for (i, y), u in build.items():
        units[i] = units.get(i, 0.0) + u
        savings += data.candidates[i].saving_per_unit[y] * u
    region_spend: dict[tuple[str, int], float] = {}
    if pd_ is not None:
        cols = chosen_columns(pd_, project_values)
        size = pd_.column_values(pd_.setup.size)
        for iid, s in zip(pd_.kept_column("intervention")[cols].tolist(), size[cols].tolist()):
            units[iid] = units.get(iid, 0.0) + s
        savings += float(pd_.saving[cols].sum())
        for region in data.case.budget.regional_usd_by_year:
            for y, v in project_region_spend(data, project_values, region).items():
                region_spend[region, y] = v
    spend = {int(p): float(v) for p, v in zip(years["period"], years["spend_usd"])}
    limit = data.case.payback.portfolio_max_years
    resources = _resource_use(data, build, project_values)
    return PlanUse(
        resources=resources,
        spend_by_year=spend,
        paid=paid,
        units=units,
        region_spend=region_spend,
        phase_spend=dict(zip(phases["period"], phases["spend_usd"])),
        payback_slack=limit.value * savings - sum(spend.values()) if limit is not None else float("inf"),
    )


def _resource_use(data: ModelData, build: dict, project_values: np.ndarray) -> dict[tuple[str, int], float]:
    """(resource, year): what the programmes (per unit built and per start) and the chosen projects use."""
    limited = {r.id for r in data.case.resources}
    out: dict[tuple[str, int], float] = {}
    first_start = {}
    for (i, y), units in build.items():
        c = data.candidates[i]
        for r in limited & set(c.resource_per_unit):
            out[r, y] = out.get((r, y), 0.0) + c.resource_per_unit[r] * units
        if units and y < first_start.get(i, y + 1):
            first_start[i] = y
    for i, y in first_start.items():
        for r in limited & set(data.candidates[i].resource_per_start):
            out[r, y] = out.get((r, y), 0.0) + data.candidates[i].resource_per_start[r]
    pd_ = data.projects
    if pd_ is not None:
        cols = chosen_columns(pd_, project_values)
        for r in limited & set(pd_.setup.resource_use):
            use = pd_.column_values(pd_.setup.resource_use[r])[cols]
            for y, v in zip(pd_.col_year[cols].tolist(), use.tolist()):
                out[r, int(y)] = out.get((r, int(y)), 0.0) + v
    return out
