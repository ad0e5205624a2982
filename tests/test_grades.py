"""Quality grades (A-D) of the numbers: consistent with their provenance, present on every bundled number,
counted in docs/data-sources.md."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from optimizer.errors import InputError
from optimizer.loading import DEFAULT_LIBRARY, load_case, load_library
from optimizer.provenance import NOT_GRADED, bundled_case_files, case_rows, grade_counts, library_rows
from optimizer.schema.base import GRADES, Quantity, YearSeries


def test_every_bundled_number_has_a_grade():
    lib = load_library(DEFAULT_LIBRARY)
    rows = library_rows(lib) + [r for p in bundled_case_files() for r in case_rows(p, lib)]
    missing = [f"{r.file}: {r.path}" for r in rows if r.grade not in GRADES]
    assert not missing, f"{len(missing)} numbers without a grade (A, B, C or D), e.g. {missing[:5]}"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source": "IPCC AR6", "grade": "C"}, "grade A or B with a 'source' (grade C is for an estimate"),
        ({"source": "IPCC AR6", "grade": "D"}, "grade A or B with a 'source' (grade D is for an estimate"),
        ({"estimate": "judgement", "grade": "A"}, "grade C or D with an 'estimate' (grade A needs a cited source"),
        ({"estimate": "judgement", "grade": "B"}, "grade C or D with an 'estimate' (grade B needs a cited source"),
        ({"estimate": "judgement", "grade": "E"}, "Input should be 'A', 'B', 'C' or 'D'"),
        ({"estimate": "judgement", "grade": "a"}, "Input should be 'A', 'B', 'C' or 'D'"),
    ],
)
def test_grade_must_match_provenance(fields, message):
    with pytest.raises(ValidationError) as err:
        Quantity(value=1.0, **fields)
    assert message in str(err.value)
    with pytest.raises(ValidationError):
        YearSeries(by_year={2026: 1.0}, **fields)


def test_grade_is_optional_and_consistent_grades_are_kept():
    assert Quantity(value=1.0, source="x").grade is None
    assert Quantity(value=1.0, source="x", grade="A").grade == "A"
    assert Quantity(value=1.0, source="x", grade="B").grade == "B"
    assert Quantity(value=1.0, estimate="y", grade="C").grade == "C"
    assert YearSeries(by_year={2026: 1.0}, estimate="y", grade="D").grade == "D"


def test_a_wrong_grade_in_a_case_names_file_and_field(tmp_path):
    from optimizer.bundled import case_files

    data = yaml.safe_load(case_files()["demo"].read_text())
    data["discount_rate"] = {"value": 0.06, "source": "ADB guidelines", "grade": "D"}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(InputError) as err:
        load_case(path)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "bad.yaml" in text and "discount_rate" in text and "grade A or B with a 'source'" in text


def test_ungraded_numbers_are_counted_as_not_graded(tmp_path):
    from optimizer.bundled import case_files

    data = yaml.safe_load(case_files()["demo"].read_text())
    data["discount_rate"].pop("grade")
    path = tmp_path / "partly.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    lib = load_library(DEFAULT_LIBRARY)
    counts = grade_counts(case_rows(path, lib))
    assert counts[NOT_GRADED] == 1
    assert sum(counts[g] for g in GRADES) + 1 == len(case_rows(path, lib))


# ------------------------------------------------------------------------------------------------ pipeline CSV


def _pipeline_frame():
    import pandas as pd

    from optimizer.bundled import case_files

    loaded = load_case(case_files()["georgia_pipeline"])
    raw = pd.read_csv(
        case_files()["georgia_pipeline"].parent / "georgia_hospitals.csv", dtype=str, keep_default_na=False
    ).head(4)
    return loaded, raw


def test_pipeline_grade_column_is_read():
    from optimizer.pipeline.reading import validate_pipeline_frame

    loaded, raw = _pipeline_frame()
    raw.loc[1, "grade"] = ""
    table = validate_pipeline_frame(raw, "projects.csv", loaded.case, loaded.library)
    assert list(table.frame["grade"]) == ["D", "", "D", "D"]
    without = validate_pipeline_frame(raw.drop(columns="grade"), "projects.csv", loaded.case, loaded.library)
    assert list(without.frame["grade"]) == ["", "", "", ""]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"grade": "E"}, ["projects.csv", "row 3, column grade", "'E'", "a grade A, B, C or D, or a blank cell"]),
        ({"grade": "A"}, ["row 3, column grade", "'A'", "grade C or D, or a citation in 'source'"]),
        (
            {"grade": "C", "source": "Feasibility study 2025", "estimate": ""},
            ["row 3, column grade", "'C'", "grade A or B, or a note in 'estimate'"],
        ),
    ],
)
def test_pipeline_grade_errors_name_row_and_column(cells, expected):
    from optimizer.pipeline.reading import validate_pipeline_frame

    loaded, raw = _pipeline_frame()
    for column, value in cells.items():
        raw.loc[1, column] = value
    with pytest.raises(InputError) as err:
        validate_pipeline_frame(raw, "projects.csv", loaded.case, loaded.library)
    problems = [str(p) for p in err.value.problems]
    assert any(all(part in p for part in expected) for p in problems), problems


# ------------------------------------------------------------------------------------------------ workbook


def test_workbook_grades_round_trip_and_bad_grades_name_their_cell(tmp_path):
    from openpyxl import load_workbook

    from optimizer.bundled import case_files
    from optimizer.workbook import convert

    book = tmp_path / "demo.xlsx"
    convert(case_files()["demo"], book)
    back = tmp_path / "back.yaml"
    convert(book, back)
    original = load_case(case_files()["demo"]).case
    again = load_case(back).case
    assert again.discount_rate.grade == original.discount_rate.grade == "B"
    assert [s.activity.grade for s in again.sources if s.activity] == [
        s.activity.grade for s in original.sources if s.activity
    ]

    wb = load_workbook(book)
    ws = wb["Sources"]
    header = {c.value: c.column_letter for c in ws[2] if c.value}
    column = header["activity grade"]
    ws[f"{column}3"] = "E"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    with pytest.raises(InputError) as err:
        load_case(edited)
    problems = [str(p) for p in err.value.problems]
    assert any(f"Sources!{column}3" in p and "'E'" in p for p in problems), problems

    ws[f"{column}3"] = "A"  # the activity of the first source is an estimate: A needs a source
    wb.save(edited)
    with pytest.raises(InputError) as err:
        load_case(edited)
    problems = [str(p) for p in err.value.problems]
    # a mismatch is a problem of the whole number: it is reported at the number's value cell, with its name
    assert any(
        "Sources!" in p and "(heat_fuel: activity" in p and "grade C or D with an 'estimate'" in p for p in problems
    ), problems
