"""Writing outputs all-or-nothing.

Every folder noregret writes (a solve result, a report, an explanation, alternatives, a tornado, a sweep)
appears whole or not at all, and never mixes files of two runs. :func:`output_folder` stages the files in a
hidden folder beside the target and renames that folder into place; :func:`atomic_write_text` and
:func:`atomic_write_bytes` do the same for single files (``sweep.json``, a batch's ``comparison.csv``).

Every output folder carries a marker file, ``.noregret-output``: JSON holding the ``kind`` of output
(``result``, ``report``, ``explain``, ``alternatives``, ``tornado``, ``sweep``) and the noregret ``version``
that wrote it. The marker is how a later run recognises a folder it may replace whole.

What happens to an existing target folder:

* it does not exist: the staged folder is renamed into place (its parent folders are created);
* it is empty, or a previous noregret output (it holds the marker): it is replaced whole, so no file of the
  old output survives beside the new one. A sweep folder is the exception: it holds results that may have
  taken hours, so it is only replaced with ``force``;
* it holds files noregret did not write: refused with an :class:`~optimizer.errors.InputError` naming the
  folder and a few of the files, unless ``force`` is given (then it is replaced whole too);
* it is a file: refused.

Problems with the place itself (a parent that cannot be created, no permission, a read-only file system) are
:class:`~optimizer.errors.InputError` too, naming the command-line option and the folder. An ``OSError``
while the files are written or moved (disk full) becomes an :class:`OutputWriteError`, which the command
line reports as ``cannot write PATH: reason``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError, Problem

MARKER = ".noregret-output"
"""Name of the marker file every noregret output folder holds (JSON: ``kind`` and ``version``)."""
PROTECTED_KINDS = frozenset({"sweep"})
"""Kinds of output that are not replaced without ``force`` (a sweep's results are expensive to redo)."""
LEGACY_RESULT_FILES = frozenset(
    {"portfolio.csv", "schedule.csv", "trajectory.csv", "pathway.csv", "finance.csv", "screening.csv", "summary.json"}
)
"""The files of a solve result written before folders carried the marker: such a folder is replaced too."""
_SHOWN_FILES = 3
_STAGING, _ASIDE = "noregret-new", "noregret-old"


class OutputWriteError(OSError):
    """Writing an output failed on the way (disk full, permission lost): names the path and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write {self.path}: {reason}")


# ------------------------------------------------------------------------------------------------ folders


@contextmanager
def output_folder(target: Path | str, kind: str, force: bool = False, option: str = "--out") -> Iterator[Path]:
    """Yield an empty staging folder; when the block ends without an exception, it becomes ``target``.

    The staging folder is created beside ``target`` (same parent, hidden name ``.NAME.noregret-new-...``) so
    the final move is one rename on one file system. How an existing ``target`` is treated is described in the
    module docstring; the checks run before the block, so a refusal costs no work, and again before the swap.

    Replacing an existing folder takes three steps: rename the old folder aside (``.NAME.noregret-old-...``),
    rename the staged folder in, delete the old one. What an interruption leaves:

    * an exception inside the block, or ``KeyboardInterrupt``/``SystemExit`` at any step: the staging folder
      is removed and ``target`` holds the old output (before the second rename) or the new one (after it);
    * a hard kill (SIGKILL, power cut) while the files are staged: the old output untouched, plus a hidden
      staging folder; between the first two renames: no ``target``, the old output in the hidden aside
      folder; after the second rename: the new output, plus the hidden aside folder. The next write into
      the same target puts a stranded old output back in place first and deletes such leftovers of
      processes that are no longer running.
    """
    shown = Path(target)
    real = _real_path(shown, option)
    _recover_leftovers(real)
    check_target(shown, force=force, option=option, kind=kind)
    staging = _make_staging(real, shown, option)
    try:
        yield staging
        write_marker(staging, kind)
        _sync_tree(staging)
        check_target(shown, force=force, option=option, kind=kind)  # nothing written into it meanwhile
        _swap_in(staging, real)
    except OSError as err:
        if isinstance(err, OutputWriteError):
            raise
        raise OutputWriteError(err.filename or shown, err.strerror or str(err)) from err
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def check_target(target: Path | str, force: bool = False, option: str = "--out", kind: str | None = None) -> None:
    """Raise an :class:`InputError` unless ``target`` may receive an output folder of ``kind`` (see the module
    docstring): a previous output of another kind (a solve result where a report is to go) is not replaced
    without ``force`` either.

    Callers with expensive work ahead (a solve) call it first, so a refused folder costs nothing."""
    target = Path(target)
    if target.is_file():
        raise out_problem(target, option, "<a file>", "a folder (this is a file)")
    _refuse_inputs(target.resolve(), target, option)
    if not target.is_dir() or force:
        return
    marker = read_marker(target)
    if marker is not None:
        if marker.get("kind") in PROTECTED_KINDS:
            raise out_problem(
                target,
                option,
                f"<a noregret {marker.get('kind')}>",
                f"a new folder, an empty one or a previous noregret output; this holds a noregret "
                f"{marker.get('kind')}, not replaced without --force: pass --force to replace it, "
                "or choose another folder",
            )
        if kind is not None and marker.get("kind") not in (None, kind):
            raise _other_kind(target, option, str(marker.get("kind")), kind)
        return
    try:
        entries = sorted(p.name for p in target.iterdir())
    except OSError as err:
        raise _place_error(target, option, err) from None
    if not entries:
        return
    if set(entries) <= LEGACY_RESULT_FILES and "summary.json" in entries:
        if kind not in (None, "result"):
            raise _other_kind(target, option, "result", kind)
        return
    few = ", ".join(entries[:_SHOWN_FILES]) + (
        f" and {len(entries) - _SHOWN_FILES} more" if len(entries) > _SHOWN_FILES else ""
    )
    raise out_problem(
        target,
        option,
        "<a folder of other files>",
        f"a new folder, an empty one or a previous noregret output; this holds files noregret did "
        f"not write ({few}): pass --force to replace it and everything in it, or choose another "
        "folder",
    )


def _other_kind(target: Path, option: str, held: str, kind: str) -> InputError:
    return out_problem(
        target,
        option,
        f"<a noregret {held}>",
        f"a folder for the {kind}: this holds a noregret {held}, which the {kind} would replace; "
        "choose another folder, or pass --force to replace it",
    )


def out_problem(folder: Path | str, option: str, value: str, expected: str) -> InputError:
    """An :class:`InputError` about an output place: names the folder (in full) and the option."""
    return InputError([Problem(str(folder), option, value, expected)])


def write_marker(folder: Path, kind: str) -> None:
    """Write the ``.noregret-output`` marker (kind and version) into ``folder``."""
    from . import __version__

    atomic_write_text(Path(folder) / MARKER, json.dumps({"kind": kind, "version": __version__}) + "\n")


def read_marker(folder: Path) -> dict | None:
    """The marker of a noregret output folder, or None when ``folder`` has none (or an unreadable one)."""
    try:
        marker = json.loads((Path(folder) / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and "kind" in marker else None


def ensure_folder(folder: Path | str, option: str = "--out") -> Path:
    """Create a shared parent folder (a batch's ``outputs/``, which may hold anything else too).

    Raises an :class:`InputError` naming ``option`` when ``folder`` is a file or cannot be created."""
    folder = Path(folder)
    if folder.is_file():
        raise out_problem(folder, option, "<a file>", "a folder (this is a file)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _place_error(folder, option, err) from None
    return folder


def _real_path(target: Path, option: str) -> Path:
    """The absolute target with symbolic links resolved: a link to a folder gets that folder replaced.

    The current folder and the folders holding it are refused: replacing them would pull the ground from
    under the running process (and the user's shell)."""
    real = target.resolve()
    _refuse_inputs(real, target, option)
    if real == Path.cwd() or real in Path.cwd().parents:
        raise out_problem(
            target,
            option,
            "<the current folder or one holding it>",
            "a folder other than the current one and those holding it",
        )
    return real


def _make_staging(real: Path, shown: Path, option: str) -> Path:
    """A new hidden folder beside the target, with the permissions any new folder gets (the umask applies;
    ``tempfile.mkdtemp`` would make it private to its owner, and the renamed output with it)."""
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            staging = real.parent / f".{real.name}.{_STAGING}-{os.getpid()}-{secrets.token_hex(4)}"
            try:
                staging.mkdir(mode=0o777)
                return staging
            except FileExistsError:
                continue
        raise FileExistsError(f"no free staging name beside {real}")
    except OSError as err:
        raise _place_error(shown, option, err) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def protect_inputs(*paths: Path | str) -> None:
    """Register files and folders this process reads (case files, libraries, manifests, sweep specs): an
    output folder that is one of them or holds one is refused, even with ``--force``."""
    for path in paths:
        try:
            _PROTECTED.add(Path(path).resolve())
        except (OSError, RuntimeError, ValueError):
            continue


_PROTECTED: set[Path] = set()


def _refuse_inputs(real: Path, shown: Path, option: str) -> None:
    for inp in _PROTECTED:
        if inp == real or real in inp.parents:
            raise out_problem(
                shown,
                option,
                "<holds an input>",
                f"a folder that neither is nor holds one of this run's inputs ({inp}); choose another",
            )


def _place_error(folder: Path, option: str, err: OSError) -> InputError:
    where = f" ({err.filename})" if err.filename and str(err.filename) != str(folder) else ""
    return out_problem(
        folder,
        option,
        "<cannot create or write>",
        f"a folder noregret can create and write; the system says: {err.strerror or err}{where}",
    )


def _swap_in(staging: Path, target: Path) -> None:
    """Move the staged folder to ``target``; an existing ``target`` goes aside first and is deleted after."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    aside = target.with_name(f".{target.name}.{_ASIDE}-{os.getpid()}-{secrets.token_hex(4)}")
    os.rename(target, aside)
    swapped = False
    try:
        os.rename(staging, target)
        swapped = True
    finally:
        if swapped:
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(aside, target)


def _sync_tree(folder: Path) -> None:
    """Flush every staged file to disk, so the renamed folder never holds empty files after a power cut."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _recover_leftovers(target: Path) -> None:
    """Tidy after a process that was killed while writing ``target``: put its old output back when the
    target is missing, and delete its staging and aside folders. Folders of running processes are left."""
    if not target.parent.is_dir():
        return
    try:
        for kind in (_ASIDE, _STAGING):
            for path in sorted(target.parent.glob(f".{target.name}.{kind}-*")):
                if not path.is_dir() or _alive(_pid_of(path)):
                    continue
                if kind == _ASIDE and not os.path.lexists(target):
                    os.rename(path, target)
                else:
                    shutil.rmtree(path, ignore_errors=True)
    except OSError:  # best effort: a folder we cannot tidy is reported by the write that follows, if at all
        pass


def _pid_of(path: Path) -> int | None:
    try:
        return int(path.name.rsplit("-", 2)[-2])
    except (ValueError, IndexError):
        return None


def _alive(pid: int | None) -> bool:
    """Whether process ``pid`` runs (unknown pids and other platforms count as running: nothing is deleted)."""
    if pid is None or os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# ------------------------------------------------------------------------------------------------- files


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` all-or-nothing: a hidden temporary file in the same folder, flushed to disk,
    then renamed over ``path``. A kill leaves the old file (or none), never a partial one; the temporary file
    is removed on any exception. An ``OSError`` becomes an :class:`OutputWriteError` naming ``path``."""
    path = Path(path)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        os.fchmod(fd, 0o666 & ~_umask())  # as any new file, not private to its owner as mkstemp makes it
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as err:
        raise OutputWriteError(path, err.strerror or str(err)) from err
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return path


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """:func:`atomic_write_bytes` for text."""
    return atomic_write_bytes(path, text.encode(encoding))
