"""The intervention library and the cases installed with noregret, and finding a bundled case by name.

The data are the packages ``optimizer.data.intervention_library`` and ``optimizer.data.cases`` (the
repository's top-level ``intervention_library/`` and ``cases/`` folders, mapped in ``pyproject.toml``), found
with :mod:`importlib.resources`, so the same code serves an editable install and an installed wheel.

A bundled case is named by its file stem (``georgia``, ``demo``); ``manifest`` is the CAREC manifest and
``library`` the intervention library (for ``noregret validate``). Command-line arguments that name an existing
path always mean that path.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import InputError, Problem

LIBRARY_PACKAGE = "optimizer.data.intervention_library"
CASES_PACKAGE = "optimizer.data.cases"
LIBRARY_NAME = "library"
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class BundledCase:
    """One bundled case file (or the manifest) as ``noregret cases`` lists it."""

    name: str
    path: Path
    country: str
    variants: tuple[str, ...]


def _package_dir(package: str) -> Path:
    """The folder of an installed data package; missing data is an input error that says how to fix it."""
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:
        folder = None
    if not isinstance(folder, Path) or not folder.is_dir():
        raise InputError(
            [
                Problem(
                    "<installation>",
                    "",
                    package,
                    "the data installed with noregret (reinstall it: "
                    "pip install -e . in the repository, or pip install the wheel)",
                )
            ]
        )
    return folder


def library_dir() -> Path:
    """The bundled intervention library directory."""
    return _package_dir(LIBRARY_PACKAGE)


def cases_dir() -> Path:
    """The folder of the bundled cases (country cases, ``manifest.yaml`` and ``examples/``)."""
    return _package_dir(CASES_PACKAGE)


ACTUALS_STEM = "_actuals"
"""Bundled files whose name ends so are actuals examples (docs/monitoring.md), not cases."""


def case_files() -> dict[str, Path]:
    """Bundled case files by name (file stem), the manifest included, actuals examples not; sorted by name."""
    root = cases_dir()
    files = [
        p
        for p in (*root.glob("*"), *root.glob("examples/*"))
        if p.suffix in _YAML_SUFFIXES and p.is_file() and not p.stem.endswith(ACTUALS_STEM)
    ]
    return dict(sorted((p.stem, p) for p in files))


def _normalised(name: str) -> str:
    """How a typed name is compared with the bundled ones: any case, '-' for '_', an optional .yaml suffix."""
    name = name.strip().lower().replace("-", "_")
    for suffix in _YAML_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _looks_like_name(arg: Path) -> bool:
    """A bare word (no folder part) can name a bundled case; anything with a folder is only a path."""
    return len(arg.parts) == 1 and str(arg) not in (".", "..")


def resolve(arg: Path, library: bool = False) -> Path:
    """``arg`` itself when it exists (or has a folder part); otherwise the bundled case, manifest or, with
    ``library``, the intervention library of that name. An unknown name is an input error listing the names."""
    if arg.exists() or not _looks_like_name(arg):
        return arg
    names = case_files()
    wanted = _normalised(str(arg))
    if library and wanted in (LIBRARY_NAME, "intervention_library"):
        return library_dir()
    if wanted in names:
        return names[wanted]
    known = [*names, LIBRARY_NAME] if library else list(names)
    raise InputError([Problem("<command line>", "", str(arg), _unknown_name_hint(wanted, known))])


def _unknown_name_hint(wanted: str, known: list[str]) -> str:
    """What an unknown name should have been: a close match first, then every bundled name."""
    close = difflib.get_close_matches(wanted, known, n=1)
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"an existing file or a bundled name ({guess}bundled: {', '.join(known)}; see noregret cases)"


def listing() -> list[BundledCase]:
    """Every bundled case with its country and variants, read without full validation (the manifest shows
    how many cases it lists)."""
    from .yaml_io import read_yaml_mapping

    rows = []
    for name, path in case_files().items():
        data = read_yaml_mapping(path)
        if isinstance(data.get("cases"), list):
            rows.append(BundledCase(name, path, f"({len(data['cases'])} cases)", ()))
            continue
        country = data.get("country")
        variants = data.get("variants")
        rows.append(
            BundledCase(
                name,
                path,
                str(country.get("name", "?")) if isinstance(country, dict) else "?",
                tuple(variants) if isinstance(variants, dict) else (),
            )
        )
    return rows


def render_listing(rows: list[BundledCase]) -> str:
    """The table ``noregret cases`` prints, with where the files are."""
    width = max((len(r.name) for r in rows), default=4)
    cwidth = max((len(r.country) for r in rows), default=7)
    lines = [f"{'name':<{width}}  {'country':<{cwidth}}  variants"]
    lines += [f"{r.name:<{width}}  {r.country:<{cwidth}}  {', '.join(r.variants) or '-'}" for r in rows]
    lines += [
        "",
        f"Cases in {cases_dir()}; library in {library_dir()}.",
        "Use a name in place of a case file: noregret solve georgia, noregret batch manifest, "
        "noregret validate library.",
    ]
    return "\n".join(lines)
