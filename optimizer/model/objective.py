"""Objectives: min_cost, max_abatement and the weighted multi-criteria form."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import numpy as np
import pyomo.environ as pyo

from ..prepare import ModelData
from .expressions import Model, linear, set_objective
from .projects import has_projects, projects_of

if TYPE_CHECKING:
    from ..driver import SecondStage


class ObjectiveKind(enum.StrEnum):
    """What a model's objective is, and so whether the driver adds a second stage."""

    MIN_COST = "min_cost"
    """Least whole-life net present cost plus the shortfall penalty; a shortfall brings a money-only second
    stage."""
    MAX_ABATEMENT = "max_abatement"
    """Most cumulative abatement; a second stage finds the least cost among plans abating as much."""
    WEIGHTED = "weighted"
    """Multi-criteria; one stage."""
    AS_GIVEN = "as_given"
    """An objective set by the caller (explain's reachability and fixes, alternatives, regret): one stage,
    its value is the answer."""


LEXICOGRAPHIC_TOLERANCE = 1e-9
"""Second stage of ``max_abatement``: abatement may fall this much (relative) below the first-stage optimum."""

MAX_ABATEMENT_PENALTY_DIVISOR = 1000.0
"""In ``max_abatement``, a tonne of shortfall costs shortfall_penalty_usd_per_tco2e / 1000 tonnes."""


def cost_terms(m, data: ModelData) -> list[tuple[float, object]]:
    """Whole-life net present cost (USD, base-year): cohort NPV per unit built plus discounted programme costs."""
    terms = [(data.candidates[i].npv_cost_per_unit[y], m.build[i, y]) for (i, y) in m.build_index_set]
    terms += [(data.candidates[i].fixed_cost_pv[y], m.start[i, y]) for (i, y) in m.start_index_set]
    return terms


def cumulative_abatement_coefficients(data: ModelData) -> dict[tuple[str, int], float]:
    """tCO2e abated per unit built in (i, y), summed over roadmap years from the first decision year."""
    first = data.year_index(data.decision_years[0])
    last = data.year_index(int(data.roadmap_years[-1]))
    return {
        (i, y): float(a[:, first : last + 1].sum()) for i, c in data.candidates.items() for y, a in c.abatement.items()
    }


def abatement_reference(data: ModelData) -> float:
    """Cumulative BAU emissions over the same years (normaliser of the weighted objective)."""
    first = data.year_index(data.decision_years[0])
    last = data.year_index(int(data.roadmap_years[-1]))
    return max(float(data.bau.emissions[:, first : last + 1].sum()), 1.0)


def cost_reference(data: ModelData) -> float:
    """Total budget over the window, or the cost of building every potential (normaliser of NPV)."""
    series = data.case.budget.total_usd_by_year
    if series is not None and sum(series.by_year.values()) > 0:
        return float(sum(series.by_year.values()))
    total = sum(c.capex * c.potential + c.fixed_cost for c in data.candidates.values())
    return max(float(total), 1.0)


def add_objective(m: Model, data: ModelData, kind: str | ObjectiveKind | None = None) -> None:
    """objective: min_cost (USD), max_abatement (tCO2e) or weighted (dimensionless)."""
    kind = ObjectiveKind(kind or data.case.objective.kind)
    penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
    shortfall = [(1.0, m.shortfall[t]) for t in m.target_years]
    if kind is ObjectiveKind.MIN_COST:
        set_objective(m, cost_terms(m, data) + [(penalty, v) for _, v in shortfall], "minimize")
    elif kind is ObjectiveKind.MAX_ABATEMENT:
        set_objective(m, abatement_objective_terms(m, data), "maximize")
    elif kind is ObjectiveKind.WEIGHTED:
        set_objective(m, weighted_terms(m, data), "maximize")
    else:
        raise ValueError(f"an objective of the case's kinds, not {kind!r}")
    m.objective_kind = kind
    if has_projects(data):
        m.project_objective = project_objective(data, kind)


def project_objective(data: ModelData, kind: ObjectiveKind) -> np.ndarray:
    """The objective's coefficients of the project columns, term for term as for a national build: net present
    cost (min_cost), cumulative abatement (max_abatement, and the abatement floor of its second stage), or the
    weighted form with deployment = size / national potential (the intervention's projects' total size where
    the case gives no potential)."""
    pd_ = projects_of(data)
    if kind is ObjectiveKind.MIN_COST:
        return pd_.npv_cost.copy()
    if kind is ObjectiveKind.MAX_ABATEMENT:
        return pd_.cumulative_abatement.copy()
    w = data.case.objective.weights
    a_ref, c_ref = abatement_reference(data), cost_reference(data)
    n = max(len(data.candidates), 1)
    lib = data.loaded.library
    interventions = pd_.kept_column("intervention")
    size = pd_.column_values(pd_.setup.size)
    potential = pd_.column_values(pd_.setup.potential)
    total = {i: float(size[interventions == i].sum()) for i in set(interventions.tolist())}
    scale = np.where(np.isfinite(potential), potential, [total[i] for i in interventions.tolist()])
    item = [lib.interventions[i] for i in interventions.tolist()]
    score = np.array(
        [(w.co_benefit * x.co_benefit_score.value + w.resilience * x.resilience_score.value) / 3.0 for x in item]
    )
    return w.abatement * pd_.cumulative_abatement / a_ref - w.npv * pd_.npv_cost / c_ref + score * size / (n * scale)


