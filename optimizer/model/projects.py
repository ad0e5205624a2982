"""Pipeline projects in the MILP: the families only projects have, and each shared family's project terms.

A project column ``x[p,y]`` (binary) starts project p in year y: all of its ``size`` units are built that year,
paid that year, and active from y + lead time for its lifetime. Project terms are arrays over the columns
(:meth:`optimizer.model.rows.RowModel.add_project_terms`), never one Python object per project, so that a
pipeline of tens of thousands of projects builds in about a second (docs/formulation.md, section 4.4).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..errors import InputError, Problem
from ..pipeline.projects import ProjectData
from ..prepare import ModelData
from .expressions import Model, Row, add_rows, at_most, equal


def project_terms(m: Model, family: str, keys: list, rows: np.ndarray, cols: np.ndarray, values) -> None:
    """Add project-column coefficients to rows of ``family`` (see ``RowModel.add_project_terms``)."""
    from .rows import RowModel

    if not isinstance(m, RowModel):
        raise pipelines_unsupported(m)
    m.add_project_terms(family, keys, rows, cols, values)


def pipelines_unsupported(where) -> InputError:
    """The error of a command that cannot yet take a case with project pipelines."""
    name = getattr(where, "name", where)
    return InputError(
        [
            Problem(
                str(name),
                "pipelines",
                "<project pipeline>",
                "a case without project pipelines for this command (solve, batch, pipeline, sweep, robust and "
                "tornado handle pipelines)",
            )
        ]
    )


def has_projects(data: ModelData) -> bool:
    return data.projects is not None and data.projects.n_columns > 0


def projects_of(data: ModelData) -> ProjectData:
    """The case's projects (only called where :func:`has_projects` holds)."""
    if data.projects is None:
        raise ValueError("the case has no pipeline projects")
    return data.projects


def _by_key(values: np.ndarray) -> tuple[list, np.ndarray]:
    """Distinct values (sorted) and, per entry, the position of its value."""
    keys, rows = np.unique(values, return_inverse=True)
    return keys.tolist(), rows


def start_matrix(data: ModelData) -> tuple[np.ndarray, np.ndarray]:
    """For the prerequisite rows: per (project, year) of the decision window, the columns of that project with
    start year at most that year (as index arrays: row of (project, year), column)."""
    pd_ = projects_of(data)
    n_years = len(data.decision_years)
    year_k = pd_.col_year - data.decision_years[0]
    # column (p, y0) counts in (p, y) for every y >= y0
    reps = n_years - year_k
    cols = np.repeat(np.arange(pd_.n_columns), reps)
    offsets = np.concatenate([np.arange(r) for r in reps]) if len(reps) else np.zeros(0, int)
    row_year = np.repeat(year_k, reps) + offsets
    return pd_.col_project[cols] * n_years + row_year, cols


# -- families only projects have ----------------------------------------------------------------------------
def add_project_start_once(m: Model, data: ModelData) -> None:
    """project_start_once[p]: sum_y x[p,y] <= 1 (a project starts at most once), for projects with several
    possible start years and no alternatives (the alternatives row already says it)."""
    if not has_projects(data):
        return
    pd_ = projects_of(data)
    groups = pd_.kept_values(pd_.frame["exclusive_group"].to_numpy(dtype=object))
    counts = np.bincount(pd_.col_project, minlength=len(pd_.kept))
    alone = (counts > 1) & ~_in_alternatives(groups)
    ids = pd_.kept_values(pd_.frame["id"].to_numpy(dtype=object))
    positions = np.flatnonzero(alone)
    keys = ids[positions].tolist()
    add_rows(m, "project_start_once", keys, lambda m, key: Row([], None, 1.0))
    slot = np.full(len(pd_.kept), -1)
    slot[positions] = np.arange(len(positions))
    cols = np.flatnonzero(slot[pd_.col_project] >= 0)
    project_terms(m, "project_start_once", keys, slot[pd_.col_project[cols]], cols, 1.0)


def _in_alternatives(groups: np.ndarray) -> np.ndarray:
    """Projects in an exclusive group with at least two usable members."""
    named = groups != ""
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    return named & (counts[inverse] >= 2)


