"""Robustness over a sweep's scenarios: how often each intervention is in the optimal portfolio."""

from __future__ import annotations

import pandas as pd

CORE, EXTERIOR = 0.95, 0.05


def selection_frequency(
    summary: pd.DataFrame, portfolio: pd.DataFrame, candidates: dict[str, str] | None = None
) -> pd.DataFrame:
    """Per intervention: share of solved scenarios whose optimum selects it, its most frequent start year
    and that year's share, and a class: core (>= 95 %), exterior (<= 5 %) or borderline. ``candidates``
    (id -> family) adds the never-selected ones with share 0."""
    solved = summary[summary["status"] != "error"]["scenario_id"]
    n = len(solved)
    picks = portfolio[portfolio["scenario_id"].isin(set(solved))]
    rows = []
    for iid, group in picks.groupby("intervention"):
        share = group["scenario_id"].nunique() / n if n else 0.0
        starts = group["start_year"].value_counts()
        rows.append(
            {
                "intervention": iid,
                "family": group["family"].iloc[0],
                "selected_share": share,
                "scenarios_selected": group["scenario_id"].nunique(),
                "scenarios_solved": n,
                "usual_start_year": int(starts.index[0]),
                "usual_start_share": float(starts.iloc[0] / len(group)),
                "mean_units_when_selected": float(group["units"].mean()),
                "class": "core" if share >= CORE else "exterior" if share <= EXTERIOR else "borderline",
            }
        )
    seen = {r["intervention"] for r in rows}
    for iid, family in (candidates or {}).items():
        if iid not in seen:
            rows.append(
                {
                    "intervention": iid,
                    "family": family,
                    "selected_share": 0.0,
                    "scenarios_selected": 0,
                    "scenarios_solved": n,
                    "usual_start_year": None,
                    "usual_start_share": None,
                    "mean_units_when_selected": None,
                    "class": "exterior",
                }
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "intervention",
            "family",
            "selected_share",
            "scenarios_selected",
            "scenarios_solved",
            "usual_start_year",
            "usual_start_share",
            "mean_units_when_selected",
            "class",
        ],
    )
    return frame.sort_values(["selected_share", "intervention"], ascending=[False, True]).reset_index(drop=True)


def project_frequency(summary: pd.DataFrame, projects: pd.DataFrame, pipeline: pd.DataFrame) -> pd.DataFrame:
    """Per pipeline project (``pipeline``: the project table, columns ``id``, ``name``, ``facility_id``,
    ``region``, ``intervention``): the share of solved scenarios whose optimum chooses it, its most frequent
    start year, and a class: core (>= 95 %), exterior (<= 5 %, never-chosen projects included) or
    borderline."""
    solved = set(summary[summary["status"] != "error"]["scenario_id"])
    n = len(solved)
    picks = projects[projects["scenario_id"].isin(solved)]
    counts = picks.groupby("project")["scenario_id"].nunique()
    usual = picks.groupby("project")["start_year"].agg(lambda s: int(s.value_counts().index[0]))
    frame = pd.DataFrame(
        {
            "project": pipeline["id"],
            "name": pipeline["name"],
            "facility_id": pipeline["facility_id"],
            "region": pipeline["region"],
            "intervention": pipeline["intervention"],
        }
    )
    frame["scenarios_selected"] = frame["project"].map(counts).fillna(0).astype(int)
    frame["scenarios_solved"] = n
    frame["selected_share"] = frame["scenarios_selected"] / n if n else 0.0
    frame["usual_start_year"] = frame["project"].map(usual).astype("Int64")
    share = frame["selected_share"]
    frame["class"] = ["core" if s >= CORE else "exterior" if s <= EXTERIOR else "borderline" for s in share]
    return frame.sort_values(["selected_share", "project"], ascending=[False, True]).reset_index(drop=True)


BAND_QUANTILES = (0.10, 0.50, 0.90)
"""The optimised trajectory's band across a sweep's scenarios: P10, median and P90."""


def trajectory_band(summary: pd.DataFrame, trajectories: pd.DataFrame) -> pd.DataFrame:
    """Per roadmap year, the P10, median and P90 of the optimised emissions (tCO2e) over the solved scenarios
    that recorded a trajectory, and how many did (tidy: one row a year; empty when none did)."""
    solved = set(summary.loc[summary["status"] != "error", "scenario_id"])
    rows = trajectories[trajectories["scenario_id"].isin(solved)]
    columns = ["year", "p10_tco2e", "p50_tco2e", "p90_tco2e", "scenarios"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    by_year = rows.groupby("year")["emissions_tco2e"]
    band = by_year.quantile(list(BAND_QUANTILES)).unstack()
    band.columns = columns[1:4]
    band["scenarios"] = by_year.size()
    return band.reset_index().astype({"year": int, "scenarios": int})
