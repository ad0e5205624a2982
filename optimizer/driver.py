"""The one solve driver: how a model is solved in stages, what each solver ending means, and the timings.

Two backends hold a model and run HiGHS on it: :class:`optimizer.pyomo_backend.PyomoBackend` (a Pyomo model through
APPSI: solve, batch, report, explain, alternatives, regret) and :class:`optimizer.persistent.InPlaceBackend`
(the same constraint families as plain rows in one ``highspy.Highs`` changed in place: sweeps, tornado,
switching values). Each backend only translates: it reports a solver run as an :class:`Attempt` in the
backend-neutral :class:`Termination` terms, and carries out a :class:`SecondStage` on its own model. Everything
else is decided here, once:

- :func:`second_stage`: whether a second solve follows the first and with which bound (the lexicographic
  ``max_abatement``; the money-only refinement of an elastic ``min_cost`` that left a shortfall);
- :func:`outcome_of`: the status names and the :class:`~optimizer.errors.SolverFailure` messages;
- :func:`run_stages`: first stage, second stage, the combined outcome and its objective value.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

from .errors import SolverFailure
from .model.objective import ObjectiveKind, abatement_floor, shortfall_cap

if TYPE_CHECKING:
    from .loading import LoadedCase
    from .prepare import ModelData
    from .results import Result


HIGHS_OPTIONS: dict[str, bool | int | float] = {
    "threads": 1,
    "output_flag": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_allow_restart": False,
}
"""HiGHS options both backends set on every model, besides the case's own (time limit, gap, seed), chosen by
measurement (``bench/bench_levers.py``, docs/performance.md):

- one thread: two threads inside HiGHS are slower on these models than one; batches and sweeps use the cores
  with one process per case or scenario instead;
- no RINS or RENS sub-MIP heuristics and no restarts: on the 11 country cases HiGHS's own time falls to 0.37x
  with the same plan in every case (the same interventions, start years and units; objective and NPV equal
  to 1e-9), and to 0.33-0.97x on synthetic national cases of 40-400 interventions; the sub-MIPs spent most of
  their time after the final plan had been found."""


class Termination(enum.Enum):
    """How a solver run ended, in terms both backends map their own codes to."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    INTERRUPTED = "interrupted"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    OTHER = "unknown"


STOPPED_EARLY = (Termination.TIME_LIMIT, Termination.ITERATION_LIMIT, Termination.INTERRUPTED)
"""Endings that keep the best plan found so far, when there is one."""


@dataclass
class Attempt:
    """One solver run as a backend reports it."""

    termination: Termination
    has_plan: bool
    objective_value: float
    best_bound: float
    mip_gap: float
    highs_seconds: float
    solve_seconds: float
    raw_status: str = ""
    """The solver's own name for the ending (for messages)."""


@dataclass
class SolveOutcome:
    """What the solver reported, before results are extracted."""

    status: str  # optimal | time_limit | iteration_limit | interrupted
    objective_value: float
    best_bound: float
    mip_gap: float
    highs_seconds: float
    solve_seconds: float
    tolerance_usd: float | None = None
    """How far, in dollars, the plan's net present cost may be from the best possible at the shortfall it
    leaves (from the solver's bound and the stage rules); None where the objective is not in money."""
    tolerance_tco2e: float | None = None
    """How many more tonnes of shortfall (min_cost) or fewer tonnes of abatement (max_abatement) than the best
    possible the plan may have; None where the objective is not in tonnes."""


def absolute_gap(outcome: SolveOutcome) -> float:
    """|objective - best bound| of one stage, in the objective's unit (inf when the bound is unknown)."""
    gap = abs(outcome.objective_value - outcome.best_bound)
    return gap if gap == gap else float("inf")


@dataclass(frozen=True)
class SecondStage:
    """A second solve: minimise the net present cost alone, with the stage row (``row``: a name of
    ``model.objective``) bounded to ``lower <= row <= upper`` (one side infinite)."""

    row: str
    """``abatement_floor`` (the abatement objective may not fall) or ``shortfall_cap`` (total shortfall may
    not grow)."""
    lower: float
    upper: float