def abatement_objective_terms(m, data: ModelData) -> list[tuple[float, object]]:
    """Cumulative abatement (tCO2e) minus the shortfall penalty expressed in tonnes."""
    penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e / MAX_ABATEMENT_PENALTY_DIVISOR
    cum = cumulative_abatement_coefficients(data)
    terms = [(cum[i, y], m.build[i, y]) for (i, y) in m.build_index_set]
    return terms + [(-penalty, m.shortfall[t]) for t in m.target_years]


STAGE_ROW_MAGNITUDE = 1e3
"""A second-stage row (``abatement_floor``, ``shortfall_cap``) is scaled so that its bound is at most this in
magnitude. Unscaled, a national bound of 1e11 tonnes has a last-place rounding of 3e-5, beyond HiGHS's
absolute feasibility tolerance (1e-7): a plan exactly on the bound then ends in a HiGHS solve error. Scaled,
that tolerance is 1e-10 of the bound, inside the stage tolerances above and below."""


def stage_row_scale(bound: float) -> float:
    """Factor a second-stage row and its bound are multiplied by (see :data:`STAGE_ROW_MAGNITUDE`)."""
    return min(1.0, STAGE_ROW_MAGNITUDE / abs(bound)) if bound else 1.0


def abatement_floor(best_abatement: float) -> float:
    """Bound of ``abatement_floor``: the stage-one optimum less :data:`LEXICOGRAPHIC_TOLERANCE`."""
    return best_abatement - LEXICOGRAPHIC_TOLERANCE * max(abs(best_abatement), 1.0)


SHORTFALL_TOLERANCE = 1e-9
"""Second stage of elastic ``min_cost``: total shortfall may exceed the first stage's by this (relative)."""


def shortfall_cap(shortfall: float) -> float:
    """A shortfall that a later solve may not exceed: ``shortfall`` plus :data:`SHORTFALL_TOLERANCE` (and
    1e-7 t, for a shortfall of zero)."""
    return shortfall * (1 + SHORTFALL_TOLERANCE) + 1e-7


def stage_row_terms(m, data: ModelData, row: str) -> list[tuple[float, object]]:
    """Terms of a second-stage row: the abatement objective (``abatement_floor``) or the total shortfall
    (``shortfall_cap``)."""
    if row == "abatement_floor":
        return abatement_objective_terms(m, data)
    if row == "shortfall_cap":
        return [(1.0, m.shortfall[t]) for t in m.target_years]
    raise ValueError(f"unknown stage row {row!r}")


def add_second_stage(m: pyo.ConcreteModel, data: ModelData, stage: SecondStage) -> None:
    """A second solve stage on a Pyomo model (the driver decides when, :func:`optimizer.driver.second_stage`):
    the stage row bounded (scaled, :func:`stage_row_scale`) and the net present cost minimised alone, so the
    MIP gap measures money, not the penalty or the abatement of the first stage.

    - ``abatement_floor`` (``max_abatement``, lexicographic): objective >= stage-one best - tolerance;
    - ``shortfall_cap`` (elastic ``min_cost`` that left a shortfall): total shortfall <= the first stage's."""
    bound = stage.upper if stage.lower == -np.inf else stage.lower
    k = stage_row_scale(bound)
    body = linear([(k * coef, var) for coef, var in stage_row_terms(m, data, stage.row)])
    row = body >= k * stage.lower if stage.lower != -np.inf else body <= k * stage.upper
    setattr(m, stage.row, pyo.Constraint(expr=row))
    m.objective.deactivate()
    m.least_cost_objective = pyo.Objective(expr=linear(cost_terms(m, data)), sense=pyo.minimize)


def weighted_terms(m, data: ModelData) -> list[tuple[float, object]]:
    """w_a abatement/A_ref - w_n cost/C_ref + w_c mean(co-benefit x deployment) + w_r mean(resilience x
    deployment) - penalty shortfall / C_ref; scores scaled to 0-1, deployment = units built / potential."""
    w = data.case.objective.weights
    a_ref, c_ref = abatement_reference(data), cost_reference(data)
    n = max(len(data.candidates), 1)
    cum = cumulative_abatement_coefficients(data)
    terms = [(w.abatement * cum[i, y] / a_ref, m.build[i, y]) for (i, y) in m.build_index_set]
    terms += [(-w.npv * coef / c_ref, v) for coef, v in cost_terms(m, data)]
    for i, y in m.build_index_set:
        c = data.candidates[i]
        score = (w.co_benefit * c.co_benefit + w.resilience * c.resilience) / 3.0
        terms.append((score / (n * c.potential), m.build[i, y]))
    penalty = data.case.target_rules.shortfall_penalty_usd_per_tco2e
    terms += [(-penalty / c_ref, m.shortfall[t]) for t in m.target_years]
    return _merge(terms)


def _merge(terms):
    merged: dict[int, list] = {}
    for coef, var in terms:
        key = id(var)
        if key in merged:
            merged[key][0] += coef
        else:
            merged[key] = [coef, var]
    return [(float(np.float64(c)), v) for c, v in merged.values()]