def add_project_alternatives(m: Model, data: ModelData) -> None:
    """project_alternatives[g]: sum_{p in g, y} x[p,y] <= 1 (at most one of a set of alternatives at one
    facility, e.g. a heat pump or a boiler modernisation)."""
    if not has_projects(data):
        return
    pd_ = projects_of(data)
    groups = pd_.kept_values(pd_.frame["exclusive_group"].to_numpy(dtype=object))
    member = _in_alternatives(groups)[pd_.col_project]
    cols = np.flatnonzero(member)
    keys, rows = _by_key(groups[pd_.col_project[cols]])
    add_rows(m, "project_alternatives", keys, lambda m, key: Row([], None, 1.0))
    project_terms(m, "project_alternatives", keys, rows, cols, 1.0)


def add_project_prerequisites(m: Model, data: ModelData) -> None:
    """project_prerequisite[j,p,y]: sum_{tau<=y} x[j,tau] <= sum_{tau<=y} x[p,tau] (a project cannot start
    before its prerequisite project), for every year y project j may start in."""
    if not has_projects(data):
        return
    pd_ = projects_of(data)
    position = {pid: k for k, pid in enumerate(pd_.kept_values(pd_.frame["id"].to_numpy(dtype=object)).tolist())}
    prerequisites = pd_.kept_values(pd_.frame["prerequisites"].to_numpy(dtype=object))
    n_years = len(data.decision_years)
    cell_rows, cell_cols = start_matrix(data)
    by_cell: dict[int, np.ndarray] = {}
    order = np.argsort(cell_rows, kind="stable")
    cells, first = np.unique(cell_rows[order], return_index=True)
    bounds = np.append(first, len(order))
    for c, a, b in zip(cells.tolist(), bounds[:-1].tolist(), bounds[1:].tolist()):
        by_cell[c] = cell_cols[order[a:b]]
    keys: list = []
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    ids = list(position)
    for j, pres in enumerate(prerequisites.tolist()):
        if not pres:
            continue
        years = np.unique(pd_.col_year[pd_.col_project == j])
        for p_id in pres:
            p = position[p_id]
            for y in years.tolist():
                cell = int(y - data.decision_years[0])
                empty = np.zeros(0, dtype=int)
                mine, theirs = by_cell.get(j * n_years + cell, empty), by_cell.get(p * n_years + cell, empty)
                r = len(keys)
                keys.append((ids[j], p_id, int(y)))
                rows += [np.full(len(mine), r), np.full(len(theirs), r)]
                cols += [np.asarray(mine, dtype=int), np.asarray(theirs, dtype=int)]
                values += [np.ones(len(mine)), -np.ones(len(theirs))]
    add_rows(m, "project_prerequisite", keys, lambda m, *key: Row([], None, 0.0))
    if keys:
        project_terms(
            m, "project_prerequisite", keys, np.concatenate(rows), np.concatenate(cols), np.concatenate(values)
        )


def add_project_programme_prerequisites(m: Model, data: ModelData) -> None:
    """project_programme_prerequisite[j,i,y]: sum_{tau<=y} x[j,tau] <= sum_{tau<=y} start[i,tau] (a project
    whose intervention needs intervention i first, and that lists no prerequisite project of i, waits for the
    national programme i)."""
    if not has_projects(data):
        return
    pd_ = projects_of(data)
    kept_position = {int(k): j for j, k in enumerate(pd_.kept.tolist())}
    ids = pd_.frame["id"].to_numpy(dtype=object)
    needs = [(kept_position[k], iid) for k, iid in pd_.setup.programme_prerequisites if k in kept_position]
    keys: list[tuple] = []
    national: dict[tuple, list] = {}
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for j, iid in needs:
        mine = np.flatnonzero(pd_.col_project == j)
        for y in np.unique(pd_.col_year[mine]).tolist():
            r = len(keys)
            key = (ids[pd_.kept[j]], iid, int(y))
            keys.append(key)
            national[key] = [(-1.0, m.start[iid, tau]) for tau in data.candidates[iid].start_years if tau <= y]
            upto = mine[pd_.col_year[mine] <= y]
            rows.append(np.full(len(upto), r))
            cols.append(upto)
    add_rows(m, "project_programme_prerequisite", keys, lambda m, *key: at_most(national[key], 0.0))
    if keys:
        project_terms(m, "project_programme_prerequisite", keys, np.concatenate(rows), np.concatenate(cols), 1.0)


