"""Tornado: which uncertain parameters move the plan's cost and final-year emissions most. Each parameter
is set to its low and its high value in turn (all others central) and the case is re-solved, on one HiGHS
model per worker process changed in place (see :mod:`optimizer.persistent`)."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import pandas as pd

from ..errors import InputError, Problem, SolverFailure
from ..loading import LoadedCase
from ..persistent import process_solver, solve_in_place
from ..prepare import prepare
from ..progress import ProgressFn, silent
from ..results import extract_scenario
from .paths import apply_settings, value_at

OUTCOMES = ("net_present_cost_usd", "final_year_emissions_tco2e")


def ranged_parameters(loaded: LoadedCase, variant: str | None = None) -> list[str]:
    """Default parameters: the discount rate, source prices, driver growth and the capex and running costs
    of the kept candidates, wherever the data give a low-high range."""
    candidates = prepare(loaded, variant).candidates
    paths = ["discount_rate"]
    paths += [f"sources.{s.id}.price_usd_per_unit" for s in loaded.case.sources if s.price_usd_per_unit]
    paths += [f"drivers.{name}.annual_change" for name, p in loaded.case.drivers.items() if p.annual_change]
    paths += [
        f"interventions.{i}.{f}" for i in candidates for f in ("capex_usd_per_unit", "om_change_usd_per_unit_year")
    ]
    out = []
    for path in paths:
        q = value_at(loaded, path)
        if q["low"] is not None and q["high"] is not None and q["low"] < q["high"]:
            out.append(path)
    return out


def _outcomes(loaded: LoadedCase, variant: str | None, settings: dict) -> dict:
    try:
        result = solve_in_place(
            apply_settings(loaded, settings),
            process_solver(str(loaded.path)),
            variant=variant,
            extract=extract_scenario,
        )
    except (InputError, SolverFailure):
        return {k: float("nan") for k in OUTCOMES}
    return {
        "net_present_cost_usd": result.net_present_cost_usd,
        "final_year_emissions_tco2e": result.final_year_emissions_tco2e,
    }


@dataclass
class Tornado:
    table: pd.DataFrame  # one row per parameter: low/high values and outcomes, swings
    base: dict


def tornado(
    loaded: LoadedCase,
    variant: str | None = None,
    parameters: list[str] | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Tornado:
    """Re-solve the case with each parameter at its low and at its high value (``workers`` processes);
    ``progress`` hears of each solve (:mod:`optimizer.progress`)."""
    parameters = parameters or ranged_parameters(loaded, variant)
    ranges = {p: value_at(loaded, p) for p in parameters}
    for p, q in ranges.items():
        if q["low"] is None or q["high"] is None:
            raise InputError([Problem("<tornado>", p, p, "a parameter with a low-high range in the data")])
    runs = [{}] + [{p: ranges[p][end]} for p in parameters for end in ("low", "high")]
    workers = workers or os.cpu_count() or 1
    report = progress or silent
    what = "solving each parameter at its low and high value"
    report(what, 0, len(runs))
    if workers > 1 and len(runs) > 2:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_outcomes, loaded, variant, r) for r in runs]
            for done, _ in enumerate(as_completed(futures), start=1):
                report(what, done, len(runs))
            outcomes = [f.result() for f in futures]
    else:
        outcomes = []
        for r in runs:
            outcomes.append(_outcomes(loaded, variant, r))
            report(what, len(outcomes), len(runs))
    base = outcomes[0]
    rows = []
    for k, p in enumerate(parameters):
        low, high = outcomes[1 + 2 * k], outcomes[2 + 2 * k]
        row = {"parameter": p, "central": ranges[p]["value"], "low": ranges[p]["low"], "high": ranges[p]["high"]}
        for name in OUTCOMES:
            row[f"{name}_at_low"] = low[name]
            row[f"{name}_at_high"] = high[name]
            row[f"{name}_swing"] = abs(high[name] - low[name])
        rows.append(row)
    table = pd.DataFrame(rows).sort_values("net_present_cost_usd_swing", ascending=False).reset_index(drop=True)
    return Tornado(table, base)


def tornado_chart(t: Tornado, path, top: int = 15) -> None:
    """Two panels: change of net present cost and of final-year emissions from the central case, at each
    parameter's low and high value (the ``top`` parameters by cost swing)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = t.table.head(top).iloc[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.45 * len(rows) + 1.8), sharey=True)
    labels = [p.replace("interventions.", "").replace("sources.", "") for p in rows["parameter"]]
    for ax, name, scale, unit in (
        (axes[0], "net_present_cost_usd", 1e6, "US$m"),
        (axes[1], "final_year_emissions_tco2e", 1e3, "ktCO2e"),
    ):
        base = t.base[name]
        low = (rows[f"{name}_at_low"] - base) / scale
        high = (rows[f"{name}_at_high"] - base) / scale
        ax.barh(labels, low, color="#88CCEE", label="parameter at its low value")
        ax.barh(labels, high, color="#CC6677", label="parameter at its high value")
        ax.axvline(0, color="#000000", linewidth=0.8)
        ax.set_xlabel(f"change from the central plan ({unit})")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes[0].set_title("Net present cost of the plan")
    axes[1].set_title("Emissions in the final target year")
    axes[1].legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
