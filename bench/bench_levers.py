"""HiGHS settings measured one lever at a time on every bundled country case, with the plans they give.

Each lever is a set of HiGHS options laid over ``optimizer.driver.HIGHS_OPTIONS`` for both backends; the
baseline is HiGHS's own defaults for those options (what noregret used before adopting a lever). For
every case and lever: HiGHS's own time (median of ``--repeats``, the levers interleaved so that all see the
same machine load), whether every table of the result is byte-identical to the baseline's, and whether the
plan is the same (:func:`same_plan`: the same interventions, start years and units to 6 decimals; objective
and NPV within 1e-9 relative; total shortfall within 1e-6 t). A lever is worth adopting only where every
plan is the same.

Usage: python bench/bench_levers.py [--repeats 3] [--out bench/results/levers.csv]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimizer import driver  # noqa: E402
from optimizer.batch import load_manifest  # noqa: E402
from optimizer.pyomo_backend import solve  # noqa: E402

HIGHS_DEFAULTS = {"mip_heuristic_run_rins": True, "mip_heuristic_run_rens": True, "mip_allow_restart": True}
"""HiGHS's own defaults for the levers measured here (the baseline every lever is compared with)."""

LEVERS: dict[str, dict] = {
    "baseline": HIGHS_DEFAULTS,
    "no RINS/RENS": HIGHS_DEFAULTS | {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False},
    "no restarts": HIGHS_DEFAULTS | {"mip_allow_restart": False},
    "no RINS/RENS, no restarts": {
        "mip_heuristic_run_rins": False,
        "mip_heuristic_run_rens": False,
        "mip_allow_restart": False,
    },
}


def tables_of(result) -> tuple:
    return tuple(getattr(result, name).to_csv(index=False) for name in result.TABLES)


def same_plan(a, b) -> bool:
    """The same decisions and the same money and tonnes, up to floating-point noise."""
    cols = ["intervention", "start_year", "units"]
    pa, pb = (r.portfolio[cols].sort_values("intervention").reset_index(drop=True) for r in (a, b))
    pa["units"], pb["units"] = pa["units"].round(6), pb["units"].round(6)
    sa, sb = a.summary, b.summary

    def close(x: float, y: float) -> bool:
        return abs(x - y) <= 1e-9 * max(1.0, abs(x))

    return (
        pa.equals(pb)
        and sa["status"] == sb["status"]
        and close(sa["objective_value"], sb["objective_value"])
        and close(sa["npv_usd"], sb["npv_usd"])
        and abs(sa["total_shortfall_tco2e"] - sb["total_shortfall_tco2e"]) <= 1e-6
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--manifest", type=Path, default=ROOT / "cases" / "manifest.yaml")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "levers.csv")
    args = parser.parse_args()
    _, cases = load_manifest(args.manifest)
    base_options = dict(driver.HIGHS_OPTIONS)
    rows = []
    for loaded in cases:
        times: dict[str, list[float]] = {name: [] for name in LEVERS}
        results: dict = {}
        for _ in range(args.repeats):
            for name, options in LEVERS.items():
                driver.HIGHS_OPTIONS.clear()
                driver.HIGHS_OPTIONS.update(base_options | options)
                result = solve(loaded)
                times[name].append(result.timings["highs_seconds"])
                results.setdefault(name, result)
        driver.HIGHS_OPTIONS.clear()
        driver.HIGHS_OPTIONS.update(base_options)
        for name in LEVERS:
            rows.append(
                {
                    "case": loaded.path.stem,
                    "lever": name,
                    "highs_s": statistics.median(times[name]),
                    "identical_tables": tables_of(results[name]) == tables_of(results["baseline"]),
                    "same_plan": same_plan(results[name], results["baseline"]),
                }
            )
        print(f"  {loaded.path.stem}", file=sys.stderr)
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.4g")
    print(table.pivot(index="case", columns="lever", values="highs_s")[list(LEVERS)].round(3).to_string())
    totals = table.groupby("lever").agg(
        highs_s=("highs_s", "sum"), same_plans=("same_plan", "sum"), identical_tables=("identical_tables", "sum")
    )
    totals["ratio_to_baseline"] = totals["highs_s"] / totals.loc["baseline", "highs_s"]
    print(f"\nAll {len(cases)} cases:")
    print(totals.loc[list(LEVERS)].round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