def add_shared_potential(m: Model, data: ModelData) -> None:
    """shared_potential[i]: sum_y build[i,y] + sum_{p of i, y} size_p x[p,y] <= P_i (projects use up their
    share of their intervention's national potential: a roof or a boiler is never counted twice)."""
    if not has_projects(data):
        return
    pd_ = projects_of(data)
    interventions = pd_.kept_column("intervention")
    potential = pd_.column_values(pd_.setup.potential)
    cols = np.flatnonzero(np.isfinite(potential))
    keys, rows = _by_key(interventions[cols])
    limit = dict(zip(interventions[cols].tolist(), potential[cols].tolist()))

    def rule(m, i):
        built = [(1.0, m.build[i, y]) for y in data.candidates[i].build_years] if i in data.candidates else []
        return at_most(built, limit[i])

    add_rows(m, "shared_potential", keys, rule)
    project_terms(m, "shared_potential", keys, rows, cols, pd_.column_values(pd_.setup.size)[cols])


def add_regional_budget(m: Model, data: ModelData) -> None:
    """regional_budget[r,y]: sum_{p in r} (capex_p + one-off_p) x[p,y] <= B_{r,y} (``budget.regional_usd_by_year``;
    only projects are regional)."""
    budgets = data.case.budget.regional_usd_by_year
    if not has_projects(data) or not budgets:
        return
    pd_ = projects_of(data)
    region = pd_.kept_column("region")
    cols = np.flatnonzero(np.isin(region, list(budgets)))
    pairs = list(zip(region[cols].tolist(), pd_.col_year[cols].tolist()))
    keys = sorted(set(pairs))
    index = {key: r for r, key in enumerate(keys)}
    add_rows(m, "regional_budget", keys, lambda m, r, y: Row([], None, budgets[r].by_year[y]))
    rows = np.array([index[key] for key in pairs], dtype=int)
    project_terms(m, "regional_budget", keys, rows, cols, pd_.spend[cols])


def project_financing_index(data: ModelData) -> list[tuple[int, int, str]]:
    """(k, y, f): financing source f may pay for the projects of eligibility class k starting in year y."""
    if not has_projects(data) or not data.financing:
        return []
    pd_ = projects_of(data)
    present = sorted(set(zip(pd_.col_class.tolist(), pd_.col_year.tolist())))
    return [(k, y, f) for k, y in present for f in pd_.classes[k]]


def add_project_financing_split(m: Model, data: ModelData) -> None:
    """project_financing_split[k,y]: sum_f pay_projects[k,y,f] = sum_{p in k} (capex_p + one-off_p) x[p,y]:
    every dollar of the projects that share one set of eligible financing sources (class k) starting in year
    y is paid by those sources. Pooling by class is exact: the payments are continuous and appear only here
    and in the envelopes."""
    if not has_projects(data) or not data.financing:
        return
    pd_ = projects_of(data)
    paid: dict[tuple[int, int], list] = {}
    for k, y, f in m.project_financing_index_set:
        paid.setdefault((k, y), []).append((1.0, m.pay_projects[k, y, f]))
    keys = sorted(paid)
    index = {key: r for r, key in enumerate(keys)}
    add_rows(m, "project_financing_split", keys, lambda m, k, y: equal(paid[k, y], 0.0))
    rows = np.array([index[key] for key in zip(pd_.col_class.tolist(), pd_.col_year.tolist())], dtype=int)
    project_terms(m, "project_financing_split", keys, rows, np.arange(pd_.n_columns), -pd_.spend)


