"""How much of a plan rests on weak numbers: the quality grades (A-D, :data:`~optimizer.schema.base.GRADES`)
behind a country's baseline and behind the plan's abatement, and the "weakest links": the judgement (grade D)
numbers with a low-high range that most move the plan.

- A source's baseline rests on its activity and emission-factor numbers: the case's ``emissions_tco2e`` and
  ``activity`` (their ratio is the factor), and for a gas released as such the library's mass per activity
  unit and the gas's GWP of the case's GWP set. Its grade is the worst of them.
- A programme's abatement rests on its effect numbers (fraction, change per unit or share of unit activity)
  and on the baseline numbers of the sources it acts on (and of the ``relative_to`` source of a share of unit
  activity). Its grade is the worst of them.
- Worst means D, then C, B, A; a number without a grade ranks below D (**not graded**: never assumed).
- The shares weigh each source by its emissions in the first year of the roadmap and each programme by its
  abatement in the final target year; a pipeline project counts with its intervention's grade.
- Weakest links: every D-grade number of the case and of the kept candidates that has a low and a high value
  is set to each in turn (all others central) and the case is re-solved, as ``noregret tornado`` does. The
  swing is the difference between the outcomes at the two ends; the list is ordered by the larger of the
  abatement swing relative to the plan's abatement and the cost swing relative to the plan's net present
  cost (both floored at 1 so that a zero plan does not divide by zero).

``noregret quality CASE`` prints both tables and writes them as CSV; :func:`quality_html` and
:func:`quality_markdown` are the country report's section.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd

from .errors import InputError, SolverFailure
from .formatting import number
from .loading import LoadedCase, case_from_dict
from .schema.base import GRADES, NOT_GRADED, Provenance, Quantity
from .sweep.paths import OVERRIDABLE, SWEEP_MARK, apply_settings, value_at

CATEGORIES = (*GRADES, NOT_GRADED)
"""Grade categories of the shares, best first."""
_RANK = {g: k for k, g in enumerate(CATEGORIES)}

EFFECT_MEASURES = ("fraction", "change_per_unit_year", "change_share_of_unit_activity")
EFFECT_WORDS = {
    "fraction": "share of the source's emissions removed",
    "change_per_unit_year": "change in activity per unit",
    "change_share_of_unit_activity": "change in activity per unit (share)",
}
SOURCE_WORDS = {
    "emissions_tco2e": "emissions",
    "activity": "activity",
    "price_usd_per_unit": "price",
}
INTERVENTION_WORDS = {
    "capex_usd_per_unit": "capex per unit",
    "fixed_cost_usd": "fixed cost",
    "om_change_usd_per_unit_year": "running-cost change per unit",
    "lifetime_years": "lifetime",
    "lead_time_years": "lead time",
    "max_share_per_year": "roll-out rate",
    "potential_units": "potential",
}


def grade_of(p: Provenance | None) -> str:
    """The grade of one number; ``not graded`` when it has none."""
    return (p.grade if p is not None else None) or NOT_GRADED


def worst(grades: Iterable[str]) -> str:
    """The worst of ``grades`` (D below C below B below A; ``not graded`` below D); A when there are none."""
    found = list(grades)
    return max(found, key=_RANK.__getitem__) if found else "A"


# ------------------------------------------------------------------------------------------------ inputs


def source_inputs(loaded: LoadedCase, sid: str) -> list[tuple[str, Provenance]]:
    """The numbers a source's baseline rests on, each with a label: activity and emission-factor numbers."""
    src = loaded.sources.get(sid)
    out: list[tuple[str, Provenance]] = []
    if src is None:
        return out
    for field in ("emissions_tco2e", "activity"):
        q = getattr(src, field)
        if q is not None:
            out.append((f"{sid}.{field}", q))
    st = loaded.library.source_type(sid)
    if st is not None and st.gas is not None:
        out.append((f"{sid}.gas.kg_per_activity_unit", st.gas.kg_per_activity_unit))
        gas = loaded.library.gases.get(st.gas.gas)
        if gas is not None:
            field = "gwp100_ar6" if loaded.case.gwp_set == "AR6" else "gwp100_ar5"
            out.append((f"{st.gas.gas}.{field}", getattr(gas, field)))
    return out


