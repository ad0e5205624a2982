"""The CAREC roll-up of a manifest's results: every regional table is built here from the countries' own results
(:class:`~optimizer.batch.BatchResult`), so the regional figures add up to the country reports.

The regional shortfall in a year is the **sum of the countries' shortfalls** (each country's emissions above its
own target in a year that country enforces), never a regional total target compared with regional emissions:
that comparison would let a country beating its target (or whose target lies above its BAU) cancel another
country's shortfall."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .tables import PRC_ISO3

TOTAL = "CAREC total"
TOTAL_EX_PRC = "CAREC excl. PRC"
MUSD = "US$ m"

NOTES = (
    "Regional shortfall = the sum of the countries' shortfalls: each country's emissions above its own target in "
    "a year that country enforces. A country beating its target, or whose target lies above its BAU, never "
    "reduces it (no netting between countries).",
    "Regional target = the sum of the countries' targets, each capped at the country's BAU, shown only in years "
    "where every country has a target. It is a reference level, not the level the shortfall is measured "
    "against: regional optimised emissions minus this line nets one country's margin against another's "
    "shortfall, so the charts draw the countries' own shortfalls instead of a regional gap.",
    "Capex and financing: the countries' own figures summed, in US$ million; financiers are grouped by the "
    "display name the cases give them.",
)


def country_years(results: dict) -> pd.DataFrame:
    """One row per country and roadmap year: BAU, target, optimised, whether the year is enforced for that country,
    whether it is one of its milestones, and its shortfall (emissions above its target; NaN where not enforced)."""
    from ..pathway import milestone_levels_years

    frames = []
    for case, res in results.items():
        data = res.data
        pw = res.pathway
        enforced = set(int(y) for y in res.summary["target_years"])
        milestones = set(milestone_levels_years(data.variant))
        if data.variant.net_zero_year is not None:
            milestones.add(int(data.variant.net_zero_year))
        milestones = {y for y in milestones if y in enforced} or ({max(enforced)} if enforced else set())
        frames.append(
            pd.DataFrame(
                {
                    "case": case,
                    "country": res.summary["country"],
                    "country_name": data.case.country.name,
                    "year": pw["year"].astype(int).to_numpy(),
                    "bau_tco2e": pw["bau_tco2e"].to_numpy(float),
                    "target_tco2e": pw["target_tco2e"].to_numpy(float),
                    "optimised_tco2e": pw["optimised_tco2e"].to_numpy(float),
                    "enforced": pw["year"].astype(int).isin(enforced).to_numpy(),
                    "milestone": pw["year"].astype(int).isin(milestones).to_numpy(),
                    "shortfall_tco2e": np.where(
                        pw["year"].astype(int).isin(enforced), pw["shortfall_tco2e"].to_numpy(float), np.nan
                    ),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=[
                "case",
                "country",
                "country_name",
                "year",
                "bau_tco2e",
                "target_tco2e",
                "optimised_tco2e",
                "enforced",
                "milestone",
                "shortfall_tco2e",
            ]
        )
    return pd.concat(frames, ignore_index=True)


def common_years(long: pd.DataFrame) -> list[int]:
    """Roadmap years every country reports (a regional total of fewer countries would not be comparable)."""
    if not len(long):
        return []
    n = long["case"].nunique()
    counts = long.groupby("year")["case"].nunique()
    return sorted(int(y) for y in counts.index[counts.to_numpy() == n])


def _totals(part: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """BAU, capped target, optimised and shortfall summed over the countries of ``part``, by year."""
    part = part[part["year"].isin(years)]
    # NaN where a country has no target (np.fmin would return the BAU there)
    part = part.assign(target_capped_tco2e=part[["target_tco2e", "bau_tco2e"]].min(axis=1, skipna=False))
    n = part["case"].nunique()
    g = part.groupby("year")
    out = pd.DataFrame(index=pd.Index(years, name="year"))
    out["bau_tco2e"] = g["bau_tco2e"].sum()
    # a target total exists only where every country has a target (no partial sums)
    out["target_tco2e"] = g["target_capped_tco2e"].sum(min_count=n) if n else np.nan
    out["optimised_tco2e"] = g["optimised_tco2e"].sum()
    out["countries_enforcing"] = g["enforced"].sum().astype(int)
    # the sum of the countries' shortfalls; none (NaN) in a year no country enforces
    out["shortfall_tco2e"] = g["shortfall_tco2e"].sum(min_count=1)
    return out


def regional_roadmap(long: pd.DataFrame) -> pd.DataFrame:
    """Per year every country reports: the regional totals with and without the PRC (``_ex_prc`` columns). The
    shortfall is the sum of the countries' shortfalls in that year; ``target`` is the sum of the countries'
    targets each capped at its BAU (see :data:`NOTES`)."""
    years = common_years(long)
    tot = _totals(long, years)
    ex = _totals(long[long["country"] != PRC_ISO3], years)
    out = pd.DataFrame({"year": np.array(years, dtype=int)})
    for col in tot.columns:
        out[col] = tot[col].to_numpy()
    for col in ex.columns:
        name = col.replace("_tco2e", "_ex_prc_tco2e") if col.endswith("_tco2e") else f"{col}_ex_prc"
        out[name] = ex[col].to_numpy() if len(ex) else np.nan
    out["countries"] = long["case"].nunique()
    return out


def _with_totals(rows: pd.DataFrame, label_col: str, sum_cols: list[str], has_prc: bool) -> pd.DataFrame:
    """``rows`` followed by a CAREC total row and, when the PRC is among them, a total without the PRC."""
    totals = [(TOTAL, rows)]
    if has_prc and len(rows) > 1:
        totals.append((TOTAL_EX_PRC, rows[rows["country"] != PRC_ISO3]))
    extra = []
    for label, part in totals:
        row: dict = {c: np.nan for c in rows.columns}
        row.update({label_col: label, "country": ""})
        for c in sum_cols:
            row[c] = float(part[c].sum(min_count=1)) if len(part) else 0.0
        extra.append(row)
    return pd.concat([rows, pd.DataFrame(extra, columns=rows.columns)], ignore_index=True)


def milestone_table(long: pd.DataFrame, has_prc: bool) -> pd.DataFrame:
    """Every milestone year of every country, each country's figures in it and the CAREC totals. A country whose
    milestone it is not (or that does not enforce the year) has no shortfall there; target totals are not given,
    since a sum of targets nets one country's margin against another's shortfall."""
    years = sorted(int(y) for y in long.loc[long["milestone"], "year"].unique())
    blocks = []
    cols = [
        "year",
        "country_name",
        "country",
        "milestone",
        "enforced",
        "bau_tco2e",
        "target_tco2e",
        "optimised_tco2e",
        "shortfall_tco2e",
    ]
    for y in years:
        rows = long[long["year"] == y][cols].reset_index(drop=True)
        block = _with_totals(rows, "country_name", ["bau_tco2e", "optimised_tco2e", "shortfall_tco2e"], has_prc)
        block["year"] = y
        for flag in ("milestone", "enforced"):
            block[flag] = block[flag].astype(object)
            block.loc[block["country"] == "", flag] = ""
        blocks.append(block)
    out = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=cols)
    out["year"] = out["year"].astype(int)
    return out


def countries_table(comparison: pd.DataFrame, has_prc: bool, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The batch comparison (one row per case, in the comparison year) with CAREC total rows, each case led by
    its country's name (``names``: case -> country name). Targets are not totalled (a sum of targets nets
    surpluses against shortfalls); the shortfall total is the sum of the countries' shortfalls."""
    rows = comparison.copy().reset_index(drop=True)
    if names is not None and "case" in rows.columns:
        rows.insert(0, "country_name", rows["case"].map(names).fillna(rows["case"]))
    sums = [
        c
        for c in ("bau_tco2e", "optimised_tco2e", "shortfall_tco2e", "capex_usd", "spend_usd", "npv_usd", "selected")
        if c in rows.columns
    ]
    if not len(rows):
        return rows
    out = _with_totals(rows, "country_name" if "country_name" in rows.columns else "case", sums, has_prc)
    for c in ("case", "variant", "status"):
        if c in out.columns:
            out[c] = out[c].fillna("")
    return out


