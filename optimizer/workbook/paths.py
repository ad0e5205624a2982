"""Paths a case names (its library, its pipeline files) kept pointing at the same place when the case is
written somewhere else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def rebase(entry: str, old_dir: Path, new_dir: Path) -> str:
    """A path written relative to ``old_dir``, rewritten relative to ``new_dir``."""
    target = (old_dir / entry).resolve()
    return Path(os.path.relpath(target, new_dir.resolve())).as_posix()


def with_library(data: dict[str, Any], case_path: Path, out_dir: Path) -> dict[str, Any]:
    """The case's ``library`` rewritten relative to ``out_dir`` (where the converted file goes); left out when it
    is the library installed with noregret, which a case without ``library`` uses."""
    from ..bundled import library_dir

    library = data.get("library")
    if not library:
        return data
    changed = dict(data)
    if (case_path.parent / library).resolve() == library_dir().resolve():
        changed.pop("library")
    else:
        changed["library"] = rebase(library, case_path.parent, out_dir)
    return changed
