"""Every report table as a DataFrame built from a :class:`~optimizer.results.Result` (and, for the regional
roll-up, a :class:`~optimizer.batch.BatchResult`). Charts and output files use only these numbers.

Column names carry their unit as a suffix (``_tco2e``, ``_usd``, ``_years``...); :func:`header` turns them
into display headers with the unit in brackets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..prepare import ScreeningStatus
from ..quality import quality_table

PRC_ISO3 = "CHN"

_WHOLE = {
    "cost_per_tco2e_usd": "cost per tonne [USD/tCO2e]",
    "utilisation": "utilisation [fraction]",
    "seconds": "seconds [s]",
    "selected": "selected",
    "year": "year",
}
_SUFFIXES = [("_tco2e", "tCO2e"), ("_usd", "USD"), ("_years", "years"), ("_share", "fraction")]


def header(col: str) -> str:
    """Display header with the unit in brackets: ``bau_tco2e`` -> ``bau [tCO2e]``; names without a unit
    suffix (identifiers, text, counts) are kept."""
    if col in _WHOLE:
        return _WHOLE[col]
    for suffix, unit in _SUFFIXES:
        if col.endswith(suffix) and len(col) > len(suffix):
            return f"{col[: -len(suffix)]} [{unit}]"
    return col


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
    quality: pd.DataFrame | None = None  # shares resting on each quality grade (optimizer.quality)

    SHEETS = ("roadmap", "actions", "macc", "finance", "screening", "diagnosis", "provenance", "robustness", "quality")

    def named(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in self.SHEETS if getattr(self, name) is not None}


@dataclass
class RegionalTables:
    meta: dict
    countries: pd.DataFrame
    roadmap: pd.DataFrame
    reports: dict[str, ReportTables] = field(default_factory=dict)

    SHEETS = ("countries", "roadmap")

    def named(self) -> dict[str, pd.DataFrame]:
        return {"countries": self.countries, "regional_roadmap": self.roadmap}


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
        "candidates": len(result.screening),
        "case_file": str(data.loaded.path),
    }
    macc = macc_table(result, meta["final_year"])
    meta["macc_cutoff_tco2e"] = float(macc.loc[macc["selected"] & macc["drawn"], "abatement_tco2e"].sum())
    return ReportTables(
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


def macc_table(result, final_year: int) -> pd.DataFrame:
    """One row per candidate kept by screening, sorted by cost per tonne.

    Width (``abatement_tco2e``, abatement in ``final_year``): for a selected candidate, what the selected
    units abate in that year (``portfolio.abatement_target_year_tco2e``); for an unselected one, the full
    potential built in its earliest build year (per-unit abatement in ``final_year`` x potential units).
    Height: ``screening.cost_per_tco2e_usd`` (whole-life net present cost per tonne of one unit built at the
    earliest start). Candidates without a positive width or a finite cost are listed but not drawn."""
    data = result.data
    scr = result.screening[result.screening["status"] == ScreeningStatus.KEPT]
    sel = result.portfolio.set_index("intervention")["abatement_target_year_tco2e"].to_dict()
    k = data.year_index(final_year)
    rows = []
    for r in scr.itertuples(index=False):
        c = data.candidates.get(r.intervention)
        if r.intervention in sel:
            width, basis = float(sel[r.intervention]), "selected units"
        elif c is not None and c.build_years:
            width = float(c.abatement[c.build_years[0]][:, k].sum()) * c.potential
            basis = "full potential"
        else:
            width, basis = float("nan"), "no build year"
        cost = float(r.cost_per_tco2e_usd)
        drawn = bool(width > 0 and math.isfinite(cost))
        rows.append(
            {
                "intervention": r.intervention,
                "name": r.name,
                "family": r.family,
                "selected": bool(r.selected),
                "cost_per_tco2e_usd": cost,
                "abatement_tco2e": width,
                "width_basis": basis,
                "drawn": drawn,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "intervention",
            "name",
            "family",
            "selected",
            "cost_per_tco2e_usd",
            "abatement_tco2e",
            "width_basis",
            "drawn",
        ],
    )
    out = out.sort_values(
        ["drawn", "cost_per_tco2e_usd", "intervention"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    widths = out["abatement_tco2e"].where(out["drawn"], 0.0)
    out["x_start_tco2e"] = widths.cumsum() - widths
    out.loc[~out["drawn"], "x_start_tco2e"] = np.nan
    return out


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
    return pd.DataFrame([r.__dict__ for r in rows], columns=PROVENANCE_COLUMNS)


def _rel(p) -> str:
    from pathlib import Path

    from ..provenance import ROOT

    path = Path(p).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --------------------------------------------------------------------------------------------- regional


def regional_tables(batch, reports: dict[str, ReportTables] | None = None) -> RegionalTables:
    """Per-country comparison (the batch table) and the CAREC total roadmap: BAU, target and optimised summed
    over the countries solved, by year, with and without the PRC. Only years every country reports are kept."""
    results = batch.results
    frames = []
    for res in results.values():
        pw = res.pathway[["year", "bau_tco2e", "target_tco2e", "optimised_tco2e"]].copy()
        pw["country"] = res.summary["country"]
        frames.append(pw)
    countries_iso = sorted({res.summary["country"] for res in results.values()})
    cols = [
        "year",
        "bau_tco2e",
        "target_tco2e",
        "optimised_tco2e",
        "bau_ex_prc_tco2e",
        "target_ex_prc_tco2e",
        "optimised_ex_prc_tco2e",
        "countries",
    ]
    if frames:
        long = pd.concat(frames, ignore_index=True)
        counts = long.groupby("year")["country"].nunique()
        years = sorted(int(y) for y, n in counts.items() if n == len(frames))
        long = long[long["year"].isin(years)]

        # a year's target total exists only where every country has a target (no partial sums)
        def total(part):
            n = part["country"].nunique()
            return part.groupby("year")[["bau_tco2e", "target_tco2e", "optimised_tco2e"]].sum(min_count=n)

        tot = total(long)
        ex = total(long[long["country"] != PRC_ISO3]).reindex(tot.index)
        roadmap = pd.DataFrame(
            {
                "year": tot.index.astype(int),
                "bau_tco2e": tot["bau_tco2e"].to_numpy(),
                "target_tco2e": tot["target_tco2e"].to_numpy(),
                "optimised_tco2e": tot["optimised_tco2e"].to_numpy(),
                "bau_ex_prc_tco2e": ex["bau_tco2e"].to_numpy(),
                "target_ex_prc_tco2e": ex["target_tco2e"].to_numpy(),
                "optimised_ex_prc_tco2e": ex["optimised_tco2e"].to_numpy(),
                "countries": len(frames),
            }
        )
    else:
        roadmap = pd.DataFrame(columns=cols)
    meta = {
        "comparison_year": int(batch.year),
        "countries": countries_iso,
        "failures": dict(batch.failures),
        "has_prc": PRC_ISO3 in countries_iso,
    }
    return RegionalTables(
        meta=meta, countries=batch.comparison.copy().reset_index(drop=True), roadmap=roadmap, reports=reports or {}
    )
