"""One version: pyproject.toml's, read back through the installed metadata and matched by CHANGELOG.md."""

import re
import tomllib
from pathlib import Path

import optimizer

ROOT = Path(__file__).resolve().parents[1]


def test_package_version_is_pyprojects():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert optimizer.__version__ == declared, "reinstall (make test does) after changing the version"


def test_changelog_latest_version_is_the_package_version():
    headings = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert headings, "CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' heading"
    assert headings[0] == optimizer.__version__
