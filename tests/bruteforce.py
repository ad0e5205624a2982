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
from optimizer.prepare import Candidate, ModelData, applicable_effects, make_candidate


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
    project_rows(data, row, labels)
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
            if f"pot:{i}" in index:
                F[k, index[f"pot:{i}"]] += sum(builds.values())
            for label in labels:
                if label.startswith("prog:") and label.split(":")[2] == i:
                    F[k, index[label]] -= started_by[int(label.split(":")[3])]
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

    context = Context(index, labels, fin_subsets, phase_budget, floor_years, groups, targets, first, last)
    for F, obj, cost_v, ab, plans in project_dimensions(data, context, objective, a_ref, c_ref, n):
        feats.append(F)
        objs.append(obj)
        costs.append(cost_v)
        abates.append(ab)
        plan_lists.append(plans)
        ids.append(f"project:{plans[-1][0]}")
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


@dataclass
class Context:
    index: dict
    labels: list
    fin_subsets: list
    phase_budget: dict
    floor_years: list
    groups: dict
    targets: list
    first: int
    last: int


def project_rows(data: ModelData, row, labels: list) -> None:
    """The rows only pipeline projects have, as plain checks: alternatives, prerequisites (project and
    programme), shared potential and regional budgets."""
    pd_ = data.projects
    if pd_ is None:
        return
    frame = pd_.frame
    kept = set(pd_.kept.tolist())
    years = data.decision_years
    for g in sorted({frame["exclusive_group"].iat[k] for k in kept} - {""}):
        row(f"alt:{g}", 1.0)
    for k in sorted(kept):
        for p in frame["prerequisites"].iat[k]:
            for y in years:
                row(f"ppre:{frame['id'].iat[k]}:{p}:{y}", 0.0)
    for k, iid in pd_.setup.programme_prerequisites:
        if k in kept:
            for y in years:
                row(f"prog:{frame['id'].iat[k]}:{iid}:{y}", 0.0)
    for iid in sorted({frame["intervention"].iat[k] for k in kept}):
        potential = pd_.setup.potential[frame.index[frame["intervention"] == iid][0]]
        if np.isfinite(potential):
            row(f"pot:{iid}", float(potential))
    for region, series in data.case.budget.regional_usd_by_year.items():
        for y in years:
            row(f"reg:{region}:{y}", series.by_year[y])
    project_groups = {pd_.setup.group[k] for k in kept if np.isfinite(pd_.setup.potential[k])} - {None}
    for g in sorted(project_groups):
        for t in data.years:
            if f"group:{g}:{int(t)}" not in labels:
                row(f"group:{g}:{int(t)}", data.loaded.library.groups[g].max_combined_share)


def recompute_project(data: ModelData, k: int, y: int) -> dict:
    """Project k (a row of the table) started in y: spend, net present cost, first-year saving, abatement and
    activity removed by (source, year), by plain loops from the table, the case and the library."""
    frame = data.projects.frame
    rec = frame.iloc[k]
    iid = rec["intervention"]
    c = make_candidate(data.loaded, iid)  # per-unit defaults, also of programmes the case screens out
    size = float(rec["size"])

    def given(column, default):
        value = rec[column]
        return default if value != value else float(value)

    capex = given("capex_usd", c.capex * size)
    fixed = given("fixed_cost_usd", 0.0)
    om = given("om_change_usd_per_year", c.om_change * size)
    life = int(given("lifetime_years", c.lifetime))
    lead = int(given("lead_time_years", c.lead_time))
    sources = data.bau.source_ids
    share = np.zeros(len(sources))
    delta = np.zeros(len(sources))
    for eff in applicable_effects(data.loaded, iid):
        s = sources.index(eff.source)
        if eff.type == "share":
            share[s] += eff.fraction.value / c.potential * size
        elif eff.change_per_unit_year is not None:
            delta[s] += eff.change_per_unit_year.value * size
        else:
            rel = sources.index(eff.relative_to or eff.source)
            delta[s] += eff.change_share_of_unit_activity.value * data.bau.activity[rel, 0] / c.potential * size
    for s, sid in enumerate(sources):
        column = f"change_{sid}_per_year"
        if column in frame.columns and rec[column] == rec[column]:
            share[s], delta[s] = 0.0, float(rec[column])
    r = data.case.discount_rate.value
    base_year = data.case.base_year
    abate = np.zeros_like(data.bau.emissions)
    removed = np.zeros_like(abate)
    npc = (capex + fixed) / (1 + r) ** (y - base_year)
    first_running = None
    for kk, t in enumerate(int(t) for t in data.years):
        if not (y + lead <= t <= y + lead + life - 1):
            continue
        running = om
        for s in range(len(sources)):
            abate[s, kk] = share[s] * data.bau.emissions[s, kk] - delta[s] * np.nan_to_num(data.bau.factor[s, kk])
            removed[s, kk] = -delta[s]
            running += delta[s] * np.nan_to_num(data.bau.price[s, kk])
        npc += running / (1 + r) ** (t - base_year)
        first_running = running if first_running is None else first_running
    return {
        "spend": capex + fixed,
        "npc": npc,
        "saving": -(first_running or 0.0),
        "abatement": abate,
        "removed": removed,
        "size": size,
        "lead": lead,
        "life": life,
    }


