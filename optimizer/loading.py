"""Load the intervention library and country cases from YAML into validated objects.

Field-level validation is the schema's job (:mod:`optimizer.schema`); cross-record consistency is in
:mod:`optimizer.checks`. Both report through :class:`~optimizer.errors.InputError`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, Problem
from .outputs import protect_inputs
from .schema import Case, FamilyFile, Group, Intervention, Vocabulary
from .schema.case import Source
from .schema.library import Gas, GwpFile
from .validation import parse_model
from .yaml_io import read_yaml_document

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline.table import ProjectTable

VOCABULARY_FILE = "vocabulary.yaml"
GWP_FILE = "gwp.yaml"
SPECIAL_FILES = (VOCABULARY_FILE, GWP_FILE)


def __getattr__(name: str) -> Path:
    """``DEFAULT_LIBRARY``: the bundled intervention library (:func:`optimizer.bundled.library_dir`), found on
    use so that importing the package never depends on its data."""
    if name == "DEFAULT_LIBRARY":
        from .bundled import library_dir

        return library_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Library:
    """A validated intervention library."""

    root: Path
    vocabulary: Vocabulary
    interventions: dict[str, Intervention]
    family_of: dict[str, str]
    file_of: dict[str, str]
    groups: dict[str, Group]
    group_file: dict[str, str]
    digest: str
    gases: dict[str, Gas] = field(default_factory=dict)
    gas_ids: tuple[str, ...] = ()
    """Gas ids in the order of ``gwp.yaml`` (repeats kept, so the checks can name them)."""
    base: Library | None = None
    """The library as its files have it, when this one also holds a case's additions and overrides
    (:func:`optimizer.case_library.case_library`); None for a library read from files."""

    def source_type(self, source_id: str):
        return next((s for s in self.vocabulary.sources if s.id == source_id), None)


@dataclass(frozen=True)
class LoadedCase:
    """A validated case together with the library it uses."""

    case: Case
    path: Path
    library: Library
    digest: str = field(default="")
    warnings: tuple = ()
    """Plausibility warnings (:class:`~optimizer.plausibility.Caution`): legal values that look like slips."""
    projects: ProjectTable | None = None
    """The projects of the case's pipeline files (``pipelines:``), validated; None when it lists none."""

    @cached_property
    def sources(self) -> dict[str, Source]:
        """The case's inventoried sources by id."""
        return {s.id: s for s in self.case.sources}


def is_manifest_data(data: dict) -> bool:
    """A YAML mapping that lists cases (a manifest), not a case itself."""
    return isinstance(data.get("cases"), list) and "country" not in data


def _family_paths(root: Path) -> list[Path]:
    """The library's action-family files; an unreadable folder is an input error naming it."""
    try:
        return sorted(p for p in root.glob("*.yaml") if p.name not in SPECIAL_FILES)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            [Problem(str(root), "", f"<cannot be listed: {reason}>", "a readable intervention library directory")]
        ) from None


def load_library(root: Path | str) -> Library:
    """Load and check a library directory (``vocabulary.yaml`` plus one YAML file per action family)."""
    root = Path(root)
    if not root.is_dir():
        raise InputError([Problem(str(root), "", "<not a directory>", "an intervention library directory")])
    vocab_path = root / VOCABULARY_FILE
    gwp_path = root / GWP_FILE
    family_paths = _family_paths(root)
    problems: list[Problem] = []
    if not vocab_path.is_file():
        problems.append(Problem(str(vocab_path), "", "<missing file>", "the library's source vocabulary"))
    if not family_paths:
        problems.append(Problem(str(root), "", "<no family files>", "at least one action-family YAML file"))
    if problems:
        raise InputError(problems)

    vocabulary = None
    gases: list = []
    families: list[tuple[str, FamilyFile]] = []
    # gwp.yaml is optional, but a gwp.yaml that is there and unreadable (a folder, a broken link) is an error
    special = [vocab_path] + ([gwp_path] if os.path.lexists(gwp_path) else [])
    digest = hashlib.sha256()
    for path in [*special, *family_paths]:
        try:
            data, text = read_yaml_document(path)
            digest.update(path.name.encode() + text.encode())
            if path == vocab_path:
                vocabulary = parse_model(Vocabulary, data, str(path))
            elif path == gwp_path:
                gases = parse_model(GwpFile, data, str(path)).gases
            else:
                families.append((str(path), parse_model(FamilyFile, data, str(path))))
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    return assemble_library(root, vocabulary, families, digest.hexdigest(), gases)


