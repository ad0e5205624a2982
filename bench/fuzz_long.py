"""Long fuzz run of ``noregret validate``: N mutations of the shipped cases, library and mini fixtures (the
generators of ``tests/fuzz``), in worker processes, each example bounded in time and memory.

    python bench/fuzz_long.py                 # 20,000 mutations, seed 0, 2 workers
    python bench/fuzz_long.py --n 3000 --seed 7 --json fuzz.json

Example ``k`` is drawn from ``random.Random(f"{seed}:{k}")``, so any single example can be replayed
(``--replay k``). A worker runs examples in-process with a wall-clock alarm and an address-space cap; the
parent also kills a worker that does not answer within ``--timeout`` seconds (a hang in C code) and counts
the example as a hang, then starts a fresh worker.

Prints, per mutation class: clean errors (exit 2 as expected), rightly accepted (exit 0 where allowed) and
failures by kind (traceback, hang, memory, crash, exit 0 on invalid input, exit 2 on valid input, message
missing the file or the field, other exit code); then one example of each failure kind and the distinct
failures (deduplicated) with their counts.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import multiprocessing as mp
import os
import random
import sys
import time
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.mutations import make_example  # noqa: E402
from tests.fuzz.runner import FAILURE_KINDS, OK_VERDICTS, run_validate  # noqa: E402

KINDS = (*OK_VERDICTS, *FAILURE_KINDS, "crash")


def example_for(seed: int, k: int):
    return make_example(random.Random(f"{seed}:{k}"))


def _worker(conn, seed: int, time_limit: float, memory_mb: int) -> None:
    import optimizer.cli  # noqa: F401 - import once, before the first timed example

    while True:
        k = conn.recv()
        if k is None:
            return
        ex = example_for(seed, k)
        out = run_validate(ex, time_limit=time_limit, memory_mb=memory_mb)
        conn.send(_record(k, ex, out.verdict, out.code, out.seconds, out.detail, out.where))


def _record(k, ex, verdict, code, seconds, detail, where) -> dict:
    return {
        "k": k,
        "mutation": ex.mutation,
        "detail": ex.detail,
        "file": ex.file,
        "where": ex.where,
        "key": ex.key,
        "expect": ex.expect,
        "description": ex.description,
        "verdict": verdict,
        "code": code,
        "seconds": round(seconds, 4),
        "message": detail,
        "frame": where,
    }


class Pool:
    def __init__(self, workers: int, seed: int, time_limit: float, memory_mb: int):
        self.ctx = mp.get_context("fork")
        self.args = (seed, time_limit, memory_mb)
        self.slots = [self._start() for _ in range(workers)]

    def _start(self) -> dict:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, *self.args), daemon=True)
        proc.start()
        child.close()
        return {"proc": proc, "conn": parent, "task": None, "since": 0.0}

    def restart(self, slot: dict) -> None:
        slot["proc"].kill()
        slot["proc"].join()
        slot["conn"].close()
        slot.update(self._start())

    def close(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(OSError):
                slot["conn"].send(None)
            slot["proc"].join(timeout=5)
            if slot["proc"].is_alive():
                slot["proc"].kill()


def run(
    n: int, seed: int, workers: int, timeout: float, time_limit: float, memory_mb: int, progress: bool = True
) -> list[dict]:
    pool = Pool(workers, seed, time_limit, memory_mb)
    todo = iter(range(n))
    records: list[dict] = []
    started = time.perf_counter()
    pending = True
    try:
        while pending or any(s["task"] is not None for s in pool.slots):
            for slot in pool.slots:
                if slot["task"] is None and pending:
                    k = next(todo, None)
                    if k is None:
                        pending = False
                        continue
                    slot["conn"].send(k)
                    slot["task"], slot["since"] = k, time.perf_counter()
            busy = {s["conn"]: s for s in pool.slots if s["task"] is not None}
            for conn in wait(list(busy), timeout=0.5):
                slot = busy[conn]
                try:
                    records.append(conn.recv())
                except (EOFError, OSError):  # the worker died (killed by the kernel, a crash in C code)
                    k = slot["task"]
                    code = slot["proc"].exitcode
                    records.append(
                        _record(
                            k,
                            example_for(seed, k),
                            "crash",
                            code,
                            time.perf_counter() - slot["since"],
                            f"worker process died (exit code {code})",
                            "",
                        )
                    )
                    slot["task"] = None
                    pool.restart(slot)
                    continue
                slot["task"] = None
            now = time.perf_counter()
            for slot in pool.slots:
                if slot["task"] is not None and now - slot["since"] > timeout:
                    k = slot["task"]
                    records.append(
                        _record(
                            k,
                            example_for(seed, k),
                            "hang",
                            None,
                            now - slot["since"],
                            f"no answer within {timeout} s (worker killed)",
                            "",
                        )
                    )
                    slot["task"] = None
                    pool.restart(slot)
            if progress and records and len(records) % 500 == 0:
                print(f"  {len(records)}/{n} in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    finally:
        pool.close()
    return sorted(records, key=lambda r: r["k"])


def signature(r: dict) -> tuple:
    """What makes two failures the same finding."""
    role = "library" if "library" in r["file"] else "case"
    if r["verdict"] in ("traceback", "memory", "hang", "crash"):
        exc = r["message"].split(":", 1)[0] if r["verdict"] == "traceback" else ""
        return r["verdict"], r["mutation"], r["detail"], exc, r["frame"]
    return r["verdict"], r["mutation"], r["detail"], role, r["key"]


def report(records: list[dict], seconds: float, out=sys.stdout) -> None:
    by_class: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in records:
        by_class[r["mutation"]][r["verdict"]] += 1
    fail_kinds = [k for k in KINDS if k not in OK_VERDICTS]
    head = f"{'mutation class':<18}{'n':>6}{'clean_err':>10}{'accepted':>9}{'FAILED':>8}  failures by kind"
    print(head, file=out)
    print("-" * len(head), file=out)
    total = collections.Counter()
    for name in sorted(by_class):
        c = by_class[name]
        total.update(c)
        failed = sum(c[k] for k in fail_kinds)
        kinds = ", ".join(f"{k} {c[k]}" for k in fail_kinds if c[k])
        print(f"{name:<18}{sum(c.values()):>6}{c['clean_error']:>10}{c['accepted']:>9}{failed:>8}  {kinds}", file=out)
    failed = sum(total[k] for k in fail_kinds)
    print("-" * len(head), file=out)
    kinds = ", ".join(f"{k} {total[k]}" for k in fail_kinds if total[k])
    print(
        f"{'all':<18}{sum(total.values()):>6}{total['clean_error']:>10}{total['accepted']:>9}{failed:>8}  {kinds}",
        file=out,
    )
    print(
        f"\n{len(records)} examples in {seconds:.0f} s "
        f"({sum(r['seconds'] for r in records) / max(len(records), 1) * 1000:.0f} ms per example in the worker)",
        file=out,
    )

    failures = [r for r in records if r["verdict"] not in OK_VERDICTS]
    if not failures:
        print("\nNo failures.", file=out)
        return
    print("\nOne example of each failure kind:", file=out)
    for kind in fail_kinds:
        first = next((r for r in failures if r["verdict"] == kind), None)
        if first:
            print(f"\n[{kind}] #{first['k']} {first['description']}\n    {first['message'][:600]}", file=out)
    groups: dict[tuple, list[dict]] = collections.defaultdict(list)
    for r in failures:
        groups[signature(r)].append(r)
    print(f"\nDistinct failures ({len(groups)}), most frequent first:", file=out)
    for sig, rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        r = rs[0]
        print(
            f"\n{len(rs):>5} x {' / '.join(str(s) for s in sig if s)}\n        e.g. #{r['k']} {r['description']}"
            f"\n        {r['message'][:300]}",
            file=out,
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=20_000, help="number of mutations (default 20,000)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--time-limit", type=float, default=10.0, help="in-worker alarm per example, s (default 10)")
    p.add_argument("--timeout", type=float, default=30.0, help="worker killed after this many s (default 30)")
    p.add_argument("--memory-mb", type=int, default=1536, help="address space allowed per example (default 1536)")
    p.add_argument("--json", type=Path, help="write every record here")
    p.add_argument("--replay", type=int, help="run example K of --seed in this process and print it")
    args = p.parse_args(argv)
    if args.replay is not None:
        ex = example_for(args.seed, args.replay)
        out = run_validate(ex, time_limit=args.time_limit, memory_mb=args.memory_mb)
        print(f"{ex.description}\n-> {out.verdict} (exit {out.code}, {out.seconds:.2f} s)\n{out.detail}")
        return 0 if out.ok else 1
    start = time.perf_counter()
    records = run(args.n, args.seed, args.workers, args.timeout, args.time_limit, args.memory_mb)
    seconds = time.perf_counter() - start
    report(records, seconds)
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))
    return 0 if all(r["verdict"] in OK_VERDICTS for r in records) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
