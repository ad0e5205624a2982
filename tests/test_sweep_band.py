"""The optimised trajectory recorded by every sweep scenario, and its P10-P90 band across scenarios."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from optimizer.sweep.robust import trajectory_band
from optimizer.sweep.run import load_sweep, load_sweep_trajectories, run_sweep

FIXTURES = Path(__file__).parent / "fixtures"
SPEC = {
    "case": "mini_case.yaml",
    "overrides": {"broken": {"discount_rate": 2.0}},  # outside [0, 1]: recorded as failed, no trajectory
    "grid": [{"path": "variants.unconditional.targets.0.percent", "values": [5.0, 20.0, 40.0]}],
}


@pytest.fixture
def sweep(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(FIXTURES, work)
    spec = work / "sweep.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1, progress=False)
    return out


def test_every_solved_scenario_records_its_trajectory(sweep):
    summary, _ = load_sweep(sweep)
    trajectories = load_sweep_trajectories(sweep, summary)
    solved = summary[summary["status"] != "error"]
    assert len(solved) == 3 and (summary["status"] == "error").sum() == 3
    assert set(trajectories["scenario_id"]) == set(solved["scenario_id"])
    # the trajectory's final year is the summary's final-year emissions
    final = trajectories.merge(solved[["scenario_id", "final_year", "final_year_emissions_tco2e"]])
    final = final[final["year"] == final["final_year"]]
    assert len(final) == len(solved)
    assert final["emissions_tco2e"].tolist() == final["final_year_emissions_tco2e"].astype(float).tolist()


def test_band_brackets_every_year_and_tightens_with_the_target(sweep):
    summary, _ = load_sweep(sweep)
    band = trajectory_band(summary, load_sweep_trajectories(sweep, summary))
    assert (band["scenarios"] == 3).all()
    assert (band["p10_tco2e"] <= band["p50_tco2e"]).all() and (band["p50_tco2e"] <= band["p90_tco2e"]).all()
    assert (band["p90_tco2e"] > band["p10_tco2e"]).any()  # the swept target moves the plan


def test_band_quantiles_by_hand():
    summary = pd.DataFrame({"scenario_id": ["a", "b", "c", "d", "x"], "status": ["optimal"] * 4 + ["error"]})
    emissions = {"a": [10.0, 1.0], "b": [20.0, 2.0], "c": [30.0, 3.0], "d": [40.0, 4.0], "x": [1e9, 1e9]}
    trajectories = pd.DataFrame(
        [
            {"scenario_id": s, "year": 2026 + k, "emissions_tco2e": v}
            for s, vs in emissions.items()
            for k, v in enumerate(vs)
        ]
    )
    band = trajectory_band(summary, trajectories).set_index("year")
    # linear interpolation of 10, 20, 30, 40 at 0.1, 0.5, 0.9: 13, 25, 37 (the failed scenario is left out)
    assert band.loc[2026, ["p10_tco2e", "p50_tco2e", "p90_tco2e"]].tolist() == pytest.approx([13.0, 25.0, 37.0])
    assert band.loc[2027, ["p10_tco2e", "p50_tco2e", "p90_tco2e"]].tolist() == pytest.approx([1.3, 2.5, 3.7])
    assert band["scenarios"].tolist() == [4, 4]
    assert trajectory_band(summary, trajectories.iloc[0:0]).empty
