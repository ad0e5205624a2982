"""Pipeline files: a valid CSV or Parquet file becomes the normalised project table; every mistake is an input
error naming the file, the row and column as a spreadsheet shows them, the cell and what was expected."""

from __future__ import annotations

import csv
import hashlib
import math
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from optimizer import plausibility
from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.loading import case_from_dict, load_case, load_library
from optimizer.outputs import _PROTECTED
from optimizer.pipeline.reading import (
    MAX_PROBLEMS_PER_FILE,
    read_pipeline_file,
    read_pipelines,
    validate_pipeline_frame,
)
from optimizer.pipeline.table import OPTIONAL_NUMBERS, READINESS_STAGES
from optimizer.synthetic import case_dict, intervention, q, series, vocabulary

SOLAR = intervention(
    "solar",
    name="Rooftop solar PV",
    unit="kWp",
    integer_units=True,
    potential={"basis": "site", "units_per_basis": q(2)},
)  # potential 20 kWp (10 sites)
LED = intervention("led", unit="hospital", potential={"basis": "site", "units_per_basis": q(1)})  # potential 10
FAMILY = {"family": "waste", "interventions": [SOLAR, LED]}
FINANCING = {"financing": [{"id": "gov", "name": "Government", "envelope_usd_by_year": series({2026: 1e6})}]}
ADB = {"id": "adb", "name": "ADB loan", "envelope_usd_by_year": series({2026: 1e6})}
HEADER = ["id", "name", "facility_id", "intervention", "size", "readiness", "source", "estimate"]


def _case_data(**kw) -> dict:
    data = case_dict(**{"budget": dict(FINANCING), **kw})
    data["variants"]["main"]["additional_financing"] = [ADB]
    return data


def _project(pid: str, **kw) -> dict[str, str]:
    row = {
        "id": pid,
        "name": f"Project {pid}",
        "facility_id": "F1",
        "intervention": "led",
        "size": "1",
        "readiness": "feasibility",
        "source": "Ministry register",
        "estimate": "",
    }
    row.update({k: str(v) for k, v in kw.items()})
    return row


def _write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None, bom: bool = False) -> Path:
    columns = columns or list(dict.fromkeys(c for r in rows for c in r)) or HEADER
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A library folder and a case file (``case.yaml``) that lists ``projects.csv`` in ``tmp_path``."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "vocabulary.yaml").write_text(yaml.safe_dump(vocabulary()))
    (lib / "waste.yaml").write_text(yaml.safe_dump(FAMILY))
    _write_case(tmp_path, ["projects.csv"])
    return tmp_path


def _write_case(folder: Path, pipelines: list[str], **kw) -> Path:
    data = _case_data(library="lib", pipelines=pipelines, **kw)
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _problems(workspace: Path, rows: list[dict[str, str]], **kw) -> list[str]:
    _write_csv(workspace / "projects.csv", rows, **kw)
    with pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    return [str(p) for p in err.value.problems]


def _one(problems: list[str], *parts: str) -> str:
    """The single problem that holds every part."""
    found = [p for p in problems if all(part in p for part in parts)]
    assert len(found) == 1, f"{parts} in {problems}"
    return found[0]


# --------------------------------------------------------------------------- valid files


