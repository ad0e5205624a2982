"""The short readable summary printed after a solve."""

from __future__ import annotations

import math

from .formatting import cut, money, money_millions, number, tonnes, whole
from .results import Result
from .units import ROUNDING_NOTE, counted_units


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


OBJECTIVE_NAMES = {
    "min_cost": "least net present cost",
    "max_abatement": "most abatement",
    "weighted": "weighted criteria",
}
"""The printed names of the case's objectives."""


def _kt(x: float) -> str:
    return "n/a" if x != x else f"{x / 1e3:,.1f}"


def units_text(units: float, counted: bool) -> str:
    """Units of a plan line: whole numbers for counts of things, else three significant figures."""
    return whole(units) if counted else number(units)


def render_summary(result: Result) -> str:
    s, pw = result.summary, result.pathway
    gap = f" (MIP gap {s['mip_gap']:.2%})" if math.isfinite(s["mip_gap"]) else " (MIP gap unknown)"
    objective = OBJECTIVE_NAMES.get(s["objective"], s["objective"])
    lines = [f"{s['case']} ({s['country']}), variant '{s['variant']}', objective {objective}: {s['status']}{gap}"]
    within = tolerance_text(s["tolerance"]["usd"], s["tolerance"]["tco2e"], s["objective"])
    if within:
        lines.append(within)
    years = s["target_years"] or [int(pw["year"].iloc[-1])]
    lines.append("")
    lines.append(f"{'year':>6} {'BAU':>12} {'target':>12} {'optimised':>12} {'shortfall':>12}")
    lines.append(f"{'':>6} {'ktCO2e':>12} {'ktCO2e':>12} {'ktCO2e':>12} {'ktCO2e':>12}")
    for y in years:
        row = pw[pw["year"] == y].iloc[0]
        lines.append(
            f"{y:>6} {_kt(row.bau_tco2e):>12} {_kt(row.target_tco2e):>12} "
            f"{_kt(row.optimised_tco2e):>12} {_kt(row.shortfall_tco2e):>12}"
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
        candidates_sentence(len(s["selected_interventions"]), s["candidates_kept"], s["candidates_excluded"])
        + ("; see screening.csv, and pipeline.csv for the pipeline projects" if projects else "; see screening.csv")
    )
    if len(result.portfolio):
        counted = counted_units(result.data.loaded)
        lines.append("")
        lines.append(
            f"{'national programme':<46} {'start':>5} {'units':>8}  {'unit':<25} {'capex':>9} {'NPV':>9} "
            f"{'abated ' + str(years[-1]):>12}"
        )
        lines.append(f"{'':<46} {'':>5} {'':>8}  {'':<25} {'US$ m':>9} {'US$ m':>9} {'ktCO2e':>12}")
        for r in result.portfolio.itertuples():
            units = units_text(r.units, r.intervention in counted)
            lines.append(
                f"{cut(r.name, 46):<46} {r.start_year!s:>5} {units:>8}  {cut(r.unit, 25):<25} "
                f"{money_millions(r.capex_usd):>9} {money_millions(r.npv_usd):>9} "
                f"{_kt(r.abatement_target_year_tco2e):>12}"
            )
        if counted & set(result.portfolio["intervention"]):
            lines.append(ROUNDING_NOTE)
    t = result.timings
    if t:
        lines.append("")
        lines.append(
            f"Timings: build {t.get('build_seconds', 0):.3f} s, solve {t.get('solve_seconds', 0):.3f} s "
            f"(HiGHS {t.get('highs_seconds', 0):.3f} s)"
        )
    return "\n".join(lines)


def candidates_sentence(selected: int, kept: int, excluded: int) -> str:
    """How many national programmes the plan selects, out of the candidates kept by screening (the candidates
    the optimiser chooses among; the one definition the console and the report share)."""
    return (
        f"Selected {selected:,} of {kept:,} candidate national programmes "
        f"({excluded:,} more excluded by screening before optimising)"
    )


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
            f"{row.rank:>5}  {cut(row.project, 16):<16} {cut(facility_text, 34):<34} "
            f"{cut(row.intervention_name, 34):<34} {money(row.capex_usd):>10} {entry}{cost:>7}  {status}"
        )
    if ladder:
        lines.append(
            "entry budget: the whole window's budget (programmes and projects, all money limits scaled together) "
            "at which the optimum first chooses the project; stays: the share of larger budgets at which it "
            "stays chosen"
        )
    return "\n".join(lines)
