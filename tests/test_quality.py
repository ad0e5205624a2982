"""Data quality of a plan: shares of the baseline and of the abatement resting on each grade (hand-computed on a
small case), the weakest links (judgement numbers with a range) ordered by their swing, the command and the
report's section."""

from __future__ import annotations

import math

import pytest

from optimizer.cli import main
from optimizer.pyomo_backend import solve
from optimizer.quality import (
    graded_interventions,
    graded_sources,
    plan_outcomes,
    quality_table,
    uncertain_numbers,
    weakest_links,
    worst,
)
from optimizer.sweep.paths import apply_settings

from .helpers import build, case_dict, intervention, q


def cited(value: float, grade: str, **extra) -> dict:
    return {"value": float(value), "source": "a cited publication", "grade": grade, **extra}


def judged(value: float, grade: str, **extra) -> dict:
    return {"value": float(value), "estimate": "how it was estimated", "grade": grade, **extra}


def _case(target_percent: float = 20.0, **b_effect):
    """s0: 1,000 t (emissions B, activity A: grade B); s1: 3,000 t (emissions C, activity D: grade D).
    a removes 30 % of s0 (fraction C: C); b removes 25 % of s1 (fraction A, but s1 is D: D); one whole unit
    each. Both are needed for the 20 % target (800 t of 4,000; b alone removes 750): 300 + 750 = 1,050 t."""
    sources = [
        {
            "id": "s0",
            "emissions_tco2e": cited(1000, "B"),
            "activity": cited(1000, "A"),
            "driver": "flat",
            "price_usd_per_unit": q(1.0),
        },
        {
            "id": "s1",
            "emissions_tco2e": judged(3000, "C"),
            "activity": judged(1000, "D"),
            "driver": "flat",
            "price_usd_per_unit": q(1.0),
        },
    ]
    fraction_b = b_effect.get("fraction", cited(0.25, "A"))
    a = intervention(
        "a",
        integer_units=True,
        capex_usd_per_unit=judged(100, "D", low=50, high=200),
        om_change_usd_per_unit_year=judged(0, "C", low=-10, high=10),
        effects=[{"type": "share", "source": "s0", "fraction": judged(0.3, "C")}],
    )
    b = intervention(
        "b",
        integer_units=True,
        capex_usd_per_unit=judged(80, "D", low=70, high=90),
        effects=[{"type": "share", "source": "s1", "fraction": fraction_b}],
    )
    variants = {"main": {"targets": [{"type": "below_bau", "year": 2030, "percent": q(target_percent)}]}}
    return build([a, b], case_dict(sources=sources, variants=variants))


def test_worst_grade():
    assert worst(["A", "C", "B"]) == "C"
    assert worst(["D", "A"]) == "D"
    assert worst(["D", "not graded"]) == "not graded"
    assert worst([]) == "A"


def test_quality_shares_equal_hand_computed_values():
    result = solve(_case())
    src = graded_sources(result).set_index("source")
    assert src["grade"].to_dict() == {"s0": "B", "s1": "D"}
    assert src["emissions_tco2e"].to_dict() == pytest.approx({"s0": 1000.0, "s1": 3000.0})
    itv = graded_interventions(result).set_index("intervention")
    assert itv["grade"].to_dict() == {"a": "C", "b": "D"}
    assert itv["abatement_tco2e"].to_dict() == pytest.approx({"a": 300.0, "b": 750.0})
    table = quality_table(result).set_index("what")
    base = table.loc["Baseline emissions"]
    assert base["total_tco2e"] == pytest.approx(4000.0)
    assert (base["share_A"], base["share_B"], base["share_C"], base["share_D"]) == pytest.approx((0, 0.25, 0, 0.75))
    assert base["share_c_or_d"] == pytest.approx(0.75) and base["share_not_graded"] == 0
    plan = table.loc["Abatement of the plan"]
    assert plan["total_tco2e"] == pytest.approx(1050.0)
    assert plan["share_C"] == pytest.approx(300 / 1050) and plan["share_D"] == pytest.approx(750 / 1050)
    assert plan["share_c_or_d"] == pytest.approx(1.0)


def test_an_ungraded_number_is_counted_as_not_graded():
    result = solve(_case(fraction={"value": 0.25, "source": "a cited publication"}))
    itv = graded_interventions(result).set_index("intervention")
    assert itv.loc["b", "grade"] == "not graded"
    plan = quality_table(result).set_index("what").loc["Abatement of the plan"]
    assert plan["share_not_graded"] == pytest.approx(750 / 1050)
    assert plan["share_c_or_d"] == pytest.approx(300 / 1050)


