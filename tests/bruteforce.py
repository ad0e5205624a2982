"""Brute-force optimum of a small case by enumerating every deployment plan.

Independent of the Pyomo formulation: each candidate's plans are (start year or none) x (integer units
built per year after the start, within the ramp and the potential), every constraint family is re-stated
as a plain check on feature sums, and combinations are evaluated with numpy broadcasting. The per-unit
coefficients (abatement, activity removed, cohort net present cost, first-year saving) are recomputed
here with plain loops from the library and case inputs and checked against ``prepare`` before use.
Financing sources are checked with Hall's condition: spending whose eligible sources all lie in a set X
must fit in the envelopes of X, for every X.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from optimizer.model.objective import MAX_ABATEMENT_PENALTY_DIVISOR
from optimizer.prepare import Candidate, ModelData, applicable_effects


@dataclass
class BruteForce:
    feasible: bool
    objective: float | None
    plans: dict | None
    least_cost: float | None = None  # max_abatement: cheapest net present cost among optimal plans


def candidate_plans(c: Candidate) -> list[tuple[int | None, dict[int, int]]]:
    plans: list[tuple[int | None, dict[int, int]]] = [(None, {})]
    for s in c.start_years:
        years = [y for y in c.build_years if y >= s]
        if c.all_or_nothing:
            plans.append((s, {s: int(c.potential)}))
            continue
        ramp = round(c.ramp)
        for combo in itertools.product(range(ramp + 1), repeat=len(years)):
            if sum(combo) <= c.potential + 1e-9 and combo[0] >= 1:  # a launch builds in its start year
                plans.append((s, dict(zip(years, combo))))
    return plans


def recompute_coefficients(data: ModelData, i: str) -> dict:
    """Per-unit coefficients of candidate i by plain loops over years (a second implementation)."""
    c = data.candidates[i]
    case = data.case
    r = case.discount_rate.value
    years = [int(t) for t in data.years]
    out = {"abatement": {}, "removed": {}, "npc": {}, "saving": {}}
    for y in c.build_years:
        abate = np.zeros((len(data.bau.source_ids), len(years)))
        removed = np.zeros_like(abate)
        npc = c.capex / (1 + r) ** (y - case.base_year)
        first_running = None
        for k, t in enumerate(years):
            if not (y + c.lead_time <= t <= y + c.lead_time + c.lifetime - 1):
                continue
            running = c.om_change
            for eff in applicable_effects(data.loaded, i):
                s = data.bau.source_ids.index(eff.source)
                if eff.type == "share":
                    abate[s, k] += eff.fraction.value * data.bau.emissions[s, k] / c.potential
                else:
                    if eff.change_per_unit_year is not None:
                        d = eff.change_per_unit_year.value
                    else:  # a share of the (relative_to) source's base-year activity per unit of potential
                        rel = data.bau.source_ids.index(eff.relative_to or eff.source)
                        d = eff.change_share_of_unit_activity.value * data.bau.activity[rel, 0] / c.potential
                    abate[s, k] -= d * data.bau.factor[s, k]
                    removed[s, k] -= d
                    running += d * data.bau.price[s, k]
            npc += running / (1 + r) ** (t - case.base_year)
            first_running = running if first_running is None else first_running
        out["abatement"][y], out["removed"][y], out["npc"][y] = abate, removed, npc
        out["saving"][y] = -first_running
    return out


def check_coefficients(data: ModelData) -> dict[str, dict]:
    coefs = {}
    for i, c in data.candidates.items():
        mine = recompute_coefficients(data, i)
        for y in c.build_years:
            assert np.allclose(mine["abatement"][y], c.abatement[y], rtol=1e-12, atol=1e-9), (i, y, "abatement")
            assert np.allclose(mine["removed"][y], c.activity_removed[y], rtol=1e-12, atol=1e-9), (i, y, "removed")
            assert np.isclose(mine["npc"][y], c.npv_cost_per_unit[y], rtol=1e-12, atol=1e-9), (i, y, "npc")
            assert np.isclose(mine["saving"][y], c.saving_per_unit[y], rtol=1e-12, atol=1e-9), (i, y, "saving")
        coefs[i] = mine
    return coefs


def solve_by_enumeration(data: ModelData, objective: str) -> BruteForce:
    coefs = check_coefficients(data)
    ids = list(data.candidates)
    years = data.decision_years
    case = data.case
    r = case.discount_rate.value
    labels: list[str] = []
    rhs: list[float] = []

    def row(label: str, bound: float) -> None:
        labels.append(label)
        rhs.append(bound)

    budget = case.budget.total_usd_by_year
    if budget is not None:
        for y in years:
            row(f"budget:{y}", budget.by_year[y])
    fin_ids = [f.id for f in data.financing]
    envelopes = {f.id: f.envelope_usd_by_year.by_year for f in data.financing}
    fin_subsets = [frozenset(x) for n in range(1, len(fin_ids) + 1) for x in itertools.combinations(fin_ids, n)]
    for subset in fin_subsets:
        for y in years:
            row(f"hall:{sorted(subset)}:{y}", sum(envelopes[f].get(y, 0.0) for f in subset))
    phase_budget = {ph.id: ph.budget_usd.value for ph in case.phases if ph.budget_usd is not None}
    for p, b in phase_budget.items():
        row(f"phase:{p}", b)
    for res in case.resources:
        for y in years:
            row(f"res:{res.id}:{y}", res.limit_by_year.by_year[y])
    if case.payback.portfolio_max_years is not None:
        row("payback", 0.0)
    floor_years = [int(t) for t in data.years if int(t) >= years[0]]
    for s_row, sid in enumerate(data.bau.source_ids):
        for t in floor_years:
            k = data.year_index(t)
            row(f"floor:{sid}:{t}", float(data.bau.emissions[s_row, k]))
            row(f"activity:{sid}:{t}", float(data.bau.activity[s_row, k]))
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
    index = {lab: k for k, lab in enumerate(labels)}
    targets = data.target_years
    req = np.array([float(data.bau.emissions[:, data.year_index(t)].sum() - data.pathway[t]) for t in targets])
    first, last = data.year_index(years[0]), data.year_index(int(data.roadmap_years[-1]))
    a_ref = max(float(data.bau.emissions[:, first : last + 1].sum()), 1.0)
    if budget is not None and sum(budget.by_year.values()) > 0:
        c_ref = float(sum(budget.by_year.values()))
    else:
        c_ref = max(float(sum(c.capex * c.potential + c.fixed_cost for c in data.candidates.values())), 1.0)
    w = case.objective.weights
    n = max(len(ids), 1)

    feats, objs, costs, abates, plan_lists = [], [], [], [], []
    for i in ids:
        c = data.candidates[i]
        co = coefs[i]
        plans = candidate_plans(c)
        F = np.zeros((len(plans), len(labels)))
        obj = np.zeros(len(plans))
        cost_v = np.zeros(len(plans))
        ab = np.zeros((len(plans), len(targets)))
        for k, (s, builds) in enumerate(plans):
            spend = {y: c.capex * builds.get(y, 0) + (c.fixed_cost if s == y else 0.0) for y in years}
            cost = sum(co["npc"][y] * u for y, u in builds.items())
            cost += c.fixed_cost / (1 + r) ** (s - case.base_year) if s else 0.0
            zero = np.zeros_like(data.bau.emissions)
            abate_units = sum((co["abatement"][y] * u for y, u in builds.items() if u), zero)
            removed_units = sum((co["removed"][y] * u for y, u in builds.items() if u), zero)
            if budget is not None:
                for y in years:
                    F[k, index[f"budget:{y}"]] += spend[y]
            eligible = frozenset(c.financing)
            for subset in fin_subsets:
                if eligible <= subset:
                    for y in years:
                        F[k, index[f"hall:{sorted(subset)}:{y}"]] += spend[y]
            if c.phase in phase_budget:
                F[k, index[f"phase:{c.phase}"]] += sum(spend.values())
            for res in case.resources:
                for y in years:
                    use = c.resource_per_unit.get(res.id, 0.0) * builds.get(y, 0)
                    use += c.resource_per_start.get(res.id, 0.0) * (1 if s == y else 0)
                    F[k, index[f"res:{res.id}:{y}"]] += use
            if case.payback.portfolio_max_years is not None:
                saving = sum(co["saving"][y] * u for y, u in builds.items())
                F[k, index["payback"]] += sum(spend.values()) - case.payback.portfolio_max_years.value * saving
            for s_row, sid in enumerate(data.bau.source_ids):
                for t in floor_years:
                    kk = data.year_index(t)
                    F[k, index[f"floor:{sid}:{t}"]] += abate_units[s_row, kk]
                    F[k, index[f"activity:{sid}:{t}"]] += removed_units[s_row, kk]
            if c.group in groups:
                for t in data.years:
                    active = sum(u for y, u in builds.items() if y + c.lead_time <= t < y + c.lead_time + c.lifetime)
                    F[k, index[f"group:{c.group}:{int(t)}"]] += active / c.potential
            started_by = {y: 1.0 if (s is not None and s <= y) else 0.0 for y in years}
            for p in c.prerequisites:
                for y in years:
                    F[k, index[f"pre:{i}:{p}:{y}"]] += started_by[y]
            for j, cj in data.candidates.items():
                if i in cj.prerequisites:
                    for y in years:
                        F[k, index[f"pre:{j}:{i}:{y}"]] -= started_by[y]
            for q_, t in enumerate(targets):
                ab[k, q_] = abate_units[:, data.year_index(t)].sum()
            cum_ab = float(abate_units[:, first : last + 1].sum())
            cost_v[k] = cost
            if objective == "min_cost":
                obj[k] = cost
            elif objective == "max_abatement":
                obj[k] = cum_ab
            else:
                score = (w.co_benefit * c.co_benefit + w.resilience * c.resilience) / 3.0
                obj[k] = (
                    w.abatement * cum_ab / a_ref
                    - w.npv * cost / c_ref
                    + score * sum(builds.values()) / (n * c.potential)
                )
        feats.append(F)
        objs.append(obj)
        costs.append(cost_v)
        abates.append(ab)
        plan_lists.append(plans)

    shape = [len(p) for p in plan_lists]
    total_F = np.zeros(shape + [len(labels)])
    total_obj = np.zeros(shape)
    total_cost = np.zeros(shape)
    total_ab = np.zeros(shape + [len(targets)])
    for d, (F, obj, cost_v, ab) in enumerate(zip(feats, objs, costs, abates)):
        expand = [1] * len(shape)
        expand[d] = shape[d]
        total_F = total_F + F.reshape(expand + [len(labels)])
        total_obj = total_obj + obj.reshape(expand)
        total_cost = total_cost + cost_v.reshape(expand)
        total_ab = total_ab + ab.reshape(expand + [len(targets)])
    tol = 1e-6
    bound = np.array(rhs)
    feasible = np.all(total_F <= bound + tol * (1 + np.abs(bound)), axis=-1)
    shortfall = np.clip(req - total_ab, 0.0, None)
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
    least_cost = None
    if objective == "max_abatement":
        optimal = feasible & (value >= value[best] - 1e-6 * max(1.0, abs(value[best])))
        least_cost = float(np.min(np.where(optimal, total_cost, np.inf)))
    return BruteForce(True, float(value[best]), plans, least_cost)
