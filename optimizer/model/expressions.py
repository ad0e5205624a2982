"""Small helpers that build linear rows from plain floats (fast, no Param lookups).

Every constraint rule returns a :class:`Row` (terms, lower, upper). :func:`add_rows` adds a family of them to
a :data:`Model`: as a Pyomo ``Constraint`` on a Pyomo model, or as plain rows on a
:class:`~optimizer.model.rows.RowModel` (the matrix a sweep updates in place); :func:`set_objective` does the
same for the objective. One formulation, two consumers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, Union

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

if TYPE_CHECKING:
    from .rows import RowModel

Model = Union[pyo.ConcreteModel, "RowModel"]
"""What the family functions build on: a Pyomo model, or the row model (the same variable families by name:
``build``, ``start``, ``spend``, ``pay``, ``shortfall``, and their index sets)."""


class Row(NamedTuple):
    """lower <= sum(coef * var) <= upper (None: no bound on that side)."""

    terms: list
    lower: float | None
    upper: float | None


def _kept(terms) -> list:
    """The nonzero terms, coefficients as Python floats (a term that already has one is kept as it is)."""
    return [term if type(term[0]) is float else (float(term[0]), term[1]) for term in terms if term[0] != 0.0]


def at_most(terms, rhs: float) -> Row:
    return Row(_kept(terms), None, float(rhs))


def at_least(terms, rhs: float) -> Row:
    return Row(_kept(terms), float(rhs), None)


def equal(terms, rhs: float) -> Row:
    return Row(_kept(terms), float(rhs), float(rhs))


def linear(terms: list[tuple[float, object]], constant: float = 0.0) -> LinearExpression:
    """sum(coef * var) + constant as a Pyomo expression, dropping zero coefficients."""
    kept = _kept(terms)
    return LinearExpression(
        constant=constant,
        linear_coefs=[c for c, _ in kept],
        linear_vars=[v for _, v in kept],
    )


def pyomo_relation(row: Row):
    """The Pyomo relational expression of a row (``body <= upper``, ``body >= lower`` or ``body == rhs``)."""
    body = linear(row.terms)
    if row.lower is not None and row.lower == row.upper:
        return body == row.lower
    if row.lower is None:
        return body <= row.upper
    if row.upper is None:
        return body >= row.lower
    return pyo.inequality(row.lower, body, row.upper)


def add_rows(m: Model, name: str, index: Iterable | None, rule: Callable[..., Row]) -> None:
    """Add the constraint family ``name``: one row ``rule(m, *key)`` per key of ``index`` (None: a single row,
    ``rule(m)``), as a Pyomo ``Constraint`` or as row-model rows."""
    from .rows import RowModel

    if isinstance(m, RowModel):
        m.add_family(name, m.rows_of(index, rule))
    elif index is None:
        setattr(m, name, pyo.Constraint(rule=lambda mm: pyomo_relation(rule(mm))))
    else:
        setattr(m, name, pyo.Constraint(index, rule=lambda mm, *key: pyomo_relation(rule(mm, *key))))


def set_objective(m: Model, terms: list[tuple[float, Any]], sense: str) -> None:
    """The objective ``sum(coef * var)``, ``sense`` 'minimize' or 'maximize', named ``objective``."""
    from .rows import RowModel

    if isinstance(m, RowModel):
        m.objective = m.objective_of(terms, sense)
    else:
        m.objective = pyo.Objective(expr=linear(terms), sense=pyo.minimize if sense == "minimize" else pyo.maximize)


def spend_terms(m, data, i: str, y: int) -> list[tuple[float, object]]:
    """Capex plus programme cost of intervention i in year y (USD)."""
    c = data.candidates[i]
    terms = [(c.capex, m.build[i, y])]
    if (i, y) in m.start_index_set:
        terms.append((c.fixed_cost, m.start[i, y]))
    return terms


def abatement_terms(m, data, t: int, source_row: int | None = None) -> list[tuple[float, Any]]:
    """Abatement in year t (tCO2e), over all sources or one source row, as (coef, build var) terms."""
    if source_row is None:
        return cohort_terms(m, data, t, data.abatement_all_sources_when_active)
    return cohort_terms(m, data, t, data.abatement_when_active[:, source_row])


def cohort_terms(m, data, t: int, when_active) -> list[tuple[float, Any]]:
    """(coef, build var) terms of the cohorts active in year t, a unit of the j-th kept candidate contributing
    ``when_active[j, k]`` (k: t's position on the axis); the nonzero ones, in the order of the build index."""
    cohorts = data.cohorts
    coefs = cohorts.coefficients(when_active, data.year_index(t))
    nonzero = np.flatnonzero(coefs)
    return [(coef, m.build[cohorts.keys[j]]) for j, coef in zip(nonzero.tolist(), coefs[nonzero].tolist())]