def source_grade(loaded: LoadedCase, sid: str) -> str:
    return worst(grade_of(p) for _, p in source_inputs(loaded, sid))


def _effects(loaded: LoadedCase, iid: str) -> list:
    from .prepare import effective_effects

    return effective_effects(loaded, iid) if iid in loaded.library.interventions else []


def intervention_inputs(loaded: LoadedCase, iid: str) -> list[tuple[str, Provenance]]:
    """The numbers a programme's abatement rests on: its effect numbers and its sources' baseline numbers."""
    out: list[tuple[str, Provenance]] = []
    sources: list[str] = []
    for k, eff in enumerate(_effects(loaded, iid)):
        for measure in EFFECT_MEASURES:
            q = getattr(eff, measure, None)
            if q is not None:
                out.append((f"{iid}.effects[{k}].{measure}", q))
        sources.append(eff.source)
        if getattr(eff, "relative_to", None):
            sources.append(eff.relative_to)
    for sid in dict.fromkeys(sources):
        out += source_inputs(loaded, sid)
    return out


def intervention_grade(loaded: LoadedCase, iid: str) -> str:
    return worst(grade_of(p) for _, p in intervention_inputs(loaded, iid))


# ------------------------------------------------------------------------------------------------ shares


def graded_sources(result) -> pd.DataFrame:
    """One row per source of the baseline: ``source``, ``name``, ``year``, ``emissions_tco2e``, ``grade``."""
    loaded = result.data.loaded
    tr = result.trajectory
    year = int(tr["year"].min()) if len(tr) else 0
    first = tr[tr["year"] == year]
    rows = []
    for sid, emissions in zip(first["source"], first["bau_tco2e"], strict=True):
        st = loaded.library.source_type(sid)
        rows.append(
            {
                "source": sid,
                "name": st.name if st else sid,
                "year": year,
                "emissions_tco2e": float(emissions),
                "grade": source_grade(loaded, sid),
            }
        )
    return pd.DataFrame(rows, columns=["source", "name", "year", "emissions_tco2e", "grade"])


def graded_interventions(result) -> pd.DataFrame:
    """One row per programme of the plan: ``intervention``, ``name``, ``year``, ``abatement_tco2e``, ``grade``
    (pipeline projects added to their intervention's row)."""
    loaded = result.data.loaded
    year = int(result.summary["final_year"])
    abatement: dict[str, float] = {}
    for iid, a in zip(result.portfolio["intervention"], result.portfolio["abatement_target_year_tco2e"], strict=True):
        abatement[iid] = abatement.get(iid, 0.0) + float(a)
    pipeline = getattr(result, "pipeline", None)
    column = f"abatement_{year}_tco2e"
    if pipeline is not None and len(pipeline) and column in pipeline:
        chosen = pipeline[pipeline["selected"].astype(bool)]
        for iid, a in zip(chosen["intervention"], chosen[column], strict=True):
            abatement[iid] = abatement.get(iid, 0.0) + float(a)
    rows = []
    for iid, a in abatement.items():
        item = loaded.library.interventions.get(iid)
        rows.append(
            {
                "intervention": iid,
                "name": item.name if item else iid,
                "year": year,
                "abatement_tco2e": a,
                "grade": intervention_grade(loaded, iid),
            }
        )
    return pd.DataFrame(rows, columns=["intervention", "name", "year", "abatement_tco2e", "grade"])


def _shares(weights: pd.Series, grades: pd.Series) -> dict[str, float]:
    total = float(weights.sum())
    return {g: (float(weights[grades == g].sum()) / total if total > 0 else float("nan")) for g in CATEGORIES}