def library_from_data(
    vocabulary: dict, family_files: dict[str, dict], root: str = "<library>", gwp: dict | None = None
) -> Library:
    """Build a library from Python dicts (API, tests, synthetic cases); same checks as :func:`load_library`.

    ``family_files`` maps a file label (used in error messages) to the file's content."""
    import json

    problems: list[Problem] = []
    vocab = None
    families: list[tuple[str, FamilyFile]] = []
    gases: list = []
    try:
        vocab = parse_model(Vocabulary, vocabulary, f"{root}/{VOCABULARY_FILE}")
        if gwp is not None:
            gases = parse_model(GwpFile, gwp, f"{root}/{GWP_FILE}").gases
    except InputError as err:
        problems.extend(err.problems)
    for label, data in family_files.items():
        try:
            families.append((f"{root}/{label}", parse_model(FamilyFile, data, f"{root}/{label}")))
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    blob = json.dumps([vocabulary, family_files, gwp], sort_keys=True, default=str).encode()
    return assemble_library(Path(root), vocab, families, hashlib.sha256(blob).hexdigest(), gases)


def assemble_library(
    root: Path, vocabulary: Vocabulary, families: list[tuple[str, FamilyFile]], digest: str, gases: list | None = None
) -> Library:
    """Index validated family files by intervention id and run the library checks."""
    from .checks import check_library

    problems: list[Problem] = []
    interventions: dict[str, Intervention] = {}
    file_of: dict[str, str] = {}
    groups: dict[str, Group] = {}
    group_file: dict[str, str] = {}
    family_of: dict[str, str] = {}
    for path, fam in families:
        problems += _index_unique(fam.interventions, "interventions", path, interventions, file_of)
        problems += _index_unique(fam.groups, "groups", path, groups, group_file)
        family_of.update({item.id: fam.family for item in fam.interventions if file_of[item.id] == path})
    if problems:
        raise InputError(problems)
    library = Library(
        root=root,
        vocabulary=vocabulary,
        interventions=interventions,
        family_of=family_of,
        file_of=file_of,
        groups=groups,
        group_file=group_file,
        digest=digest,
        gases={g.id: g for g in gases or []},
        gas_ids=tuple(g.id for g in gases or []),
    )
    check_library(library)
    return library


def _index_unique(items, kind: str, path: str, store: dict, file_store: dict) -> list[Problem]:
    """Add items to ``store`` by id; an id already used anywhere in the library is a problem."""
    problems = []
    for k, item in enumerate(items):
        if item.id in store:
            problems.append(
                Problem(path, f"{kind}[{k}].id", item.id, f"an id not already used (it is in {file_store[item.id]})")
            )
            continue
        store[item.id] = item
        file_store[item.id] = path
    return problems


def load_case(path: Path | str, library: Library | None = None, library_cache: dict | None = None) -> LoadedCase:
    """Load a case file (or a bundled case by name: ``load_case("georgia")``), its library (unless given), and
    check them together. ``library_cache`` (a dict) shares loaded libraries between cases that name the same
    directory."""
    from .bundled import resolve
    from .workbook import is_workbook

    path = resolve(Path(path))
    if is_workbook(path):
        from .workbook import load_workbook_case

        return load_workbook_case(path, library, library_cache)
    data, text = read_yaml_document(path)
    if is_manifest_data(data):
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "<a manifest>",
                    "a case file (to solve every case of a manifest: noregret batch MANIFEST.yaml)",
                )
            ]
        )
    return check_case_data(path, data, text, library, library_cache)


