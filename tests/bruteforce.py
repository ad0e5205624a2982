"""Brute-force optimum of a small case by enumerating every deployment plan.

Independent of the Pyomo formulation: it uses only the prepared per-unit coefficients (checked by the
hand-solvable tests) and re-states every constraint family as a plain check on feature sums. Each
candidate's plans are (start year or none) x (integer units built per year after the start, within the
ramp and the potential); combinations are evaluated with numpy broadcasting.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from optimizer.model.limits import required_abatement
from optimizer.model.objective import (
    MAX_ABATEMENT_PENALTY_DIVISOR,
    abatement_reference,
    cost_reference,
    cumulative_abatement_coefficients,
)
from optimizer.prepare import Candidate, ModelData


@dataclass
class BruteForce:
    feasible: bool
    objective: float | None
    plans: dict | None


def candidate_plans(c: Candidate) -> list[tuple[int | None, dict[int, int]]]:
    plans: list[tuple[int | None, dict[int, int]]] = [(None, {})]
    for s in c.start_years:
        years = [y for y in c.build_years if y >= s]
        if c.all_or_nothing:
            plans.append((s, {s: int(c.potential)}))
            continue
        ramp = int(round(c.ramp))
        for combo in itertools.product(range(ramp + 1), repeat=len(years)):
            if sum(combo) <= c.potential + 1e-9 and combo[0] >= 1:  # a launch builds in its start year
                plans.append((s, dict(zip(years, combo))))
    return plans


def solve_by_enumeration(data: ModelData, objective: str) -> BruteForce:
    ids = list(data.candidates)
    years = data.decision_years
    case = data.case
    labels: list[str] = []
    rhs: list[float] = []

    def row(label: str, bound: float) -> None:
        labels.append(label)
        rhs.append(bound)

    budget = case.budget.total_usd_by_year
    if budget is not None:
        for y in years:
            row(f"budget:{y}", budget.by_year[y])
    phase_budget = {ph.id: ph.budget_usd.value for ph in case.phases if ph.budget_usd is not None}
    for p, b in phase_budget.items():
        row(f"phase:{p}", b)
    for r in case.resources:
        for y in years:
            row(f"res:{r.id}:{y}", r.limit_by_year.by_year[y])
    if case.payback.portfolio_max_years is not None:
        row("payback", 0.0)
    first = data.year_index(years[0])
    for s_row, sid in enumerate(data.bau.source_ids):
        for t in data.roadmap_years:
            k = data.year_index(int(t))
            if k >= first:
                row(f"floor:{sid}:{int(t)}", float(data.bau.emissions[s_row, k]))
    groups: dict[str, list[str]] = {}
    for i, c in data.candidates.items():
        if c.group:
            groups.setdefault(c.group, []).append(i)
    for g in groups:
        for t in data.years:
            row(f"group:{g}:{int(t)}", data.loaded.library.groups[g].max_combined_share)
    for j, c in data.candidates.items():
        for p in c.prerequisites:
            for y in years:
                row(f"pre:{j}:{p}:{y}", 0.0)
    # Starting a prerequisite-dependent with no prerequisite start years at all is impossible.
    index = {lab: k for k, lab in enumerate(labels)}
    targets = data.target_years
    req = np.array([required_abatement(data, t) for t in targets])
    cum = cumulative_abatement_coefficients(data)
    a_ref, c_ref = abatement_reference(data), cost_reference(data)
    w = case.objective.weights
    n = max(len(ids), 1)

    feats, objs, abates, plan_lists = [], [], [], []
    for i in ids:
        c = data.candidates[i]
        plans = candidate_plans(c)
        F = np.zeros((len(plans), len(labels)))
        obj = np.zeros(len(plans))
        ab = np.zeros((len(plans), len(targets)))
        for k, (s, builds) in enumerate(plans):
            spend = {y: c.capex * builds.get(y, 0) + (c.fixed_cost if s == y else 0.0) for y in years}
            cost = sum(c.npv_cost_per_unit[y] * u for y, u in builds.items()) + (c.fixed_cost_pv[s] if s else 0.0)
            abate_units = sum((c.abatement[y] * u for y, u in builds.items() if u), np.zeros_like(data.bau.emissions))
            if budget is not None:
                for y in years:
                    F[k, index[f"budget:{y}"]] += spend[y]
            if c.phase in phase_budget:
                F[k, index[f"phase:{c.phase}"]] += sum(spend.values())
            for r in case.resources:
                for y in years:
                    use = c.resource_per_unit.get(r.id, 0.0) * builds.get(y, 0)
                    use += c.resource_per_start.get(r.id, 0.0) * (1 if s == y else 0)
                    F[k, index[f"res:{r.id}:{y}"]] += use
            if case.payback.portfolio_max_years is not None:
                saving = sum(c.saving_per_unit[y] * u for y, u in builds.items())
                F[k, index["payback"]] += sum(spend.values()) - case.payback.portfolio_max_years.value * saving
            for s_row, sid in enumerate(data.bau.source_ids):
                for t in data.roadmap_years:
                    kk = data.year_index(int(t))
                    if kk >= first:
                        F[k, index[f"floor:{sid}:{int(t)}"]] += abate_units[s_row, kk]
            if c.group in groups:
                for t in data.years:
                    active = sum(u for y, u in builds.items() if int(t) in c.active_years(y))
                    F[k, index[f"group:{c.group}:{int(t)}"]] += active / c.potential
            started_by = {y: 1.0 if (s is not None and s <= y) else 0.0 for y in years}
            for p in c.prerequisites:
                for y in years:
                    F[k, index[f"pre:{i}:{p}:{y}"]] += started_by[y]
            for j, cj in data.candidates.items():
                if i in cj.prerequisites:
                    for y in years:
                        F[k, index[f"pre:{j}:{i}:{y}"]] -= started_by[y]
            for q, t in enumerate(targets):
                ab[k, q] = abate_units[:, data.year_index(t)].sum()
            cum_ab = sum(cum[i, y] * u for y, u in builds.items())
            if objective == "min_cost":
                obj[k] = cost
            elif objective == "max_abatement":
                obj[k] = cum_ab
            else:
                score = (w.co_benefit * c.co_benefit + w.resilience * c.resilience) / 3.0
                units = sum(builds.values())
                obj[k] = w.abatement * cum_ab / a_ref - w.npv * cost / c_ref + score * units / (n * c.potential)
        feats.append(F)
        objs.append(obj)
        abates.append(ab)
        plan_lists.append(plans)

    shape = [len(p) for p in plan_lists]
    total_F = np.zeros(shape + [len(labels)])
    total_obj = np.zeros(shape)
    total_ab = np.zeros(shape + [len(targets)])
    for d, (F, obj, ab) in enumerate(zip(feats, objs, abates)):
        expand = [1] * len(shape)
        expand[d] = shape[d]
        total_F = total_F + F.reshape(expand + [len(labels)])
        total_obj = total_obj + obj.reshape(expand)
        total_ab = total_ab + ab.reshape(expand + [len(targets)])
    tol = 1e-6
    feasible = np.all(total_F <= np.array(rhs) + tol * (1 + np.abs(np.array(rhs))), axis=-1)
    shortfall = np.clip(req - total_ab, 0.0, None) if len(targets) else np.zeros(shape + [0])
    penalty = case.target_rules.shortfall_penalty_usd_per_tco2e
    if case.target_rules.mode == "hard" and len(targets):
        feasible &= np.all(shortfall <= tol * (1 + np.abs(req)), axis=-1)
        shortfall = np.zeros_like(shortfall)
    sf = shortfall.sum(axis=-1)
    if objective == "min_cost":
        value, sense = total_obj + penalty * sf, 1.0
    elif objective == "max_abatement":
        value, sense = total_obj - penalty / MAX_ABATEMENT_PENALTY_DIVISOR * sf, -1.0
    else:
        value, sense = total_obj - penalty / c_ref * sf, -1.0
    if not feasible.any():
        return BruteForce(False, None, None)
    masked = np.where(feasible, sense * value, np.inf)
    best = np.unravel_index(np.argmin(masked), masked.shape)
    plans = {ids[d]: plan_lists[d][best[d]] for d in range(len(ids))}
    return BruteForce(True, float(value[best]), plans)
