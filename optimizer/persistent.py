"""Re-solve one case many times with one HiGHS model changed in place (the sweep's fast path).

The model's numbers are recomputed for each scenario (``prepare`` and the same constraint families as the
Pyomo model, on a :class:`~optimizer.model.rows.RowModel`, without Pyomo) and compared entry by entry with
what HiGHS holds; only the costs, bounds and coefficients that differ are pushed into it. The HiGHS model is
passed anew only when the structure differs (other rows or columns, or nonzeros elsewhere: a candidate
screened out, a longer lifetime, another variant).

Results do not depend on which scenarios a process solved before: the solver state is cleared before every
scenario, and a model changed in place holds exactly the arrays a freshly passed one would (same nonzero pattern).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from .errors import SolverFailure
from .loading import LoadedCase
from .model.build import build_row_model
from .model.expressions import Row
from .model.limits import shortfall_ledger
from .model.objective import abatement_floor, abatement_objective_terms, cost_terms, shortfall_cap, stage_row_scale
from .model.rows import RowModel, StandardForm, standard_form
from .prepare import ModelData, prepare
from .schema.case import SolverOptions
from .solve import SolveOutcome, combine_stages, infeasible_message

STAGE_ROW = "stage_bound"
"""A row that is free in the first stage and bounds the second (the shortfall cap, or the abatement floor)."""

FEASIBLE_STOPS = {  # the names optimizer.solve reports for the same stops
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kIterationLimit: "iteration_limit",
    highspy.HighsModelStatus.kSolutionLimit: "iteration_limit",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
}
INFEASIBLE = {highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible}
OTHER_ENDS = {highspy.HighsModelStatus.kUnbounded: "unbounded"}  # anything else: "unknown"


@dataclass
class RunReport:
    outcome: SolveOutcome
    x: np.ndarray


@dataclass
class UpdateCounts:
    """How the HiGHS model was brought to each scenario's numbers."""

    passed: int = 0  # whole model handed to HiGHS (first scenario or a structure change)
    in_place: int = 0  # only changed numbers pushed
    by_kind: dict = field(default_factory=lambda: {"cost": 0, "col_bounds": 0, "row_bounds": 0, "coefficients": 0})

    @property
    def changed_numbers(self) -> int:
        """Costs, bounds and coefficients pushed in place, over all scenarios."""
        return sum(self.by_kind.values())


