"""Hand-solvable cases with pinned optima: one per constraint family, each showing the family binds.

Unless a test says otherwise (see ``optimizer.synthetic.case_dict``): base year 2024, decisions
2026-2028, horizon 2030, two sources s0 and s1 of 1,000 tCO2e/yr each (activity 1,000 units at
1 t/unit and 1 USD/unit, no growth), discount rate 0, target 10 % below BAU in 2030 (200 t to abate),
elastic with 100,000 USD/t penalty. Each intervention: potential 1 unit, lifetime 10, lead time 0.
"""

from __future__ import annotations

import math

import pytest

from optimizer.errors import SolverFailure
from optimizer.prepare import prepare

from .helpers import build, case_dict, intervention, q, series, solve_tiny, units_by_year

A = dict(effects=[{"type": "share", "source": "s0", "fraction": q(0.3)}], capex_usd_per_unit=100)  # 300 t/yr
B = dict(effects=[{"type": "share", "source": "s1", "fraction": q(0.25)}], capex_usd_per_unit=80)  # 250 t/yr
NO_BUDGET_LIMIT = {}


def close(a, b, tol=1e-6):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# --------------------------------------------------------------------------- targets and costs


def test_min_cost_deploys_cheapest_tonnes_fractionally():
    # A costs 100/300 = 0.333 USD/t, B 80/250 = 0.32 USD/t: 200 t from B alone needs 0.8 units -> 64 USD.
    r = solve_tiny([intervention("a", **A), intervention("b", **B)])
    assert r.summary["status"] == "optimal"
    assert close(r.summary["objective_value"], 64.0)
    assert list(r.portfolio["intervention"]) == ["b"]
    assert close(r.portfolio.loc[0, "units"], 0.8)
    row = r.pathway[r.pathway.year == 2030].iloc[0]
    assert close(row.optimised_tco2e, 1800.0) and close(row.target_tco2e, 1800.0)


def test_all_or_nothing_builds_whole_potential():
    # Binary: B (250 t >= 200 t) for 80 beats A for 100.
    r = solve_tiny([intervention("a", all_or_nothing=True, **A), intervention("b", all_or_nothing=True, **B)])
    assert close(r.summary["objective_value"], 80.0)
    assert r.portfolio.loc[0, "units"] == 1.0


def test_fixed_programme_cost_is_paid_once_at_start():
    # B's 50 USD programme cost makes 0.8 B (64 + 50) dearer than 2/3 A (66.67).
    r = solve_tiny([intervention("a", **A), intervention("b", fixed_cost_usd=50, **B)])
    assert close(r.summary["objective_value"], 200.0 / 3.0)
    assert list(r.portfolio["intervention"]) == ["a"]
    # Forced to use B (A excluded), the programme cost is paid once, in the start year.
    r = solve_tiny([intervention("a", **A), intervention("b", fixed_cost_usd=50, **B)], overrides={"exclude": ["a"]})
    assert close(r.summary["objective_value"], 114.0)
    assert r.schedule["fixed_cost_usd"].sum() == 50.0


def test_elastic_target_reports_shortfall_and_hard_target_fails():
    # 80 % below BAU in 2030 needs 1,600 t; A and B together give 550 t -> 1,050 t short.
    targets = {"main": {"targets": [{"type": "below_bau", "year": 2030, "percent": q(80)}]}}
    r = solve_tiny([intervention("a", **A), intervention("b", **B)], variants=targets)
    assert close(r.summary["shortfall_tco2e_by_year"][2030], 1050.0)
    assert close(r.summary["objective_value"], 180.0 + 100_000.0 * 1050.0)
    with pytest.raises(SolverFailure) as err:
        solve_tiny([intervention("a", **A), intervention("b", **B)], variants=targets, target_rules={"mode": "hard"})
    assert err.value.status == "infeasible"


def test_every_year_enforcement_with_lead_time():
    # Enforced from 2026 with the pathway interpolated from 2,000 t (2024) to 1,800 t (2030):
    # required 2026 = 66.67 t. A has a one-year lead time, so nothing can abate in 2026.
    r = solve_tiny([intervention("a", lead_time_years=1, **A)], target_rules={"enforce": "every_year"})
    assert close(r.summary["shortfall_tco2e_by_year"][2026], 200.0 / 3.0)
    assert r.summary["shortfall_tco2e_by_year"][2027] == 0.0


