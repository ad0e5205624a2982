"""The sweep's fast path: the Pyomo-free row model is the Pyomo model, row for row; a HiGHS model changed in
place holds exactly the arrays a fresh one would and gives the same plans as rebuilding; a structure change
passes a new model."""

from __future__ import annotations

import dataclasses
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.repn.standard_repn import generate_standard_repn

from optimizer.errors import SolverFailure
from optimizer.loading import load_case
from optimizer.model.build import build_model, build_row_model
from optimizer.model.rows import standard_form
from optimizer.persistent import PersistentHighs, process_solver, scenario_form, solve_in_place
from optimizer.prepare import prepare
from optimizer.pyomo_backend import solve
from optimizer.sweep.paths import apply_settings
from optimizer.synthetic import RandomSpec, random_case

ROOT = Path(__file__).resolve().parent.parent
GEORGIA = ROOT / "cases" / "georgia.yaml"


def _key(component_data) -> tuple:
    return component_data.parent_component().local_name, component_data.index()


def pyomo_arrays(m) -> tuple[dict, dict, dict, dict]:
    """(coefficients by (row, column), row bounds, column bounds and kinds, objective) of a Pyomo model."""
    entries, rows = {}, {}
    for con in m.component_data_objects(pyo.Constraint, active=True):
        repn = generate_standard_repn(con.body)
        assert repn.constant == 0
        for coef, var in zip(repn.linear_coefs, repn.linear_vars):
            entries[_key(con), _key(var)] = entries.get((_key(con), _key(var)), 0.0) + coef
        rows[_key(con)] = (
            -math.inf if con.lower is None else pyo.value(con.lower),
            math.inf if con.upper is None else pyo.value(con.upper),
        )
    cols = {
        _key(v): (
            v.lb if v.lb is not None else -math.inf,
            v.ub if v.ub is not None else math.inf,
            not v.is_continuous(),
        )
        for v in m.component_data_objects(pyo.Var)
    }
    obj = next(m.component_data_objects(pyo.Objective, active=True))
    repn = generate_standard_repn(obj.expr)
    objective = {_key(v): c for c, v in zip(repn.linear_coefs, repn.linear_vars) if c != 0}
    return {k: v for k, v in entries.items() if v != 0}, rows, cols, (obj.sense == pyo.maximize, objective)


def form_arrays(f) -> tuple[dict, dict, dict, dict]:
    entries = {}
    for j, col in enumerate(f.col_names):
        for k in range(f.a_start[j], f.a_start[j + 1]):
            entries[f.row_names[f.a_index[k]], col] = f.a_value[k]
    rows = {name: (f.row_lower[r], f.row_upper[r]) for r, name in enumerate(f.row_names)}
    cols = {name: (f.col_lower[j], f.col_upper[j], bool(f.integrality[j])) for j, name in enumerate(f.col_names)}
    objective = {name: f.cost[j] for j, name in enumerate(f.col_names) if f.cost[j] != 0}
    return entries, rows, cols, (f.maximize, objective)


CASES = [GEORGIA, ROOT / "cases" / "prc.yaml", ROOT / "cases" / "examples" / "demo.yaml"]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("objective", ["min_cost", "max_abatement", "weighted"])
def test_row_model_is_the_pyomo_model_on_the_cases(case, objective):
    data = prepare(load_case(case))
    assert form_arrays(standard_form(build_row_model(data, objective))) == pyomo_arrays(build_model(data, objective))


@pytest.mark.parametrize("seed", range(0, 120, 7))
def test_row_model_is_the_pyomo_model_on_random_cases(seed):
    loaded = random_case(RandomSpec(n_interventions=4, seed=seed, floors=seed % 2 == 1))
    data = prepare(loaded)
    assert form_arrays(standard_form(build_row_model(data))) == pyomo_arrays(build_model(data))


def _lp_arrays(highs) -> dict:
    lp = highs.getLp()
    return {
        "cost": np.array(lp.col_cost_),
        "col_lower": np.array(lp.col_lower_),
        "col_upper": np.array(lp.col_upper_),
        "row_lower": np.array(lp.row_lower_),
        "row_upper": np.array(lp.row_upper_),
        "start": np.array(lp.a_matrix_.start_),
        "index": np.array(lp.a_matrix_.index_),
        "value": np.array(lp.a_matrix_.value_),
        "sense": lp.sense_,
    }


PRC = ROOT / "cases" / "prc.yaml"  # min_cost with a shortfall: every scenario has a second stage


def _scenarios(case: Path = GEORGIA):
    base = load_case(case)
    return [
        apply_settings(base, settings)
        for settings in (
            {},
            {"discount_rate": 0.09, "sources.grid_electricity.price_usd_per_unit": 0.14},
            {"interventions.led_lighting_retrofit.capex_usd_per_unit": 180.0, "discount_rate": 0.05},
        )
    ]  # numbers only: the structure (rows, columns, nonzeros) stays that of the base case


