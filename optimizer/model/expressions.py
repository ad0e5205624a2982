"""Small helpers that build Pyomo linear expressions from plain floats (fast, no Param lookups)."""

from __future__ import annotations

from pyomo.core.expr.numeric_expr import LinearExpression


def linear(terms: list[tuple[float, object]], constant: float = 0.0) -> LinearExpression:
    """sum(coef * var) + constant, dropping zero coefficients."""
    kept = [(c, v) for c, v in terms if c != 0.0]
    return LinearExpression(
        constant=constant,
        linear_coefs=[float(c) for c, _ in kept],
        linear_vars=[v for _, v in kept],
    )


def spend_terms(m, data, i: str, y: int) -> list[tuple[float, object]]:
    """Capex plus programme cost of intervention i in year y (USD)."""
    c = data.candidates[i]
    terms = [(c.capex, m.build[i, y])]
    if (i, y) in m.start_index_set:
        terms.append((c.fixed_cost, m.start[i, y]))
    return terms


def abatement_terms(m, data, t: int, source_row: int | None = None) -> list[tuple[float, object]]:
    """Abatement in year t (tCO2e), over all sources or one source row, as (coef, build var) terms."""
    k = data.year_index(t)
    terms = []
    for (i, y) in m.build_index_set:
        per_unit = data.candidates[i].abatement[y]
        coef = per_unit[:, k].sum() if source_row is None else per_unit[source_row, k]
        if coef != 0.0:
            terms.append((float(coef), m.build[i, y]))
    return terms
