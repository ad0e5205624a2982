"""``noregret validate`` checks each path as what it is: a folder of cases, a sweep specification, a
manifest, a library, a case; a pipeline file alone is pointed to its case."""

from __future__ import annotations

from pathlib import Path

from optimizer.cli import main
from optimizer.inputs import InputKind, kind_of

ROOT = Path(__file__).resolve().parent.parent


def test_kinds_are_told_apart():
    assert kind_of(ROOT / "cases") is InputKind.FOLDER
    assert kind_of(ROOT / "intervention_library") is InputKind.LIBRARY
    assert kind_of(ROOT / "intervention_library" / "waste.yaml") is InputKind.LIBRARY
    assert kind_of(ROOT / "cases" / "manifest.yaml") is InputKind.MANIFEST
    assert kind_of(ROOT / "cases" / "georgia.yaml") is InputKind.CASE
    assert kind_of(ROOT / "docs" / "examples" / "sweep-georgia.yaml") is InputKind.SWEEP
    assert kind_of(ROOT / "cases" / "examples" / "georgia_hospitals.csv") is InputKind.PIPELINE


def test_a_folder_of_cases_and_a_sweep_spec_validate(capsys):
    assert main(["validate", str(ROOT / "cases"), str(ROOT / "docs" / "examples" / "sweep-georgia.yaml")]) == 0
    out = capsys.readouterr().out
    assert "folder of 15 files" in out and "manifest of 11 cases" in out
    assert "sweep specification of 120 scenarios over georgia.yaml" in out
    assert "300 pipeline projects" in out


def test_a_bad_sweep_spec_is_checked_as_a_spec(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"case: {ROOT / 'cases' / 'georgia.yaml'}\ngrid:\n  - path: discount_rat\n    values: [0.05]\n")
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "discount_rat" in err and "expected one of the known keys ['schema_version'" not in err


def test_a_pipeline_file_alone_points_to_its_case(capsys):
    assert main(["validate", str(ROOT / "cases" / "examples" / "georgia_hospitals.csv")]) == 2
    assert "checked with the case that lists it" in capsys.readouterr().err
