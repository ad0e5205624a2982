"""The ranking a project team reads: every project of the pipeline, chosen or not, with its numbers and, when
it is out, why."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.projects import projects_of
from ..prepare import ModelData
from .projects import KEPT, ProjectData
from .room import PlanUse, columns_by_project, limits_without_room


def chosen_columns(pd_: ProjectData, values: np.ndarray) -> np.ndarray:
    """Project columns the plan starts (binary values rounded)."""
    return np.flatnonzero(np.round(values) > 0.5)


def project_spend_by_year(data: ModelData, values: np.ndarray, capex_only: bool = False) -> dict[int, float]:
    """Capex plus one-off costs (``capex_only``: capex) of the chosen projects by start year; USD."""
    out = {y: 0.0 for y in data.decision_years}
    pd_ = data.projects
    if pd_ is None:
        return out
    cols = chosen_columns(pd_, values)
    amount = pd_.column_values(pd_.setup.capex) if capex_only else pd_.spend
    for y, v in zip(pd_.col_year[cols].tolist(), amount[cols].tolist()):
        out[int(y)] += v
    return out


def project_phase_spend(data: ModelData, values: np.ndarray, phase: str) -> float:
    """Capex plus one-off costs of the chosen projects whose intervention is in ``phase``; USD."""
    pd_ = data.projects
    if pd_ is None:
        return 0.0
    cols = chosen_columns(pd_, values)
    return float(pd_.spend[cols][pd_.column_values(pd_.setup.phase)[cols] == phase].sum())


def project_region_spend(data: ModelData, values: np.ndarray, region: str) -> dict[int, float]:
    """Capex plus one-off costs of the chosen projects of ``region`` by start year; USD."""
    pd_ = data.projects
    out = {y: 0.0 for y in data.decision_years}
    if pd_ is None:
        return out
    cols = chosen_columns(pd_, values)
    cols = cols[pd_.kept_column("region")[cols] == region]
    for y, v in zip(pd_.col_year[cols].tolist(), pd_.spend[cols].tolist()):
        out[int(y)] += v
    return out


@dataclass
class ProjectFigures:
    """A plan's figures per project of the pipeline files (NaN where a project is screened out): what the
    ranking shows and what a sweep records of the chosen projects."""

    data: ModelData
    judged: np.ndarray
    """Per usable project (``kept`` order): the column it is judged at, its chosen start or else its earliest."""
    selected: np.ndarray
    start_year: np.ndarray
    """The chosen start year (NaN when not chosen)."""
    earliest: np.ndarray
    npc: np.ndarray
    """Whole-life net present cost at the judged column; base-year USD."""
    lifetime_tco2e: np.ndarray
    discounted_tco2e: np.ndarray
    cost_per_t: np.ndarray
    """Net present cost per lifetime tonne (NaN when it abates nothing)."""

    def per_project(self, per_col: np.ndarray) -> np.ndarray:
        """A per-column array at each usable project's judged column (NaN for the others)."""
        return _at_judged(projects_of(self.data), self.judged, per_col)

    def chosen_in_rank_order(self) -> np.ndarray:
        """Positions (in the project table) of the chosen projects, in the ranking's order (by start year, then
        cost per tonne: the order of :func:`pipeline_table` restricted to them)."""
        chosen = np.flatnonzero(self.selected)
        return chosen[rank_order(self.start_year[chosen], self.cost_per_t[chosen], np.zeros(len(chosen), dtype=int))]


def _at_judged(pd_: ProjectData, judged: np.ndarray, per_col: np.ndarray) -> np.ndarray:
    out = np.full(len(pd_.frame), np.nan)
    out[pd_.kept] = per_col[judged]
    return out


