"""Load a workbook case: read it, then check it with the same code as a case YAML file
(:func:`optimizer.loading.check_case_data`), every problem and warning moved to the cell its value came from."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problem
from .cells import without_repeats
from .reading import WorkbookCase, read_workbook

if TYPE_CHECKING:
    from ..loading import Library, LoadedCase
    from ..pipeline.table import ProjectTable
    from ..schema import Case


def load_workbook_case(
    path: Path | str, library: Library | None = None, library_cache: dict | None = None
) -> LoadedCase:
    """The case a workbook holds, checked as any case (:func:`optimizer.loading.load_case` with an .xlsx file
    comes here); problems name the workbook's sheets and cells."""
    return load_workbook(Path(path), library, library_cache)[0]


def load_workbook(
    path: Path, library: Library | None = None, library_cache: dict | None = None
) -> tuple[LoadedCase, WorkbookCase]:
    """The checked case and the workbook as read (for converting it back to YAML)."""
    from ..loading import check_case_data

    book = read_workbook(path)
    text = json.dumps(book.data, sort_keys=True, default=str)
    sheet = book.projects

    def read_projects(_: Path, case: Case, lib: Library) -> ProjectTable | None:
        return sheet.table(case, lib, str(path)) if sheet is not None else None

    try:
        loaded = check_case_data(
            path,
            book.data,
            text,
            library,
            library_cache,
            read_projects=read_projects if sheet is not None else None,
            relocate=lambda warnings: tuple(_moved(book, w) for w in warnings),
        )
    except InputError as err:
        raise InputError(without_repeats(book.problems, [_moved(book, p) for p in err.problems])) from None
    if book.problems:
        raise InputError(book.problems)
    return loaded, book


def _moved(book: WorkbookCase, item: Any) -> Any:
    """A problem or warning (anything with ``file`` and ``path``) at the cell its value was read from; those
    about other files (the library) are left as they are."""
    if book.projects is not None and item.file == book.projects.label:
        moved = book.projects.relocate(Problem(item.file, item.path, item.value, ""))
    elif item.file == str(book.path):
        moved = book.locations.relocate(Problem(item.file, item.path, item.value, ""), str(book.path))
    else:
        return item
    return replace(item, file=moved.file, path=moved.path)