class PersistentHighs:
    """A ``highspy.Highs`` holding one model, and a mirror of its arrays to diff the next scenario against.
    ``warm_start``: start a second stage from the first stage's plan (feasible for it by construction); off by
    default, as it helped on some country cases and slowed others (docs/performance.md)."""

    def __init__(self, warm_start: bool = False):
        self.warm_start = warm_start
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        self.held: StandardForm | None = None
        self.counts = UpdateCounts()

    # -- bringing HiGHS to a form -------------------------------------------------------------------------
    def load(self, form: StandardForm) -> None:
        """Make HiGHS hold ``form``: in place when the structure matches, else a new model."""
        if self.held is None or not form.same_structure(self.held):
            self.held = None  # if HiGHS refuses the new model, the next scenario passes its own anew
            self._pass(form)
            self.counts.passed += 1
        else:
            self._update(form)
            self.counts.in_place += 1
        self.held = _copy(form)

    def _pass(self, f: StandardForm) -> None:
        status = self.highs.passModel(
            len(f.col_names), len(f.row_names), len(f.a_value), int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMaximize if f.maximize else highspy.ObjSense.kMinimize), 0.0,
            f.cost, f.col_lower, f.col_upper, f.row_lower, f.row_upper, f.a_start, f.a_index, f.a_value,
            f.integrality.astype(np.int32))
        if status == highspy.HighsStatus.kError:
            raise SolverFailure("model_error", "HiGHS refused the model")

    def _update(self, f: StandardForm) -> None:
        held, h, by_kind = self.held, self.highs, self.counts.by_kind
        if f.maximize != held.maximize:
            h.changeObjectiveSense(highspy.ObjSense.kMaximize if f.maximize else highspy.ObjSense.kMinimize)
        changed = np.flatnonzero(f.cost != held.cost)
        if len(changed):
            h.changeColsCost(len(changed), changed.astype(np.int32), f.cost[changed])
            by_kind["cost"] += len(changed)
        changed = np.flatnonzero((f.col_lower != held.col_lower) | (f.col_upper != held.col_upper))
        if len(changed):
            h.changeColsBounds(len(changed), changed.astype(np.int32), f.col_lower[changed], f.col_upper[changed])
            by_kind["col_bounds"] += len(changed)
        changed = np.flatnonzero((f.row_lower != held.row_lower) | (f.row_upper != held.row_upper))
        if len(changed):
            h.changeRowsBounds(len(changed), changed.astype(np.int32), f.row_lower[changed], f.row_upper[changed])
            by_kind["row_bounds"] += len(changed)
        changed = np.flatnonzero(f.a_value != held.a_value)
        if len(changed):
            cols = np.searchsorted(f.a_start, changed, side="right") - 1
            for k, j in zip(changed.tolist(), cols.tolist()):
                h.changeCoeff(int(f.a_index[k]), j, float(f.a_value[k]))
            by_kind["coefficients"] += len(changed)

    def set_objective(self, cost: np.ndarray, maximize: bool) -> None:
        """Second-stage objective (kept in the mirror, so the next scenario's diff restores the first)."""
        changed = np.flatnonzero(cost != self.held.cost)
        if len(changed):
            self.highs.changeColsCost(len(changed), changed.astype(np.int32), cost[changed])
        if maximize != self.held.maximize:
            self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)
            self.held.maximize = maximize
        self.held.cost = cost.copy()

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        self.highs.changeRowsBounds(1, np.array([row], dtype=np.int32), np.array([lower]), np.array([upper]))
        self.held.row_lower[row], self.held.row_upper[row] = lower, upper

    def scale_row(self, row: int, factor: float) -> None:
        """Multiply a row's coefficients by ``factor`` (kept in the mirror: the next diff restores them)."""
        if factor == 1.0:
            return
        held = self.held
        held.a_value = held.a_value.copy()  # the form's own array stays as computed
        for k in np.flatnonzero(held.a_index == row).tolist():
            j = int(np.searchsorted(held.a_start, k, side="right") - 1)
            held.a_value[k] *= factor
            self.highs.changeCoeff(row, j, float(held.a_value[k]))

    # -- running ------------------------------------------------------------------------------------------
    def run(self, options: SolverOptions, data: ModelData, start: np.ndarray | None = None,
            clear: bool = True) -> RunReport:
        """Solve what HiGHS holds (``start``: a feasible MIP start); raise :class:`SolverFailure` when there is
        no usable plan. ``clear``: forget the previous run's basis and solution first (every scenario's first
        stage, so that no scenario depends on another); a second stage keeps its own first stage's."""
        h = self.highs
        if clear:
            h.clearSolver()
        h.setOptionValue("time_limit", float(options.time_limit_seconds))
        h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
        h.setOptionValue("random_seed", int(options.random_seed))
        if start is not None:
            h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
        before = h.getRunTime()
        started = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - started
        highs_seconds = h.getRunTime() - before
        model_status, info = h.getModelStatus(), h.getInfo()
        has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if model_status == highspy.HighsModelStatus.kOptimal and has_plan:
            status = "optimal"
        elif model_status in FEASIBLE_STOPS and has_plan:
            status = FEASIBLE_STOPS[model_status]
        elif model_status in INFEASIBLE:
            raise SolverFailure("infeasible", infeasible_message(data))
        elif model_status in FEASIBLE_STOPS:
            name = FEASIBLE_STOPS[model_status]
            raise SolverFailure(name, f"HiGHS stopped ({name}) after {seconds:.1f} s without a feasible plan; "
                                "raise solver.time_limit_seconds")
        else:
            name = OTHER_ENDS.get(model_status, "unknown")
            raise SolverFailure(name, f"HiGHS ended with '{name}' and no usable plan")
        is_mip = bool(self.held.integrality.any())
        gap = float(info.mip_gap) if is_mip else 0.0
        bound = float(info.mip_dual_bound) if is_mip else float(info.objective_function_value)
        outcome = SolveOutcome(status=status, objective_value=float(info.objective_function_value),
                               best_bound=bound, mip_gap=gap if gap == gap and gap < 1e30 else float("inf"),
                               highs_seconds=highs_seconds, solve_seconds=seconds)
        return RunReport(outcome, np.array(h.getSolution().col_value))


_THREAD_SOLVERS = threading.local()


def process_solver(key: str) -> PersistentHighs:
    """This thread's HiGHS model for ``key`` (a case file): created on first use, then changed in place by
    every scenario of that case the thread solves (sweep, tornado and switching-value workers). One per
    thread, so that a Dask worker running several threads never shares a model between two solves."""
    solvers = getattr(_THREAD_SOLVERS, "by_key", None)
    if solvers is None:
        solvers = _THREAD_SOLVERS.by_key = {}
    if key not in solvers:
        solvers[key] = PersistentHighs()
    return solvers[key]


