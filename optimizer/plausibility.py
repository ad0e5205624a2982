"""Plausibility warnings: values that are legal but probably a slip (a percent written as a fraction, a
growth rate of 50 %/yr, a budget that cannot pay for any start).

The schema and the cross-record checks reject what cannot be right; the checks here flag what is allowed
but unusual, one ``warn_*`` function per rule. Each returns :class:`Caution` records naming the file, the
field path, the value and why it looks wrong. They are kept on the loaded case, written to
``summary.json``, printed by every command, and turned into errors by ``noregret --strict``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem, _show, location

if TYPE_CHECKING:
    from .loading import LoadedCase
    from .schema import Case

MAX_PLAUSIBLE_GROWTH = 0.20
"""Annual change of a driver, emission factor or price above which a warning is given; fraction per year.
[estimate] Three times the fastest growth path in the bundled cases (6.4 %/yr); a value
written as a percent (5.5 for 5.5 %) is refused by the schema, this catches 0.55 for 5.5 %."""
MAX_PLAUSIBLE_DISCOUNT_RATE = 0.30
"""Real discount rate above which a warning is given; fraction per year. [estimate] Public-sector real
discount rates are a few percent (every bundled case uses 6 %, range 6-9 %); 30 % is a rate no appraisal
would use."""
PER_CAPITA_BAND = (0.005, 3.0)
"""Health-sector emissions per person outside which a warning is given; tCO2e per person per year. Source:
Pichler et al. 2019 (36 countries, 2014): 0.06 t (India) to 1.51 t (United States), 0.6 t on average
(shared/facts/countries.md, checked). [estimate] The band is ten times below the lowest and twice above
the highest, so only a unit slip (kt for t, a missing population digit) falls outside."""


@dataclass(frozen=True)
class Caution:
    """A legal value that is probably a mistake."""

    file: str
    path: str
    value: Any
    why: str

    def __str__(self) -> str:
        return f"{location(self.file, self.path)}: {_show(self.value)}: {self.why}"

    def as_problem(self) -> Problem:
        return Problem(self.file, self.path, self.value, f"a plausible value ({self.why}; --strict refuses it)")


def warn_fast_growth(loaded: LoadedCase) -> list[Caution]:
    case, file = loaded.case, str(loaded.path)
    paths = [(f"drivers[{name}]", p) for name, p in case.drivers.items()]
    for s in case.sources:
        paths += [(f"sources[{s.id}].{name}", getattr(s, name)) for name in ("factor_path", "price_path")]
    return [
        Caution(
            file,
            f"{where}.annual_change.value",
            p.annual_change.value,
            f"{p.annual_change.value:.0%} a year is above {MAX_PLAUSIBLE_GROWTH:.0%}/yr (it multiplies by "
            f"{(1 + p.annual_change.value) ** 10:,.1f} in ten years); the field is a fraction: 0.05 is 5 %/yr",
        )
        for where, p in paths
        if p is not None and p.annual_change is not None and p.annual_change.value > MAX_PLAUSIBLE_GROWTH
    ]


def warn_percent_written_as_fraction(loaded: LoadedCase) -> list[Caution]:
    file = str(loaded.path)
    out = []
    for vname, variant in loaded.case.variants.items():
        for k, t in enumerate(variant.targets):
            for name in ("percent", "achieved_by_base_year_percent"):
                q = getattr(t, name, None)
                if q is not None and 0 < abs(q.value) < 1:
                    out.append(
                        Caution(
                            file,
                            f"variants[{vname}].targets[{k}].{name}.value",
                            q.value,
                            f"a cut of {q.value:g} % is below 1 %: the field is a percent, so a "
                            f"{q.value:.0%} cut is written {q.value * 100:g}",
                        )
                    )
    return out


def warn_activity_share_above_one(loaded: LoadedCase) -> list[Caution]:
    """An activity change of more than a whole unit's activity (a share written as a percent?)."""
    lib, case = loaded.library, loaded.case
    out = []
    effects = [(lib.file_of[iid], f"interventions[{iid}]", item.effects) for iid, item in lib.interventions.items()]
    effects += [
        (str(loaded.path), f"overrides.interventions[{iid}]", ov.effects)
        for iid, ov in case.overrides.interventions.items()
        if ov.effects is not None
    ]
    for file, where, items in effects:
        for k, eff in enumerate(items):
            share = getattr(eff, "change_share_of_unit_activity", None)
            if share is not None and abs(share.value) > 1:
                out.append(
                    Caution(
                        file,
                        f"{where}.effects[{k}].change_share_of_unit_activity.value",
                        share.value,
                        f"a change of {share.value:.0%} of a unit's whole activity; the field is a "
                        "fraction (-0.08 is an 8 % saving)",
                    )
                )
    return out


