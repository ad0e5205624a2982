"""Shared helpers for tests: tiny synthetic cases solved end to end."""

from __future__ import annotations

from optimizer.pyomo_backend import solve
from optimizer.synthetic import build, case_dict, intervention, q, series

__all__ = ["build", "case_dict", "intervention", "q", "series", "solve_tiny", "units_by_year"]


def solve_tiny(items: list[dict], groups: list[dict] | None = None, kind: str | None = None, **case_kw):
    """Solve a synthetic case made of ``items``; ``kind`` overrides the objective; ``case_kw`` replaces case fields."""
    loaded = build(items, case_dict(**case_kw), groups)
    return solve(loaded, objective=kind)


def units_by_year(result, iid: str) -> dict[int, float]:
    s = result.schedule
    rows = s[(s["intervention"] == iid) & (s["units_built"] > 0)]
    return {int(y): float(u) for y, u in zip(rows["year"], rows["units_built"])}
