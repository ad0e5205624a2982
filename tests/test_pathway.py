"""BAU projection and target pathway types, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.pathway import enforced_years, milestone_levels, path_index, project_bau, target_pathway

from .helpers import build, case_dict, intervention, q, series


def _case(targets, net_zero=None, **kw):
    variant = {"targets": targets}
    if net_zero:
        variant["net_zero_year"] = net_zero
    kw.setdefault(
        "drivers",
        {"flat": {"annual_change": q(0.0)}, "gdp": {"annual_change": q(0.04)}, "grow": {"annual_change": q(0.05)}},
    )
    loaded = build([intervention("a")], case_dict(variants={"v": variant}, default_variant="v", **kw))
    case = loaded.case
    bau = project_bau(case, np.arange(case.base_year, case.horizon_end_year + 1), loaded.library)
    return case, case.variants["v"], bau


def test_path_index_rate_and_interpolated_series():
    years = np.arange(2024, 2031)
    from optimizer.schema.case import GrowthPath

    rate = GrowthPath.model_validate({"annual_change": q(0.1)})
    assert path_index(rate, 2024, years)[2] == pytest.approx(1.21)
    idx = GrowthPath.model_validate({"index_by_year": series({2026: 0.8, 2028: 0.6})})
    got = path_index(idx, 2024, years)
    assert got.tolist() == pytest.approx([1.0, 0.9, 0.8, 0.7, 0.6, 0.6, 0.6])  # flat after the last year


def test_bau_grows_with_driver_and_factor():
    sources = [
        {
            "id": "s0",
            "emissions_tco2e": q(1000),
            "activity": q(500),
            "driver": "grow",
            "factor_path": {"annual_change": q(-0.02)},
        },
        {"id": "s1", "emissions_tco2e": q(200), "driver": "flat"},
    ]
    _, _, bau = _case([{"type": "below_bau", "year": 2030, "percent": q(10)}], sources=sources)
    k = 2030 - 2024
    assert bau.emissions[0, k] == pytest.approx(1000 * 1.05**6 * 0.98**6)
    assert bau.activity[0, k] == pytest.approx(500 * 1.05**6)
    assert bau.factor[0, k] == pytest.approx(2.0 * 0.98**6)
    assert bau.emissions[1, k] == pytest.approx(200)


@pytest.mark.parametrize(
    "target, expected",
    [
        ({"type": "below_bau", "year": 2030, "percent": q(15)}, 2000 * 0.85),
        (
            {
                "type": "below_base_year",
                "year": 2030,
                "percent": q(40),
                "reference_year": 1990,
                "reference_emissions_tco2e": q(3000),
            },
            3000 * 0.6,
        ),
        # National ratio: national 1990 = 45 Mt, national 2024 = 20 Mt -> health reference 2,000 x 2.25.
        (
            {
                "type": "below_base_year",
                "year": 2030,
                "percent": q(35),
                "reference_year": 1990,
                "national_reference_emissions_tco2e": q(45e6),
                "national_base_year_emissions_tco2e": q(20e6),
            },
            2000 * 2.25 * 0.65,
        ),
        ({"type": "below_base_year", "year": 2030, "percent": q(10), "reference_year": 2024}, 1800),
        # Intensity: 20 % already achieved since 2010, target -35 % vs 2010, GDP +4 %/yr.
        (
            {
                "type": "intensity",
                "year": 2030,
                "percent": q(35),
                "denominator": "gdp",
                "reference_year": 2010,
                "achieved_by_base_year_percent": q(20),
            },
            2000 / 0.8 * 0.65 * 1.04**6,
        ),
        ({"type": "absolute", "year": 2030, "cap_tco2e": q(1234)}, 1234),
    ],
)
def test_target_types(target, expected):
    case, variant, bau = _case([target])
    assert milestone_levels(case, variant, bau)[2030] == pytest.approx(expected)


def test_pathway_interpolates_and_continues_to_net_zero():
    targets = [{"type": "absolute", "year": 2028, "cap_tco2e": q(1600)}]
    case, variant, bau = _case(targets, net_zero=2032)
    pw = target_pathway(case, variant, bau)
    assert pw[2024] == pytest.approx(2000) and pw[2026] == pytest.approx(1800) and pw[2028] == pytest.approx(1600)
    assert pw[2030] == pytest.approx(800)  # halfway from 1,600 (2028) to 0 (2032)
    assert pw.index[-1] == 2030
    assert enforced_years(case, variant, pw) == [2028]  # 2032 is beyond the 2030 horizon


def test_pathway_undefined_after_last_milestone_without_net_zero():
    case, variant, bau = _case(
        [{"type": "custom", "cap_tco2e_by_year": series({2026: 1900, 2028: 1700})}],
        target_rules={"enforce": "every_year"},
    )
    pw = target_pathway(case, variant, bau)
    assert pw[2027] == pytest.approx(1800)
    assert math.isnan(pw[2029])
    assert enforced_years(case, variant, pw) == [2026, 2027, 2028]