def warn_emissions_per_person(loaded: LoadedCase) -> list[Caution]:
    case = loaded.case
    if case.country.population is None:
        return []
    total = sum(_base_year_emissions(loaded).values())
    per_person = total / case.country.population.value
    low, high = PER_CAPITA_BAND
    if low <= per_person <= high:
        return []
    return [
        Caution(
            str(loaded.path),
            "sources",
            f"{total:,.0f} tCO2e",
            f"{per_person:.3g} tCO2e per person a year is outside the {low:g}-{high:g} t seen in health "
            "systems (check the units of emissions and activity, and country.population)",
        )
    ]


def warn_effects_after_horizon(loaded: LoadedCase) -> list[Caution]:
    """A lead time that puts every active year of an intervention after the roadmap's end."""
    case, lib = loaded.case, loaded.library
    first = {ph.id: max(ph.first_start_year, case.decision_window.first_year) for ph in case.phases}
    out = []
    for iid, item in lib.interventions.items():
        if iid in case.overrides.exclude:
            continue
        ov = case.overrides.interventions.get(iid)
        phase = ov.phase if ov is not None and ov.phase is not None else item.phase
        lead = ov.lead_time_years if ov is not None and ov.lead_time_years is not None else item.lead_time_years
        active = first.get(phase, case.decision_window.first_year) + int(lead.value)
        if active > case.horizon_end_year:
            overridden = ov is not None and ov.lead_time_years is not None
            file = str(loaded.path) if overridden else lib.file_of[iid]
            path = f"{'overrides.' if overridden else ''}interventions[{iid}].lead_time_years.value"
            out.append(
                Caution(
                    file,
                    path,
                    lead.value,
                    f"started at the earliest ({active - int(lead.value)}), it first acts in {active}, "
                    f"after the horizon end {case.horizon_end_year}: it can abate nothing in the "
                    "roadmap",
                )
            )
    return out


def warn_high_discount_rate(loaded: LoadedCase) -> list[Caution]:
    rate = loaded.case.discount_rate.value
    if rate <= MAX_PLAUSIBLE_DISCOUNT_RATE:
        return []
    return [
        Caution(
            str(loaded.path),
            "discount_rate.value",
            rate,
            f"a real discount rate of {rate:.0%} a year is above {MAX_PLAUSIBLE_DISCOUNT_RATE:.0%}: "
            "the field is a fraction (0.06 is 6 %)",
        )
    ]


def _money_by_year(loaded: LoadedCase, variant) -> dict[int, float]:
    """Most that may be spent in each decision year of a variant: the total budget, capped by the financing
    envelopes when the case has financing sources."""
    case = loaded.case
    years = range(case.decision_window.first_year, case.decision_window.last_year + 1)
    sources = list(case.budget.financing) + list(variant.additional_financing)
    total = case.budget.total_usd_by_year.by_year if case.budget.total_usd_by_year is not None else None
    money = {}
    for y in years:
        limits = []
        if total is not None:
            limits.append(total.get(y, 0.0))
        if sources:
            limits.append(sum(f.envelope_usd_by_year.by_year.get(y, 0.0) for f in sources))
        money[y] = min(limits) if limits else float("inf")
    return money


