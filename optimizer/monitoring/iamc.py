"""The tracking in IAMC long format ("wide years": model, scenario, region, variable, unit, then one column
per year), for pyam and LEAP users: scenario ``Actual`` (what was done, in the reported years) beside the
plan's scenario (the case variant's name), with the same variables, so the two compare row by row.

Variables: ``Emissions|Kyoto Gases|Health`` (emissions after what was done or planned; for ``Actual`` the
measured sources' values where given, the rest modelled from the units built), ``...|Abatement``, and
``Investment|Health|Decarbonisation`` (money spent). Units as in the report's IAMC file: Mt CO2-equiv/yr and
million US$2024/yr (the case's USD, taken as 2024 prices)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

EMISSIONS = "Emissions|Kyoto Gases|Health"
INVESTMENT = "Investment|Health|Decarbonisation"
MT = "Mt CO2-equiv/yr"
MUSD = "million US$2024/yr"
ACTUAL = "Actual"
"""The scenario name of what was actually done."""


def tracking_iamc(tracking, region: str, plan_scenario: str) -> pd.DataFrame:
    """The plan and the actuals of ``tracking`` (:class:`~optimizer.monitoring.tracking.Tracking`) by reported
    year, in IAMC wide format."""
    from .. import __version__

    years = tracking.years
    model = f"noregret {__version__}"
    series = [
        (plan_scenario, EMISSIONS, MT, "planned_emissions_tco2e", 1e6),
        (plan_scenario, f"{EMISSIONS}|Abatement", MT, "planned_abatement_tco2e", 1e6),
        (plan_scenario, INVESTMENT, MUSD, "planned_spend_usd", 1e6),
        (ACTUAL, EMISSIONS, MT, "emissions_tco2e", 1e6),
        (ACTUAL, f"{EMISSIONS}|Abatement", MT, "actual_abatement_tco2e", 1e6),
        (ACTUAL, INVESTMENT, MUSD, "actual_spend_usd", 1e6),
    ]
    rows = []
    for scenario, variable, unit, column, divisor in series:
        row: dict[str, str | float] = {
            "model": model,
            "scenario": scenario,
            "region": region,
            "variable": variable,
            "unit": unit,
        }
        row.update({str(int(y)): float(v) / divisor for y, v in zip(years["year"], years[column])})
        rows.append(row)
    return pd.DataFrame(rows)


def write_tracking_iamc(path: Path, tracking, region: str, plan_scenario: str) -> Path:
    tracking_iamc(tracking, region, plan_scenario).to_csv(path, index=False, float_format="%.10g")
    return path
