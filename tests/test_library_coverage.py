"""The library's measures for construction, coal-heated facilities and medicine manufacturing: each loads,
applies only where the case has what it acts on, and gives the abatement worked out by hand on the demo case.

Hand numbers use the demo case's base year (2024): boiler fuel 246,000 MWh and 64,000 tCO2e, district heat
40,000 MWh and 12,000 tCO2e, construction 48,000 tCO2e, pharmaceuticals 88,000 tCO2e, 5.0 million people.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from optimizer.loading import case_from_dict, load_case, load_library
from optimizer.prepare import prepare
from optimizer.pyomo_backend import solve
from optimizer.yaml_io import read_yaml_mapping

REPO = Path(__file__).resolve().parent.parent
LIBRARY = load_library(REPO / "intervention_library")
DEMO = read_yaml_mapping(REPO / "cases" / "examples" / "demo.yaml")
COAL_HEATED = 60.0
"""Coal-heated facilities added to the demo for these tests."""

NEW = {
    "low_carbon_construction_standard": {"construction"},
    "district_heat_connection": {"heat_fuel", "district_heat"},
    "coal_boiler_fuel_switch": {"heat_fuel"},
    "low_carbon_medicine_manufacturing": {"pharmaceuticals"},
}


def _demo(coal_heated: float | None = COAL_HEATED, drop_sources: tuple[str, ...] = ()):
    data = copy.deepcopy(DEMO)
    if coal_heated is not None:
        data["facility_stock"]["coal_heated_facilities"] = {"value": coal_heated, "estimate": "test stock"}
    data["sources"] = [s for s in data["sources"] if s["id"] not in drop_sources]
    return case_from_dict(data, LIBRARY, name="demo-test")


def _screening(loaded) -> dict[str, str]:
    return {row.id: row.reason for row in prepare(loaded).screening}


def _full_potential_abatement_base_year(loaded, iid: str) -> dict[str, float]:
    """tCO2e the whole potential abates in the base year, by source."""
    data = prepare(loaded)
    cand = data.candidates[iid]
    return {
        s: float(cand.abatement_when_active[k, 0]) * cand.potential
        for k, s in enumerate(data.bau.source_ids)
        if cand.abatement_when_active[k, 0] != 0.0
    }


@pytest.mark.parametrize("iid", sorted(NEW))
def test_new_intervention_loads_and_acts_on_vocabulary_sources(iid):
    item = LIBRARY.interventions[iid]
    assert {eff.source for eff in item.effects} == NEW[iid]
    for eff in item.effects:
        assert LIBRARY.source_type(eff.source) is not None
    basis = item.potential.basis
    assert basis == "country" or basis in {f.id for f in LIBRARY.vocabulary.facility_types}


def test_coal_heated_facilities_is_a_facility_type():
    types = {f.id: f for f in LIBRARY.vocabulary.facility_types}
    assert types["coal_heated_facilities"].unit == "coal-heated facility"


def test_new_interventions_are_kept_where_their_sources_exist():
    reasons = _screening(_demo())
    for iid in NEW:
        assert not reasons[iid].startswith(("not applicable", "no potential", "needs")), (iid, reasons[iid])


def test_coal_measures_need_a_count_of_coal_heated_facilities():
    reasons = _screening(_demo(coal_heated=None))
    for iid in ("district_heat_connection", "coal_boiler_fuel_switch"):
        assert reasons[iid] == "no potential: the case's facility stock does not count 'coal_heated_facilities'"


def test_district_heat_connection_needs_district_heat_in_the_inventory():
    reasons = _screening(_demo(drop_sources=("district_heat",)))
    assert "adds activity to source 'district_heat'" in reasons["district_heat_connection"]
    assert not reasons["coal_boiler_fuel_switch"].startswith("not applicable")


def test_construction_standard_needs_construction_in_the_inventory():
    reasons = _screening(_demo(drop_sources=("construction",)))
    assert reasons["low_carbon_construction_standard"] == (
        "not applicable: the case inventory has none of its sources (construction)"
    )


def test_construction_standard_abatement_by_hand():
    # 0.12 of the construction source at full coverage: 0.12 x 48,000 = 5,760 tCO2e in the base year.
    got = _full_potential_abatement_base_year(_demo(), "low_carbon_construction_standard")
    assert got == pytest.approx({"construction": 5760.0})


def test_district_heat_connection_abatement_by_hand():
    # Potential 0.3 x 60 = 18 facilities. Each stops burning 0.18 x 246,000 / 18 = 2,460 MWh of boiler fuel
    # (64,000 / 246,000 tCO2e per MWh) and buys 0.1 x 246,000 / 18 = 1,366.7 MWh of district heat (0.3 tCO2e
    # per MWh): all 18 abate 0.18 x 64,000 = 11,520 t of fuel emissions and add 0.1 x 246,000 x 0.3 = 7,380 t.
    loaded = _demo()
    assert prepare(loaded).candidates["district_heat_connection"].potential == pytest.approx(18.0)
    got = _full_potential_abatement_base_year(loaded, "district_heat_connection")
    assert got == pytest.approx({"heat_fuel": 11520.0, "district_heat": -7380.0})


def test_coal_fuel_switch_abatement_by_hand():
    # Potential 0.45 x 60 = 27 facilities; together they remove 0.2 x 64,000 = 12,800 tCO2e of boiler fuel.
    loaded = _demo()
    assert prepare(loaded).candidates["coal_boiler_fuel_switch"].potential == pytest.approx(27.0)
    got = _full_potential_abatement_base_year(loaded, "coal_boiler_fuel_switch")
    assert got == pytest.approx({"heat_fuel": 12800.0})


def test_medicine_manufacturing_abatement_by_hand_and_its_prerequisite():
    got = _full_potential_abatement_base_year(_demo(), "low_carbon_medicine_manufacturing")
    assert got == pytest.approx({"pharmaceuticals": 0.03 * 88000.0})
    assert LIBRARY.interventions["low_carbon_medicine_manufacturing"].prerequisites == ["supplier_engagement"]


def test_solved_construction_abatement_matches_the_share_of_bau():
    # In the target year the plan's construction abatement is deployment share x 0.12 x BAU construction.
    loaded = _demo()
    result = solve(loaded)
    data = prepare(loaded)
    row = result.portfolio.set_index("intervention").loc["low_carbon_construction_standard"]
    k = data.bau.source_ids.index("construction")
    year = int(row["target_year"])
    bau = float(data.bau.emissions[k, year - int(data.years[0])])
    active = result.schedule[
        (result.schedule["intervention"] == "low_carbon_construction_standard") & (result.schedule["year"] == year)
    ]["units_active"].sum()
    expected = float(active) / data.candidates["low_carbon_construction_standard"].potential * 0.12 * bau
    assert math.isclose(float(row["abatement_target_year_tco2e"]), expected, rel_tol=1e-6)


@pytest.mark.parametrize(
    "case, applies", [("georgia", False), ("uzbekistan", False), ("mongolia", True), ("prc", True)]
)
def test_coal_measures_apply_only_in_coal_heated_countries(case, applies):
    reasons = _screening(load_case(REPO / "cases" / f"{case}.yaml", LIBRARY))
    for iid in ("district_heat_connection", "coal_boiler_fuel_switch"):
        excluded = reasons[iid].startswith(("no potential", "not applicable"))
        assert excluded is not applies, (case, iid, reasons[iid])
