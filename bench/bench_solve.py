"""Where the time goes in one solve, for each bundled case and a national-size synthetic case.

Stages: load (YAML + validation + checks), prepare (screening, coefficients), build (Pyomo model),
solve (APPSI HiGHS call: loading the model into HiGHS plus HiGHS's own run), extract (tables). HiGHS's own
time is ``Highs.getRunTime()``. Reported as medians over repeats, and as ratios measured in the same run:
end-to-end / HiGHS. Target: end-to-end <= 2 x HiGHS + 0.5 s on a national case.

Usage: python bench/bench_solve.py [--repeats 5] [--cases cases/*.yaml]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimizer.loading import load_case  # noqa: E402
from optimizer.model import build_model  # noqa: E402
from optimizer.prepare import prepare  # noqa: E402
from optimizer.pyomo_backend import run_highs  # noqa: E402
from optimizer.results import extract_result  # noqa: E402
from optimizer.synthetic import national_case  # noqa: E402


def measure(load) -> dict:
    t0 = time.perf_counter()
    loaded = load()
    t1 = time.perf_counter()
    data = prepare(loaded)
    t2 = time.perf_counter()
    m = build_model(data)
    t3 = time.perf_counter()
    outcome = run_highs(m, data)
    t4 = time.perf_counter()
    result = extract_result(m, data, outcome)
    t5 = time.perf_counter()
    return {
        "load": t1 - t0,
        "prepare": t2 - t1,
        "build": t3 - t2,
        "solve": t4 - t3,
        "highs": outcome.highs_seconds,
        "extract": t5 - t4,
        "end_to_end": t5 - t0,
        "rows": m.nconstraints(),
        "cols": m.nvariables(),
        "binaries": len(m.start_index_set),
        "interventions": len(data.candidates),
        "status": outcome.status,
        "gap": outcome.mip_gap,
        "selected": len(result.portfolio),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--cases",
        nargs="*",
        type=Path,
        default=sorted(p for p in (ROOT / "cases").rglob("*.yaml") if p.name != "manifest.yaml"),
    )
    args = parser.parse_args()
    runs = {f"{p.stem} (file)": (lambda p=p: load_case(p)) for p in args.cases}
    runs["national synthetic, 40 x 5"] = lambda: national_case(40, seed=0)
    runs["large synthetic, 200 x 5"] = lambda: national_case(200, seed=1)
    header = (
        "| case | interventions | cols / binaries / rows | load s | prepare s | build s | solve s | HiGHS s "
        "| extract s | end-to-end s | end-to-end / HiGHS | within 2x HiGHS + 0.5 s |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for name, load in runs.items():
        measure(load)  # warm-up: imports, first-call caches
        samples = [measure(load) for _ in range(args.repeats)]
        med = {
            k: statistics.median(s[k] for s in samples)
            for k in ("load", "prepare", "build", "solve", "highs", "extract", "end_to_end")
        }
        first = samples[0]
        ratio = med["end_to_end"] / med["highs"] if med["highs"] > 0 else float("inf")
        ok = med["end_to_end"] <= 2 * med["highs"] + 0.5
        print(
            f"| {name} | {first['interventions']} | {first['cols']} / {first['binaries']} / {first['rows']} "
            f"| {med['load']:.4f} | {med['prepare']:.4f} | {med['build']:.4f} | {med['solve']:.4f} "
            f"| {med['highs']:.4f} | {med['extract']:.4f} | {med['end_to_end']:.4f} | {ratio:.2f} "
            f"| {'yes' if ok else 'NO'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
