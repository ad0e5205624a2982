"""Limits on what can be delivered and on emissions: named resources, the target pathway, source floors."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from ..prepare import ModelData
from .expressions import abatement_terms, linear


def add_resource_limit(m: pyo.ConcreteModel, data: ModelData) -> None:
    """resource_limit[r,y]: sum_i (u_{i,r} build[i,y] + v_{i,r} start[i,y]) <= L_{r,y}."""
    rows: dict[tuple[str, int], list] = {}
    limits = {r.id: r.limit_by_year.by_year for r in data.case.resources}
    for r in limits:
        for y in data.decision_years:
            terms = []
            for (i, yy) in m.build_index_set:
                if yy != y:
                    continue
                c = data.candidates[i]
                terms.append((c.resource_per_unit.get(r, 0.0), m.build[i, y]))
                if (i, y) in m.start_index_set:
                    terms.append((c.resource_per_start.get(r, 0.0), m.start[i, y]))
            if any(coef for coef, _ in terms):
                rows[r, y] = terms

    def rule(m, r, y):
        return linear(rows[r, y]) <= limits[r][y]

    m.resource_limit = pyo.Constraint(list(rows), rule=rule)


def required_abatement(data: ModelData, t: int) -> float:
    """BAU[t] - target[t]: abatement needed in year t (tCO2e; may be negative)."""
    return float(data.bau.emissions[:, data.year_index(t)].sum() - data.pathway[t])


def add_target_pathway(m: pyo.ConcreteModel, data: ModelData) -> None:
    """target_pathway[t]: sum_{i,y} A_{i,y,t} build[i,y] + shortfall[t] >= BAU[t] - target[t]
    (emissions at or below the pathway; shortfall is fixed to 0 in hard mode)."""

    def rule(m, t):
        return linear(abatement_terms(m, data, t) + [(1.0, m.shortfall[t])]) >= required_abatement(data, t)

    m.target_pathway = pyo.Constraint(m.target_years, rule=rule)


def add_source_floor(m: pyo.ConcreteModel, data: ModelData) -> None:
    """source_floor[s,t]: sum_{i,y} A_{i,y,s,t} build[i,y] <= BAU[s,t] (no source below zero), only where
    the deployable potential could abate more than the source emits."""
    index = []
    for s, _ in enumerate(data.bau.source_ids):
        reach = np.zeros(len(data.years))
        for c in data.candidates.values():
            per_unit = np.max([np.clip(a[s], 0.0, None) for a in c.abatement.values()], axis=0)
            reach += per_unit * c.potential
        for t in data.roadmap_years:
            k = data.year_index(int(t))
            if reach[k] > data.bau.emissions[s, k] * (1 + 1e-9) and int(t) >= data.decision_years[0]:
                index.append((data.bau.source_ids[s], int(t)))

    def rule(m, source, t):
        s = data.bau.row(source)
        return linear(abatement_terms(m, data, t, source_row=s)) <= float(data.bau.emissions[s, data.year_index(t)])

    m.source_floor = pyo.Constraint(index, rule=rule)
