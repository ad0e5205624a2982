"""``noregret workbook``: a case YAML file to the planner's workbook, and a workbook back to a case YAML file
(with its projects as pipeline files beside it). Either way the input is checked first, and nothing is written
for an input with mistakes; an existing file is replaced only with ``force``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Problem
from ..outputs import atomic_write_bytes, atomic_write_text, ensure_folder
from . import is_workbook
from .reading import WORKBOOK_SUFFIX

if TYPE_CHECKING:
    from ..loading import LoadedCase
    from ..schema import Case

YAML_SUFFIXES = (".yaml", ".yml")


def convert(source: Path, out: Path | None = None, force: bool = False) -> list[Path]:
    """Write ``source`` (a case YAML file or bundled name, or a workbook) as the other form at ``out`` (by
    default the source's name with the other suffix, in the current folder); the files written."""
    from ..inputs import InputKind, kind_of
    from .actuals import actuals_to_workbook, is_actuals_workbook, workbook_to_actuals_yaml

    if is_actuals_workbook(source):
        target = out or Path(f"{source.stem}.yaml")
        _check_suffix(target, YAML_SUFFIXES, "a .yaml file for the actuals")
        _check_targets([target], force, [source])
        return [workbook_to_actuals_yaml(source, target)]
    if not is_workbook(source) and kind_of(source) is InputKind.ACTUALS:
        target = out or Path(f"{source.stem}{WORKBOOK_SUFFIX}")
        _check_suffix(target, (WORKBOOK_SUFFIX,), "an .xlsx file for the workbook")
        _check_targets([target], force, [source])
        return [actuals_to_workbook(source, target)]
    if is_workbook(source):
        return workbook_to_yaml(source, out or Path(f"{source.stem}.yaml"), force)
    return case_to_workbook(source, out or Path(f"{source.stem}{WORKBOOK_SUFFIX}"), force)


def case_to_workbook(case: Path, out: Path, force: bool = False) -> list[Path]:
    """Write a case (a YAML file or a bundled name) as a workbook."""
    from ..loading import load_case

    _check_suffix(out, (WORKBOOK_SUFFIX,), "an .xlsx file for the workbook")
    loaded = load_case(case)
    _check_targets([out], force, [loaded.path])
    return [write_workbook(loaded, out)]


def write_workbook(loaded: LoadedCase, out: Path) -> Path:
    """Write a checked case as a workbook at ``out`` (replacing a file there), if it reads back as the same
    case; its pipeline files become the Projects sheet."""
    from .projects import case_project_files
    from .writing import workbook_bytes

    content = workbook_bytes(loaded, out, case_project_files(loaded))
    check_complete(loaded.case, loaded.path, out, content)
    ensure_folder(out.parent)
    return atomic_write_bytes(out, content)


def workbook_to_yaml(workbook: Path, out: Path, force: bool = False) -> list[Path]:
    """Write a workbook as a case YAML file; the projects of its Projects sheet go to pipeline files (CSV) beside
    it, named as the Settings sheet lists them (or ``<name>-projects.csv`` when it lists none)."""
    from .load import load_workbook
    from .paths import rebase, with_library
    from .projects import write_csv
    from .yaml_out import case_yaml

    _check_suffix(out, YAML_SUFFIXES, "a .yaml file for the case")
    loaded, book = load_workbook(workbook)
    data = with_library(loaded.case.model_dump(exclude_unset=True), workbook, out.parent)
    files: list[tuple[Path, bytes]] = []
    if book.projects is not None and loaded.projects is not None:
        groups = book.projects.by_file(book.pipelines, f"{out.stem}-projects.csv")
        data["pipelines"] = [name for name, _ in groups]
        files = [(out.parent / name, write_csv(frame)) for name, frame in groups]
    elif data.get("pipelines"):
        data["pipelines"] = [rebase(entry, workbook.parent, out.parent) for entry in data["pipelines"]]
    _check_targets([out, *(path for path, _ in files)], force, [workbook])
    ensure_folder(out.parent)
    for path, content in files:
        atomic_write_bytes(path, content)
    atomic_write_text(out, case_yaml(data))
    return [out, *(path for path, _ in files)]


def check_complete(case: Case, case_file: Path, out: Path, content: bytes) -> None:
    """The workbook ``content`` (to be ``out``) reads back as ``case``; a part of the case its sheets cannot hold
    is an input error naming it in ``case_file`` (rather than a workbook that silently lacks it)."""
    lost = _lost_parts(case, out, content)
    if lost:
        raise InputError(
            [
                Problem(
                    str(case_file),
                    field,
                    "<not held by a workbook>",
                    "a case whose every part has a place in the workbook's sheets (docs/workbook.md); keep this "
                    "case as YAML",
                )
                for field in lost
            ]
        )


def _lost_parts(case: Case, out: Path, content: bytes) -> list[str]:
    """The parts of ``case`` (top-level fields) that the workbook ``content`` does not read back as they are:
    those that differ, or that do not read back as a valid part at all."""
    from ..schema import Case
    from ..validation import parse_model
    from .cells import path_keys
    from .reading import read_workbook

    book = read_workbook(out, content)
    try:
        again = parse_model(Case, book.data, str(out))
    except InputError as err:
        return sorted({(path_keys(p.path) or ("the case",))[0] for p in err.problems})
    ignored = {"library", "pipelines"}  # rewritten for the workbook's place; projects are on their own sheet
    return [k for k in Case.model_fields if k not in ignored and getattr(again, k) != getattr(case, k)]


def _check_suffix(out: Path, suffixes: tuple[str, ...], expected: str) -> None:
    if out.suffix.lower() not in suffixes:
        raise InputError([Problem("<command line>", "--out", str(out), expected)])


def _check_targets(paths: list[Path], force: bool, inputs: list[Path]) -> None:
    """Each file to write is no folder and none of the inputs; an existing one only with ``force``."""
    problems = []
    sources = {p.resolve() for p in inputs}
    for path in paths:
        if path.is_dir():
            problems.append(Problem(str(path), "--out", "<a folder>", "a file to write (this is a folder)"))
        elif path.resolve() in sources:
            problems.append(Problem(str(path), "--out", "<the input>", "a file other than the one converted"))
        elif path.exists() and not force:
            problems.append(Problem(str(path), "--out", "<an existing file>", "a new file: pass --force to replace it"))
    if problems:
        raise InputError(problems)
