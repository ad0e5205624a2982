"""Changed copies of a case (the inputs are frozen): how a proposed fix edits the case, so that every fix is
verified by a real solve of the changed case."""

from __future__ import annotations

import dataclasses

from .loading import LoadedCase
from .schema.case import Case


def with_case(loaded: LoadedCase, case: Case) -> LoadedCase:
    return dataclasses.replace(loaded, case=case)


def with_total_budget(loaded: LoadedCase, year: int, extra: float) -> LoadedCase:
    case = loaded.case
    series = case.budget.total_usd_by_year
    by_year = dict(series.by_year)
    by_year[year] = by_year.get(year, 0.0) + extra
    budget = case.budget.model_copy(update={"total_usd_by_year": series.model_copy(update={"by_year": by_year})})
    return with_case(loaded, case.model_copy(update={"budget": budget}))


def with_envelope(loaded: LoadedCase, source_id: str, year: int, extra: float) -> LoadedCase:
    """Raise a financing source's envelope in one year (base budget or the variants' additional financing)."""
    case = loaded.case

    def raise_(fin):
        if fin.id != source_id:
            return fin
        by_year = dict(fin.envelope_usd_by_year.by_year)
        by_year[year] = by_year.get(year, 0.0) + extra
        return fin.model_copy(
            update={"envelope_usd_by_year": fin.envelope_usd_by_year.model_copy(update={"by_year": by_year})}
        )

    budget = case.budget.model_copy(update={"financing": [raise_(f) for f in case.budget.financing]})
    variants = {
        name: v.model_copy(update={"additional_financing": [raise_(f) for f in v.additional_financing]})
        for name, v in case.variants.items()
    }
    return with_case(loaded, case.model_copy(update={"budget": budget, "variants": variants}))


def with_phase_budget(loaded: LoadedCase, phase_id: str, extra: float) -> LoadedCase:
    case = loaded.case

    def raised(ph):
        budget = ph.budget_usd.model_copy(update={"value": ph.budget_usd.value + extra})
        return ph.model_copy(update={"budget_usd": budget})

    phases = [raised(ph) if ph.id == phase_id else ph for ph in case.phases]
    return with_case(loaded, case.model_copy(update={"phases": phases}))


def with_resource_limit(loaded: LoadedCase, resource_id: str, year: int, extra: float) -> LoadedCase:
    case = loaded.case
    resources = []
    for res in case.resources:
        if res.id == resource_id:
            by_year = dict(res.limit_by_year.by_year)
            by_year[year] += extra
            res = res.model_copy(update={"limit_by_year": res.limit_by_year.model_copy(update={"by_year": by_year})})
        resources.append(res)
    return with_case(loaded, case.model_copy(update={"resources": resources}))


def with_payback_limit(loaded: LoadedCase, years: float | None) -> LoadedCase:
    case = loaded.case
    rule = None if years is None else case.payback.portfolio_max_years.model_copy(update={"value": years})
    payback = case.payback.model_copy(update={"portfolio_max_years": rule})
    return with_case(loaded, case.model_copy(update={"payback": payback}))


def with_phase_start(loaded: LoadedCase, phase_id: str, first_year: int) -> LoadedCase:
    case = loaded.case
    phases = [ph.model_copy(update={"first_start_year": first_year}) if ph.id == phase_id else ph for ph in case.phases]
    return with_case(loaded, case.model_copy(update={"phases": phases}))


def with_maturity_earlier(loaded: LoadedCase, years: int = 1) -> LoadedCase:
    """Every step of the maturity path reached ``years`` earlier (not before the first entry's year)."""
    case = loaded.case
    steps = case.maturity.max_complexity_by_year
    first = min(steps)
    shifted: dict[int, int] = {}
    for y, level in sorted(steps.items()):
        year = max(first, y - years)
        shifted[year] = max(shifted.get(year, 0), level)
    maturity = case.maturity.model_copy(update={"max_complexity_by_year": shifted})
    return with_case(loaded, case.model_copy(update={"maturity": maturity}))


def with_budgets_scaled(loaded: LoadedCase, factor: float) -> LoadedCase:
    """Every year's total budget multiplied by ``factor``."""
    series = loaded.case.budget.total_usd_by_year
    changed = loaded
    if series is not None:
        for y, v in series.by_year.items():
            changed = with_total_budget(changed, y, v * (factor - 1))
    return changed


def with_envelopes_scaled(loaded: LoadedCase, factor: float) -> LoadedCase:
    """Every financing envelope (base and variants) multiplied by ``factor``."""
    case = loaded.case
    sources = list(case.budget.financing) + [f for v in case.variants.values() for f in v.additional_financing]
    unique = {fin.id: fin for fin in reversed(sources)}  # with_envelope raises every occurrence of an id
    changed = loaded
    for fin in unique.values():
        for y, v in fin.envelope_usd_by_year.by_year.items():
            changed = with_envelope(changed, fin.id, y, v * (factor - 1))
    return changed


def with_phase_budgets_scaled(loaded: LoadedCase, factor: float) -> LoadedCase:
    """Every phase budget multiplied by ``factor``."""
    changed = loaded
    for ph in loaded.case.phases:
        if ph.budget_usd is not None:
            changed = with_phase_budget(changed, ph.id, ph.budget_usd.value * (factor - 1))
    return changed


def with_resource_limits_scaled(loaded: LoadedCase, factor: float) -> LoadedCase:
    """Every delivery-resource limit multiplied by ``factor``."""
    changed = loaded
    for res in loaded.case.resources:
        for y, v in res.limit_by_year.by_year.items():
            changed = with_resource_limit(changed, res.id, y, v * (factor - 1))
    return changed
