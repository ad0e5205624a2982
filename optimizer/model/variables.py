"""Decision variables: one description (:func:`variable_families`) read by the Pyomo model and the row model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from ..prepare import ModelData
from .indices import build_index, financing_index, start_index
from .projects import project_financing_index

INF = float("inf")


@dataclass(frozen=True)
class VariableFamily:
    """An indexed variable: the name of its index set, and per key its kind (binary, integer, continuous)
    and bounds."""

    name: str
    index_set: str
    kind: Callable[[Any], str]
    bounds: Callable[[Any], tuple[float, float]]


def index_sets(data: ModelData) -> dict[str, list]:
    """The sparse index sets the constraint families iterate over."""
    return {
        "build_index_set": build_index(data),
        "start_index_set": start_index(data),
        "financing_index_set": financing_index(data) if data.financing else [],
        "project_financing_index_set": project_financing_index(data),
        "decision_years": list(data.decision_years),
        "target_years": list(data.target_years),
    }


def variable_families(data: ModelData) -> list[VariableFamily]:
    """build[i,y] units built (integer where lumpy, bounded by the ramp), start[i,y] binary launch,
    spend[y] USD, pay[i,y,f] USD by financing source, pay_projects[k,y,f] USD paid by source f for the projects
    of eligibility class k starting in y, shortfall[t] tCO2e (fixed to 0 in hard mode). The projects' own
    columns x[p,y] follow these (:class:`optimizer.model.rows.RowModel`)."""
    c = data.candidates
    elastic = data.case.target_rules.mode == "elastic"
    continuous = lambda key: "continuous"  # noqa: E731
    non_negative = lambda key: (0.0, INF)  # noqa: E731
    return [
        VariableFamily(
            "build",
            "build_index_set",
            lambda key: "integer" if c[key[0]].integer else "continuous",
            lambda key: (0.0, c[key[0]].ramp),
        ),
        VariableFamily("start", "start_index_set", lambda key: "binary", lambda key: (0.0, 1.0)),
        VariableFamily("spend", "decision_years", continuous, non_negative),
        VariableFamily("pay", "financing_index_set", continuous, non_negative),
        VariableFamily("pay_projects", "project_financing_index_set", continuous, non_negative),
        VariableFamily("shortfall", "target_years", continuous, non_negative if elastic else (lambda key: (0.0, 0.0))),
    ]


DOMAINS = {"binary": pyo.Binary, "integer": pyo.NonNegativeIntegers, "continuous": pyo.NonNegativeReals}


def add_variables(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The index sets and variables of :func:`variable_families` as Pyomo components."""
    sets = index_sets(data)
    dims = {"build_index_set": 2, "start_index_set": 2, "financing_index_set": 3, "project_financing_index_set": 3}
    for name, index in sets.items():
        setattr(m, name, pyo.Set(initialize=index, dimen=dims.get(name, 1), ordered=True))
    for family in variable_families(data):

        def domain(_, *key, family=family):
            return DOMAINS[family.kind(key if len(key) > 1 else key[0])]

        def bounds(_, *key, family=family):
            lo, hi = family.bounds(key if len(key) > 1 else key[0])
            return (lo, None if hi == INF else hi)

        setattr(m, family.name, pyo.Var(getattr(m, family.index_set), domain=domain, bounds=bounds))
