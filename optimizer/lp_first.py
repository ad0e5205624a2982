"""A plan certified by the LP bound, before any branching: for large pipeline models.

On a model of tens of thousands of project binaries, HiGHS spends most of its time at the root node (domain
propagation over the long target and budget rows, rounds of cuts) although the LP relaxation is already
within a fraction of a per cent of the integer optimum. So, on the HiGHS model as it stands:

1. solve the LP relaxation (every column continuous): its objective bounds the MIP optimum;
2. fix every integer column whose LP value is integral at that value and solve the much smaller MIP over
   the fractional ones (the RENS neighbourhood of the LP solution): any plan it finds is a plan of the
   full model;
3. when that plan is within the case's ``mip_rel_gap`` of the LP bound, it is the answer: its gap is
   certified by the bound, and no branching is needed. Otherwise the full MIP runs, started from that plan.

The model HiGHS holds is left as it was (integrality and bounds restored) whatever happens.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from .driver import Attempt, Termination

SUBMIP_TIME_SHARE = 0.25
"""Share of the time left that the fix-and-solve step may take."""

INTEGRAL = 1e-6
"""An LP value this close to a whole number counts as integral (and is fixed)."""


@dataclass
class Certified:
    """The fix-and-solve plan and how close the LP bound says it is."""

    values: np.ndarray
    objective: float
    bound: float
    gap: float
    highs_seconds: float


def relative_gap(objective: float, bound: float) -> float:
    """|objective - bound| / max(|objective|, 1): HiGHS's own definition of the MIP gap."""
    return abs(objective - bound) / max(abs(objective), 1.0)


def lp_first(highs: highspy.Highs, integrality: np.ndarray, time_limit: float) -> Certified | None:
    """Steps 1 and 2 above on ``highs`` (``integrality``: the model's, 1 for integer columns); None when the
    relaxation or the fix-and-solve step ends without a plan."""
    started = highs.getRunTime()
    n = len(integrality)
    index = np.arange(n, dtype=np.int32)
    integer = np.flatnonzero(integrality).astype(np.int32)
    lp = highs.getLp()
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    try:
        highs.changeColsIntegrality(len(integer), integer, np.zeros(len(integer), dtype=np.uint8))
        highs.setOptionValue("time_limit", float(time_limit))
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        bound = float(highs.getInfo().objective_function_value)
        relaxed = np.array(highs.getSolution().col_value)
        rounded = np.round(relaxed[integer])
        integral = np.abs(relaxed[integer] - rounded) <= INTEGRAL
        fixed = integer[integral]
        highs.changeColsIntegrality(len(integer), integer, np.ones(len(integer), dtype=np.uint8))
        highs.changeColsBounds(len(fixed), fixed, rounded[integral], rounded[integral])
        spent = highs.getRunTime() - started
        highs.setOptionValue("time_limit", max(SUBMIP_TIME_SHARE * (time_limit - spent), 0.05))
        highs.run()
        info = highs.getInfo()
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            return None
        values = np.array(highs.getSolution().col_value)
        objective = float(info.objective_function_value)
    finally:
        highs.changeColsIntegrality(len(integer), integer, np.ones(len(integer), dtype=np.uint8))
        highs.changeColsBounds(n, index, lower, upper)
    return Certified(values, objective, bound, relative_gap(objective, bound), highs.getRunTime() - started)


def certified_attempt(found: Certified, wall_seconds: float) -> Attempt:
    """The fix-and-solve plan as the driver's :class:`Attempt`: optimal within the gap the LP bound proves."""
    return Attempt(
        termination=Termination.OPTIMAL,
        has_plan=True,
        objective_value=found.objective,
        best_bound=found.bound,
        mip_gap=found.gap,
        highs_seconds=found.highs_seconds,
        solve_seconds=wall_seconds,
        raw_status="Optimal (within the gap, by the LP bound)",
    )