def test_a_valid_file_gives_the_normalised_table(workspace):
    rows = [
        _project("P-1", intervention="solar", size="4", readiness="Ready to tender", region="North", financing="gov"),
        {},  # a blank line: skipped, but the rows after it keep their spreadsheet numbers
        _project("P-2", readiness="Pre-feasibility", prerequisites="P-1 ; P-3", capex_usd="1.5e4", lifetime_years="12"),
        _project("P-3", readiness="IDEA", source="", estimate="engineer's guess", change_s0_per_year="-250.5"),
        _project("P-4", exclusive_group="roof", financing="gov;adb", earliest_start="2027", latest_start="2028"),
        _project("P-5", exclusive_group="roof", om_change_usd_per_year="-100"),
    ]
    columns = [*HEADER, "region", "prerequisites", "financing", "exclusive_group", "capex_usd", "lifetime_years"]
    columns += ["change_s0_per_year", "om_change_usd_per_year", "earliest_start", "latest_start"]
    path = _write_csv(workspace / "projects.csv", rows, columns)
    loaded = load_case(workspace / "case.yaml")
    table = loaded.projects
    assert table is not None and len(table) == 5
    frame = table.frame
    assert list(frame["id"]) == ["P-1", "P-2", "P-3", "P-4", "P-5"]
    assert list(frame["row"]) == [2, 4, 5, 6, 7] and frame["row"].dtype == np.int64
    assert isinstance(frame.index, pd.RangeIndex)
    assert list(frame["readiness"]) == ["ready_to_tender", "pre_feasibility", "idea", "feasibility", "feasibility"]
    assert set(frame["readiness"]) <= set(READINESS_STAGES)
    assert frame["prerequisites"].tolist() == [(), ("P-1", "P-3"), (), (), ()]
    assert frame["financing"].tolist() == [("gov",), (), (), ("gov", "adb"), ()]
    for column in ["size", *OPTIONAL_NUMBERS, "change_s0_per_year"]:
        assert frame[column].dtype == np.float64, column
    assert frame["size"].tolist() == [4.0, 1.0, 1.0, 1.0, 1.0]
    assert frame.at[1, "capex_usd"] == 15_000.0 and math.isnan(frame.at[0, "capex_usd"])
    assert frame.at[2, "change_s0_per_year"] == -250.5 and frame["change_s0_per_year"].isna().sum() == 4
    assert frame["lifetime_years"].isna().sum() == 4 and frame.at[3, "earliest_start"] == 2027
    assert list(frame["region"]) == ["North", "", "", "", ""]  # a column in the file, blank below
    assert list(frame["facility_name"]) == [""] * 5  # a column not in the file at all
    assert list(frame["file"]) == [str(path.resolve())] * 5
    assert table.files == (str(path.resolve()),) and table.change_sources == ("s0",)
    assert table.where(1) == f"{path.resolve()}, row 4"
    assert table.warnings == () and len(table.digest) == 64
    assert path.resolve() in _PROTECTED


def test_without_pipelines_nothing_changes(workspace):
    path = workspace / "plain.yaml"
    path.write_text(yaml.safe_dump(_case_data(library="lib"), sort_keys=False))
    loaded = load_case(path)
    assert loaded.projects is None
    expected = hashlib.sha256(path.read_text().encode() + loaded.library.digest.encode()).hexdigest()
    assert loaded.digest == expected


def test_the_digest_follows_the_pipeline_bytes(workspace):
    _write_csv(workspace / "projects.csv", [_project("P-1")])
    first = load_case(workspace / "case.yaml").digest
    _write_csv(workspace / "projects.csv", [_project("P-1", size="2")])
    assert load_case(workspace / "case.yaml").digest != first