@pytest.mark.slow
@pytest.mark.parametrize(
    "case, objective", [(PRC, "min_cost"), (PRC, "max_abatement")], ids=["prc-min_cost", "prc-max_abatement"]
)
def test_in_place_updates_leave_highs_holding_the_fresh_arrays(case, objective):
    """After scenarios with second stages (another objective and sense, a bounded stage row), loading another
    scenario in place gives HiGHS exactly the arrays a freshly passed model has (same order of nonzeros too),
    so the solve cannot depend on history."""
    scenarios = _scenarios(case)
    solver = PersistentHighs()
    for loaded in scenarios + scenarios[:1]:
        solve_in_place(loaded, solver, objective=objective)
    _, form = scenario_form(prepare(scenarios[1]), objective)
    solver.load(form)  # what the next scenario does first
    assert solver.counts.passed == 1 and solver.counts.in_place == 4
    assert solver.counts.by_kind["row_bounds"] >= 4  # every second stage's bound was undone
    fresh = PersistentHighs()
    fresh.load(form)
    ours, theirs = _lp_arrays(solver.highs), _lp_arrays(fresh.highs)
    for name in theirs:
        assert np.array_equal(ours[name], theirs[name]), name


@pytest.mark.parametrize(
    "case, objective",
    [
        pytest.param(GEORGIA, "min_cost", id="georgia-min_cost"),
        pytest.param(PRC, "min_cost", id="prc-min_cost", marks=pytest.mark.slow),
        pytest.param(PRC, "max_abatement", id="prc-max_abatement", marks=pytest.mark.slow),
        pytest.param(GEORGIA, "weighted", id="georgia-weighted"),
    ],
)
def test_in_place_plans_equal_rebuilt_plans_in_any_order(case, objective):
    scenarios = _scenarios(case)
    rebuilt = [solve(loaded, objective=objective) for loaded in scenarios]
    for order in ([0, 1, 2], [2, 0, 1]):
        solver = PersistentHighs()
        for k in order:
            ours = solve_in_place(scenarios[k], solver, objective=objective)
            assert math.isclose(ours.summary["objective_value"], rebuilt[k].summary["objective_value"], rel_tol=1e-9)
            # the same matrix in the same column order as APPSI gives HiGHS: the same search, the same plan
            assert ours.portfolio.equals(rebuilt[k].portfolio)
            assert ours.pathway.equals(rebuilt[k].pathway)
            assert ours.summary["model_size"] == rebuilt[k].summary["model_size"]
            assert ours.summary["total_shortfall_tco2e"] == pytest.approx(rebuilt[k].summary["total_shortfall_tco2e"])
        assert solver.counts.in_place == 2


def test_threads_each_get_their_own_model():
    """process_solver gives each thread its own HiGHS model (a Dask worker may run several threads)."""
    base = load_case(GEORGIA)
    scenarios = [apply_settings(base, {"discount_rate": r}) for r in (0.01, 0.03, 0.05, 0.07, 0.09, 0.11)]
    expected = [solve_in_place(loaded, PersistentHighs()).summary["objective_value"] for loaded in scenarios]
    with ThreadPoolExecutor(3) as pool:
        got = list(
            pool.map(
                lambda lc: solve_in_place(lc, process_solver("threads test")).summary["objective_value"], scenarios
            )
        )
    assert got == expected


def test_a_refused_model_does_not_spoil_the_next_scenario():
    data = prepare(load_case(GEORGIA))
    _, form = scenario_form(data)
    broken = dataclasses.replace(form, col_names=[("other", 0)] + form.col_names[1:], a_value=form.a_value.copy())
    broken.a_value[0] = 1e16  # HiGHS refuses coefficients this large
    solver = PersistentHighs()
    solver.load(form)
    with pytest.raises(SolverFailure, match="refused"):
        solver.load(broken)
    result = solve_in_place(load_case(GEORGIA), solver)
    assert solver.counts.passed == 2
    assert math.isclose(
        result.summary["objective_value"], solve(load_case(GEORGIA)).summary["objective_value"], rel_tol=1e-9
    )


def test_a_structure_change_passes_a_new_model():
    base = load_case(GEORGIA)
    excluded = apply_settings(base, {})
    data = excluded.case.model_dump(exclude_none=True)
    data.setdefault("overrides", {})["exclude"] = ["led_lighting_retrofit"]
    from optimizer.loading import case_from_dict

    excluded = case_from_dict(data, base.library, name="georgia without LED")
    solver = PersistentHighs()
    solve_in_place(base, solver)
    ours = solve_in_place(excluded, solver)
    assert solver.counts.passed == 2 and solver.counts.in_place == 0
    assert "led_lighting_retrofit" not in set(ours.portfolio["intervention"])
    assert math.isclose(ours.summary["objective_value"], solve(excluded).summary["objective_value"], rel_tol=1e-9)
    solve_in_place(base, solver)  # and back
    assert solver.counts.passed == 3


def test_an_infeasible_scenario_raises_and_the_next_one_solves():
    loaded = random_case(RandomSpec(n_interventions=3, seed=1))  # hard targets, feasible
    assert loaded.case.target_rules.mode == "hard"
    data = loaded.case.model_dump(exclude_none=True)
    from optimizer.loading import case_from_dict

    for variant in data["variants"].values():
        for target in variant["targets"]:
            if "percent" in target:
                target["percent"]["value"] = 99.0
    hard = case_from_dict(data, loaded.library, name="impossible")
    solver = PersistentHighs()
    with pytest.raises(SolverFailure, match="hard target"):
        solve_in_place(hard, solver)
    assert math.isclose(
        solve_in_place(loaded, solver).summary["objective_value"],
        solve(loaded).summary["objective_value"],
        rel_tol=1e-9,
        abs_tol=1e-9,
    )