def test_cohort_npv_coefficient_by_hand():
    # capex 100 in 2026, saving 20/yr for 10 years from 2027 (lead 1), discount 10 %, base year 2024.
    loaded = build(
        [intervention("a", om_change_usd_per_unit_year=-20, lead_time_years=1, **A)], case_dict(discount_rate=q(0.10))
    )
    c = prepare(loaded).candidates["a"]
    expected = 100 / 1.1**2 - sum(20 / 1.1 ** (t - 2024) for t in range(2027, 2037))
    assert close(c.npv_cost_per_unit[2026], expected, 1e-9)
    # A cohort built in 2028 keeps its full life (to 2038) beyond the 2030 horizon.
    expected_2028 = 100 / 1.1**4 - sum(20 / 1.1 ** (t - 2024) for t in range(2029, 2039))
    assert close(c.npv_cost_per_unit[2028], expected_2028, 1e-9)
    assert close(c.saving_per_unit[2026], 20.0) and close(c.simple_payback_years, 5.0)


def test_activity_effect_follows_factor_and_price_paths():
    # -100 activity units per unit: abates 100 x factor (falling 10 %/yr) and saves 100 x price (+5 %/yr).
    sources = [
        {
            "id": "s0",
            "emissions_tco2e": q(1000),
            "activity": q(1000),
            "driver": "flat",
            "factor_path": {"annual_change": q(-0.10)},
            "price_usd_per_unit": q(2.0),
            "price_path": {"annual_change": q(0.05)},
        },
        {"id": "s1", "emissions_tco2e": q(1000), "driver": "flat"},
    ]
    item = intervention("solar", effects=[{"type": "activity", "source": "s0", "change_per_unit_year": q(-100)}])
    c = prepare(build([item], case_dict(sources=sources))).candidates["solar"]
    k2030 = 2030 - 2024
    assert close(c.abatement[2026][0, k2030], 100 * 0.9**6)
    assert close(c.saving_per_unit[2026], 100 * 2.0 * 1.05**2)
    assert c.abatement[2026][:, :2].sum() == 0.0  # nothing before it is built


def test_effects_on_sources_the_case_lacks_are_left_out():
    # Two effects, one on a source the case does not inventory: the other still counts, with a note.
    sources = [{"id": "s0", "emissions_tco2e": q(1000), "driver": "flat"}]
    item = intervention(
        "a",
        effects=[
            {"type": "share", "source": "s0", "fraction": q(0.3)},
            {"type": "share", "source": "s1", "fraction": q(0.3)},
        ],
    )
    r = solve_tiny([item], sources=sources)
    row = r.screening.set_index("intervention").loc["a"]
    assert row["status"] == "kept" and "s1 are left out" in row["note"]
    assert close(r.portfolio.loc[0, "abatement_target_year_tco2e"], 300.0 * r.portfolio.loc[0, "units"])
    # An effect that would add activity to a missing source cannot be left out: excluded.
    adds = intervention(
        "b",
        effects=[
            {"type": "share", "source": "s0", "fraction": q(0.3)},
            {"type": "activity", "source": "s1", "change_per_unit_year": q(5)},
        ],
    )
    r = solve_tiny([item, adds], sources=sources)
    assert "adds activity to source 's1'" in r.screening.set_index("intervention").loc["b", "reason"]


def test_activity_effect_as_share_of_the_countrys_activity_per_unit():
    # 10 sites; s0 has 1,000 activity units (100 per site). A heat-pump-like unit removes 50 % of a site's
    # s0 (-50 units) and adds 20 % of that site's s0 activity to s1 (+20 units).
    item = intervention(
        "hp",
        potential={"basis": "site", "units_per_basis": q(1)},
        effects=[
            {"type": "activity", "source": "s0", "change_share_of_unit_activity": q(-0.5)},
            {"type": "activity", "source": "s1", "change_share_of_unit_activity": q(0.2), "relative_to": "s0"},
        ],
    )
    c = prepare(build([item], case_dict())).candidates["hp"]
    assert close(c.activity_removed[2026][0, 2026 - 2024], 50.0)
    assert close(c.activity_removed[2026][1, 2026 - 2024], -20.0)
    assert close(c.saving_per_unit[2026], 50.0 - 20.0)  # both sources at 1 USD per unit


