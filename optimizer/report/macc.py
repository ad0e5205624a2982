"""The marginal abatement cost curve's merit order: how much each measure adds in the final year, given the
measures before it, so that the widths add up to what the measures achieve together.

The curve has two blocks, each in merit order (cheapest cost per tonne first):

1. the selected portfolio: each selected measure with what the plan's units abate in the final year (the
   plan is one feasible deployment, in which no source goes below zero, so these add up to the plan's
   abatement: the cut-off);
2. the further technical potential: the measures not selected, and the rest of the potential of the
   selected ones, each adding what it makes reachable on top of the plan and the steps before it.

A step's width in block 2 is the increase of the most abatement reachable in the final year when its units
become available: the model of :func:`optimizer.explain.reach.technical_max_model` (every potential, no money
limits, no target; shared sources, activity floors, groups, ramps, phases and delivery resources kept), with
the plan's units fixed and the later steps' units fixed at zero. The last step frees every unit, so the widths
add up to ``noregret explain``'s technically reachable abatement."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from ..explain.reach import technical_max_model
from ..model.expressions import abatement_terms, linear
from ..pipeline.ranking import break_even_carbon_price
from ..prepare import Candidate, ModelData, ScreeningStatus
from ..progress import ProgressFn, silent
from ..pyomo_backend import make_solver, run_highs

SELECTED, NOT_SELECTED, BEYOND_PLAN = "selected", "not selected", "beyond the plan"
"""The part of a measure a step stands for: the plan's units, a measure the plan leaves out, or the potential
of a selected measure beyond the plan's units."""

WIDTH_TOLERANCE = 1e-6
"""Relative to the level reached: a smaller step (the solver's round-off, or a MIP gap's wobble) adds nothing."""
PLAN_SLACK, PLAN_SLACK_TCO2E = 1e-7, 1e-3
"""How far (relative, and tCO2e) a held selected measure's abatement may stray from the plan's: the solver's
feasibility tolerance, so that the plan itself stays feasible when its units are held."""

COLUMNS = [
    "rank",
    "intervention",
    "name",
    "family",
    "part",
    "selected",
    "cost_per_tco2e_usd",
    "break_even_carbon_price_usd_per_tco2e",
    "abatement_tco2e",
    "x_start_tco2e",
    "drawn",
]


def unit_break_even_price(data: ModelData, c: Candidate) -> float:
    """Break-even carbon price of one unit of ``c`` built at its earliest start (USD/tCO2e): its whole-life net
    present cost (capex, running costs and its share of the one-off cost, as the cost per tonne counts them)
    over its abatement discounted to the base year at the case's rate (:func:`break_even_carbon_price`)."""
    if not c.build_years:
        return float("nan")
    y = c.build_years[0]
    cost = c.npv_cost_per_unit[y] + c.fixed_cost_pv[y] / c.potential
    discounted = float(c.abatement[y].sum(axis=0) @ data.discount)
    return float(break_even_carbon_price(cost, discounted))


@dataclass
class _Step:
    intervention: str
    part: str
    cost: float


def _merit_key(step: _Step) -> tuple:
    return (math.isnan(step.cost), step.cost if not math.isnan(step.cost) else 0.0, step.intervention)


