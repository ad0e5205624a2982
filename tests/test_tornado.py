"""Tornado: swings equal direct re-solves at each parameter's low and high, sorted by the cost swing."""

from __future__ import annotations

import pytest

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.pyomo_backend import solve
from optimizer.sweep.paths import apply_settings
from optimizer.sweep.tornado import ranged_parameters, tornado

from .helpers import build, case_dict, intervention, q


def _case():
    a = intervention(
        "a",
        capex_usd_per_unit=q(100, low=50, high=200),
        om_change_usd_per_unit_year=-5,
        effects=[{"type": "share", "source": "s0", "fraction": q(0.3)}],
    )
    b = intervention(
        "b", capex_usd_per_unit=q(80, low=70, high=90), effects=[{"type": "share", "source": "s1", "fraction": q(0.25)}]
    )
    return build([a, b], case_dict(discount_rate=q(0.05, low=0.0, high=0.1)))


def test_tornado_swings_equal_direct_solves():
    loaded = _case()
    assert set(ranged_parameters(loaded)) == {
        "discount_rate",
        "interventions.a.capex_usd_per_unit",
        "interventions.b.capex_usd_per_unit",
    }
    t = tornado(loaded, workers=1)
    swings = t.table["net_present_cost_usd_swing"].tolist()
    assert swings == sorted(swings, reverse=True)
    for row in t.table.itertuples():
        costs = []
        for value in (row.low, row.high):
            r = solve(apply_settings(loaded, {row.parameter: value}))
            costs.append(-r.portfolio["npv_usd"].sum())
        assert row.net_present_cost_usd_swing == pytest.approx(abs(costs[1] - costs[0]), abs=1e-6)
    parallel = tornado(loaded, workers=2)
    assert parallel.table.equals(t.table)


def test_tornado_needs_ranges_and_cli(tmp_path, capsys):
    with pytest.raises(InputError):
        tornado(_case(), parameters=["sources.s0.price_usd_per_unit"], workers=1)
    from pathlib import Path

    case = Path(__file__).parent / "fixtures" / "mini_case.yaml"
    assert main(["tornado", str(case), "--parameters", "discount_rate", "--workers", "1"]) == 2  # no range there
    georgia = Path(__file__).parent.parent / "cases" / "georgia.yaml"
    assert (
        main(["tornado", str(georgia), "--parameters", "discount_rate", "--workers", "1", "--out", str(tmp_path)]) == 0
    )
    assert (tmp_path / "tornado.csv").is_file() and (tmp_path / "tornado.png").stat().st_size > 1000
    assert "discount_rate" in capsys.readouterr().out
