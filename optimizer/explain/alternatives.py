"""Near-optimal alternatives: the k best distinct portfolios within a cost tolerance, by no-good cuts on the
set of interventions started (a portfolio is the set of interventions it starts)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo

from ..driver import second_stage
from ..errors import SolverFailure
from ..loading import LoadedCase
from ..model import build_model
from ..model.expressions import linear
from ..model.objective import ObjectiveKind, add_second_stage, cost_terms
from ..prepare import ModelData, prepare
from ..progress import ProgressFn, silent
from ..pyomo_backend import make_solver, run_highs


@dataclass
class Alternative:
    rank: int
    objective_value: float
    net_present_cost_usd: float
    shortfall_tco2e: float
    interventions: frozenset[str]


def _started(m) -> frozenset[str]:
    return frozenset(i for (i, y) in m.start_index_set if (m.start[i, y].value or 0.0) > 0.5)


def _exclude(m, portfolio: frozenset[str], k: int) -> None:
    """No-good cut: at least one intervention must be started or not started differently."""
    ids = sorted({i for (i, _) in m.start_index_set})
    terms, constant = [], 0.0
    for i in ids:
        starts = [m.start[i, y] for (ii, y) in m.start_index_set if ii == i]
        if i in portfolio:
            constant += 1.0
            terms += [(-1.0, v) for v in starts]
        else:
            terms += [(1.0, v) for v in starts]
    setattr(m, f"no_good_{k}", pyo.Constraint(expr=linear(terms, constant) >= 1.0))


def _within(value: float, best: float, tolerance: float, sense: int) -> bool:
    slack = tolerance * max(abs(best), 1e-9)
    return value <= best + slack if sense > 0 else value >= best - slack


def find_alternatives(
    data: ModelData, k: int = 5, tolerance: float = 0.05, progress: ProgressFn | None = None
) -> list[Alternative]:
    """The optimum and up to ``k`` further distinct portfolios, in order, within ``tolerance`` (relative) of
    the optimum. One model; a no-good cut is added after each solve. For ``min_cost`` with a shortfall, the
    alternatives may not miss the targets by more than the optimum does, and are ranked and compared by net
    present cost (the shortfall penalty would otherwise swamp the tolerance). ``progress`` hears of each
    solve (:mod:`optimizer.progress`); the search stops early when the next portfolio is beyond the tolerance."""
    report = progress or silent
    what = "finding distinct portfolios"
    report(what, 0, k + 1)
    m = build_model(data)
    m.objective_kind = ObjectiveKind.AS_GIVEN  # each solve one stage; the refinement below is added once
    sense = 1 if m.objective.sense == pyo.minimize else -1
    solver = make_solver(data)
    found: list[Alternative] = []
    best = None
    by_cost = False
    for rank in range(k + 1):
        try:
            outcome = run_highs(m, data, solver)
        except SolverFailure:
            break
        shortfall = sum(m.shortfall[t].value or 0.0 for t in m.target_years)
        if rank == 0 and data.case.objective.kind == ObjectiveKind.MIN_COST and shortfall > 1e-6:
            add_second_stage(m, data, second_stage(ObjectiveKind.MIN_COST, outcome.objective_value, shortfall))
            by_cost = True
            outcome = run_highs(m, data, solver)
            shortfall = sum(m.shortfall[t].value or 0.0 for t in m.target_years)
        cost = sum(coef * (var.value or 0.0) for coef, var in cost_terms(m, data))
        ranked = cost if by_cost else outcome.objective_value
        if best is None:
            best = ranked
        elif not _within(ranked, best, tolerance, sense):
            break
        value = (
            cost + data.case.target_rules.shortfall_penalty_usd_per_tco2e * shortfall
            if by_cost
            else outcome.objective_value
        )
        found.append(Alternative(rank, value, cost, shortfall, _started(m)))
        _exclude(m, found[-1].interventions, rank)
        report(what, rank + 1, k + 1)
    return found


def alternatives_table(found: list[Alternative]) -> pd.DataFrame:
    if not found:
        return pd.DataFrame(
            columns=[
                "rank",
                "objective_value",
                "extra_vs_optimum",
                "net_present_cost_usd",
                "extra_cost_usd",
                "shortfall_tco2e",
                "n_interventions",
                "added",
                "removed",
            ]
        )
    base = found[0]
    rows = []
    for alt in found:
        rows.append(
            {
                "rank": alt.rank,
                "objective_value": alt.objective_value,
                "extra_vs_optimum": alt.objective_value - base.objective_value,
                "net_present_cost_usd": alt.net_present_cost_usd,
                "extra_cost_usd": alt.net_present_cost_usd - base.net_present_cost_usd,
                "shortfall_tco2e": alt.shortfall_tco2e,
                "n_interventions": len(alt.interventions),
                "added": ";".join(sorted(alt.interventions - base.interventions)),
                "removed": ";".join(sorted(base.interventions - alt.interventions)),
            }
        )
    return pd.DataFrame(rows)


def alternatives(
    loaded: LoadedCase,
    variant: str | None = None,
    k: int = 5,
    tolerance: float = 0.05,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Python API: the table of the optimum (rank 0) and up to k distinct alternatives."""
    return alternatives_table(find_alternatives(prepare(loaded, variant), k, tolerance, progress))
