"""Actuals files: reading and checking them against the case, and tracking a plan against them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.monitoring.actuals import load_actuals
from optimizer.monitoring.tracking import Status, status_of, track
from optimizer.pyomo_backend import solve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "cases" / "examples" / "georgia_actuals.yaml"
NOTE = {"estimate": "test"}


def _write(tmp_path: Path, **changes) -> Path:
    """The bundled example with ``changes`` (top-level keys replaced), beside a copy of the case."""
    data = yaml.safe_load(EXAMPLE.read_text())
    data["case"] = str(ROOT / "cases" / "georgia.yaml")
    data.update(changes)
    path = tmp_path / "actuals.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_actuals(path)
    return [str(p) for p in err.value.problems]


def test_example_reads_with_every_number_marked_illustrative():
    a = load_actuals(EXAMPLE)
    assert a.past_years == [2026, 2027]
    assert a.starts["or_hvac_setback"] == 2027 and a.units["or_hvac_setback", 2027] == 60
    assert a.spend["adb_loan", 2027] == 2_330_000
    quantities = [b.units for b in a.actuals.builds] + [s.amount_usd for s in a.actuals.spend]
    quantities += [e.tco2e for e in a.actuals.emissions] + [k.value for k in a.actuals.kpis]
    assert quantities and all("illustrative" in (q.estimate or "") for q in quantities)
    assert {q.grade for q in quantities} == {"D"}


def test_validate_command_checks_an_actuals_file(capsys):
    assert main(["validate", str(EXAMPLE)]) == 0
    assert "actuals 2026-2027" in capsys.readouterr().out


def test_unknown_intervention_gets_a_suggestion(tmp_path):
    builds = [{"intervention": "rooftop_solar", "year": 2026, "units": {"value": 5, **NOTE}}]
    [problem] = _problems(_write(tmp_path, builds=builds, spend=[]))
    assert "builds[0].intervention" in problem and "did you mean 'rooftop_solar_pv'" in problem
    assert str(tmp_path / "actuals.yaml") in problem


def test_units_above_the_ramp_and_the_potential(tmp_path):
    builds = [
        {"intervention": "desflurane_to_sevoflurane", "year": y, "units": {"value": 22, **NOTE}} for y in (2026, 2027)
    ] + [{"intervention": "food_waste_reduction", "year": 2026, "units": {"value": 100, **NOTE}}]
    fine = _write(tmp_path, builds=builds[:2], spend=[])
    assert load_actuals(fine).units["desflurane_to_sevoflurane", 2027] == 22
    problems = _problems(_write(tmp_path, builds=builds, spend=[]))
    assert any("builds[2].units.value: got 100.0; expected at most 74.8 hospital a year" in p for p in problems)
    over = [
        {"intervention": "lab_test_stewardship", "year": y, "units": {"value": 1.258, **NOTE}} for y in (2026, 2027)
    ]
    over.append({"intervention": "lab_test_stewardship", "year": 2028, "units": {"value": 1.258, **NOTE}})
    problems = _problems(_write(tmp_path, builds=over, spend=[], through_year=2028))
    assert any("at most its potential of 3.7" in p for p in problems)


def test_spend_with_nothing_built_and_years_outside_the_window(tmp_path):
    spend = [
        {"financing_source": "domestic", "year": 2026, "amount_usd": {"value": 5e6, **NOTE}},
        {"financing_source": "domestic", "year": 2029, "amount_usd": {"value": 1, **NOTE}},
        {"financing_source": "domestik", "year": 2026, "amount_usd": {"value": 1, **NOTE}},
        {"financing_source": "adb_loan", "year": 2025, "amount_usd": {"value": 1, **NOTE}},
    ]
    problems = _problems(_write(tmp_path, spend=spend))
    assert any("spend[0].amount_usd.value" in p and "at most 2 times the case's cost" in p for p in problems)
    assert any("spend[1].year: got 2029" in p and "in the future of these actuals" in p for p in problems)
    assert any("spend[2].financing_source" in p and "did you mean 'domestic'" in p for p in problems)
    assert any("spend[3].year: got 2025" in p and "from 2026" in p for p in problems)


def test_a_year_given_twice_and_through_year_outside_the_window(tmp_path):
    builds = [{"intervention": "desflurane_to_sevoflurane", "year": 2026, "units": {"value": 2, **NOTE}}] * 2
    [problem] = _problems(_write(tmp_path, builds=builds, spend=[], emissions=[], kpis=[]))
    assert "builds[1].year" in problem and "builds[0] has it too" in problem
    [problem] = _problems(_write(tmp_path, through_year=2031))
    assert "through_year: got 2031; expected a year of the case's decision window 2026-2030" in problem


def test_start_outside_the_phase_window_and_measured_unknown_source(tmp_path):
    builds = [{"intervention": "rooftop_solar_pv", "year": 2026, "units": {"value": 10, **NOTE}}]
    emissions = [{"source": "desflurane", "year": 2026, "tco2e": {"value": 10, **NOTE}}]
    problems = _problems(_write(tmp_path, builds=builds, spend=[], emissions=emissions, kpis=[]))
    assert any(
        "builds[0].year: got 2026; expected a year Rooftop solar PV on hospitals may start" in p for p in problems
    )
    assert any("emissions[0].source" in p and "did you mean 'anaesthetic_desflurane'" in p for p in problems)


def test_bad_actuals_exit_2_without_a_traceback(tmp_path, capsys):
    path = _write(tmp_path, through_year="soon")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "through_year" in err and "Traceback" not in err


def test_status_rule():
    assert status_of(95, 100, 0.1) is Status.ON_TRACK
    assert status_of(89, 100, 0.1) is Status.BEHIND
    assert status_of(111, 100, 0.1) is Status.AHEAD
    assert status_of(0, 0, 0.1) is Status.ON_TRACK
    assert status_of(1, 0, 0.1) is Status.AHEAD
    assert status_of(120, 100, 0.1, lower_is_better=True) is Status.BEHIND


@pytest.fixture(scope="module")
def georgia_plan():
    a = load_actuals(EXAMPLE)
    return a, solve(a.loaded, a.data.variant_name)


def actuals_of_plan(tmp_path: Path, plan, through: int) -> Path:
    """An actuals file saying the plan was carried out exactly to ``through``."""
    s = plan.schedule
    builds = [
        {"intervention": r.intervention, "year": int(r.year), "units": {"value": float(r.units_built), **NOTE}}
        for r in s.itertuples()
        if r.units_built and r.year <= through
    ]
    f = plan.finance
    f = f[(f["period_type"] == "year") & (f["financing_source"] != "all")]
    spend = [
        {"financing_source": src, "year": int(y), "amount_usd": {"value": float(v), **NOTE}}
        for src, y, v in zip(f["financing_source"], f["period"], f["spend_usd"])
        if int(y) <= through and v
    ]
    return _write(tmp_path, builds=builds, spend=spend, emissions=[], kpis=[], through_year=through)


def test_a_plan_tracked_against_itself_is_on_track_everywhere(tmp_path, georgia_plan):
    _, plan = georgia_plan
    a = load_actuals(actuals_of_plan(tmp_path, plan, 2027))
    t = track(a, plan)
    assert set(t.programmes["status"]) == {"on track"}
    assert set(t.actions["status"]) == {"on track"}
    assert set(t.years["abatement_status"]) == {"on track"} and set(t.years["spend_status"]) == {"on track"}
    assert set(t.finance["status"]) == {"on track"}
    assert (t.years["emissions_tco2e"] - t.years["planned_emissions_tco2e"]).abs().max() < 1e-6


NOT_STARTED = "patient_transport_planning"
"""The example's programme that the plan starts in 2027 and that did not start (a delayed start: the case
still allows its start in 2028, so the re-plan moves it rather than drops it)."""
STORY = {
    "on track": (
        "desflurane_to_sevoflurane", "food_waste_reduction", "lab_test_stewardship", "plant_forward_menus",
        "rational_prescribing", "medicine_waste_reduction", "saba_overuse_reduction",
    ),
    "behind": (
        "n2o_manifold_decommissioning", "boiler_modernisation", "electric_fleet_cars", "waste_reduction",
        NOT_STARTED,
    ),
    "ahead": ("or_hvac_setback",),
}  # fmt: skip
"""What the example's description says happened by 2027; the plan figures come from the solved plan."""


