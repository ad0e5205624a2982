"""The short readable summary printed after a solve."""

from __future__ import annotations

import math

from .formatting import money, tonnes
from .results import Result


def tolerance_text(usd: float | None, tco2e: float | None, objective: str) -> str:
    """The solver's tolerance in a planner's units: how far the plan may be from the best possible."""
    if usd is None and tco2e is None:
        return ""
    parts = []
    if usd is not None:
        parts.append(f"{money(usd)} of net present cost" if math.isfinite(usd) else "an unknown amount of money")
    if tco2e is not None and tco2e > 0:
        what = "abatement" if objective == "max_abatement" else "shortfall"
        parts.append(f"{tonnes(tco2e)} of {what}")
    return "Within " + " and ".join(parts) + " of the best possible plan."


def render_summary(result: Result) -> str:
    s, pw = result.summary, result.pathway
    gap = f" (MIP gap {s['mip_gap']:.2%})" if math.isfinite(s["mip_gap"]) else " (MIP gap unknown)"
    lines = [f"{s['case']} ({s['country']}), variant '{s['variant']}', objective {s['objective']}: {s['status']}{gap}"]
    within = tolerance_text(s["tolerance"]["usd"], s["tolerance"]["tco2e"], s["objective"])
    if within:
        lines.append(within)
    years = s["target_years"] or [int(pw["year"].iloc[-1])]
    lines.append("")
    lines.append(f"{'year':>6} {'BAU':>14} {'target':>14} {'optimised':>14} {'shortfall':>14}")
    for y in years:
        row = pw[pw["year"] == y].iloc[0]
        lines.append(
            f"{y:>6} {tonnes(row.bau_tco2e):>14} {tonnes(row.target_tco2e):>14} "
            f"{tonnes(row.optimised_tco2e):>14} {tonnes(row.shortfall_tco2e):>14}"
        )
    projects = s.get("projects")
    if projects:
        lines.append("")
        lines.append(
            f"Pipeline: {projects['selected']:,} of {projects['candidates']:,} projects chosen "
            f"({projects['usable']:,} usable), capex {money(projects['capex_usd'])}, NPV {money(projects['npv_usd'])}"
        )
    spend = sum(s["spend_usd_by_year"].values())
    window = f"{min(s['spend_usd_by_year'])}-{max(s['spend_usd_by_year'])}"
    lines.append("")
    lines.append(
        f"Spend {window}: {money(spend)} (capex + programme costs); portfolio NPV {money(s['npv_usd'])} "
        "(positive = net saving)"
    )
    lines.append(
        f"Selected {len(s['selected_interventions'])} of {s['candidates_kept']} candidates "
        f"({s['candidates_excluded']} excluded by screening; see screening.csv)"
    )
    if len(result.portfolio):
        lines.append("")
        lines.append(
            f"{'intervention':<34} {'start':>5} {'units':>10} {'capex':>12} {'NPV':>12} "
            f"{'abated ' + str(years[-1]):>16}"
        )
        for r in result.portfolio.itertuples():
            lines.append(
                f"{r.intervention[:34]:<34} {r.start_year!s:>5} {r.units:>10,.1f} {money(r.capex_usd):>12} "
                f"{money(r.npv_usd):>12} {tonnes(r.abatement_target_year_tco2e):>16}"
            )
    t = result.timings
    if t:
        lines.append("")
        lines.append(
            f"Timings: build {t.get('build_seconds', 0):.3f} s, solve {t.get('solve_seconds', 0):.3f} s "
            f"(HiGHS {t.get('highs_seconds', 0):.3f} s)"
        )
    return "\n".join(lines)


def render_pipeline(table, region, facility, family, sort: tuple[str, bool], top: int) -> str:
    """The ranked pipeline as a printed table (filtered by region, facility or family; sorted; the first
    ``top`` rows, all when 0)."""
    view = table
    shown = []
    if region:
        view = view[view["region"] == region]
        shown.append(f"region {region}")
    if facility:
        view = view[(view["facility_id"] == facility) | (view["facility_name"] == facility)]
        shown.append(f"facility {facility}")
    if family:
        view = view[view["family"] == family]
        shown.append(f"family {family}")
    column, ascending = sort
    view = view.sort_values(column, ascending=ascending, na_position="last", kind="stable")
    total = len(view)
    if top:
        view = view.head(top)
    where = f" ({', '.join(shown)})" if shown else ""
    lines = [f"Pipeline ranking{where}: {len(view)} of {total} projects, by {column.replace('_', ' ')}"]
    lines.append(
        f"{'rank':>5}  {'project':<18} {'facility':<24} {'region':<16} {'measure':<28} {'capex':>11} "
        f"{'enters at':>11} {'US$/t':>8}  status"
    )
    for row in view.itertuples():
        facility_text = row.facility_name or row.facility_id
        entry = money(row.entry_budget_usd) if "entry_budget_usd" in view.columns else ""
        cost = f"{row.cost_per_tco2e_usd:,.0f}" if row.cost_per_tco2e_usd == row.cost_per_tco2e_usd else "n/a"
        status = "chosen" if row.selected else row.reason
        lines.append(
            f"{row.rank:>5}  {_cut(row.project, 18):<18} {_cut(facility_text, 24):<24} {_cut(row.region, 16):<16} "
            f"{_cut(row.intervention_name, 28):<28} {money(row.capex_usd):>11} {entry:>11} {cost:>8}  "
            f"{_cut(status, 70)}"
        )
    return "\n".join(lines)


def _cut(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "\u2026"
