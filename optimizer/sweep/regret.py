"""Regret over scenarios: the regret of a portfolio in each scenario, the portfolio that minimises the
largest regret (one MILP: the portfolio decisions are shared, each scenario keeps its own costs, limits and
emissions), and the portfolio with the least expected cost.

Regret of portfolio x in scenario s = objective_s(x) - objective_s(x*_s), with x*_s the scenario's own
optimum; objectives are the ``min_cost`` objective (net present cost plus shortfall penalties)."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from ..errors import InputError, Problem, SolverFailure
from ..loading import LoadedCase
from ..model import build_model
from ..model.objective import ObjectiveKind
from ..prepare import ModelData, prepare
from ..progress import ProgressFn, silent
from ..pyomo_backend import make_solver, run_highs

BOUND_TOLERANCE = 1e-6
"""Relative distance beyond a variable's bound that a shared plan may lie and still count as at the bound: the
shared MILP's solution sits on a bound up to the solver's rounding (74.80000000000003 for 74.8)."""


@dataclass
class RobustPortfolio:
    kind: str  # minimax_regret | expected_cost
    value: float  # the largest regret, or the expected objective
    builds: dict  # (intervention, year) -> units
    starts: dict  # (intervention, year) -> 0/1
    regret_by_scenario: dict[str, float]

    @property
    def interventions(self) -> set[str]:
        return {i for (i, _), u in self.builds.items() if u > 1e-9}


def scenario_data(
    cases: dict[str, LoadedCase], variant: str | None = None, progress: ProgressFn | None = None
) -> dict[str, ModelData]:
    report = progress or silent
    data: dict[str, ModelData] = {}
    report("preparing scenarios", 0, len(cases))
    for sid, lc in cases.items():
        data[sid] = prepare(lc, variant)
        report("preparing scenarios", len(data), len(cases))
    shapes = {
        sid: (
            sorted(d.candidates),
            [sorted(c.build_years) for c in d.candidates.values()],
            [sorted(c.start_years) for c in d.candidates.values()],
        )
        for sid, d in data.items()
    }
    first = next(iter(shapes.values()))
    differing = [sid for sid, shape in shapes.items() if shape != first]
    if differing:
        raise InputError(
            [
                Problem(
                    "<sweep>",
                    "scenarios",
                    differing[:5],
                    "scenarios with the same candidates and "
                    "start years (a shared portfolio needs the same decisions in every scenario)",
                )
            ]
        )
    return data


def optimum(data: ModelData) -> float:
    m = build_model(data, "min_cost")
    m.objective_kind = ObjectiveKind.AS_GIVEN  # one stage: the objective itself is what regret compares
    return run_highs(m, data, make_solver(data)).objective_value


def optima(scenarios: dict[str, ModelData], progress: ProgressFn | None = None) -> dict[str, float]:
    """Each scenario's own optimum (:func:`optimum`)."""
    report = progress or silent
    out: dict[str, float] = {}
    report("each scenario's optimum", 0, len(scenarios))
    for sid, data in scenarios.items():
        out[sid] = optimum(data)
        report("each scenario's optimum", len(out), len(scenarios))
    return out


def _within_bounds(var, value: float) -> float | None:
    """``value`` moved onto ``var``'s bound when it lies beyond it by rounding only; None when it lies beyond
    by more (the plan breaks this scenario's limit)."""
    lb, ub = var.lb, var.ub
    if lb is not None and value < lb:
        bound = lb
    elif ub is not None and value > ub:
        bound = ub
    else:
        return value
    return float(bound) if abs(value - bound) <= BOUND_TOLERANCE * max(1.0, abs(bound)) else None


def portfolio_objective(data: ModelData, builds: dict, starts: dict) -> float | None:
    """The min_cost objective of a fixed portfolio in one scenario; None when it breaks that scenario's limits
    (a decision outside its bounds there included)."""
    m = build_model(data, "min_cost")
    m.objective_kind = ObjectiveKind.AS_GIVEN
    for var, v in [(m.build[key], v) for key, v in builds.items()] + [(m.start[key], v) for key, v in starts.items()]:
        value = _within_bounds(var, v)
        if value is None:
            return None
        var.fix(value)
    try:
        return run_highs(m, data, make_solver(data)).objective_value
    except SolverFailure:
        return None


def regret_table(
    scenarios: dict[str, ModelData],
    builds: dict,
    starts: dict,
    optima: dict[str, float],
    progress: ProgressFn | None = None,
    what: str = "regret in each scenario",
) -> dict[str, float]:
    """Regret of one portfolio in each scenario (inf where it breaks the scenario's limits)."""
    report = progress or silent
    out: dict[str, float] = {}
    report(what, 0, len(scenarios))
    for sid, data in scenarios.items():
        value = portfolio_objective(data, builds, starts)
        out[sid] = float("inf") if value is None else value - optima[sid]
        report(what, len(out), len(scenarios))
    return out


