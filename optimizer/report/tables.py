"""Every report table as a DataFrame built from a :class:`~optimizer.results.Result` (and, for the regional
roll-up, a :class:`~optimizer.batch.BatchResult`). Charts and output files use only these numbers.

Column names carry their unit as a suffix (``_tco2e``, ``_usd``, ``_years``...) and the tables keep the
identifiers and full-precision base units (tCO2e, USD) for scripts; :func:`header` turns a column name into a
display header in words with the display unit in brackets (``BAU [ktCO2e]``, ``capex [US$ m]``) and
:func:`scale` gives what its numbers are divided by for display (report/fmt.py applies both, and the display
names of ``df.attrs``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..quality import quality_table
from ..schema.library import ACTION_FAMILIES
from ..units import counted_units
from .macc import merit_order

PRC_ISO3 = "CHN"

_WHOLE = {
    "cost_per_tco2e_usd": "cost per tonne [US$/tCO2e]",
    "break_even_carbon_price_usd_per_tco2e": "break-even carbon price [US$/tCO2e]",
    "utilisation": "utilisation [fraction]",
    "seconds": "solve time [s]",
    "selected": "selected",
    "year": "year",
    "name": "intervention",
    "phase_name": "phase",
    "kpis": "KPIs",
    "iso3": "ISO3",
    "path": "field in the file",
    "sentence": "finding",
    "target_years": "target years",
    "decision_years": "decision years",
    "roadmap_years": "roadmap years",
    "macc_cutoff_tco2e": "abatement of the selected MACC bars [ktCO2e]",
}
_SUFFIXES = [("_tco2e", "ktCO2e"), ("_usd", "US$ m"), ("_years", "years"), ("_share", "fraction")]
_WORDS = {
    "bau": "BAU",
    "npv": "NPV",
    "prc": "PRC",
    "ex": "excluding",
    "om": "O&M",
    "kpis": "KPIs",
    "p10": "P10",
    "p50": "median",
    "p90": "P90",
}

SCALE = {"ktCO2e": 1e3, "US$ m": 1e6}
"""What a column's numbers are divided by for display: tCO2e columns show ktCO2e, USD columns US$ m."""

NUMBER_FORMAT = {
    "ktCO2e": "#,##0.0",
    "US$ m": "#,##0.00",
    "US$/tCO2e": "#,##0",
    "years": "#,##0.0",
    "fraction": "0.00",
    "s": "0.00",
}
"""The Excel number format of each display unit (thousands separators, a unit's usual decimals)."""

YEAR_COLUMNS = ("year", "start_year", "earliest_start", "period", "target_year", "comparison_year")
"""Columns that hold calendar years: shown as whole numbers without thousands separators."""

ID_COLUMNS = ("intervention", "family", "phase", "financing_source", "financing_sources", "prerequisites")
"""Columns whose values are identifiers: shown by their display names (``df.attrs['names']``, set by
:func:`build_tables`)."""

TEXT_COLUMNS = ("reason", "note")
"""Sentences that may name identifiers (a screening reason names the emission source it lacks): each
identifier in them is shown by its display name."""


_STEMS = {
    "abatement_target_year": "abatement in the final year",
    "abatement_lifetime": "lifetime abatement",
    "first_year_saving": "first-year saving",
    "fixed_cost": "programme cost",
    "x_start": "MACC bar start",
}


def _words(stem: str) -> str:
    if stem in _STEMS:
        return _STEMS[stem]
    for family, name in ACTION_FAMILIES.items():
        if stem == f"abatement_{family}":
            return f"abatement: {name}"
    return " ".join(_WORDS.get(w, w) for w in stem.split("_"))


def display_unit(col: str) -> str:
    """The unit a column is shown in (``ktCO2e``, ``US$ m``, ``US$/tCO2e``...; empty when it has none)."""
    if col in ("cost_per_tco2e_usd", "break_even_carbon_price_usd_per_tco2e"):
        return "US$/tCO2e"
    if col in ("utilisation",):
        return "fraction"
    if col == "seconds":
        return "s"
    for suffix, unit in _SUFFIXES:
        if col.endswith(suffix) and len(col) > len(suffix):
            return unit
    return ""


def scale(col: str) -> float:
    """What the column's numbers are divided by for display (1 when they are shown as stored)."""
    return SCALE.get(display_unit(col), 1.0)


def header(col: str) -> str:
    """Display header in words with the display unit in brackets: ``bau_tco2e`` -> ``BAU [ktCO2e]``,
    ``capex_2026_usd`` -> ``capex 2026 [US$ m]``, ``start_year`` -> ``start year``."""
    if col in _WHOLE:
        return _WHOLE[col]
    for suffix, unit in _SUFFIXES:
        if col.endswith(suffix) and len(col) > len(suffix):
            return f"{_words(col[: -len(suffix)])} [{unit}]"
    return _words(col)


