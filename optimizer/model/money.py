"""Money: spending definition, yearly and per-phase budgets, financing sources, the portfolio payback rule."""

from __future__ import annotations

from ..prepare import ModelData
from .expressions import Model, add_rows, at_most, equal, spend_terms
from .indices import builders_by_year
from .projects import (
    add_payback_terms,
    add_phase_terms,
    add_spend_terms,
    project_financing_index,
    project_phases,
)


def add_spend_definition(m: Model, data: ModelData) -> None:
    """spend_definition[y]: spend[y] = sum_i (capex_i build[i,y] + fixed_i start[i,y])  (USD)."""

    builders = builders_by_year(m)

    def rule(m, y):
        terms = [term for i in builders.get(y, []) for term in spend_terms(m, data, i, y)]
        return equal([(-c, v) for c, v in terms] + [(1.0, m.spend[y])], 0.0)

    add_rows(m, "spend_definition", m.decision_years, rule)
    add_spend_terms(m, data)


def add_annual_budget(m: Model, data: ModelData) -> None:
    """annual_budget[y]: spend[y] <= B_y (``budget.total_usd_by_year``)."""
    series = data.case.budget.total_usd_by_year
    years = [y for y in data.decision_years] if series is not None else []

    def rule(m, y):
        return at_most([(1.0, m.spend[y])], series.by_year[y])

    add_rows(m, "annual_budget", years, rule)


def add_financing_split(m: Model, data: ModelData) -> None:
    """financing_split[i,y]: sum_f pay[i,y,f] = capex_i build[i,y] + fixed_i start[i,y] (every dollar is
    paid by an eligible financing source)."""
    index = list(m.build_index_set) if data.financing else []

    def rule(m, i, y):
        paid = [(1.0, m.pay[i, y, f]) for f in data.candidates[i].financing]
        return equal(paid + [(-c, v) for c, v in spend_terms(m, data, i, y)], 0.0)

    add_rows(m, "financing_split", index, rule)


def add_financing_envelope(m: Model, data: ModelData) -> None:
    """financing_envelope[f,y]: sum_i pay[i,y,f] <= E_{f,y} (a year a source does not list has E = 0)."""
    by_source: dict[tuple[str, int], list] = {(fin.id, y): [] for fin in data.financing for y in data.decision_years}
    for i, y, f in m.financing_index_set:
        by_source[f, y].append((1.0, m.pay[i, y, f]))
    for k, y, f in project_financing_index(data):
        by_source[f, y].append((1.0, m.pay_projects[k, y, f]))
    envelope = {fin.id: fin.envelope_usd_by_year.by_year for fin in data.financing}
    index = [key for key, terms in by_source.items() if terms]

    def rule(m, f, y):
        return at_most(by_source[f, y], envelope[f].get(y, 0.0))

    add_rows(m, "financing_envelope", index, rule)


def add_phase_budget(m: Model, data: ModelData) -> None:
    """phase_budget[p]: sum over interventions of phase p and all years of capex plus programme cost <= B_p."""
    phases = {ph.id: ph.budget_usd.value for ph in data.case.phases if ph.budget_usd is not None}
    members = {p: [i for i, c in data.candidates.items() if c.phase == p] for p in phases}
    with_projects = project_phases(data)
    index = [p for p in phases if members[p] or p in with_projects]

    def rule(m, p):
        terms = [t for i in members[p] for y in data.candidates[i].build_years for t in spend_terms(m, data, i, y)]
        return at_most(terms, phases[p])

    add_rows(m, "phase_budget", index, rule)
    if with_projects:
        add_phase_terms(m, data, index)


def add_portfolio_payback(m: Model, data: ModelData) -> None:
    """portfolio_payback: sum_y spend[y] <= L x sum_{i,y} saving_{i,y} build[i,y] (total outlay repaid by
    first-year net savings within L years)."""
    rule_years = data.case.payback.portfolio_max_years
    if rule_years is None:
        return
    limit = rule_years.value
    savings = [(-limit * data.candidates[i].saving_per_unit[y], m.build[i, y]) for (i, y) in m.build_index_set]
    outlay = [(1.0, m.spend[y]) for y in data.decision_years]
    add_rows(m, "portfolio_payback", None, lambda m: at_most(outlay + savings, 0.0))
    add_payback_terms(m, data, limit)