def project_dimensions(data: ModelData, ctx: Context, objective: str, a_ref: float, c_ref: float, n: int):
    """One enumeration dimension per usable project: not started, or started in one of its years."""
    pd_ = data.projects
    if pd_ is None:
        return
    frame = pd_.frame
    case = data.case
    years = data.decision_years
    index = ctx.index
    w = case.objective.weights
    lib = data.loaded.library
    for j, k in enumerate(pd_.kept.tolist()):
        pid = frame["id"].iat[k]
        iid = frame["intervention"].iat[k]
        start_years = pd_.col_year[pd_.col_project == j].tolist()
        plans = [(pid, None)] + [(pid, y) for y in start_years]
        F = np.zeros((len(plans), len(ctx.labels)))
        obj = np.zeros(len(plans))
        cost_v = np.zeros(len(plans))
        ab = np.zeros((len(plans), len(ctx.targets)))
        for q, (_, y) in enumerate(plans):
            started_by = {yy: 1.0 if (y is not None and y <= yy) else 0.0 for yy in years}
            if y is None:  # not started: nothing counts
                continue
            co = recompute_project(data, k, y)
            i_phase = pd_.setup.phase[k]
            if f"budget:{y}" in index:
                F[q, index[f"budget:{y}"]] += co["spend"]
            eligible = frozenset(pd_.setup.financing[k])
            for subset in ctx.fin_subsets:
                if eligible <= subset:
                    F[q, index[f"hall:{sorted(subset)}:{y}"]] += co["spend"]
            if i_phase in ctx.phase_budget:
                F[q, index[f"phase:{i_phase}"]] += co["spend"]
            for res in case.resources:
                per_unit = lib.interventions[iid].resource_use_per_unit.get(res.id)
                if per_unit is not None:
                    F[q, index[f"res:{res.id}:{y}"]] += per_unit.value * co["size"]
            if case.payback.portfolio_max_years is not None:
                F[q, index["payback"]] += co["spend"] - case.payback.portfolio_max_years.value * co["saving"]
            for s_row, sid in enumerate(data.bau.source_ids):
                for t in ctx.floor_years:
                    kk = data.year_index(t)
                    F[q, index[f"floor:{sid}:{t}"]] += co["abatement"][s_row, kk]
                    F[q, index[f"activity:{sid}:{t}"]] += co["removed"][s_row, kk]
            group = pd_.setup.group[k]
            potential = pd_.setup.potential[k]
            if group is not None and np.isfinite(potential):
                for t in data.years:
                    if y + co["lead"] <= t < y + co["lead"] + co["life"]:
                        F[q, index[f"group:{group}:{int(t)}"]] += co["size"] / potential
            g = frame["exclusive_group"].iat[k]
            if f"alt:{g}" in index:
                F[q, index[f"alt:{g}"]] += 1.0
            if f"pot:{iid}" in index:
                F[q, index[f"pot:{iid}"]] += co["size"]
            region = frame["region"].iat[k]
            if f"reg:{region}:{y}" in index:
                F[q, index[f"reg:{region}:{y}"]] += co["spend"]
            for label in ctx.labels:
                parts = label.split(":")
                if parts[0] == "ppre" and parts[1] == pid:
                    F[q, index[label]] += started_by[int(parts[3])]
                elif parts[0] == "ppre" and parts[2] == pid:
                    F[q, index[label]] -= started_by[int(parts[3])]
                elif parts[0] == "prog" and parts[1] == pid:
                    F[q, index[label]] += started_by[int(parts[3])]
            for t_k, t in enumerate(ctx.targets):
                ab[q, t_k] = co["abatement"][:, data.year_index(t)].sum()
            cum = float(co["abatement"][:, ctx.first : ctx.last + 1].sum())
            cost_v[q] = co["npc"]
            if objective == "min_cost":
                obj[q] = co["npc"]
            elif objective == "max_abatement":
                obj[q] = cum
            else:
                item = lib.interventions[iid]
                score = (w.co_benefit * item.co_benefit_score.value + w.resilience * item.resilience_score.value) / 3
                obj[q] = w.abatement * cum / a_ref - w.npv * co["npc"] / c_ref + score * co["size"] / (n * potential)
        yield F, obj, cost_v, ab, plans