def test_case_can_override_effects():
    # The country's own effect (e.g. its solar yield) replaces the library's: 50 % of s1 instead of 30 % of s0.
    override = {"interventions": {"a": {"effects": [{"type": "share", "source": "s1", "fraction": q(0.5)}]}}}
    c = prepare(build([intervention("a", **A)], case_dict(overrides=override))).candidates["a"]
    assert c.abatement[2026][0].sum() == 0.0
    assert close(c.abatement[2026][1, 2030 - 2024], 500.0)


# --------------------------------------------------------------------------- deployment families


def test_annual_budget_binds():
    # max_abatement with 50 USD/yr: half a unit of A (capex 100) in 2026 and in 2027.
    r = solve_tiny(
        [intervention("a", **A)],
        kind="max_abatement",
        budget={"total_usd_by_year": series({2026: 50, 2027: 50, 2028: 50})},
    )
    assert units_by_year(r, "a") == {2026: 0.5, 2027: 0.5}
    assert close(r.summary["objective_value"], 150 * 5 + 150 * 4, 1e-9)
    assert r.finance.query("period_type == 'year' and period == '2026'")["utilisation"].iloc[0] == 1.0


def test_ramp_and_potential_bind():
    # Potential 4 units, ramp 25 %/yr = 1 unit/yr: one unit a year, 3 by 2028.
    r = solve_tiny(
        [intervention("a", potential={"basis": "country", "units_per_basis": q(4)}, max_share_per_year=0.25, **A)],
        kind="max_abatement",
    )
    assert units_by_year(r, "a") == {2026: 1.0, 2027: 1.0, 2028: 1.0}
    # With no ramp limit the whole potential (4 units) is built at once, no more.
    r = solve_tiny(
        [intervention("a", potential={"basis": "site", "units_per_basis": q(0.4)}, **A)], kind="max_abatement"
    )
    assert units_by_year(r, "a") == {2026: 4.0}


def test_phase_earliest_start():
    r = solve_tiny([intervention("a", phase="pipeline", **A)], kind="max_abatement")
    assert r.portfolio.loc[0, "start_year"] == 2027
    assert units_by_year(r, "a") == {2027: 1.0}


def test_maturity_gates_complexity():
    maturity = {"max_complexity_by_year": {2026: 1, 2028: 3}, "estimate": "test"}
    r = solve_tiny(
        [intervention("a", complexity=3, **A), intervention("b", complexity=1, **B)],
        kind="max_abatement",
        maturity=maturity,
    )
    starts = dict(zip(r.portfolio["intervention"], r.portfolio["start_year"]))
    assert starts == {"a": 2028, "b": 2026}


def test_group_caps_combined_share():
    # Two ways to cover the same slice of s0 (each 50 %): together they may cover the slice only once.
    x = dict(effects=[{"type": "share", "source": "s0", "fraction": q(0.5)}], group="slice")
    r = solve_tiny(
        [intervention("x1", capex_usd_per_unit=10, **x), intervention("x2", capex_usd_per_unit=20, **x)],
        groups=[{"id": "slice", "name": "slice"}],
        kind="max_abatement",
    )
    assert close(r.portfolio["units"].sum(), 1.0)
    assert list(r.portfolio["intervention"]) == ["x1"]  # the least-cost second stage prefers the cheaper


def test_group_share_below_one_caps_a_single_member():
    x = dict(effects=[{"type": "share", "source": "s0", "fraction": q(0.5)}], group="slice")
    r = solve_tiny(
        [intervention("x1", **x)],
        groups=[{"id": "slice", "name": "slice", "max_combined_share": 0.6}],
        kind="max_abatement",
    )
    assert close(r.portfolio["units"].sum(), 0.6)