class Backend(Protocol):
    """A model held by a solver, as the driver needs it."""

    @property
    def model(self) -> Any:
        """The model the plan is read from (a Pyomo model or a row model: both have the variable families
        by name, ``optimizer.results.extract_result`` reads either)."""
        ...

    @property
    def objective_kind(self) -> ObjectiveKind: ...

    def run(self, *, first: bool, time_limit: float) -> Attempt:
        """Solve what the model holds now (``first``: the first stage of this solve), for at most
        ``time_limit`` seconds."""
        ...

    def save_plan(self) -> None:
        """Remember the plan now loaded (the first stage's), to fall back to."""
        ...

    def restore_plan(self) -> None:
        """Load the remembered plan again."""
        ...

    def net_present_cost(self) -> float:
        """Whole-life net present cost of the plan now loaded; USD."""
        ...

    def total_shortfall(self) -> float:
        """Tonnes of shortfall over the enforced years in the plan just solved (0 without target rows)."""
        ...

    def enter(self, stage: SecondStage) -> None:
        """Bound the stage row and make the net present cost the objective (to be minimised)."""
        ...


def infeasible_message(data: ModelData) -> str:
    if data.case.target_rules.mode == "hard":
        return (
            "No plan meets the hard target pathway within the budgets and limits. Set "
            "target_rules.mode: elastic to get the best plan and its shortfall by year."
        )
    return "No plan satisfies the budgets and limits (check budgets, financing and resource limits)."


def outcome_of(attempt: Attempt, data: ModelData) -> SolveOutcome:
    """The status of a run, or :class:`SolverFailure` when it left no usable plan: the one status mapping."""
    ending = attempt.termination
    if ending is Termination.OPTIMAL and attempt.has_plan:
        status = "optimal"
    elif ending in STOPPED_EARLY and attempt.has_plan:
        status = ending.value
    elif ending is Termination.INFEASIBLE:
        raise SolverFailure("infeasible", infeasible_message(data))
    elif ending in STOPPED_EARLY:
        raise SolverFailure(
            ending.value,
            f"HiGHS stopped ({ending.value}) after {attempt.solve_seconds:.1f} s "
            "without a feasible plan; raise solver.time_limit_seconds",
        )
    else:
        name = attempt.raw_status or ending.value
        raise SolverFailure(
            ending.value if ending is not Termination.OTHER else name, f"HiGHS ended with '{name}' and no usable plan"
        )
    gap = attempt.mip_gap
    return SolveOutcome(
        status=status,
        objective_value=attempt.objective_value,
        best_bound=attempt.best_bound,
        mip_gap=gap if gap == gap and gap < 1e30 else float("inf"),
        highs_seconds=attempt.highs_seconds,
        solve_seconds=attempt.solve_seconds,
    )


def second_stage(kind: ObjectiveKind, first_objective: float, shortfall: float) -> SecondStage | None:
    """The second solve that follows a first stage, if any: the one definition of the stage rule."""
    if kind is ObjectiveKind.MAX_ABATEMENT:
        return SecondStage("abatement_floor", abatement_floor(first_objective), float("inf"))
    if kind is ObjectiveKind.MIN_COST and shortfall > 0:
        return SecondStage("shortfall_cap", float("-inf"), shortfall_cap(shortfall))
    return None


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


MIN_STAGE_SECONDS = 0.05
"""A second stage gets at least this much time, even when the first used up the limit (it starts from the first
stage's plan, and falls back to it)."""


def fallback(first: SolveOutcome, ending: str, kind: ObjectiveKind, data: ModelData, seconds: float) -> SolveOutcome:
    """The first stage's plan, kept because the second stage stopped (``ending``) without a cheaper one: the
    shortfall (or abatement) is as good as the first stage proved, the money not refined."""
    gap = absolute_gap(first)
    penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
    return SolveOutcome(
        status=ending,
        objective_value=first.objective_value,
        best_bound=first.best_bound,
        mip_gap=first.mip_gap,
        highs_seconds=first.highs_seconds,
        solve_seconds=first.solve_seconds + seconds,
        tolerance_usd=gap if kind is ObjectiveKind.MIN_COST else None,
        tolerance_tco2e=gap / penalty if kind is ObjectiveKind.MIN_COST else gap,
    )