def test_weakest_links_are_the_ranged_judgement_numbers_ordered_by_swing():
    loaded = _case(fraction=judged(0.25, "D", low=0.2, high=0.3))
    found = {n.path for n in uncertain_numbers(loaded)}
    assert found == {
        "interventions.a.capex_usd_per_unit",
        "interventions.b.capex_usd_per_unit",
        "interventions.b.effects.0.fraction",
    }  # the C-grade running cost has a range but is not judgement; unranged D numbers are left out
    table, base = weakest_links(loaded, workers=1)
    assert base == pytest.approx(plan_outcomes(loaded))
    assert base["abatement_tco2e"] == pytest.approx(1050.0) and base["net_present_cost_usd"] == pytest.approx(180.0)
    scores = table["rank_score"].tolist()
    assert scores == sorted(scores, reverse=True)
    by_path = table.set_index("path")
    # capex of a: 50 to 200 per unit, one unit: the cost swings by 150 of 180; abatement does not move
    assert by_path.loc["interventions.a.capex_usd_per_unit", "cost_swing_usd"] == pytest.approx(150.0)
    assert by_path.loc["interventions.a.capex_usd_per_unit", "abatement_swing_tco2e"] == pytest.approx(0.0)
    # b's fraction 0.2 to 0.3 of 3,000 t: at 0.2 both are still needed (600 + 300 = 900 t, cost 180); at 0.3 b
    # alone meets the target (900 t, cost 80): the abatement does not swing, the cost swings by 100
    row = by_path.loc["interventions.b.effects.0.fraction"]
    assert (row["abatement_at_low_tco2e"], row["abatement_at_high_tco2e"]) == pytest.approx((900.0, 900.0))
    assert (row["cost_at_low_usd"], row["cost_at_high_usd"]) == pytest.approx((180.0, 80.0))
    assert list(table["path"]) == [
        "interventions.a.capex_usd_per_unit",  # 150 / 180 = 0.83
        "interventions.b.effects.0.fraction",  # 100 / 180 = 0.56
        "interventions.b.capex_usd_per_unit",  # 20 / 180 = 0.11
    ]
    # each swing is what direct re-solves at the two ends give
    for path in ("interventions.a.capex_usd_per_unit", "interventions.b.capex_usd_per_unit"):
        ends = [plan_outcomes(apply_settings(loaded, {path: by_path.loc[path, end]})) for end in ("low", "high")]
        assert by_path.loc[path, "cost_swing_usd"] == pytest.approx(
            abs(ends[1]["net_present_cost_usd"] - ends[0]["net_present_cost_usd"])
        )
    parallel, _ = weakest_links(loaded, workers=2)
    assert parallel.equals(table)


def test_quality_command_prints_and_writes(tmp_path, capsys):
    assert main(["quality", "demo", "--no-links", "--out", str(tmp_path / "q"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Baseline emissions" in out and "Abatement of the plan" in out and "C or D" in out
    for name in ("quality.csv", "quality_sources.csv", "quality_interventions.csv"):
        assert (tmp_path / "q" / name).is_file()
    assert main(["quality", "demo", "--top", "0"]) == 2


def test_report_has_a_data_quality_section(tmp_path):
    assert main(["report", "demo", "--out", str(tmp_path / "r"), "--format", "md", "--quiet"]) == 0
    text = (tmp_path / "r" / "report.md").read_text()
    assert "## Data quality" in text and "| Baseline emissions |" in text
    share = text.split("| Baseline emissions |")[1].split("\n")[0]
    assert "%" in share and not math.isnan(float(share.split("|")[-2].strip().rstrip(" %")))


def test_weakest_links_vary_capex_as_the_case_sizes_it():
    """A library capex sized to the case's units (``capex_scales_with``) is varied around the sized figure the
    plan pays, not the library's reference figure."""
    from optimizer.loading import load_case
    from optimizer.prepare import prepare
    from optimizer.quality import uncertain_numbers

    loaded = load_case("cases/georgia.yaml")
    iid = "envelope_thermal_retrofit"
    [number] = [n for n in uncertain_numbers(loaded) if n.path == f"interventions.{iid}.capex_usd_per_unit"]
    library = loaded.library.interventions[iid].capex_usd_per_unit
    paid = prepare(loaded).candidates[iid].capex
    assert library.value != pytest.approx(paid)  # Georgia's hospitals are not the reference size
    assert number.value == pytest.approx(paid, rel=1e-12)
    assert number.low == pytest.approx(library.low * paid / library.value, rel=1e-12)
    assert number.high == pytest.approx(library.high * paid / library.value, rel=1e-12)
