"""Decision variables."""

from __future__ import annotations

import pyomo.environ as pyo

from ..prepare import ModelData
from .indices import build_index, financing_index, start_index


def add_variables(m: pyo.ConcreteModel, data: ModelData) -> None:
    """build[i,y] units built (integer where lumpy, bounded by the ramp), start[i,y] binary launch,
    spend[y] USD, pay[i,y,f] USD by financing source, shortfall[t] tCO2e."""
    m.build_index_set = pyo.Set(initialize=build_index(data), dimen=2, ordered=True)
    m.start_index_set = pyo.Set(initialize=start_index(data), dimen=2, ordered=True)
    m.financing_index_set = pyo.Set(initialize=financing_index(data) if data.financing else [], dimen=3,
                                    ordered=True)
    m.decision_years = pyo.Set(initialize=data.decision_years, ordered=True)
    m.target_years = pyo.Set(initialize=data.target_years, ordered=True)

    def build_domain(_, i, y):
        return pyo.NonNegativeIntegers if data.candidates[i].integer else pyo.NonNegativeReals

    def build_bounds(_, i, y):
        return (0.0, data.candidates[i].ramp)

    m.build = pyo.Var(m.build_index_set, domain=build_domain, bounds=build_bounds)
    m.start = pyo.Var(m.start_index_set, domain=pyo.Binary)
    m.spend = pyo.Var(m.decision_years, domain=pyo.NonNegativeReals)
    m.pay = pyo.Var(m.financing_index_set, domain=pyo.NonNegativeReals)
    elastic = data.case.target_rules.mode == "elastic"
    m.shortfall = pyo.Var(m.target_years, domain=pyo.NonNegativeReals,
                          bounds=(0.0, None) if elastic else (0.0, 0.0))
