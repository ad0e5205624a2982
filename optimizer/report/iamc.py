"""IAMC long-format ("wide years") CSV for exchange with pyam, LEAP and otoole users: columns model, scenario,
region, variable, unit, then one column per year. Emissions in Mt CO2-equiv/yr, investment (capex) in
million US$2024/yr (the case's USD, taken as 2024 prices)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .tables import wedge_column

EMISSIONS = "Emissions|Kyoto Gases|Health"
INVESTMENT = "Investment|Health|Decarbonisation"
MT = "Mt CO2-equiv/yr"
MUSD = "million US$2024/yr"
COLUMNS = ["model", "scenario", "region", "variable", "unit"]


def model_name() -> str:
    from .. import __version__

    return f"noregret {__version__}"


def _row(scenario: str, region: str, variable: str, unit: str, values: dict) -> dict:
    row = {"model": model_name(), "scenario": scenario, "region": region, "variable": variable, "unit": unit}
    row.update({int(y): float(v) for y, v in values.items()})
    return row


def country_rows(tables) -> list[dict]:
    m, rm = tables.meta, tables.roadmap
    scen, reg = m["variant"], m["country"]
    years = rm["year"].astype(int)
    series = lambda col: dict(zip(years, rm[col].to_numpy(float) / 1e6))  # noqa: E731
    rows = [
        _row(scen, reg, f"{EMISSIONS}|BAU", MT, series("bau_tco2e")),
        _row(scen, reg, f"{EMISSIONS}|Target", MT, series("target_tco2e")),
        _row(scen, reg, f"{EMISSIONS}|Optimised", MT, series("optimised_tco2e")),
        _row(scen, reg, f"{EMISSIONS}|Abatement", MT, series("abatement_tco2e")),
    ]
    rows += [_row(scen, reg, f"{EMISSIONS}|Abatement|{f}", MT, series(wedge_column(f))) for f in m["families"]]
    capex = {
        y: float(tables.actions[f"capex_{y}_usd"].sum()) / 1e6 if f"capex_{y}_usd" in tables.actions else 0.0
        for y in m["decision_years"]
    }
    rows.append(_row(scen, reg, INVESTMENT, MUSD, capex))
    return rows


def regional_rows(reg_tables, scenario: str = "default") -> list[dict]:
    rm = reg_tables.roadmap
    years = rm["year"].astype(int)
    rows = []
    for region, suffix in (("CAREC", "_tco2e"), ("CAREC excl. PRC", "_ex_prc_tco2e")):
        if suffix == "_ex_prc_tco2e" and not reg_tables.meta.get("has_prc"):
            continue
        for var, col in (("BAU", "bau"), ("Target", "target"), ("Optimised", "optimised")):
            rows.append(
                _row(
                    scenario,
                    region,
                    f"{EMISSIONS}|{var}",
                    MT,
                    dict(zip(years, rm[f"{col}{suffix}"].to_numpy(float) / 1e6)),
                )
            )
    return rows


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    years = sorted(c for c in df.columns if isinstance(c, (int, np.integer)))
    df = df[COLUMNS + years]
    df.columns = COLUMNS + [str(y) for y in years]
    return df


def write_iamc(path: Path, rows: list[dict]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame(rows).to_csv(path, index=False, float_format="%.10g")
    return path
