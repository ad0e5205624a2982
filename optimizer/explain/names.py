"""Display names for the identifiers that index the model's rows (interventions, financing sources, groups,
phases, emission sources, delivery resources), so that sentences name things as a planner knows them."""

from __future__ import annotations

from ..prepare import ModelData


def display_names(data: ModelData) -> dict[str, str]:
    """Every identifier of the case and its library that has a display name, mapped to that name; delivery
    resources, which have a unit but no name, read as their identifier in words (``engineering staff months``)."""
    loaded = data.loaded
    names: dict[str, str] = {}
    for r in loaded.library.vocabulary.resources:
        names[r.id] = r.id.replace("_", " ")
    for s in loaded.library.vocabulary.sources:
        names[s.id] = s.name
    for g in loaded.library.groups.values():
        names[g.id] = g.name
    for ph in data.case.phases:
        names[ph.id] = ph.name
    for f in data.financing:
        names[f.id] = f.name
    for row in data.screening:
        names[row.id] = row.name
    for iid, c in data.candidates.items():
        names[iid] = c.name
    return names


def named(index: tuple, names: dict[str, str]) -> tuple:
    """A row index with every identifier replaced by its display name (years and other values kept)."""
    return tuple(names.get(k, k) if isinstance(k, str) else k for k in index)
