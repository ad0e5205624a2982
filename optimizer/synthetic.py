"""Synthetic libraries and cases, generated from a seed: for tests (hand-checkable and random small cases
checked against brute force) and for benchmarks (national-size cases). Numbers here are marked as
estimates: they are test data, not evidence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .loading import LoadedCase, case_from_dict, library_from_data

MARK = "synthetic test data"


def q(value: float, **extra) -> dict:
    """A Quantity dict marked as synthetic."""
    return {"value": float(value), "estimate": MARK, **extra}


def series(by_year: dict[int, float]) -> dict:
    return {"by_year": {int(y): float(v) for y, v in by_year.items()}, "estimate": MARK}


DEFAULT_RESOURCES = ("staff", "engineers")


def vocabulary(n_sources: int = 2, resources: tuple[str, ...] = DEFAULT_RESOURCES) -> dict:
    """Sources ``s0..`` (scope 1-3, activity unit ``unit``), facility type ``site`` and resources."""
    return {
        "sources": [
            {"id": f"s{k}", "name": f"Source {k}", "scope": 1 + k % 3, "activity_unit": "unit"}
            for k in range(n_sources)
        ],
        "facility_types": [{"id": "site", "unit": "site"}],
        "resources": [{"id": r, "unit": "staff-month"} for r in resources],
    }


def intervention(iid: str, **kw) -> dict:
    """An intervention dict with neutral defaults; keyword arguments replace fields (plain numbers are
    wrapped as synthetic quantities)."""
    base = {
        "id": iid,
        "name": iid,
        "description": "synthetic",
        "unit": "unit",
        "phase": "quick_wins",
        "complexity": 1,
        "effects": [{"type": "share", "source": "s0", "fraction": q(0.5)}],
        "capex_usd_per_unit": q(100.0),
        "fixed_cost_usd": q(0.0),
        "om_change_usd_per_unit_year": q(0.0),
        "lifetime_years": q(10),
        "lead_time_years": q(0),
        "potential": {"basis": "country", "units_per_basis": q(1)},
        "max_share_per_year": q(1.0),
        "co_benefit_score": q(1),
        "resilience_score": q(1),
    }
    numeric = {
        "capex_usd_per_unit",
        "fixed_cost_usd",
        "om_change_usd_per_unit_year",
        "lifetime_years",
        "lead_time_years",
        "max_share_per_year",
        "co_benefit_score",
        "resilience_score",
    }
    for key, value in kw.items():
        base[key] = q(value) if key in numeric and isinstance(value, (int, float)) else value
    return base


def case_dict(**kw) -> dict:
    """A case dict with a base year 2024, decisions 2026-2028, horizon 2030, two sources of 1,000 t/yr with
    no growth and activity 1,000 units at 1 USD/unit, zero discounting and a below-BAU target in 2030."""
    case = {
        "schema_version": 1,
        "name": "synthetic",
        "country": {"name": "Testland", "iso3": "TST"},
        "base_year": 2024,
        "decision_window": {"first_year": 2026, "last_year": 2028},
        "horizon_end_year": 2030,
        "discount_rate": q(0.0),
        "drivers": {"flat": {"annual_change": q(0.0)}},
        "sources": [
            {
                "id": f"s{k}",
                "emissions_tco2e": q(1000),
                "activity": q(1000),
                "driver": "flat",
                "price_usd_per_unit": q(1.0),
            }
            for k in range(2)
        ],
        "facility_stock": {"site": q(10)},
        "phases": [
            {"id": "quick_wins", "name": "Quick wins", "first_start_year": 2026},
            {"id": "pipeline", "name": "Pipeline", "first_start_year": 2027},
        ],
        "maturity": {"max_complexity_by_year": {2026: 3}, "estimate": MARK},
        "variants": {"main": {"targets": [{"type": "below_bau", "year": 2030, "percent": q(10)}]}},
        "default_variant": "main",
    }
    case.update(kw)
    return case


def build(
    family_interventions: list[dict],
    case: dict,
    groups: list[dict] | None = None,
    n_sources: int = 2,
    resources: tuple[str, ...] = DEFAULT_RESOURCES,
) -> LoadedCase:
    """Validate a synthetic library (one family file) and case together."""
    lib = library_from_data(
        vocabulary(n_sources, resources),
        {"waste.yaml": {"family": "waste", "interventions": family_interventions, "groups": groups or []}},
    )
    return case_from_dict(case, lib)


@dataclass(frozen=True)
class RandomSpec:
    n_interventions: int = 3
    first_year: int = 2026
    last_year: int = 2028
    max_potential: int = 2
    seed: int = 0
    floors: bool = False  # stress the floors: a zero-carbon source that every intervention draws down
    regional: bool = False  # a regional budget for region "north" (for random pipelines)


def random_case(spec: RandomSpec, objective: str = "min_cost") -> LoadedCase:
    """A random small case whose optimum can be found by enumeration: integer or all-or-nothing units,
    potentials of 1-``max_potential``, random costs, savings, share and activity effects (large enough to
    hit the source and activity floors), lead times 0-2, groups (some capped below 1), prerequisites,
    yearly, phase and financing-source budgets with eligibility, payback rule and screen, a resource used
    per unit and per start, and elastic or hard targets of several types."""
    rng = np.random.default_rng(spec.seed)
    years = list(range(spec.first_year, spec.last_year + 1))
    items = []
    for k in range(spec.n_interventions):
        potential = int(rng.integers(1, spec.max_potential + 1))
        aon = bool(rng.random() < 0.3)
        ramp = 1.0 if aon else float(rng.choice([0.5, 1.0])) if potential > 1 else 1.0
        effects = [
            {"type": "share", "source": f"s{int(rng.integers(0, 2))}", "fraction": q(round(rng.uniform(0.05, 0.6), 3))}
        ]
        if spec.floors:
            effects.append(
                {"type": "activity", "source": "s1", "change_per_unit_year": q(round(rng.uniform(-700, -300), 1))}
            )
        elif rng.random() < 0.5:
            effects.append(
                {
                    "type": "activity",
                    "source": f"s{int(rng.integers(0, 2))}",
                    "change_per_unit_year": q(round(rng.uniform(-700, 40), 1)),
                }
            )
        elif rng.random() < 0.3:  # a share of the country's activity per unit, possibly of another source
            effects.append(
                {
                    "type": "activity",
                    "source": "s0",
                    "relative_to": f"s{int(rng.integers(0, 2))}",
                    "change_share_of_unit_activity": q(round(rng.uniform(-0.6, 0.1), 2)),
                }
            )
        items.append(
            intervention(
                f"i{k}",
                integer_units=True,
                all_or_nothing=aon,
                max_share_per_year=ramp,
                potential={"basis": "country", "units_per_basis": q(potential)},
                effects=effects,
                phase="quick_wins" if rng.random() < 0.6 else "pipeline",
                complexity=int(rng.integers(1, 4)),
                capex_usd_per_unit=round(rng.uniform(50, 400), 1),
                fixed_cost_usd=round(rng.choice([0.0, rng.uniform(10, 150)]), 1),
                om_change_usd_per_unit_year=round(rng.uniform(-60, 20), 1),
                lifetime_years=int(rng.integers(2, 8)),
                lead_time_years=int(rng.integers(0, 3)),
                co_benefit_score=int(rng.integers(0, 4)),
                resilience_score=int(rng.integers(0, 4)),
                resource_use_per_unit={"staff": q(round(rng.uniform(0, 3), 1))},
                resource_use_per_start={"staff": q(round(rng.uniform(0, 2), 1))} if rng.random() < 0.4 else {},
            )
        )
    groups = []
    if spec.n_interventions >= 2 and rng.random() < 0.5:
        groups = [{"id": "g", "name": "group", "max_combined_share": float(rng.choice([1.0, 0.5]))}]
        items[0]["group"] = "g"
        items[1]["group"] = "g"
    if spec.n_interventions >= 3 and rng.random() < 0.5:
        items[2]["prerequisites"] = ["i0"]
    budget = {}
    if rng.random() < 0.7:
        budget["total_usd_by_year"] = series({y: round(rng.uniform(150, 700), 1) for y in years})
    if rng.random() < 0.4:
        budget["financing"] = [
            {
                "id": "domestic",
                "name": "Domestic",
                "envelope_usd_by_year": series({y: round(rng.uniform(50, 300), 1) for y in years}),
            },
            {
                "id": "loan",
                "name": "Loan",
                "eligible_interventions": [f"i{k}" for k in range(spec.n_interventions) if rng.random() < 0.5],
                "envelope_usd_by_year": series({y: round(rng.uniform(100, 400), 1) for y in years[1:]}),
            },
        ]
    phases = [
        {"id": "quick_wins", "name": "Quick wins", "first_start_year": spec.first_year},
        {"id": "pipeline", "name": "Pipeline", "first_start_year": min(spec.first_year + 1, spec.last_year)},
    ]
    if rng.random() < 0.3:
        phases[0]["budget_usd"] = q(round(rng.uniform(100, 600), 1))
    if spec.regional and rng.random() < 0.6:
        budget["regional_usd_by_year"] = {"north": series({y: round(rng.uniform(0, 400), 1) for y in years})}
    target_year = spec.last_year if spec.floors else spec.last_year + 2  # floors: cohorts outlive the horizon
    kind = rng.choice(["below_bau", "absolute", "below_base_year"])
    if kind == "below_bau":
        target = {"type": "below_bau", "year": target_year, "percent": q(round(rng.uniform(1, 30), 1))}
    elif kind == "absolute":
        target = {"type": "absolute", "year": target_year, "cap_tco2e": q(round(rng.uniform(1400, 1990), 0))}
    else:
        target = {
            "type": "below_base_year",
            "year": target_year,
            "reference_year": 2024,
            "percent": q(round(rng.uniform(1, 30), 1)),
        }
    sources = [
        {"id": f"s{k}", "emissions_tco2e": q(1000), "activity": q(1000), "driver": "flat", "price_usd_per_unit": q(1.0)}
        for k in range(2)
    ]
    if spec.floors or rng.random() < 0.4:  # a zero-carbon source (e.g. a clean grid): only the activity floor
        sources[1]["emissions_tco2e"] = q(0)  # limits the savings from drawing it down
    case = case_dict(
        decision_window={"first_year": spec.first_year, "last_year": spec.last_year},
        horizon_end_year=target_year,
        sources=sources,
        discount_rate=q(round(rng.uniform(0.0, 0.08), 3)),
        phases=phases,
        maturity={
            "max_complexity_by_year": {spec.first_year: int(rng.integers(1, 4)), spec.last_year: 3},
            "estimate": MARK,
        },
        budget=budget,
        resources=[{"id": "staff", "limit_by_year": series({y: round(rng.uniform(1, 6), 1) for y in years})}],
        payback=_random_payback(rng),
        target_rules={
            "mode": "elastic" if rng.random() < 0.7 else "hard",
            "enforce": "every_year" if rng.random() < 0.5 else "milestones",
            "shortfall_penalty_usd_per_tco2e": 50.0,
        },
        variants={"main": {"targets": [target]}},
        objective={"kind": objective},
    )
    return build(items, case, groups)


def _random_payback(rng: np.random.Generator) -> dict:
    rules = {}
    if rng.random() < 0.4:
        rules["portfolio_max_years"] = q(round(rng.uniform(2, 12), 1))
    if rng.random() < 0.3:
        rules["screen_max_years"] = q(round(rng.uniform(1, 8), 1))
    return rules


def national_case(n_interventions: int = 40, seed: int = 0) -> LoadedCase:
    """A national-size synthetic case (~40 interventions x 5 decision years, 12 sources) for benchmarks."""
    rng = np.random.default_rng(seed)
    n_sources = 12
    years = list(range(2026, 2031))
    items = []
    for k in range(n_interventions):
        lumpy = rng.random() < 0.3
        effects = [
            {
                "type": "share",
                "source": f"s{int(rng.integers(0, n_sources))}",
                "fraction": q(round(rng.uniform(0.02, 0.3), 3)),
            }
        ]
        if rng.random() < 0.4:
            effects.append(
                {
                    "type": "activity",
                    "source": f"s{int(rng.integers(0, n_sources))}",
                    "change_per_unit_year": q(round(rng.uniform(-50, 5), 2)),
                }
            )
        items.append(
            intervention(
                f"i{k:02d}",
                integer_units=lumpy,
                all_or_nothing=bool(rng.random() < 0.1),
                potential={"basis": "site", "units_per_basis": q(round(rng.uniform(0.5, 3), 2))},
                effects=effects,
                max_share_per_year=round(rng.uniform(0.2, 0.6), 2),
                phase="quick_wins" if rng.random() < 0.5 else "pipeline",
                complexity=int(rng.integers(1, 4)),
                capex_usd_per_unit=round(rng.uniform(2e4, 4e5), 0),
                fixed_cost_usd=round(rng.uniform(0, 2e5), 0),
                om_change_usd_per_unit_year=round(rng.uniform(-6e4, 1e4), 0),
                lifetime_years=int(rng.integers(5, 21)),
                lead_time_years=int(rng.integers(0, 2)),
                co_benefit_score=int(rng.integers(0, 4)),
                resilience_score=int(rng.integers(0, 4)),
                resource_use_per_unit={"engineers": q(round(rng.uniform(0, 2), 2))},
            )
        )
        if items[-1]["all_or_nothing"]:
            items[-1]["max_share_per_year"] = q(1.0)
    groups = [{"id": f"g{k}", "name": f"group {k}"} for k in range(4)]
    for k in range(8):
        items[k]["group"] = f"g{k // 2}"
    for k in range(10, 14):
        items[k]["prerequisites"] = [items[k - 2]["id"]]
    sources = [
        {
            "id": f"s{k}",
            "emissions_tco2e": q(round(rng.uniform(5e3, 8e4), 0)),
            "activity": q(round(rng.uniform(1e4, 1e5), 0)),
            "driver": "health",
            "factor_path": {"annual_change": q(round(rng.uniform(-0.04, 0.0), 3))},
            "price_usd_per_unit": q(round(rng.uniform(0.05, 2.0), 3)),
        }
        for k in range(n_sources)
    ]
    case = case_dict(
        decision_window={"first_year": 2026, "last_year": 2030},
        horizon_end_year=2035,
        discount_rate=q(0.06),
        drivers={"health": {"annual_change": q(0.05)}},
        sources=sources,
        facility_stock={"site": q(200)},
        phases=[
            {"id": "quick_wins", "name": "Quick wins", "first_start_year": 2026, "last_start_year": 2027},
            {"id": "pipeline", "name": "Pipeline", "first_start_year": 2027},
        ],
        maturity={"max_complexity_by_year": {2026: 1, 2027: 2, 2028: 3}, "estimate": MARK},
        budget={"total_usd_by_year": series({y: 2.5e7 for y in years})},
        payback={"portfolio_max_years": q(8)},
        resources=[{"id": "engineers", "limit_by_year": series({y: 150 for y in years})}],
        target_rules={"mode": "elastic", "enforce": "every_year"},
        variants={
            "main": {
                "targets": [
                    {"type": "below_bau", "year": 2030, "percent": q(20)},
                    {"type": "below_bau", "year": 2035, "percent": q(35)},
                ]
            }
        },
    )
    lib = library_from_data(
        vocabulary(n_sources), {"waste.yaml": {"family": "waste", "interventions": items, "groups": groups}}
    )
    return case_from_dict(case, lib, name="<national synthetic>")


def random_pipeline(loaded: LoadedCase, seed: int, n_projects: int = 4) -> list[dict]:
    """Rows of a random small pipeline file for ``loaded`` (a :func:`random_case`): projects on its
    interventions with sizes of 1-2 units, site costs and effects sometimes given, readiness, earliest and
    latest starts, a pair of alternatives, a prerequisite, a financing restriction and regions (one with a
    regional budget when the case sets one). Small enough to enumerate."""
    rng = np.random.default_rng(10_000 + seed)
    lib = loaded.library
    ids = sorted(lib.interventions)
    window = loaded.case.decision_window
    financing = [f.id for f in loaded.case.budget.financing]
    rows = []
    for k in range(n_projects):
        iid = str(rng.choice(ids))
        row: dict = {
            "id": f"p{k}",
            "name": f"Project {k}",
            "facility_id": f"f{k % 2}",
            "intervention": iid,
            "size": float(rng.integers(1, 3)),
            "readiness": str(rng.choice(["ready_to_tender", "ready_to_tender", "feasibility", "pre_feasibility"])),
            "region": str(rng.choice(["north", "south"])),
            "estimate": MARK,
        }
        if rng.random() < 0.5:
            row["capex_usd"] = round(float(rng.uniform(20, 500)), 1)
        if rng.random() < 0.3:
            row["om_change_usd_per_year"] = round(float(rng.uniform(-80, 10)), 1)
        if rng.random() < 0.2:
            row["lifetime_years"] = int(rng.integers(2, 9))
        if rng.random() < 0.2:
            row["lead_time_years"] = int(rng.integers(0, 2))
        if rng.random() < 0.3:
            row["change_s1_per_year"] = round(float(rng.uniform(-900, 0)), 1)
        if rng.random() < 0.2:
            row["earliest_start"] = int(rng.integers(window.first_year, window.last_year + 1))
        if rng.random() < 0.2:
            row["latest_start"] = int(rng.integers(window.first_year, window.last_year + 1))
            row["earliest_start"] = min(row.get("earliest_start", window.first_year), row["latest_start"])
        if financing and rng.random() < 0.3:
            row["financing"] = str(rng.choice(financing))
        rows.append(row)
    if n_projects >= 2 and rng.random() < 0.6:
        rows[0]["exclusive_group"] = rows[1]["exclusive_group"] = "alt"
    if n_projects >= 3 and rng.random() < 0.5:
        rows[2]["prerequisites"] = "p0"
    return rows