def test_source_floor_stops_stacked_shares_going_below_zero():
    # 70 % + 60 % of s0 would abate 1,300 t of a 1,000 t source.
    r = solve_tiny(
        [
            intervention("p", effects=[{"type": "share", "source": "s0", "fraction": q(0.7)}]),
            intervention("r", effects=[{"type": "share", "source": "s0", "fraction": q(0.6)}]),
        ],
        kind="max_abatement",
    )
    t = r.trajectory
    assert close(t[(t.year == 2030) & (t.source == "s0")]["optimised_tco2e"].iloc[0], 0.0)


def test_activity_floor_stops_savings_from_activity_that_does_not_exist():
    # s0 emits nothing but has 1,000 activity units at 1 USD; each unit removes 500 units/yr (saves 500 USD/yr).
    # Only 2 units can find activity to remove: a third would "save" money that does not exist.
    sources = [
        {"id": "s0", "emissions_tco2e": q(0), "activity": q(1000), "driver": "flat", "price_usd_per_unit": q(1.0)},
        {"id": "s1", "emissions_tco2e": q(1000), "driver": "flat"},
    ]
    item = intervention(
        "saver",
        potential={"basis": "site", "units_per_basis": q(1)},
        effects=[{"type": "activity", "source": "s0", "change_per_unit_year": q(-500)}],
    )
    r = solve_tiny(
        [item],
        sources=sources,
        variants={"main": {"targets": [{"type": "absolute", "year": 2030, "cap_tco2e": q(5000)}]}},
    )
    assert close(r.portfolio.loc[0, "units"], 2.0)


def test_floors_hold_after_the_horizon():
    # Horizon ends with the decision window (2028) and units act from the next year (lead 1). Two
    # interventions could each remove all of s0 and each unit saves money: the source floor must still bind
    # in 2029+, so together they never cover more than all of s0 (10 units of potential 10).
    items = [
        intervention(
            k,
            lead_time_years=1,
            potential={"basis": "site", "units_per_basis": q(1)},
            om_change_usd_per_unit_year=-50,
            effects=[{"type": "share", "source": "s0", "fraction": q(1.0)}],
        )
        for k in ("a", "b")
    ]
    r = solve_tiny(
        items,
        horizon_end_year=2028,
        variants={"main": {"targets": [{"type": "below_bau", "year": 2028, "percent": q(0)}]}},
    )
    assert close(r.portfolio["units"].sum(), 10.0)


def test_prerequisite_must_start_first():
    # B (250 t for 80) needs A (10 t for 30); C gives 300 t for 150. Best: A + B = 110 (not C).
    a = intervention(
        "a",
        all_or_nothing=True,
        capex_usd_per_unit=30,
        effects=[{"type": "share", "source": "s1", "fraction": q(0.01)}],
    )
    b = intervention("b", all_or_nothing=True, prerequisites=["a"], **B)
    c = intervention(
        "c",
        all_or_nothing=True,
        capex_usd_per_unit=150,
        effects=[{"type": "share", "source": "s0", "fraction": q(0.3)}],
    )
    r = solve_tiny([a, b, c])
    assert close(r.summary["objective_value"], 110.0)
    assert set(r.portfolio["intervention"]) == {"a", "b"}
    starts = dict(zip(r.portfolio["intervention"], r.portfolio["start_year"]))
    assert starts["a"] <= starts["b"]
    # A dependent cannot start before its prerequisite can: A only from 2027 (pipeline) -> B from 2027.
    r = solve_tiny(
        [
            intervention(
                "a",
                phase="pipeline",
                all_or_nothing=True,
                capex_usd_per_unit=30,
                effects=[{"type": "share", "source": "s1", "fraction": q(0.01)}],
            ),
            b,
            c,
        ],
        kind="max_abatement",
        overrides={"exclude": ["c"]},
    )
    starts = dict(zip(r.portfolio["intervention"], r.portfolio["start_year"]))
    assert starts == {"a": 2027, "b": 2027}


