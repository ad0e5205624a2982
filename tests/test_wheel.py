"""The built wheel works on its own: it carries the library and the bundled cases, and the installed copy,
run from a folder outside the repository, solves a bundled case by name and validates its library.

Marked ``wheel`` (about 10 s: build, install, one solve); ``pytest -m "not wheel"`` skips it. The wheel is
built offline from a copy of the sources (``--no-build-isolation``, the test extra brings setuptools) and
installed without dependencies into a folder put on ``PYTHONPATH`` for this interpreter; ``make
wheel-check`` does the full thing in a fresh virtual environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "optimizer", "intervention_library", "cases")

pytestmark = pytest.mark.wheel


def _run(argv: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the repository's sources (the build leaves build/ and egg-info behind)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    build = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(dist), "."],
        cwd=src,
    )
    assert build.returncode == 0, build.stderr
    (whl,) = dist.glob("noregret-*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    install = _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        cwd=target,
    )
    assert install.returncode == 0, install.stderr
    return target


def _env(site: Path) -> dict:
    """This interpreter with the installed copy first on the path. The editable install's finder sits after
    the path finder on sys.meta_path, so it cannot shadow the copy (the tests below check which one ran)."""
    return {**os.environ, "PYTHONPATH": str(site)}


def test_wheel_carries_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"optimizer/data/intervention_library/{p.name}" for p in (REPO / "intervention_library").glob("*.yaml")}
    expected |= {
        f"optimizer/data/cases/{p.relative_to(REPO / 'cases').as_posix()}" for p in (REPO / "cases").rglob("*.yaml")
    }
    assert len(expected) > 20 and expected <= names


def test_installed_copy_is_the_one_used(installed, tmp_path):
    code = (
        "import optimizer, optimizer.bundled as b; "
        "print(optimizer.__file__); print(b.library_dir()); print(b.cases_dir())"
    )
    run = _run([sys.executable, "-c", code], cwd=tmp_path, env=_env(installed))
    assert run.returncode == 0, run.stderr
    for line in run.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(installed.resolve()), line


def test_installed_noregret_solves_a_bundled_case_by_name(installed, tmp_path):
    out = tmp_path / "georgia-out"
    run = _run(
        [sys.executable, "-m", "optimizer", "solve", "georgia", "--out", str(out), "--quiet"],
        cwd=tmp_path,
        env=_env(installed),
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal" and (out / "portfolio.csv").is_file()
    assert summary["country"] == "GEO"
    for key in ("case_file", "library"):  # the installed data, not the repository's
        assert Path(summary["metadata"][key]).resolve().is_relative_to(installed.resolve()), summary["metadata"]


def test_installed_noregret_validates_its_library(installed, tmp_path):
    script = installed / "bin" / "noregret"
    run = _run([sys.executable, str(script), "validate", "library", "manifest"], cwd=tmp_path, env=_env(installed))
    assert run.returncode == 0, run.stderr
    library_line = run.stdout.splitlines()[0]
    assert library_line.startswith("ok") and str(installed.resolve()) in library_line
    assert "manifest of 11 cases" in run.stdout
