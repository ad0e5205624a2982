"""Re-planning with the reported years fixed: hand-checked cases, a plan re-planned against itself, and the
re-plan against enumeration of every plan that agrees with the actuals on random small cases."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tests.bruteforce as bruteforce
from optimizer.errors import InputError, SolverFailure
from optimizer.model.objective import MAX_ABATEMENT_PENALTY_DIVISOR
from optimizer.monitoring.actuals import check_actuals, load_actuals
from optimizer.monitoring.replan import replan
from optimizer.prepare import prepare
from optimizer.pyomo_backend import solve
from optimizer.schema.actuals import Actuals
from optimizer.synthetic import RandomSpec, build, case_dict, intervention, random_case

from .helpers import units_by_year
from .test_monitoring import EXAMPLE, NOT_STARTED, actuals_of_plan

NOTE = {"estimate": "test"}
DISCOUNT = {"value": 0.05, **NOTE}


def _actuals(loaded, units: dict[tuple[str, int], float], through: int):
    builds = [{"intervention": i, "year": y, "units": {"value": float(u), **NOTE}} for (i, y), u in units.items()]
    actuals = Actuals.model_validate({"case": "synthetic", "through_year": through, "builds": builds})
    return check_actuals(actuals, loaded, Path("actuals.yaml"))


def _saving(iid: str, **kw) -> dict:
    """An intervention that pays for itself (100 USD a unit, saves 50 USD a unit and year for 10 years), so a
    least-cost plan builds it as early and as much as it may."""
    return intervention(iid, capex_usd_per_unit=100.0, om_change_usd_per_unit_year=-50.0, **kw)


def test_a_programme_built_in_the_past_is_paid_once_and_never_rebuilt():
    item = _saving("a", all_or_nothing=True, fixed_cost_usd=30.0)
    # a target far beyond what a can abate: the re-plan would build a again if it could
    deep = {"main": {"targets": [{"type": "below_bau", "year": 2030, "percent": {"value": 90, **NOTE}}]}}
    loaded = build([item], case_dict(discount_rate=DISCOUNT, variants=deep))
    original = solve(loaded)
    assert units_by_year(original, "a") == {2026: 1.0}
    a = _actuals(loaded, {("a", 2026): 1.0}, 2026)
    again = replan(a)
    assert units_by_year(again.result, "a") == {2026: 1.0}  # not built again in 2027-2028
    spend = again.result.summary["spend_usd_by_year"]
    assert spend == {2026: 130.0, 2027: 0.0, 2028: 0.0}
    # 100 capex + 30 programme cost sunk in 2026 (2 years after the base year); 50 USD of savings a year in
    # 2026-2035 still counted
    assert again.summary["sunk_cost_usd"] == pytest.approx(130.0 / 1.05**2)
    assert again.summary["remaining_npv_cost_usd"] == pytest.approx(-sum(50.0 / 1.05**k for k in range(2, 12)))
    assert set(again.changes["change"]) == {"unchanged"}


def test_a_delayed_start_moves_what_follows():
    # a: 3 units, at most 1 a year; b needs a first. The plan starts both in 2026 and builds a 1 a year.
    a_item = _saving("a", potential={"basis": "country", "units_per_basis": {"value": 3, **NOTE}})
    a_item["max_share_per_year"] = {"value": 1 / 3, **NOTE}
    a_item["integer_units"] = True
    b_item = _saving("b", prerequisites=["a"])
    b_item["integer_units"] = True
    loaded = build([a_item, b_item], case_dict(discount_rate=DISCOUNT))
    original = solve(loaded)
    assert units_by_year(original, "a") == {2026: 1.0, 2027: 1.0, 2028: 1.0}
    assert units_by_year(original, "b") == {2026: 1.0}
    actual = _actuals(loaded, {}, 2026)  # nothing was done in 2026
    again = replan(actual)
    assert units_by_year(again.result, "a") == {2027: 1.0, 2028: 1.0}  # one year of ramp lost
    assert units_by_year(again.result, "b") == {2027: 1.0}  # its prerequisite started a year late
    changes = again.changes.set_index("intervention")
    assert changes.loc["a", "change"] == "unchanged" and changes.loc["b", "change"] == "delayed"
    assert changes.loc["a", "explanation"].startswith("not made up: still 2 units from 2027 (plan: 2 units)")
    assert "1 unit behind (a delayed start)" in changes.loc["b", "explanation"]


def test_the_from_year_must_follow_the_actuals():
    loaded = build([_saving("a")], case_dict())
    a = _actuals(loaded, {}, 2026)
    with pytest.raises(InputError, match="--from"):
        replan(a, from_year=2028)
    with pytest.raises(InputError, match="nothing is left to re-plan"):
        replan(_actuals(loaded, {}, 2028))


def test_a_plan_re_planned_against_itself_keeps_its_remaining_years(tmp_path):
    georgia = load_actuals(EXAMPLE)
    plan = solve(georgia.loaded, georgia.data.variant_name)
    a = load_actuals(actuals_of_plan(tmp_path, plan, 2027))
    again = replan(a, original=plan)
    assert again.result.net_present_cost_usd == pytest.approx(plan.net_present_cost_usd, rel=1e-6)
    assert set(again.changes["change"]) == {"unchanged"}, again.changes[again.changes["change"] != "unchanged"]


def test_measured_emissions_re_anchor_the_baseline():
    georgia = load_actuals(EXAMPLE)
    again = replan(georgia)
    data = again.result.data
    k = data.year_index(2027)
    row = data.bau.row("anaesthetic_desflurane")
    from optimizer.monitoring.tracking import abatement_by_source_year

    abated = abatement_by_source_year(data, georgia.units)
    measured = georgia.measured["anaesthetic_desflurane", 2027]
    assert data.bau.emissions[row, k] - abated[row, k] == pytest.approx(measured)  # the measurement, reproduced
    assert (
        data.bau.emissions[row, data.year_index(2026)] == georgia.data.bau.emissions[row, georgia.data.year_index(2026)]
    )
    pathway = again.result.pathway.set_index("year")["target_tco2e"]
    assert np.allclose(pathway.values, again.original.pathway.set_index("year")["target_tco2e"].values, equal_nan=True)


SEEDS = range(40)


def _agreeing(plans, c, actual: dict[int, float], through: int):
    """The candidate's enumerated plans that did in the reported years what the actuals say."""
    kept = []
    for start, built in plans:
        past = {y: float(u) for y, u in built.items() if y <= through and u}
        started_then = start is not None and start <= through
        if past == actual and (started_then or not actual):
            kept.append((start, built))
    return kept


