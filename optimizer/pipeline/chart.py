"""The investment ladder as a chart: cumulative abatement against cumulative capex, projects in entry order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..report.charts import OPT_COLOUR, SELECTED_COLOUR, UNSELECTED_COLOUR, Chart, _png, emissions_scale


def ladder_chart(points: pd.DataFrame, selected: pd.Series, year: int, budget_usd: float, title: str) -> Chart:
    """Steps of cumulative abatement in ``year`` (y) over cumulative capex (x), one step per project in entry
    order; the projects chosen at the case's budget in green, the others grey; the case's budget over the
    window as a dashed line. ``data`` holds the plotted arrays (divided by their scales)."""
    import matplotlib.pyplot as plt

    capex = np.concatenate([[0.0], points["cumulative_capex_usd"].to_numpy(dtype=float)])
    tonnes = np.concatenate([[0.0], points["cumulative_abatement_tco2e"].to_numpy(dtype=float)])
    t_scale, t_unit = emissions_scale(float(np.nanmax(np.abs(tonnes))) if len(tonnes) else 0.0)
    money_scale = 1e6
    chosen = points["project"].map(selected).fillna(False).to_numpy(dtype=bool)
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    for k in range(len(points)):
        ax.plot(
            capex[k : k + 2] / money_scale,
            tonnes[k : k + 2] / t_scale,
            color=SELECTED_COLOUR if chosen[k] else UNSELECTED_COLOUR,
            linewidth=2,
            solid_capstyle="butt",
        )
    if budget_usd == budget_usd:
        ax.axvline(budget_usd / money_scale, color=OPT_COLOUR, linestyle="--", linewidth=1)
        ax.annotate(
            "the case's budget over the window",
            (budget_usd / money_scale, 0),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
            color=OPT_COLOUR,
        )
    ax.set_xlabel("Cumulative capex of the projects, in entry order (US$ million)")
    ax.set_ylabel(f"Cumulative abatement in {year} ({t_unit})")
    ax.set_title(title, fontsize=10)
    ax.plot([], [], color=SELECTED_COLOUR, linewidth=2, label="chosen at the case's budget")
    ax.plot([], [], color=UNSELECTED_COLOUR, linewidth=2, label="enters at a larger budget")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(True, linewidth=0.3, alpha=0.5)
    ax.set_xlim(left=0)
    return Chart(
        "investment_ladder",
        _png(fig),
        {"capex": capex / money_scale, "abatement": tonnes / t_scale, "chosen": chosen, "unit": t_unit},
    )
