"""Re-planning: the MILP re-solved over the whole decision window with the years the actuals cover fixed as
they say (docs/formulation.md section 8, docs/monitoring.md).

- :func:`fix_past_decisions`: every build and start variable of a reported year is fixed to what was done
  (units built; a start where a programme first built units; nothing elsewhere). A programme started in the
  past cannot start again (``start_once``), so what was built is paid for once and never rebuilt; later
  building continues under its ramp and potential (``deployment_link``).
- :func:`release_past_limits`: the rows of reported years that limit what could be done *in* those years
  (a launch's least first-year deployment, yearly budget, financing envelopes, named resources, the pathway)
  are dropped: those years are history,
  and what was done may have broken the plan's limits. Rows over the whole window (phase budgets, the
  portfolio payback, shares of competing groups, source floors) keep the past units, costed at the case's
  prices.
- :func:`anchored_baseline`: where an inventory update measured a source's emissions, its BAU emission factor
  is scaled from that year on so that the model reproduces the measurement with the units actually built.
- Sunk costs: the fixed units' capex and programme costs are constants of the objective (:func:`sunk_cost`),
  reported apart and left out of the money still to come.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from ..driver import run_stages
from ..errors import InputError, Problem, SolverFailure
from ..formatting import money, tonnes
from ..loading import LoadedCase
from ..model import build_model
from ..model.limits import shortfall_ledger
from ..pathway import BauProjection
from ..prepare import ModelData, prepare
from ..progress import ProgressFn, silent
from ..pyomo_backend import PyomoBackend, solve
from ..results import Result, extract_result
from ..units import counted_units
from .actuals import ActualsData
from .tracking import abatement_by_source_year, cost_of, planned_starts, planned_units
from .wording import UnitWords, against_plan

if TYPE_CHECKING:
    from collections.abc import Callable

PAST_YEAR_LIMITS = ("start_deploys", "annual_budget", "financing_envelope", "resource_limit", "target_pathway")
"""Families whose rows of a reported year are dropped in a re-plan (their last key is the year): a launch's
least first-year deployment, the yearly budget, financing envelopes, resources and the pathway."""


def fix_past_decisions(m: pyo.ConcreteModel, data: ModelData, a: ActualsData) -> None:
    """build[i,y] = units built and start[i,y] = 1 where i first built units in y, 0 elsewhere, for every
    reported year y (variable bounds; the re-plan's rows R1 and R2)."""
    for i, y in m.build_index_set:
        if y <= a.through_year:
            m.build[i, y].fix(a.units.get((i, y), 0.0))
    for i, y in m.start_index_set:
        if y <= a.through_year:
            m.start[i, y].fix(1 if a.starts.get(i) == y else 0)


def release_past_limits(m: pyo.ConcreteModel, data: ModelData, a: ActualsData) -> None:
    """Drop the rows of :data:`PAST_YEAR_LIMITS` in reported years, and fix those years' shortfall to 0 (the
    re-plan's row R3): the past is not re-judged against limits it can no longer change."""
    for name in PAST_YEAR_LIMITS:
        family = getattr(m, name, None)
        if family is None:
            continue
        for key in family:
            year = key[-1] if isinstance(key, tuple) else key
            if year <= a.through_year:
                family[key].deactivate()
    for t in m.target_years:
        if t <= a.through_year:
            m.shortfall[t].fix(0.0)


def anchoring_factors(a: ActualsData) -> dict[str, tuple[int, float]]:
    """Per measured source: the latest measured year and the factor k that makes the model's emissions that
    year, k (BAU - abatement of the units built), equal the measurement."""
    data = a.data
    abated = abatement_by_source_year(data, a.units)
    latest: dict[str, int] = {}
    for s, y in a.measured:
        latest[s] = max(latest.get(s, y), y)
    factors = {}
    for s, y in sorted(latest.items()):
        r, k = data.bau.row(s), data.year_index(y)
        modelled = float(data.bau.emissions[r, k] - abated[r, k])
        if modelled > 0:
            factors[s] = (y, a.measured[s, y] / modelled)
    return factors


def anchored_baseline(factors: dict[str, tuple[int, float]]) -> Callable[[BauProjection], BauProjection]:
    """The BAU projection with each anchored source's emissions and emission factor scaled by its k from its
    measured year on (every abatement coefficient of that source scales with them: share effects with the
    emissions, activity effects with the factor)."""

    def rebase(bau: BauProjection) -> BauProjection:
        emissions, factor = bau.emissions.copy(), bau.factor.copy()
        for s, (year, k) in factors.items():
            r, first = bau.row(s), int(np.searchsorted(bau.years, year))
            emissions[r, first:] *= k
            factor[r, first:] *= k
        return replace(bau, emissions=emissions, factor=factor)

    return rebase


def _present_cost(data: ModelData, units: dict[tuple[str, int], float], starts: dict[str, int], through: int) -> float:
    """Present value (USD) of the capex and programme costs of ``units`` built up to ``through``."""
    return sum(
        (
            float(data.discount[data.year_index(y)]) * cost_of(data.candidates[i], u, starts.get(i) == y)
            for (i, y), u in units.items()
            if y <= through
        ),
        0.0,
    )


def sunk_cost(data: ModelData, a: ActualsData) -> float:
    """Present value of the capex and programme costs of the units built in reported years (USD): a constant
    of the re-plan's objective, money already spent."""
    return _present_cost(data, a.units, a.starts, a.through_year)


def planned_sunk_cost(data: ModelData, plan: Result, through: int) -> float:
    """The same for the original plan's units in the reported years."""
    return _present_cost(data, planned_units(plan), planned_starts(plan), through)


class ReplanBackend(PyomoBackend):
    """The Pyomo backend of a re-plan: the shortfall a second stage keeps (``driver.second_stage``) is that of
    the open years; the reported years' is history, fixed by the actuals, and not in the objective."""

    def __init__(self, m: pyo.ConcreteModel, data: ModelData, through_year: int):
        super().__init__(m, data)
        self.through_year = through_year

    def total_shortfall(self) -> float:
        return sum(v for t, v in shortfall_ledger(self.m, self.data).items() if t > self.through_year)


@dataclass
class Replan:
    """The re-solved plan, the original, and what changed and why."""

    result: Result
    original: Result
    from_year: int
    last_year: int
    changes: pd.DataFrame
    """Per programme: units from ``from_year`` in the original plan and the re-plan, the change, why."""
    summary: dict

    def save_tables(self, folder: Path) -> None:
        """The re-plan's result tables, ``replan_changes.csv`` and ``replan_summary.json``, in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        self.result.write_tables(folder)
        self.changes.to_csv(folder / "replan_changes.csv", index=False)
        (folder / "replan_summary.json").write_text(json.dumps(self.summary, indent=2) + "\n")


def check_from_year(a: ActualsData, from_year: int | None) -> int:
    """The first year without actuals (``--from`` must name it, when given)."""
    first_open = a.through_year + 1
    last = a.data.case.decision_window.last_year
    if from_year is not None and from_year != first_open:
        raise InputError(
            [
                Problem(
                    "<command line>",
                    "--from",
                    from_year,
                    f"{first_open}, the first year the actuals do not cover (they run to {a.through_year})",
                )
            ]
        )
    if first_open > last:
        raise InputError(
            [
                Problem(
                    str(a.path),
                    "through_year",
                    a.through_year,
                    f"a year before the decision window's last year {last}: nothing is left to re-plan",
                )
            ]
        )
    return first_open


def replan(
    a: ActualsData,
    from_year: int | None = None,
    objective: str | None = None,
    original: Result | None = None,
    original_case: LoadedCase | None = None,
    progress: ProgressFn | None = None,
) -> Replan:
    """Re-solve the case variant with the reported years fixed (see the module docstring); ``original`` is the
    plan it is compared with (default: the case variant solved from the start of the window, or
    ``original_case``'s: the case as it was when the plan was made)."""
    report = progress or silent
    first_open = check_from_year(a, from_year)
    variant = a.data.variant_name
    report("solving the original plan", 0, 2)
    if original is None:
        original = solve(original_case or a.loaded, variant, objective)
    report("re-solving from " + str(first_open), 1, 2)
    factors = anchoring_factors(a)
    data = prepare(a.loaded, variant, anchored_baseline(factors) if factors else None)
    m = build_model(data, objective)
    fix_past_decisions(m, data, a)
    release_past_limits(m, data, a)
    try:
        outcome = run_stages(ReplanBackend(m, data, a.through_year), data)
    except SolverFailure as err:
        raise SolverFailure(
            err.status,
            f"{err} With the actuals to {a.through_year} fixed, no plan for {first_open}-"
            f"{data.case.decision_window.last_year} keeps the case's rules: what was built may already use a "
            "limit over the whole window (a phase budget, a group's share, the portfolio payback).",
        ) from None
    result = extract_result(m, data, outcome)
    report("re-solving from " + str(first_open), 2, 2)
    original_data = original.data or a.data
    changes = _changes(a, data, original, result, first_open, original_data)
    summary = _summary(a, data, original, result, first_open, factors, original_data)
    return Replan(result, original, first_open, data.case.decision_window.last_year, changes, summary)


def _summary(a, data, original, result, first_open, factors, original_data) -> dict:
    final = data.final_year
    orig_path = original.pathway.set_index("year")
    new_path = result.pathway.set_index("year")
    sunk = sunk_cost(data, a)
    return {
        "from_year": first_open,
        "status": result.summary["status"],
        "sunk_cost_usd": sunk,
        "remaining_npv_cost_usd": result.net_present_cost_usd - sunk,
        "original_remaining_npv_cost_usd": original.net_present_cost_usd
        - planned_sunk_cost(original_data, original, a.through_year),
        "final_year": final,
        "final_year_emissions_tco2e": float(new_path.loc[final, "optimised_tco2e"]),
        "original_final_year_emissions_tco2e": float(orig_path.loc[final, "optimised_tco2e"]),
        "final_year_target_tco2e": float(new_path.loc[final, "target_tco2e"]),
        "remaining_shortfall_tco2e": float(new_path.loc[first_open:, "shortfall_tco2e"].sum()),
        "original_remaining_shortfall_tco2e": float(orig_path.loc[first_open:, "shortfall_tco2e"].sum()),
        "anchored_sources": "; ".join(
            f"{source_name(a.loaded, s)} from {y}, {abs(k - 1):.0%} {'above' if k > 1 else 'below'} the model"
            for s, (y, k) in factors.items()
        ),
    }


def source_name(loaded: LoadedCase, source_id: str) -> str:
    """A source's display name (its id where the library has none)."""
    source_type = loaded.library.source_type(source_id)
    return source_type.name if source_type is not None else source_id


def _changes(a, data, original, result, first_open, original_data) -> pd.DataFrame:
    orig_units, new_units = planned_units(original), planned_units(result)
    orig_starts, new_starts = planned_starts(original), planned_starts(result)
    ids = {i for i, _ in orig_units} | {i for i, _ in new_units}
    counted = counted_units(a.loaded)
    rows = []
    for i in sorted(ids, key=lambda i: data.candidates[i].name if i in data.candidates else i):
        c = data.candidates.get(i) or original_data.candidates[i]
        before = sum(u for (j, y), u in orig_units.items() if j == i and y >= first_open)
        after = sum(u for (j, y), u in new_units.items() if j == i and y >= first_open)
        planned_to_date = sum(u for (j, y), u in orig_units.items() if j == i and y < first_open)
        built_to_date = sum(u for (j, y), u in a.units.items() if j == i)
        same_years = all(
            abs(orig_units.get((i, y), 0.0) - new_units.get((i, y), 0.0)) <= 1e-6 * max(1.0, c.potential)
            for y in range(first_open, a.data.case.decision_window.last_year + 1)
        )
        change = _change_label(
            before, after, orig_starts.get(i), new_starts.get(i), same_years, c.potential, i in counted
        )
        if change in ("added", "more") and built_to_date < planned_to_date - 1e-6 * max(1.0, c.potential):
            change = "catching up" if built_to_date > 0 else "delayed"
        off_track = abs(built_to_date - planned_to_date) > 1e-6 * max(1.0, c.potential)
        rows.append(
            {
                "intervention": i,
                "name": c.name,
                "unit": c.unit,
                "original_start": orig_starts.get(i),
                "replan_start": new_starts.get(i),
                "planned_to_date": planned_to_date,
                "built_to_date": built_to_date,
                "original_units": before,
                "replan_units": after,
                "change": change,
                "explanation": ""
                if change == "unchanged" and not off_track
                else _why(a, c, original_data, data, before, after, planned_to_date, built_to_date, first_open),
            }
        )
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    if len(frame):
        frame[["original_start", "replan_start"]] = frame[["original_start", "replan_start"]].astype("Int64")
    return frame


CHANGE_COLUMNS = [
    "intervention", "name", "unit", "original_start", "replan_start", "planned_to_date", "built_to_date",
    "original_units", "replan_units", "change", "explanation",
]  # fmt: skip


def _change_label(before, after, start_before, start_after, same_years, potential, counted=False) -> str:
    """How a programme's remaining units changed. For a count of things (hospitals, vehicles) a change of less
    than half a unit is not "more" or "fewer": the tables show whole units, and 220 -> 220 "fewer" would
    read as a contradiction; the change is then in the timing."""
    tol = 1e-6 * max(1.0, potential)
    if same_years:
        return "unchanged"
    if before <= tol < after:
        return "added"
    if after <= tol < before:
        return "dropped"
    amount = max(tol, 0.5) if counted else tol
    if after > before + amount:
        return "more"
    if after < before - amount:
        return "fewer"
    if start_before is not None and start_after is not None and start_after != start_before:
        return "later" if start_after > start_before else "earlier"
    return "rescheduled"


def _why(a, c, original_data, data, before, after, planned_to_date, built_to_date, first_open) -> str:
    """Why a programme's remaining plan changed, in words: its own progress, its costs or money in the case
    (when the plan was made from another version of the case), measured emissions of its sources."""
    through = a.through_year
    reasons = []
    tol = 1e-6 * max(1.0, c.potential)
    words = UnitWords(a.loaded)
    amount = lambda x: words(x, c.id, c.unit)  # noqa: E731
    if built_to_date < planned_to_date - tol:
        late = words.gap(planned_to_date - built_to_date, c.id, c.unit)
        reasons.append(
            f"{words.none_or(built_to_date, c.id, c.unit)} built by {through} against {amount(planned_to_date)} "
            f"planned: {late} behind" + (" (a delayed start)" if built_to_date <= tol else "")
        )
    elif built_to_date > planned_to_date + tol:
        share = against_plan(built_to_date, planned_to_date)
        early = words.gap(built_to_date - planned_to_date, c.id, c.unit)
        reasons.append(
            f"{amount(built_to_date)} built by {through}, {early} ahead of plan" + (f" ({share})" if share else "")
        )
    old = original_data.candidates.get(c.id)
    if old is not None and old.capex != c.capex:
        reasons.append(f"capex per {c.unit} now {money(c.capex)} (the plan assumed {money(old.capex)})")
    if old is not None and old.fixed_cost != c.fixed_cost:
        reasons.append(f"programme cost now {money(c.fixed_cost)} (the plan assumed {money(old.fixed_cost)})")
    money_words = _budget_change(original_data, data, c, first_open)
    if money_words:
        reasons.append(money_words)
    anchored = [s for s in data.bau.source_ids if c.abatement.when_active[data.bau.row(s)].any()]
    for s in anchored:
        r = data.bau.row(s)
        k = data.year_index(first_open)
        before_t, after_t = float(a.data.bau.emissions[r, k]), float(data.bau.emissions[r, k])
        if abs(after_t / before_t - 1) > 1e-6 if before_t else False:
            reasons.append(
                f"measured emissions of {source_name(a.loaded, s)} put its baseline {abs(after_t / before_t - 1):.0%} "
                f"{'above' if after_t > before_t else 'below'} the model ({tonnes(after_t)} in {first_open})"
            )
    if built_to_date <= tol and not [y for y in c.start_years if y >= first_open]:
        reasons.append(
            f"it can no longer start: the case allows its start only in {c.start_years[0]}-{c.start_years[-1]}"
            if c.start_years
            else "it can no longer start"
        )
    if not reasons:
        reasons.append(
            "its own progress is as planned: money, potential or abatement freed or needed by other programmes' "
            "progress moved it"
        )
    what = f"builds {amount(after)}" if after > tol else "builds none"
    if abs(after - before) <= tol and built_to_date < planned_to_date - tol:
        what = f"not made up: still {amount(after)}"
    return f"{what} from {first_open} (plan: {words.none_or(before, c.id, c.unit)}): " + "; ".join(reasons)


def _budget_change(original_data: ModelData, data: ModelData, c, first_open: int) -> str:
    """A change of the money that may pay for ``c`` in the remaining years between the two versions of the
    case, in words ('' when none)."""

    def envelope(d: ModelData) -> dict[str, float]:
        out = {}
        for f in d.financing:
            if f.id in c.financing:
                out[f.name] = sum(v for y, v in f.envelope_usd_by_year.by_year.items() if y >= first_open)
        return out

    old, new = envelope(original_data), envelope(data)
    words = [
        f"{name} for {first_open} on {'cut' if new.get(name, 0.0) < v else 'raised'} from {money(v)} to "
        f"{money(new.get(name, 0.0))}"
        for name, v in old.items()
        if abs(new.get(name, 0.0) - v) > 0.5
    ]
    return "; ".join(words)
