"""IAMC long-format ("wide years") CSV for exchange with pyam, LEAP and otoole users: columns model, scenario,
region, variable, unit, then one column per year. Emissions in Mt CO2-equiv/yr, investment (capex) in
million US$2024/yr (the case's USD, taken as 2024 prices). ``|Shortfall`` is the emissions above the target in
the years the target is enforced (blank in other years); a region's shortfall is the sum of its countries'."""

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
    enforced = rm[rm["enforced"].astype(bool)]
    rows.append(
        _row(
            scen,
            reg,
            f"{EMISSIONS}|Shortfall",
            MT,
            dict(zip(enforced["year"].astype(int), enforced["shortfall_tco2e"].to_numpy(float) / 1e6)),
        )
    )
    capex = {
        y: float(tables.actions[f"capex_{y}_usd"].sum()) / 1e6 if f"capex_{y}_usd" in tables.actions else 0.0
        for y in m["decision_years"]
    }
    rows.append(_row(scen, reg, INVESTMENT, MUSD, capex))
    return rows


def regional_rows(reg_tables, scenario: str = "default") -> list[dict]:
    """``CAREC`` (and ``CAREC excl. PRC`` when the PRC is in the manifest) from the regional tables: BAU, target
    (the countries' targets each capped at its BAU, in years every country has one), optimised and shortfall
    (the sum of the countries' shortfalls, in years at least one country enforces) by year, and investment
    (the countries' capex summed) by decision year."""
    from .regional import MUSD as TABLE_MUSD
    from .regional import TOTAL, TOTAL_EX_PRC

    rm = reg_tables.roadmap
    years = rm["year"].astype(int).to_numpy()
    capex = reg_tables.capex.set_index("country_name") if len(reg_tables.capex) else None
    rows = []
    for region, suffix, label in (("CAREC", "_tco2e", TOTAL), ("CAREC excl. PRC", "_ex_prc_tco2e", TOTAL_EX_PRC)):
        if suffix == "_ex_prc_tco2e" and not (reg_tables.meta.get("has_prc") and len(reg_tables.meta["countries"]) > 1):
            continue
        for var, col in (("BAU", "bau"), ("Target", "target"), ("Optimised", "optimised")):
            values = rm[f"{col}{suffix}"].to_numpy(float) / 1e6
            keep = ~np.isnan(values)
            rows.append(_row(scenario, region, f"{EMISSIONS}|{var}", MT, dict(zip(years[keep], values[keep]))))
        enforcing = rm["countries_enforcing" + ("_ex_prc" if suffix != "_tco2e" else "")].to_numpy(int) > 0
        shortfall = rm[f"shortfall{suffix}"].to_numpy(float) / 1e6
        rows.append(
            _row(scenario, region, f"{EMISSIONS}|Shortfall", MT, dict(zip(years[enforcing], shortfall[enforcing])))
        )
        if capex is not None and label in capex.index:
            by_year = {
                int(c.split(" ")[0]): float(v)
                for c, v in capex.loc[label].items()
                if c.endswith(f"[{TABLE_MUSD}]") and c.split(" ")[0].isdigit()
            }
            rows.append(_row(scenario, region, INVESTMENT, MUSD, by_year))
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
