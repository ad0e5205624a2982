"""Read an actuals file and check it against the case and plan rules it reports on.

Every problem names the actuals file, the field path, the value and what was expected (an unknown id with
the closest known one); suspicious but legal values (spend above the case's cost of what was built, a
reporting year still in the future) are plain warnings (:class:`~optimizer.plausibility.Caution`)."""

from __future__ import annotations

import datetime
import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..loading import LoadedCase, load_case
from ..plausibility import Caution, policy
from ..prepare import ModelData, prepare
from ..schema.actuals import Actuals
from ..validation import parse_model
from ..yaml_io import read_yaml_mapping

SPEND_OVERRUN_LIMIT = 2.0
"""A year's reported spend above this multiple of the case's cost of what was built that year is refused as a
data error (money reported for programmes the file does not list); between 1.1 and this multiple it is a
warning (a cost overrun is possible). [estimate] A judgement: real overruns of health capital projects rarely
double their cost within one year."""
SPEND_OVERRUN_WARNING = 1.1
"""A year's spend above this multiple of the case's cost of what was built that year gives a warning."""
UNIT_TOLERANCE = 1e-6
"""Units above a limit by less than this (relative) are rounding, not an error."""


@dataclass
class ActualsData:
    """An actuals file read and checked against its case: plain dictionaries for the model and the tables."""

    path: Path
    actuals: Actuals
    loaded: LoadedCase
    data: ModelData
    """The case variant prepared as the plan sees it (its candidates, BAU and pathway)."""
    units: dict[tuple[str, int], float] = field(default_factory=dict)
    """Units built by (intervention, year)."""
    starts: dict[str, int] = field(default_factory=dict)
    """The year each programme started (its first year with units built)."""
    spend: dict[tuple[str, int], float] = field(default_factory=dict)
    """USD paid by (financing source, year)."""
    measured: dict[tuple[str, int], float] = field(default_factory=dict)
    """Measured tCO2e by (source, year)."""
    warnings: list[Caution] = field(default_factory=list)

    @property
    def first_year(self) -> int:
        return self.data.case.decision_window.first_year

    @property
    def through_year(self) -> int:
        return self.actuals.through_year

    @property
    def past_years(self) -> list[int]:
        """The decision years the actuals cover."""
        return list(range(self.first_year, self.through_year + 1))

    def cost_of_builds(self, year: int) -> float:
        """USD the units built in ``year`` cost at the case's prices (capex and one-off programme costs)."""
        from .tracking import cost_of

        return sum(
            (
                cost_of(self.data.candidates[i], u, self.starts.get(i) == year)
                for (i, y), u in self.units.items()
                if y == year
            ),
            0.0,
        )


