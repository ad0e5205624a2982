"""Synthetic project pipelines: reproducible from a seed, every project valid in the file format (unique ids,
acyclic prerequisites outside the project's own exclusive group, whole sizes where the intervention needs
them, financing sources of the case, an estimate note on every row), fast at 20,000 rows, and the bundled
Georgia example valid too."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.loading import case_from_dict, load_case
from optimizer.pipeline.generate import FILE_COLUMNS, REGIONS_BY_ISO3, generate_pipeline, write_pipeline
from optimizer.pipeline.table import READINESS_DELAY_YEARS, READINESS_STAGES, change_column
from optimizer.prepare import prepare
from optimizer.yaml_io import read_yaml_mapping

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "cases" / "examples"


@cache
def _loaded(name: str):
    return load_case(name)


@cache
def _generated(name: str, n: int, seed: int) -> pd.DataFrame:
    return generate_pipeline(_loaded(name), n, seed=seed)


def _text(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str)


def _numbers(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.replace("", np.nan)).astype(float)


def assert_valid_pipeline(frame: pd.DataFrame, loaded) -> None:
    """Every rule a pipeline file's projects must meet, on a generated or read-back table."""
    case, library = loaded.case, loaded.library
    usable = prepare(loaded).candidates
    for column in ("id", "name", "facility_id", "intervention", "readiness"):
        assert (_text(frame[column]).str.strip() != "").all(), column
    ids = _text(frame["id"])
    assert ids.is_unique
    assert set(frame["intervention"]) <= set(usable)
    assert set(frame["readiness"]) <= set(READINESS_STAGES)
    assert ((_text(frame["source"]) != "") | (_text(frame["estimate"]) != "")).all()

    size = _numbers(frame["size"])
    assert (size > 0).all()
    whole = frame["intervention"].map(lambda i: library.interventions[i].integer_units).astype(bool)
    assert (size[whole] == np.round(size[whole])).all()

    group = _text(frame["exclusive_group"])
    grouped = group[group != ""]
    assert (grouped.value_counts() >= 2).all(), "an exclusive group of one project"
    assert (frame.loc[group != ""].groupby(grouped)["facility_id"].nunique() == 1).all()
    _assert_prerequisites(ids, _text(frame["prerequisites"]), group)

    financing_ids = {f.id for f in case.budget.financing}
    for intervention, cell in zip(frame["intervention"], _text(frame["financing"])):
        named = [f for f in cell.split(";") if f]
        assert set(named) <= financing_ids & set(usable[intervention].financing), (intervention, cell)

    window = case.decision_window
    earliest, latest = _numbers(frame["earliest_start"]), _numbers(frame["latest_start"])
    for years in (earliest.dropna(), latest.dropna()):
        assert years.between(window.first_year, window.last_year).all()
        assert (years == np.round(years)).all()
    can_start = np.maximum.reduce(
        [
            window.first_year + frame["readiness"].map(READINESS_DELAY_YEARS).to_numpy(),
            frame["intervention"].map(lambda i: usable[i].start_years[0]).to_numpy(),
            earliest.fillna(0).to_numpy(),
        ]
    )
    assert (latest.isna() | (latest >= can_start)).all()

    changes = {c for c in frame.columns if c.startswith("change_")}
    assert changes <= {change_column(s.id) for s in case.sources}
    assert list(frame.columns[: len(FILE_COLUMNS)]) == list(FILE_COLUMNS)
    assert _text(frame["estimate"]).str.contains("Illustrative").all()


def _assert_prerequisites(ids: pd.Series, prerequisites: pd.Series, group: pd.Series) -> None:
    """Prerequisites name existing projects, never one of the same exclusive group, and form no cycle."""
    group_of = dict(zip(ids, group))
    needs = {p: [q for q in cell.split(";") if q] for p, cell in zip(ids, prerequisites)}
    for project, required in needs.items():
        for other in required:
            assert other in group_of, (project, other)
            assert other != project
            assert not group_of[project] or group_of[project] != group_of[other], (project, other)
    waiting = {project: len(set(required)) for project, required in needs.items()}
    dependents: dict[str, list[str]] = {}
    for project, required in needs.items():
        for other in set(required):
            dependents.setdefault(other, []).append(project)
    ready = [project for project, count in waiting.items() if count == 0]
    ordered = 0
    while ready:
        project = ready.pop()
        ordered += 1
        for dependent in dependents.get(project, []):
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
    assert ordered == len(needs), "prerequisites form a cycle"


def test_same_seed_same_table_other_seed_other_table():
    loaded = _loaded("georgia")
    first = generate_pipeline(loaded, 500, seed=7)
    assert first.equals(generate_pipeline(loaded, 500, seed=7))
    assert not first.equals(generate_pipeline(loaded, 500, seed=8))


@pytest.mark.parametrize("name", ["georgia", "demo", "prc"])
def test_every_rule_holds_on_2000_projects(name):
    frame = _generated(name, 2000, 0)
    assert len(frame) == 2000
    assert_valid_pipeline(frame, _loaded(name))


