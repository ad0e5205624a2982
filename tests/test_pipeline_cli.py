"""``noregret pipeline`` and pipelines through the other commands, as a project team would run them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.bundled import resolve
from optimizer.cli import main
from optimizer.pipeline.chart import ladder_chart
from optimizer.pipeline.ladder import ladder_points

EXAMPLE = resolve(Path("georgia_pipeline"))


@pytest.fixture(scope="module")
def ranked(tmp_path_factory):
    out = tmp_path_factory.mktemp("pipeline") / "out"
    code = main(["pipeline", str(EXAMPLE), "--levels", "2", "--refine", "1", "--top", "5", "--out", str(out)])
    return code, out


def test_the_pipeline_command_writes_the_ranking_the_levels_and_the_ladder(ranked, capsys):
    code, out = ranked
    assert code == 0
    table = pd.read_csv(out / "pipeline.csv")
    assert len(table) == 300 and table["rank"].tolist() == list(range(1, 301))
    for column in ("entry_budget_usd", "break_even_carbon_price_usd_per_tco2e", "reason", "stays_chosen_share"):
        assert column in table
    chosen = table[table["selected"]]
    assert chosen["entry_budget_usd"].notna().all()
    # the entry order: budgets never fall down the ranking
    entered = table["entry_budget_usd"].dropna().to_numpy()
    assert np.all(np.diff(entered) >= 0)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["projects"]["selected"] == len(chosen)
    levels = pd.read_csv(out / "budget_levels.csv")
    assert 1.0 in levels["budget_factor"].tolist() and levels["budget_factor"].is_monotonic_increasing
    assert (out / "investment_ladder.png").read_bytes()[:4] == b"\x89PNG"


def test_the_ladder_chart_plots_the_ranking_in_entry_order(ranked):
    _, out = ranked
    table = pd.read_csv(out / "pipeline.csv")
    points = ladder_points(table, 2030)
    chart = ladder_chart(points, table.set_index("project")["selected"], 2030, "test")
    assert np.allclose(chart.data["capex"][1:] * 1e6, points["cumulative_capex_usd"])
    assert chart.data["chosen"].sum() == table.loc[table["entry_budget_usd"].notna(), "selected"].sum()
    within = table[table["entry_budget_factor"] <= 1 + 1e-9]
    assert np.isclose(chart.data["cut"] * 1e6, within["capex_usd"].sum())


def test_the_printed_ranking_filters_by_region(capsys):
    assert main(["pipeline", str(EXAMPLE), "--levels", "1", "--refine", "0", "--region", "Tbilisi", "--top", "0"]) == 0
    printed = capsys.readouterr().out
    assert "Pipeline ranking (region Tbilisi)" in printed
    listed = [line for line in printed.splitlines() if line.strip()[:1].isdigit() and "GEO-" in line]
    assert listed and all("Tbilisi" in line for line in listed)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["pipeline", "georgia"], "a case that lists project pipeline files"),
        (["pipeline", str(EXAMPLE), "--levels", "0"], "--levels"),
        (["pipeline", str(EXAMPLE), "--top", "-1"], "--top"),
        (["explain", str(EXAMPLE)], "a case without project pipelines for this command"),
        (["pipeline", str(EXAMPLE), "--region", "Tbilsi"], "did you mean 'Tbilisi'?"),
        (["pipeline", str(EXAMPLE), "--family", "building"], "did you mean 'buildings'?"),
    ],
)
def test_pipeline_misuse_is_bad_input(argv, expected, capsys):
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_a_sweep_classes_each_project(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"case: {EXAMPLE}\ngrid:\n  - path: discount_rate\n    values: [0.04, 0.09]\n")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert main(["robust", str(tmp_path / "out")]) == 0
    assert "Pipeline projects:" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "out" / "robustness_projects.csv")
    assert len(table) == 300 and set(table["class"]) <= {"core", "borderline", "exterior"}
    assert (table["scenarios_solved"] == 2).all()
    core = table[table["class"] == "core"]
    assert (core["scenarios_selected"] == 2).all() and len(core) > 0