def run_stages(backend: Backend, data: ModelData) -> SolveOutcome:
    """Solve in one or two stages (see :func:`second_stage`); the plan of the last stage stays loaded.

    ``solver.time_limit_seconds`` bounds the whole solve: the second stage gets what the first left (at least
    :data:`MIN_STAGE_SECONDS`). When the second stage stops early without a plan, or with one that costs more
    than the first stage's, the first stage's plan is kept and the status says the solve stopped early.

    The reported objective value is the first stage's for ``max_abatement`` (the abatement objective), and
    for a refined ``min_cost`` the second stage's cost plus the penalty on the shortfall it kept."""
    limit = float(data.case.solver.time_limit_seconds)
    first = outcome_of(backend.run(first=True, time_limit=limit), data)
    kind = backend.objective_kind
    shortfall = backend.total_shortfall() if kind is ObjectiveKind.MIN_COST else 0.0
    stage = second_stage(kind, first.objective_value, shortfall)
    if stage is None:
        if kind is ObjectiveKind.MIN_COST:  # the targets are met: the objective is money alone
            first.tolerance_usd, first.tolerance_tco2e = absolute_gap(first), 0.0
        return first
    backend.save_plan()
    first_cost = backend.net_present_cost()
    backend.enter(stage)
    attempt = backend.run(first=False, time_limit=max(limit - first.solve_seconds, MIN_STAGE_SECONDS))
    if attempt.termination in STOPPED_EARLY and (
        not attempt.has_plan or backend.net_present_cost() > first_cost + 1e-9 * max(1.0, abs(first_cost))
    ):
        backend.restore_plan()
        both = fallback(first, attempt.termination.value, kind, data, attempt.solve_seconds)
        both.highs_seconds += attempt.highs_seconds
        return both
    second = outcome_of(attempt, data)
    if kind is ObjectiveKind.MAX_ABATEMENT:
        both = combine_stages(first, second, first.objective_value)
        both.tolerance_tco2e = absolute_gap(first) + (first.objective_value - stage.lower)
    else:
        penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
        both = combine_stages(first, second, second.objective_value + penalty * backend.total_shortfall())
        # the first stage's gap in tonnes of penalty, plus the shortfall the money-only stage may add
        both.tolerance_tco2e = absolute_gap(first) / penalty + (stage.upper - shortfall)
    both.tolerance_usd = absolute_gap(second)
    return both


class Timed(Protocol):
    """What a solve returns: a reading of the plan, with the timings of the steps."""

    timings: dict


R = TypeVar("R", bound=Timed)

Extract = Callable[[Any, "ModelData", SolveOutcome], R]
"""Reads the solved plan from a backend's model: :func:`optimizer.results.extract_result` (every table) or
:func:`optimizer.results.extract_scenario` (a sweep's figures)."""


@overload
def solve_with(
    loaded: LoadedCase,
    make_backend: Callable[[ModelData, str | None], Backend],
    variant: str | None = None,
    objective: str | None = None,
    extract: None = None,
) -> Result: ...


@overload
def solve_with(
    loaded: LoadedCase,
    make_backend: Callable[[ModelData, str | None], Backend],
    variant: str | None = None,
    objective: str | None = None,
    *,
    extract: Extract[R],
) -> R: ...


def solve_with(
    loaded: LoadedCase,
    make_backend: Callable[[ModelData, str | None], Backend],
    variant: str | None = None,
    objective: str | None = None,
    extract: Extract[R] | None = None,
) -> R | Result:
    """Prepare, build (``make_backend``), solve in stages and read the plan (``extract``, by default a full
    :class:`~optimizer.results.Result`), timing each step: the one path from a loaded case to a result,
    whichever backend holds the model."""
    from .prepare import prepare
    from .results import extract_result

    t0 = time.perf_counter()
    data = prepare(loaded, variant)
    t1 = time.perf_counter()
    backend = make_backend(data, objective)
    t2 = time.perf_counter()
    outcome = run_stages(backend, data)
    t3 = time.perf_counter()
    result = (extract or extract_result)(backend.model, data, outcome)
    t4 = time.perf_counter()
    result.timings.update(
        prepare_seconds=t1 - t0,
        build_seconds=t2 - t1,
        solve_seconds=t3 - t2,
        highs_seconds=outcome.highs_seconds,
        extract_seconds=t4 - t3,
    )
    return result
