"""Sweep throughput: scenarios per second, rebuilding each scenario's model against changing one HiGHS model in
place, against the floor of re-solving the same matrices with highspy alone; and scaling with workers.

One Monte Carlo sweep per case (every source price and every ranged capex of a kept candidate drawn from the
data's low/high ranges; energy prices correlated), the same scenarios for every method, measured in one run:

- *rebuild*: ``optimizer.pyomo_backend.solve`` per scenario (prepare, Pyomo model, APPSI load, HiGHS, the
  figures a sweep records) - what ``noregret sweep --rebuild`` does;
- *in place*: ``optimizer.persistent.solve_in_place`` on one ``PersistentHighs`` (prepare, rows, push the
  changed numbers, HiGHS, the figures a sweep records: ``optimizer.results.extract_scenario``) - what
  ``noregret sweep`` does in each worker; *in place, full Result* reads every table of a ``Result`` instead
  (what ``noregret solve`` reads);
- *direct highspy*: the scenarios' standard forms computed beforehand (untimed); the timed loop only pushes
  each scenario's changed numbers into one ``highspy.Highs`` and runs the same stages (a money-only second
  stage when the first leaves a shortfall). This is the ceiling an in-place re-solve can reach;
- *HiGHS's time equal*: the throughput ratio had every loop spent the direct loop's HiGHS time. HiGHS is given
  the same models and the same second-stage start (stage 1's plan) in every loop but the one that leaves the
  second stage unstarted (in place and direct: the same nodes and simplex
  iterations, scenario by scenario), so its time differs between loops by the machine's noise alone, which on
  a shared machine can exceed the whole time around HiGHS; this ratio measures what noregret does around it;
- *sweep, N workers*: ``noregret sweep`` end to end (``run_sweep``: scenario set-up, worker processes,
  Parquet output) with 1 and with N workers, in place and rebuilt.

Usage: python bench/bench_sweep.py [--cases cases/georgia.yaml ...] [--scenarios 24] [--sweep-scenarios 32]
                                  [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimizer.driver import HIGHS_OPTIONS  # noqa: E402
from optimizer.errors import InputError  # noqa: E402
from optimizer.loading import load_case  # noqa: E402
from optimizer.model.expressions import abatement_terms  # noqa: E402
from optimizer.model.limits import required_abatement  # noqa: E402
from optimizer.model.objective import shortfall_cap, stage_row_scale  # noqa: E402
from optimizer.persistent import PersistentHighs, cost_vector, scenario_form, solve_in_place  # noqa: E402
from optimizer.prepare import prepare  # noqa: E402
from optimizer.pyomo_backend import solve  # noqa: E402
from optimizer.results import Result, extract_scenario  # noqa: E402
from optimizer.sweep.paths import apply_settings, value_at  # noqa: E402
from optimizer.sweep.run import run_sweep  # noqa: E402
from optimizer.sweep.spec import load_sweep_spec, scenarios  # noqa: E402


def ranged(loaded, path: str) -> bool:
    try:
        q = value_at(loaded, path)
    except InputError:
        return False
    return q["low"] is not None and q["high"] is not None and q["high"] > q["low"]


def monte_carlo_spec(case_path: Path, samples: int, seed: int) -> dict:
    """Every ranged source price (correlated) and every ranged capex of a kept candidate."""
    loaded = load_case(case_path)
    prices = [p for p in (f"sources.{s.id}.price_usd_per_unit" for s in loaded.case.sources) if ranged(loaded, p)]
    kept = prepare(loaded).candidates
    capex = [p for p in (f"interventions.{i}.capex_usd_per_unit" for i in kept) if ranged(loaded, p)]
    spec = {
        "case": str(case_path.resolve()),
        "monte_carlo": {"samples": samples, "seed": seed, "distribution": "triangular", "parameters": prices + capex},
    }
    if len(prices) > 1:
        spec["monte_carlo"]["correlated"] = {"energy_prices": prices}
    return spec


def stage_form(loaded):
    """The first-stage form ``solve_in_place`` gives HiGHS (``persistent.scenario_form``, stage row last), the
    second-stage cost vector, the shortfall columns and what the scenario needs to report its objective."""
    data = prepare(loaded)
    rm, form = scenario_form(data)
    if rm.objective_kind != "min_cost":
        raise SystemExit("the direct-highspy baseline covers min_cost cases")
    if data.projects is not None:
        raise SystemExit("the direct-highspy baseline covers national cases (no pipeline projects)")
    cost2 = cost_vector(rm, data)
    ledger = []  # per target year: what shortfall_ledger reads (its terms in its order, the need, the tolerance)
    for t in rm.target_years:
        need = required_abatement(data, t)
        terms = [(coef, col.position) for coef, col in abatement_terms(rm, data, t)]
        ledger.append((terms, need, 1e-6 * max(1.0, abs(need))))
    return form, cost2, ledger, data.case.solver, data.case.target_rules.shortfall_penalty_usd_per_tco2e


def total_shortfall(x: list[float], ledger: list) -> float:
    """``limits.shortfall_ledger`` summed, on a plain solution vector: the same operations in the same order, so
    that the second stage's cap (and the stage row's scale) is the very number ``solve_in_place`` computes."""
    gaps = {}
    for k, (terms, need, tolerance) in enumerate(ledger):
        gap = need - sum(coef * (x[j] or 0.0) for coef, j in terms)
        gaps[k] = gap if gap > tolerance else 0.0
    return sum(gaps.values())


def direct_highspy(prepared) -> tuple[float, float, list[float]]:
    """Push each form's changed numbers into one Highs and solve; nothing else is timed. The same stages as
    ``solve_in_place``: when the first leaves a shortfall (read off the plan as ``shortfall_ledger`` reads it),
    a second stage caps it and minimises money; the objective reported is that money plus the penalised
    shortfall. The stage row is scaled as ``PersistentHighs`` scales it (``stage_row_scale``), so that HiGHS is
    given the same second-stage model in both loops."""
    h = highspy.Highs()
    for name, value in HIGHS_OPTIONS.items():  # the same HiGHS settings as noregret's backends
        h.setOptionValue(name, value)
    first = prepared[0][0]
    for k, (f, *_) in enumerate(prepared):
        if not f.same_structure(first):
            raise SystemExit(f"scenario {k} changes the model's structure: the direct baseline needs one structure")
    n = len(first.col_names)
    idx = np.arange(n, dtype=np.int32)
    stage_row = len(first.row_names) - 1  # the stage row (last)
    stage_k = np.flatnonzero(first.a_index == stage_row)  # its nonzeros, and their columns
    stage_cols = (np.searchsorted(first.a_start, stage_k, side="right") - 1).tolist()
    started = time.perf_counter()
    h.passModel(
        n,
        len(first.row_names),
        len(first.a_value),
        1,
        1,
        0.0,
        first.cost,
        first.col_lower,
        first.col_upper,
        first.row_lower,
        first.row_upper,
        first.a_start,
        first.a_index,
        first.a_value,
        first.integrality.astype(np.int32),
    )
    held = {
        "cost": first.cost.copy(),
        "col_lower": first.col_lower,
        "col_upper": first.col_upper,
        "row_lower": first.row_lower.copy(),
        "row_upper": first.row_upper.copy(),
        "a_value": first.a_value,
    }
    objectives = []
    for f, cost2, ledger, opts, penalty in prepared:
        h.setOptionValue("time_limit", float(opts.time_limit_seconds))
        h.setOptionValue("mip_rel_gap", float(opts.mip_rel_gap))
        h.setOptionValue("random_seed", int(opts.random_seed))
        changed = np.flatnonzero(f.cost != held["cost"])
        h.changeColsCost(len(changed), changed.astype(np.int32), f.cost[changed])
        changed = np.flatnonzero((f.col_lower != held["col_lower"]) | (f.col_upper != held["col_upper"]))
        h.changeColsBounds(len(changed), changed.astype(np.int32), f.col_lower[changed], f.col_upper[changed])
        changed = np.flatnonzero((f.row_lower != held["row_lower"]) | (f.row_upper != held["row_upper"]))
        h.changeRowsBounds(len(changed), changed.astype(np.int32), f.row_lower[changed], f.row_upper[changed])
        changed = np.flatnonzero(f.a_value != held["a_value"])
        cols = np.searchsorted(f.a_start, changed, side="right") - 1
        for k, j in zip(changed.tolist(), cols.tolist()):
            h.changeCoeff(int(f.a_index[k]), j, float(f.a_value[k]))
        held = {
            "cost": f.cost,
            "col_lower": f.col_lower,
            "col_upper": f.col_upper,
            "row_lower": f.row_lower.copy(),
            "row_upper": f.row_upper.copy(),
            "a_value": f.a_value,
        }
        h.clearSolver()
        h.run()
        x = h.getSolution().col_value
        objective = h.getInfo().objective_function_value
        shortfall = total_shortfall(x, ledger)
        if shortfall > 0:
            row = stage_row
            cap = shortfall_cap(shortfall)
            scale = stage_row_scale(cap)
            if scale != 1.0:
                held["a_value"] = f.a_value.copy()
                for k, j in zip(stage_k.tolist(), stage_cols):
                    held["a_value"][k] *= scale
                    h.changeCoeff(row, j, float(held["a_value"][k]))
            cap = scale * cap
            h.changeRowsBounds(1, np.array([row], dtype=np.int32), np.array([-np.inf]), np.array([cap]))
            h.changeColsCost(n, idx, cost2)
            h.clearSolver()
            h.setSolution(n, idx, np.asarray(x, dtype=float))  # started from stage 1's plan, as noregret does
            h.run()
            x = h.getSolution().col_value
            objective = h.getInfo().objective_function_value + penalty * total_shortfall(x, ledger)
            held["cost"], held["row_upper"][row] = cost2, cap
        objectives.append(objective)
    return time.perf_counter() - started, h.getRunTime(), objectives


def timed_loop(solve_one, loaded_list) -> tuple[float, float, list[float]]:
    started = time.perf_counter()
    results = [solve_one(lc) for lc in loaded_list]
    return (
        time.perf_counter() - started,
        sum(r.timings["highs_seconds"] for r in results),
        [r.summary["objective_value"] if isinstance(r, Result) else r.objective_value for r in results],
    )


def sweep_rate(spec_file: Path, workers: int, rebuild: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run = run_sweep(spec_file, Path(tmp) / "out", workers=workers, progress=False, rebuild=rebuild)
        seconds = time.perf_counter() - started
    return run.solved_now / seconds


def bench_case(case_path: Path, samples: int, sweep_samples: int, workers: int, seed: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        spec_file = Path(tmp) / "spec.yaml"
        spec_file.write_text(yaml.safe_dump(monte_carlo_spec(case_path, samples, seed)))
        sweep_file = Path(tmp) / "sweep.yaml"  # longer, so that starting the worker processes is amortised
        sweep_file.write_text(yaml.safe_dump(monte_carlo_spec(case_path, sweep_samples, seed)))
        spec, _ = load_sweep_spec(spec_file)
        base = load_case(case_path)
        t0 = time.perf_counter()
        loaded_list = [apply_settings(base, s.settings) for s in scenarios(spec, base)]
        setup = (time.perf_counter() - t0) / samples
        solve(loaded_list[0])  # warm-up: imports and first-call caches
        rebuild = timed_loop(lambda lc: solve(lc, extract=extract_scenario), loaded_list)
        solver = PersistentHighs()
        in_place = timed_loop(lambda lc: solve_in_place(lc, solver, extract=extract_scenario), loaded_list)
        full_solver = PersistentHighs()
        in_place_full = timed_loop(lambda lc: solve_in_place(lc, full_solver), loaded_list)
        warm_solver = PersistentHighs(warm_start=False)
        warm = timed_loop(lambda lc: solve_in_place(lc, warm_solver, extract=extract_scenario), loaded_list)
        direct = direct_highspy([stage_form(lc) for lc in loaded_list])
        rates = {
            w: {"in place": sweep_rate(sweep_file, w, False), "rebuild": sweep_rate(sweep_file, w, True)}
            for w in sorted({1, workers})
        }
    agree = max(abs(a - b) / max(abs(a), 1.0) for a, b in zip(rebuild[2], in_place[2]))
    agree_direct = max(abs(a - b) / max(abs(a), 1.0) for a, b in zip(direct[2], in_place[2]))
    agree_warm = max(abs(a - b) / max(abs(a), 1.0) for a, b in zip(warm[2], in_place[2]))
    rate = {
        name: samples / seconds
        for name, (seconds, _, _) in {
            "rebuild": rebuild,
            "in place": in_place,
            "in place, full Result": in_place_full,
            "in place, stage 2 not started from stage 1's plan": warm,
            "direct highspy": direct,
        }.items()
    }
    lines = [
        f"### {case_path.stem}: {samples} scenarios, {len(spec.monte_carlo.parameters)} parameters drawn",
        "",
        f"In place: {solver.counts.passed} model(s) passed to HiGHS, {solver.counts.in_place} scenarios "
        f"changed in place ({solver.counts.changed_numbers / max(solver.counts.in_place, 1):.0f} numbers each "
        f"on average: {solver.counts.by_kind}). Objective values, largest relative difference: in place vs "
        f"rebuilt {agree:.1e}, vs direct highspy {agree_direct:.1e}, vs stage 2 not started from stage 1 "
        f"{agree_warm:.1e}. Scenario set-up (apply the settings, validate the case): {setup * 1000:.1f} ms each, "
        "not in the timings below.",
        "",
        "| method, 1 process | wall s | HiGHS s | not HiGHS, ms / scenario | scenarios / s | / direct highspy "
        "| / direct highspy, HiGHS's time equal |",
        "|---|---|---|---|---|---|---|",
    ]
    direct_highs = direct[1]
    for name, (seconds, highs_s, _) in {
        "direct highspy": direct,
        "in place": in_place,
        "in place, full Result": in_place_full,
        "in place, stage 2 not started from stage 1's plan": warm,
        "rebuild": rebuild,
    }.items():
        # HiGHS is given the same models and starts in every loop but the unstarted one, so a difference in its time is
        # the shared machine's noise; taking it equal leaves what each loop does around HiGHS
        unstarted = name == "in place, stage 2 not started from stage 1's plan"
        equal = "-" if unstarted else f"{direct[0] / (direct_highs + seconds - highs_s):.3f}"
        lines.append(
            f"| {name} | {seconds:.2f} | {highs_s:.2f} | {1000 * (seconds - highs_s) / samples:.1f} "
            f"| {rate[name]:.2f} | "
            f"{rate[name] / rate['direct highspy']:.2f} | {equal} |"
        )
    lines += [
        "",
        f"noregret sweep end to end, {sweep_samples} scenarios:",
        "",
        "| method | " + " | ".join(f"{w} worker(s), scenarios / s" for w in rates) + f" | {workers} / 1 |",
        "|---" * (len(rates) + 2) + "|",
    ]
    for method in ("in place", "rebuild"):
        cells = " | ".join(f"{rates[w][method]:.2f}" for w in rates)
        lines.append(f"| {method} | {cells} | {rates[workers][method] / rates[1][method]:.2f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        nargs="*",
        type=Path,
        default=[ROOT / "cases" / f"{c}.yaml" for c in ("georgia", "tajikistan", "prc")],
    )
    parser.add_argument("--scenarios", type=int, default=24)
    parser.add_argument("--sweep-scenarios", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for case_path in args.cases:
        lines = bench_case(case_path.resolve(), args.scenarios, args.sweep_scenarios, args.workers, args.seed)
        print("\n".join(lines), flush=True)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
