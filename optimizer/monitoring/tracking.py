"""Plan against actual, year by year: units, spend, abatement and emissions against the plan and the target
pathway, each indicator against what the plan implies, with a status and the variance in words.

The plan is the case variant solved from the start of its window (what the country committed to); the
actuals are :class:`~optimizer.monitoring.actuals.ActualsData`. A figure is *on track* when it lies within
``tolerance`` (a share, default :data:`DEFAULT_TOLERANCE`) of the plan, *behind* when it falls short by more,
*ahead* when it does better by more (for emissions: lower is better). Tables are tidy, one row per
observation, units in the column names."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..formatting import money, tonnes
from ..prepare import Candidate, ModelData
from ..progress import ProgressFn, silent
from ..results import Result, plan_abatement
from .actuals import ActualsData
from .wording import UnitWords, against_plan, years_apart

DEFAULT_TOLERANCE = 0.10
"""A figure within 10 % of the plan is on track. [estimate] A judgement: yearly delivery of health
programmes is rarely reported more precisely; ``--tolerance`` changes it."""


class Status(enum.StrEnum):
    ON_TRACK = "on track"
    BEHIND = "behind"
    AHEAD = "ahead"


def status_of(actual: float, planned: float, tolerance: float, lower_is_better: bool = False) -> Status:
    """On track within ``tolerance`` (a share of the plan) of it; behind or ahead beyond. A plan of zero is
    met by zero; anything more is ahead (behind where lower is better)."""
    scale = abs(planned)
    gap = actual - planned
    if lower_is_better:
        gap = -gap
    if scale == 0.0:
        return Status.ON_TRACK if abs(gap) <= 1e-9 else (Status.AHEAD if gap > 0 else Status.BEHIND)
    if gap < -tolerance * scale:
        return Status.BEHIND
    if gap > tolerance * scale:
        return Status.AHEAD
    return Status.ON_TRACK


def _share(actual: float, planned: float) -> str:
    words = against_plan(actual, planned)
    return f" ({words})" if words else ""


@dataclass
class Tracking:
    """Plan against actual (docs/monitoring.md): every table one row per observation."""

    programmes: pd.DataFrame
    """Per intervention, to the last reported year: planned and actual start, units to date, status, words."""
    actions: pd.DataFrame
    """Per intervention and reported year: units built, their cost and abatement, planned and actual."""
    years: pd.DataFrame
    """Per year of the decision window: spend, abatement and emissions against the plan and the pathway."""
    finance: pd.DataFrame
    """Per financing source and reported year: planned and actual payments, the envelope."""
    kpis: pd.DataFrame
    """Per observed indicator: observed and plan-implied value, status, words."""
    tolerance: float
    through_year: int
    plan: Result

    TABLES = ("programmes", "actions", "years", "finance", "kpis")

    def save(self, folder: Path) -> list[Path]:
        """The tables as ``track_<name>.csv`` and the IAMC file ``track_iamc.csv`` (scenario ``Actual`` beside
        the plan's) in ``folder``."""
        from .iamc import write_tracking_iamc

        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in self.TABLES:
            path = folder / f"track_{name}.csv"
            getattr(self, name).to_csv(path, index=False)
            written.append(path)
        summary = self.plan.summary
        written.append(write_tracking_iamc(folder / "track_iamc.csv", self, summary["country"], summary["variant"]))
        return written


def abatement_by_source_year(data: ModelData, units: dict[tuple[str, int], float]) -> np.ndarray:
    """tCO2e abated by source (row) and year of the extended axis by the units built (by intervention, year)."""
    return plan_abatement(data, units, np.zeros(0))


def planned_units(plan: Result) -> dict[tuple[str, int], float]:
    """Units built by (intervention, year) in a plan."""
    s = plan.schedule
    return {(i, int(y)): float(u) for i, y, u in zip(s["intervention"], s["year"], s["units_built"]) if u}


def planned_starts(plan: Result) -> dict[str, int]:
    s = plan.schedule
    s = s[s["starts"].astype(bool)]
    return {i: int(y) for i, y in zip(s["intervention"], s["year"])}


def cost_of(c: Candidate, units: float, started: bool) -> float:
    return c.capex * units + (c.fixed_cost if started else 0.0)


def track(
    actuals: ActualsData, plan: Result, tolerance: float = DEFAULT_TOLERANCE, progress: ProgressFn | None = None
) -> Tracking:
    """Compare the actuals with ``plan`` (the case variant solved from the start of its window)."""
    report = progress or silent
    report("comparing plan and actual", 0, 4)
    plan_units, plan_starts = planned_units(plan), planned_starts(plan)
    programmes, actions = _programmes(actuals, plan_units, plan_starts, tolerance)
    report("comparing plan and actual", 1, 4)
    years = _years(actuals, plan, plan_units, plan_starts, tolerance)
    report("comparing plan and actual", 2, 4)
    finance = _finance(actuals, plan, tolerance)
    report("comparing plan and actual", 3, 4)
    kpis = _kpis(actuals, plan_units, tolerance)
    report("comparing plan and actual", 4, 4)
    return Tracking(programmes, actions, years, finance, kpis, tolerance, actuals.through_year, plan)


def _programmes(
    a: ActualsData, plan_units: dict, plan_starts: dict, tolerance: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    data, past = a.data, a.past_years
    words = UnitWords(a.loaded)
    ids = sorted(
        {i for i, y in plan_units if y in past} | {i for i, _ in a.units}, key=lambda i: data.candidates[i].name
    )
    per_year, to_date = [], []
    k_of = {y: data.year_index(y) for y in past}
    for i in ids:
        c = data.candidates[i]
        plan_i = {y: u for (j, y), u in plan_units.items() if j == i}
        act_i = {y: u for (j, y), u in a.units.items() if j == i}
        plan_ab = abatement_by_source_year(data, {(i, y): u for y, u in plan_i.items()}).sum(axis=0)
        act_ab = abatement_by_source_year(data, {(i, y): u for y, u in act_i.items()}).sum(axis=0)
        for y in past:
            p, u = plan_i.get(y, 0.0), act_i.get(y, 0.0)
            per_year.append(
                {
                    "intervention": i,
                    "name": c.name,
                    "year": y,
                    "unit": c.unit,
                    "planned_units": p,
                    "actual_units": u,
                    "planned_spend_usd": cost_of(c, p, plan_starts.get(i) == y),
                    "actual_cost_usd": cost_of(c, u, a.starts.get(i) == y),
                    "planned_abatement_tco2e": float(plan_ab[k_of[y]]),
                    "actual_abatement_tco2e": float(act_ab[k_of[y]]),
                    "status": status_of(u, p, tolerance).value,
                }
            )
        planned_total = sum(u for y, u in plan_i.items() if y in past)
        actual_total = sum(act_i.values())
        status = status_of(actual_total, planned_total, tolerance)
        to_date.append(
            {
                "intervention": i,
                "name": c.name,
                "unit": c.unit,
                "planned_start": plan_starts.get(i),
                "actual_start": a.starts.get(i),
                "planned_units_to_date": planned_total,
                "actual_units_to_date": actual_total,
                "planned_abatement_tco2e": float(plan_ab[k_of[a.through_year]]),
                "actual_abatement_tco2e": float(act_ab[k_of[a.through_year]]),
                "status": status.value,
                "explanation": _programme_words(
                    c, words, plan_starts.get(i), a.starts.get(i), planned_total, actual_total, status, a.through_year
                ),
            }
        )
    columns = [
        "intervention", "name", "unit", "planned_start", "actual_start", "planned_units_to_date",
        "actual_units_to_date", "planned_abatement_tco2e", "actual_abatement_tco2e", "status", "explanation",
    ]  # fmt: skip
    frame = pd.DataFrame(to_date, columns=columns)
    frame[["planned_start", "actual_start"]] = frame[["planned_start", "actual_start"]].astype("Int64")
    year_columns = [
        "intervention", "name", "year", "unit", "planned_units", "actual_units", "planned_spend_usd",
        "actual_cost_usd", "planned_abatement_tco2e", "actual_abatement_tco2e", "status",
    ]  # fmt: skip
    return frame, pd.DataFrame(per_year, columns=year_columns)


def _programme_words(
    c: Candidate,
    words: UnitWords,
    planned_start,
    actual_start,
    planned: float,
    actual: float,
    status: Status,
    through: int,
) -> str:
    """The variance of one programme to date, in words."""
    amount = lambda x: words(x, c.id, c.unit)  # noqa: E731
    if actual_start is None and planned_start is not None and planned_start <= through:
        return f"not started; the plan started it in {planned_start} with {amount(planned)} by {through}"
    if planned_start is None or planned_start > through:
        return f"started in {actual_start} ahead of the plan, which built none by {through}; built {amount(actual)}"
    when = ""
    if actual_start != planned_start:
        gap = years_apart(abs(actual_start - planned_start))
        later = "later" if actual_start > planned_start else "earlier"
        when = f"started in {actual_start}, {gap} {later} than planned; "
    count = amount(actual).split(" ")[0]
    built = f"built {count} of {amount(planned)} planned by {through}"
    share = against_plan(actual, planned)
    if status is Status.ON_TRACK:
        return when + built + (f": {share}, on track" if share else ", as planned")
    return when + built + f": {share}"


def measured_or_modelled(a: ActualsData, actual_abated: np.ndarray, year: int) -> tuple[float, int]:
    """Emissions in ``year``: each source's measured value where the actuals give one, otherwise BAU minus
    what the actual builds abate; and how many sources were measured."""
    data = a.data
    k = data.year_index(year)
    total, measured = 0.0, 0
    for s, source in enumerate(data.bau.source_ids):
        if (source, year) in a.measured:
            total += a.measured[source, year]
            measured += 1
        else:
            total += float(data.bau.emissions[s, k] - actual_abated[s, k])
    return total, measured


def _years(a: ActualsData, plan: Result, plan_units: dict, plan_starts: dict, tolerance: float) -> pd.DataFrame:
    data = a.data
    plan_ab = abatement_by_source_year(data, plan_units)
    act_ab = abatement_by_source_year(data, a.units)
    years_of = [int(y) for y in plan.pathway["year"]]
    targets = dict(zip(years_of, map(float, plan.pathway["target_tco2e"])))
    optimised = dict(zip(years_of, map(float, plan.pathway["optimised_tco2e"])))
    rows = []
    n_sources = len(data.bau.source_ids)
    for y in a.past_years:
        k = data.year_index(y)
        planned_spend = sum(
            cost_of(data.candidates[i], u, plan_starts.get(i) == t) for (i, t), u in plan_units.items() if t == y
        )
        reported = [v for (f, t), v in a.spend.items() if t == y]
        actual_spend = sum(reported) if a.spend else a.cost_of_builds(y)  # a listed year lists every payment
        emissions, measured = measured_or_modelled(a, act_ab, y)
        target = targets[y]
        bau = float(data.bau.emissions[:, k].sum())
        planned_emissions = optimised[y]
        p_ab, x_ab = float(plan_ab[:, k].sum()), float(act_ab[:, k].sum())
        abatement_status = status_of(x_ab, p_ab, tolerance)
        needed = max(bau - target, 0.0)
        target_status = (
            status_of(emissions, target, tolerance * needed / target if target else 0.0, lower_is_better=True)
            if y in data.target_years
            else None
        )
        rows.append(
            {
                "year": y,
                "planned_spend_usd": planned_spend,
                "actual_spend_usd": actual_spend,
                "spend_basis": "reported" if a.spend else "case costs of the units built",
                "planned_abatement_tco2e": p_ab,
                "actual_abatement_tco2e": x_ab,
                "bau_tco2e": bau,
                "planned_emissions_tco2e": planned_emissions,
                "emissions_tco2e": emissions,
                "emissions_basis": f"measured for {measured} of {n_sources} sources, modelled for the rest"
                if measured
                else "modelled from the units built",
                "target_tco2e": target,
                "abatement_status": abatement_status.value,
                "spend_status": status_of(actual_spend, planned_spend, tolerance).value,
                "target_status": target_status.value if target_status else "",
                "explanation": _year_words(
                    a, y, p_ab, x_ab, planned_spend, actual_spend, emissions, target, plan_units
                ),
            }
        )
    return pd.DataFrame(rows)


def _year_words(
    a: ActualsData,
    y: int,
    p_ab: float,
    x_ab: float,
    p_spend: float,
    x_spend: float,
    emissions: float,
    target: float,
    plan_units: dict,
) -> str:
    data = a.data
    k = data.year_index(y)
    gaps = []
    for i in sorted({i for i, _ in plan_units} | {i for i, _ in a.units}):
        c = data.candidates[i]
        p = sum(u * float(c.abatement.in_year(t, k).sum()) for (j, t), u in plan_units.items() if j == i and t <= y)
        x = sum(u * float(c.abatement.in_year(t, k).sum()) for (j, t), u in a.units.items() if j == i and t <= y)
        if abs(p - x) > 0.5:
            gaps.append((x - p, c.name))
    gaps.sort()
    words = f"abatement {tonnes(x_ab)} against {tonnes(p_ab)} planned{_share(x_ab, p_ab)}"
    if gaps and gaps[0][0] < 0:
        words += "; most missing from " + ", ".join(f"{name} ({tonnes(-g)})" for g, name in gaps[:3] if g < 0)
    words += f"; spend {money(x_spend)} against {money(p_spend)} planned"
    gap = emissions - target
    words += f"; emissions {tonnes(emissions)}, {tonnes(abs(gap))} {'above' if gap > 0 else 'below'} the pathway"
    return words


def _finance(a: ActualsData, plan: Result, tolerance: float) -> pd.DataFrame:
    f = plan.finance
    by_year = f[(f["period_type"] == "year") & (f["financing_source"] != "all")]
    planned = {
        (s, int(p)): float(v) for s, p, v in zip(by_year["financing_source"], by_year["period"], by_year["spend_usd"])
    }
    envelope = {
        (s, int(p)): v for s, p, v in zip(by_year["financing_source"], by_year["period"], by_year["envelope_usd"])
    }
    names = {src.id: src.name for src in a.data.financing}
    rows = []
    for src in a.data.financing:
        for y in a.past_years:
            p = planned.get((src.id, y), 0.0)
            x = a.spend.get((src.id, y), 0.0 if a.spend else None)  # a reported year lists every payment
            rows.append(
                {
                    "financing_source": src.id,
                    "name": names[src.id],
                    "year": y,
                    "planned_usd": p,
                    "actual_usd": x if x is not None else float("nan"),
                    "envelope_usd": envelope.get((src.id, y), float("nan")),
                    "status": status_of(x, p, tolerance).value if x is not None else "not reported",
                }
            )
    return pd.DataFrame(
        rows, columns=["financing_source", "name", "year", "planned_usd", "actual_usd", "envelope_usd", "status"]
    )


def _kpis(a: ActualsData, plan_units: dict, tolerance: float) -> pd.DataFrame:
    rows = []
    words = UnitWords(a.loaded)
    for o in a.actuals.kpis:
        c = a.data.candidates[o.intervention]
        to_date = sum(u for (i, y), u in plan_units.items() if i == o.intervention and y <= o.year)
        implied = to_date / c.potential if o.measure == "share_of_potential" else to_date
        observed = o.value.value
        status = status_of(observed, implied, tolerance)
        share = o.measure == "share_of_potential"
        shown = [f"{x:.0%}" if share else words(x, c.id, c.unit) for x in (observed, implied)]
        basis = f"{c.name} built by {o.year} in the plan"
        if share:
            basis += f", as a share of its potential of {words(c.potential, c.id, c.unit)}"
        rows.append(
            {
                "kpi": o.kpi,
                "intervention": o.intervention,
                "name": c.name,
                "year": o.year,
                "measure": o.measure,
                "observed": observed,
                "plan_implied": implied,
                "status": status.value,
                "explanation": f"{o.kpi}: {shown[0]} observed against {shown[1]} the plan implies ({basis})",
                "provenance": o.value.source or o.value.estimate,
            }
        )
    columns = [
        "kpi",
        "intervention",
        "name",
        "year",
        "measure",
        "observed",
        "plan_implied",
        "status",
        "explanation",
        "provenance",
    ]
    return pd.DataFrame(rows, columns=columns)
