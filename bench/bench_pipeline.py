"""Pipelines at scale: load, build and solve generated pipelines of a country case, against HiGHS's own time
and against a direct highspy build of the same matrix.

For each size, in a fresh process (so that peak memory is that size's own): a pipeline is generated from the
case's facility stock (:func:`optimizer.pipeline.generate.generate_pipeline`) and written as CSV with a case
that lists it; then, timed in that process:

- *load*: ``load_case`` (the case, the library, the pipeline file read and checked);
- *prepare* and *build*: project coefficients and the row model with its standard form;
- *solve*: the driver's stages on one HiGHS model (``highs`` is HiGHS's own time within it);
- *extract*: the result tables and the ranked pipeline;
- *direct*: the same standard form passed to a fresh ``highspy.Highs`` with the same options, one run, its
  own time (what a hand-written highspy model would cost to solve: the floor for the first stage).

Ratios are what to compare (the machine is shared): (load + prepare + build) / highs, and end-to-end /
direct. ``--gap`` sets ``solver.mip_rel_gap`` (default 0.001, the 0.1 % the pipeline targets are stated at).

Usage: python bench/bench_pipeline.py [--case georgia] [--sizes 2000 20000] [--gap 0.001] [--seed 1]
       [--out bench/results/pipeline.csv]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(case_file: Path, gap: float) -> dict:
    """One pipeline case, timed step by step in this process."""
    import dataclasses

    from optimizer.driver import run_stages
    from optimizer.loading import load_case
    from optimizer.persistent import InPlaceBackend, PersistentHighs, scenario_form
    from optimizer.prepare import prepare
    from optimizer.results import extract_result

    t0 = time.perf_counter()
    loaded = load_case(case_file)
    solver_options = loaded.case.solver.model_copy(update={"mip_rel_gap": gap})
    loaded = dataclasses.replace(loaded, case=loaded.case.model_copy(update={"solver": solver_options}))
    t1 = time.perf_counter()
    data = prepare(loaded)
    t2 = time.perf_counter()
    rm, form = scenario_form(data)
    t3 = time.perf_counter()
    outcome = run_stages(InPlaceBackend(PersistentHighs(), rm, form, data), data)
    t4 = time.perf_counter()
    result = extract_result(rm, data, outcome)
    t5 = time.perf_counter()

    direct_solver = PersistentHighs()  # the form handed to highspy whole, one run with the same options
    direct_solver.load(form)
    direct_solver.run(solver_options.model_copy(update={"mip_rel_gap": gap}))
    h = direct_solver.highs
    direct = h.getRunTime()
    projects = result.summary["projects"] or {}
    return {
        "projects": projects.get("candidates", 0),
        "usable": projects.get("usable", 0),
        "chosen": projects.get("selected", 0),
        "columns": len(form.col_names),
        "rows": len(form.row_names),
        "nonzeros": len(form.a_value),
        "status": outcome.status,
        "mip_gap": outcome.mip_gap,
        "load_s": t1 - t0,
        "prepare_s": t2 - t1,
        "build_s": t3 - t2,
        "solve_s": t4 - t3,
        "highs_s": outcome.highs_seconds,
        "extract_s": t5 - t4,
        "end_to_end_s": t5 - t0,
        "direct_highs_s": direct,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="georgia")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--gap", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "pipeline.csv")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process's own run
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.gap)))
        return 0

    import pandas as pd

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            pipeline = Path(tmp) / f"{args.case}_{n}.csv"
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "make_pipeline.py"), args.case, str(n), str(pipeline)]
                + ["--seed", str(args.seed)],
                check=True,
                capture_output=True,
            )
            case_file = pipeline.with_name(f"{pipeline.stem}_case.yaml")
            print(f"{n:,} projects ...", file=sys.stderr, flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--measure", str(case_file), "--gap", str(args.gap)],
                check=True,
                capture_output=True,
                text=True,
            )
            rows.append({"case": args.case, **json.loads(proc.stdout.strip().splitlines()[-1])})
    table = pd.DataFrame(rows)
    table["load_build_over_highs"] = (table["load_s"] + table["prepare_s"] + table["build_s"]) / table["highs_s"]
    table["end_to_end_over_direct"] = table["end_to_end_s"] / table["direct_highs_s"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.4g")
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table.round(3).to_string(index=False))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