def planned_to_date(plan, intervention: str, through: int) -> float:
    s = plan.schedule
    return float(s[(s["intervention"] == intervention) & (s["year"] <= through)]["units_built"].sum())


def test_example_tracking_tells_its_story(georgia_plan):
    a, plan = georgia_plan
    t = track(a, plan)
    programmes = t.programmes.set_index("intervention")
    for status, ids in STORY.items():
        for i in ids:
            assert planned_to_date(plan, i, 2027) > 0, f"{i} is no longer in the plan by 2027: refit the example"
            row = programmes.loc[i]
            assert row["planned_units_to_date"] == pytest.approx(planned_to_date(plan, i, 2027)), i
            assert row["actual_units_to_date"] == pytest.approx(sum(u for (j, _), u in a.units.items() if j == i)), i
            assert row["status"] == status, (i, row["explanation"])
    assert NOT_STARTED not in {j for j, _ in a.units}
    assert programmes.loc[NOT_STARTED, "explanation"].startswith("not started")
    assert (programmes["explanation"].str.startswith("not started")).sum() == 1
    kpis = t.kpis.set_index("intervention")
    for i in ("desflurane_to_sevoflurane", "electric_fleet_cars"):
        share = planned_to_date(plan, i, 2027) / a.data.candidates[i].potential
        assert kpis.loc[i, "plan_implied"] == pytest.approx(share)
    assert kpis.loc["or_hvac_setback", "plan_implied"] == pytest.approx(planned_to_date(plan, "or_hvac_setback", 2027))
    assert dict(zip(kpis.index, kpis["status"])) == {
        "desflurane_to_sevoflurane": "on track",
        "electric_fleet_cars": "behind",
        "or_hvac_setback": "ahead",
        "n2o_manifold_decommissioning": "behind",
    }
    row = t.years.set_index("year").loc[2027]
    n = len(a.data.bau.source_ids)
    assert row["emissions_basis"] == f"measured for 2 of {n} sources, modelled for the rest"
    # measured sources replace the modelled ones: 650 t of desflurane, 11,900 t of fleet fuel
    k = a.data.year_index(2027)
    from optimizer.monitoring.tracking import abatement_by_source_year

    abated = abatement_by_source_year(a.data, a.units)
    modelled = sum(
        float(a.data.bau.emissions[s, k] - abated[s, k])
        for s, sid in enumerate(a.data.bau.source_ids)
        if sid not in ("anaesthetic_desflurane", "fleet_diesel")
    )
    assert row["emissions_tco2e"] == pytest.approx(modelled + 650 + 11_900)
    # the spend reported is close to the case's cost of what was built (no overrun warning)
    for y in (2026, 2027):
        reported = sum(v for (_, t), v in a.spend.items() if t == y)
        assert reported == pytest.approx(a.cost_of_builds(y), rel=0.1)


