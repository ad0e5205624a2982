"""Entry budgets: the smallest budget at which the optimum includes each project, found by re-solving one
model in place along the budget ladder, on a knapsack small enough to solve by hand."""

from __future__ import annotations

import math

import numpy as np

from optimizer.pipeline.ladder import ladder_points, pipeline_with_ladder
from optimizer.prepare import prepare
from optimizer.synthetic import build, case_dict, intervention, q, series

from .pipeline_helpers import with_pipeline


def _knapsack():
    """One decision year with a US$100 budget and three projects that save money over 10 undiscounted years:
    p1 costs 30 (NPV 60), p2 50 (NPV 70), p3 100 (NPV 90). By hand, the best set at budget B is: none below
    30, {p1} for 30-49, {p2} for 50-79, {p1, p2} for 80-129, {p1, p3} for 130-149, {p2, p3} for 150-179 and
    all three from 180. So p1 enters at 30, p2 at 50 and p3 at 130; the ladder tops out at 180 (1.8x)."""
    item = intervention(
        "a",
        capex_usd_per_unit=10_000,
        potential={"basis": "country", "units_per_basis": q(1000)},
        effects=[{"type": "share", "source": "s0", "fraction": q(0.5)}],
    )
    case = case_dict(
        decision_window={"first_year": 2026, "last_year": 2026},
        variants={"main": {"targets": [{"type": "absolute", "year": 2030, "cap_tco2e": q(5000)}]}},
        budget={"total_usd_by_year": series({2026: 100})},
        phases=[{"id": "quick_wins", "name": "Quick wins", "first_start_year": 2026}],
    )
    rows = [
        {"id": "p1", "intervention": "a", "size": 1, "capex_usd": 30, "om_change_usd_per_year": -9},
        {"id": "p2", "intervention": "a", "size": 1, "capex_usd": 50, "om_change_usd_per_year": -12},
        {"id": "p3", "intervention": "a", "size": 1, "capex_usd": 100, "om_change_usd_per_year": -19},
    ]
    return with_pipeline(build([item], case), rows)


def test_entry_budgets_match_the_hand_solution():
    result, ladder = pipeline_with_ladder(prepare(_knapsack()), None, levels=18)
    assert math.isclose(max(ladder.factors), 1.8) and 1.0 in ladder.factors
    table = result.pipeline.set_index("project")
    # levels 1/9 apart up to the case's budget, 0.8/9 above it; entries found to an eighth of the finer step
    entry = table.loc[["p1", "p2", "p3"], "entry_budget_usd"].to_numpy()
    assert np.all(entry >= np.array([30, 50, 130]) - 1e-6) and np.all(
        entry <= np.array([30, 50, 130]) + 80 / 9 / 8 + 1e-9
    )
    assert table["rank"].tolist() == [1, 2, 3]  # entry order
    # at the case's own budget (100): p1 and p2
    assert table.loc["p1", "selected"] and table.loc["p2", "selected"] and not table.loc["p3", "selected"]
    # p1 drops out at 50-79 and again from 150: it stays chosen at fewer than all levels above its entry
    assert table.loc["p1", "stays_chosen_share"] < 1 and table.loc["p3", "stays_chosen_share"] == 1


def test_the_ladder_climbs_in_entry_order():
    result, _ = pipeline_with_ladder(prepare(_knapsack()), None, levels=18)
    points = ladder_points(result.pipeline, 2030)
    assert points["project"].tolist() == ["p1", "p2", "p3"]
    assert np.allclose(points["cumulative_capex_usd"], [30, 80, 180])


def test_refinement_finds_entry_budgets_between_coarse_levels():
    """Five coarse levels (0, 50, 100 = the case's, 140, 180) and five halvings where projects enter: each entry
    budget within a 32nd of the finer step (US$1.25) above the hand solution."""
    result, ladder = pipeline_with_ladder(prepare(_knapsack()), None, levels=4, refine=5)
    entry = result.pipeline.set_index("project").loc[["p1", "p2", "p3"], "entry_budget_usd"].to_numpy()
    assert np.all(entry >= np.array([30, 50, 130]) - 1e-6) and np.all(entry <= np.array([30, 50, 130]) + 40 / 32 + 1e-9)
    assert len(ladder.factors) <= 6 + 5 * 4
