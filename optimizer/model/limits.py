"""Limits on what can be delivered and on emissions: named resources, the target pathway, source floors."""

from __future__ import annotations

import numpy as np

from ..prepare import ModelData
from .expressions import Model, abatement_terms, add_rows, at_least, at_most, cohort_terms
from .indices import builders_by_year
from .projects import (
    add_abatement_terms,
    add_resource_terms,
    add_source_terms,
    project_abatement,
    project_reach,
    resource_keys,
)


def add_resource_limit(m: Model, data: ModelData) -> None:
    """resource_limit[r,y]: sum_i (u_{i,r} build[i,y] + v_{i,r} start[i,y]) <= L_{r,y}."""
    rows: dict[tuple[str, int], list] = {}
    limits = {r.id: r.limit_by_year.by_year for r in data.case.resources}
    by_projects = resource_keys(data)
    builders = builders_by_year(m)
    for r in limits:
        for y in data.decision_years:
            terms = []
            for i in builders.get(y, []):
                c = data.candidates[i]
                terms.append((c.resource_per_unit.get(r, 0.0), m.build[i, y]))
                if (i, y) in m.start_index_set:
                    terms.append((c.resource_per_start.get(r, 0.0), m.start[i, y]))
            if any(coef for coef, _ in terms) or (r, y) in by_projects:
                rows[r, y] = terms

    def rule(m, r, y):
        return at_most(rows[r, y], limits[r][y])

    add_rows(m, "resource_limit", list(rows), rule)
    add_resource_terms(m, data, list(rows))


def required_abatement(data: ModelData, t: int) -> float:
    """BAU[t] - target[t]: abatement needed in year t (tCO2e; may be negative)."""
    return float(data.bau.emissions[:, data.year_index(t)].sum() - data.pathway[t])


def shortfall_ledger(m: Model, data: ModelData) -> dict[int, float]:
    """Emissions above the pathway in each enforced year, from the plan itself (max(0, required - abated));
    not from the shortfall variables, which a second solve stage may leave above the real gap. A row model
    keeps it until other values are loaded (the solve's stages and the results read it of the same plan)."""
    memo = getattr(m, "plan_memo", None)
    if memo is not None and "shortfall_ledger" in memo:
        return dict(memo["shortfall_ledger"])
    ledger = {}
    for t in m.target_years:
        abated = sum(coef * (var.value or 0.0) for coef, var in abatement_terms(m, data, t))
        abated += project_abatement(m, data, t)
        gap = required_abatement(data, t) - abated
        ledger[t] = gap if gap > 1e-6 * max(1.0, abs(required_abatement(data, t))) else 0.0
    if memo is not None:
        memo["shortfall_ledger"] = dict(ledger)
    return ledger


def add_target_pathway(m: Model, data: ModelData) -> None:
    """target_pathway[t]: sum_{i,y} A_{i,y,t} build[i,y] + shortfall[t] >= BAU[t] - target[t]
    (emissions at or below the pathway; shortfall is fixed to 0 in hard mode)."""

    def rule(m, t):
        return at_least(abatement_terms(m, data, t) + [(1.0, m.shortfall[t])], required_abatement(data, t))

    add_rows(m, "target_pathway", m.target_years, rule)
    add_abatement_terms(m, data, "target_pathway", list(m.target_years))


def floor_years(data: ModelData) -> list[int]:
    """Years a floor can bind: from the first decision year to the last year any cohort is active."""
    return [int(t) for t in data.years if int(t) >= data.decision_years[0]]


def _positive_reach(data: ModelData, when_active: np.ndarray) -> np.ndarray:
    """(source, year): most a source could lose if every candidate's whole potential were active, taking for
    each candidate its positive per-unit effect (``when_active``: candidate, source, year) in the years some
    cohort of it is active."""
    if not len(when_active):
        return np.zeros((len(data.bau.source_ids), len(data.years)))
    potential = np.array([c.potential for c in data.candidates.values()])[:, None, None]
    positive = np.where(data.ever_active[:, None, :], np.clip(when_active, 0.0, None), 0.0)
    return (positive * potential).sum(axis=0)


def _floor_index(data: ModelData, removed: bool, level: np.ndarray) -> list[tuple[str, int]]:
    """(source, year) pairs where the candidates' whole potential could take a source's emissions (``removed``:
    its activity) below zero, i.e. beyond ``level`` (BAU by source, year)."""
    when_active = data.removed_when_active if removed else data.abatement_when_active
    reach = _positive_reach(data, when_active) + project_reach(data, removed=removed)
    years = floor_years(data)
    k = [data.year_index(t) for t in years]
    beyond = reach[:, k] > level[:, k] * (1 + 1e-9)
    return [(source, t) for s, source in enumerate(data.bau.source_ids) for t, b in zip(years, beyond[s]) if b]


def add_source_floor(m: Model, data: ModelData) -> None:
    """source_floor[s,t]: sum_{i,y} a_{i,y,s,t} build[i,y] <= BAU[s,t] (no source below zero emissions), for
    t from the first decision year to the end of the longest cohort life, only where the deployable
    potential could abate more than the source emits."""
    index = _floor_index(data, False, data.bau.emissions)

    def rule(m, source, t):
        s = data.bau.row(source)
        return at_most(abatement_terms(m, data, t, source_row=s), float(data.bau.emissions[s, data.year_index(t)]))

    add_rows(m, "source_floor", index, rule)
    add_source_terms(m, data, "source_floor", index, removed=False)


def add_activity_floor(m: Model, data: ModelData) -> None:
    """activity_floor[s,t]: sum_{i,y} r_{i,y,s,t} build[i,y] <= activity[s,t], where r is the activity a unit
    removes (activity effects): no source's activity, and so no saving, goes below zero, whatever its
    emission factor. Same years and sparsity rule as the source floor."""
    index = _floor_index(data, True, data.bau.activity)

    def rule(m, source, t):
        s, k = data.bau.row(source), data.year_index(t)
        terms = cohort_terms(m, data, t, data.removed_when_active[:, s])
        return at_most(terms, float(data.bau.activity[s, k]))

    add_rows(m, "activity_floor", index, rule)
    add_source_terms(m, data, "activity_floor", index, removed=True)
