"""The MILP's optimum equals brute-force enumeration on random small cases (objective must agree)."""

from __future__ import annotations

import contextlib
import math

import pyomo.environ as pyo
import pytest

from optimizer.errors import SolverFailure
from optimizer.model import build_model
from optimizer.persistent import PersistentHighs, solve_in_place
from optimizer.prepare import prepare
from optimizer.pyomo_backend import run_highs
from optimizer.sweep.paths import apply_settings, value_at
from optimizer.synthetic import RandomSpec, random_case

from .bruteforce import solve_by_enumeration

SEEDS = range(60)
FLOOR_SEEDS = range(100, 120)  # cases built to stress the source and activity floors


def _objective_for(seed: int) -> str:
    return ("min_cost", "min_cost", "max_abatement", "weighted")[seed % 4]


def _spec(seed: int) -> RandomSpec:
    return RandomSpec(n_interventions=3, seed=seed, floors=seed in FLOOR_SEEDS)


@pytest.mark.parametrize("seed", [*SEEDS, *FLOOR_SEEDS])
def test_milp_matches_enumeration(seed):
    objective = _objective_for(seed)
    loaded = random_case(_spec(seed), objective=objective)
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
    if objective == "max_abatement":  # the second (least-cost) stage too
        cost = pyo.value(model.least_cost_objective)
        assert math.isclose(cost, expected.least_cost, rel_tol=1e-5, abs_tol=1e-4), (seed, cost, expected.least_cost)


SHARED_SOLVER = PersistentHighs()
"""One HiGHS model for every random case below: each case is first solved with another discount rate (same
structure, other numbers), then itself, changed in place. The sweep's fast path, exercised across structures,
objectives, second stages and infeasible cases in one sequence."""


def _least_cost_of(result) -> float:
    """Net present cost of a result's plan, from the per-unit coefficients (independent of the solver)."""
    data, s = result.data, result.schedule
    return float(
        sum(
            data.candidates[r.intervention].npv_cost_per_unit[int(r.year)] * r.units_built
            + (data.candidates[r.intervention].fixed_cost_pv[int(r.year)] if r.starts else 0.0)
            for r in s.itertuples()
            if r.units_built or r.starts
        )
    )


@pytest.mark.parametrize("seed", [*SEEDS, *FLOOR_SEEDS])
def test_in_place_resolve_matches_enumeration(seed):
    objective = _objective_for(seed)
    loaded = random_case(_spec(seed), objective=objective)
    expected = solve_by_enumeration(prepare(loaded), objective)
    neighbour = apply_settings(loaded, {"discount_rate": value_at(loaded, "discount_rate")["value"] + 0.02})
    with contextlib.suppress(SolverFailure):
        solve_in_place(neighbour, SHARED_SOLVER, objective=objective)
    in_place_before = SHARED_SOLVER.counts.in_place
    if not expected.feasible:
        with pytest.raises(SolverFailure):
            solve_in_place(loaded, SHARED_SOLVER, objective=objective)
        assert SHARED_SOLVER.counts.in_place == in_place_before + 1
        return
    result = solve_in_place(loaded, SHARED_SOLVER, objective=objective)
    assert SHARED_SOLVER.counts.in_place == in_place_before + 1  # changed in place, not passed anew
    value = result.summary["objective_value"]
    assert math.isclose(value, expected.objective, rel_tol=1e-6, abs_tol=1e-6), (seed, objective, value)
    if objective == "max_abatement":
        assert math.isclose(_least_cost_of(result), expected.least_cost, rel_tol=1e-5, abs_tol=1e-4)


def test_random_cases_exercise_every_constraint_family():
    """The random cases are only a cross-check if they contain what they are meant to check."""
    seen = {
        "group": 0,
        "prerequisite": 0,
        "payback": 0,
        "hard": 0,
        "all_or_nothing": 0,
        "infeasible": 0,
        "excluded": 0,
        "financing": 0,
        "phase_budget": 0,
        "per_start_resource": 0,
        "lead_time_2": 0,
        "group_cap_below_1": 0,
    }
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
        seen["financing"] += bool(data.financing)
        seen["phase_budget"] += any(ph.budget_usd is not None for ph in data.case.phases)
        seen["per_start_resource"] += any(c.resource_per_start for c in data.candidates.values())
        seen["lead_time_2"] += any(c.lead_time == 2 for c in data.candidates.values())
        seen["group_cap_below_1"] += any(g.max_combined_share < 1 for g in data.loaded.library.groups.values())
    assert all(count >= 3 for count in seen.values()), seen


BINDING_FAMILIES = [
    "deployment_link",
    "start_deploys",
    "all_or_nothing",
    "group_share",
    "prerequisite",
    "annual_budget",
    "financing_envelope",
    "phase_budget",
    "portfolio_payback",
    "resource_limit",
    "target_pathway",
    "source_floor",
    "activity_floor",
]


@pytest.mark.slow
def test_every_constraint_family_changes_some_random_optimum():
    """Switching a family off changes the optimum in at least one random case: the cross-check above
    really exercises each family, not just its presence."""
    changed = {name: 0 for name in BINDING_FAMILIES}
    for seed in [*SEEDS, *FLOOR_SEEDS]:
        objective = _objective_for(seed)
        data = prepare(random_case(_spec(seed), objective=objective))
        try:
            base = run_highs(build_model(data, objective), data).objective_value
        except SolverFailure:
            continue
        for name in BINDING_FAMILIES:
            model = build_model(data, objective)
            component = getattr(model, name, None)
            if component is None or len(component) == 0:
                continue
            component.deactivate()
            try:
                value = run_highs(model, data).objective_value
            except SolverFailure:
                continue
            changed[name] += not math.isclose(value, base, rel_tol=1e-6, abs_tol=1e-6)
    missing = {name: count for name, count in changed.items() if count < 1}
    assert not missing, f"families that never bind: {missing}; all counts: {changed}"
