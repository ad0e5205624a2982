"""Running sweeps: the same results with one or several workers, resume after an interruption without
losing or duplicating a scenario, failures recorded without stopping the sweep, selection frequencies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.sweep.robust import selection_frequency
from optimizer.sweep.run import load_sweep, run_sweep

FIXTURES = Path(__file__).parent / "fixtures"
SPEC = {
    "case": "mini_case.yaml",
    "overrides": {
        "cheap_led": {"interventions.led_retrofit.capex_usd_per_unit": 20.0},
        "broken": {"discount_rate": 2.0},
    },  # outside [0, 1]: this scenario must fail, recorded
    "grid": [
        {"path": "budget.total_usd_by_year.2026", "values": [50.0, 300.0]},
        {"path": "variants.unconditional.targets.0.percent", "values": [10.0, 40.0]},
    ],
}


@pytest.fixture
def spec_file(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(FIXTURES, work)
    path = work / "sweep.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    return path


def _comparable(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.drop(columns=["solve_seconds"]).reset_index(drop=True)


def test_in_place_sweep_equals_rebuilding_every_scenario(spec_file, tmp_path):
    """The fast path (one HiGHS model per worker, changed in place) gives HiGHS the matrix the rebuilt path
    gives it, columns in the same order, so the results are the same, plans included."""
    run_sweep(spec_file, tmp_path / "fast", workers=1, progress=False)
    run_sweep(spec_file, tmp_path / "slow", workers=1, progress=False, rebuild=True)
    s1, p1 = load_sweep(tmp_path / "fast")
    s2, p2 = load_sweep(tmp_path / "slow")
    pd.testing.assert_frame_equal(_comparable(s1), _comparable(s2))
    key = ["scenario_id", "intervention"]
    pd.testing.assert_frame_equal(
        p1.sort_values(key).reset_index(drop=True), p2.sort_values(key).reset_index(drop=True)
    )
    assert (s1["status"] == "optimal").sum() == 8


def test_workers_give_identical_results_and_failures_are_recorded(spec_file, tmp_path):
    one = run_sweep(spec_file, tmp_path / "one", workers=1, progress=False)
    two = run_sweep(spec_file, tmp_path / "two", workers=2, progress=False)
    assert one.total == two.total == 3 * 4 and one.solved_now == two.solved_now == 12
    s1, p1 = load_sweep(tmp_path / "one")
    s2, p2 = load_sweep(tmp_path / "two")
    pd.testing.assert_frame_equal(_comparable(s1), _comparable(s2))
    pd.testing.assert_frame_equal(
        p1.sort_values(["scenario_id", "intervention"]).reset_index(drop=True),
        p2.sort_values(["scenario_id", "intervention"]).reset_index(drop=True),
    )
    broken = s1[s1["overrides"] == "broken"]
    assert len(broken) == 4 and (broken["status"] == "error").all()
    assert broken["error"].str.contains("discount_rate").all()
    assert (s1[s1["overrides"] != "broken"]["status"] == "optimal").all()
    # the budget and the target move the results
    assert s1["total_shortfall_tco2e"].nunique() > 1


@pytest.mark.slow
def test_dask_local_cluster_gives_identical_results(spec_file, tmp_path):
    run_sweep(spec_file, tmp_path / "local", workers=1, progress=False)
    run = run_sweep(spec_file, tmp_path / "dask", workers=2, scheduler="local", progress=False)
    assert run.solved_now == 12 and run.failed_now == 4
    s1, p1 = load_sweep(tmp_path / "local")
    s2, p2 = load_sweep(tmp_path / "dask")
    pd.testing.assert_frame_equal(_comparable(s1), _comparable(s2))
    key = ["scenario_id", "intervention"]
    pd.testing.assert_frame_equal(
        p1.sort_values(key).reset_index(drop=True), p2.sort_values(key).reset_index(drop=True)
    )


def test_resume_after_interruption_loses_and_duplicates_nothing(spec_file, tmp_path):
    out = tmp_path / "out"
    first = run_sweep(spec_file, out, workers=1, max_scenarios=5, progress=False)
    assert first.solved_now == 5
    # a crash while writing: a stray temporary file and a portfolio written without its summary
    (out / "summary" / ".half.parquet.tmp").write_bytes(b"garbage")
    summary, portfolio = load_sweep(out)
    assert len(summary) == 5
    with pytest.raises(InputError):
        run_sweep(spec_file, out, workers=1, progress=False)  # not without --resume
    second = run_sweep(spec_file, out, workers=2, resume=True, progress=False)
    assert second.done_before == 5 and second.solved_now == 7
    summary, portfolio = load_sweep(out)
    reference, _ = load_sweep(_fresh(spec_file, tmp_path / "ref"))
    assert summary["scenario_id"].tolist() == reference["scenario_id"].tolist()  # all, once, in spec order
    pd.testing.assert_frame_equal(_comparable(summary), _comparable(reference))
    assert not portfolio.duplicated(["scenario_id", "intervention"]).any()


def _fresh(spec_file, out):
    run_sweep(spec_file, out, workers=1, progress=False)
    return out


def test_resume_refuses_a_changed_spec(spec_file, tmp_path):
    out = tmp_path / "out"
    run_sweep(spec_file, out, workers=1, max_scenarios=2, progress=False)
    changed = dict(SPEC, grid=[{"path": "discount_rate", "values": [0.0, 0.1]}])
    spec_file.write_text(yaml.safe_dump(changed))
    with pytest.raises(InputError) as err:
        run_sweep(spec_file, out, resume=True, progress=False)
    assert "spec or the case changed" in str(err.value)


def test_selection_frequency_classes():
    summary = pd.DataFrame({"scenario_id": [f"s{k}" for k in range(20)], "status": ["optimal"] * 19 + ["error"]})
    rows = [
        {"scenario_id": f"s{k}", "intervention": "always", "family": "waste", "start_year": 2026, "units": 1.0}
        for k in range(19)
    ]
    rows += [
        {"scenario_id": f"s{k}", "intervention": "half", "family": "food", "start_year": 2026 + k % 2, "units": 2.0}
        for k in range(10)
    ]
    rows += [
        {"scenario_id": "s19", "intervention": "only_in_failed", "family": "food", "start_year": 2026, "units": 1.0}
    ]
    table = selection_frequency(summary, pd.DataFrame(rows), {"always": "waste", "half": "food", "never": "fleet"})
    by = table.set_index("intervention")
    assert by.loc["always", "class"] == "core" and by.loc["always", "selected_share"] == 1.0
    assert by.loc["half", "class"] == "borderline" and by.loc["half", "selected_share"] == pytest.approx(10 / 19)
    assert by.loc["half", "usual_start_share"] == 0.5
    assert by.loc["never", "class"] == "exterior" and "only_in_failed" not in by.index


def test_sweep_and_robust_commands(spec_file, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "1"]) == 0
    assert main(["robust", str(out), "--regret"]) == 0
    printed = capsys.readouterr().out
    assert "12 of 12 scenarios done" in printed and "LED retrofit" in printed and "minimax_regret:" in printed
    assert (out / "robustness.csv").is_file()
    regret = pd.read_csv(out / "regret.csv")
    # a regret is never below zero beyond rounding (the shared MILP is solved in millions of US$: a plan's
    # continuous units can differ from a scenario's own optimum's by 1e-9, its cost by a few millionths of a US$)
    assert set(regret["portfolio"]) == {"minimax_regret", "expected_cost"} and (regret["regret"] >= -1e-3).all()
    assert main(["robust", str(out), "--regret", "--max-scenarios", "2"]) == 2
    assert main(["sweep", str(spec_file), "--out", str(out)]) == 2  # exists: needs --resume
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "0"]) == 2


@pytest.mark.slow
def test_resume_after_the_process_is_killed(spec_file, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    bigger = dict(SPEC, grid=SPEC["grid"] + [{"path": "discount_rate", "values": [0.0, 0.02, 0.04, 0.06, 0.08]}])
    spec_file.write_text(yaml.safe_dump(bigger))
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer", "sweep", str(spec_file), "--out", str(out), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if (out / "summary").exists() and len(list((out / "summary").glob("*.parquet"))) >= 5:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list((out / "summary").glob("*.parquet")))
    assert 0 < done < 60, done  # killed part-way
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "2", "--resume"]) == 0
    summary, portfolio = load_sweep(out)
    reference, _ = load_sweep(_fresh(spec_file, tmp_path / "ref"))
    assert summary["scenario_id"].tolist() == reference["scenario_id"].tolist()
    pd.testing.assert_frame_equal(_comparable(summary), _comparable(reference))
    assert not portfolio.duplicated(["scenario_id", "intervention"]).any()


def test_report_gains_a_robustness_section(spec_file, tmp_path):
    from optimizer.sweep.robust import selection_frequency

    out = tmp_path / "sw"
    run_sweep(spec_file, out, workers=1, progress=False)
    case = spec_file.parent / "mini_case.yaml"
    assert (
        main(
            [
                "report",
                str(case),
                "--sweep",
                str(out),
                "--format",
                "html,md,xlsx",
                "--no-diagnosis",
                "--out",
                str(tmp_path / "rep"),
            ]
        )
        == 0
    )
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "Robustness over the sweep" in html and "led_retrofit" in html
    assert "## Robustness over the sweep" in (tmp_path / "rep" / "report.md").read_text()
    sheet = pd.read_excel(tmp_path / "rep" / "report.xlsx", sheet_name="robustness")
    summary, portfolio = load_sweep(out)
    expected = selection_frequency(summary, portfolio)
    share = dict(zip(sheet.iloc[:, 0], sheet.iloc[:, 2]))
    assert share["led_retrofit"] == pytest.approx(
        expected.set_index("intervention").loc["led_retrofit", "selected_share"]
    )
    other = tmp_path / "other.yaml"
    other.write_text(case.read_text())  # a sweep of another case file is refused
    assert main(["report", str(other), "--sweep", str(out), "--format", "md", "--out", str(tmp_path / "x")]) == 2
