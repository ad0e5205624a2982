"""Tracking and re-plan output people read: counted units whole and in the plural, comparisons with the plan
in words, money and emissions in the project's conventions, no ids or field names."""

from __future__ import annotations

import re

import pytest

from optimizer.cli import main
from optimizer.loading import load_case
from optimizer.monitoring.actuals import load_actuals
from optimizer.monitoring.tracking import Tracking, track
from optimizer.monitoring.wording import against_plan, plural, quantity, years_apart
from optimizer.pyomo_backend import solve
from optimizer.units import counted_units

from .test_monitoring import EXAMPLE, NOT_STARTED, planned_to_date


@pytest.mark.parametrize(
    ("unit", "many"),
    [
        ("hospital", "hospitals"),
        ("hospital with piped N2O", "hospitals with piped N2O"),
        ("hospital using desflurane", "hospitals using desflurane"),
        ("hospital served", "hospitals served"),
        ("hospital boiler house", "hospital boiler houses"),
        ("hospital CSSD", "hospital CSSDs"),
        ("coal-heated facility", "coal-heated facilities"),
        ("operating theatre", "operating theatres"),
        ("vehicle", "vehicles"),
        ("kWp", "kWp"),
        ("kWp of PV with battery", "kWp of PV with battery"),
        ("MWh per year contracted", "MWh per year contracted"),
        ("million people covered", "million people covered"),
        ("beds", "beds"),
    ],
)
def test_plural_of_unit_names(unit, many):
    assert plural(unit) == many


def test_every_counted_library_unit_gets_a_plural():
    loaded = load_case("georgia")
    for i in counted_units(loaded):
        unit = loaded.library.interventions[i].unit
        assert plural(unit) != unit, unit


def test_quantities_and_comparisons_in_words():
    assert quantity(22.44, "hospital with piped N2O", counted=True) == "22 hospitals with piped N2O"
    assert quantity(1.2, "vehicle", counted=True) == "1 vehicle"
    assert quantity(1200, "kWp", counted=False) == "1,200 kWp"
    assert quantity(2.516, "million people covered", counted=False) == "2.52 million people covered"
    assert against_plan(12, 22.44) == "53% of the plan"
    assert against_plan(91, 71.4) == "27% more than planned"
    assert against_plan(129, 34) == "3.8 times the plan"
    assert against_plan(5, 5) == "" and against_plan(5, 0) == ""
    assert years_apart(1) == "a year" and years_apart(3) == "3 years"


@pytest.fixture(scope="module")
def example() -> tuple:
    a = load_actuals(EXAMPLE)
    plan = solve(a.loaded, a.data.variant_name)
    return a, plan, track(a, plan)


def test_programme_words_use_whole_counts_and_the_plan(example):
    _, plan, t = example
    words = t.programmes.set_index("intervention")["explanation"]
    n2o = planned_to_date(plan, "n2o_manifold_decommissioning", 2027)
    assert words["n2o_manifold_decommissioning"] == (
        f"built 12 of {round(n2o)} hospitals with piped N2O planned by 2027: {12 / n2o:.0%} of the plan"
    )
    hvac = planned_to_date(plan, "or_hvac_setback", 2027)
    assert words["or_hvac_setback"].startswith(f"built 60 of {round(hvac)} operating theatres planned by 2027: ")
    assert words["or_hvac_setback"].endswith(against_plan(60, hvac))
    s = plan.schedule
    first = int(s[(s["intervention"] == NOT_STARTED) & (s["units_built"] > 0)]["year"].min())
    assert words[NOT_STARTED].startswith(f"not started; the plan started it in {first} with ")
    assert "million people covered" in words[NOT_STARTED]


def _console(t: Tracking) -> str:
    from optimizer.monitoring.render import render_tracking

    return render_tracking(t)


def test_console_has_no_ids_or_field_names_and_no_fractional_counts(example):
    a, _, t = example
    text = _console(t)
    ids = set(a.data.candidates) | {f.id for f in a.data.financing} | set(a.data.bau.source_ids)
    fields = set(t.programmes.columns) | set(t.years.columns) | set(t.kpis.columns)
    leaked = {w for w in re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", text)} & (ids | fields)
    assert not leaked, leaked
    counted = counted_units(a.loaded)
    units = {a.data.candidates[i].unit for i in counted if i in a.data.candidates}
    for unit in units:
        for form in {unit, plural(unit)}:
            fractional = re.findall(rf"\d+\.\d+ {re.escape(form)}\b", text)
            assert not fractional, fractional
    assert "22.4 hospital" not in text and "hospitals with piped N2O" in text
    assert "rounded to whole numbers for display" in text
    assert "% above plan" not in text and "% below plan" not in text


def test_replan_console_reads_well(example):
    from optimizer.formatting import money, tonnes
    from optimizer.monitoring.render import render_replan
    from optimizer.monitoring.replan import replan

    a, plan, _ = example
    r = replan(a, original=plan)
    text = render_replan(r)
    assert "none built by 2027 against" in text  # a programme that did not start
    assert not re.search(r"\b0 (hospitals|vehicles|operating theatres) (behind|ahead)", text)
    assert not re.search(r"\d+\.\d+ (hospital|vehicle|operating theatre)", text)
    assert f"(sunk: {money(r.summary['sunk_cost_usd'])};" in text
    assert tonnes(r.summary["final_year_emissions_tco2e"]) in text
    assert not set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", text)) & (set(a.data.candidates) | set(r.changes.columns))


def test_track_command_prints_readable_text(capsys):
    assert main(["track", "georgia", "--actuals", str(EXAMPLE), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "operating theatres" in text and "times the plan" in text


def test_a_count_that_moves_by_less_than_half_a_unit_is_not_more_or_fewer():
    from optimizer.monitoring.replan import _change_label

    # 220.0 -> 219.6 hospitals shows as 220 -> 220: the change is in the timing, not the number
    assert _change_label(220.0, 219.6, 2027, 2027, False, 220.0, counted=True) == "rescheduled"
    assert _change_label(220.0, 219.6, 2027, 2028, False, 220.0, counted=True) == "later"
    assert _change_label(220.0, 219.4, 2027, 2027, False, 220.0, counted=True) == "fewer"
    assert _change_label(220.0, 220.6, 2027, 2027, False, 220.0, counted=True) == "more"
    # a quantity that is not a count (kWp, people covered) keeps the exact comparison
    assert _change_label(220.0, 219.6, 2027, 2027, False, 220.0) == "fewer"