def _suggest(value: str, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"{what} ({guess}known: {', '.join(sorted(known)[:12])}{', ...' if len(known) > 12 else ''})"


def read_actuals(path: Path) -> Actuals:
    """The actuals file parsed against its schema (problems name the file and the field path; for an actuals
    workbook, the sheet and cell)."""
    from ..workbook.actuals import is_actuals_workbook, read_actuals_workbook

    if is_actuals_workbook(path):
        return read_actuals_workbook(path)
    return parse_model(Actuals, read_yaml_mapping(path), str(path))


def case_path_of(path: Path, actuals: Actuals) -> Path:
    """The case file the actuals name, relative to the actuals file (a bundled name when no such file)."""
    candidate = (path.parent / actuals.case).resolve()
    return candidate if candidate.exists() else Path(actuals.case)


def load_actuals(path: Path | str, case: LoadedCase | None = None, variant: str | None = None) -> ActualsData:
    """Read ``path``, load its case (unless given) and check every entry against it; raise
    :class:`InputError` listing every problem. Warnings are handed to the process's warning policy."""
    path = Path(path)
    actuals = read_actuals(path)
    named = case_path_of(path, actuals)
    loaded = case if case is not None else load_case(named)
    try:
        checked = check_actuals(actuals, loaded, path, variant)
    except InputError as err:
        from ..workbook.actuals import at_cells

        raise InputError(at_cells(path, err.problems)) from None
    if case is not None and _differs(named, case.path):
        caution = Caution(str(path), "case", actuals.case, f"checked against another case, {case.path}")
        checked.warnings.append(caution)
        policy.handle((caution,))
    return checked


def _differs(named: Path, given: Path) -> bool:
    """Whether the case the actuals name is another file than the case given (bundled names resolved)."""
    from ..bundled import resolve

    try:
        return resolve(named).resolve() != Path(given).resolve()
    except InputError:
        return True


def check_actuals(actuals: Actuals, loaded: LoadedCase, path: Path, variant: str | None = None) -> ActualsData:
    """Check parsed actuals against the loaded case (``path`` names them in problems); see
    :func:`load_actuals`."""
    if loaded.projects is not None:
        raise InputError(
            [
                Problem(
                    str(path),
                    "case",
                    actuals.case,
                    "a case without project pipelines (tracking and re-planning cases with pipelines: not yet)",
                )
            ]
        )
    chosen = variant or actuals.variant or loaded.case.default_variant
    if chosen not in loaded.case.variants:
        where = "variant" if variant is None else "--variant"
        raise InputError([Problem(str(path), where, chosen, _suggest(chosen, list(loaded.case.variants), "a variant"))])
    data = prepare(loaded, chosen)
    out = ActualsData(path=path, actuals=actuals, loaded=loaded, data=data)
    problems: list[Problem] = []
    problems += _check_through_year(out)
    if not problems:
        problems += _check_builds(out)
        problems += _check_spend(out)
        problems += _check_emissions(out)
        problems += _check_kpis(out)
    if problems:
        raise InputError(problems)
    policy.handle(tuple(out.warnings))
    return out


def _check_through_year(a: ActualsData) -> list[Problem]:
    window = a.data.case.decision_window
    t = a.actuals.through_year
    file = str(a.path)
    if not window.first_year <= t <= window.last_year:
        return [
            Problem(
                file,
                "through_year",
                t,
                f"a year of the case's decision window {window.first_year}-{window.last_year}",
            )
        ]
    today = datetime.date.today().year
    if t > today:
        a.warnings.append(
            Caution(
                file, "through_year", t, f"after the current year {today}: actuals of future years are illustrative"
            )
        )
    return []


def _year_problem(a: ActualsData, where: str, year: int) -> Problem | None:
    if year < a.first_year:
        return Problem(
            str(a.path), where, year, f"a year of the decision window, from {a.first_year} (the plan starts then)"
        )
    if year > a.through_year:
        return Problem(
            str(a.path),
            where,
            year,
            f"a year up to through_year {a.through_year} (a later year is in the future of these actuals)",
        )
    return None


def _unknown_intervention(file: str, where: str, intervention: str, library) -> Problem:
    return Problem(
        file, f"{where}.intervention", intervention, _suggest(intervention, list(library), "a library intervention")
    )


def _check_builds(a: ActualsData) -> list[Problem]:
    file, problems = str(a.path), []
    library, cands = a.loaded.library.interventions, a.data.candidates
    screening = {row.id: row for row in a.data.screening}
    seen: dict[tuple[str, int], int] = {}
    for k, b in enumerate(a.actuals.builds):
        where = f"builds[{k}]"
        if b.intervention not in library:
            problems.append(_unknown_intervention(file, where, b.intervention, library))
            continue
        if b.intervention not in cands:
            reason = screening[b.intervention].reason if b.intervention in screening else "not a candidate"
            problems.append(
                Problem(
                    file,
                    f"{where}.intervention",
                    b.intervention,
                    f"an intervention the case can use (this one is screened out: {reason})",
                )
            )
            continue
        bad_year = _year_problem(a, f"{where}.year", b.year)
        if bad_year is not None:
            problems.append(bad_year)
            continue
        key = (b.intervention, b.year)
        if key in seen:
            problems.append(
                Problem(
                    file,
                    f"{where}.year",
                    b.year,
                    f"one entry per intervention and year (builds[{seen[key]}] has it too)",
                )
            )
            continue
        seen[key] = k
        c = cands[b.intervention]
        units = b.units.value
        if c.integer and units != int(units):
            problems.append(
                Problem(file, f"{where}.units.value", units, f"a whole number of {c.unit} (built in whole units)")
            )
        if units > c.ramp * (1 + UNIT_TOLERANCE):
            problems.append(
                Problem(
                    file,
                    f"{where}.units.value",
                    units,
                    f"at most {c.ramp:g} {c.unit} a year, the case's ramp for {c.name} (max_share_per_year of a "
                    f"potential of {c.potential:g}; raise it in the case's overrides if the country built faster)",
                )
            )
        if units > 0:
            a.units[key] = units
    problems += _check_programmes(a, seen)
    return problems


def _check_programmes(a: ActualsData, row_of: dict[tuple[str, int], int]) -> list[Problem]:
    """Per programme: built within its potential, started in a year it may start, after its prerequisites,
    all of it at once where all-or-nothing."""
    file, problems = str(a.path), []
    cands = a.data.candidates
    by_programme: dict[str, list[int]] = defaultdict(list)
    for i, y in sorted(a.units):
        by_programme[i].append(y)
    for i, years in by_programme.items():
        c = cands[i]
        a.starts[i] = years[0]
    for i, years in by_programme.items():
        c = cands[i]
        where = f"builds[{row_of[i, years[0]]}]"
        total = sum(a.units[i, y] for y in years)
        if total > c.potential * (1 + UNIT_TOLERANCE):
            problems.append(
                Problem(
                    file,
                    f"builds[{row_of[i, years[-1]]}].units.value",
                    a.units[i, years[-1]],
                    f"units of {c.name} built in total at most its potential of {c.potential:g} {c.unit} "
                    f"(the entries add up to {total:g})",
                )
            )
        if years[0] not in c.start_years:
            allowed = f"{c.start_years[0]}-{c.start_years[-1]}" if c.start_years else "none"
            problems.append(
                Problem(
                    file,
                    f"{where}.year",
                    years[0],
                    f"a year {c.name} may start in this case (phase and maturity allow {allowed})",
                )
            )
        if c.all_or_nothing and (
            len(years) > 1 or abs(a.units[i, years[0]] - c.potential) > UNIT_TOLERANCE * max(1, c.potential)
        ):
            problems.append(
                Problem(
                    file,
                    f"{where}.units.value",
                    a.units[i, years[0]],
                    f"the whole potential of {c.name}, {c.potential:g} {c.unit}, in one year (it is all-or-nothing)",
                )
            )
        for pre in c.prerequisites:
            if pre in cands and a.starts.get(pre, years[0] + 1) > years[0]:
                when = f"started {a.starts[pre]}" if pre in a.starts else f"not started by {a.through_year}"
                problems.append(
                    Problem(
                        file,
                        f"{where}.year",
                        years[0],
                        f"a start no earlier than its prerequisite {cands[pre].name} ({when})",
                    )
                )
    return problems


def _check_spend(a: ActualsData) -> list[Problem]:
    file, problems = str(a.path), []
    known = [f.id for f in a.data.financing]
    seen: dict[tuple[str, int], int] = {}
    for k, s in enumerate(a.actuals.spend):
        where = f"spend[{k}]"
        if s.financing_source not in known:
            problems.append(
                Problem(
                    file,
                    f"{where}.financing_source",
                    s.financing_source,
                    _suggest(s.financing_source, known, "a financing source of the case")
                    if known
                    else "nothing: the case has no financing sources (budget.financing)",
                )
            )
            continue
        bad_year = _year_problem(a, f"{where}.year", s.year)
        if bad_year is not None:
            problems.append(bad_year)
            continue
        key = (s.financing_source, s.year)
        if key in seen:
            problems.append(
                Problem(
                    file,
                    f"{where}.year",
                    s.year,
                    f"one entry per financing source and year (spend[{seen[key]}] has it too)",
                )
            )
            continue
        seen[key] = k
        a.spend[key] = s.amount_usd.value
    for year in a.past_years:
        paid = sum(v for (f, y), v in a.spend.items() if y == year)
        cost = a.cost_of_builds(year)
        rows = [seen[f, y] for (f, y) in a.spend if y == year]
        if not rows or paid <= cost * SPEND_OVERRUN_WARNING + 1e-6:
            continue
        where = (
            f"spend[{rows[0]}].amount_usd.value" if len(rows) == 1 else f"spend (entries {', '.join(map(str, rows))})"
        )
        if paid > cost * SPEND_OVERRUN_LIMIT:
            problems.append(
                Problem(
                    file,
                    where,
                    paid,
                    f"spend in {year} of at most {SPEND_OVERRUN_LIMIT:g} times the case's cost of what was built "
                    f"that year (US${cost:,.0f}): list the units built under builds",
                )
            )
        else:
            a.warnings.append(
                Caution(
                    file,
                    where,
                    paid,
                    f"spend in {year} is {paid / cost - 1:.0%} above the case's cost of what was built that year "
                    f"(US${cost:,.0f}): a cost overrun?",
                )
            )
    return problems


def _check_emissions(a: ActualsData) -> list[Problem]:
    file, problems = str(a.path), []
    known = list(a.data.bau.source_ids)
    seen: dict[tuple[str, int], int] = {}
    for k, e in enumerate(a.actuals.emissions):
        where = f"emissions[{k}]"
        if e.source not in known:
            problems.append(
                Problem(file, f"{where}.source", e.source, _suggest(e.source, known, "a source of the case inventory"))
            )
            continue
        bad_year = _year_problem(a, f"{where}.year", e.year)
        if bad_year is not None:
            problems.append(bad_year)
            continue
        key = (e.source, e.year)
        if key in seen:
            problems.append(
                Problem(
                    file, f"{where}.year", e.year, f"one entry per source and year (emissions[{seen[key]}] has it too)"
                )
            )
            continue
        seen[key] = k
        a.measured[key] = e.tco2e.value
    return problems


def _check_kpis(a: ActualsData) -> list[Problem]:
    file, problems = str(a.path), []
    library, cands = a.loaded.library.interventions, a.data.candidates
    seen: dict[tuple[str, int], int] = {}
    for k, o in enumerate(a.actuals.kpis):
        where = f"kpis[{k}]"
        if o.intervention not in library:
            problems.append(_unknown_intervention(file, where, o.intervention, library))
            continue
        if o.intervention not in cands:
            problems.append(
                Problem(
                    file,
                    f"{where}.intervention",
                    o.intervention,
                    "an intervention the case can use (this one is screened out)",
                )
            )
            continue
        bad_year = _year_problem(a, f"{where}.year", o.year)
        if bad_year is not None:
            problems.append(bad_year)
            continue
        key = (o.kpi, o.year)
        if key in seen:
            problems.append(
                Problem(
                    file, f"{where}.year", o.year, f"one value per indicator and year (kpis[{seen[key]}] has it too)"
                )
            )
            continue
        seen[key] = k
        if o.measure == "share_of_potential" and not 0.0 <= o.value.value <= 1.0:
            problems.append(
                Problem(file, f"{where}.value.value", o.value.value, "a share from 0 to 1 (share_of_potential)")
            )
        if o.value.value < 0:
            problems.append(Problem(file, f"{where}.value.value", o.value.value, "a number of at least 0"))
    return problems
