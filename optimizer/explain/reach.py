"""Before solving: per target year, the most abatement technically reachable (all potential, no money
limits) and the least spend that reaches the target, said plainly."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from ..model.expressions import abatement_terms
from ..model.limits import required_abatement
from ..prepare import ModelData
from .resolve import drop_money_limits, fresh_model, make_targets_hard, replace_objective, try_solve


@dataclass
class Reach:
    year: int
    required_tco2e: float
    technical_max_tco2e: float
    least_spend_usd: float | None  # None: cannot be met even with unlimited money
    available_usd: float | None  # None: no money limit in the case
    statement: str


def money_available(data: ModelData) -> float | None:
    """Capex plus programme money available over the window (the tighter of budget and envelopes)."""
    limits = []
    if data.case.budget.total_usd_by_year is not None:
        limits.append(sum(data.case.budget.total_usd_by_year.by_year.values()))
    if data.financing:
        limits.append(sum(sum(f.envelope_usd_by_year.by_year.values()) for f in data.financing))
    return min(limits) if limits else None


def technical_max(data: ModelData, year: int) -> float:
    m = fresh_model(data)
    drop_money_limits(m)
    m.target_pathway.deactivate()
    replace_objective(m, abatement_terms(m, data, year), pyo.maximize)
    return try_solve(m, data) or 0.0


def least_spend(data: ModelData, year: int) -> float | None:
    m = fresh_model(data)
    drop_money_limits(m)
    for t in m.target_years:
        if t != year:
            m.target_pathway[t].deactivate()
    make_targets_hard(m, [year])
    replace_objective(m, [(1.0, m.spend[y]) for y in m.decision_years], pyo.minimize)
    return try_solve(m, data)


def reachability(data: ModelData) -> list[Reach]:
    out = []
    available = money_available(data)
    for year in data.target_years:
        required = required_abatement(data, year)
        best = technical_max(data, year)
        spend = least_spend(data, year) if required > 0 else 0.0
        out.append(Reach(year, required, best, spend, available, _statement(year, required, best, spend, available)))
    return out


def _kt(x: float) -> str:
    return f"{x / 1e3:,.1f} ktCO2e" if abs(x) >= 1e3 else f"{x:,.1f} tCO2e"


def _musd(x: float) -> str:
    return f"US${x / 1e6:,.2f}m" if abs(x) >= 1e5 else f"US${x:,.0f}"


def _statement(year, required, best, spend, available) -> str:
    if required <= 0:
        return f"{year}: the target asks for no abatement (it lies at or above BAU)."
    if spend is None or best < required * (1 - 1e-9):
        return (f"{year}: the target cannot be met even with unlimited money: at most {_kt(best)} can be abated "
                f"in {year} with every candidate's full potential, against {_kt(required)} needed "
                f"({_kt(required - best)} short).")
    if available is not None and spend > available * (1 + 1e-9):
        return (f"{year}: the target cannot be met within the budget: it needs at least {_musd(spend)} of capex and "
                f"programme costs, against {_musd(available)} available in the decision window.")
    where = f", within the {_musd(available)} available" if available is not None else ""
    return (f"{year}: the target is reachable: {_kt(required)} needed, up to {_kt(best)} technically possible; "
            f"the least spend that reaches it is {_musd(spend)}{where}.")