def _shared_model(
    scenarios: dict[str, ModelData], progress: ProgressFn = silent, what: str = "building the MILP"
) -> tuple[pyo.ConcreteModel, dict]:
    """One block per scenario (its own constraints and objective expression), with the build and start
    decisions tied to shared variables."""
    first = next(iter(scenarios.values()))
    m = pyo.ConcreteModel(name="noregret:robust")
    template = build_model(first, "min_cost")
    m.build = pyo.Var(list(template.build_index_set), domain=pyo.NonNegativeReals)
    m.start = pyo.Var(list(template.start_index_set), domain=pyo.Binary)
    for i, y in template.build_index_set:
        if first.candidates[i].integer:
            m.build[i, y].domain = pyo.NonNegativeIntegers
    m.link = pyo.ConstraintList()
    objectives = {}
    progress(what, 0, len(scenarios))
    for k, (sid, data) in enumerate(scenarios.items()):
        block = build_model(data, "min_cost")
        block.objective.deactivate()
        m.add_component(f"scenario_{k}", block)
        for key in block.build_index_set:
            m.link.add(block.build[key] == m.build[key])
        for key in block.start_index_set:
            m.link.add(block.start[key] == m.start[key])
        objectives[sid] = block.objective.expr
        progress(what, k + 1, len(scenarios))
    return m, objectives


def _solve_shared(m, first: ModelData) -> None:
    m.objective_kind = ObjectiveKind.AS_GIVEN
    solver = make_solver(first)
    run_highs(m, first, solver)


REGRET_UNIT_USD = 1e6
"""The regret rows and the expected-cost objective are written in millions of US$: with shortfall penalties a
scenario's objective reaches 1e10-1e11, and rows holding such constants next to coefficients of a few dollars
made HiGHS's presolve declare the shared model infeasible (a do-nothing plan is always feasible)."""


def minimax_regret(
    scenarios: dict[str, ModelData], optima: dict[str, float], progress: ProgressFn | None = None
) -> RobustPortfolio:
    """min R subject to objective_s(x) - optimum_s <= R for every scenario s, x shared. ``progress`` hears of
    the building, the solve and the regret in each scenario (:mod:`optimizer.progress`)."""
    report = progress or silent
    m, objectives = _shared_model(scenarios, report, "minimax regret: building the MILP")
    m.worst_regret = pyo.Var(domain=pyo.Reals)
    m.regret_rows = pyo.ConstraintList()
    for sid, expr in objectives.items():
        m.regret_rows.add((expr - optima[sid]) / REGRET_UNIT_USD <= m.worst_regret)
    m.objective = pyo.Objective(expr=m.worst_regret, sense=pyo.minimize)
    report(f"minimax regret: solving the MILP ({len(scenarios)} scenarios)", 0)
    _solve_shared(m, next(iter(scenarios.values())))
    worst = pyo.value(m.worst_regret) * REGRET_UNIT_USD
    return _portfolio_of(m, "minimax_regret", worst, scenarios, optima, report)


def expected_cost(
    scenarios: dict[str, ModelData], optima: dict[str, float], progress: ProgressFn | None = None
) -> RobustPortfolio:
    """The shared portfolio with the least mean objective over the scenarios (equal weights)."""
    report = progress or silent
    m, objectives = _shared_model(scenarios, report, "expected cost: building the MILP")
    mean = sum(objectives.values()) / (len(objectives) * REGRET_UNIT_USD)
    m.objective = pyo.Objective(expr=mean, sense=pyo.minimize)
    report(f"expected cost: solving the MILP ({len(scenarios)} scenarios)", 0)
    _solve_shared(m, next(iter(scenarios.values())))
    return _portfolio_of(m, "expected_cost", pyo.value(m.objective) * REGRET_UNIT_USD, scenarios, optima, report)


def _portfolio_of(m, kind: str, value: float, scenarios, optima, progress: ProgressFn = silent) -> RobustPortfolio:
    first = next(iter(scenarios.values()))
    builds = {
        key: (
            float(round(m.build[key].value or 0.0))
            if first.candidates[key[0]].integer
            else max(0.0, m.build[key].value or 0.0)
        )
        for key in m.build
    }
    starts = {key: round(m.start[key].value or 0.0) for key in m.start}
    # evaluated afresh per scenario: in the shared model a scenario's shortfall variables may sit above
    # the real gap wherever its regret row has slack
    what = f"{kind.replace('_', ' ')}: regret in each scenario"
    return RobustPortfolio(kind, value, builds, starts, regret_table(scenarios, builds, starts, optima, progress, what))
