"""The investment ladder as a chart: cumulative abatement against cumulative capex, projects in entry order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..report.charts import OPT_COLOUR, SELECTED_COLOUR, UNSELECTED_COLOUR, Chart, _png, emissions_scale

WITHIN_BUDGET = 1.0 + 1e-9
"""Entry budgets up to the case's own (level 1) count as within the case's budget."""


def _tonnes_scale(max_tco2e: float) -> tuple[float, str]:
    """The report's scale (MtCO2e from 1 Mt, else ktCO2e), and tCO2e below 1 kt: a small pipeline's ladder."""
    return emissions_scale(max_tco2e) if max_tco2e >= 1e3 else (1.0, "tCO2e")


def ladder_chart(points: pd.DataFrame, selected: pd.Series, year: int, title: str) -> Chart:
    """Steps of cumulative abatement in ``year`` (y) over cumulative capex (x), one step per project, each
    counted once at the budget it first enters, in entry order; green where the optimum at the case's budget
    chooses the project, grey where it does not (it enters only at a larger budget, or entered at a smaller one
    and was replaced); a dashed line where the projects entering within the case's budget end. ``data``
    holds the plotted arrays (divided by their scales)."""
    import matplotlib.pyplot as plt

    capex = np.concatenate([[0.0], points["cumulative_capex_usd"].to_numpy(dtype=float)])
    tonnes = np.concatenate([[0.0], points["cumulative_abatement_tco2e"].to_numpy(dtype=float)])
    t_scale, t_unit = _tonnes_scale(float(np.nanmax(np.abs(tonnes))) if len(tonnes) else 0.0)
    money_scale = 1e6
    chosen = points["project"].map(selected).fillna(False).to_numpy(dtype=bool)
    within = points["entry_budget_factor"].to_numpy(dtype=float) <= WITHIN_BUDGET
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    for k in range(len(points)):
        ax.plot(
            capex[k : k + 2] / money_scale,
            tonnes[k : k + 2] / t_scale,
            color=SELECTED_COLOUR if chosen[k] else UNSELECTED_COLOUR,
            linewidth=2,
            solid_capstyle="butt",
        )
    cut = float(capex[1:][within].max()) if within.any() else 0.0
    ax.axvline(cut / money_scale, color=OPT_COLOUR, linestyle="--", linewidth=1)
    right_half = cut > 0.5 * capex[-1] if len(capex) > 1 else False
    ax.annotate(
        "projects entering within\nthe case's budget end here",
        (cut / money_scale, 0),
        xytext=(-4 if right_half else 4, 4),
        textcoords="offset points",
        ha="right" if right_half else "left",
        fontsize=8,
        color=OPT_COLOUR,
    )
    ax.set_xlabel("Cumulative capex of the projects, in the order they enter as the budget grows (US$ million)")
    ax.set_ylabel(f"Cumulative abatement in {year} ({t_unit})")
    ax.set_title(f"{title}\neach project counted once, at the budget it first enters", fontsize=10)
    ax.plot([], [], color=SELECTED_COLOUR, linewidth=2, label="chosen at the case's budget")
    ax.plot([], [], color=UNSELECTED_COLOUR, linewidth=2, label="not chosen at the case's budget")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.grid(True, linewidth=0.3, alpha=0.5)
    ax.set_xlim(left=0)
    return Chart(
        "investment_ladder",
        _png(fig),
        {
            "capex": capex / money_scale,
            "abatement": tonnes / t_scale,
            "chosen": chosen,
            "cut": cut / money_scale,
            "unit": t_unit,
        },
    )
