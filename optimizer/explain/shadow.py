"""Shadow prices from the LP with the start decisions fixed at the optimum (lumpy units relaxed)."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from ..driver import run_stages
from ..formatting import tonnes as tonnes_text
from ..model import build_model
from ..model.objective import ObjectiveKind
from ..prepare import ModelData
from ..pyomo_backend import PyomoBackend
from .names import display_names


@dataclass
class ShadowPrice:
    family: str
    index: tuple
    value: float
    unit: str
    text: str


def fixed_start_lp(data: ModelData, starts: dict) -> pyo.ConcreteModel:
    """The min-cost model with every start fixed to ``starts`` and integrality relaxed: an LP."""
    m = build_model(data, "min_cost")
    for key, v in starts.items():
        m.start[key].fix(float(v))
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(m)
    return m


def solve_lp_duals(m: pyo.ConcreteModel, data: ModelData):
    """Solve the LP once (through the driver: its statuses and failures) and return its value and the duals."""
    m.objective_kind = ObjectiveKind.AS_GIVEN  # the LP's own duals: no second stage
    backend = PyomoBackend(m, data)
    outcome = run_stages(backend, data)
    return outcome.objective_value, backend.solver.get_duals()


def shadow_prices(data: ModelData, starts: dict) -> list[ShadowPrice]:
    m = fixed_start_lp(data, starts)
    _, duals = solve_lp_duals(m, data)
    penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
    out = []
    for t in m.target_years:
        dual = float(duals.get(m.target_pathway[t], 0.0))
        short = (m.shortfall[t].value or 0.0) > 1e-6
        if short:
            text = (
                f"{t}: the target is missed: abating a further tonne is impossible within the limits, or costs "
                f"more than the shortfall penalty (US${dual:,.0f}/tCO2e), which is what one more tonne required "
                "adds to the objective. See the fixes."
            )
        elif dual > 1e-9:
            text = (
                f"{t}: one more tonne of abatement required in {t} would raise the plan's net present cost by "
                f"US${dual:,.2f} (the marginal abatement cost of the target)."
            )
        else:
            text = f"{t}: the target does not bind: the plan abates more than required in {t} because it pays."
        out.append(ShadowPrice("target_pathway", (t,), dual, "USD per tCO2e", text))
    missed = sum(m.shortfall[t].value or 0.0 for t in m.target_years)
    names = display_names(data)
    for family in ("annual_budget", "financing_envelope"):
        component = getattr(m, family)
        for index, row in component.items():
            dual = -float(duals.get(row, 0.0))
            key = index if isinstance(index, tuple) else (index,)
            who = names.get(key[0], key[0]) if isinstance(key[0], str) else key[0]
            where = f"the {who} budget" if family == "annual_budget" else f"the {who} envelope in {key[1]}"
            if dual <= 1e-9:
                text = f"{where}: one more dollar here changes nothing (other limits or the targets hold the plan)."
            elif missed > 1e-6:
                tonnes = min(dual / penalty * 1e3, missed)
                text = (
                    f"{where}: while the target is missed, each extra US$1,000 here avoids about {tonnes:,.2f} "
                    f"tCO2e of shortfall (a marginal rate: it holds for small changes, up to the "
                    f"{tonnes_text(missed)} missed in all)."
                )
            else:
                text = f"{where}: one more dollar here lowers the plan's net present cost by US${dual:,.3f}."
            out.append(ShadowPrice(family, key, dual, "USD per USD", text))
    return out