def test_portfolio_payback_rule_binds():
    # A: 300 t, capex 100, saves 10/yr (payback 10 y); B: 250 t, capex 100, saves 50/yr (payback 2 y).
    # Rule L = 3: A+B needs 200 <= 3 x 60 = 180: no. B alone 100 <= 150: yes.
    a = intervention("a", all_or_nothing=True, om_change_usd_per_unit_year=-10, **A)
    b = intervention("b", all_or_nothing=True, om_change_usd_per_unit_year=-50, **{**B, "capex_usd_per_unit": q(100)})
    r = solve_tiny([a, b], kind="max_abatement")
    assert set(r.portfolio["intervention"]) == {"a", "b"}
    r = solve_tiny([a, b], kind="max_abatement", payback={"portfolio_max_years": q(3)})
    assert list(r.portfolio["intervention"]) == ["b"]


def test_payback_screen_excludes_with_reason():
    a = intervention("a", om_change_usd_per_unit_year=-10, **A)
    b = intervention("b", om_change_usd_per_unit_year=-50, **B)
    r = solve_tiny([a, b], payback={"screen_max_years": q(5)})
    row = r.screening.set_index("intervention").loc["a"]
    assert row["status"] == "excluded"
    assert row["reason"] == "simple payback 10.0 years exceeds the screen of 5 years"
    assert r.screening.set_index("intervention").loc["b", "status"] == "kept"


def test_resource_limit_binds():
    # A needs 2 staff-months per unit; 1 staff-month a year -> half a unit a year.
    r = solve_tiny(
        [intervention("a", resource_use_per_unit={"staff": q(2)}, **A)],
        kind="max_abatement",
        resources=[{"id": "staff", "limit_by_year": series({2026: 1, 2027: 1, 2028: 1})}],
    )
    assert units_by_year(r, "a") == {2026: 0.5, 2027: 0.5}


def test_financing_sources_and_eligibility():
    # Domestic pays 30/yr for anything; a grant pays 100/yr but only for B.
    # max_abatement: A limited to 30/yr (0.3 units/yr), B fully funded by the grant in 2026.
    financing = [
        {"id": "domestic", "name": "Domestic", "envelope_usd_by_year": series({2026: 30, 2027: 30, 2028: 30})},
        {"id": "grant", "name": "Grant", "envelope_usd_by_year": series({2026: 100}), "eligible_interventions": ["b"]},
    ]
    r = solve_tiny(
        [intervention("a", **A), intervention("b", **B)], kind="max_abatement", budget={"financing": financing}
    )
    assert units_by_year(r, "a") == {2026: 0.3, 2027: 0.3, 2028: 0.3}
    assert units_by_year(r, "b") == {2026: 1.0}
    fin = r.finance[r.finance.period_type == "year"]
    grant_2027 = fin[(fin.financing_source == "grant") & (fin.period == "2027")].iloc[0]
    assert grant_2027.envelope_usd == 0.0 and grant_2027.spend_usd == 0.0  # unlisted year: no money


def test_phase_budget_binds():
    phases = [
        {"id": "quick_wins", "name": "Quick wins", "first_start_year": 2026, "budget_usd": q(120)},
        {"id": "pipeline", "name": "Pipeline", "first_start_year": 2027},
    ]
    r = solve_tiny([intervention("a", **A), intervention("b", **B)], kind="max_abatement", phases=phases)
    assert close(r.finance.query("period_type == 'phase' and period == 'quick_wins'")["spend_usd"].iloc[0], 120.0)


def test_weighted_objective_values_co_benefits():
    # Same abatement; "healthy" costs 1 USD more but has co-benefit 3 instead of 0.
    x = dict(effects=[{"type": "share", "source": "s0", "fraction": q(0.5)}], group="slice")
    items = [
        intervention("plain", co_benefit_score=0, capex_usd_per_unit=100, **x),
        intervention("healthy", co_benefit_score=3, capex_usd_per_unit=101, **x),
    ]
    groups = [{"id": "slice", "name": "slice"}]
    without = {"kind": "weighted", "weights": {"abatement": 1.0, "npv": 1.0, "co_benefit": 0.0}}
    with_cb = {"kind": "weighted", "weights": {"abatement": 1.0, "npv": 1.0, "co_benefit": 1.0}}
    assert list(solve_tiny(items, groups=groups, objective=without).portfolio["intervention"]) == ["plain"]
    assert list(solve_tiny(items, groups=groups, objective=with_cb).portfolio["intervention"]) == ["healthy"]
