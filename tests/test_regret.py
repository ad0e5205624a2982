"""Regret and the minimax-regret portfolio: the shared-decision MILP matches brute force over every
portfolio of a tiny case, evaluated exactly in each scenario."""

from __future__ import annotations

import itertools
import math

import pytest

from optimizer.sweep.paths import apply_settings
from optimizer.sweep.regret import expected_cost, minimax_regret, optimum, portfolio_objective, scenario_data

from .helpers import build, case_dict, intervention, q, series


def _scenarios():
    items = [
        intervention(
            "a",
            all_or_nothing=True,
            capex_usd_per_unit=100,
            effects=[{"type": "share", "source": "s0", "fraction": q(0.3)}],
        ),
        intervention(
            "b",
            all_or_nothing=True,
            capex_usd_per_unit=80,
            effects=[{"type": "share", "source": "s1", "fraction": q(0.25)}],
        ),
        intervention(
            "c",
            all_or_nothing=True,
            capex_usd_per_unit=60,
            om_change_usd_per_unit_year=-5,
            effects=[{"type": "share", "source": "s1", "fraction": q(0.1)}],
        ),
    ]
    base = build(items, case_dict(budget={"total_usd_by_year": series({2026: 400, 2027: 400, 2028: 400})}))
    cases = {
        "base": base,
        "dear_b": apply_settings(base, {"interventions.b.capex_usd_per_unit": 300.0}),
        "dear_a": apply_settings(base, {"interventions.a.capex_usd_per_unit": 500.0}),
        "tight": apply_settings(base, {"budget.total_usd_by_year.2026": 70.0, "variants.main.targets.0.percent": 15.0}),
    }
    return scenario_data(cases)


def _all_portfolios(data):
    """Every all-or-nothing portfolio: each intervention not started or started in one of its years."""
    options = []
    for c in data.candidates.values():
        options.append([None] + list(c.start_years))
    for choice in itertools.product(*options):
        starts, builds = {}, {}
        for (i, c), year in zip(data.candidates.items(), choice):
            for y in c.start_years:
                starts[i, y] = int(y == year)
            for y in c.build_years:
                builds[i, y] = c.potential if y == year else 0.0
        yield builds, starts


def test_minimax_regret_and_expected_cost_match_brute_force():
    scenarios = _scenarios()
    optima = {sid: optimum(d) for sid, d in scenarios.items()}
    first = next(iter(scenarios.values()))
    best_worst, best_mean = math.inf, math.inf
    for builds, starts in _all_portfolios(first):
        values = [portfolio_objective(d, builds, starts) for d in scenarios.values()]
        if any(v is None for v in values):
            continue  # breaks some scenario's limits
        regrets = [v - optima[sid] for v, sid in zip(values, scenarios)]
        best_worst = min(best_worst, max(regrets))
        best_mean = min(best_mean, sum(values) / len(values))
    robust = minimax_regret(scenarios, optima)
    assert robust.value == pytest.approx(best_worst, abs=1e-6)
    assert max(robust.regret_by_scenario.values()) == pytest.approx(best_worst, abs=1e-6)
    assert all(r >= -1e-6 for r in robust.regret_by_scenario.values())
    mean = expected_cost(scenarios, optima)
    assert mean.value == pytest.approx(best_mean, abs=1e-6)
    assert best_worst > 0  # no single portfolio is optimal everywhere: the test is not vacuous
