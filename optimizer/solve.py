"""Solve one case variant with HiGHS through Pyomo's APPSI persistent interface."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyomo.environ as pyo
from pyomo.contrib.appsi.base import TerminationCondition
from pyomo.contrib.appsi.solvers import Highs

from .errors import SolverFailure
from .loading import LoadedCase
from .model import build_model
from .model.limits import shortfall_ledger
from .model.objective import add_cost_refinement_stage, add_least_cost_stage
from .prepare import ModelData, prepare

FEASIBLE_STOPS = {
    TerminationCondition.maxTimeLimit: "time_limit",
    TerminationCondition.maxIterations: "iteration_limit",
    TerminationCondition.interrupted: "interrupted",
}


@dataclass
class SolveOutcome:
    """What the solver reported, before results are extracted."""

    status: str  # optimal | time_limit | iteration_limit | interrupted
    objective_value: float
    best_bound: float
    mip_gap: float
    highs_seconds: float
    solve_seconds: float


def make_solver(data: ModelData) -> Highs:
    """A persistent HiGHS interface configured from the case's solver options."""
    opts = data.case.solver
    solver = Highs()
    solver.config.time_limit = opts.time_limit_seconds
    solver.config.mip_gap = opts.mip_rel_gap
    solver.config.load_solution = False
    solver.config.stream_solver = False
    solver.highs_options = {"random_seed": opts.random_seed, "threads": 1, "output_flag": False}
    return solver


def run_highs(m: pyo.ConcreteModel, data: ModelData, solver: Highs | None = None) -> SolveOutcome:
    """Solve ``m`` (both stages for ``max_abatement``); load the solution into it; raise
    :class:`SolverFailure` when there is no usable plan."""
    solver = solver or make_solver(data)
    first = _run_once(m, data, solver)
    kind = getattr(m, "objective_kind", None)
    if kind == "max_abatement":
        add_least_cost_stage(m, data, first.objective_value)
        return combine_stages(first, _run_once(m, data, solver), first.objective_value)
    shortfall = sum(shortfall_ledger(m, data).values()) if kind == "min_cost" else 0.0
    if shortfall > 0:
        add_cost_refinement_stage(m, data, shortfall)
        second = _run_once(m, data, solver)
        penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
        refined = second.objective_value + penalty * sum(shortfall_ledger(m, data).values())
        return combine_stages(first, second, refined)
    return first


def combine_stages(first: SolveOutcome, second: SolveOutcome, objective_value: float) -> SolveOutcome:
    """One outcome for a two-stage solve: the reported gap of the second stage measures what it refined."""
    return SolveOutcome(
        status=first.status if second.status == "optimal" else second.status,
        objective_value=objective_value,
        best_bound=first.best_bound,
        mip_gap=max(first.mip_gap, second.mip_gap),
        highs_seconds=first.highs_seconds + second.highs_seconds,
        solve_seconds=first.solve_seconds + second.solve_seconds,
    )


def _run_once(m: pyo.ConcreteModel, data: ModelData, solver: Highs) -> SolveOutcome:
    started = time.perf_counter()
    before = solver._solver_model.getRunTime() if solver._solver_model is not None else 0.0
    results = solver.solve(m)
    solve_seconds = time.perf_counter() - started
    highs = solver._solver_model  # highspy.Highs of the persistent interface
    highs_seconds = float(highs.getRunTime()) - before if highs is not None else float("nan")
    tc = results.termination_condition
    has_plan = results.best_feasible_objective is not None
    if tc == TerminationCondition.optimal:
        status = "optimal"
    elif tc in FEASIBLE_STOPS and has_plan:
        status = FEASIBLE_STOPS[tc]
    elif tc in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded):
        raise SolverFailure("infeasible", infeasible_message(data))
    elif tc in FEASIBLE_STOPS:
        raise SolverFailure(FEASIBLE_STOPS[tc],
                            f"HiGHS stopped ({FEASIBLE_STOPS[tc]}) after {solve_seconds:.1f} s without a feasible "
                            "plan; raise solver.time_limit_seconds")
    else:
        raise SolverFailure(str(tc.name), f"HiGHS ended with '{tc.name}' and no usable plan")
    results.solution_loader.load_vars()
    info = highs.getInfo() if highs is not None else None
    is_mip = any(True for _ in m.component_data_objects(pyo.Var) if _.is_integer() or _.is_binary())
    gap = float(info.mip_gap) if (info is not None and is_mip) else 0.0
    bound = results.best_objective_bound
    return SolveOutcome(
        status=status,
        objective_value=float(results.best_feasible_objective),
        best_bound=float(bound) if bound is not None else float("nan"),
        mip_gap=gap if gap == gap and gap < 1e30 else float("inf"),
        highs_seconds=highs_seconds,
        solve_seconds=solve_seconds,
    )


def infeasible_message(data: ModelData) -> str:
    if data.case.target_rules.mode == "hard":
        return ("No plan meets the hard target pathway within the budgets and limits. Set "
                "target_rules.mode: elastic to get the best plan and its shortfall by year.")
    return "No plan satisfies the budgets and limits (check budgets, financing and resource limits)."


def solve(loaded: LoadedCase, variant: str | None = None, objective: str | None = None):
    """Prepare, build, solve and extract: the one-call API. Returns a :class:`~optimizer.results.Result`."""
    from .results import extract_result

    t0 = time.perf_counter()
    data = prepare(loaded, variant)
    t1 = time.perf_counter()
    m = build_model(data, objective)
    t2 = time.perf_counter()
    outcome = run_highs(m, data)
    t3 = time.perf_counter()
    result = extract_result(m, data, outcome)
    t4 = time.perf_counter()
    result.timings.update(prepare_seconds=t1 - t0, build_seconds=t2 - t1, solve_seconds=t3 - t2,
                          highs_seconds=outcome.highs_seconds, extract_seconds=t4 - t3)
    return result
