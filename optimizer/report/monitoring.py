"""The report's monitoring section (``noregret report CASE --actuals FILE``): the plan against what was done
(emissions, spend and each programme's units by year against the plan and the target pathway), the indicators
with their status, and the re-plan from the first year without actuals against the original plan.

:func:`monitoring_tables` tracks and re-plans (:mod:`optimizer.monitoring`); the writers of
:mod:`optimizer.report.build` add :func:`monitoring_html`, :func:`monitoring_markdown`,
:func:`monitoring_sheets` and :func:`monitoring_iamc_rows` when the report tables carry them. The tables keep
the report's conventions (tCO2e and US$ columns shown in ktCO2e and US$ m, counted units whole)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ..formatting import money, tonnes
from ..monitoring.actuals import ActualsData
from ..progress import ProgressFn, silent
from ..results import Result
from ..units import ROUNDING_NOTE, counted_units
from .charts import OPT_COLOUR, TARGET_COLOUR, Chart, _png, emissions_scale

ACTUAL_COLOUR, REPLAN_COLOUR = "#000000", "#009E73"  # Okabe-Ito black and bluish green
STATUS_COLOURS = {"on track": "#009E73", "behind": "#D55E00", "ahead": "#0072B2"}
CAPTIONS = {
    "monitoring_emissions": "Health-sector emissions: the target pathway, the original plan, the emissions of the "
    "reported years (measured sources as measured, the rest modelled from what was built) and the re-plan "
    "from the first year without actuals.",
    "monitoring_spend": "Spend by year (capex and one-off programme costs): the original plan, what was paid in "
    "the reported years and the re-plan for the years that remain.",
    "monitoring_programmes": "Each programme's units built by the last reported year as a share of what the "
    "plan had built by then (100 % = as planned); colour: status against the tolerance.",
}
NOTE = (
    "Plan against actual: a figure is on track within the tolerance of the plan, behind when it falls short "
    "by more, ahead when it does better by more (for emissions, lower is better)."
)


@dataclass
class MonitoringTables:
    """What the monitoring section shows; every table one row per observation."""

    meta: dict
    """through_year, from_year, tolerance, case and actuals file names, the re-plan's summary."""
    years: pd.DataFrame
    """Per reported year: abatement, spend and emissions planned and actual, the target, statuses."""
    programmes: pd.DataFrame
    """Per programme, to the last reported year: planned and built units, starts, status, explanation."""
    kpis: pd.DataFrame
    """Per observed indicator: observed and plan-implied value, status, explanation."""
    finance: pd.DataFrame
    """Per financing source and reported year: planned and actual payments, the envelope, status."""
    replan_roadmap: pd.DataFrame
    """Per year: emissions of the original plan and the re-plan against the target; spend by decision year."""
    replan_changes: pd.DataFrame
    """Per programme whose remaining plan changed: units from the first open year before and after, why."""
    iamc: pd.DataFrame
    """The tracking's IAMC rows (:func:`optimizer.monitoring.iamc.tracking_iamc`)."""