@dataclass
class ReportTables:
    """The tables of one country report; ``meta`` holds the scalars (case name, ISO3, variant, units...)."""

    meta: dict
    roadmap: pd.DataFrame
    actions: pd.DataFrame
    macc: pd.DataFrame
    finance: pd.DataFrame
    screening: pd.DataFrame
    diagnosis: pd.DataFrame
    provenance: pd.DataFrame
    robustness: pd.DataFrame | None = None  # selection frequency over a sweep, when one is given
    trajectory_band: pd.DataFrame | None = None
    """P10, median and P90 of the optimised emissions by year over a sweep's scenarios, when one is given
    (:func:`optimizer.sweep.robust.trajectory_band`)."""
    quality: pd.DataFrame | None = None  # shares resting on each quality grade (optimizer.quality)
    monitoring: Any = None  # plan against actual and the re-plan, with actuals (optimizer.report.monitoring)

    SHEETS = (
        "roadmap",
        "actions",
        "macc",
        "finance",
        "screening",
        "diagnosis",
        "provenance",
        "robustness",
        "trajectory_band",
        "quality",
    )

    def named(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in self.SHEETS if getattr(self, name) is not None}


@dataclass
class RegionalTables:
    """The CAREC roll-up (:mod:`optimizer.report.regional`): the countries compared with total rows, the regional
    roadmap by year, every milestone year of every country, capex by country and financing by financier, and the
    long country-by-year table the charts stack."""

    meta: dict
    countries: pd.DataFrame
    roadmap: pd.DataFrame
    reports: dict[str, ReportTables] = field(default_factory=dict)
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)
    capex: pd.DataFrame = field(default_factory=pd.DataFrame)
    financing: pd.DataFrame = field(default_factory=pd.DataFrame)
    country_years: pd.DataFrame = field(default_factory=pd.DataFrame)

    SHEETS = ("countries", "roadmap", "milestones", "capex", "financing")

    def named(self) -> dict[str, pd.DataFrame]:
        return {
            "countries": self.countries,
            "regional_roadmap": self.roadmap,
            "milestones": self.milestones,
            "capex": self.capex,
            "financing": self.financing,
            "country_years": self.country_years,
        }


def wedge_column(family: str) -> str:
    return f"abatement_{family}_tco2e"


def build_tables(result, diagnosis: bool = True, provenance: bool = True, progress=None) -> ReportTables:
    """Every table of a case's report; the diagnosis re-solves (``noregret explain`` without switching values),
    telling ``progress`` of its steps (:mod:`optimizer.progress`)."""
    data = result.data
    s = result.summary
    families = _families(result)
    meta = {
        "case": s["case"],
        "country": s["country"],
        "country_name": data.case.country.name,
        "variant": s["variant"],
        "status": s["status"],
        "objective": s["objective"],
        "tolerance_usd": s["tolerance"]["usd"],
        "tolerance_tco2e": s["tolerance"]["tco2e"],
        "npv_usd": s["npv_usd"],
        "total_shortfall_tco2e": s["total_shortfall_tco2e"],
        "target_years": list(s["target_years"]),
        "decision_years": [int(y) for y in data.decision_years],
        "roadmap_years": [int(y) for y in data.roadmap_years],
        "families": families,
        "final_year": data.final_year,
        "selected": len(result.portfolio),
        "candidates": s["candidates_kept"],
        "candidates_excluded": s["candidates_excluded"],
        "case_file": str(data.loaded.path),
    }
    macc = macc_table(result, meta["final_year"], progress)
    meta["macc_cutoff_tco2e"] = float(macc.loc[macc["selected"], "abatement_tco2e"].sum())
    tables = ReportTables(
        meta=meta,
        roadmap=roadmap_table(result, families),
        actions=action_table(result),
        macc=macc,
        finance=finance_table(result),
        screening=screening_table(result),
        diagnosis=diagnosis_table(result, progress) if diagnosis else pd.DataFrame({"sentence": []}),
        provenance=provenance_table(result) if provenance else _empty_provenance(),
        quality=quality_table(result),
    )
    names, counted = display_names(result), counted_units(data.loaded)
    for df in tables.named().values():  # read by the writers (report/fmt.py): names and whole units shown
        df.attrs["names"] = names
        df.attrs["counted"] = counted
    return tables


