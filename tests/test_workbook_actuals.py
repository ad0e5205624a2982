"""An actuals file as a workbook (``noregret workbook ACTUALS.yaml``): written and read back losslessly, read
by ``track`` as the YAML file is, every mistake reported at its sheet and cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.monitoring.actuals import load_actuals, read_actuals
from optimizer.workbook.actuals import RECORDS_SHEET, read_actuals_workbook

from .test_monitoring import EXAMPLE, ROOT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The example actuals beside a copy of the Georgia case."""
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "cases" / "georgia.yaml", tmp_path / "georgia.yaml")
    shutil.copy(EXAMPLE, tmp_path / "examples" / "actuals.yaml")
    return tmp_path


def _to_workbook(folder: Path) -> Path:
    out = folder / "examples" / "actuals.xlsx"
    assert main(["workbook", str(folder / "examples" / "actuals.yaml"), "--out", str(out)]) == 0
    return out


def test_yaml_to_workbook_and_back_is_lossless(folder):
    original = read_actuals(EXAMPLE)
    book = _to_workbook(folder)
    again = read_actuals_workbook(book)
    assert again.model_dump(exclude_unset=True) == original.model_dump(exclude_unset=True)
    back = folder / "back.yaml"
    assert main(["workbook", str(book), "--out", str(back)]) == 0
    data = yaml.safe_load(back.read_text())
    assert data["case"] == "georgia.yaml"  # rewritten relative to the new file
    assert data["builds"][0]["units"] == {"value": 22.0, "estimate": "illustrative, not reported", "grade": "D"}
    assert read_actuals(back).model_dump(exclude_unset=True) == {
        **original.model_dump(exclude_unset=True),
        "case": "georgia.yaml",
    }


def test_track_reads_the_workbook_as_the_yaml_file(folder):
    book = _to_workbook(folder)
    from_yaml, from_book = load_actuals(folder / "examples" / "actuals.yaml"), load_actuals(book)
    assert from_book.units == from_yaml.units and from_book.spend == from_yaml.spend
    assert from_book.measured == from_yaml.measured and from_book.starts == from_yaml.starts


def _edit(book: Path, cell: str, value) -> Path:
    wb = load_workbook(book)
    wb[RECORDS_SHEET][cell] = value
    wb.save(book)
    return book


def _problems(book: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_actuals(book)
    return [str(p) for p in err.value.problems]


def test_a_word_in_a_number_cell_is_reported_at_its_cell(folder):
    book = _edit(_to_workbook(folder), "F3", "twenty-two")
    [problem] = _problems(book)
    assert "Actuals!F3" in problem and "twenty-two" in problem


def test_an_unknown_intervention_is_reported_at_its_cell(folder):
    book = _edit(_to_workbook(folder), "B4", "food_waste")
    problems = _problems(book)
    assert any("Actuals!B4" in p and "did you mean 'food_waste_reduction'" in p for p in problems), problems


def test_an_unknown_record_kind_and_the_cli_exit(folder, capsys):
    book = _edit(_to_workbook(folder), "A5", "built")
    [problem] = _problems(book)
    assert "Actuals!A5" in problem and "units built" in problem
    assert main(["track", str(folder / "georgia.yaml"), "--actuals", str(book)]) == 2
    err = capsys.readouterr().err
    assert "Actuals!A5" in err and "Traceback" not in err


def test_units_above_the_ramp_point_at_the_value_cell(folder):
    book = _edit(_to_workbook(folder), "F4", 500)  # food-waste reduction, 2026
    problems = _problems(book)
    assert any(p.startswith(f"{book}: Actuals!F4") and "at most" in p for p in problems), problems


def test_validate_checks_an_actuals_workbook_as_actuals(folder, capsys):
    from optimizer.inputs import InputKind, kind_of

    book = _to_workbook(folder)
    assert kind_of(book) is InputKind.ACTUALS
    capsys.readouterr()
    assert main(["validate", str(book)]) == 0
    assert "actuals 2026-2027" in capsys.readouterr().out
    _edit(book, "F3", "twenty-two")
    assert main(["validate", str(book)]) == 2
    assert "Actuals!F3" in capsys.readouterr().err