def check_case_data(
    path: Path,
    data: dict,
    text: str,
    library: Library | None = None,
    library_cache: dict | None = None,
    read_projects: Callable[[Path, Case, Library], ProjectTable | None] | None = None,
    relocate: Callable[[tuple], tuple] | None = None,
) -> LoadedCase:
    """Check a case read from ``path`` as ``data`` (``text``: what was read, for the digest) with its library
    (unless given; ``library_cache`` as for :func:`load_case`) and its pipeline projects. ``read_projects`` reads
    the projects (by default: the pipeline files the case lists, relative to ``path``); ``relocate`` moves the
    plausibility warnings to where their values were read (a workbook's cells) before they are handled."""
    from .case_library import case_library
    from .checks import check_case

    case = parse_model(Case, data, str(path))
    if library is None:
        lib_root = _library_root(path, case.library)
        if library_cache is not None and lib_root in library_cache:
            library = library_cache[lib_root]
        else:
            library = load_library(lib_root)
            if library_cache is not None:
                library_cache[lib_root] = library
    library = case_library(library, case, str(path))
    check_case(case, str(path), library)
    projects = (read_projects or _read_projects)(path, case, library)
    protect_inputs(path, library.root, *(projects.files if projects is not None else ()))
    pipeline_digest = projects.digest if projects is not None else ""
    digest = hashlib.sha256(text.encode() + library.digest.encode() + pipeline_digest.encode()).hexdigest()
    loaded = LoadedCase(case=case, path=path, library=library, digest=digest, projects=projects)
    return _with_warnings(loaded, relocate)


def _read_projects(path: Path, case: Case, library: Library) -> ProjectTable | None:
    """The case's pipeline projects (files relative to the case file); None when it lists none. The reader
    (and pandas) is imported only for a case that has pipelines."""
    if not case.pipelines:
        return None
    from .pipeline.reading import read_pipelines

    return read_pipelines(path, case, library)


def _library_root(case_path: Path, library: str | None) -> Path:
    """The library directory a case names (relative to the case file), or the bundled one."""
    if not library:
        from .bundled import library_dir

        return library_dir()
    try:
        root = (case_path.parent / library).resolve()
        if root.is_dir():
            return root
        reason = f"{root} does not exist or is not a directory"
    except (OSError, RuntimeError, ValueError) as exc:  # symlink loop, NUL byte, ...
        reason = f"{library} cannot be resolved: {exc}"
    raise InputError(
        [Problem(str(case_path), "library", library, f"a library directory relative to the case file ({reason})")]
    )


def case_from_dict(
    data: dict, library: Library, name: str = "<case>", projects: pd.DataFrame | None = None
) -> LoadedCase:
    """Validate a case given as a Python dict (API and tests); same checks as :func:`load_case`.

    ``projects`` is a raw project table, one row per project as in a pipeline file (its file label in
    messages is ``<pipeline>``); a dict cannot name pipeline files, since there is no case file to find them
    from."""
    import json

    from .case_library import case_library
    from .checks import check_case

    case = parse_model(Case, data, name)
    library = case_library(library, case, name)
    check_case(case, name, library)
    table = _projects_from_frame(projects, case, library, name)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode() + library.digest.encode())
    if table is not None:
        digest.update(table.digest.encode())
    return _with_warnings(
        LoadedCase(case=case, path=Path(name), library=library, digest=digest.hexdigest(), projects=table)
    )


def _projects_from_frame(projects: pd.DataFrame | None, case: Case, library: Library, name: str) -> ProjectTable | None:
    """Validate projects given as a frame; a case dict that lists pipeline files instead is an error."""
    if projects is None:
        if case.pipelines:
            raise InputError(
                [
                    Problem(
                        name,
                        "pipelines",
                        case.pipelines,
                        "no pipeline files in a case given as data (load_case reads them relative to the case "
                        "file); pass the projects as a frame: case_from_dict(data, library, projects=frame)",
                    )
                ]
            )
        return None
    from dataclasses import replace

    from .pipeline.reading import PIPELINE_LABEL, as_text, validate_pipeline_frame

    table = validate_pipeline_frame(projects, PIPELINE_LABEL, case, library, case_file=name)
    text = as_text(projects).to_csv(index=False).encode()
    return replace(table, digest=hashlib.sha256(text).hexdigest())


def _with_warnings(loaded: LoadedCase, relocate: Callable[[tuple], tuple] | None = None) -> LoadedCase:
    """Attach the plausibility warnings (moved by ``relocate``, if given) and hand them to the process's policy
    (print, refuse or keep)."""
    from dataclasses import replace

    from . import plausibility

    warnings = plausibility.plausibility_warnings(loaded)
    if loaded.projects is not None:
        warnings += loaded.projects.warnings
    if relocate is not None:
        warnings = relocate(warnings)
    plausibility.policy.handle(warnings)
    return replace(loaded, warnings=warnings)