def display_names(result) -> dict[str, dict[str, str]]:
    """Display names of the identifiers in the report tables, by the column that holds them: interventions,
    action families, phases and financing sources; in the screening's reasons and notes, the emission sources
    and interventions they name."""
    data = result.data
    interventions = dict(zip(result.screening["intervention"], result.screening["name"]))
    financing = {f.id: f.name for f in data.financing} | {"all": "all sources"}
    sources = {src.id: src.name for src in data.loaded.library.vocabulary.sources}
    return {
        "reason": sources | interventions,
        "note": sources | interventions,
        "intervention": interventions,
        "prerequisites": interventions,
        "family": dict(ACTION_FAMILIES),
        "phase": {ph.id: ph.name for ph in data.case.phases},
        "period": {ph.id: ph.name for ph in data.case.phases},  # the finance table's phase periods
        "financing_source": financing,
        "financing_sources": financing,
    }


def _families(result) -> list[str]:
    """Action families of the portfolio, in library order of first appearance, largest final abatement first."""
    p = result.portfolio
    if not len(p):
        return []
    totals = p.groupby("family", sort=False)["abatement_target_year_tco2e"].sum()
    return list(totals.sort_values(ascending=False, kind="stable").index)


def roadmap_table(result, families: list[str]) -> pd.DataFrame:
    """Per roadmap year: BAU, target, optimised, total abatement, gap above the target, the shortfall ledger
    and one abatement wedge per action family (the wedges sum to BAU - optimised)."""
    pw = result.pathway
    out = pd.DataFrame(
        {
            "year": pw["year"].astype(int),
            "bau_tco2e": pw["bau_tco2e"].astype(float),
            "target_tco2e": pw["target_tco2e"].astype(float),
            "optimised_tco2e": pw["optimised_tco2e"].astype(float),
        }
    )
    out["abatement_tco2e"] = out["bau_tco2e"] - out["optimised_tco2e"]
    out["gap_above_target_tco2e"] = (out["optimised_tco2e"] - out["target_tco2e"]).clip(lower=0.0)
    out["enforced"] = pw["enforced"].astype(bool)
    out["shortfall_tco2e"] = pw["shortfall_tco2e"].astype(float)
    sched = result.schedule
    fam_of = dict(zip(result.portfolio["intervention"], result.portfolio["family"]))
    if len(sched):
        by = sched.assign(family=sched["intervention"].map(fam_of)).pivot_table(
            index="year", columns="family", values="abatement_tco2e", aggfunc="sum", fill_value=0.0
        )
    else:
        by = pd.DataFrame()
    for fam in families:
        col = by[fam] if fam in by.columns else pd.Series(dtype=float)
        out[wedge_column(fam)] = out["year"].map(col).fillna(0.0).astype(float)
    return out