def monitoring_tables(
    plan: Result, actuals: Path | ActualsData, tolerance: float | None = None, progress: ProgressFn | None = None
) -> MonitoringTables:
    """Track ``plan`` (the reported case variant solved from the start of its window) against the actuals (a
    file, or one already checked against the plan's case) and re-plan from the first year without actuals."""
    from ..monitoring.actuals import load_actuals
    from ..monitoring.iamc import tracking_iamc
    from ..monitoring.replan import replan
    from ..monitoring.tracking import DEFAULT_TOLERANCE, track

    report = progress or silent
    if plan.data is None:
        raise ValueError("tracking needs a plan solved with its model data")
    if isinstance(actuals, ActualsData):
        a = actuals
    else:
        a = load_actuals(actuals, case=plan.data.loaded, variant=plan.data.variant_name)
    tol = DEFAULT_TOLERANCE if tolerance is None else tolerance
    t = track(a, plan, tol)
    report("re-planning the years without actuals", 0)
    r = replan(a, original=plan)
    counted = counted_units(a.loaded)
    names = {i: c.name for i, c in a.data.candidates.items()}

    years = t.years.rename(columns={"emissions_tco2e": "actual_emissions_tco2e", "target_status": "pathway_status"})
    years = years[
        [
            "year", "planned_abatement_tco2e", "actual_abatement_tco2e", "planned_spend_usd", "actual_spend_usd",
            "planned_emissions_tco2e", "actual_emissions_tco2e", "target_tco2e", "abatement_status",
            "spend_status", "pathway_status", "emissions_basis",
        ]
    ].copy()  # fmt: skip
    p = t.programmes
    programmes = pd.DataFrame(
        {
            "intervention": p["intervention"],
            "name": p["name"],
            "unit": p["unit"],
            "planned_start": [_start(y) for y in p["planned_start"]],
            "actual_start": [_start(y) for y in p["actual_start"]],
            "planned_units": p["planned_units_to_date"],
            "built_units": p["actual_units_to_date"],
            "status": p["status"],
            "explanation": p["explanation"],
        }
    )
    _counted(programmes, counted, names, ("planned_units", "built_units"))
    kpis = t.kpis[["kpi", "name", "year", "observed", "plan_implied", "status", "explanation"]].rename(
        columns={"kpi": "indicator", "name": "programme"}
    )
    finance = t.finance[["name", "year", "planned_usd", "actual_usd", "envelope_usd", "status"]].rename(
        columns={"name": "financing_source"}
    )
    changes = r.changes[r.changes["explanation"] != ""]
    replan_changes = pd.DataFrame(
        {
            "intervention": changes["intervention"],
            "name": changes["name"],
            "unit": changes["unit"],
            "original_units": changes["original_units"],
            "replan_units": changes["replan_units"],
            "change": changes["change"],
            "explanation": changes["explanation"],
        }
    )
    _counted(replan_changes, counted, names, ("original_units", "replan_units"))
    meta = {
        "through_year": a.through_year,
        "from_year": r.from_year,
        "last_year": r.last_year,
        "tolerance": tol,
        "actuals": str(a.path),
        "replan": dict(r.summary),
        "country": plan.summary["country"],
        "variant": plan.summary["variant"],
    }
    return MonitoringTables(
        meta=meta,
        years=years.reset_index(drop=True),
        programmes=programmes.reset_index(drop=True),
        kpis=kpis.reset_index(drop=True),
        finance=finance.reset_index(drop=True),
        replan_roadmap=_replan_roadmap(plan, r.result),
        replan_changes=replan_changes.reset_index(drop=True),
        iamc=tracking_iamc(t, plan.summary["country"], plan.summary["variant"]),
    )


def _start(year) -> str:
    return "not started" if year is None or year is pd.NA or pd.isna(year) else str(int(year))


def _counted(df: pd.DataFrame, counted: set[str], names: dict[str, str], columns: tuple[str, ...]) -> None:
    """Mark the columns whose values count whole things in the rows of counted interventions
    (:func:`optimizer.report.fmt.counted_rows`)."""
    df.attrs["counted"] = counted & set(df["intervention"])
    df.attrs["counted_columns"] = columns
    df.attrs["names"] = {"intervention": names}


def _year_series(result: Result, column: str) -> dict[int, float]:
    pw = result.pathway
    return {int(y): float(v) for y, v in zip(pw["year"], pw[column])}


def _spend_by_year(result: Result) -> dict[int, float]:
    f = result.finance
    f = f[(f["period_type"] == "year") & (f["financing_source"] == "all")]
    return {int(p): float(v) for p, v in zip(f["period"], f["spend_usd"])}


def _replan_roadmap(plan: Result, again: Result) -> pd.DataFrame:
    target = _year_series(plan, "target_tco2e")
    original, replanned = _year_series(plan, "optimised_tco2e"), _year_series(again, "optimised_tco2e")
    spend_o, spend_r = _spend_by_year(plan), _spend_by_year(again)
    rows = [
        {
            "year": y,
            "target_tco2e": target[y],
            "original_plan_tco2e": original[y],
            "replanned_tco2e": replanned.get(y, np.nan),
            "original_plan_spend_usd": spend_o.get(y, np.nan),
            "replanned_spend_usd": spend_r.get(y, np.nan),
        }
        for y in sorted(target)
    ]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------ charts


