"""Small building blocks for re-solving a model in a different way (hard targets, other objectives)."""

from __future__ import annotations

import pyomo.environ as pyo

from ..errors import SolverFailure
from ..model.expressions import linear
from ..model.objective import ObjectiveKind
from ..prepare import ModelData
from ..pyomo_backend import make_solver, run_highs


def make_targets_hard(m: pyo.ConcreteModel, years=None) -> None:
    """Shortfall fixed to zero (in ``years``, or all enforced years)."""
    for t in m.target_years:
        if years is None or t in years:
            m.shortfall[t].setub(0.0)


def replace_objective(m: pyo.ConcreteModel, terms, sense) -> None:
    m.objective.deactivate()
    m.explain_objective = pyo.Objective(expr=linear(terms), sense=sense)
    m.objective_kind = ObjectiveKind.AS_GIVEN  # one stage: its value is the answer


def try_solve(m: pyo.ConcreteModel, data: ModelData) -> float | None:
    """Objective value, or None when infeasible / no plan."""
    try:
        return run_highs(m, data, make_solver(data)).objective_value
    except SolverFailure:
        return None
