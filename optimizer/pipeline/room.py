"""Why a usable project is left out: which of the plan's limits have no room left for it in any year it could
start (the yearly, regional and phase budgets, its financing sources' envelopes, the delivery resources it
needs, the national potential its intervention shares, the portfolio payback rule), read from the solved
plan."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..prepare import ModelData
from .projects import ProjectData
from .table import year_span

SLACK = 1e-6
"""Room smaller than a project's need by more than this (relative) counts as no room."""


@dataclass
class PlanUse:
    """What the solved plan uses of each limit."""

    spend_by_year: dict[int, float]
    """Capex plus one-off costs of programmes and projects; USD."""
    paid: dict[tuple[str, int], float]
    """(financing source, year): USD paid."""
    units: dict[str, float]
    """Intervention -> units used of its national potential (programme and chosen projects)."""
    region_spend: dict[tuple[str, int], float]
    phase_spend: dict[str, float]
    payback_slack: float
    """L x first-year savings - outlay of the whole plan (>= 0 when the payback rule holds); inf without it."""
    resources: dict[tuple[str, int], float]
    """(resource, year): use by programmes and chosen projects (resources with a limit only)."""


def _fits(room: float, need: float) -> bool:
    return need <= room + SLACK * max(1.0, abs(room), abs(need))


def columns_by_project(pd_: ProjectData) -> list[np.ndarray]:
    """Per usable project (``kept`` order): its columns."""
    order = np.argsort(pd_.col_project, kind="stable")
    bounds = np.searchsorted(pd_.col_project[order], np.arange(len(pd_.kept) + 1))
    return [order[a:b] for a, b in itertools.pairwise(bounds.tolist())]


def limits_without_room(
    data: ModelData, pd_: ProjectData, use: PlanUse, j: int, columns: np.ndarray, region: str, iid: str
) -> list[str]:
    """For usable project ``j`` (position in ``pd_.kept``, with its ``columns``, ``region`` and intervention
    ``iid``): the limits with no room for it in every year it may start, in a planner's words (empty: some
    year has room in every limit)."""
    case = data.case
    setup = pd_.setup
    k = int(pd_.kept[j])
    spend = float(setup.capex[k] + setup.fixed_cost[k])
    blocked_by_year: list[list[tuple[str, int | None]]] = []
    for col in columns.tolist():
        y = int(pd_.col_year[col])
        blocked: list[tuple[str, int | None]] = []
        total = case.budget.total_usd_by_year
        if total is not None and not _fits(total.by_year[y] - use.spend_by_year.get(y, 0.0), spend):
            blocked.append(("the yearly budget", y))
        regional = case.budget.regional_usd_by_year.get(region)
        if regional is not None and not _fits(regional.by_year[y] - use.region_spend.get((region, y), 0.0), spend):
            blocked.append((f"the {region} regional budget", y))
        if data.financing:
            sources = setup.financing[k]
            room = sum(
                f.envelope_usd_by_year.by_year.get(y, 0.0) - use.paid.get((f.id, y), 0.0)
                for f in data.financing
                if f.id in sources
            )
            if not _fits(room, spend):
                blocked.append(("the envelopes of its financing sources", y))
        phase = setup.phase[k]
        phase_budget = next((ph.budget_usd for ph in case.phases if ph.id == phase), None)
        if phase_budget is not None and not _fits(phase_budget.value - use.phase_spend.get(phase, 0.0), spend):
            name = next(ph.name for ph in case.phases if ph.id == phase)
            blocked.append((f"the budget of the {name} phase", None))
        potential = setup.potential[k]
        if np.isfinite(potential) and not _fits(potential - use.units.get(iid, 0.0), float(setup.size[k])):
            name = data.loaded.library.interventions[iid].name
            blocked.append((f"the national potential of {name} (used by the programme and chosen projects)", None))
        for resource in case.resources:
            need = float(setup.resource_use.get(resource.id, np.zeros(k + 1))[k])
            available = resource.limit_by_year.by_year.get(y, 0.0) - use.resources.get((resource.id, y), 0.0)
            if need > 0 and not _fits(available, need):
                name = resource.id.replace("_", " ")
                blocked.append((f"the {name} available", y))
        limit = case.payback.portfolio_max_years
        if limit is not None and not _fits(use.payback_slack, spend - limit.value * float(pd_.saving[col])):
            blocked.append(("the portfolio payback rule", None))
        blocked_by_year.append(blocked)
    if not blocked_by_year or not all(blocked_by_year):
        return []
    years_of: dict[str, list[int]] = {}
    for blocked_in_year in blocked_by_year:
        for label, year in blocked_in_year:
            years_of.setdefault(label, [])
            if year is not None and year not in years_of[label]:
                years_of[label].append(year)
    return [f"{label} ({year_span(years)})" if years else label for label, years in years_of.items()]
