"""The cost curve and the roadmap draw what the solve says: the MACC's widths add up to what the measures
abate together (never more than ``noregret explain``'s reachable abatement), the cut-off is the selected
portfolio's abatement, the break-even carbon price matches a hand calculation, only enforced years show a
shortfall, and every action family has its own colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer import load_case, solve
from optimizer.explain.reach import reachability, technical_max
from optimizer.pipeline import ranking
from optimizer.report import build_tables
from optimizer.report import macc as macc_module
from optimizer.report.charts import LIBRARY_FAMILIES, family_colours, macc_chart, roadmap_chart
from optimizer.report.macc import BEYOND_PLAN, NOT_SELECTED, SELECTED, merit_order, unit_break_even_price
from optimizer.report.tables import header
from tests.helpers import intervention, q, solve_tiny

ROOT = Path(__file__).resolve().parent.parent


def share(iid: str, source: str, fraction: float, capex: float, **kw) -> dict:
    return intervention(
        iid,
        name=f"Measure {iid}",
        effects=[{"type": "share", "source": source, "fraction": q(fraction)}],
        capex_usd_per_unit=capex,
        **kw,
    )


# ------------------------------------------------------------------------------- a hand-checkable case
# Two sources of 1,000 t/yr. A and B each cut 60 % of s0 (together at most the 1,000 t of s0), C cuts 30 % of
# s1. The target (10 % below BAU in 2030, 200 t) is met most cheaply by part of A alone.


@pytest.fixture(scope="module")
def hand():
    items = [share("a", "s0", 0.6, 100.0), share("b", "s0", 0.6, 200.0), share("c", "s1", 0.3, 300.0)]
    return solve_tiny(items)


def test_hand_case_widths_are_joint_increments(hand):
    m = merit_order(hand)
    plan = hand.portfolio.set_index("intervention")["abatement_target_year_tco2e"]
    assert list(plan.index) == ["a"] and plan["a"] == pytest.approx(200.0, abs=1e-3)
    width = {(i, p): w for i, p, w in zip(m["intervention"], m["part"], m["abatement_tco2e"])}
    # A's plan, then in merit order: the rest of A (to 600 t), B only what is left of s0 (400 t, not its
    # stand-alone 600 t), C 300 t
    assert width == pytest.approx(
        {
            ("a", SELECTED): plan["a"],
            ("a", BEYOND_PLAN): 600.0 - plan["a"],
            ("b", NOT_SELECTED): 400.0,
            ("c", NOT_SELECTED): 300.0,
        },
        abs=2e-3,  # the plan is held within the solver's tolerance
    )
    assert list(m["part"]) == [SELECTED, BEYOND_PLAN, NOT_SELECTED, NOT_SELECTED]
    assert m["abatement_tco2e"].sum() == pytest.approx(1300.0, abs=2e-3)
    assert m["abatement_tco2e"].sum() <= technical_max(hand.data, 2030) + 1e-9
    assert list(m["rank"]) == [1, 2, 3, 4]
    assert np.allclose(m["x_start_tco2e"], [0.0, plan["a"], 600.0, 1000.0])


def test_brute_force_joint_abatement_of_all_measures_at_full_potential(hand):
    """Independently of the model: every measure at full potential, each source capped at its BAU."""
    bau = {"s0": 1000.0, "s1": 1000.0}
    cut = {"s0": 0.0, "s1": 0.0}
    for c in hand.data.candidates.values():
        for eff in hand.data.loaded.library.interventions[c.id].effects:
            cut[eff.source] += eff.fraction.value * bau[eff.source]
    joint = sum(min(cut[s], bau[s]) for s in bau)
    assert merit_order(hand)["abatement_tco2e"].sum() == pytest.approx(joint, abs=2e-3)


def test_group_competition_counts_once():
    """Two measures of a group sharing at most 100 % of the deployment: the second adds nothing."""
    items = [
        share("a", "s0", 0.4, 100.0, group="g"),
        share("b", "s1", 0.4, 200.0, group="g"),
    ]
    groups = [{"id": "g", "name": "G", "max_combined_share": 1.0}]
    result = solve_tiny(items, groups)
    m = merit_order(result)
    assert m["abatement_tco2e"].sum() == pytest.approx(400.0, abs=2e-3)
    assert m["abatement_tco2e"].sum() <= technical_max(result.data, 2030) + 1e-9
    assert (m["abatement_tco2e"] >= 0).all()


def test_break_even_price_equals_hand_value():
    """One unit of capex 1,000 built in 2026 (base year 2024, 5 %), abating 600 t/yr in 2026-2035, no running
    cost: break-even = 1,000 x 1.05^-2 / sum(600 x 1.05^-(t-2024), t = 2026..2035)."""
    result = solve_tiny([share("a", "s0", 0.6, 1000.0)], discount_rate=q(0.05))
    c = result.data.candidates["a"]
    npc = 1000.0 * 1.05**-2
    tonnes = sum(600.0 * 1.05 ** -(t - 2024) for t in range(2026, 2036))
    assert unit_break_even_price(result.data, c) == pytest.approx(npc / tonnes, rel=1e-9)
    # = 907.03 / 4,412.4: about US$0.206 per tCO2e
    row = merit_order(result).iloc[0]
    assert row["break_even_carbon_price_usd_per_tco2e"] == pytest.approx(npc / tonnes, rel=1e-9)
    # the cost per tonne counts undiscounted tonnes: 907 / 6,000
    assert row["cost_per_tco2e_usd"] == pytest.approx(npc / 6000.0, rel=1e-9)
    # one definition, shared with the pipeline's ranking
    assert macc_module.break_even_carbon_price is ranking.break_even_carbon_price
    assert header("break_even_carbon_price_usd_per_tco2e") == "break-even carbon price [US$/tCO2e]"


# ------------------------------------------------------------------------------- bundled country cases


@pytest.fixture(scope="module", params=["kazakhstan", "prc"])
def country(request):
    result = solve(load_case(ROOT / "cases" / f"{request.param}.yaml"))
    return result, build_tables(result, diagnosis=False, provenance=False)


@pytest.mark.slow
def test_widths_add_up_to_the_reachable_abatement(country):
    result, tables = country
    m, data = tables.macc, result.data
    reach = {r.year: r.technical_max_tco2e for r in reachability(data)}[data.final_year]
    widths = m["abatement_tco2e"].to_numpy(float)
    assert (widths >= 0).all()
    assert widths.sum() <= reach * (1 + 1e-9)
    assert widths.sum() == pytest.approx(reach, rel=1e-6)
    # the selected block first, its widths the plan's own abatement, adding up to the cut-off
    sel = m["selected"].to_numpy(bool)
    assert not (np.diff(sel.astype(int)) > 0).any()
    port = result.portfolio.set_index("intervention")["abatement_target_year_tco2e"]
    assert m.loc[sel, "abatement_tco2e"].to_numpy() == pytest.approx(port.loc[m.loc[sel, "intervention"]].to_numpy())
    assert tables.meta["macc_cutoff_tco2e"] == pytest.approx(port.sum())
    drawn = m[m["drawn"]]
    assert np.allclose(drawn["x_start_tco2e"], np.cumsum(drawn["abatement_tco2e"]) - drawn["abatement_tco2e"])
    assert list(drawn["rank"]) == list(range(1, len(drawn) + 1))


@pytest.mark.slow
def test_macc_chart_draws_the_table(country):
    _, tables = country
    m = tables.macc
    chart = macc_chart(m, tables.meta["macc_cutoff_tco2e"], tables.meta["final_year"], "t")
    d, drawn = chart.data, m[m["drawn"]]
    assert np.allclose(d["width"] * d["scale"], drawn["abatement_tco2e"])
    assert np.allclose(d["height"], drawn["cost_per_tco2e_usd"])
    assert d["cutoff"] * d["scale"] == pytest.approx(tables.meta["macc_cutoff_tco2e"])
    # selected bars end at the cut-off, the others start there
    ends = d["x"] + d["width"]
    assert ends[d["selected"]].max() == pytest.approx(d["cutoff"], rel=1e-9)
    assert d["x"][~d["selected"]].min() == pytest.approx(d["cutoff"], rel=1e-9)
    # a bar beyond the cost axis is flagged (and labelled with its value); the others fit
    lo, hi = d["ylim"]
    assert (d["clipped"] == ((d["height"] < lo) | (d["height"] > hi))).all()
    assert all(key.startswith(f"{r}  ") for r, key in zip(d["rank"], d["key"]))
    assert "_" not in "".join(d["key"])  # display names, not ids


@pytest.mark.slow
def test_roadmap_hatches_only_enforced_years(country):
    _, tables = country
    rm = tables.roadmap
    chart = roadmap_chart(rm, tables.meta["families"], "t")
    d = chart.data
    enforced = rm["enforced"].to_numpy(bool)
    assert (d["gap"][~enforced] == 0).all()
    over = (rm["optimised_tco2e"] > rm["target_tco2e"]).to_numpy()
    assert (over & ~enforced).any()  # e.g. 2025: above the target line, yet not a shortfall
    assert d["gap"][enforced] * d["scale"] == pytest.approx(
        (rm["optimised_tco2e"] - rm["target_tco2e"])[enforced].clip(lower=0)
    )
    assert set(d["colours"]) == set(tables.meta["families"])
    assert len(set(d["colours"].values())) == len(d["colours"])


def test_every_family_has_its_own_fixed_colour():
    families = sorted(
        p.stem for p in (ROOT / "intervention_library").glob("*.yaml") if p.stem not in ("gwp", "vocabulary")
    )
    assert sorted(LIBRARY_FAMILIES) == families
    colours = family_colours(families)
    assert len(set(colours.values())) == len(families)
    assert family_colours(families[::-1]) == colours  # the same colour in every chart and country
    assert family_colours(["waste"]) == {"waste": colours["waste"]}
    other = family_colours(families + ["custom_a", "custom_b"])
    assert len(set(other.values())) == len(families) + 2
