"""Progress of long runs on the console: what is being done, how far along (k of n) and the time left.

Library code never prints: a long loop takes an optional ``progress`` callback (:class:`ProgressFn`) and calls
it as ``progress(what, done, total)`` once before the first item (``done`` = what is already done) and after
each item. The command line passes a :class:`Reporter`, which draws one line on standard error, rewritten in
place, and only when standard error is a terminal: redirected to a file or a pipe (a log, CI, a test) nothing
is drawn, since a log would fill with carriage returns and half lines, and the command's own output on
standard output says what was done. ``--quiet`` turns it off on a terminal too. Warnings and errors are not
progress: they are printed as before.

Plain carriage-return lines, not a progress library: one line is all that is drawn, and a dependency (rich,
tqdm) would bring more than it gives here.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import Protocol, TextIO

MIN_INTERVAL = 0.1
"""Seconds between two redraws (a sweep of small scenarios reports hundreds of times a second)."""


class ProgressFn(Protocol):
    """``progress(what, done, total, note)``: ``done`` of ``total`` items of ``what`` are finished (``total``
    None: not known in advance); ``note`` is shown after the count (e.g. failures so far)."""

    def __call__(self, what: str, done: int, total: int | None = None, note: str = "") -> None: ...


def silent(what: str, done: int, total: int | None = None, note: str = "") -> None:
    """A :class:`ProgressFn` that shows nothing (the default of library functions)."""


def prefixed(progress: ProgressFn | None, prefix: str) -> ProgressFn:
    """``progress`` with ``prefix`` before every ``what`` (a step of a larger run: a case of a manifest)."""
    report = progress or silent

    def inner(what: str, done: int, total: int | None = None, note: str = "") -> None:
        report(f"{prefix}{what}", done, total, note)

    return inner


def duration(seconds: float) -> str:
    """``<1 s``, ``42 s``, ``3 min 10 s``, ``1 h 05 min``."""
    s = round(seconds)
    if s < 1:
        return "<1 s"
    if s < 90:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class Reporter:
    """A :class:`ProgressFn` drawing one line on ``stream`` (standard error) when it is a terminal and
    ``quiet`` is off; otherwise it does nothing. The time left is the rate since the task's first report;
    a task is one ``what``. Use as a context manager (or call :meth:`clear`) so that the line is gone before
    the command prints its results."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.live = not quiet and _is_terminal(self.stream)
        self._task: str | None = None
        self._start = (0.0, 0)  # when the task was first reported, and how much was done then
        self._drawn = 0  # characters on the line now
        self._last = 0.0

    def __call__(self, what: str, done: int, total: int | None = None, note: str = "") -> None:
        if not self.live:
            return
        now = time.monotonic()
        if what != self._task:
            self._task, self._start = what, (now, done)
        elif now - self._last < MIN_INTERVAL and done != total:
            return
        self._last = now
        self._draw(self._line(what, done, total, note, now))

    def _line(self, what: str, done: int, total: int | None, note: str, now: float) -> str:
        began, done_then = self._start
        elapsed = now - began
        parts = [what]
        if total is None:
            parts.append(f"{done:,}" if done else "")
        else:
            parts.append(f"{done:,} of {total:,}")
            if done >= total:
                parts.append("done")
            elif done > done_then and elapsed > 0:
                parts.append(f"about {duration(elapsed / (done - done_then) * (total - done))} left")
            elif elapsed >= 1:
                parts.append(f"{duration(elapsed)} so far")
        if note:
            parts.append(note)
        return ", ".join(p for p in parts if p)

    def _draw(self, text: str) -> None:
        width = _columns(self.stream) - 1  # a line that wraps could not be rewritten in place
        if len(text) > width:
            text = text[: max(0, width - 3)] + "..."
        pad = max(0, self._drawn - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._drawn = len(text)

    def clear(self) -> None:
        """Remove the line (before the command prints to the same terminal)."""
        if self.live and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
        self._drawn, self._task = 0, None

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc) -> None:
        self.clear()


def _columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` writes to (a terminal that does not say: COLUMNS, or 80)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):  # not a real file
        columns = 0
    return columns if columns > 0 else shutil.get_terminal_size((80, 24)).columns


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False
