"""Switching values: how far an intervention's capex must move before it enters or leaves the optimal
portfolio (bisection over re-solves, bounded search)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ..driver import outcome_of
from ..errors import SolverFailure
from ..model.build import build_row_model
from ..model.rows import standard_form
from ..persistent import process_solver
from ..prepare import ModelData
from ..progress import ProgressFn, silent

MAX_FACTOR = 10.0  # search capex up to 10x for selected interventions
PRECISION = 0.03  # relative precision of the switching factor
SEARCH_TIME_LIMIT = 10.0  # seconds per re-solve in the search


@dataclass
class SwitchingValue:
    intervention: str
    selected: bool
    factor: float | None  # capex multiplier at which the choice flips; None: not within the search range
    text: str


def _with_capex_factor(data: ModelData, iid: str, factor: float) -> ModelData:
    changed = copy.copy(data)
    changed.candidates = dict(data.candidates)
    c = copy.copy(data.candidates[iid])
    y0 = int(data.years[0])
    c.npv_cost_per_unit = {
        y: v + (factor - 1) * c.capex * data.discount[y - y0] for y, v in c.npv_cost_per_unit.items()
    }
    c.capex = c.capex * factor
    changed.candidates[iid] = c
    return changed


SEARCH_MIP_GAP = 1e-4
"""Relative MIP gap of the re-solves in the search (only the selection matters, not the last dollar)."""


def _selected(data: ModelData, iid: str) -> bool | None:
    """Whether the optimum builds ``iid`` (one stage: only the selection matters), re-solved on this process's
    HiGHS model changed in place: between two points of the search only ``iid``'s capex coefficients move."""
    rm = build_row_model(data)
    solver = process_solver("switching values")
    solver.load(standard_form(rm))
    options = data.case.solver.model_copy(
        update={
            "mip_rel_gap": max(SEARCH_MIP_GAP, data.case.solver.mip_rel_gap),
            "time_limit_seconds": min(SEARCH_TIME_LIMIT, data.case.solver.time_limit_seconds),
        }
    )
    try:
        outcome_of(solver.run(options), data)  # one stage: only the selection matters
    except SolverFailure:
        return None
    rm.load_values(solver.solution())
    return any((rm.build[iid, y].value or 0.0) > 1e-6 for y in data.candidates[iid].build_years)


def switching_value(data: ModelData, iid: str, selected: bool) -> SwitchingValue:
    name = data.candidates[iid].name
    if data.candidates[iid].capex <= 0:
        return SwitchingValue(iid, selected, None, f"{name}: no capex to vary")
    if selected:
        lo, hi = 1.0, MAX_FACTOR
        if _selected(_with_capex_factor(data, iid, hi), iid):
            return SwitchingValue(iid, True, None, f"{name}: stays in the plan even at {MAX_FACTOR:g}x its capex")
    else:
        lo, hi = 0.0, 1.0
        if not _selected(_with_capex_factor(data, iid, lo), iid):
            return SwitchingValue(
                iid, False, None, f"{name}: stays out even at zero capex (its running costs or the limits keep it out)"
            )
    # invariant: the choice at lo equals the current one, at hi it has flipped (or the reverse for unselected)
    while hi - lo > PRECISION * max(hi, 1e-3):
        mid = (lo + hi) / 2
        flipped = _selected(_with_capex_factor(data, iid, mid), iid) != selected
        if selected:
            lo, hi = (lo, mid) if flipped else (mid, hi)
        else:
            lo, hi = (mid, hi) if flipped else (lo, mid)
    if selected:
        return SwitchingValue(
            iid, True, hi, f"{name}: leaves the plan if its capex rises by about {100 * (hi - 1):,.0f}%"
        )
    return SwitchingValue(iid, False, lo, f"{name}: enters the plan if its capex falls by about {100 * (1 - lo):,.0f}%")


def switching_values(
    data: ModelData,
    selected: set[str],
    ids: list[str] | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
    what: str = "switching values",
) -> list[SwitchingValue]:
    """Switching values of ``ids`` (default: every kept candidate). The searches are independent, so they run
    in ``workers`` processes (default: one per core; 1 runs them here). ``progress`` hears of each
    intervention done, as ``what`` (:mod:`optimizer.progress`)."""
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    report = progress or silent
    ids = ids or list(data.candidates)
    workers = workers or os.cpu_count() or 1
    report(what, 0, len(ids))
    if workers <= 1 or len(ids) < 4:
        out = []
        for i in ids:
            out.append(switching_value(data, i, i in selected))
            report(what, len(out), len(ids))
        return out
    with ProcessPoolExecutor(max_workers=min(workers, len(ids))) as pool:
        futures = [pool.submit(switching_value, data, i, i in selected) for i in ids]
        for done, _ in enumerate(as_completed(futures), start=1):
            report(what, done, len(ids))
        return [f.result() for f in futures]
