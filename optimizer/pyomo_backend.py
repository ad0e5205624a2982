"""Solve one case variant with HiGHS through Pyomo's APPSI persistent interface (stages and statuses: the
driver, :mod:`optimizer.driver`)."""

from __future__ import annotations

import time

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.appsi.base import TerminationCondition
from pyomo.contrib.appsi.solvers import Highs

from .driver import (
    HIGHS_OPTIONS,
    Attempt,
    Extract,
    ObjectiveKind,
    SecondStage,
    SolveOutcome,
    Termination,
    run_stages,
    solve_with,
)
from .loading import LoadedCase
from .model import build_model
from .model.limits import shortfall_ledger
from .model.objective import add_second_stage, cost_terms
from .prepare import ModelData

TERMINATIONS = {
    TerminationCondition.optimal: Termination.OPTIMAL,
    TerminationCondition.maxTimeLimit: Termination.TIME_LIMIT,
    TerminationCondition.maxIterations: Termination.ITERATION_LIMIT,
    TerminationCondition.interrupted: Termination.INTERRUPTED,
    TerminationCondition.infeasible: Termination.INFEASIBLE,
    TerminationCondition.infeasibleOrUnbounded: Termination.INFEASIBLE,
    TerminationCondition.unbounded: Termination.UNBOUNDED,
}
"""APPSI's endings in the driver's terms (anything else: :attr:`Termination.OTHER`)."""


def make_solver(data: ModelData) -> Highs:
    """A persistent HiGHS interface configured from the case's solver options."""
    opts = data.case.solver
    solver = Highs()
    solver.config.time_limit = opts.time_limit_seconds
    solver.config.mip_gap = opts.mip_rel_gap
    solver.config.load_solution = False
    solver.config.stream_solver = False
    solver.highs_options = {"random_seed": opts.random_seed, **HIGHS_OPTIONS}
    return solver


class PyomoBackend:
    """A Pyomo model solved by HiGHS through APPSI's persistent interface (the driver's :class:`Backend`)."""

    def __init__(self, m: pyo.ConcreteModel, data: ModelData, solver: Highs | None = None):
        self.m, self.data = m, data
        self.solver = solver or make_solver(data)
        self.first_plan: list[float] | None = None
        """HiGHS's columns of the first stage's plan: the start of a second stage (feasible for it by
        construction), as the in-place backend starts it (docs/performance.md)."""

    @property
    def model(self) -> pyo.ConcreteModel:
        return self.m

    @property
    def objective_kind(self) -> ObjectiveKind:
        return self.m.objective_kind

    def run(self, *, first: bool, time_limit: float) -> Attempt:
        m, solver = self.m, self.solver
        solver.config.time_limit = time_limit
        started = time.perf_counter()
        before = solver._solver_model.getRunTime() if solver._solver_model is not None else 0.0
        if not first and self.first_plan is not None and solver._solver_model is not None:
            solver.update()  # the second stage's row and objective, so that the start is kept by the solve
            start = np.asarray(self.first_plan, dtype=float)
            solver._solver_model.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
        results = solver.solve(m)
        solve_seconds = time.perf_counter() - started
        highs = solver._solver_model  # highspy.Highs of the persistent interface
        highs_seconds = float(highs.getRunTime()) - before if highs is not None else float("nan")
        tc = results.termination_condition
        has_plan = results.best_feasible_objective is not None
        if has_plan:
            results.solution_loader.load_vars()
            if first and highs is not None:
                self.first_plan = list(highs.getSolution().col_value)
        info = highs.getInfo() if highs is not None else None
        is_mip = any(True for v in m.component_data_objects(pyo.Var) if v.is_integer() or v.is_binary())
        bound = results.best_objective_bound
        return Attempt(
            termination=TERMINATIONS.get(tc, Termination.OTHER),
            has_plan=has_plan,
            objective_value=float(results.best_feasible_objective) if has_plan else float("nan"),
            best_bound=float(bound) if bound is not None else float("nan"),
            mip_gap=float(info.mip_gap) if (info is not None and is_mip) else 0.0,
            highs_seconds=highs_seconds,
            solve_seconds=solve_seconds,
            raw_status=str(tc.name),
        )

    def total_shortfall(self) -> float:
        return sum(shortfall_ledger(self.m, self.data).values())

    def save_plan(self) -> None:
        self.saved = [(v, v.value) for v in self.m.component_data_objects(pyo.Var)]

    def restore_plan(self) -> None:
        for var, value in self.saved:
            var.set_value(value, skip_validation=True)

    def net_present_cost(self) -> float:
        terms: list = cost_terms(self.m, self.data)
        return float(sum(coef * (var.value or 0.0) for coef, var in terms))

    def enter(self, stage: SecondStage) -> None:
        add_second_stage(self.m, self.data, stage)


def run_highs(m: pyo.ConcreteModel, data: ModelData, solver: Highs | None = None) -> SolveOutcome:
    """Solve ``m`` in the driver's stages; load the solution into it; raise :class:`SolverFailure` when there
    is no usable plan."""
    return run_stages(PyomoBackend(m, data, solver), data)


def solve(loaded: LoadedCase, variant: str | None = None, objective: str | None = None, extract: Extract | None = None):
    """Prepare, build, solve and extract: the one-call API. Returns a :class:`~optimizer.results.Result`, or what
    ``extract`` reads (:func:`optimizer.results.extract_scenario`: a sweep's figures). A case with project
    pipelines is solved as rows in one HiGHS model (:func:`optimizer.persistent.solve_in_place`): Pyomo does not
    hold tens of thousands of project columns in reasonable time."""
    if loaded.projects is not None:
        from .persistent import PersistentHighs, solve_in_place

        return solve_in_place(loaded, PersistentHighs(), variant, objective, extract=extract)
    return solve_with(
        loaded, lambda data, kind: PyomoBackend(build_model(data, kind), data), variant, objective, extract=extract
    )