def emissions_chart(m: MonitoringTables, title: str) -> Chart:
    """Target, original plan and re-plan by year as lines; the reported years' emissions as points."""
    rm = m.replan_roadmap
    years = rm["year"].to_numpy(int)
    scale, unit = emissions_scale(float(np.nanmax(rm[["target_tco2e", "original_plan_tco2e"]].to_numpy())))
    target = rm["target_tco2e"].to_numpy(float) / scale
    original = rm["original_plan_tco2e"].to_numpy(float) / scale
    from_year = m.meta["from_year"]
    later = years >= from_year - 1  # the re-plan joins the last reported year
    replanned = rm["replanned_tco2e"].to_numpy(float)[later] / scale
    actual_years = m.years["year"].to_numpy(int)
    actual = m.years["actual_emissions_tco2e"].to_numpy(float) / scale
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.plot(years, target, color=TARGET_COLOUR, linewidth=2.2, linestyle="--", label="Target pathway")
    ax.plot(years, original, color=OPT_COLOUR, linewidth=2.2, label="Original plan")
    ax.plot(
        years[later], replanned, color=REPLAN_COLOUR, linewidth=2.2, linestyle="-.", label=f"Re-plan from {from_year}"
    )
    ax.plot(actual_years, actual, linestyle="none", marker="o", markersize=6, color=ACTUAL_COLOUR, label="Actual")
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Health-sector emissions ({unit}/yr)")
    ax.set_title(title, fontsize=12)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8.5, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    data = {
        "years": years,
        "target": target,
        "original": original,
        "replan_years": years[later],
        "replan": replanned,
        "actual_years": actual_years,
        "actual": actual,
        "scale": scale,
    }
    return Chart("monitoring_emissions", _png(fig), data)


def spend_chart(m: MonitoringTables, title: str) -> Chart:
    """Spend by decision year: the original plan, the actual (reported years) and the re-plan (later years)."""
    rm = m.replan_roadmap.dropna(subset=["original_plan_spend_usd"])
    years = rm["year"].to_numpy(int)
    plan = rm["original_plan_spend_usd"].to_numpy(float) / 1e6
    reported = dict(zip(m.years["year"].astype(int), m.years["actual_spend_usd"].astype(float)))
    actual = np.array([reported.get(int(y), np.nan) for y in years]) / 1e6
    replanned = np.where(years >= m.meta["from_year"], rm["replanned_spend_usd"].to_numpy(float), np.nan) / 1e6
    fig, ax = plt.subplots(figsize=(8, 4.2))
    xs = np.arange(len(years))
    ax.bar(xs - 0.2, plan, width=0.38, color=OPT_COLOUR, label="Original plan")
    ok = ~np.isnan(actual)
    ax.bar(xs[ok] + 0.2, actual[ok], width=0.38, color=ACTUAL_COLOUR, label="Actual")
    ok = ~np.isnan(replanned)
    ax.bar(xs[ok] + 0.2, replanned[ok], width=0.38, color=REPLAN_COLOUR, label="Re-plan")
    ax.set_xticks(xs, [str(y) for y in years])
    ax.set_xlabel("Year")
    ax.set_ylabel("US$ million per year")
    ax.set_title(title, fontsize=12)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8.5, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    data = {"years": years, "plan": plan, "actual": actual, "replan": replanned, "scale": 1e6}
    return Chart("monitoring_spend", _png(fig), data)