def shares_row(what: str, year: int, weights: pd.Series, grades: pd.Series) -> dict:
    s = _shares(weights, grades)
    return {
        "what": what,
        "year": year,
        "total_tco2e": float(weights.sum()),
        **{f"share_{g.replace(' ', '_')}": s[g] for g in CATEGORIES},
        "share_c_or_d": s["C"] + s["D"],
    }


QUALITY_COLUMNS = [
    "what",
    "year",
    "total_tco2e",
    *(f"share_{g.replace(' ', '_')}" for g in CATEGORIES),
    "share_c_or_d",
]


def quality_table(result) -> pd.DataFrame:
    """Two rows, baseline and abatement: the total (tCO2e) and the share of it resting on each grade, and on
    C or D together."""
    src = graded_sources(result)
    itv = graded_interventions(result)
    rows = [
        shares_row(
            "Baseline emissions", int(src["year"].iloc[0]) if len(src) else 0, src["emissions_tco2e"], src["grade"]
        ),
        shares_row(
            "Abatement of the plan",
            int(result.summary["final_year"]),
            itv["abatement_tco2e"],
            itv["grade"],
        ),
    ]
    return pd.DataFrame(rows, columns=QUALITY_COLUMNS)


def _display(q: pd.DataFrame) -> pd.DataFrame:
    """The quality table in plain words and percent, for people."""
    out = pd.DataFrame({"": q["what"], "year": q["year"], "tCO2e": q["total_tco2e"].map(lambda v: f"{v:,.0f}")})
    pct = lambda v: "-" if pd.isna(v) else f"{100 * v:.0f} %"  # noqa: E731
    for g in CATEGORIES:
        out[g if g == NOT_GRADED else f"grade {g}"] = q[f"share_{g.replace(' ', '_')}"].map(pct)
    out["C or D"] = q["share_c_or_d"].map(pct)
    return out


QUALITY_NOTE = (
    "Share of the baseline (first roadmap year) and of the plan's abatement (final target year) that rests on "
    "numbers of each quality grade: A checked primary source, B named source not checked, C estimate derived "
    "from cited numbers, D judgement with no citation. A source counts with the worst grade of its activity and "
    "emission-factor numbers; a programme with the worst grade of its effect numbers and of the sources it acts "
    "on. The command noregret quality lists the judgement numbers that move the plan most."
)


def quality_html(t) -> list[tuple[str, str]]:
    """The country report's HTML section (title, body), empty when the tables carry no quality table."""
    from .report import html as H

    q = getattr(t, "quality", None)
    if q is None or not len(q):
        return []
    return [("Data quality", H.paragraph(QUALITY_NOTE) + H.table(_display(q)))]


def quality_markdown(t) -> list[str]:
    """The country report's Markdown section, empty when the tables carry no quality table."""
    from .report import markdown as M

    q = getattr(t, "quality", None)
    if q is None or not len(q):
        return []
    return ["\n## Data quality\n", QUALITY_NOTE + "\n\n", M.table(_display(q))]


# ------------------------------------------------------------------------------------------------ weakest links


@dataclass(frozen=True)
class Uncertain:
    """A number with a range that a weakest-links run varies."""

    label: str
    """Plain words: what the number is."""
    path: str
    """Where it is: a sweep path (``sources.heat_fuel.activity``) or ``interventions.<id>.effects.<k>.<measure>``."""
    grade: str
    value: float
    low: float
    high: float


def _ranged(q: Quantity | None) -> bool:
    return q is not None and q.low is not None and q.high is not None and q.low < q.high