# -- project terms of shared families --------------------------------------------------------------------------
def add_spend_terms(m: Model, data: ModelData) -> None:
    """spend_definition[y] gains -(capex_p + one-off_p) x[p,y]."""
    if not has_projects(data):
        return
    pd_ = projects_of(data)
    keys = list(data.decision_years)
    rows = np.searchsorted(np.array(keys), pd_.col_year)
    project_terms(m, "spend_definition", keys, rows, np.arange(pd_.n_columns), -pd_.spend)


def add_phase_terms(m: Model, data: ModelData, phases: Iterable[str]) -> None:
    """phase_budget[ph] gains (capex_p + one-off_p) x[p,y] for projects whose intervention is in phase ph."""
    pd_ = projects_of(data)
    phase = pd_.column_values(pd_.setup.phase)
    keys = list(phases)
    cols = np.flatnonzero(np.isin(phase, keys))
    rows = np.array([keys.index(p) for p in phase[cols].tolist()], dtype=int)
    project_terms(m, "phase_budget", keys, rows, cols, pd_.spend[cols])


def project_phases(data: ModelData) -> set[str]:
    if not has_projects(data):
        return set()
    pd_ = projects_of(data)
    return set(pd_.column_values(pd_.setup.phase).tolist())


def add_payback_terms(m: Model, data: ModelData, limit: float) -> None:
    """portfolio_payback gains -L saving_p x[p,y]."""
    if has_projects(data):
        pd_ = projects_of(data)
        cols = np.arange(pd_.n_columns)
        project_terms(m, "portfolio_payback", [None], np.zeros(len(cols), dtype=int), cols, -limit * pd_.saving)


def resource_keys(data: ModelData) -> set[tuple[str, int]]:
    """(resource, year) in which some project column uses a resource with a limit."""
    if not has_projects(data):
        return set()
    pd_ = projects_of(data)
    out = set()
    for r, use in pd_.setup.resource_use.items():
        used = pd_.column_values(use) > 0
        out |= {(r, int(y)) for y in np.unique(pd_.col_year[used]).tolist()}
    return out


def add_resource_terms(m: Model, data: ModelData, keys: list[tuple[str, int]]) -> None:
    """resource_limit[r,y] gains u_{p,r} x[p,y] (the project's use of resource r)."""
    if not has_projects(data) or not keys:
        return
    pd_ = projects_of(data)
    index = {key: k for k, key in enumerate(keys)}
    for r, use in pd_.setup.resource_use.items():
        per_col = pd_.column_values(use)
        cols = np.flatnonzero((per_col > 0) & np.array([(r, int(y)) in index for y in pd_.col_year.tolist()]))
        rows = np.array([index[r, int(y)] for y in pd_.col_year[cols].tolist()], dtype=int)
        project_terms(m, "resource_limit", keys, rows, cols, per_col[cols])


def add_abatement_terms(m: Model, data: ModelData, family: str, years: list[int]) -> None:
    """``family``[t] (the target pathway) gains A_{p,y,t} x[p,y], the tonnes project column (p, y) abates in t."""
    if not has_projects(data) or not years:
        return
    pd_ = projects_of(data)
    for t in years:
        values = pd_.abatement(t)
        cols = np.flatnonzero(values)
        project_terms(m, family, list(years), np.full(len(cols), years.index(t)), cols, values[cols])


def add_source_terms(m: Model, data: ModelData, family: str, keys: list[tuple[str, int]], removed: bool) -> None:
    """source_floor[s,t] (or activity_floor with ``removed``) gains the tonnes (activity) column (p, y) takes
    off source s in year t."""
    if not has_projects(data) or not keys:
        return
    pd_ = projects_of(data)
    for r, (source, t) in enumerate(keys):
        s = data.bau.row(source)
        values = pd_.activity_removed(t, s) if removed else pd_.abatement_by_source(t)[:, s]
        cols = np.flatnonzero(values)
        project_terms(m, family, keys, np.full(len(cols), r), cols, values[cols])