def _year_columns(values: dict[str, dict[int, float]], years: list[int], label: str) -> pd.DataFrame:
    """Rows ``label`` = each key, one column per year in US$ million and a total column."""
    rows = []
    for key, by_year in values.items():
        row: dict = {label: key}
        row.update({f"{y} [{MUSD}]": by_year.get(y, 0.0) / 1e6 for y in years})
        row[f"total [{MUSD}]"] = sum(by_year.get(y, 0.0) for y in years) / 1e6
        rows.append(row)
    return pd.DataFrame(rows, columns=[label, *(f"{y} [{MUSD}]" for y in years), f"total [{MUSD}]"])


def capex_by_year(result) -> dict[int, float]:
    """A country's capex by decision year (USD), as its IAMC ``Investment`` row."""
    return {int(y): float(v) for y, v in result.summary["capex_usd_by_year"].items()}


def capex_table(results: dict, has_prc: bool) -> pd.DataFrame:
    """Capex by country and decision year (US$ million), with CAREC totals."""
    by_country: dict[str, dict[int, float]] = {}
    for res in results.values():  # two cases of one country (a manifest may list variants) add up, as elsewhere
        into = by_country.setdefault(res.data.case.country.name, {})
        for y, v in capex_by_year(res).items():
            into[y] = into.get(y, 0.0) + v
    iso = {res.data.case.country.name: res.summary["country"] for res in results.values()}
    years = sorted({y for v in by_country.values() for y in v})
    rows = _year_columns(by_country, years, "country_name")
    rows.insert(1, "country", rows["country_name"].map(iso))
    if not len(rows):
        return rows
    return _with_totals(rows, "country_name", [c for c in rows.columns if c.endswith(f"[{MUSD}]")], has_prc).drop(
        columns="country"
    )


