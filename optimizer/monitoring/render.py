"""Plain-text tables of a tracking and a re-plan for the console: display names and units, not ids."""

from __future__ import annotations

import pandas as pd

from ..formatting import aligned, cut, money, tonnes
from ..units import ROUNDING_NOTE
from .wording import UnitWords

WIDTH = 44
"""Programme names are cut to this many characters in the console tables (the CSV has them whole)."""


def _cut(text: str, width: int = WIDTH) -> str:
    return cut(text, width)


def _table(header: list[str], rows: list[list[str]]) -> str:
    return aligned([header, *rows], sep="  ", rule_after=0)


def render_tracking(t) -> str:
    """The tracking of :func:`optimizer.monitoring.tracking.track` as console text."""
    through = t.through_year
    out = [f"Plan against actual to {through} (on track: within {t.tolerance:.0%} of the plan)", ""]
    years = t.years
    out.append(
        _table(
            ["Year", "Abatement planned", "actual", "Spend planned", "actual", "Emissions", "Target", "Status"],
            [
                [
                    str(r.year),
                    tonnes(r.planned_abatement_tco2e),
                    tonnes(r.actual_abatement_tco2e),
                    money(r.planned_spend_usd),
                    money(r.actual_spend_usd),
                    tonnes(r.emissions_tco2e),
                    tonnes(r.target_tco2e),
                    f"abatement {r.abatement_status}; pathway {r.target_status or 'not enforced'}",
                ]
                for r in years.itertuples()
            ],
        )
    )
    out.append("")
    programmes = t.programmes
    words = UnitWords(t.plan.data.loaded)
    out.append(
        _table(
            ["Programme", f"Planned to {through}", "Built", "Status"],
            [
                [
                    _cut(r.name),
                    words(r.planned_units_to_date, r.intervention, r.unit),
                    words(r.actual_units_to_date, r.intervention, r.unit),
                    r.status,
                ]
                for r in programmes.itertuples()
            ],
        )
    )
    if any(words.counts(i) for i in programmes["intervention"]):
        out.append(ROUNDING_NOTE)
    off = programmes[programmes["status"] != "on track"]
    if len(off):
        out += ["", "Not on track:"] + [f"  - {r.name}: {r.explanation}" for r in off.itertuples()]
    if len(t.kpis):
        out += ["", "Indicators:"] + [f"  - {r.year} {r.status}: {r.explanation}" for r in t.kpis.itertuples()]
    out += ["", "By year:"] + [f"  - {r.year}: {r.explanation}" for r in years.itertuples()]
    return "\n".join(out)


def render_replan(r) -> str:
    """A re-plan of :func:`optimizer.monitoring.replan.replan` as console text."""
    s = r.summary
    out = [
        f"Re-plan from {r.from_year} to {r.last_year} with what was built to {r.from_year - 1} fixed "
        f"({r.result.summary['status']})",
        f"  net present cost still to come: {money(s['remaining_npv_cost_usd'])} (sunk: {money(s['sunk_cost_usd'])}; "
        f"the original plan had {money(s['original_remaining_npv_cost_usd'])} for the same years)",
        f"  emissions in {s['final_year']}: {tonnes(s['final_year_emissions_tco2e'])} "
        f"(original plan {tonnes(s['original_final_year_emissions_tco2e'])}; "
        f"pathway {tonnes(s['final_year_target_tco2e'])})",
        f"  shortfall against the pathway from {r.from_year}: {tonnes(s['remaining_shortfall_tco2e'])} "
        f"(original plan {tonnes(s['original_remaining_shortfall_tco2e'])})",
    ]
    if s.get("anchored_sources"):
        out.append(f"  baseline re-anchored on measured emissions: {s['anchored_sources']}")
    changes = r.changes
    moved = changes[changes["explanation"] != ""]
    words = UnitWords(r.result.data.loaded)
    if len(moved):
        out += [
            "",
            _table(
                ["Programme", "Original plan", "Re-plan", "Change"],
                [
                    [
                        _cut(c.name),
                        words(c.original_units, c.intervention, c.unit),
                        words(c.replan_units, c.intervention, c.unit),
                        c.change,
                    ]
                    for c in moved.itertuples()
                ],
            ),
            *([ROUNDING_NOTE] if any(words.counts(i) for i in moved["intervention"]) else []),
            "",
            "Why:",
        ]
        out += [f"  - {c.name}: {c.explanation}" for c in moved.itertuples()]
    else:
        out += ["", f"The remaining plan is the original plan's for {r.from_year}-{r.last_year}."]
    return "\n".join(out)


def frame_text(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False)