def test_the_survey_has_alternatives_prerequisites_restrictions_and_skew():
    frame = _generated("georgia", 2000, 0)
    assert {"hospital", "ambulance_station"} == set(frame["facility_type"])
    groups = _text(frame["exclusive_group"])
    assert groups.str.endswith("-roof").any() and groups.str.endswith("-boiler-house").any()
    heat_pumps = frame[frame["intervention"] == "hospital_heat_pumps"]
    assert len(heat_pumps) and (heat_pumps["prerequisites"].str.endswith("-env")).all()
    assert (_text(frame["financing"]) != "").any()
    counts = frame["readiness"].value_counts()
    assert counts["idea"] > counts["ready_to_tender"]
    pv = frame[frame["intervention"] == "rooftop_solar_pv"]
    kwp = _numbers(pv["size"])
    assert kwp.max() > 3 * kwp.median()
    electricity = _numbers(pv[change_column("grid_electricity")])
    assert (electricity < 0).all()
    capex = _numbers(frame.loc[frame["intervention"] == "led_lighting_retrofit", "capex_usd"])
    assert capex.nunique() > 10


def test_regions_given_are_used_largest_first():
    frame = generate_pipeline(_loaded("demo"), 1000, seed=1, regions=["North", "South", "East"])
    counts = frame.groupby("facility_id")["region"].first().value_counts()
    assert set(counts.index) == {"North", "South", "East"}
    assert counts["North"] > counts["East"]


def test_known_country_regions_by_default():
    frame = _generated("georgia", 2000, 0)
    assert set(frame["region"]) <= {name for name, _ in REGIONS_BY_ISO3["GEO"]}
    assert frame["id"].str.startswith("GEO-").all()


def test_more_projects_than_the_stock_holds_draws_more_facilities():
    frame = generate_pipeline(_loaded("georgia"), 5000, seed=2)
    assert frame["facility_id"].str.contains("-H").sum() > 220
    assert frame["estimate"].str.contains("x the case's stock").all()


def test_a_case_without_facilities_cannot_generate():
    data = read_yaml_mapping(REPO / "cases" / "georgia.yaml")
    data.pop("facility_stock")
    loaded = case_from_dict(data, _loaded("georgia").library)
    with pytest.raises(ValueError, match="facility stock"):
        generate_pipeline(loaded, 10)
    with pytest.raises(ValueError, match="at least 1"):
        generate_pipeline(_loaded("georgia"), 0)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_written_file_reads_back(tmp_path, suffix):
    frame = _generated("georgia", 2000, 0).head(300)
    path = write_pipeline(frame, tmp_path / "sub" / f"pipeline{suffix}")
    back = pd.read_csv(path, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_parquet(path)
    assert list(back.columns) == list(frame.columns) and len(back) == 300
    assert_valid_pipeline(back, _loaded("georgia"))
    with pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        write_pipeline(frame, tmp_path / "pipeline.xlsx")


def test_20000_projects_in_a_few_seconds():
    loaded = _loaded("georgia")
    started = time.perf_counter()
    frame = generate_pipeline(loaded, 20_000, seed=3)
    assert time.perf_counter() - started < 10
    assert len(frame) == 20_000 and frame["id"].is_unique


def test_bundled_example_is_valid_and_listed():
    loaded = load_case(EXAMPLES / "georgia_pipeline.yaml")
    assert loaded.case.pipelines == ["georgia_hospitals.csv"]
    assert "illustrative" in loaded.case.name
    frame = pd.read_csv(EXAMPLES / "georgia_hospitals.csv", dtype=str, keep_default_na=False)
    assert 200 <= len(frame) <= 500
    assert (EXAMPLES / "georgia_hospitals.csv").stat().st_size < 200_000
    assert_valid_pipeline(frame, loaded)
    assert set(loaded.case.budget.regional_usd_by_year) <= set(frame["region"])
    assert {"rooftop_solar_pv", "solar_battery_microgrid", "boiler_modernisation", "hospital_heat_pumps"} <= set(
        frame["intervention"]
    )
    assert (frame["intervention"] == "electric_ambulances").sum() >= 3


def _break(frame: pd.DataFrame, how: str) -> pd.DataFrame:
    broken = frame.astype(object).copy()
    hp = broken.index[broken["prerequisites"].astype(str).str.endswith("-env")][0]
    env = broken.index[broken["id"] == broken.loc[hp, "prerequisites"]][0]  # the envelope this heat pump needs
    amb = broken.index[broken["intervention"] == "electric_ambulances"][0]
    if how == "duplicate id":
        broken.loc[1, "id"] = broken.loc[0, "id"]
    elif how == "cycle":
        broken.loc[env, "prerequisites"] = broken.loc[hp, "id"]
    elif how == "prerequisite in its own group":
        broken.loc[[env, hp], "exclusive_group"] = "same"
    elif how == "half an ambulance":
        broken.loc[amb, "size"] = 2.5
    elif how == "unknown financing":
        broken.loc[0, "financing"] = "no_such_fund"
    elif how == "no estimate":
        broken.loc[0, "estimate"] = ""
    return broken


@pytest.mark.parametrize(
    "how",
    ["duplicate id", "cycle", "prerequisite in its own group", "half an ambulance", "unknown financing", "no estimate"],
)
def test_the_checks_catch_a_broken_table(how):
    with pytest.raises(AssertionError):
        assert_valid_pipeline(_break(_generated("georgia", 2000, 0), how), _loaded("georgia"))
