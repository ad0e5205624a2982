"""The country cases' NDC targets, tariffs and grid factor as read in the primary documents (the NDC texts in
the UNFCCC registry, the tariff resolutions, the MEE/NBS factor announcement); see each case's notes."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.loading import load_case
from optimizer.pathway import milestone_levels, project_bau, target_pathway


def _milestones(name: str, variant: str) -> list[tuple[str, int, float]]:
    case = load_case(name).case
    return [(t.type, t.year, t.percent.value) for t in case.variants[variant].targets]


@pytest.mark.parametrize(
    ("name", "variant", "expected"),
    [
        ("kyrgyz_republic", "unconditional", [("below_bau", 2030, 18), ("below_bau", 2035, 16)]),
        ("kyrgyz_republic", "conditional", [("below_bau", 2030, 30), ("below_bau", 2035, 39)]),
        ("azerbaijan", "unconditional", [("below_bau", 2035, 0)]),
        ("azerbaijan", "conditional", [("below_base_year", 2035, 40)]),
        ("georgia", "unconditional", [("below_base_year", 2030, 47), ("below_base_year", 2035, 50)]),
        ("georgia", "conditional", [("below_base_year", 2030, 47), ("below_base_year", 2035, 50)]),
        ("kazakhstan", "unconditional", [("below_base_year", 2030, 15), ("below_base_year", 2035, 17)]),
        ("kazakhstan", "conditional", [("below_base_year", 2035, 25)]),
        ("turkmenistan", "unconditional", [("below_bau", 2030, 20)]),
        ("turkmenistan", "conditional", [("below_bau", 2030, 20)]),
    ],
)
def test_targets_are_the_ndc_texts(name, variant, expected):
    assert _milestones(name, variant) == expected


@pytest.mark.parametrize(
    ("name", "reference", "base"),
    [("azerbaijan", 82.7e6, 69.3e6), ("kazakhstan", 385.5e6, 349.2e6), ("georgia", 45.0e6, 17.0e6)],
)
def test_national_ratio_uses_one_basis(name, reference, base):
    """Every base-year target of a case applies the same national pair (net totals where the NDC counts net)."""
    case = load_case(name).case
    pairs = {
        (t.national_reference_emissions_tco2e.value, t.national_base_year_emissions_tco2e.value)
        for v in case.variants.values()
        for t in v.targets
        if t.type == "below_base_year"
    }
    assert pairs == {(reference, base)}


def test_azerbaijan_without_an_unconditional_target_never_binds():
    loaded = load_case("azerbaijan")
    case = loaded.case
    years = np.arange(case.base_year, case.horizon_end_year + 1)
    bau = project_bau(case, years, loaded.library)
    allowed = target_pathway(case, case.variants["unconditional"], bau).to_numpy()
    assert np.all(allowed >= bau.emissions.sum(axis=0) - 1e-6)


def test_azerbaijan_conditional_cap_is_40_percent_below_the_1990_share():
    loaded = load_case("azerbaijan")
    case = loaded.case
    years = np.arange(case.base_year, case.horizon_end_year + 1)
    bau = project_bau(case, years, loaded.library)
    level = milestone_levels(case, case.variants["conditional"], bau)[2035]
    assert level == pytest.approx(case.baseline_reference.total_tco2e * 82.7 / 69.3 * 0.6, rel=1e-3)


@pytest.mark.parametrize(("name", "usd_per_mwh"), [("kyrgyz_republic", 47), ("tajikistan", 34)])
def test_budget_organisation_tariffs(name, usd_per_mwh):
    grid = next(s for s in load_case(name).case.sources if s.id == "grid_electricity")
    assert grid.price_usd_per_unit.value == usd_per_mwh
    assert grid.price_usd_per_unit.source  # a cited tariff, not an estimate


def test_prc_grid_factor_is_the_official_2023_national_average():
    grid = next(s for s in load_case("prc").case.sources if s.id == "grid_electricity")
    assert grid.emissions_tco2e.value / grid.activity.value == pytest.approx(0.5306, abs=5e-4)
    assert "0.5306" in grid.activity.estimate
