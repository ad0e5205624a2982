"""Before solving: per target year, the most abatement technically reachable (all potential, no money
limits) and the least spend that reaches the target, said plainly."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from ..formatting import money, tonnes
from ..model import build_model
from ..model.expressions import abatement_terms
from ..model.families import MONEY_LIMITS
from ..model.limits import required_abatement
from ..prepare import ModelData
from .resolve import make_targets_hard, replace_objective, try_solve


@dataclass
class Reach:
    year: int
    required_tco2e: float
    technical_max_tco2e: float
    least_spend_usd: float | None  # None: cannot be met even with unlimited money
    available_usd: float | None  # None: no money limit in the case
    statement: str


MONEY_ONLY = MONEY_LIMITS


def money_available(data: ModelData, up_to: int) -> float | None:
    """Capex plus programme money available from the first decision year to ``up_to`` (the tighter of the
    budget and the financing envelopes); None when the case sets no money limit."""
    limits = []
    if data.case.budget.total_usd_by_year is not None:
        limits.append(sum(v for y, v in data.case.budget.total_usd_by_year.by_year.items() if y <= up_to))
    if data.financing:
        limits.append(sum(v for f in data.financing for y, v in f.envelope_usd_by_year.by_year.items() if y <= up_to))
    return min(limits) if limits else None


def _drop_money_only(m) -> None:
    """Budgets, envelopes and the payback rule go; delivery resources (staff) stay: money cannot buy them."""
    for name in MONEY_ONLY:
        component = getattr(m, name, None)
        if component is not None:
            component.deactivate()


def technical_max_model(data: ModelData, year: int) -> pyo.ConcreteModel:
    """The model whose optimum is the most abatement reachable in ``year``: every candidate's potential, no
    money limits, no target; phases, maturity, ramps, groups, floors and delivery resources kept."""
    m = build_model(data, "min_cost")
    _drop_money_only(m)
    m.target_pathway.deactivate()
    replace_objective(m, abatement_terms(m, data, year), pyo.maximize)
    return m


def technical_max(data: ModelData, year: int) -> float:
    return try_solve(technical_max_model(data, year), data) or 0.0


def reachable_without_limits(data: ModelData, year: int) -> bool:
    """Whether the target of ``year`` can be met with unlimited money AND delivery resources (only the
    physics, phases, maturity, ramps and potentials left): the years that money or staff fixes can close."""
    m = build_model(data, "min_cost")
    _drop_money_only(m)
    component = getattr(m, "resource_limit", None)
    if component is not None:
        component.deactivate()
    m.target_pathway.deactivate()
    replace_objective(m, abatement_terms(m, data, year), pyo.maximize)
    best = try_solve(m, data) or 0.0
    return best >= required_abatement(data, year) * (1 - 1e-9)


def least_spend(data: ModelData, year: int) -> float | None:
    m = build_model(data, "min_cost")
    _drop_money_only(m)
    for t in m.target_years:
        if t != year:
            m.target_pathway[t].deactivate()
    make_targets_hard(m, [year])
    replace_objective(m, [(1.0, m.spend[y]) for y in m.decision_years], pyo.minimize)
    return try_solve(m, data)


def reachability(data: ModelData) -> list[Reach]:
    out = []
    for year in data.target_years:
        available = money_available(data, min(year, data.decision_years[-1]))
        required = required_abatement(data, year)
        best = technical_max(data, year)
        spend = least_spend(data, year) if required > 0 else 0.0
        out.append(Reach(year, required, best, spend, available, _statement(year, required, best, spend, available)))
    return out


def _statement(year, required, best, spend, available) -> str:
    if required <= 0:
        return f"{year}: the target asks for no abatement (it lies at or above BAU)."
    if spend is None or best < required * (1 - 1e-9):
        return (
            f"{year}: the target cannot be met even with unlimited money: at most {tonnes(best)} can be abated "
            f"in {year} with every candidate's full potential and the delivery resources available, against "
            f"{tonnes(required)} needed ({tonnes(required - best)} short)."
        )
    if available is not None and spend > available * (1 + 1e-9):
        return (
            f"{year}: the target cannot be met within the budget: it needs at least {money(spend)} of capex and "
            f"programme costs, against {money(available)} available up to {year}."
        )
    where = f", within the {money(available)} available" if available is not None else ""
    return (
        f"{year}: the target is reachable: {tonnes(required)} needed, up to {tonnes(best)} technically possible; "
        f"the least spend that reaches it is {money(spend)}{where}."
    )
