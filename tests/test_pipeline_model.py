"""Pipeline projects in the MILP, on cases small enough to check by hand."""

from __future__ import annotations

import math

import pytest

from optimizer.errors import SolverFailure
from optimizer.pyomo_backend import solve
from optimizer.synthetic import build, case_dict, intervention, q, series

from .pipeline_helpers import with_pipeline


def _case(items, percent: float, mode: str = "elastic", **kw):
    case = case_dict(
        variants={"main": {"targets": [{"type": "below_bau", "year": 2030, "percent": q(percent)}]}},
        target_rules={"mode": mode, "shortfall_penalty_usd_per_tco2e": 1000.0},
        **kw,
    )
    return build(items, case)


def _national(capex: float = 100.0, potential: float = 10.0, **kw):
    """50 t/yr of s0 per unit (half of 1,000 t over a potential of 10), lifetime 10, no lead time."""
    return intervention(
        "a",
        capex_usd_per_unit=capex,
        integer_units=True,
        effects=[{"type": "share", "source": "s0", "fraction": q(0.5 * potential / 10)}],
        potential={"basis": "country", "units_per_basis": q(potential)},
        **kw,
    )


def _units(result, iid="a") -> float:
    return float(result.portfolio.loc[result.portfolio["intervention"] == iid, "units"].sum())


def _row(result, pid):
    return result.pipeline.set_index("project").loc[pid]


def test_a_project_and_the_programme_share_the_national_potential():
    """Needed: 600 t = 12 units; the country has 10. Project p1 takes 8 of them (cheaply), the programme 2."""
    loaded = with_pipeline(
        _case([_national()], percent=30), [{"id": "p1", "intervention": "a", "size": 8, "capex_usd": 80}]
    )
    result = solve(loaded)
    assert _row(result, "p1")["selected"]
    assert _units(result) == 2.0
    assert math.isclose(result.summary["total_shortfall_tco2e"], 100.0, abs_tol=1e-6)
    assert math.isclose(result.summary["npv_usd"], -(80 + 200), abs_tol=1e-6)
    with pytest.raises(SolverFailure):  # 12 units are not there, however they are split
        solve(
            with_pipeline(_case([_national()], percent=30, mode="hard"), [{"id": "p1", "intervention": "a", "size": 8}])
        )


def test_alternatives_at_one_facility_are_exclusive():
    """Needed: 500 t = 10 units. p1 or p2 (5 units each, alternatives); the other 5 units from the programme."""
    rows = [
        {"id": "p1", "intervention": "a", "size": 5, "capex_usd": 50, "exclusive_group": "boiler house 1"},
        {"id": "p2", "intervention": "a", "size": 5, "capex_usd": 100, "exclusive_group": "boiler house 1"},
    ]
    result = solve(with_pipeline(_case([_national()], percent=25), rows))
    assert _row(result, "p1")["selected"] and not _row(result, "p2")["selected"]
    assert "alternative at the same facility is chosen (p1)" in _row(result, "p2")["reason"]
    assert _units(result) == 5.0
    assert math.isclose(result.summary["npv_usd"], -(50 + 500), abs_tol=1e-6)


def test_a_prerequisite_project_comes_first_and_readiness_delays_it():
    """p2 (5 units for US$50) needs p1 (1 unit for US$500), which is at feasibility stage: earliest 2027.
    Needed: 300 t = 6 units; the programme costs US$1,000 a unit, so p1 + p2 (US$550) is the optimum and p2
    cannot start before 2027."""
    rows = [
        {"id": "p1", "intervention": "a", "size": 1, "capex_usd": 500, "readiness": "feasibility"},
        {"id": "p2", "intervention": "a", "size": 5, "capex_usd": 50, "prerequisites": "p1"},
    ]
    result = solve(with_pipeline(_case([_national(capex=1000)], percent=15), rows))
    p1, p2 = _row(result, "p1"), _row(result, "p2")
    assert p1["selected"] and p2["selected"] and _units(result) == 0.0
    assert p1["earliest_start"] == 2027 and p2["earliest_start"] == 2027
    assert p1["start_year"] <= p2["start_year"]
    assert math.isclose(result.summary["npv_usd"], -550, abs_tol=1e-6)