def warn_budget_below_cheapest_start(loaded: LoadedCase) -> list[Caution]:
    """In some variant, no year's money (total budget or financing envelopes) pays for the cheapest way to
    start any intervention."""
    from .prepare import make_candidate

    case = loaded.case
    costs = []
    for iid in loaded.library.interventions:
        if iid in case.overrides.exclude:
            continue
        c = make_candidate(loaded, iid)
        if c.potential <= 0:
            continue
        units = c.potential if c.all_or_nothing else (1.0 if c.integer else 0.0)
        costs.append((c.fixed_cost + c.capex * units, c.name))
    if not costs:
        return []
    cheapest, name = min(costs)
    out = []
    for vname, variant in case.variants.items():
        largest = max(_money_by_year(loaded, variant).values())
        if largest < cheapest:
            where = "budget.total_usd_by_year" if case.budget.total_usd_by_year is not None else "budget.financing"
            out.append(
                Caution(
                    str(loaded.path),
                    where,
                    f"at most US${largest:,.0f} a year in variant {vname}",
                    f"below the cheapest start (US${cheapest:,.0f}: {name}); no intervention can start "
                    "(are the amounts in USD, not thousands or millions?)",
                )
            )
    return out


SMALL_MONEY_USD = 1_000.0
"""A yearly budget line or envelope above zero but below this is probably in thousands or millions of USD.
[estimate] The smallest yearly budget line or envelope in the bundled cases is US$250,000."""


def warn_money_in_thousands_or_millions(loaded: LoadedCase) -> list[Caution]:
    """A budget line or financing envelope whose yearly amounts are all tiny (above 0, below US$1,000)."""
    case, file = loaded.case, str(loaded.path)
    lines = []
    if case.budget.total_usd_by_year is not None:
        lines.append(("budget.total_usd_by_year", case.budget.total_usd_by_year.by_year))
    lines += [
        (f"budget.financing[{f.id}].envelope_usd_by_year", f.envelope_usd_by_year.by_year)
        for f in case.budget.financing
    ]
    for vname, variant in case.variants.items():
        lines += [
            (f"variants[{vname}].additional_financing[{f.id}].envelope_usd_by_year", f.envelope_usd_by_year.by_year)
            for f in variant.additional_financing
        ]
    lines += [(f"phases[{ph.id}].budget_usd", {0: ph.budget_usd.value}) for ph in case.phases if ph.budget_usd]
    out = []
    for where, amounts in lines:
        positive = [v for v in amounts.values() if v > 0]
        if positive and max(positive) < SMALL_MONEY_USD:
            out.append(
                Caution(
                    file,
                    where,
                    f"at most US${max(positive):,.2f}",
                    "a health-system budget line of less than US$1,000: are the amounts in USD, not "
                    "thousands or millions?",
                )
            )
    return out


BASELINE_TOLERANCE = 0.10
"""Relative difference between the inventory's total and its stated reference total that is warned about;
also the difference in a scope's share (as a fraction of the total). [estimate] The bundled cases match
their reference to within 0.05 %; a unit slip in one source moves the total or a share by far more."""


