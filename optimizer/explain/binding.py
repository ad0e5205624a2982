"""Which limits bind in a solved model, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from ..formatting import number
from ..model.families import LIMITS, MONEY_BY_YEAR
from ..prepare import ModelData
from .names import display_names, named

TOL = 1e-6


@dataclass
class BindingLimit:
    family: str  # Pyomo component name
    index: tuple
    value: float
    limit: float
    text: str


def _slack_zero(body: float, bound: float) -> bool:
    return abs(bound - body) <= TOL * max(1.0, abs(bound))


def binding_limits(m: pyo.ConcreteModel, data: ModelData) -> list[BindingLimit]:
    """Inequality rows at their bound, plus ramp limits reached and potentials used up."""
    out: list[BindingLimit] = []
    names = display_names(data)
    for family in LIMITS:
        component = getattr(m, family.name, None)
        if component is None or not component.active:
            continue
        for index, row in component.items():
            if not row.active or row.upper is None:
                continue
            body, bound = pyo.value(row.body), pyo.value(row.upper)
            if bound == 0.0 and family.name in MONEY_BY_YEAR:
                continue  # no money at all that year: a fact of the case, not a limit that binds
            if _slack_zero(body, bound):
                key = index if isinstance(index, tuple) else (index,)
                out.append(BindingLimit(family.name, key, body, bound, family.describe(named(key, names), data)))
    for i, y in m.build_index_set:
        c = data.candidates[i]
        v = m.build[i, y].value or 0.0
        if c.ramp < c.potential and v > 0 and _slack_zero(v, c.ramp):
            text = f"the delivery ramp of {c.name} in {y} ({number(c.ramp)} {c.unit} a year)"
            out.append(BindingLimit("ramp", (i, y), v, c.ramp, text))
    for i, c in data.candidates.items():
        built = sum(m.build[i, y].value or 0.0 for y in c.build_years)
        if built > 0 and _slack_zero(built, c.potential):
            out.append(
                BindingLimit(
                    "potential",
                    (i,),
                    built,
                    c.potential,
                    f"the full potential of {c.name} ({number(c.potential)} {c.unit})",
                )
            )
    return out