def financing_table(results: dict) -> pd.DataFrame:
    """What each financier pays by year over all countries (US$ million, capex plus programme costs; the sum of
    the countries' finance tables), grouped by the financiers' display names, with a total row."""
    paid: dict[str, dict[int, float]] = {}
    countries: dict[str, set[str]] = {}
    for res in results.values():
        names = {f.id: f.name for f in res.data.financing}
        f = res.finance
        f = f[(f["period_type"] == "year") & f["financing_source"].isin(list(names))]
        for r in f.itertuples(index=False):
            name = names[r.financing_source]
            by_year = paid.setdefault(name, {})
            by_year[int(r.period)] = by_year.get(int(r.period), 0.0) + float(r.spend_usd)
            countries.setdefault(name, set()).add(res.summary["country"])
    years = sorted({y for v in paid.values() for y in v})
    order = sorted(paid, key=lambda n: -sum(paid[n].values()))
    rows = _year_columns({n: paid[n] for n in order}, years, "financier")
    rows.insert(1, "countries", [", ".join(sorted(countries[n])) for n in order])
    if not len(rows):
        return rows
    total = {c: float(rows[c].sum()) for c in rows.columns if c.endswith(f"[{MUSD}]")}
    return pd.concat([rows, pd.DataFrame([{"financier": "Total", "countries": "", **total}])], ignore_index=True)


def shortfall_by_country(long: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Shortfall by year (rows) and country (columns, display names), 0 where a country does not enforce the
    year; the columns add up to the regional shortfall."""
    part = long[long["year"].isin(years)]
    wide = part.pivot_table(
        index="year", columns="country_name", values="shortfall_tco2e", aggfunc="sum", fill_value=0.0, dropna=False
    )
    names = list(dict.fromkeys(long["country_name"]))
    return wide.reindex(index=years, columns=names).fillna(0.0)


def emissions_by_country(long: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Optimised emissions by year (rows) and country (columns, display names)."""
    part = long[long["year"].isin(years)]
    wide = part.pivot_table(index="year", columns="country_name", values="optimised_tco2e", aggfunc="sum")
    return wide.reindex(index=years, columns=list(dict.fromkeys(long["country_name"])))


CAPTIONS = {
    "regional_roadmap": "CAREC total: optimised health-sector emissions stacked by country; the hatched top of a "
    "country's band is its emissions above its own target (its shortfall), and the hatched parts add up to the "
    "regional shortfall. The black line is the countries' summed BAU. No regional target line is drawn: a sum of "
    "targets would net one country's margin against another's shortfall.",
    "regional_shortfall": "CAREC total: shortfall by year, stacked by country (each country's emissions above its "
    "own target in the years it enforces); a bar's height is the regional shortfall, never netted against a "
    "country that beats its target.",
    "regional_roadmap_ex_prc": "CAREC without the PRC (the PRC's health sector dominates the regional total): "
    "optimised emissions stacked by country, shortfalls hatched, summed BAU as the black line.",
    "regional_shortfall_ex_prc": "CAREC without the PRC: shortfall by year, stacked by country.",
}
