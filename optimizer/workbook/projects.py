"""The Projects sheet: a case's pipeline projects held in the workbook, in the columns of a pipeline file
(docs/pipelines.md), each with the pipeline file it goes to when the workbook is converted back to YAML.

The sheet's cells are checked by the same code as a pipeline file (:func:`validate_pipeline_frame`); its
problems, written as ``row N, column C`` of the table, are moved to the sheet's cells.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import Problem
from ..pipeline.reading import as_text, read_pipeline_file, validate_pipeline_frame
from ..pipeline.table import OPTIONAL_NUMBERS
from . import layout as L
from .cells import Cell

if TYPE_CHECKING:
    from ..loading import Library, LoadedCase
    from ..pipeline.table import ProjectTable
    from ..schema import Case

_ROW_COLUMN = re.compile(r"row (\d+)(?:, column (.+))?$")


def is_number_column(name: str) -> bool:
    """A pipeline column holding numbers (size, costs, years, ``change_<source>_per_year``)."""
    key = name.strip().lower()
    return key == "size" or key in OPTIONAL_NUMBERS or (key.startswith("change_") and key.endswith("_per_year"))


def union_columns(frames: Sequence[pd.DataFrame]) -> list[str]:
    """Every column of the frames once (compared without regard to case), as first written, in order."""
    seen: dict[str, str] = {}
    for frame in frames:
        for column in frame.columns:
            seen.setdefault(str(column).strip().lower(), str(column).strip())
    return list(seen.values())


def case_project_files(loaded: LoadedCase) -> list[tuple[str, pd.DataFrame]]:
    """The raw tables of a loaded case's pipeline files, each with the name the case lists it under."""
    if loaded.projects is None:
        return []
    return [
        (entry, read_pipeline_file(Path(file))) for entry, file in zip(loaded.case.pipelines, loaded.projects.files)
    ]


@dataclass(frozen=True)
class ProjectSheet:
    """The Projects sheet as read: the projects' cells, and where each came from."""

    workbook: str
    frame: pd.DataFrame
    """One row per sheet row from the first record row, columns as headed (without ``file``); cells as read."""
    files: tuple[str, ...]
    """The pipeline file each row goes to ('' for a blank row)."""
    columns: dict[str, int]
    """The sheet column of each header (as written)."""

    @property
    def label(self) -> str:
        """The projects' file label in messages before they are moved to cells."""
        return f"{self.workbook} ({L.PROJECTS_SHEET} sheet)"

    def cell(self, row: int, column: str | None) -> Cell:
        """The cell of a project's column, labelled with the project's id."""
        index = self.columns.get(column, 2) if column is not None else 2
        ids = [c for c in self.frame.columns if str(c).strip().lower() == "id"]
        position = row - L.FIRST_ROW
        project = str(self.frame[ids[0]].iloc[position]) if ids and 0 <= position < len(self.frame) else ""
        return Cell(L.PROJECTS_SHEET, row, index, ": ".join(w for w in (project, column or "") if w))

    def relocate(self, problem: Problem) -> Problem:
        """A problem of the project table (``row N, column C``) at its cell of the sheet."""
        if problem.file != self.label:
            return problem
        match = _ROW_COLUMN.match(problem.path)
        if match is None:
            return Problem(self.workbook, L.PROJECTS_SHEET, problem.value, problem.expected)
        row = int(match.group(1))
        row = L.HEADER_ROW if row == 1 else row
        return Problem(self.workbook, self.cell(row, match.group(2)).where(), problem.value, problem.expected)

    def table(self, case: Case, library: Library, case_file: str) -> ProjectTable | None:
        """The checked projects (None when the sheet has none), with a digest of their cells."""
        if not (self.frame.astype(str) != "").to_numpy().any():
            return None
        table = validate_pipeline_frame(self.frame, self.label, case, library, L.FIRST_ROW, case_file=case_file)
        digest = hashlib.sha256(as_text(self.frame).to_csv(index=False).encode()).hexdigest()
        return replace(table, digest=digest)

    def by_file(self, listed: Sequence[str], default: str) -> list[tuple[str, pd.DataFrame]]:
        """The projects grouped by the pipeline file they go to, in the order the files are listed (a blank
        file: the first listed, or ``default`` when none is)."""
        names = [Path(entry).with_suffix(".csv").name for entry in listed] or [default]
        target = [names[list(listed).index(f)] if f in listed else names[0] for f in self.files]
        used = [bool(any(text != "" for text in row)) for row in self.frame.astype(str).itertuples(index=False)]
        groups = []
        for name in names:
            rows = [k for k, t in enumerate(target) if t == name and used[k]]
            groups.append((name, self.frame.iloc[rows].reset_index(drop=True)))
        return groups


def project_text(value: Any) -> str:
    """A project cell as a pipeline file writes it: numbers exactly (whole numbers without a point)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(frame: pd.DataFrame) -> bytes:
    """A pipeline file (UTF-8 CSV) of a frame of project cells."""
    text = frame.map(project_text) if len(frame) else frame.astype(str)
    return text.to_csv(index=False).encode("utf-8")