def test_a_byte_order_mark_is_read_as_utf8(workspace):
    path = _write_csv(workspace / "projects.csv", [_project("P-1", name="Tbilisi — Saburtalo")], bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    raw = read_pipeline_file(path)
    assert list(raw.columns) == HEADER
    table = load_case(workspace / "case.yaml").projects
    assert table is not None and table.frame.at[0, "id"] == "P-1" and table.frame.at[0, "name"] == "Tbilisi — Saburtalo"


def test_a_parquet_file_keeps_numbers_exact(workspace):
    frame = pd.DataFrame(
        {
            "id": ["P-1", "P-2"],
            "name": ["A", "B"],
            "facility_id": ["F1", "F2"],
            "intervention": ["solar", "led"],
            "size": [3, 0.1],
            "readiness": ["idea", "feasibility"],
            "capex_usd": [0.1 + 0.2, np.nan],
            "lifetime_years": pd.array([20, None], dtype="Int64"),
            "estimate": ["e", "e"],
        }
    )
    frame.to_parquet(workspace / "projects.parquet")
    _write_case(workspace, ["projects.parquet"])
    raw = read_pipeline_file(workspace / "projects.parquet")
    assert raw.at[0, "capex_usd"] == repr(0.1 + 0.2) and raw.at[1, "capex_usd"] == ""
    table = load_case(workspace / "case.yaml").projects
    assert table is not None
    assert table.frame.at[0, "capex_usd"] == 0.1 + 0.2 and table.frame["size"].tolist() == [3.0, 0.1]
    assert table.frame["lifetime_years"].tolist()[0] == 20 and math.isnan(table.frame.at[1, "lifetime_years"])
    assert table.frame["row"].tolist() == [2, 3]
    frame.loc[1, "size"] = -1.0
    frame.to_parquet(workspace / "projects.parquet")
    with pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    _one([str(p) for p in err.value.problems], "projects.parquet", "row 3, column size", "'-1.0'", "above 0")


def test_projects_may_span_files_and_need_each_other(workspace):
    _write_csv(workspace / "a.csv", [_project("A-1", prerequisites="B-1")])
    _write_csv(workspace / "b.csv", [_project("B-1")])
    _write_case(workspace, ["a.csv", "b.csv"])
    table = load_case(workspace / "case.yaml").projects
    assert table is not None and table.frame["prerequisites"].tolist() == [("B-1",), ()]
    assert [Path(f).name for f in table.frame["file"]] == ["a.csv", "b.csv"]


def test_case_from_dict_takes_a_frame(workspace):
    lib = load_library(workspace / "lib")
    raw = pd.DataFrame([_project("P-1", size=3)]).assign(size=[3])  # plain values, not only text
    loaded = case_from_dict(_case_data(), lib, projects=raw)
    assert loaded.projects is not None and loaded.projects.frame.at[0, "size"] == 3.0
    assert loaded.projects.files == ("<pipeline>",) and loaded.digest != case_from_dict(_case_data(), lib).digest
    with pytest.raises(InputError) as err:
        case_from_dict(_case_data(pipelines=["x.csv"]), lib)
    assert "pipelines" in str(err.value) and "projects=frame" in str(err.value)


def test_validate_pipeline_frame_numbers_rows_from_first_row(workspace):
    lib = load_library(workspace / "lib")
    case = case_from_dict(_case_data(), lib).case
    raw = pd.DataFrame([_project("P-1"), _project("P-2", size="x")])
    with pytest.raises(InputError) as err:
        validate_pipeline_frame(raw, "sheet.csv", case, lib, first_row=10)
    _one([str(p) for p in err.value.problems], "sheet.csv: row 11, column size", "'x'")


def test_read_pipelines_without_files_is_none(workspace):
    lib = load_library(workspace / "lib")
    assert read_pipelines(workspace / "case.yaml", case_from_dict(_case_data(), lib).case, lib) is None


# --------------------------------------------------------------------------- mistakes in cells

CELL_MISTAKES = {
    "negative size": ([_project("P-1", size="-2")], ["row 2, column size", "'-2'", "a number above 0"]),
    "zero size": ([_project("P-1", size="0")], ["row 2, column size", "'0'", "above 0"]),
    "text in a number column": (
        [_project("P-1"), _project("P-2", capex_usd="1,000")],
        ["row 3, column capex_usd", "'1,000'", "a number, e.g. 1000"],
    ),
    "a word in a number column": ([_project("P-1", size="abc")], ["row 2, column size", "'abc'", "a number"]),
    "an infinite number": ([_project("P-1", capex_usd="inf")], ["column capex_usd", "'inf'", "a finite number"]),
    "a huge number": ([_project("P-1", om_change_usd_per_year="1e16")], ["om_change_usd_per_year", "at most 1e+15"]),
    "negative capex": ([_project("P-1", capex_usd="-5")], ["column capex_usd", "'-5'", "from 0"]),
    "fractional size of an integer intervention": (
        [_project("P-1", intervention="solar", size="2.5")],
        ["row 2, column size", "'2.5'", "a whole number: solar is built in whole units (kWp)"],
    ),
    "unknown intervention": (
        [_project("P-1", intervention="solr")],
        ["row 2, column intervention", "'solr'", "did you mean 'solar'?"],
    ),
    "intervention given by its name": (
        [_project("P-1", intervention="rooftop solar PV")],
        ["row 2, column intervention", "did you mean 'solar'?"],
    ),
    "unknown readiness": (
        [_project("P-1", readiness="tendered")],
        ["row 2, column readiness", "'tendered'", "one of idea, pre_feasibility, feasibility, ready_to_tender"],
    ),
    "blank id": ([_project("")], ["row 2, column id", "''", "a project id"]),
    "id with a space": ([_project("P 1")], ["row 2, column id", "'P 1'", "no spaces"]),
    "id too long": ([_project("P" * 65)], ["row 2, column id", "at most 64 characters"]),
    "duplicate id in one file": (
        [_project("P-1"), _project("P-1")],
        ["row 3, column id", "'P-1'", "used once", "projects.csv, row 2"],
    ),
    "blank name": ([_project("P-1", name="")], ["row 2, column name", "the project's name"]),
    "name too long": ([_project("P-1", name="x" * 201)], ["row 2, column name", "at most 200 characters"]),
    "lifetime of zero": ([_project("P-1", lifetime_years="0")], ["column lifetime_years", "1 to 100"]),
    "fractional lead time": ([_project("P-1", lead_time_years="1.5")], ["column lead_time_years", "0 to 10"]),
    "year out of range": ([_project("P-1", earliest_start="20270")], ["column earliest_start", "1900 to 2200"]),
    "latest before earliest": (
        [_project("P-1", earliest_start="2028", latest_start="2027")],
        ["row 2, column latest_start", "'2027'", "no earlier than earliest_start (2028)"],
    ),
    "unknown financing": (
        [_project("P-1", financing="gov; wb")],
        ["row 2, column financing", "'gov; wb'", "'wb' is not one", "the case has gov, adb"],
    ),
    "neither source nor estimate": (
        [_project("P-1", source="", estimate="")],
        ["row 2, column source", "a citation in 'source' or a note in 'estimate'"],
    ),
    "unknown prerequisite": (
        [_project("P-1", prerequisites="P-2"), _project("P-3")],
        ["row 2, column prerequisites", "'P-2' is not one"],
    ),
    "prerequisite is the project": (
        [_project("P-1", prerequisites="P-1")],
        ["row 2, column prerequisites", "'P-1' is this project"],
    ),
    "prerequisite cycle": (
        [_project("a", prerequisites="b"), _project("b", prerequisites="c"), _project("c", prerequisites="a")],
        ["row 2, column prerequisites", "without a cycle (a -> b -> c -> a)"],
    ),
    "prerequisite in the same exclusive group": (
        [_project("P-1", exclusive_group="g"), _project("P-2", exclusive_group="g", prerequisites="P-1")],
        ["row 3, column prerequisites", "outside the project's exclusive group 'g'"],
    ),
}


@pytest.mark.parametrize("name", sorted(CELL_MISTAKES))
def test_cell_mistakes(workspace, name):
    rows, parts = CELL_MISTAKES[name]
    problems = _problems(workspace, rows)
    _one(problems, "projects.csv: ", *parts)


def test_every_problem_of_a_file_at_once(workspace):
    rows = [_project("P-1", size="-1", readiness="soon"), _project("P-2", intervention="x", capex_usd="abc")]
    problems = _problems(workspace, rows)
    assert len(problems) == 4
    assert [p.split(": ")[1] for p in problems] == [
        "row 2, column size",
        "row 2, column readiness",
        "row 3, column intervention",
        "row 3, column capex_usd",
    ]


def test_the_list_is_capped(workspace):
    rows = [_project(f"P-{k}", size="x") for k in range(MAX_PROBLEMS_PER_FILE + 10)]
    problems = _problems(workspace, rows)
    assert len(problems) == MAX_PROBLEMS_PER_FILE + 1
    assert "10 more problems" in problems[-1]


# --------------------------------------------------------------------------- mistakes in the header


def test_missing_column(workspace):
    problems = _problems(workspace, [_project("P-1")], columns=[c for c in HEADER if c != "size"])
    _one(problems, "projects.csv: row 1", "<no column 'size'>", "a column named 'size'")
    assert len(problems) == 1  # the rows are not blamed for the missing column


def test_missing_source_and_estimate_columns(workspace):
    problems = _problems(workspace, [_project("P-1")], columns=HEADER[:6])
    _one(problems, "row 1", "no column 'source' or 'estimate'")


def test_unknown_column_suggests_the_closest(workspace):
    problems = _problems(workspace, [{**_project("P-1"), "capex": "10"}])
    _one(problems, "projects.csv: row 1, column capex", "a known column (did you mean 'capex_usd'?)")
    problems = _problems(workspace, [{**_project("P-1"), "change_s9_per_year": "10"}])
    _one(problems, "row 1, column change_s9_per_year", "a source id of the library vocabulary")


def test_repeated_column(workspace):
    path = workspace / "projects.csv"
    path.write_text("id,name,facility_id,intervention,size,readiness,source,Size\nP-1,A,F,led,1,idea,s,2\n")
    with pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    _one([str(p) for p in err.value.problems], "row 1, column Size", "each column name once")


def test_values_under_a_column_without_a_name(workspace):
    path = workspace / "projects.csv"
    path.write_text("id,name,facility_id,intervention,size,readiness,source,,\nP-1,A,F,led,1,idea,s,,x\n")
    with pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    (problem,) = err.value.problems  # the empty unnamed column (a trailing comma) is no problem
    assert problem.path == "row 1, column 9" and "a column name" in problem.expected


def test_semicolon_separated_file(workspace):
    path = workspace / "projects.csv"
    path.write_text("id;name;facility_id;intervention;size;readiness;source\nP-1;A;F;led;1;idea;s\n")
    with pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    _one([str(p) for p in err.value.problems], "separates them with semicolons")


def test_ids_are_unique_across_files(workspace):
    _write_csv(workspace / "a.csv", [_project("P-1"), _project("P-2")])
    _write_csv(workspace / "b.csv", [_project("P-3"), _project("P-2")])
    _write_case(workspace, ["a.csv", "b.csv"])
    with pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    (problem,) = err.value.problems
    assert problem.file.endswith("b.csv") and problem.path == "row 3, column id" and problem.value == "P-2"
    assert "a.csv, row 3" in problem.expected


# --------------------------------------------------------------------------- files that cannot be read


def _read_error(path: Path) -> str:
    with pytest.raises(InputError) as err:
        read_pipeline_file(path)
    (problem,) = err.value.problems
    assert problem.file == str(path)
    return str(problem)


def test_files_that_cannot_be_read(tmp_path):
    assert "<missing file>" in _read_error(tmp_path / "none.csv")
    (tmp_path / "folder.csv").mkdir()
    assert "<directory>" in _read_error(tmp_path / "folder.csv")
    (tmp_path / "latin.csv").write_bytes("id,name\nP-1,Tbilisi\xe9\n".encode("latin-1"))
    assert "byte 19" in _read_error(tmp_path / "latin.csv") and "UTF-8" in _read_error(tmp_path / "latin.csv")
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbfid,name\nP-1,Tbilisi\xe9\n")
    assert "bom.csv: byte 22" in _read_error(tmp_path / "bom.csv")  # counted from the file's first byte
    (tmp_path / "projects.xlsx").write_bytes(b"PK")
    assert ".csv or .parquet" in _read_error(tmp_path / "projects.xlsx")
    (tmp_path / "empty.csv").write_text("")
    assert "<empty file>" in _read_error(tmp_path / "empty.csv")
    (tmp_path / "late.csv").write_text("\n\nid,name\nP-1,A\n")
    assert "row 1" in _read_error(tmp_path / "late.csv") and "the header row" in _read_error(tmp_path / "late.csv")
    (tmp_path / "extra.csv").write_text("id,name\nP-1,A\nP-2,B,C\n")
    assert "row 3" in _read_error(tmp_path / "extra.csv") and "at most 2 cells" in _read_error(tmp_path / "extra.csv")
    (tmp_path / "quote.csv").write_text('id,name\nP-1,"A\n')
    assert "row 2" in _read_error(tmp_path / "quote.csv") and "never closed" in _read_error(tmp_path / "quote.csv")
    (tmp_path / "broken.parquet").write_bytes(b"this is not parquet")
    assert "unreadable Parquet" in _read_error(tmp_path / "broken.parquet")


def test_case_naming_files_that_are_not_there(workspace):
    _write_case(workspace, ["missing.csv", "projects.csv", "./projects.csv"])
    _write_csv(workspace / "projects.csv", [_project("P-1")])
    with pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    problems = [str(p) for p in err.value.problems]
    _one(problems, "case.yaml: pipelines[0]", "missing.csv does not exist")
    _one(problems, "case.yaml: pipelines[2]", "each pipeline file once")


# --------------------------------------------------------------------------- plausibility warnings


def test_plausibility_warnings(workspace):
    rows = [
        _project("P-1", exclusive_group="alone", region="North"),
        _project("P-2", intervention="solar", size="40"),  # the national potential is 20 kWp
        _project("P-3", latest_start="2025"),
        _project("P-4", earliest_start="2031"),
    ]
    _write_csv(workspace / "projects.csv", rows)
    every_year = {2026: 1e6, 2027: 1e6, 2028: 1e6}
    regional = {"North": series(every_year), "South": series(every_year)}
    _write_case(workspace, ["projects.csv"], budget={**FINANCING, "regional_usd_by_year": regional})
    loaded = load_case(workspace / "case.yaml")
    assert loaded.projects is not None
    found = [str(w) for w in loaded.projects.warnings]
    _one(found, "row 2, column exclusive_group", "the only project of this exclusive group")
    _one(found, "row 3, column size", "national potential of solar (20 kWp)")
    _one(found, "row 4, column latest_start", "before the first decision year 2026")
    _one(found, "row 5, column earliest_start", "after the last decision year 2028")
    _one(found, "case.yaml: budget.regional_usd_by_year[South]", "no pipeline project names this region")
    assert len(found) == 5 and set(loaded.projects.warnings) <= set(loaded.warnings)
    with plausibility.command_line_policy(strict=True), pytest.raises(InputError) as err:
        load_case(workspace / "case.yaml")
    assert "--strict refuses it" in str(err.value) and "row 3, column size" in str(err.value)


def test_a_regional_budget_without_any_pipeline_is_warned(workspace):
    path = workspace / "plain.yaml"
    data = _case_data(
        library="lib",
        budget={**FINANCING, "regional_usd_by_year": {"North": series({2026: 1e6, 2027: 1e6, 2028: 1e6})}},
    )
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    (warning,) = [w for w in load_case(path).warnings if "regional" in w.path]
    assert warning.path == "budget.regional_usd_by_year[North]"


# --------------------------------------------------------------------------- command line and speed


def test_validate_command_names_row_and_column(workspace, capsys):
    _write_csv(workspace / "projects.csv", [_project("P-1"), _project("P-2", size="-3")])
    assert main(["validate", str(workspace / "case.yaml")]) == 2
    err = capsys.readouterr().err
    assert "projects.csv: row 3, column size: got '-3'; expected a number above 0" in err
    assert "Traceback" not in err


def valid_rows(n: int) -> list[dict[str, str]]:
    """``n`` valid projects using most columns: alternatives in pairs, every tenth needing an earlier one."""
    return [
        _project(
            f"P-{k:05d}",
            intervention="solar" if k % 2 else "led",
            size="2" if k % 2 else "0.5",
            readiness=READINESS_STAGES[k % 4].replace("_", " ").capitalize(),
            region=("North", "South")[k % 2],
            facility_name=f"Hospital {k % 300}",
            capex_usd=f"{1000 + k * 3.25}",
            lifetime_years="20",
            earliest_start="2026",
            latest_start="2028",
            exclusive_group=f"g{k // 2}",
            prerequisites=f"P-{k - 4:05d}" if k % 10 == 5 else "",
            financing="gov" if k % 3 else "",
            change_s0_per_year="-12.5",
        )
        for k in range(n)
    ]


def test_twenty_thousand_projects_load_quickly(workspace):
    _write_csv(workspace / "projects.csv", valid_rows(20_000))
    start = time.perf_counter()
    loaded = load_case(workspace / "case.yaml")
    seconds = time.perf_counter() - start
    assert loaded.projects is not None and len(loaded.projects) == 20_000
    assert seconds < 10, f"{seconds:.2f} s"  # about 0.3 s measured; the bound leaves room for slow machines


def test_the_docs_list_every_column_and_readiness_delay():
    from optimizer.pipeline.reading import LIST_COLUMNS, OPTIONAL_TEXT, PROVENANCE_COLUMNS, REQUIRED_COLUMNS
    from optimizer.pipeline.table import READINESS_DELAY_YEARS

    text = (Path(__file__).resolve().parent.parent / "docs" / "pipelines.md").read_text()
    documented = set(re.findall(r"^\| `([a-z_<>]+)` \|", text, re.M))
    columns = {*REQUIRED_COLUMNS, *PROVENANCE_COLUMNS, *OPTIONAL_TEXT, *LIST_COLUMNS, *OPTIONAL_NUMBERS}
    assert documented == columns | {"change_<source>_per_year"} | set(READINESS_STAGES)
    for stage, years in READINESS_DELAY_YEARS.items():
        assert f"| `{stage}` | {years} |" in text
