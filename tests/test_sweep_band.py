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


def test_report_draws_the_band_from_the_sweep(sweep, tmp_path):
    from optimizer.cli import main
    from optimizer.loading import load_case
    from optimizer.pyomo_backend import solve
    from optimizer.report.build import roadmap_caption, trajectory_band_for
    from optimizer.report.charts import country_charts
    from optimizer.report.tables import build_tables

    case = tmp_path / "work" / "mini_case.yaml"
    result = solve(load_case(case))
    tables = build_tables(result, diagnosis=False)
    tables.trajectory_band = trajectory_band_for(sweep)
    roadmap = next(c for c in country_charts(tables) if c.name == "roadmap")
    band = tables.trajectory_band.set_index("year").reindex(roadmap.data["years"])
    scale = roadmap.data["scale"]
    assert roadmap.data["band_low"].tolist() == pytest.approx((band["p10_tco2e"] / scale).tolist())
    assert roadmap.data["band_high"].tolist() == pytest.approx((band["p90_tco2e"] / scale).tolist())
    assert "over the 3 solved scenarios" in roadmap_caption(tables)

    out = tmp_path / "rep"
    args = ["report", str(case), "--sweep", str(sweep), "--format", "html,md,xlsx", "--no-diagnosis", "--out", str(out)]
    assert main(args) == 0
    html = (out / "report.html").read_text()
    assert "Optimised emissions across the sweep" in html and "10th to 90th percentile" in html
    assert "### Optimised emissions across the sweep" in (out / "report.md").read_text()
    sheet = pd.read_excel(out / "report.xlsx", sheet_name="trajectory_band")
    assert len(sheet) == len(tables.trajectory_band)


def test_a_sweep_without_trajectories_gives_no_band(sweep):
    from optimizer.report.build import trajectory_band_for

    shutil.rmtree(sweep / "trajectory")
    assert trajectory_band_for(sweep) is None
