"""Bundled data: the library and cases found through the installed data packages, bundled case names on the
command line, ``noregret cases``, and the package list in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from optimizer import bundled
from optimizer.cli import main
from optimizer.errors import InputError

REPO = Path(__file__).resolve().parent.parent
DEV_MODULES = ("optimizer.docgen", "optimizer.provenance", "optimizer.synthetic")


def test_data_packages_are_the_repository_folders():
    """In the development install the bundled data are the top-level folders themselves, not copies."""
    assert bundled.library_dir().resolve() == (REPO / "intervention_library").resolve()
    assert bundled.cases_dir().resolve() == (REPO / "cases").resolve()


def test_every_case_file_has_a_name():
    files = [*(REPO / "cases").glob("*.yaml"), *(REPO / "cases").glob("examples/*.yaml")]
    on_disk = {p.stem: p.resolve() for p in files if not p.stem.endswith(bundled.ACTUALS_STEM)}  # actuals: not cases
    assert {n: p.resolve() for n, p in bundled.case_files().items()} == on_disk
    assert {"georgia", "prc", "demo", "manifest"} <= set(on_disk)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("georgia", "georgia.yaml"),
        ("Georgia.yaml", "georgia.yaml"),
        ("kyrgyz-republic", "kyrgyz_republic.yaml"),
        ("demo", "demo.yaml"),
        ("manifest", "manifest.yaml"),
    ],
)
def test_names_resolve_to_bundled_files(typed, expected):
    assert bundled.resolve(Path(typed)).name == expected


def test_an_existing_path_wins_over_a_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "georgia").write_text("mine")
    assert bundled.resolve(Path("georgia")) == Path("georgia")


def test_a_path_with_a_folder_is_never_a_name():
    assert bundled.resolve(Path("nowhere/georgia")) == Path("nowhere/georgia")


def test_library_name_only_where_a_library_is_accepted():
    assert bundled.resolve(Path("library"), library=True) == bundled.library_dir()
    with pytest.raises(InputError):
        bundled.resolve(Path("library"))


def test_unknown_name_suggests_the_closest_and_lists_all():
    with pytest.raises(InputError) as err:
        bundled.resolve(Path("geogia"))
    (problem,) = err.value.problems
    assert (problem.file, problem.value) == ("<command line>", "geogia")
    assert "did you mean 'georgia'" in problem.expected
    assert all(name in problem.expected for name in bundled.case_files())


def test_cli_unknown_name_exits_2(capsys):
    assert main(["solve", "tajikstan"]) == 2
    assert "did you mean 'tajikistan'" in capsys.readouterr().err


def test_cli_validates_bundled_names(capsys):
    assert main(["validate", "library", "manifest", "demo"]) == 0
    out = capsys.readouterr().out
    assert "interventions" in out and "manifest of 11 cases" in out and "Demo Republic" in out


def test_cli_solves_a_bundled_case_by_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["solve", "demo", "--variant", "sector_plan", "--quiet"]) == 0
    assert (tmp_path / "outputs" / "demo-sector_plan" / "summary.json").is_file()


def test_cli_lists_cases(capsys):
    assert main(["cases"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line for line in lines[1:] if line and not line.startswith(("Cases in", "Use a"))}
    assert set(rows) == set(bundled.case_files())
    assert "Georgia" in rows["georgia"] and "unconditional, conditional" in rows["georgia"]
    assert "sector_plan" in rows["demo"] and "(11 cases)" in rows["manifest"]


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["--help"], ["validate", "library"], ["cases"]])
def test_user_commands_do_not_import_developer_tools(argv):
    """docgen, the provenance docs writer and the synthetic case builder are for developers and tests only."""
    code = (
        f"import sys\nfrom optimizer.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {DEV_MODULES!r} if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_pyproject_lists_every_package():
    """Packages are listed by hand in pyproject.toml (the data folders are mapped); a new subpackage must be too."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "optimizer").rglob("__init__.py")}
    mapped = {"optimizer.data.intervention_library", "optimizer.data.cases", "optimizer.data.cases.examples"}
    assert set(config["packages"]) == on_disk | mapped
    assert config["package-dir"] == {
        "optimizer.data.intervention_library": "intervention_library",
        "optimizer.data.cases": "cases",
    }


def test_load_case_takes_a_bundled_name():
    from optimizer import load_case

    loaded = load_case("georgia")
    assert loaded.case.country.iso3 == "GEO" and loaded.path.name == "georgia.yaml"
