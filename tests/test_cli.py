"""The command line end to end: solve writes every table and the summary; exit codes 0/2/3."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from optimizer.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CASE = FIXTURES / "mini_case.yaml"
SUMMARY_KEYS = {
    "status",
    "objective",
    "objective_value",
    "mip_gap",
    "npv_usd",
    "capex_usd_by_year",
    "emissions_tco2e_by_year",
    "shortfall_tco2e_by_year",
    "build_seconds",
    "solve_seconds",
    "highs_seconds",
    "metadata",
}


def test_solve_writes_all_outputs(tmp_path, capsys):
    out = tmp_path / "result"
    assert main(["solve", str(CASE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Mini case (TST), variant 'unconditional'" in printed and str(out) in printed
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        ".noregret-output",
        "finance.csv",
        "pathway.csv",
        "portfolio.csv",
        "schedule.csv",
        "screening.csv",
        "summary.json",
        "trajectory.csv",
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) >= SUMMARY_KEYS
    assert summary["status"] == "optimal" and summary["objective"] == "min_cost"
    assert set(summary["emissions_tco2e_by_year"]) == {"bau", "target", "optimised"}
    assert len(summary["metadata"]["input_sha256"]) == 64 and summary["metadata"]["versions"]["pyomo"]
    # The tables agree with each other and with the summary.
    portfolio = pd.read_csv(out / "portfolio.csv")
    schedule = pd.read_csv(out / "schedule.csv")
    trajectory = pd.read_csv(out / "trajectory.csv")
    pathway = pd.read_csv(out / "pathway.csv")
    assert math.isclose(portfolio["capex_usd"].sum(), schedule["capex_usd"].sum())
    assert math.isclose(sum(summary["capex_usd_by_year"].values()), portfolio["capex_usd"].sum())
    assert math.isclose(summary["npv_usd"], portfolio["npv_usd"].sum())
    by_year = trajectory.groupby("year")["optimised_tco2e"].sum()
    assert all(math.isclose(by_year[y], v) for y, v in zip(pathway["year"], pathway["optimised_tco2e"]))
    assert math.isclose(summary["emissions_tco2e_by_year"]["optimised"]["2030"], by_year[2030])


def test_variant_and_objective_options(tmp_path):
    out = tmp_path / "c"
    assert (
        main(
            [
                "solve",
                str(CASE),
                "--variant",
                "conditional",
                "--objective",
                "max_abatement",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["variant"] == "conditional" and summary["objective"] == "max_abatement"


def test_hard_infeasible_target_exits_3(tmp_path, capsys):
    shutil_case = tmp_path / "case.yaml"
    data = yaml.safe_load(CASE.read_text())
    data["library"] = str(FIXTURES / "mini_library")
    data["target_rules"] = {"mode": "hard"}
    data["variants"]["unconditional"]["targets"][0]["percent"]["value"] = 90
    shutil_case.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    assert main(["solve", str(shutil_case), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "infeasible" in err and "elastic" in err
    assert not out.exists()


def test_validate_ok(capsys):
    assert main(["validate", str(CASE), str(FIXTURES / "mini_library")]) == 0
    assert "ok" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize(
    "entry", [["-m", "optimizer"], ["-c", "from optimizer.cli import main; raise SystemExit(main())"]]
)
def test_module_entry_points(entry, tmp_path):
    proc = subprocess.run([sys.executable, *entry, "validate", str(CASE)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(
        [sys.executable, *entry, "solve", str(tmp_path / "missing.yaml")], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "missing.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_batch_solves_manifest_and_prints_comparison(tmp_path, capsys):
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"comparison_year": 2030, "cases": [str(CASE), str(CASE)]}))
    out = tmp_path / "out"
    assert main(["batch", str(manifest), "--out", str(out)]) == 2  # the same output folder twice
    assert "would write the same output folder" in capsys.readouterr().err
    manifest.write_text(yaml.safe_dump({"comparison_year": 2030, "cases": [str(CASE)]}))
    assert main(["batch", str(manifest), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "BAU 2030" in printed and "Testland" in printed  # the case's country, by name
    comparison = pd.read_csv(out / "comparison.csv")
    summary = json.loads((out / "mini_case" / "summary.json").read_text())
    row = comparison.iloc[0]
    assert math.isclose(row.optimised_tco2e, summary["emissions_tco2e_by_year"]["optimised"]["2030"])
    assert math.isclose(row.npv_usd, summary["npv_usd"])


def test_batch_with_a_bad_case_writes_nothing(tmp_path, capsys):
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"cases": [str(CASE), "missing.yaml"]}))
    out = tmp_path / "out"
    assert main(["batch", str(manifest), "--out", str(out)]) == 2
    assert "cases[1]" in capsys.readouterr().err
    assert not out.exists()


def test_explain_and_alternatives_commands(tmp_path, capsys):
    out = tmp_path / "why"
    assert main(["explain", str(CASE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Before solving:" in printed and "Shadow prices" in printed and "Switching values" in printed
    assert {p.name for p in out.iterdir()} == {
        ".noregret-output",
        "reach.csv",
        "binding.csv",
        "fixes.csv",
        "shadow_prices.csv",
        "switching.csv",
        "explanation.txt",
    }
    # the explanation is not replaced by alternatives without --force
    assert main(["alternatives", str(CASE), "-k", "2", "--tolerance", "1.0", "--out", str(out)]) == 2
    assert "holds a noregret explain" in capsys.readouterr().err and (out / "explanation.txt").is_file()
    out = tmp_path / "options"
    assert main(["alternatives", str(CASE), "-k", "2", "--tolerance", "1.0", "--out", str(out)]) == 0
    table = pd.read_csv(out / "alternatives.csv")
    assert table["rank"].tolist() == list(range(len(table))) and len(table) >= 2
    assert main(["alternatives", str(CASE), "-k", "0"]) == 2


@pytest.mark.parametrize("argv", [["--help"], ["validate", str(CASE)]])
def test_checking_a_case_does_not_import_the_solver_stack(argv):
    code = (
        "import sys\nfrom optimizer.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pyomo', 'pandas', 'pyarrow', 'matplotlib', 'highspy', 'dask') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


def test_batch_in_processes_equals_one_process(tmp_path, capsys):
    for name in ("alpha", "beta", "gamma"):
        text = CASE.read_text().replace("library: mini_library", f"library: {CASE.parent / 'mini_library'}")
        (tmp_path / f"{name}.yaml").write_text(text)
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"cases": ["alpha.yaml", "beta.yaml", "gamma.yaml"]}))
    assert main(["batch", str(manifest), "--out", str(tmp_path / "one"), "--workers", "1"]) == 0
    assert main(["batch", str(manifest), "--out", str(tmp_path / "two"), "--workers", "2"]) == 0
    capsys.readouterr()
    for name in ("alpha", "beta", "gamma"):
        for table in ("portfolio", "schedule", "pathway", "finance", "screening", "trajectory"):
            one = (tmp_path / "one" / name / f"{table}.csv").read_text()
            assert one == (tmp_path / "two" / name / f"{table}.csv").read_text(), (name, table)
    one, two = (pd.read_csv(tmp_path / d / "comparison.csv").drop(columns="seconds") for d in ("one", "two"))
    pd.testing.assert_frame_equal(one, two)


@pytest.mark.parametrize("objective, tonnes_of", [("min_cost", "shortfall"), ("max_abatement", "abatement")])
def test_tolerance_in_dollars_and_tonnes(tmp_path, capsys, objective, tonnes_of):
    out = tmp_path / objective
    assert main(["solve", str(CASE), "--objective", objective, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    tolerance = summary["tolerance"]
    assert tolerance["usd"] is not None and 0 <= tolerance["usd"] <= 1e-6 * max(1.0, abs(summary["npv_usd"])) + 1e-6
    assert tolerance["tco2e"] is not None and tolerance["tco2e"] >= 0
    assert "of net present cost" in printed and "of the best possible plan" in printed
    if tolerance["tco2e"] > 0:
        assert f"of {tonnes_of}" in printed
