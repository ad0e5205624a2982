"""What an input path is, so that ``noregret validate`` checks each as what it is: a library, a case, a
manifest, a sweep specification, an actuals file, or a folder of such files."""

from __future__ import annotations

import enum
from pathlib import Path

from .errors import InputError, Problem

YAML_SUFFIXES = (".yaml", ".yml")
SWEEP_KEYS = frozenset({"grid", "monte_carlo", "overrides", "combinations"})
"""Keys only a sweep specification has (beside ``case``)."""
ACTUALS_KEY = "through_year"
"""The key only an actuals file has (beside ``case``): :class:`optimizer.schema.actuals.Actuals`."""


class InputKind(enum.StrEnum):
    LIBRARY = "library"
    """A library directory (it holds ``vocabulary.yaml``), or one of its files."""
    FOLDER = "folder"
    """A folder of cases, manifests and sweep specifications."""
    MANIFEST = "manifest"
    SWEEP = "sweep specification"
    CASE = "case"
    ACTUALS = "actuals file"
    """What a country actually did (docs/monitoring.md): checked against the case it names."""
    PIPELINE = "pipeline file"
    """A CSV or Parquet pipeline file: checked only with the case that lists it."""


def kind_of(path: Path) -> InputKind:
    """What ``path`` is, read from its name and, for YAML, its top-level keys (a file that cannot be read is
    taken as a case, whose loading then says what is wrong)."""
    from .loading import VOCABULARY_FILE, is_manifest_data
    from .yaml_io import read_yaml_mapping

    if path.is_dir() and path.suffix.lower() not in YAML_SUFFIXES:
        return InputKind.LIBRARY if (path / VOCABULARY_FILE).is_file() else InputKind.FOLDER
    if path.suffix.lower() in (".csv", ".parquet"):
        return InputKind.PIPELINE
    if path.name == VOCABULARY_FILE:
        return InputKind.LIBRARY
    if path.suffix.lower() == ".xlsx" and path.is_file():
        from .workbook.actuals import is_actuals_workbook

        return InputKind.ACTUALS if is_actuals_workbook(path) else InputKind.CASE
    if path.suffix.lower() not in YAML_SUFFIXES or not path.is_file():
        return InputKind.CASE
    try:
        data = read_yaml_mapping(path)
    except InputError:
        return InputKind.CASE
    if "family" in data and "interventions" in data:
        return InputKind.LIBRARY
    if is_manifest_data(data):
        return InputKind.MANIFEST
    if "case" in data and SWEEP_KEYS & set(data) and "country" not in data:
        return InputKind.SWEEP
    if "case" in data and ACTUALS_KEY in data and "country" not in data:
        return InputKind.ACTUALS
    return InputKind.CASE


def folder_files(folder: Path) -> list[Path]:
    """The YAML files below ``folder`` (sorted, in sub-folders too, hidden ones left out), each checked as what
    it is; a library folder inside is checked once, as a library."""
    found: list[Path] = []
    libraries: list[Path] = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if any(path.is_relative_to(lib) for lib in libraries):
            continue
        if path.is_dir() and kind_of(path) is InputKind.LIBRARY:
            libraries.append(path)
            found.append(path)
        elif path.is_file() and path.suffix.lower() in YAML_SUFFIXES:
            found.append(path)
    return found


def pipeline_alone(path: Path) -> InputError:
    """A pipeline file given on its own: it is checked against the case that lists it."""
    return InputError(
        [
            Problem(
                str(path),
                "",
                "<a pipeline file>",
                "a case, manifest, sweep specification, library or folder (a pipeline file is checked with the "
                "case that lists it under pipelines:)",
            )
        ]
    )