def break_even_carbon_price(
    net_present_cost_usd: float | np.ndarray, discounted_tco2e: float | np.ndarray
) -> np.ndarray | float:
    """The carbon price (USD/tCO2e) at which a measure's whole-life cost is zero: its net present cost over its
    abatement discounted at the same rate (the World Bank MACTool's break-even price; negative: it pays for
    itself). NaN where the discounted abatement is not positive. Works on numbers and on arrays."""
    npc, tonnes = np.asarray(net_present_cost_usd, dtype=float), np.asarray(discounted_tco2e, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(tonnes > 0, npc / tonnes, np.nan)
    return out if out.ndim else float(out)


def project_figures(data: ModelData, values: np.ndarray) -> ProjectFigures:
    """The figures of every project of the pipeline under the plan whose project columns are ``values``."""
    pd_ = projects_of(data)
    n = len(pd_.frame)
    chosen = chosen_columns(pd_, values)
    # the column each usable project is judged at: its chosen start, else its earliest possible start
    first_col = np.full(len(pd_.kept), np.iinfo(np.int64).max)
    np.minimum.at(first_col, pd_.col_project, np.arange(pd_.n_columns))
    judged = first_col.copy()
    judged[pd_.col_project[chosen]] = chosen
    selected = np.zeros(n, dtype=bool)
    selected[pd_.kept[pd_.col_project[chosen]]] = True
    start_year = np.full(n, np.nan)
    start_year[pd_.kept[pd_.col_project[chosen]]] = pd_.col_year[chosen]
    earliest = np.full(n, np.nan)
    earliest[pd_.kept] = pd_.col_year[first_col]
    npc = _at_judged(pd_, judged, pd_.npv_cost)
    lifetime, discounted = np.full(n, np.nan), np.full(n, np.nan)
    lifetime[pd_.kept] = pd_.tonnes(judged)
    discounted[pd_.kept] = pd_.tonnes(judged, data.discount)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost_per_t = np.where(lifetime > 0, npc / lifetime, np.nan)
    return ProjectFigures(data, judged, selected, start_year, earliest, npc, lifetime, discounted, cost_per_t)


STATUS_RANK = {"selected": 0, "not selected": 1, "screened out": 2}
"""The ranking's blocks, in order."""


def rank_order(start_year: np.ndarray, cost_per_t: np.ndarray, status_rank: np.ndarray) -> np.ndarray:
    """The ranking's order: by status block, then start year, then cost per tonne (NaN last in each); ties keep
    the order of the files."""
    return np.lexsort((np.nan_to_num(cost_per_t, nan=np.inf), np.nan_to_num(start_year, nan=np.inf), status_rank))


def pipeline_table(
    data: ModelData, values: np.ndarray, objective: str, shortfall: float, use: PlanUse | None = None
) -> pd.DataFrame:
    """One row per project of the pipeline files, in rank order: the chosen projects first (by start year, then
    cost per tonne), then the usable projects left out (by cost per tonne), then those screened out.

    Money in USD (base-year net present values), abatement in tCO2e; a project's figures are at its start year
    when chosen, else at its earliest possible start."""
    pd_ = projects_of(data)
    frame = pd_.frame
    n = len(frame)
    lib = data.loaded.library
    figures = project_figures(data, values)
    selected, start_year, npc, cost_per_t = figures.selected, figures.start_year, figures.npc, figures.cost_per_t
    break_even = break_even_carbon_price(npc, figures.discounted_tco2e)
    setup = pd_.setup
    interventions = frame["intervention"].tolist()
    out = pd.DataFrame(
        {
            "project": frame["id"],
            "name": frame["name"],
            "facility_id": frame["facility_id"],
            "facility_name": frame["facility_name"],
            "facility_type": frame["facility_type"],
            "region": frame["region"],
            "intervention": frame["intervention"],
            "intervention_name": [lib.interventions[i].name for i in interventions],
            "family": [lib.family_of[i] for i in interventions],
            "size": setup.size,
            "unit": [lib.interventions[i].unit for i in interventions],
            "readiness": frame["readiness"],
            "selected": selected,
            "start_year": pd.array(start_year, dtype="Int64") if n else pd.array([], dtype="Int64"),
            "earliest_start": pd.array(figures.earliest, dtype="Int64") if n else pd.array([], dtype="Int64"),
            "capex_usd": setup.capex,
            "one_off_cost_usd": setup.fixed_cost,
            "npv_usd": -npc,
            "simple_payback_years": pd_.simple_payback_years,
        }
    )
    for t in data.target_years:
        out[f"abatement_{t}_tco2e"] = figures.per_project(pd_.abatement(int(t)))
    out["abatement_lifetime_tco2e"] = figures.lifetime_tco2e
    out["cost_per_tco2e_usd"] = cost_per_t
    out["break_even_carbon_price_usd_per_tco2e"] = break_even
    out["status"] = np.where(selected, "selected", np.where(setup.reason == KEPT, "not selected", "screened out"))
    out["reason"] = _reasons(data, selected, cost_per_t, objective, shortfall, use)
    out["financing_sources"] = [";".join(f) for f in setup.financing]
    out["source"] = frame["source"]
    out["estimate"] = frame["estimate"]
    order = rank_order(start_year, cost_per_t, out["status"].map(STATUS_RANK).to_numpy())
    out = out.iloc[order].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def _reasons(
    data: ModelData,
    selected: np.ndarray,
    cost_per_t: np.ndarray,
    objective: str,
    shortfall: float,
    use: PlanUse | None,
):
    """Why each project is in or out, in a planner's words: screened out; an alternative or a prerequisite;
    the limits with no room left for it in any year it could start; or, with room everywhere, its cost."""
    pd_ = projects_of(data)
    frame = pd_.frame
    setup = pd_.setup
    ids = frame["id"].tolist()
    groups = frame["exclusive_group"].tolist()
    prerequisites = frame["prerequisites"].tolist()
    chosen_ids = {ids[k] for k in np.flatnonzero(selected).tolist()}
    group_choice = {groups[k]: ids[k] for k in np.flatnonzero(selected).tolist() if groups[k]}
    position = {int(k): j for j, k in enumerate(pd_.kept.tolist())}
    columns = columns_by_project(pd_)
    regions = frame["region"].astype(str).tolist()
    interventions = frame["intervention"].astype(str).tolist()
    out = []
    for k in range(len(frame)):
        if selected[k]:
            out.append("selected")
            continue
        if setup.reason[k] != KEPT:
            out.append(f"screened out: {setup.reason[k]}")
            continue
        g = groups[k]
        missing = [p for p in prerequisites[k] if p not in chosen_ids]
        c = cost_per_t[k]
        if g and g in group_choice:
            out.append(f"an alternative at the same facility is chosen ({group_choice[g]})")
        elif missing:
            out.append(f"its prerequisite project {missing[0]} is not selected")
        elif use is not None and (
            full := limits_without_room(data, pd_, use, position[k], columns[position[k]], regions[k], interventions[k])
        ):
            out.append("no room left in " + _listed(full))
        elif c != c:
            out.append("abates nothing over its life in this case")
        elif objective == "min_cost" and c > 0 and shortfall <= 0:
            out.append(f"costs US${c:,.0f} per tCO2e and the pathway is met without it")
        else:
            worth = f"saves US${-c:,.0f}" if c <= 0 else f"costs US${c:,.0f}"
            out.append(
                f"{worth} per tCO2e; no budget, envelope, resource, potential or payback limit is full in its years: "
                "left out within the solver's tolerance (summary.json), or by a library group's shared slice or a "
                "source floor"
            )
    return out


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
