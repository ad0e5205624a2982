"""The MILP with pipeline projects equals brute-force enumeration on random small cases: projects with site
values, readiness, start windows, alternatives, prerequisites, financing and regional budgets, next to the
national programmes whose potential they share."""

from __future__ import annotations

import math

import pytest

from optimizer.errors import SolverFailure
from optimizer.persistent import PersistentHighs, solve_in_place
from optimizer.prepare import prepare
from optimizer.synthetic import RandomSpec, random_case, random_pipeline

from .bruteforce import solve_by_enumeration
from .pipeline_helpers import with_pipeline

SEEDS = range(40)


def _objective_for(seed: int) -> str:
    return ("min_cost", "min_cost", "max_abatement", "weighted")[seed % 4]


def _case(seed: int):
    objective = _objective_for(seed)
    loaded = random_case(RandomSpec(n_interventions=2, seed=seed, regional=True), objective=objective)
    return with_pipeline(loaded, random_pipeline(loaded, seed, n_projects=4)), objective


@pytest.mark.parametrize("seed", SEEDS)
def test_milp_with_projects_matches_enumeration(seed):
    loaded, objective = _case(seed)
    data = prepare(loaded)
    expected = solve_by_enumeration(data, objective)
    if not expected.feasible:
        with pytest.raises(SolverFailure):
            solve_in_place(loaded, PersistentHighs(), objective=objective)
        return
    result = solve_in_place(loaded, PersistentHighs(), objective=objective)
    value = result.summary["objective_value"]
    assert math.isclose(value, expected.objective, rel_tol=1e-6, abs_tol=1e-6), (
        f"seed {seed} ({objective}): MILP {value} vs enumeration {expected.objective}; plans {expected.plans}"
    )


def test_random_pipelines_exercise_the_project_families():
    """The random cases above use every project family somewhere (else the comparison proves little)."""
    from optimizer.model.build import build_row_model

    seen: set[str] = set()
    for seed in SEEDS:
        loaded, objective = _case(seed)
        rm = build_row_model(prepare(loaded), objective)
        seen |= {block.family for block in rm.project_terms}
    expected = {
        "project_start_once",
        "project_alternatives",
        "project_prerequisite",
        "shared_potential",
        "regional_budget",
        "spend_definition",
        "target_pathway",
        "portfolio_payback",
        "resource_limit",
    }
    assert expected <= seen, expected - seen