def _random_past(loaded, data, seed: int, through: int) -> dict[tuple[str, int], float]:
    """A past that keeps the case's limits but is not the optimum's: the first year of the plan of another
    objective (even seeds) or of random enumerated plans (odd seeds; it may break a limit)."""
    if seed % 2 == 0:
        other = solve(loaded, objective=("max_abatement", "weighted", "min_cost")[seed // 2 % 3])
        s = other.schedule
        return {
            (r.intervention, int(r.year)): float(r.units_built)
            for r in s.itertuples()
            if r.year <= through and r.units_built
        }
    rng = np.random.default_rng(1000 + seed)
    units = {}
    for i, c in data.candidates.items():
        plans = bruteforce.candidate_plans(c)
        _, built = plans[rng.integers(len(plans))]
        units.update({(i, y): float(u) for y, u in built.items() if y <= through and u})
    return units


@pytest.mark.parametrize("seed", SEEDS)
def test_replan_equals_the_best_plan_that_agrees_with_the_actuals(seed, monkeypatch):
    objective = ("min_cost", "min_cost", "max_abatement", "max_abatement")[seed % 4]
    loaded = random_case(RandomSpec(n_interventions=3, seed=seed), objective=objective)
    data = prepare(loaded)
    through = data.decision_years[0]
    try:
        units = _random_past(loaded, data, seed, through)
        actual = _actuals(loaded, units, through)
    except (InputError, SolverFailure):
        pytest.skip("no past: the case has no plan, or the random past breaks a rule the actuals are checked against")
    original_plans = bruteforce.candidate_plans

    def agreeing(c):
        return _agreeing(original_plans(c), c, {y: u for (j, y), u in units.items() if j == c.id}, through)

    monkeypatch.setattr(bruteforce, "candidate_plans", agreeing)
    expected = bruteforce.solve_by_enumeration(data, objective)
    if not expected.feasible:  # a random past may break a limit of its own year, which a re-plan drops
        if seed % 2 == 0:
            with pytest.raises(SolverFailure):
                replan(actual, objective=objective)
        return
    again = replan(actual, objective=objective)
    # the reported years' shortfall is history: a constant the enumeration counts and the re-plan does not
    past_shortfall = float(again.result.pathway.query("year <= @through")["shortfall_tco2e"].sum())
    penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
    value = again.result.summary["objective_value"]
    value += (
        penalty * past_shortfall
        if objective == "min_cost"
        else -penalty / MAX_ABATEMENT_PENALTY_DIVISOR * past_shortfall
    )
    assert math.isclose(value, expected.objective, rel_tol=1e-6, abs_tol=1e-6), (
        seed,
        value,
        expected.objective,
        expected.plans,
    )
    COMPARED.append(seed)


COMPARED: list[int] = []


def test_the_random_pasts_were_mostly_compared():
    """Run after the cases above (pytest keeps file order): most seeds had a past and a comparable optimum."""
    assert len(COMPARED) >= len(SEEDS) // 2, COMPARED


def test_replan_and_track_commands(tmp_path, capsys):
    from optimizer.cli import main

    out = tmp_path / "replan"
    assert main(["replan", "georgia", "--actuals", str(EXAMPLE), "--from", "2028", "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "Re-plan from 2028 to 2030" in text and "(a delayed start)" in text
    assert {"schedule.csv", "replan_changes.csv", "replan_summary.json"} <= {p.name for p in out.iterdir()}
    schedule = pd.read_csv(out / "schedule.csv")
    built = schedule[(schedule["intervention"] == NOT_STARTED) & (schedule["units_built"] > 1e-9)]
    assert int(built["year"].min()) == 2028  # the example's programme that did not start now starts in 2028
    assert main(["replan", "georgia", "--actuals", str(EXAMPLE), "--from", "2027"]) == 2
    assert "--from: got 2027; expected 2028" in capsys.readouterr().err
    both = tmp_path / "both"
    assert main(["track", "georgia", "--actuals", str(EXAMPLE), "--replan", "--out", str(both), "--quiet"]) == 0
    assert (both / "track_years.csv").is_file() and (both / "replan" / "replan_changes.csv").is_file()


def test_rolling_a_re_plan_carried_out_for_a_year_re_plans_to_itself(tmp_path):
    """Tracked and re-planned each year: when the 2027 of the re-plan made after 2026 is carried out, the next
    re-plan keeps the rest of it (same net present cost)."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(case=str(EXAMPLE.parents[1] / "georgia.yaml"), emissions=[], kpis=[], through_year=2026)
    data["builds"] = [b for b in data["builds"] if b["year"] == 2026]
    data["spend"] = [s for s in data["spend"] if s["year"] == 2026]
    first = tmp_path / "2026.yaml"
    first.write_text(yaml.safe_dump(data))
    after_2026 = replan(load_actuals(first))
    s = after_2026.result.schedule
    data["builds"] += [
        {"intervention": r.intervention, "year": 2027, "units": {"value": float(r.units_built), **NOTE}}
        for r in s.itertuples()
        if r.year == 2027 and r.units_built
    ]
    f = after_2026.result.finance
    f = f[(f["period_type"] == "year") & (f["financing_source"] != "all") & (f["period"] == 2027)]
    data["spend"] += [
        {"financing_source": src, "year": 2027, "amount_usd": {"value": float(v), **NOTE}}
        for src, v in zip(f["financing_source"], f["spend_usd"])
        if v
    ]
    data["through_year"] = 2027
    second = tmp_path / "2027.yaml"
    second.write_text(yaml.safe_dump(data))
    after_2027 = replan(load_actuals(second))
    assert after_2027.result.net_present_cost_usd == pytest.approx(after_2026.result.net_present_cost_usd, rel=1e-6)


def test_validate_a_case_with_its_actuals(capsys):
    from optimizer.cli import main

    assert main(["validate", "georgia", "--actuals", str(EXAMPLE)]) == 0
    builds = len(load_actuals(EXAMPLE).actuals.builds)
    assert f"actuals 2026-2027 ({builds} builds)" in capsys.readouterr().out
    assert main(["validate", "georgia", "prc", "--actuals", str(EXAMPLE)]) == 2
    assert "one case file to check the actuals against" in capsys.readouterr().err


def test_a_launch_smaller_than_the_models_least_first_year_is_history():
    # continuous, potential 100: the model launches with at least 1 unit; the country launched with 0.5
    item = _saving("a", potential={"basis": "country", "units_per_basis": {"value": 100, **NOTE}})
    item["max_share_per_year"] = {"value": 0.5, **NOTE}
    loaded = build([item], case_dict(discount_rate=DISCOUNT))
    again = replan(_actuals(loaded, {("a", 2026): 0.5}, 2026))
    assert units_by_year(again.result, "a") == {2026: 0.5, 2027: 50.0, 2028: 49.5}  # the ramp, then the potential
