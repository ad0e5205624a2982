"""Sparse index sets: only feasible (intervention, year) pairs, never a dense product filtered later."""

from __future__ import annotations

from ..prepare import ModelData


def build_index(data: ModelData) -> list[tuple[str, int]]:
    """(i, y): intervention i may build units in year y (from its earliest allowed start onwards)."""
    return list(data.cohorts.keys)


def builders_by_year(m) -> dict[int, list[str]]:
    """Per year: the interventions that may build in it, in the order of the build index."""
    out: dict[int, list[str]] = {}
    for i, y in m.build_index_set:
        out.setdefault(y, []).append(i)
    return out


def start_index(data: ModelData) -> list[tuple[str, int]]:
    """(i, y): intervention i may start in year y (phase window, maturity path, prerequisites)."""
    return [(i, y) for i, c in data.candidates.items() for y in c.start_years]


def financing_index(data: ModelData) -> list[tuple[str, int, str]]:
    """(i, y, f): financing source f may pay for intervention i's spending in year y."""
    return [(i, y, f) for i, c in data.candidates.items() for y in c.build_years for f in c.financing]


def group_members(data: ModelData) -> dict[str, list[str]]:
    """Kept candidates by group."""
    groups: dict[str, list[str]] = {}
    for i, c in data.candidates.items():
        if c.group is not None:
            groups.setdefault(c.group, []).append(i)
    return groups


def prerequisite_pairs(data: ModelData) -> list[tuple[str, str, int]]:
    """(j, p, y): dependent j, its prerequisite p, and a year y in which j may start."""
    return [(j, p, y) for j, c in data.candidates.items() for p in c.prerequisites for y in c.start_years]