def programmes_chart(m: MonitoringTables, title: str) -> Chart:
    """Each programme's units built as a share of the plan's, to the last reported year (programmes the plan
    had started by then)."""
    p = m.programmes[m.programmes["planned_units"] > 0]
    names = [n if len(n) <= 48 else n[:47] + "…" for n in p["name"]]
    share = (p["built_units"] / p["planned_units"]).to_numpy(float) * 100
    colours = [STATUS_COLOURS.get(s, "#999999") for s in p["status"]]
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.32 * max(len(p), 1)))
    ys = np.arange(len(p))[::-1]
    ax.barh(ys, share, color=colours)
    ax.axvline(100, color="#000000", linewidth=1.0, linestyle="--")
    ax.set_yticks(ys, names, fontsize=8.5)
    ax.set_xlabel(f"Units built by {m.meta['through_year']}, % of the plan")
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    keys = [Patch(color=colour, label=status) for status, colour in STATUS_COLOURS.items()]
    ax.legend(handles=keys, fontsize=8.5, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return Chart("monitoring_programmes", _png(fig), {"names": list(p["name"]), "share": share, "scale": 1.0})


def monitoring_charts(m: MonitoringTables, who: str) -> list[Chart]:
    through = m.meta["through_year"]
    return [
        emissions_chart(m, f"{who}: emissions, plan against actual to {through}"),
        spend_chart(m, f"{who}: spend, plan against actual to {through}"),
        programmes_chart(m, f"{who}: programmes built by {through} against the plan"),
    ]


# ------------------------------------------------------------------------------------------------ text


def summary_lines(m: MonitoringTables) -> list[str]:
    """The section's opening sentences: what is on track, the pathway, the re-plan."""
    through, s = m.meta["through_year"], m.meta["replan"]
    counts = m.programmes["status"].value_counts()
    last = m.years.iloc[-1]
    gap = float(last["actual_emissions_tco2e"] - last["target_tco2e"])
    lines = [
        f"Actuals to {through} ({Path(m.meta['actuals']).name}): of {len(m.programmes)} programmes, "
        f"{counts.get('on track', 0)} on track, {counts.get('behind', 0)} behind and {counts.get('ahead', 0)} "
        f"ahead of the plan (within {m.meta['tolerance']:.0%} is on track).",
        f"In {through}: emissions {tonnes(last['actual_emissions_tco2e'])} ({last['emissions_basis']}), "
        f"{tonnes(abs(gap))} {'above' if gap > 0 else 'below'} the pathway; abatement "
        f"{tonnes(last['actual_abatement_tco2e'])} against {tonnes(last['planned_abatement_tco2e'])} planned; "
        f"spend {money(last['actual_spend_usd'])} against {money(last['planned_spend_usd'])} planned.",
        f"Re-plan from {m.meta['from_year']} to {m.meta['last_year']} with what was built fixed: net present cost "
        f"still to come {money(s['remaining_npv_cost_usd'])} (the original plan had "
        f"{money(s['original_remaining_npv_cost_usd'])}; sunk {money(s['sunk_cost_usd'])}); emissions in "
        f"{s['final_year']} {tonnes(s['final_year_emissions_tco2e'])} (original plan "
        f"{tonnes(s['original_final_year_emissions_tco2e'])}; pathway {tonnes(s['final_year_target_tco2e'])}).",
    ]
    if s.get("anchored_sources"):
        lines.append(f"Baseline re-anchored on measured emissions: {s['anchored_sources']}.")
    return lines


TITLE = "Monitoring: plan against actual"


def monitoring_html(t, charts: dict[str, Chart]) -> list[tuple[str, str]]:
    """The HTML section (title, body); empty when the report has no actuals."""
    from . import html as H

    m = getattr(t, "monitoring", None)
    if m is None:
        return []
    body = "".join(H.paragraph(s) for s in summary_lines(m)) + H.paragraph(NOTE)
    body += H.img(charts["monitoring_emissions"], CAPTIONS["monitoring_emissions"]) + H.table(m.years)
    body += H.img(charts["monitoring_spend"], CAPTIONS["monitoring_spend"])
    body += "<h3>Programmes</h3>" + H.img(charts["monitoring_programmes"], CAPTIONS["monitoring_programmes"])
    body += H.table(m.programmes) + H.paragraph(ROUNDING_NOTE)
    body += "<h3>Indicators</h3>" + H.table(m.kpis)
    body += "<h3>Re-plan against the original plan</h3>" + H.table(m.replan_roadmap) + H.table(m.replan_changes)
    return [(TITLE, body)]


def monitoring_markdown(t) -> list[str]:
    """The Markdown parts (the charts are written as PNG files beside it); empty without actuals."""
    from . import markdown as M

    m = getattr(t, "monitoring", None)
    if m is None:
        return []
    return [
        f"\n## {TITLE}\n",
        *(s + "\n" for s in summary_lines(m)),
        NOTE + "\n",
        M.image("monitoring_emissions.png", CAPTIONS["monitoring_emissions"]),
        M.table(m.years),
        M.image("monitoring_spend.png", CAPTIONS["monitoring_spend"]),
        "\n### Programmes\n",
        M.image("monitoring_programmes.png", CAPTIONS["monitoring_programmes"]),
        M.table(m.programmes),
        ROUNDING_NOTE + "\n",
        "\n### Indicators\n",
        M.table(m.kpis),
        "\n### Re-plan against the original plan\n",
        M.table(m.replan_roadmap),
        M.table(m.replan_changes),
    ]


def monitoring_sheets(t) -> dict[str, pd.DataFrame]:
    """The Excel sheets; empty without actuals."""
    m = getattr(t, "monitoring", None)
    if m is None:
        return {}
    return {
        "actual by year": m.years,
        "actual programmes": m.programmes,
        "actual indicators": m.kpis,
        "actual finance": m.finance,
        "re-plan roadmap": m.replan_roadmap,
        "re-plan changes": m.replan_changes,
    }


def monitoring_iamc_rows(t) -> list[dict]:
    """Scenario ``Actual`` rows for the report's IAMC file, with the plan's variables and units: emissions
    after what was done under ``...|Optimised`` (the plan's emissions variable), ``...|Abatement`` and
    ``Investment|Health|Decarbonisation`` (money paid); empty without actuals."""
    from ..monitoring.iamc import ACTUAL

    m = getattr(t, "monitoring", None)
    if m is None:
        return []
    rows = []
    for r in m.iamc[m.iamc["scenario"] == ACTUAL].to_dict("records"):
        rows.append({k if not str(k).isdigit() else int(k): v for k, v in r.items()})
    return rows