def action_table(result) -> pd.DataFrame:
    """The portfolio grouped by phase (in the case's phase order), with capex by decision year."""
    data = result.data
    p = result.portfolio
    phases = [ph.id for ph in data.case.phases]
    phase_name = {ph.id: ph.name for ph in data.case.phases}
    years = [int(y) for y in data.decision_years]
    capex = (
        result.schedule.pivot_table(
            index="intervention", columns="year", values="capex_usd", aggfunc="sum", fill_value=0.0
        )
        if len(result.schedule)
        else pd.DataFrame()
    )
    rows = []
    for r in p.itertuples(index=False):
        c = data.candidates[r.intervention]
        row = {
            "phase": r.phase,
            "phase_name": phase_name.get(r.phase, r.phase),
            "intervention": r.intervention,
            "name": r.name,
            "family": r.family,
            "start_year": int(r.start_year) if r.start_year == r.start_year and r.start_year is not None else None,
            "units": float(r.units),
            "unit": r.unit,
            "capex_usd": float(r.capex_usd),
        }
        for y in years:
            row[f"capex_{y}_usd"] = (
                float(capex.loc[r.intervention, y]) if (r.intervention in capex.index and y in capex.columns) else 0.0
            )
        row.update(
            {
                "fixed_cost_usd": float(r.fixed_cost_usd),
                "first_year_saving_usd": float(r.first_year_saving_usd),
                "simple_payback_years": float(r.simple_payback_years),
                "npv_usd": float(r.npv_usd),
                "abatement_target_year_tco2e": float(r.abatement_target_year_tco2e),
                "abatement_lifetime_tco2e": float(r.abatement_lifetime_tco2e),
                "cost_per_tco2e_usd": float(r.cost_per_tco2e_usd),
                "prerequisites": "; ".join(c.prerequisites),
                "financing_sources": r.financing_sources,
                "kpis": r.kpis,
            }
        )
        rows.append(row)
    cols = (
        ["phase", "phase_name", "intervention", "name", "family", "start_year", "units", "unit", "capex_usd"]
        + [f"capex_{y}_usd" for y in years]
        + [
            "fixed_cost_usd",
            "first_year_saving_usd",
            "simple_payback_years",
            "npv_usd",
            "abatement_target_year_tco2e",
            "abatement_lifetime_tco2e",
            "cost_per_tco2e_usd",
            "prerequisites",
            "financing_sources",
            "kpis",
        ]
    )
    out = pd.DataFrame(rows, columns=cols)
    order = {ph: k for k, ph in enumerate(phases)}
    out["_o"] = out["phase"].map(order).fillna(len(order))
    out = out.sort_values(["_o", "start_year", "intervention"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


def macc_table(result, final_year: int, progress=None) -> pd.DataFrame:
    """The marginal abatement cost curve in the final year, one row per step (:func:`.macc.merit_order`):
    first the selected portfolio in merit order (cheapest cost per tonne first; width: what the plan's units
    abate in ``final_year``), then the further technical potential in merit order (the measures not
    selected, and the rest of the selected measures' potential; width: what each adds to the abatement
    reachable with the plan and the steps before it, at full potential without money limits). The widths add
    up to the technically reachable abatement of ``noregret explain``; a measure acting on sources that
    earlier steps already cover adds only what is left. Height: ``screening.cost_per_tco2e_usd`` (whole-life
    net present cost per lifetime tonne of one unit at its earliest start); beside it the break-even carbon
    price (net present cost per discounted tonne). ``rank`` numbers the drawn bars; steps without a positive
    width or a finite cost are listed but not drawn."""
    if final_year != result.data.final_year:
        raise ValueError(f"the cost curve is drawn for the final year {result.data.final_year}, not {final_year}")
    return merit_order(result, progress)


def finance_table(result) -> pd.DataFrame:
    return result.finance.copy().reset_index(drop=True)


def screening_table(result) -> pd.DataFrame:
    cols = [
        "intervention",
        "name",
        "family",
        "phase",
        "status",
        "selected",
        "reason",
        "note",
        "cost_per_tco2e_usd",
        "simple_payback_years",
        "earliest_start",
    ]
    scr = result.screening
    return scr[[c for c in cols if c in scr.columns]].reset_index(drop=True)


def diagnosis_table(result, progress=None) -> pd.DataFrame:
    from ..explain import explain

    expl = explain(result.data.loaded, variant=result.summary["variant"], switching=False, progress=progress)
    return pd.DataFrame({"sentence": list(expl.sentences)})


PROVENANCE_COLUMNS = ["file", "path", "value", "range", "unit", "status", "grade", "provenance"]


def _empty_provenance() -> pd.DataFrame:
    return pd.DataFrame(columns=PROVENANCE_COLUMNS)


def provenance_table(result) -> pd.DataFrame:
    """Assumptions behind the plan: every number of the case file (its own interventions and overrides
    included), and every number of the library interventions that were assessed in this case (the screening
    table), as the library files give them."""
    from ..provenance import _Context, walk

    loaded = result.data.loaded
    lib = loaded.library
    files = lib.base or lib
    rows: list = []
    walk(loaded.case, _rel(loaded.path), "", _Context(), rows, lib)
    for iid in result.screening["intervention"]:
        if iid in files.interventions:
            walk(files.interventions[iid], _rel(files.file_of[iid]), f"interventions[{iid}]", _Context(), rows, lib)
    out = pd.DataFrame([r.__dict__ for r in rows], columns=PROVENANCE_COLUMNS)
    out["value"] = out["value"].map(_number_or_text).astype(object)
    return out


def _number_or_text(value: str):
    """A provenance value as a number when it is one number (``1.81e+06``, ``560,000``), else the text (year
    series, shares by scope)."""
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return value


def _rel(p) -> str:
    from pathlib import Path

    from ..provenance import ROOT

    path = Path(p).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --------------------------------------------------------------------------------------------- regional


def regional_tables(batch, reports: dict[str, ReportTables] | None = None) -> RegionalTables:
    """The CAREC roll-up of a batch (:mod:`optimizer.report.regional`): the per-country comparison with total
    rows, the regional roadmap by year (with and without the PRC; the shortfall is the sum of the countries'
    shortfalls), every milestone year of every country, capex by country and financing by financier."""
    from . import regional as R

    results = batch.results
    long = R.country_years(results)
    countries_iso = sorted({res.summary["country"] for res in results.values()})
    has_prc = PRC_ISO3 in countries_iso
    meta = {
        "comparison_year": int(batch.year),
        "countries": countries_iso,
        "failures": dict(batch.failures),
        "has_prc": has_prc,
        "notes": list(R.NOTES),
    }
    return RegionalTables(
        meta=meta,
        countries=R.countries_table(
            batch.comparison, has_prc, {case: res.data.case.country.name for case, res in results.items()}
        ),
        roadmap=R.regional_roadmap(long),
        reports=reports or {},
        milestones=R.milestone_table(long, has_prc),
        capex=R.capex_table(results, has_prc),
        financing=R.financing_table(results),
        country_years=long,
    )