def uncertain_numbers(
    loaded: LoadedCase, variant: str | None = None, grades: tuple[str, ...] = ("D",)
) -> list[Uncertain]:
    """The numbers of ``grades`` with a low-high range that can move the plan: the case's sources (emissions,
    activity, price, factor path), drivers and discount rate, and the kept candidates' costs, lifetimes,
    roll-out and effects."""
    from .prepare import prepare

    out: list[Uncertain] = []
    lib = loaded.library

    def add(label: str, path: str, q) -> None:
        if isinstance(q, Quantity) and _ranged(q) and grade_of(q) in grades:
            out.append(Uncertain(label, path, grade_of(q), q.value, float(q.low), float(q.high)))  # type: ignore[arg-type]

    case = loaded.case
    add("Discount rate", "discount_rate", case.discount_rate)
    for name, growth in case.drivers.items():
        add(f"Growth of {name.replace('_', ' ')}", f"drivers.{name}.annual_change", growth.annual_change)
    for src in case.sources:
        st = lib.source_type(src.id)
        sname = st.name if st else src.id
        for field, words in SOURCE_WORDS.items():
            add(f"{sname}: {words}", f"sources.{src.id}.{field}", getattr(src, field))
        if src.factor_path is not None:
            add(
                f"{sname}: yearly change of the emission factor",
                f"sources.{src.id}.factor_path.annual_change",
                src.factor_path.annual_change,
            )
    candidates = prepare(loaded, variant).candidates
    for iid in candidates:
        if iid not in lib.interventions:
            continue
        item = lib.interventions[iid]
        override = case.overrides.interventions.get(iid)
        for field in OVERRIDABLE:
            q = getattr(override, field, None) if override is not None else None
            if q is None:
                q = getattr(item, field, None)
            if isinstance(q, Quantity) and _ranged(q) and grade_of(q) in grades:
                path = f"interventions.{iid}.{field}"
                sized = value_at(loaded, path)  # the case's figures: library capex sized to the case's units
                label = f"{item.name}: {INTERVENTION_WORDS.get(field, field)}"
                out.append(Uncertain(label, path, grade_of(q), sized["value"], sized["low"], sized["high"]))
        for k, eff in enumerate(_effects(loaded, iid)):
            for measure in EFFECT_MEASURES:
                q = getattr(eff, measure, None)
                st = lib.source_type(eff.source)
                words = f"{EFFECT_WORDS[measure]} ({st.name if st else eff.source})"
                add(f"{item.name}: {words}", f"interventions.{iid}.effects.{k}.{measure}", q)
    return out


def _with_effect(loaded: LoadedCase, path: str, value: float) -> LoadedCase:
    """A copy of the case whose overrides replace one effect number of an intervention."""
    _, iid, _, k, measure = path.split(".")
    data = copy.deepcopy(loaded.case.model_dump(exclude_none=True))
    data.pop("pipelines", None)
    effects = [e.model_dump(exclude_none=True) for e in _effects(loaded, iid)]
    effects[int(k)][measure] = {"value": float(value), "estimate": SWEEP_MARK}
    data.setdefault("overrides", {}).setdefault("interventions", {}).setdefault(iid, {})["effects"] = effects
    changed = case_from_dict(data, loaded.library, name=f"{loaded.path} (sweep)")
    if loaded.projects is None:
        return changed
    case = changed.case.model_copy(update={"pipelines": loaded.case.pipelines})
    return dataclasses.replace(changed, case=case, projects=loaded.projects)


def changed_case(loaded: LoadedCase, path: str, value: float) -> LoadedCase:
    """The case with the number at ``path`` set to ``value``."""
    if ".effects." in path:
        return _with_effect(loaded, path, value)
    return apply_settings(loaded, {path: value})


def plan_outcomes(loaded: LoadedCase, variant: str | None = None) -> dict[str, float]:
    """The plan's abatement in the final target year (tCO2e) and its net present cost (USD); NaN when the
    changed case has no plan."""
    from .persistent import process_solver, solve_in_place
    from .results import extract_scenario

    try:
        r = solve_in_place(loaded, process_solver(str(loaded.path)), variant=variant, extract=extract_scenario)
    except (InputError, SolverFailure):
        return {"abatement_tco2e": float("nan"), "net_present_cost_usd": float("nan")}
    abatement = sum(p.abatement_target_year_tco2e for p in [*r.programmes, *r.projects])
    return {"abatement_tco2e": float(abatement), "net_present_cost_usd": float(r.net_present_cost_usd)}


