"""Sweep specification: parameters by path, changed copies of a case, and reproducible scenarios
(grids, named overrides, Monte Carlo draws from the data's ranges with correlated groups)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from optimizer.errors import InputError
from optimizer.loading import load_case
from optimizer.pyomo_backend import solve
from optimizer.sweep import SweepSpec, apply_settings, load_sweep_spec, scenarios, value_at
from optimizer.sweep.spec import _quantile

FIXTURES = Path(__file__).parent / "fixtures"
CASE = FIXTURES / "mini_case.yaml"


@pytest.fixture(scope="module")
def loaded():
    return load_case(CASE)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("discount_rate", 0.0),
        ("budget.total_usd_by_year.2027", 300.0),
        ("sources.s0.price_usd_per_unit", 1.0),
        ("drivers.flat.annual_change", 0.0),
        ("facility_stock.site", 10.0),
        ("interventions.led_retrofit.capex_usd_per_unit", 60.0),
        ("variants.unconditional.targets.0.percent", 10.0),
    ],
)
def test_value_at_paths(loaded, path, expected):
    assert value_at(loaded, path)["value"] == expected


def test_apply_settings_changes_exactly_those_values(loaded):
    changed = apply_settings(
        loaded,
        {
            "budget.total_usd_by_year.2027": 123.0,
            "interventions.led_retrofit.capex_usd_per_unit": 30.0,
            "discount_rate": 0.05,
        },
    )
    assert changed.case.budget.total_usd_by_year.by_year == {2026: 300.0, 2027: 123.0, 2028: 300.0}
    assert changed.case.overrides.interventions["led_retrofit"].capex_usd_per_unit.value == 30.0
    assert changed.case.discount_rate.value == 0.05
    assert loaded.case.discount_rate.value == 0.0  # the original is untouched
    # and the plan responds: cheaper LED capex alone lowers the plan's cost by 30 USD per unit built
    cheaper = apply_settings(loaded, {"interventions.led_retrofit.capex_usd_per_unit": 30.0})
    base, low = solve(loaded), solve(cheaper)
    units = base.portfolio.set_index("intervention").loc["led_retrofit", "units"]
    assert low.summary["objective_value"] == pytest.approx(base.summary["objective_value"] - 30.0 * units)


def test_target_percent_by_position(loaded):
    changed = apply_settings(loaded, {"variants.unconditional.targets.0.percent": 25.0})
    assert changed.case.variants["unconditional"].targets[0].percent.value == 25.0


@pytest.mark.parametrize(
    "path",
    [
        "discount_rte",
        "sources.s9.price_usd_per_unit",
        "interventions.solar.capex_usd_per_unit",
        "interventions.led_retrofit.name",
        "budget.total_usd_by_year.2031",
    ],
)
def test_bad_paths_are_input_errors(loaded, path):
    with pytest.raises(InputError) as err:
        apply_settings(loaded, {path: 1.0})
    assert path in str(err.value)


def test_out_of_range_value_is_an_input_error(loaded):
    with pytest.raises(InputError) as err:
        apply_settings(loaded, {"discount_rate": -0.5})
    assert "discount_rate" in str(err.value)


def _spec(**kw) -> SweepSpec:
    base = {
        "case": "mini_case.yaml",
        "overrides": {
            "cheap_led": {"interventions.led_retrofit.capex_usd_per_unit": 30.0},
            "rich": {"budget.total_usd_by_year.2026": 900.0},
        },
        "grid": [{"path": "discount_rate", "values": [0.0, 0.03, 0.06]}],
    }
    base.update(kw)
    return SweepSpec.model_validate(base)


def test_scenarios_count_order_and_stable_ids(loaded):
    spec = _spec(combinations=[[], ["cheap_led"], ["cheap_led", "rich"]])
    first, second = scenarios(spec, loaded), scenarios(spec, loaded)
    assert len(first) == 3 * 3
    assert [s.id for s in first] == [s.id for s in second]
    assert len({s.id for s in first}) == len(first)
    assert first[0].settings == {"discount_rate": 0.0}
    assert first[-1].settings == {
        "interventions.led_retrofit.capex_usd_per_unit": 30.0,
        "budget.total_usd_by_year.2026": 900.0,
        "discount_rate": 0.06,
    }
    assert first[-1].id.startswith("cheap_led+rich/g002#")
    default = scenarios(_spec(), loaded)  # base + each override alone
    assert [s.overrides for s in default[::3]] == [(), ("cheap_led",), ("rich",)]


def test_monte_carlo_draws_are_reproducible_within_ranges_and_correlated(loaded):
    ranged = apply_settings(loaded, {})  # the fixture has no ranges: give two quantities ranges by hand
    data = ranged.case.model_dump(exclude_none=True)
    data["sources"][0]["price_usd_per_unit"].update(low=0.5, high=2.0)
    data["sources"][1]["price_usd_per_unit"].update(low=0.8, high=1.1)
    data["discount_rate"].update(value=0.05, low=0.02, high=0.08)
    from optimizer.loading import case_from_dict

    case = case_from_dict(data, loaded.library)
    params = ["sources.s0.price_usd_per_unit", "sources.s1.price_usd_per_unit", "discount_rate"]
    spec = SweepSpec.model_validate(
        {
            "case": "x.yaml",
            "monte_carlo": {
                "samples": 4000,
                "seed": 7,
                "parameters": params,
                "correlated": {"energy_prices": params[:2]},
            },
        }
    )
    runs = scenarios(spec, case)
    again = scenarios(spec, case)
    assert [s.settings for s in runs] == [s.settings for s in again]
    s0 = np.array([s.settings[params[0]] for s in runs])
    s1 = np.array([s.settings[params[1]] for s in runs])
    rate = np.array([s.settings[params[2]] for s in runs])
    assert s0.min() >= 0.5 and s0.max() <= 2.0 and s1.min() >= 0.8 and s1.max() <= 1.1
    assert s0.mean() == pytest.approx((0.5 + 1.0 + 2.0) / 3, rel=0.02)  # triangular mean
    assert np.array_equal(np.argsort(s0), np.argsort(s1))  # same quantile: move together
    assert abs(np.corrcoef(s0, rate)[0, 1]) < 0.1  # independent of the others
    other_seed = SweepSpec.model_validate(
        {"case": "x.yaml", "monte_carlo": {"samples": 10, "seed": 8, "parameters": params}}
    )
    assert scenarios(other_seed, case)[0].settings != runs[0].settings


def test_monte_carlo_needs_ranges(loaded):
    spec = SweepSpec.model_validate({"case": "x.yaml", "monte_carlo": {"samples": 2, "parameters": ["discount_rate"]}})
    with pytest.raises(InputError) as err:
        scenarios(spec, loaded)
    assert "low-high range" in str(err.value)


def test_quantile_functions():
    u = np.linspace(0, 1, 5)
    assert _quantile(u, 0.0, 0.5, 1.0, "uniform").tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    tri = _quantile(u, 0.0, 0.5, 1.0, "triangular")
    assert tri[0] == 0.0 and tri[2] == pytest.approx(0.5) and tri[-1] == pytest.approx(1.0)


def test_spec_file_errors(tmp_path):
    spec = tmp_path / "sweep.yaml"
    spec.write_text(yaml.safe_dump({"case": "missing.yaml"}))
    with pytest.raises(InputError) as err:
        load_sweep_spec(spec)
    assert "sweep.yaml" in str(err.value) and "'missing.yaml'" in str(err.value)
    spec.write_text(
        yaml.safe_dump({"case": str(CASE), "overrides": {"a": {"discount_rate": 0.1}}, "combinations": [["b"]]})
    )
    with pytest.raises(InputError) as err:
        load_sweep_spec(spec)
    assert "unknown overrides ['b']" in str(err.value)


def test_example_sweep_spec(tmp_path):
    from optimizer.sweep.run import load_sweep, run_sweep

    example = Path(__file__).parent.parent / "docs" / "examples" / "sweep-georgia.yaml"
    spec, case_path = load_sweep_spec(example)
    assert len(scenarios(spec, load_case(case_path))) == 3 * 2 * 20
    run = run_sweep(example, tmp_path / "slice", workers=1, max_scenarios=2, progress=False)
    summary, _ = load_sweep(tmp_path / "slice")
    assert run.solved_now == 2 and (summary["status"] == "optimal").all()
