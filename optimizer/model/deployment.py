"""Deployment logic: starts, the start-build link (potential and ramp), all-or-nothing, groups,
prerequisites. Phase and maturity gating are in the sparse start index (see ``indices.start_index``)."""

from __future__ import annotations

from ..prepare import ModelData
from .expressions import Model, add_rows, at_least, at_most, equal
from .indices import group_members, prerequisite_pairs
from .projects import add_group_terms, group_activity, project_groups


def add_start_once(m: Model, data: ModelData) -> None:
    """start_once[i]: sum_y start[i,y] <= 1 (a programme is launched at most once)."""
    ids = [i for i, c in data.candidates.items() if c.start_years]

    def rule(m, i):
        return at_most([(1.0, m.start[i, y]) for y in data.candidates[i].start_years], 1.0)

    add_rows(m, "start_once", ids, rule)


def add_deployment_link(m: Model, data: ModelData) -> None:
    """deployment_link[i,y]: units built up to y <= sum_{tau<=y} min(P_i, R_i (y - tau + 1)) start[i,tau].

    Nothing is built before the start; cumulative building stays within the potential P_i and within
    what the ramp R_i allows since the start (the tight form of the link)."""
    index = [(i, y) for (i, y) in m.build_index_set if not data.candidates[i].all_or_nothing]

    def rule(m, i, y):
        c = data.candidates[i]
        built = [(1.0, m.build[i, tau]) for tau in c.build_years if tau <= y]
        allowed = [(-min(c.potential, c.ramp * (y - tau + 1)), m.start[i, tau]) for tau in c.start_years if tau <= y]
        return at_most(built + allowed, 0.0)

    add_rows(m, "deployment_link", index, rule)


MIN_START_SHARE = 0.01
"""A continuous programme that starts deploys at least this share of its potential in its start year."""


def min_start_units(c) -> float:
    """Units a launched programme deploys at least in its start year: 1 whole unit for lumpy
    interventions, ``MIN_START_SHARE`` of the potential otherwise (never more than the ramp allows)."""
    return min(c.ramp, 1.0 if c.integer else MIN_START_SHARE * c.potential)


def add_start_deploys(m: Model, data: ModelData) -> None:
    """start_deploys[i,y]: build[i,y] >= mu_i start[i,y] (a launch deploys something in its start year, so
    an empty launch cannot satisfy a prerequisite)."""
    index = [(i, y) for (i, y) in m.start_index_set if not data.candidates[i].all_or_nothing]

    def rule(m, i, y):
        return at_least([(1.0, m.build[i, y]), (-min_start_units(data.candidates[i]), m.start[i, y])], 0.0)

    add_rows(m, "start_deploys", index, rule)


def add_all_or_nothing(m: Model, data: ModelData) -> None:
    """all_or_nothing[i,y]: build[i,y] = P_i start[i,y] (whole potential in the start year, or nothing)."""
    index = [(i, y) for (i, y) in m.build_index_set if data.candidates[i].all_or_nothing]

    def rule(m, i, y):
        c = data.candidates[i]
        terms = [(1.0, m.build[i, y])]
        if (i, y) in m.start_index_set:
            terms.append((-c.potential, m.start[i, y]))
        return equal(terms, 0.0)

    add_rows(m, "all_or_nothing", index, rule)


def add_group_share(m: Model, data: ModelData) -> None:
    """group_share[g,t]: sum_{i in g} active[i,t] / P_i <= max_share_g, in every year some member can be
    active (members compete for the same slice of a source); identical rows are written once."""
    rows: dict[tuple[str, int], list] = {}
    members_of = group_members(data)
    for g in sorted(set(members_of) | project_groups(data)):
        members = [(i, data.candidates[i]) for i in members_of.get(g, [])]
        seen: set[tuple] = set()
        for t in data.years.tolist():
            cohorts = [(i, y) for i, c in members for y in c.cohorts_active_in(t)]
            projects = group_activity(data, g, t)
            key = (frozenset(cohorts), projects)
            if (cohorts or projects) and key not in seen:
                seen.add(key)
                rows[g, t] = [(1.0 / data.candidates[i].potential, m.build[i, y]) for i, y in cohorts]
    library = data.loaded.library

    def rule(m, g, t):
        return at_most(rows[g, t], library.groups[g].max_combined_share)

    add_rows(m, "group_share", list(rows), rule)
    add_group_terms(m, data, list(rows))


def add_prerequisites(m: Model, data: ModelData) -> None:
    """prerequisite[j,p,y]: sum_{tau<=y} start[j,tau] <= sum_{tau<=y} start[p,tau] (a dependent cannot
    start before its prerequisite)."""

    def rule(m, j, p, y):
        dependent = [(1.0, m.start[j, tau]) for tau in data.candidates[j].start_years if tau <= y]
        prerequisite = [(-1.0, m.start[p, tau]) for tau in data.candidates[p].start_years if tau <= y]
        return at_most(dependent + prerequisite, 0.0)

    add_rows(m, "prerequisite", prerequisite_pairs(data), rule)
