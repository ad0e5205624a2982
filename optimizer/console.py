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