def _run(loaded: LoadedCase, variant: str | None, path: str | None, value: float) -> dict[str, float]:
    return plan_outcomes(loaded if path is None else changed_case(loaded, path, value), variant)


WEAKEST_COLUMNS = [
    "number",
    "path",
    "grade",
    "central",
    "low",
    "high",
    "abatement_at_low_tco2e",
    "abatement_at_high_tco2e",
    "abatement_swing_tco2e",
    "cost_at_low_usd",
    "cost_at_high_usd",
    "cost_swing_usd",
    "rank_score",
]


def weakest_links(
    loaded: LoadedCase,
    variant: str | None = None,
    numbers: list[Uncertain] | None = None,
    workers: int | None = None,
    progress=None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """The D-grade numbers with a range, each solved at its low and high value, most influential first (see the
    module's docstring for the order); and the central plan's outcomes."""
    from .progress import silent

    numbers = uncertain_numbers(loaded, variant) if numbers is None else numbers
    runs: list[tuple[str | None, float]] = [(None, 0.0)]
    runs += [(n.path, end) for n in numbers for end in (n.low, n.high)]
    report = progress or silent
    what = "solving each judgement number at its low and high value"
    report(what, 0, len(runs))
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(runs) > 2:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run, loaded, variant, p, v) for p, v in runs]
            outcomes = []
            for f in futures:
                outcomes.append(f.result())
                report(what, len(outcomes), len(runs))
    else:
        outcomes = []
        for p, v in runs:
            outcomes.append(_run(loaded, variant, p, v))
            report(what, len(outcomes), len(runs))
    base = outcomes[0]
    rows = []
    for k, n in enumerate(numbers):
        lo, hi = outcomes[1 + 2 * k], outcomes[2 + 2 * k]
        a_swing = abs(hi["abatement_tco2e"] - lo["abatement_tco2e"])
        c_swing = abs(hi["net_present_cost_usd"] - lo["net_present_cost_usd"])
        score = max(
            a_swing / max(abs(base["abatement_tco2e"]), 1.0),
            c_swing / max(abs(base["net_present_cost_usd"]), 1.0),
        )
        rows.append(
            {
                "number": n.label,
                "path": n.path,
                "grade": n.grade,
                "central": n.value,
                "low": n.low,
                "high": n.high,
                "abatement_at_low_tco2e": lo["abatement_tco2e"],
                "abatement_at_high_tco2e": hi["abatement_tco2e"],
                "abatement_swing_tco2e": a_swing,
                "cost_at_low_usd": lo["net_present_cost_usd"],
                "cost_at_high_usd": hi["net_present_cost_usd"],
                "cost_swing_usd": c_swing,
                "rank_score": score,
            }
        )
    table = pd.DataFrame(rows, columns=WEAKEST_COLUMNS)
    table = table.sort_values(["rank_score", "path"], ascending=[False, True], na_position="last", kind="stable")
    return table.reset_index(drop=True), base


def weakest_display(table: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The first ``top`` weakest links in plain words, for people."""
    t = table.head(top)
    return pd.DataFrame(
        {
            "number (grade D)": t["number"],
            "central (low-high)": [
                f"{number(c)} ({number(lo)} to {number(hi)})"
                for c, lo, hi in zip(t["central"], t["low"], t["high"], strict=True)
            ],
            "abatement swing (tCO2e)": t["abatement_swing_tco2e"].map(lambda v: f"{v:,.0f}"),
            "cost swing (US$m)": t["cost_swing_usd"].map(lambda v: f"{v / 1e6:,.2f}"),
        }
    )
