"""The MILP's optimum equals brute-force enumeration on random small cases (objective must agree)."""

from __future__ import annotations

import math

import pytest

from optimizer.errors import SolverFailure
from optimizer.model import build_model
from optimizer.prepare import prepare
from optimizer.solve import run_highs
from optimizer.synthetic import RandomSpec, random_case

from .bruteforce import solve_by_enumeration

SEEDS = range(60)


def _objective_for(seed: int) -> str:
    return ("min_cost", "min_cost", "max_abatement", "weighted")[seed % 4]


@pytest.mark.parametrize("seed", SEEDS)
def test_milp_matches_enumeration(seed):
    objective = _objective_for(seed)
    loaded = random_case(RandomSpec(n_interventions=3, seed=seed), objective=objective)
    data = prepare(loaded)
    expected = solve_by_enumeration(data, objective)
    model = build_model(data, objective)
    if not expected.feasible:
        with pytest.raises(SolverFailure):
            run_highs(model, data)
        return
    outcome = run_highs(model, data)
    assert outcome.status == "optimal"
    assert math.isclose(outcome.objective_value, expected.objective, rel_tol=1e-6, abs_tol=1e-6), (
        f"seed {seed} ({objective}): MILP {outcome.objective_value} vs enumeration {expected.objective}; "
        f"enumerated best plans {expected.plans}"
    )


def test_random_cases_exercise_every_constraint_family():
    """The random cases are only a cross-check if they contain what they are meant to check."""
    seen = {"group": 0, "prerequisite": 0, "payback": 0, "hard": 0, "all_or_nothing": 0, "infeasible": 0,
            "excluded": 0}
    for seed in SEEDS:
        loaded = random_case(RandomSpec(n_interventions=3, seed=seed), objective=_objective_for(seed))
        data = prepare(loaded)
        seen["group"] += any(c.group for c in data.candidates.values())
        seen["prerequisite"] += any(c.prerequisites for c in data.candidates.values())
        seen["payback"] += data.case.payback.portfolio_max_years is not None
        seen["hard"] += data.case.target_rules.mode == "hard"
        seen["all_or_nothing"] += any(c.all_or_nothing for c in data.candidates.values())
        seen["excluded"] += len(data.candidates) < 3
        seen["infeasible"] += not solve_by_enumeration(data, _objective_for(seed)).feasible
    assert all(count >= 3 for count in seen.values()), seen
