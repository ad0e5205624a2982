"""The two backends of the one solve driver, side by side on every bundled country case.

- *pyomo*: ``optimizer.pyomo_backend.solve`` (the Pyomo model, HiGHS through APPSI's persistent interface);
- *highspy*: ``optimizer.persistent.solve_in_place`` on a fresh ``PersistentHighs`` per case (the row model,
  its standard form passed to ``highspy.Highs`` whole: the cold path of a sweep's first scenario).

Both run the same driver stages, hand HiGHS the same matrix and return the same plan; what differs is the
time spent around HiGHS. For each case and backend: the median over ``--repeats`` of the build time (model
construction; for highspy also the standard form), the solve time (driver stages: loading into HiGHS plus
HiGHS's own run), HiGHS's own time, the end-to-end time from the loaded case to the Result, and the overhead
ratio end-to-end / HiGHS, all measured in one run (the machine is shared; compare ratios, not seconds).

Usage: python bench/bench_backends.py [--repeats 3] [--out bench/results/backends.csv]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimizer.batch import load_manifest  # noqa: E402
from optimizer.persistent import PersistentHighs, solve_in_place  # noqa: E402
from optimizer.pyomo_backend import solve  # noqa: E402

BACKENDS = {
    "pyomo": lambda loaded: solve(loaded),
    "highspy": lambda loaded: solve_in_place(loaded, PersistentHighs()),
}


def measure(loaded, backend: str) -> dict:
    started = time.perf_counter()
    result = BACKENDS[backend](loaded)
    total = time.perf_counter() - started
    t = result.timings
    return {
        "build_s": t["build_seconds"],
        "solve_s": t["solve_seconds"],
        "highs_s": t["highs_seconds"],
        "end_to_end_s": total,
        "objective_value": result.summary["objective_value"],
        "selected": tuple(sorted(result.summary["selected_interventions"])),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--manifest", type=Path, default=ROOT / "cases" / "manifest.yaml")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "backends.csv")
    args = parser.parse_args()
    _, cases = load_manifest(args.manifest)
    rows = []
    for loaded in cases:
        runs: dict[str, list[dict]] = {name: [] for name in BACKENDS}
        for _ in range(args.repeats):
            for name in BACKENDS:  # interleaved, so both see the same machine load
                runs[name].append(measure(loaded, name))
        for name, got in runs.items():
            row = {"case": loaded.path.stem, "backend": name}
            for key in ("build_s", "solve_s", "highs_s", "end_to_end_s"):
                row[key] = statistics.median(r[key] for r in got)
            row["overhead_ratio"] = row["end_to_end_s"] / row["highs_s"]
            row["objective_value"] = got[0]["objective_value"]
            row["same_plan_as_pyomo"] = got[0]["selected"] == runs["pyomo"][0]["selected"]
            rows.append(row)
        print(f"  {loaded.path.stem}", file=sys.stderr)
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.4g")
    wide = table.pivot(index="case", columns="backend", values=["build_s", "highs_s", "end_to_end_s"])
    totals = table.groupby("backend")[["build_s", "solve_s", "highs_s", "end_to_end_s"]].sum()
    totals["overhead_s"] = totals["end_to_end_s"] - totals["highs_s"]
    print(wide.round(3).to_string())
    print("\nAll cases (sums of medians):")
    print(totals.round(3).to_string())
    print(f"\nSame plans on every case: {bool(table['same_plan_as_pyomo'].all())}; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