def warn_inventory_off_its_reference(loaded: LoadedCase) -> list[Caution]:
    """The sources do not add up to ``baseline_reference.total_tco2e`` or its scope split (a source entered in
    kilotonnes, or a reference total that was not updated)."""
    ref = loaded.case.baseline_reference
    if ref is None:
        return []
    emissions = _base_year_emissions(loaded)
    total = sum(emissions.values())
    file = str(loaded.path)
    out = []
    if abs(total - ref.total_tco2e) > BASELINE_TOLERANCE * ref.total_tco2e:
        out.append(
            Caution(
                file,
                "baseline_reference.total_tco2e",
                ref.total_tco2e,
                f"the sources add up to {total:,.0f} tCO2e, {total / ref.total_tco2e - 1:+.0%} off this "
                "reference total (a source in kt rather than t, or an outdated reference?)",
            )
        )
    for scope, share in sorted(ref.scope_shares.items()):
        actual = (
            sum(
                v
                for sid, v in emissions.items()
                if (st := loaded.library.source_type(sid)) is not None and st.scope == scope
            )
            / total
            if total
            else 0
        )
        if abs(actual - share) > BASELINE_TOLERANCE:
            out.append(
                Caution(
                    file,
                    f"baseline_reference.scope_shares[{scope}]",
                    share,
                    f"the sources give scope {scope} a share of {actual:.0%} against {share:.0%} here",
                )
            )
    return out


def _base_year_emissions(loaded: LoadedCase) -> dict[str, float]:
    """Base-year emissions by source (the BAU projection's first year); tCO2e."""
    import numpy as np

    from .pathway import project_bau

    bau = project_bau(loaded.case, np.array([loaded.case.base_year]), loaded.library)
    return {sid: float(bau.emissions[k, 0]) for k, sid in enumerate(bau.source_ids)}


def unused_regional_budgets(case: Case, file: str, regions: set[str]) -> list[Caution]:
    """Regional budget lines (``budget.regional_usd_by_year``) for a region that no pipeline project names
    (``regions``: the regions the projects name)."""
    return [
        Caution(
            file,
            f"budget.regional_usd_by_year[{region}]",
            region,
            "no pipeline project names this region, so the limit applies to nothing (a region must be written "
            "exactly as in the pipeline files' 'region' column)",
        )
        for region in case.budget.regional_usd_by_year
        if region not in regions
    ]


def warn_regional_budget_without_projects(loaded: LoadedCase) -> list[Caution]:
    """Regional budget lines in a case without pipeline projects (with projects, the project table carries
    this warning)."""
    if loaded.projects is not None:
        return []
    return unused_regional_budgets(loaded.case, str(loaded.path), set())


PLAUSIBILITY_CHECKS: tuple[Callable[[LoadedCase], list[Caution]], ...] = (
    warn_fast_growth,
    warn_percent_written_as_fraction,
    warn_activity_share_above_one,
    warn_emissions_per_person,
    warn_effects_after_horizon,
    warn_high_discount_rate,
    warn_budget_below_cheapest_start,
    warn_money_in_thousands_or_millions,
    warn_inventory_off_its_reference,
    warn_regional_budget_without_projects,
)


def plausibility_warnings(loaded: LoadedCase) -> tuple[Caution, ...]:
    """Every plausibility warning of a loaded (valid) case and the library it uses."""
    return tuple(w for check in PLAUSIBILITY_CHECKS for w in check(loaded))


@dataclass
class WarningPolicy:
    """What loading does with warnings: print them (once each) and/or refuse them (``--strict``)."""

    strict: bool = False
    echo: Callable[[str], None] | None = None
    shown: set[str] = field(default_factory=set)

    def handle(self, warnings: tuple[Caution, ...]) -> None:
        if not warnings:
            return
        if self.strict:
            raise InputError([w.as_problem() for w in warnings])
        if self.echo is None:
            return
        for w in warnings:
            if str(w) not in self.shown:
                self.shown.add(str(w))
                self.echo(f"Warning: {w}")


policy = WarningPolicy()
"""The process-wide policy: silent by default (the API keeps warnings on the loaded case and in the
summary); the command line prints them, and refuses them with ``--strict``."""


@contextmanager
def command_line_policy(strict: bool) -> Iterator[WarningPolicy]:
    """Within the block, print warnings to stderr once each; with ``strict``, raise them as input errors.
    The previous policy is restored afterwards (the API stays silent)."""
    global policy
    previous = policy
    policy = WarningPolicy(strict=strict, echo=lambda text: print(text, file=sys.stderr))
    try:
        yield policy
    finally:
        policy = previous
