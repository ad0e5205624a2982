"""The investment ladder: at which budget each project enters the optimum.

One model is built once and re-solved in place (:class:`optimizer.persistent.PersistentHighs`) at budget
levels ``lambda x`` the case's money limits (yearly and regional budgets, financing envelopes, phase
budgets; the payback rule is a rule, not a budget, and stays). A project's *entry budget* is the smallest
level at which the optimum includes it; ``lambda`` runs from zero to the level at which no money limit binds
(:func:`budget_levels`), with the case's own level (1) among them, so the ranking at the case's budget is the
solve's own;
then the steps in which projects first enter are halved a few times, so entry budgets are found to a fraction
of a step without solving every level that fine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..driver import run_stages
from ..model.families import MONEY_BY_YEAR
from ..persistent import InPlaceBackend, PersistentHighs, scenario_form
from ..prepare import ModelData
from ..progress import ProgressFn, silent
from ..results import Result, extract_result
from .ranking import chosen_columns

BUDGET_ROWS = (*MONEY_BY_YEAR, "phase_budget", "regional_budget")
"""Row families whose bounds are budgets (scaled together by the ladder)."""

DEFAULT_LEVELS = 10
"""Budget levels between zero and the level at which no money limit binds."""

DEFAULT_REFINE = 3
"""Halvings of a step where the choice changes (entry budgets to an eighth of a step)."""


@dataclass
class Ladder:
    """The budget levels solved and, per project of the pipeline table, the smallest at which it is chosen."""

    factors: list[float]
    """Budget levels solved, as multiples of the case's money limits, ascending."""
    budget_usd: list[float]
    """Each level as a total budget over the decision window (the case's yearly budgets, or else its
    financing envelopes, times the level); USD."""
    chosen: np.ndarray
    """(level, project of the table): chosen at that level."""
    reference_usd: float
    """The case's own total budget over the window (level 1); USD (NaN when it sets no money limit)."""

    def entry_factor(self) -> np.ndarray:
        """Per project: the smallest level at which it is chosen (NaN: at none)."""
        first = np.where(self.chosen.any(axis=0), self.chosen.argmax(axis=0), -1)
        return np.where(first >= 0, np.array(self.factors)[np.clip(first, 0, None)], np.nan)

    def chosen_share(self) -> np.ndarray:
        """Per project: the share of levels at or above its entry at which it stays chosen (1: it never
        drops out once in)."""
        entry = np.where(self.chosen.any(axis=0), self.chosen.argmax(axis=0), len(self.factors))
        levels = np.arange(len(self.factors))[:, None]
        above = levels >= entry[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(above.sum(axis=0) > 0, (self.chosen & above).sum(axis=0) / above.sum(axis=0), np.nan)


def _money_reference(data: ModelData) -> float:
    """The case's total budget over the window (or its financing envelopes' total); NaN without either."""
    budget = data.case.budget.total_usd_by_year
    if budget is not None:
        return float(sum(budget.by_year[y] for y in data.decision_years))
    if data.financing:
        return float(
            sum(f.envelope_usd_by_year.by_year.get(y, 0.0) for f in data.financing for y in data.decision_years)
        )
    return float("nan")


def _budget_rows(form) -> np.ndarray:
    return np.array([k for k, (family, _) in enumerate(form.row_names) if family in BUDGET_ROWS], dtype=int)


def investment_ladder(
    data: ModelData,
    objective: str | None = None,
    levels: int = DEFAULT_LEVELS,
    progress: ProgressFn | None = None,
    refine: int = DEFAULT_REFINE,
) -> tuple[Ladder, Result]:
    """Solve at ``levels`` budget levels (plus the case's own) in one HiGHS model changed in place, then halve
    the gaps in which projects first enter, the gap with the most entries times width first, down to a
    ``2**refine``-th of a step (at most ``refine * levels`` more solves); the result is the solve at the
    case's own budget. ``progress`` hears of each solve (:mod:`optimizer.progress`)."""
    say = progress or silent
    say("building the model", 0)
    rm, form = scenario_form(data, objective)
    rows = _budget_rows(form)
    solver = PersistentHighs()
    n = len(data.projects.frame) if data.projects is not None else 0

    results: list[Result] = []

    def solve_at(factor: float) -> np.ndarray:
        scaled = replace(form, row_upper=form.row_upper.copy())
        scaled.row_upper[rows] = form.row_upper[rows] * factor if np.isfinite(factor) else np.inf
        backend = InPlaceBackend(solver, rm, scaled, data)
        outcome = run_stages(backend, data)
        if factor == 1.0:
            results.append(extract_result(rm, data, outcome))
        chosen = np.zeros(n, dtype=bool)
        pd_ = data.projects
        if pd_ is not None:
            cols = chosen_columns(pd_, rm.project_values)
            chosen[pd_.kept[pd_.col_project[cols]]] = True
        return chosen

    if not len(rows):  # no money limit: a chosen project's entry budget is zero
        say("solving (the case sets no money limit)", 0, 1)
        chosen = solve_at(1.0)
        return Ladder([0.0], [0.0], chosen[None, :], float("nan")), results[0]
    say("solving budget levels", 0, levels + 2)  # about: the unlimited level, the levels and the case's own
    solve_at(np.inf)
    used = _row_activity(solver, rows)
    bound = form.row_upper[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(bound > 0, used / bound, 0.0)  # a zero budget stays zero at every level
    top = float(ratio.max()) if len(ratio) else 1.0
    top = top if top > 0 else 1.0
    factors = budget_levels(top, levels)
    say("solving budget levels", 1, len(factors) + 1)
    chosen_at: dict[float, np.ndarray] = {}
    for k, factor in enumerate(factors, start=2):
        chosen_at[factor] = solve_at(factor)
        say("solving budget levels", k, len(factors) + 1, f"{factor:.2f}x the case's budget")
    finest = min(np.diff(factors)) / 2**refine
    say("refining entry budgets", 0, refine * levels, "at most; stops once they are found")
    for extra in range(refine * levels):
        gap = _widest_change(chosen_at, finest)
        if gap is None:
            break
        factor = 0.5 * (gap[0] + gap[1])
        chosen_at[factor] = solve_at(factor)
        say("refining entry budgets", extra + 1, refine * levels, "at most; stops once they are found")
    factors = sorted(chosen_at)
    reference = _money_reference(data)
    by_level = np.array([chosen_at[f] for f in factors])
    return Ladder(factors, [f * reference for f in factors], by_level, reference), results[0]


def budget_levels(top: float, levels: int) -> list[float]:
    """Levels from 0 to ``top`` (where no money limit binds) and the case's own (1): equal steps, half of
    them at or below the case's budget when ``top`` lies above it (what enters as a budget is cut matters most
    to a planner), the rest from there to ``top``."""
    if top <= 1.0:
        return sorted({*(top * k / levels for k in range(levels + 1)), 1.0})
    below = max(1, levels // 2)
    above = max(1, levels - below)
    return sorted({*(k / below for k in range(below + 1)), *(1 + (top - 1) * k / above for k in range(above + 1))})


def _widest_change(chosen_at: dict[float, np.ndarray], finest: float) -> tuple[float, float] | None:
    """The pair of neighbouring levels, still wider apart than ``finest``, that leaves the most entry budget
    uncertain: the projects first chosen at its upper level (none below) times the width; None when no entry
    lies in a gap wider than ``finest``."""
    factors = sorted(chosen_at)
    seen = np.zeros_like(chosen_at[factors[0]])
    best, best_weight = None, 0.0
    for low, high in itertools.pairwise(factors):
        seen = seen | chosen_at[low]
        entries = int((chosen_at[high] & ~seen).sum())
        weight = entries * (high - low)
        if high - low > finest * (1 + 1e-9) and weight > best_weight:
            best, best_weight = (low, high), weight
    return best


def _row_activity(solver: PersistentHighs, rows: np.ndarray) -> np.ndarray:
    values = np.array(solver.highs.getSolution().row_value)
    return values[rows]


def with_entry_budgets(pipeline: pd.DataFrame, ladder: Ladder, frame_ids: list[str]) -> pd.DataFrame:
    """The pipeline table with each project's entry budget, ranked in entry order (ties: cost per tonne)."""
    entry = pd.Series(ladder.entry_factor(), index=frame_ids)
    share = pd.Series(ladder.chosen_share(), index=frame_ids)
    out = pipeline.drop(columns=["rank"]).copy()
    out["entry_budget_factor"] = out["project"].map(entry)
    out["entry_budget_usd"] = out["entry_budget_factor"] * ladder.reference_usd
    out["stays_chosen_share"] = out["project"].map(share)
    out = out.sort_values(["entry_budget_factor", "cost_per_tco2e_usd"], na_position="last", kind="stable").reset_index(
        drop=True
    )
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def ladder_points(pipeline: pd.DataFrame, year: int) -> pd.DataFrame:
    """Cumulative capex and abatement in ``year`` in entry order, over the projects that enter at some level."""
    entered = pipeline[pipeline["entry_budget_factor"].notna()]
    column = f"abatement_{year}_tco2e"
    return pd.DataFrame(
        {
            "project": entered["project"],
            "cumulative_capex_usd": entered["capex_usd"].cumsum(),
            "cumulative_abatement_tco2e": entered[column].fillna(0.0).cumsum() if column in entered else 0.0,
            "entry_budget_usd": entered["entry_budget_usd"],
            "entry_budget_factor": entered["entry_budget_factor"],
        }
    )


def pipeline_with_ladder(
    data: ModelData,
    objective: str | None,
    levels: int,
    progress: ProgressFn | None = None,
    refine: int = DEFAULT_REFINE,
) -> tuple[Result, Ladder]:
    """The solve at the case's budget, its pipeline table ranked in entry order with the entry budgets."""
    ladder, result = investment_ladder(data, objective, levels, progress, refine)
    if result.pipeline is not None and data.projects is not None:
        result.pipeline = with_entry_budgets(result.pipeline, ladder, data.projects.frame["id"].tolist())
    return result, ladder