def merit_order(result, progress: ProgressFn | None = None) -> pd.DataFrame:
    """One row per step of the curve (see the module docstring), in drawing order, with its width
    (``abatement_tco2e``, tCO2e in the final year), where it starts on the x axis, its cost per tonne and
    break-even carbon price (USD/tCO2e) and whether it is drawn (positive width and a finite cost)."""
    data: ModelData = result.data
    year = data.final_year
    kept = result.screening[result.screening["status"] == ScreeningStatus.KEPT]
    cost = {str(i): float(c) for i, c in zip(kept["intervention"], kept["cost_per_tco2e_usd"])}
    names = dict(zip(kept["intervention"], kept["name"]))
    families = dict(zip(kept["intervention"], kept["family"]))
    plan_abatement = result.portfolio.set_index("intervention")["abatement_target_year_tco2e"].to_dict()
    selected = [i for i in cost if i in plan_abatement and i in data.candidates]
    first = sorted((_Step(i, SELECTED, cost[i]) for i in selected), key=_merit_key)
    rest = [_Step(i, BEYOND_PLAN if i in plan_abatement else NOT_SELECTED, cost[i]) for i in cost]
    second = sorted((s for s in rest if s.intervention in data.candidates), key=_merit_key)

    widths = [float(plan_abatement[s.intervention]) for s in first]
    held = {s.intervention: w for s, w in zip(first, widths)}
    widths += _increments(data, year, held, [s.intervention for s in second], progress)
    steps = first + second
    out = pd.DataFrame(
        {
            "rank": 0,
            "intervention": [s.intervention for s in steps],
            "name": [names[s.intervention] for s in steps],
            "family": [families[s.intervention] for s in steps],
            "part": [s.part for s in steps],
            "selected": [s.part == SELECTED for s in steps],
            "cost_per_tco2e_usd": [s.cost for s in steps],
            "break_even_carbon_price_usd_per_tco2e": [
                unit_break_even_price(data, data.candidates[s.intervention]) for s in steps
            ],
            "abatement_tco2e": widths,
        },
        columns=COLUMNS[:-2],
    )
    out = out[(out["part"] != BEYOND_PLAN) | (out["abatement_tco2e"] > 0)].reset_index(drop=True)
    drawn = (out["abatement_tco2e"] > 0) & np.isfinite(out["cost_per_tco2e_usd"])
    x = out["abatement_tco2e"].cumsum() - out["abatement_tco2e"]
    out["x_start_tco2e"] = x.where(drawn)
    out["drawn"] = drawn
    out["rank"] = np.where(drawn, drawn.cumsum(), np.nan)  # the bar's number; blank when not drawn
    return out[COLUMNS]


def _increments(
    data: ModelData,
    year: int,
    plan: dict[str, float],
    order: list[str],
    progress: ProgressFn | None = None,
) -> list[float]:
    """Per intervention of ``order``: how much the most abatement reachable in ``year`` grows when its units
    are freed, the units of the interventions after it held where the plan has them: a selected
    intervention abating what the plan's units abate in ``year`` (``plan``, within :data:`PLAN_SLACK`), any
    other one at zero. The level before the first step is the plan's abatement, solved in the same model.
    Widths below :data:`WIDTH_TOLERANCE` (the solver's round-off, a MIP gap's wobble) count as zero, so
    the widths add up to the last level: the technically reachable abatement."""
    if not order:
        return []
    m = technical_max_model(data, year)
    solver = make_solver(data)
    terms: dict[str, list] = {}
    for coef, var in abatement_terms(m, data, year):
        terms.setdefault(var.index()[0], []).append((coef, var))
    held = {}
    for i in order:
        if i in plan:
            slack = PLAN_SLACK * abs(plan[i]) + PLAN_SLACK_TCO2E
            held[i] = pyo.Constraint(expr=pyo.inequality(plan[i] - slack, linear(terms.get(i, [])), plan[i] + slack))
            m.add_component(f"macc_plan_{i}", held[i])
        else:
            for y in data.candidates[i].build_years:
                m.build[i, y].fix(0.0)
    report = progress or silent
    report("abatement cost curve steps", 0, len(order))
    # the plan's own abatement, or the solver's reading of it when that is higher (never count a tonne twice)
    level, out = max(run_highs(m, data, solver).objective_value, sum(plan.values())), []
    for k, i in enumerate(order):
        if i in held:
            held[i].deactivate()
        else:
            for y in data.candidates[i].build_years:
                m.build[i, y].unfix()
        value = run_highs(m, data, solver).objective_value
        width = value - level
        out.append(width if width > WIDTH_TOLERANCE * max(1.0, abs(level)) else 0.0)
        level += out[-1]
        report("abatement cost curve steps", k + 1, len(order))
    return out