def test_track_command_writes_tidy_tables(tmp_path, capsys):
    out = tmp_path / "out"
    case = tmp_path / "georgia.yaml"
    shutil.copy(ROOT / "cases" / "georgia.yaml", case)
    assert main(["track", str(case), "--actuals", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "Operating-theatre ventilation setback" in text and "or_hvac_setback" not in text
    for name in ("programmes", "actions", "years", "finance", "kpis"):
        assert (out / f"track_{name}.csv").is_file()
    import pandas as pd

    iamc = pd.read_csv(out / "track_iamc.csv").set_index(["scenario", "variable"])
    years = pd.read_csv(out / "track_years.csv").set_index("year")
    actual = iamc.loc[("Actual", "Emissions|Kyoto Gases|Health|Optimised")]
    assert actual["region"] == "GEO" and actual["unit"] == "Mt CO2-equiv/yr"
    assert actual["2027"] == pytest.approx(years.loc[2027, "emissions_tco2e"] / 1e6)
    planned = iamc.loc[("unconditional", "Investment|Health|Decarbonisation")]
    assert planned["2026"] == pytest.approx(years.loc[2026, "planned_spend_usd"] / 1e6)
    assert main(["track", str(case), "--actuals", str(EXAMPLE), "--tolerance", "2"]) == 2


def test_an_actuals_file_is_told_apart_from_a_case():
    from optimizer.inputs import InputKind, kind_of

    assert kind_of(EXAMPLE) is InputKind.ACTUALS