def _copy(f: StandardForm) -> StandardForm:
    return StandardForm(f.col_names, f.row_names, f.cost.copy(), f.maximize, f.col_lower.copy(), f.col_upper.copy(),
                        f.integrality, f.row_lower.copy(), f.row_upper.copy(), f.a_start, f.a_index, f.a_value.copy())


def _stage_terms(rm: RowModel, data: ModelData) -> list:
    if rm.objective_kind == "max_abatement":
        return abatement_objective_terms(rm, data)
    if rm.objective_kind == "min_cost":
        return [(1.0, rm.shortfall[t]) for t in rm.target_years]
    return []


def scenario_form(data: ModelData, objective: str | None = None) -> tuple[RowModel, StandardForm]:
    """The row model of one scenario and the first-stage form HiGHS is given: every family, the objective,
    and last the stage row (free until a second stage bounds it)."""
    rm = build_row_model(data, objective)
    stage_terms = _stage_terms(rm, data)
    if stage_terms:
        setattr(rm, STAGE_ROW, rm.rows_of(None, lambda m: Row(stage_terms, None, None)))
    return rm, standard_form(rm)


def _second_stage_bounds(rm: RowModel, data: ModelData, first_objective: float) -> tuple[float, float] | None:
    """Bounds of the stage row in the second stage (as ``abatement_floor`` / ``shortfall_cap`` in
    ``model.objective``), or None when there is no second stage."""
    if STAGE_ROW not in rm.families:  # nothing to bound: no target years, nothing to abate
        return None
    if rm.objective_kind == "max_abatement":
        return abatement_floor(first_objective), np.inf
    if rm.objective_kind == "min_cost":
        shortfall = sum(shortfall_ledger(rm, data).values())
        if shortfall > 0:
            return -np.inf, shortfall_cap(shortfall)
    return None


def cost_vector(rm: RowModel, data: ModelData) -> np.ndarray:
    """Net present cost per column (the second stages' objective), in the row model's column order."""
    cost = np.zeros(rm.nvariables())
    for coef, col in cost_terms(rm, data):
        cost[col.position] += coef
    return cost


def solve_in_place(loaded: LoadedCase, solver: PersistentHighs, variant: str | None = None,
                   objective: str | None = None):
    """Like :func:`optimizer.solve.solve`, on ``solver``'s HiGHS model changed in place; the same stages
    (lexicographic ``max_abatement``; a money-only second stage when elastic ``min_cost`` leaves a shortfall). Returns a :class:`~optimizer.results.Result`."""
    from .results import extract_result

    t0 = time.perf_counter()
    data = prepare(loaded, variant)
    t1 = time.perf_counter()
    rm, form = scenario_form(data, objective)
    t2 = time.perf_counter()
    solver.load(form)
    first = solver.run(data.case.solver, data)
    rm.load_values(first.x)
    outcome = first.outcome
    second_stage = _second_stage_bounds(rm, data, first.outcome.objective_value)
    if second_stage is not None:
        lower, upper = second_stage
        row, scale = form.row_names.index((STAGE_ROW, None)), stage_row_scale(upper if lower == -np.inf else lower)
        solver.scale_row(row, scale)
        solver.set_row_bounds(row, scale * lower, scale * upper)
        rm.families[STAGE_ROW][None] = Row(rm.families[STAGE_ROW][None].terms, None if lower == -np.inf else lower,
                                           None if upper == np.inf else upper)
        solver.set_objective(cost_vector(rm, data), maximize=False)
        second = solver.run(data.case.solver, data, start=first.x if solver.warm_start else None, clear=False)
        rm.load_values(second.x)
        if rm.objective_kind == "max_abatement":
            outcome = combine_stages(first.outcome, second.outcome, first.outcome.objective_value)
        else:
            penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
            refined = second.outcome.objective_value + penalty * sum(shortfall_ledger(rm, data).values())
            outcome = combine_stages(first.outcome, second.outcome, refined)
    t3 = time.perf_counter()
    result = extract_result(rm, data, outcome)
    t4 = time.perf_counter()
    result.timings.update(prepare_seconds=t1 - t0, build_seconds=t2 - t1, solve_seconds=t3 - t2,
                          highs_seconds=outcome.highs_seconds, extract_seconds=t4 - t3)
    return result
