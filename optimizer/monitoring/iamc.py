"""The tracking in the report's IAMC format (:mod:`optimizer.report.iamc`: model, scenario, region, variable,
unit, then one column per year), for pyam and LEAP users: scenario ``Actual`` (what was done, in the reported
years) beside the plan's scenario (the case variant's name), with the report's variables, so the two compare
row by row and with the report's own rows.

Variables: ``Emissions|Kyoto Gases|Health|Optimised`` (emissions after what was done or planned; for ``Actual``
the measured sources' values where given, the rest modelled from the units built), ``...|Abatement``, and
``Investment|Health|Decarbonisation`` (money spent), in the report's units."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..report.iamc import EMISSIONS, INVESTMENT, MT, MUSD, _row, frame, write_iamc

ACTUAL = "Actual"
"""The scenario name of what was actually done."""


def tracking_rows(tracking, region: str, plan_scenario: str) -> list[dict]:
    """The plan and the actuals of ``tracking`` (:class:`~optimizer.monitoring.tracking.Tracking`) by reported
    year, as the report's IAMC rows."""
    years = tracking.years
    series = [
        (plan_scenario, f"{EMISSIONS}|Optimised", MT, "planned_emissions_tco2e"),
        (plan_scenario, f"{EMISSIONS}|Abatement", MT, "planned_abatement_tco2e"),
        (plan_scenario, INVESTMENT, MUSD, "planned_spend_usd"),
        (ACTUAL, f"{EMISSIONS}|Optimised", MT, "emissions_tco2e"),
        (ACTUAL, f"{EMISSIONS}|Abatement", MT, "actual_abatement_tco2e"),
        (ACTUAL, INVESTMENT, MUSD, "actual_spend_usd"),
    ]
    return [
        _row(scenario, region, variable, unit, dict(zip(years["year"], years[column].to_numpy(float) / 1e6)))
        for scenario, variable, unit, column in series
    ]


def tracking_iamc(tracking, region: str, plan_scenario: str) -> pd.DataFrame:
    """:func:`tracking_rows` as a table, year columns named as in the written file."""
    return frame(tracking_rows(tracking, region, plan_scenario))


def write_tracking_iamc(path: Path, tracking, region: str, plan_scenario: str) -> Path:
    return write_iamc(path, tracking_rows(tracking, region, plan_scenario))
