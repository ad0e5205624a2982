"""Run one mutation through ``noregret validate`` in-process and judge the outcome.

The run is bounded: a wall-clock alarm (``time_limit`` seconds, raised in the main thread) and an address
space limit of the current size plus ``memory_mb``. Output is captured; any exception escaping ``main`` is a
failure, as is a hang, an exit 0 on invalid input, an exit 2 on valid input, or an error message that does not
name the mutated file and key.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import resource
import shutil
import signal
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .mutations import EITHER, INVALID, VALID, Example

OK_VERDICTS = ("clean_error", "accepted")
FAILURE_KINDS = ("traceback", "hang", "memory", "exit0_on_invalid", "exit2_on_valid", "message", "exit_code")


class FuzzTimeout(BaseException):
    """Raised by the alarm: the example ran past its time limit."""


@dataclass
class Outcome:
    verdict: str  # "clean_error" | "accepted" | one of FAILURE_KINDS
    code: int | None
    seconds: float
    detail: str  # traceback summary, or the part of the message that was judged
    where: str = ""  # innermost frame of a traceback (file:function), for grouping

    @property
    def ok(self) -> bool:
        return self.verdict in OK_VERDICTS


# ------------------------------------------------------------------------------------ workspace


def materialize(example: Example, root: Path) -> None:
    for rel, content in example.files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)
    for rel in example.dirs:
        (root / rel).mkdir(parents=True, exist_ok=True)
    for rel, target in example.symlinks.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, p)
    for rel in example.unreadable:
        os.chmod(root / rel, 0)


@contextlib.contextmanager
def denied(paths: list[Path]):
    """Make ``paths`` unreadable to this process even as root: ``open`` raises PermissionError for them."""
    if not paths:
        yield
        return
    import builtins

    blocked = {os.path.realpath(p) for p in paths}
    real_open = io.open

    def guarded_open(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(file)) in blocked:
            raise PermissionError(13, "Permission denied", os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    io.open = builtins.open = guarded_open
    try:
        yield
    finally:
        io.open = builtins.open = real_open


def _vm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def bounded(time_limit: float | None, memory_mb: int | None):
    """Alarm after ``time_limit`` seconds (main thread only); address space capped at now + ``memory_mb``."""
    old_limits = resource.getrlimit(resource.RLIMIT_AS)
    if memory_mb:
        soft = _vm_bytes() + memory_mb * 2**20
        hard = old_limits[1]
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    main = threading.current_thread() is threading.main_thread() and time_limit
    if main:

        def _ring(_signum, _frame):
            raise FuzzTimeout(f"no answer within {time_limit} s")

        old_handler = signal.signal(signal.SIGALRM, _ring)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        yield
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, old_limits)


def _frames(exc: BaseException) -> tuple[str, str]:
    tb = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in tb if "/optimizer/" in f.filename] or list(tb)
    inner = ours[-1] if ours else None
    where = f"{Path(inner.filename).name}:{inner.lineno}:{inner.name}" if inner else "?"
    last = tb[-1] if tb else None
    lastw = f"{Path(last.filename).name}:{last.lineno}:{last.name}" if last else "?"
    message = str(exc).splitlines()[0][:200] if str(exc) else ""
    return where, f"{type(exc).__name__}: {message} (raised at {lastw}; innermost noregret frame {where})"


# ------------------------------------------------------------------------------------------ judge

_PROBLEM = re.compile(r"^  - (?P<where>.*?): got (?P<rest>.*)$", re.M)


def _names(where: str, name_file: str | None, key: str | None, rest: str = "") -> bool:
    """The problem line names the file, and the key as a component of its field path (or, quoted, in what it
    says: ``is 'tpye' a misspelling of 'type'?``)."""
    if name_file is None:
        return True
    m = re.search(r"(?:^|/)" + re.escape(name_file) + r"(?::\s(?P<path>.*))?$", where)
    if not m:
        return False
    if key is None:
        return True
    path = m.group("path") or ""
    in_path = re.search(r"(?:^|[.\[\s])" + re.escape(str(key)) + r"(?=$|[.\[\]\s])", path) is not None
    return in_path or f"'{key}'" in rest


def judge(example: Example, code, out: str, err: str, seconds: float, time_limit: float) -> Outcome:
    if seconds > time_limit:
        return Outcome("hang", code, seconds, f"took {seconds:.1f} s (limit {time_limit} s)")
    if "Traceback (most recent call last)" in err:
        return Outcome("traceback", code, seconds, err[-2000:])
    if code == 0:
        if example.expect == INVALID:
            return Outcome("exit0_on_invalid", code, seconds, out.strip()[-300:])
        return Outcome("accepted", code, seconds, "")
    if code != 2:
        return Outcome("exit_code", code, seconds, f"exit {code!r}: {err.strip()[-500:]}")
    if example.expect == VALID:
        return Outcome("exit2_on_valid", code, seconds, err.strip()[:1500])
    if "Invalid input (" not in err:
        return Outcome("message", code, seconds, "no 'Invalid input' header: " + err.strip()[:800])
    lines = [(m.group("where"), m.group("rest")) for m in _PROBLEM.finditer(err)]
    if not lines:
        return Outcome("message", code, seconds, "no problem lines: " + err.strip()[:800])
    if example.expect == INVALID and not any(_names(w, example.name_file, example.key, r) for w, r in lines):
        want = f"{example.name_file}" + (f" and key '{example.key}'" if example.key else "")
        return Outcome("message", code, seconds, f"no problem line names {want}: " + err.strip()[:1500])
    return Outcome("clean_error", code, seconds, "")


def run_validate(
    example: Example, time_limit: float = 10.0, memory_mb: int | None = 1536, tmp_root: str | None = None
) -> Outcome:
    """Materialize ``example`` in a fresh temporary directory, run ``noregret validate`` there, judge."""
    from optimizer.cli import main

    root = Path(tempfile.mkdtemp(prefix="nrfuzz-", dir=tmp_root))
    try:
        materialize(example, root)
        argv = ["validate", *[str(root / a) for a in example.argv]]
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        code = None
        exc: BaseException | None = None
        try:
            with (
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
                denied([root / r for r in example.unreadable]),
                bounded(time_limit, memory_mb),
            ):
                code = main(argv)
        except FuzzTimeout as e:
            exc = e
        except (Exception, SystemExit) as e:  # anything escaping main is a finding
            exc = e
        seconds = time.perf_counter() - start
        if isinstance(exc, FuzzTimeout):
            where, text = _frames(exc)
            return Outcome("hang", None, seconds, f"no answer within {time_limit} s; was in {where}", where)
        if isinstance(exc, MemoryError):
            where, text = _frames(exc)
            return Outcome("memory", None, seconds, f"more than {memory_mb} MB: {text}", where)
        if exc is not None:
            where, text = _frames(exc)
            return Outcome("traceback", None, seconds, text, where)
        return judge(example, code, out.getvalue(), err.getvalue(), seconds, time_limit)
    finally:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                with contextlib.suppress(OSError):
                    p = os.path.join(dirpath, name)
                    if not os.path.islink(p):
                        os.chmod(p, 0o700)
        shutil.rmtree(root, ignore_errors=True)


__all__ = ["EITHER", "FAILURE_KINDS", "OK_VERDICTS", "Outcome", "judge", "materialize", "run_validate"]
