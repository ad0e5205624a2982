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

import os
import sys
import threading
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
from pyomo.common.gc_manager import PauseGC

from .driver import HIGHS_OPTIONS, Attempt, Extract, SecondStage, Termination, solve_with
from .errors import SolverFailure
from .loading import LoadedCase
from .lp_first import certified_attempt, lp_first
from .model.build import build_row_model
from .model.expressions import Row
from .model.limits import shortfall_ledger
from .model.objective import ObjectiveKind, cost_terms, stage_row_scale, stage_row_terms
from .model.rows import RowModel, StandardForm, standard_form
from .prepare import ModelData
from .schema.case import SolverOptions

STAGE_ROW = "stage_bound"
"""A row that is free in the first stage and bounds the second (the shortfall cap, or the abatement floor)."""

TERMINATIONS = {
    highspy.HighsModelStatus.kOptimal: Termination.OPTIMAL,
    highspy.HighsModelStatus.kTimeLimit: Termination.TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: Termination.ITERATION_LIMIT,
    highspy.HighsModelStatus.kSolutionLimit: Termination.ITERATION_LIMIT,
    highspy.HighsModelStatus.kInterrupt: Termination.INTERRUPTED,
    highspy.HighsModelStatus.kInfeasible: Termination.INFEASIBLE,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: Termination.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Termination.UNBOUNDED,
}
"""HiGHS's model statuses in the driver's terms (anything else: :attr:`Termination.OTHER`)."""


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
    ``warm_start``: start a second stage from the first stage's plan (feasible for it by construction), as the
    Pyomo backend does (docs/performance.md; pipelines always use it).
    ``certify``: look for a plan the LP bound certifies before branching (:mod:`optimizer.lp_first`); off by
    default, as on the pipelines measured it rarely certified a 0.1 % gap and did not pay for itself
    (docs/performance.md)."""

    def __init__(self, warm_start: bool = True, certify: bool = False):
        self.warm_start = warm_start
        self.certify = certify
        self.highs = quiet_highs()
        for name, value in HIGHS_OPTIONS.items():
            self.highs.setOptionValue(name, value)
        self.held: StandardForm | None = None
        self.counts = UpdateCounts()
        self.certified: np.ndarray | None = None

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
            len(f.col_names),
            len(f.row_names),
            len(f.a_value),
            int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMaximize if f.maximize else highspy.ObjSense.kMinimize),
            0.0,
            f.cost,
            f.col_lower,
            f.col_upper,
            f.row_lower,
            f.row_upper,
            f.a_start,
            f.a_index,
            f.a_value,
            f.integrality.astype(np.int32),
        )
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
    def run(
        self,
        options: SolverOptions,
        start: np.ndarray | None = None,
        clear: bool = True,
        time_limit: float | None = None,
        certify: bool = False,
    ) -> Attempt:
        """Solve what HiGHS holds (``start``: a feasible MIP start) for at most ``time_limit`` seconds (the
        case's limit when None). ``clear``: forget the previous run's basis and solution first (every
        scenario's first stage, so that no scenario depends on another); a second stage keeps its own first
        stage's. ``certify``: first look for a plan the LP bound certifies (:mod:`optimizer.lp_first`), and
        start the MIP from the best plan it found when it cannot certify one."""
        h = self.highs
        self.certified = None
        if clear:
            h.clearSolver()
        limit = float(options.time_limit_seconds if time_limit is None else time_limit)
        h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
        h.setOptionValue("random_seed", int(options.random_seed))
        started = time.perf_counter()
        before = h.getRunTime()
        if certify and self.held.integrality.any():
            found = lp_first(h, self.held.integrality, limit)
            if found is not None and found.gap <= options.mip_rel_gap:
                self.certified = found.values
                return certified_attempt(found, time.perf_counter() - started)
            if found is not None:
                start = found.values
        h.setOptionValue("time_limit", max(limit - (h.getRunTime() - before), 0.05))
        if start is not None:
            h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
        h.run()
        model_status, info = h.getModelStatus(), h.getInfo()
        is_mip = bool(self.held.integrality.any())
        return Attempt(
            termination=TERMINATIONS.get(model_status, Termination.OTHER),
            has_plan=info.primal_solution_status == 2,  # kSolutionStatusFeasible
            objective_value=float(info.objective_function_value),
            best_bound=float(info.mip_dual_bound) if is_mip else float(info.objective_function_value),
            mip_gap=float(info.mip_gap) if is_mip else 0.0,
            highs_seconds=h.getRunTime() - before,
            solve_seconds=time.perf_counter() - started,
            raw_status=h.modelStatusToString(model_status),
        )

    def solution(self) -> np.ndarray:
        """The plan of the last run (the certified plan when the LP bound certified one)."""
        if self.certified is not None:
            return self.certified.copy()
        return np.array(self.highs.getSolution().col_value)


def quiet_highs() -> highspy.Highs:
    """A ``highspy.Highs`` made without its banner: HiGHS prints its name and licence to the process's standard
    output when it is constructed, before any option can silence it, into the middle of a command's output."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output to silence
        return highspy.Highs()
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


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
    return StandardForm(
        f.col_names,
        f.row_names,
        f.cost.copy(),
        f.maximize,
        f.col_lower.copy(),
        f.col_upper.copy(),
        f.integrality,
        f.row_lower.copy(),
        f.row_upper.copy(),
        f.a_start,
        f.a_index,
        f.a_value.copy(),
    )


def _stage_terms(rm: RowModel, data: ModelData) -> list:
    """Terms of the stage row a second stage may bound (none for objectives without a second stage)."""
    if rm.objective_kind is ObjectiveKind.MAX_ABATEMENT:
        return stage_row_terms(rm, data, "abatement_floor")
    if rm.objective_kind is ObjectiveKind.MIN_COST:
        return stage_row_terms(rm, data, "shortfall_cap")
    return []


def scenario_form(data: ModelData, objective: str | None = None) -> tuple[RowModel, StandardForm]:
    """The row model of one scenario and the first-stage form HiGHS is given: every family, the objective,
    and last the stage row (free until a second stage bounds it)."""
    rm = build_row_model(data, objective)
    stage_terms = _stage_terms(rm, data)
    if stage_terms:
        rm.add_family(STAGE_ROW, rm.rows_of(None, lambda m: Row(stage_terms, None, None)))
        if rm.objective_kind is ObjectiveKind.MAX_ABATEMENT and rm.n_project_columns:
            cols = np.arange(rm.n_project_columns)
            rm.add_project_terms(STAGE_ROW, [None], np.zeros(len(cols), dtype=int), cols, rm.project_objective)
    return rm, standard_form(rm)


def cost_vector(rm: RowModel, data: ModelData) -> np.ndarray:
    """Net present cost per column (the second stages' objective), in the row model's column order."""
    cost = np.zeros(rm.nvariables())
    for coef, col in cost_terms(rm, data):
        cost[col.position] += coef
    if data.projects is not None:
        cost[len(rm.columns) :] = data.projects.npv_cost
    return cost


class InPlaceBackend:
    """One scenario's row model on a :class:`PersistentHighs` (the driver's :class:`Backend`): the first stage
    is the form as loaded; a second stage bounds the stage row (scaled) and sets the cost objective in place."""

    def __init__(self, solver: PersistentHighs, rm: RowModel, form: StandardForm, data: ModelData):
        self.solver, self.rm, self.form, self.data = solver, rm, form, data
        self.first_plan: np.ndarray | None = None

    @property
    def model(self) -> RowModel:
        return self.rm

    @property
    def objective_kind(self) -> ObjectiveKind:
        return self.rm.objective_kind

    @property
    def warm_start(self) -> bool:
        """Start a second stage from the first stage's plan: always for pipelines (a large second stage may
        otherwise find no plan in its time), as the solver says for national cases (docs/performance.md)."""
        return self.solver.warm_start or self.rm.n_project_columns > 0

    def run(self, *, first: bool, time_limit: float) -> Attempt:
        if first:
            self.solver.load(self.form)  # in place when the structure matches the model HiGHS holds
        warm = None if first or not self.warm_start else self.first_plan
        attempt = self.solver.run(
            self.data.case.solver, start=warm, clear=first, time_limit=time_limit, certify=self.solver.certify
        )
        if attempt.has_plan:
            plan = self.solver.solution()
            self.rm.load_values(plan)
            if first:
                self.first_plan = plan
        return attempt

    def total_shortfall(self) -> float:
        return sum(shortfall_ledger(self.rm, self.data).values())

    def save_plan(self) -> None:
        self.saved = self.solver.solution()

    def restore_plan(self) -> None:
        self.rm.load_values(self.saved)

    def net_present_cost(self) -> float:
        values = np.array([col.value or 0.0 for col in self.rm.columns] + self.rm.project_values.tolist())
        return float(np.dot(cost_vector(self.rm, self.data), values))

    def enter(self, stage: SecondStage) -> None:
        rm, solver = self.rm, self.solver
        if STAGE_ROW in rm.families:  # no stage row: nothing to abate and no target years, so nothing to bound
            lower, upper = stage.lower, stage.upper
            row = self.form.row_names.index((STAGE_ROW, None))
            scale = stage_row_scale(upper if lower == -np.inf else lower)
            solver.scale_row(row, scale)
            solver.set_row_bounds(row, scale * lower, scale * upper)
            rm.families[STAGE_ROW][None] = Row(
                rm.families[STAGE_ROW][None].terms,
                None if lower == -np.inf else lower,
                None if upper == np.inf else upper,
            )
        solver.set_objective(cost_vector(rm, self.data), maximize=False)


def solve_in_place(
    loaded: LoadedCase,
    solver: PersistentHighs,
    variant: str | None = None,
    objective: str | None = None,
    extract: Extract | None = None,
):
    """Like :func:`optimizer.pyomo_backend.solve`, on ``solver``'s HiGHS model changed in place, in the driver's stages
    (:func:`optimizer.driver.solve_with`). Returns a :class:`~optimizer.results.Result`, or what ``extract`` reads
    (:func:`optimizer.results.extract_scenario`: a sweep's figures)."""

    def backend(data: ModelData, kind: str | None) -> InPlaceBackend:
        rm, form = scenario_form(data, kind)
        return InPlaceBackend(solver, rm, form, data)

    # A scenario makes some ten thousand small objects (rows, terms) that all die when it returns; without
    # the pause, the collector would scan them again and again meanwhile (1-2 ms a scenario on Georgia).
    with PauseGC():
        return solve_with(loaded, backend, variant, objective, extract=extract)
