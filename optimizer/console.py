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
        f"Selected {len(s['selected_interventions'])} of {s['candidates_kept']} national programmes "
        f"({s['candidates_excluded']} excluded by screening; see screening.csv)"
        + ("; the pipeline projects are in pipeline.csv" if projects else "")
    )
    if len(result.portfolio):
        lines.append("")
        lines.append(
            f"{'national programme':<34} {'start':>5} {'units':>10} {'capex':>12} {'NPV':>12} "
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


SORT_NAMES = {
    "rank": "rank (entry order)",
    "entry_budget_usd": "entry budget",
    "cost_per_tco2e_usd": "cost per tonne",
    "npv_usd": "NPV",
    "abatement_lifetime_tco2e": "lifetime abatement",
    "capex_usd": "capex",
}
"""The printed names of the columns ``noregret pipeline --sort`` orders by."""


def render_pipeline(table, region, facility, family, sort: tuple[str, bool], top: int) -> str:
    """The ranked pipeline as a printed table (filtered by region, facility or family; sorted; the first
    ``top`` rows, all when 0). The reason, last, is never cut."""
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
    ladder = "entry_budget_usd" in view.columns
    lines = [f"Pipeline ranking{where}: {len(view)} of {total} projects, by {SORT_NAMES.get(column, column)}"]
    lines.append(
        f"{'rank':>5}  {'project':<16} {'facility':<34} {'measure':<34} {'capex':>10} "
        + (f"{'entry budget':>12} {'stays':>5} " if ladder else "")
        + f"{'US$/t':>7}  chosen, or why not"
    )
    for row in view.itertuples():
        facility_text = row.facility_name or row.facility_id
        cost = f"{row.cost_per_tco2e_usd:,.0f}" if row.cost_per_tco2e_usd == row.cost_per_tco2e_usd else "n/a"
        entry = ""
        if ladder:
            stays = f"{row.stays_chosen_share:.0%}" if row.stays_chosen_share == row.stays_chosen_share else ""
            entry = f"{money(row.entry_budget_usd):>12} {stays:>5} "
        status = f"chosen, starts {row.start_year}" if row.selected else row.reason
        lines.append(
            f"{row.rank:>5}  {_cut(row.project, 16):<16} {_cut(facility_text, 34):<34} "
            f"{_cut(row.intervention_name, 34):<34} {money(row.capex_usd):>10} {entry}{cost:>7}  {status}"
        )
    if ladder:
        lines.append(
            "entry budget: the whole window's budget (programmes and projects, all money limits scaled together) "
            "at which the optimum first chooses the project; stays: the share of larger budgets at which it "
            "stays chosen"
        )
    return "\n".join(lines)


def _cut(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "\u2026"
