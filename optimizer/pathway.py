"""Step 2 and 4 of the evidence chain: the BAU projection and the target pathway.

BAU[s, t] = activity[s, t] x factor[s, t], where activity follows the source's driver path and the
factor its own path (both indices relative to the base year). Sources inventoried by emissions only
have activity = driver index and factor = base-year emissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .schema import Case, Variant
from .schema.case import GrowthPath

if TYPE_CHECKING:
    import pandas as pd  # imported where a Series is built: checking a case does not need pandas


def path_index(path: GrowthPath | None, base_year: int, years: np.ndarray) -> np.ndarray:
    """Index of a path in each year (base year = 1): compound annual change, or a by-year index
    interpolated linearly between given years and held flat after the last."""
    if path is None:
        return np.ones(len(years))
    if path.annual_change is not None:
        return (1.0 + path.annual_change.value) ** (years - base_year)
    points = dict(path.index_by_year.by_year)
    points.setdefault(base_year, 1.0)
    xs = np.array(sorted(points), dtype=float)
    ys = np.array([points[int(x)] for x in xs], dtype=float)
    return np.interp(years.astype(float), xs, ys)


@dataclass(frozen=True)
class BauProjection:
    """BAU activity, factor, emissions and prices by source (rows) and year (columns)."""

    years: np.ndarray
    source_ids: list[str]
    emissions: np.ndarray  # tCO2e/yr, shape (n_sources, n_years)
    activity: np.ndarray  # activity unit/yr (driver index for emissions-only sources)
    factor: np.ndarray  # tCO2e per activity unit (base emissions for emissions-only sources)
    price: np.ndarray  # USD per activity unit (NaN where the case gives none)

    def total(self) -> pd.Series:
        import pandas as pd

        return pd.Series(self.emissions.sum(axis=0), index=self.years, name="bau_tco2e")

    def row(self, source_id: str) -> int:
        return self.source_ids.index(source_id)


def gas_factor(case: Case, library, source_id: str) -> float | None:
    """tCO2e per activity unit of a gas source under the case's GWP set, or None for other sources."""
    source_type = library.source_type(source_id)
    if source_type is None or source_type.gas is None:
        return None
    gas = library.gases[source_type.gas.gas]
    gwp = gas.gwp100_ar6 if case.gwp_set == "AR6" else gas.gwp100_ar5
    return source_type.gas.kg_per_activity_unit.value * gwp.value / 1000.0


def project_bau(case: Case, years: np.ndarray, library) -> BauProjection:
    """Project every inventoried source over ``years`` (``library`` supplies gas GWPs for gas sources)."""
    n, m = len(case.sources), len(years)
    emissions, activity, factor, price = (np.zeros((n, m)) for _ in range(4))
    price[:] = np.nan
    for k, src in enumerate(case.sources):
        growth = path_index(case.drivers[src.driver], case.base_year, years)
        factor_idx = path_index(src.factor_path, case.base_year, years)
        per_unit = gas_factor(case, library, src.id)
        if per_unit is not None:
            activity[k] = src.activity.value * growth
            factor[k] = per_unit * factor_idx
        elif src.activity is not None:
            activity[k] = src.activity.value * growth
            factor[k] = src.emissions_tco2e.value / src.activity.value * factor_idx
        else:
            activity[k] = growth
            factor[k] = src.emissions_tco2e.value * factor_idx
        emissions[k] = activity[k] * factor[k]
        if src.price_usd_per_unit is not None:
            price[k] = src.price_usd_per_unit.value * path_index(src.price_path, case.base_year, years)
    return BauProjection(years, [s.id for s in case.sources], emissions, activity, factor, price)


def milestone_levels(case: Case, variant: Variant, bau: BauProjection) -> dict[int, float]:
    """Emission level (tCO2e/yr) each target of the variant allows in its year."""
    base_total = float(bau.emissions[:, 0].sum()) if bau.years[0] == case.base_year else None
    if base_total is None:
        raise ValueError("BAU projection must start at the base year")
    total = dict(zip(bau.years.tolist(), bau.emissions.sum(axis=0).tolist()))  # as bau.total(), without pandas
    levels: dict[int, float] = {}
    for t in variant.targets:
        if t.type == "custom":
            levels.update({int(y): float(v) for y, v in t.cap_tco2e_by_year.by_year.items()})
            continue
        if t.type == "absolute":
            levels[t.year] = t.cap_tco2e.value
            continue
        cut = 1.0 - t.percent.value / 100.0
        if t.type == "below_bau":
            levels[t.year] = float(total[t.year]) * cut
        elif t.type == "below_base_year":
            if t.national_reference_emissions_tco2e is not None:
                ratio = t.national_reference_emissions_tco2e.value / t.national_base_year_emissions_tco2e.value
                reference = base_total * ratio
            elif t.reference_emissions_tco2e is not None:
                reference = t.reference_emissions_tco2e.value
            else:
                reference = base_total
            levels[t.year] = reference * cut
        elif t.type == "intensity":
            denominator = path_index(case.drivers[t.denominator], case.base_year, np.array([t.year]))[0]
            achieved = (t.achieved_by_base_year_percent.value if t.achieved_by_base_year_percent else 0.0) / 100.0
            reference_intensity = base_total / (1.0 - achieved) if achieved < 1.0 else float("inf")
            levels[t.year] = reference_intensity * cut * denominator
    return dict(sorted(levels.items()))


def target_pathway(case: Case, variant: Variant, bau: BauProjection) -> pd.Series:
    """Allowed emissions per roadmap year: linear from the base-year emissions through the milestones,
    then to zero at the net-zero year if given; NaN after the last milestone otherwise."""
    import pandas as pd

    levels = milestone_levels(case, variant, bau)
    xs = [case.base_year, *levels]
    ys = [float(bau.emissions[:, 0].sum()), *levels.values()]
    if variant.net_zero_year is not None:
        xs.append(variant.net_zero_year)
        ys.append(0.0)
    years = bau.years
    values = np.interp(years.astype(float), np.array(xs, float), np.array(ys, float))
    if variant.net_zero_year is None:
        values[years > xs[-1]] = np.nan
    else:
        values[years > variant.net_zero_year] = 0.0
    return pd.Series(values, index=years, name="target_tco2e")


def enforced_years(case: Case, variant: Variant, pathway: pd.Series) -> list[int]:
    """Years in which the pathway constrains the plan (``target_rules.enforce``), within the horizon."""
    horizon = [int(y) for y in pathway.index if case.base_year < y <= case.horizon_end_year]
    if case.target_rules.enforce == "every_year":
        first = case.decision_window.first_year
        allowed = dict(zip(pathway.index.tolist(), pathway.to_numpy().tolist()))
        return [y for y in horizon if y >= first and not np.isnan(allowed[y])]
    milestones = set(milestone_levels_years(variant))
    if variant.net_zero_year is not None:
        milestones.add(variant.net_zero_year)
    return [y for y in horizon if y in milestones]


def milestone_levels_years(variant: Variant) -> list[int]:
    years: list[int] = []
    for t in variant.targets:
        years += [int(y) for y in t.cap_tco2e_by_year.by_year] if t.type == "custom" else [t.year]
    return sorted(years)