def test_a_regional_budget_spreads_projects_over_years():
    """Two north projects of US$100 each, a north budget of US$100 a year: they start in different years."""
    rows = [
        {"id": "p1", "intervention": "a", "size": 5, "capex_usd": 100, "region": "north"},
        {"id": "p2", "intervention": "a", "size": 5, "capex_usd": 100, "region": "north"},
    ]
    budget = {"regional_usd_by_year": {"north": series({2026: 100, 2027: 100, 2028: 100})}}
    result = solve(with_pipeline(_case([_national(capex=1000)], percent=25, budget=budget), rows))
    p1, p2 = _row(result, "p1"), _row(result, "p2")
    assert p1["selected"] and p2["selected"] and p1["start_year"] != p2["start_year"]
    north = result.finance[result.finance["financing_source"] == "region: north"]
    assert (north["spend_usd"] <= north["envelope_usd"] + 1e-6).all() and north["spend_usd"].sum() == 200


def test_site_values_replace_the_library_defaults():
    """Library: 10 units a year less of s1 per unit (1 t and US$1 each). The site survey says the whole
    project saves 300 units a year: 300 t and US$300 a year for 10 years, for US$1,000 of capex (no
    discounting): NPV US$2,000, payback 3.33 years, US$-0.67 per tonne."""
    item = intervention(
        "b",
        capex_usd_per_unit=400,
        effects=[{"type": "activity", "source": "s1", "change_per_unit_year": q(-10)}],
        potential={"basis": "country", "units_per_basis": q(10)},
    )
    rows = [{"id": "p1", "intervention": "b", "size": 2, "capex_usd": 1000, "change_s1_per_year": -300}]
    result = solve(with_pipeline(_case([item], percent=10), rows))
    p1 = _row(result, "p1")
    assert p1["selected"] and p1["start_year"] == 2026
    assert math.isclose(p1["abatement_2030_tco2e"], 300)
    assert math.isclose(p1["npv_usd"], 2000)
    assert math.isclose(p1["simple_payback_years"], 1000 / 300)
    assert math.isclose(p1["cost_per_tco2e_usd"], -2000 / 3000)
    assert math.isclose(p1["break_even_carbon_price_usd_per_tco2e"], -2000 / 3000)


def test_a_project_of_an_excluded_intervention_is_screened_out():
    loaded = with_pipeline(
        _case([_national()], percent=10, overrides={"exclude": ["a"]}), [{"id": "p1", "intervention": "a", "size": 2}]
    )
    result = solve(loaded)
    p1 = _row(result, "p1")
    assert p1["status"] == "screened out" and "excluded by the case" in p1["reason"]


def test_pipeline_csv_is_written_with_the_result(tmp_path):
    loaded = with_pipeline(_case([_national()], percent=10), [{"id": "p1", "intervention": "a", "size": 2}])
    out = solve(loaded).save(tmp_path / "out")
    assert (out / "pipeline.csv").read_text().startswith("rank,project,name")


def test_a_project_left_out_names_the_limit_without_room():
    """Four north projects worth doing (US$100 each, saving US$50 a year), a north budget of US$100 a year for
    three years: three start, one a year, and the fourth is out for want of room in that budget."""
    rows = [
        {"id": f"p{k}", "intervention": "a", "size": 2, "capex_usd": 100, "om_change_usd_per_year": -50}
        for k in range(4)
    ]
    for row in rows:
        row["region"] = "north"
    budget = {"regional_usd_by_year": {"north": series({2026: 100, 2027: 100, 2028: 100})}}
    result = solve(with_pipeline(_case([_national(capex=1000)], percent=1, budget=budget), rows))
    table = result.pipeline
    assert table["selected"].sum() == 3
    (out,) = table.loc[~table["selected"], "reason"]
    assert out == "no room left in the north regional budget (2026-2028)"


def test_a_region_written_nearly_as_a_budget_region_is_warned():
    rows = [{"id": "p1", "intervention": "a", "size": 2, "region": "nrth"}]
    budget = {"regional_usd_by_year": {"north": series({2026: 100, 2027: 100, 2028: 100})}}
    loaded = with_pipeline(_case([_national()], percent=1, budget=budget), rows)
    (warning,) = [w for w in loaded.projects.warnings if w.path.endswith("column region")]
    assert warning.path == "row 2, column region" and "close to 'north'" in str(warning)