def project_reach(data: ModelData, removed: bool) -> np.ndarray:
    """(source, year): an upper bound on what the projects could take off each source's emissions (or, with
    ``removed``, its activity); a floor row is written only where this could exceed the source. Per
    intervention, the smaller of two bounds: every project active at once, or the national potential (which
    its projects share) at the largest take per unit of any of its projects."""
    reach = np.zeros((len(data.bau.source_ids), len(data.years)))
    if not has_projects(data):
        return reach
    pd_ = projects_of(data)
    setup = pd_.setup
    n = len(pd_.kept)
    y0 = int(data.years[0])
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.zeros(n, dtype=np.int64)
    np.minimum.at(first, pd_.col_project, pd_.first_active - y0)
    np.maximum.at(last, pd_.col_project, np.minimum(pd_.end_active - y0, len(data.years)))
    removes = np.clip(-setup.delta[pd_.kept], 0, None)
    weights = [removes] if removed else [setup.share[pd_.kept], removes]
    scales = [np.ones_like(data.bau.emissions)] if removed else [data.bau.emissions, np.nan_to_num(data.bau.factor)]
    interventions = pd_.kept_values(pd_.frame["intervention"].to_numpy(dtype=object))
    size = pd_.kept_values(setup.size)
    potential = pd_.kept_values(setup.potential)
    for iid in np.unique(interventions).tolist():
        mine = interventions == iid
        for weight, scale in zip(weights, scales):
            running = np.zeros((len(data.bau.source_ids), len(data.years) + 1))
            np.add.at(running.T, first[mine], weight[mine])
            np.subtract.at(running.T, last[mine], weight[mine])
            every = np.cumsum(running, axis=1)[:, :-1] * scale
            p = potential[mine][0]
            if np.isfinite(p):
                take = weight[mine] * scale.max(axis=1)  # (project, source): most it takes in any year
                every = np.minimum(every, _fill_potential(take, size[mine], p)[:, None])
            reach += every
    return reach


def _fill_potential(take: np.ndarray, size: np.ndarray, potential: float) -> np.ndarray:
    """Per source: the most projects of one intervention can take when their sizes together stay within the
    national potential (the fractional knapsack bound: the largest takes per unit first)."""
    out = np.zeros(take.shape[1])
    for s in range(take.shape[1]):
        density = take[:, s] / size
        order = np.argsort(-density, kind="stable")
        filled = np.cumsum(size[order])
        whole = filled <= potential
        out[s] = take[order][whole, s].sum()
        rest = np.flatnonzero(~whole)
        if len(rest):
            k = rest[0]
            room = potential - (filled[k - 1] if k > 0 else 0.0)
            out[s] += max(room, 0.0) * density[order][k]
    return out


def add_group_terms(m: Model, data: ModelData, keys: list[tuple[str, int]]) -> None:
    """group_share[g,t] gains size_p / P_i x[p,y] for project columns of group g's interventions active in t."""
    if not has_projects(data) or not keys:
        return
    pd_ = projects_of(data)
    group = pd_.col_group
    share = pd_.column_values(pd_.setup.size) / pd_.column_values(pd_.setup.potential)
    for r, (g, t) in enumerate(keys):
        cols = np.flatnonzero((group == g) & pd_.active(t) & np.isfinite(share))
        project_terms(m, "group_share", keys, np.full(len(cols), r), cols, share[cols])


def group_activity(data: ModelData, g: str, t: int) -> bytes:
    """Which project columns of group g are active in t (part of the key that merges identical rows)."""
    if not has_projects(data):
        return b""
    pd_ = projects_of(data)
    mask = (pd_.col_group == g) & pd_.active(t)
    return np.packbits(mask).tobytes() if mask.any() else b""


def project_groups(data: ModelData) -> set[str]:
    """Library groups some usable project's intervention belongs to (with a national potential to share)."""
    if not has_projects(data):
        return set()
    pd_ = projects_of(data)
    group = pd_.col_group
    return set(np.unique(group[group != None]).tolist())  # noqa: E711


def project_abatement(m, data: ModelData, t: int) -> float:
    """Tonnes the projects of the solved plan abate in year t."""
    values = getattr(m, "project_values", None)
    if not has_projects(data) or values is None:
        return 0.0
    return float(np.dot(np.round(values), projects_of(data).abatement(t)))
