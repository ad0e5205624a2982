"""The sweep's lean reading of a plan (``extract_scenario``) gives exactly the figures of the full Result of the
same solve: the summary numbers a sweep records, its programmes in portfolio order and its chosen pipeline
projects in rank order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from optimizer import bundled
from optimizer.loading import load_case
from optimizer.persistent import PersistentHighs, solve_in_place
from optimizer.results import Pick, Result, ScenarioResult, extract_result, extract_scenario
from optimizer.sweep.paths import apply_settings
from optimizer.synthetic import RandomSpec, random_case

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Both:
    """Both readings of one solved plan."""

    full: Result
    lean: ScenarioResult
    timings: dict = field(default_factory=dict)


def _both(m, data, outcome) -> Both:
    return Both(extract_result(m, data, outcome), extract_scenario(m, data, outcome))


def _programmes(result: Result) -> list[Pick]:
    return [
        Pick(
            p.intervention,
            p.family,
            int(p.start_year),
            float(p.units),
            float(p.capex_usd),
            float(p.abatement_target_year_tco2e),
        )
        for p in result.portfolio.itertuples()
    ]


def _projects(result: Result) -> list[Pick]:
    if result.pipeline is None:
        return []
    final = f"abatement_{result.final_year}_tco2e"
    return [
        Pick(
            p.intervention,
            p.family,
            int(p.start_year),
            float(p.size),
            float(p.capex_usd),
            float(getattr(p, final, 0.0) or 0.0),
            project=p.project,
        )
        for p in result.pipeline[result.pipeline["selected"]].itertuples()
    ]


CASES = {
    "georgia": lambda: load_case(ROOT / "cases" / "georgia.yaml"),
    "georgia, dearer money": lambda: apply_settings(load_case(ROOT / "cases" / "georgia.yaml"), {"discount_rate": 0.1}),
    "demo": lambda: load_case(ROOT / "cases" / "examples" / "demo.yaml"),
    "mini": lambda: load_case(ROOT / "tests" / "fixtures" / "mini_case.yaml"),
    "georgia_pipeline": lambda: load_case(bundled.resolve(Path("georgia_pipeline"))),
    "random, floors, shortfall": lambda: random_case(RandomSpec(n_interventions=6, seed=3, floors=True)),
}


@pytest.mark.parametrize("objective", ["min_cost", "max_abatement"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_lean_figures_are_the_full_results(name, objective):
    both = solve_in_place(CASES[name](), PersistentHighs(), objective=objective, extract=_both)
    full, lean, s = both.full, both.lean, both.full.summary
    assert (lean.status, lean.objective_value, lean.final_year) == (s["status"], s["objective_value"], s["final_year"])
    assert lean.npv_usd == s["npv_usd"]
    assert lean.net_present_cost_usd == full.net_present_cost_usd
    assert lean.total_shortfall_tco2e == s["total_shortfall_tco2e"]
    assert lean.spend_usd == float(sum(s["spend_usd_by_year"].values()))
    assert lean.final_year_emissions_tco2e == full.final_year_emissions_tco2e
    trajectory = full.pathway.set_index("year")["optimised_tco2e"]
    assert lean.emissions_by_year_tco2e == {int(t): float(e) for t, e in trajectory.items()}
    assert lean.programmes == _programmes(full)
    assert lean.projects == _projects(full)
    assert lean.programmes  # the cases select something
    assert (name == "georgia_pipeline") == bool(lean.projects)
