"""Cross-record consistency checks, one named ``check_*`` function per rule.

Each returns a list of :class:`~optimizer.errors.Problem`; :func:`check_library` and :func:`check_case`
run them all and raise one :class:`~optimizer.errors.InputError` listing everything found.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from .errors import InputError, Problem
from .schema import Case

if TYPE_CHECKING:
    from .loading import Library

COUNTRY_BASIS = "country"
KNOWN_INTERVENTION = "an intervention id of the library or of the case's interventions"
MAX_HORIZON_YEARS = 100
"""Longest roadmap accepted: the horizon ends at most a century after the base year."""


def duplicates(file: str, path: str, values, what: str) -> list[Problem]:
    """One problem per repeated entry of ``values`` (ids or plain strings), at ``path[k]``."""
    out, seen = [], set()
    for k, v in enumerate(values):
        if v in seen:
            out.append(Problem(file, f"{path}[{k}]", v, f"each {what} only once in this list"))
        seen.add(v)
    return out


# --------------------------------------------------------------------------- library checks


def check_vocabulary_ids_unique(lib: Library) -> list[Problem]:
    file = str(lib.root / "vocabulary.yaml")
    out = []
    vocab = lib.vocabulary
    for kind, items in (
        ("sources", vocab.sources),
        ("facility_types", vocab.facility_types),
        ("resources", vocab.resources),
    ):
        out += duplicates(file, kind, [item.id for item in items], "id")
    return out


def check_gases(lib: Library) -> list[Problem]:
    """Gas sources name a gas of gwp.yaml and have an activity unit (gas ids are unique: see
    :func:`check_gas_ids_unique`)."""
    file = str(lib.root / "vocabulary.yaml")
    out = []
    for src in lib.vocabulary.sources:
        if src.gas is None:
            continue
        if src.gas.gas not in lib.gases:
            known = (
                f"a gas defined in gwp.yaml {sorted(lib.gases)}"
                if lib.gases
                else f"a gas defined in gwp.yaml, which is missing ({lib.root / 'gwp.yaml'})"
            )
            out.append(Problem(file, f"sources[{src.id}].gas.gas", src.gas.gas, known))
        if src.activity_unit is None:
            out.append(
                Problem(
                    file,
                    f"sources[{src.id}].activity_unit",
                    None,
                    "an activity unit (the gas mass is given per activity unit)",
                )
            )
    return out


def check_gas_ids_unique(lib: Library) -> list[Problem]:
    return duplicates(str(lib.root / "gwp.yaml"), "gases", lib.gas_ids, "gas id")


def check_intervention_lists_unique(lib: Library) -> list[Problem]:
    """Prerequisites and KPIs are not listed twice."""
    out = []
    for iid, item in lib.interventions.items():
        out += duplicates(lib.file_of[iid], f"interventions[{iid}].prerequisites", item.prerequisites, "prerequisite")
        out += duplicates(lib.file_of[iid], f"interventions[{iid}].kpis", item.kpis, "KPI")
    return out


def check_effect_sources_known(lib: Library) -> list[Problem]:
    known = {s.id: s for s in lib.vocabulary.sources}
    out = []
    for iid, item in lib.interventions.items():
        for k, eff in enumerate(item.effects):
            path = f"interventions[{iid}].effects[{k}].source"
            if eff.source not in known:
                out.append(Problem(lib.file_of[iid], path, eff.source, f"a source in vocabulary.yaml {sorted(known)}"))
            elif eff.type == "activity" and known[eff.source].activity_unit is None:
                out.append(
                    Problem(
                        lib.file_of[iid],
                        path,
                        eff.source,
                        "a source with an activity_unit (activity effects change activity)",
                    )
                )
            relative = getattr(eff, "relative_to", None)
            if relative is not None and (relative not in known or known[relative].activity_unit is None):
                out.append(
                    Problem(
                        lib.file_of[iid],
                        f"interventions[{iid}].effects[{k}].relative_to",
                        relative,
                        "a vocabulary source with an activity_unit",
                    )
                )
    return out


def check_capex_scaling_sources_known(lib: Library) -> list[Problem]:
    """A ``capex_scales_with`` block names a vocabulary source with an activity unit (its activity per unit
    measures a unit's size)."""
    known = {s.id: s for s in lib.vocabulary.sources}
    out = []
    for iid, item in lib.interventions.items():
        scaling = item.capex_scales_with
        if scaling is None:
            continue
        if scaling.source not in known or known[scaling.source].activity_unit is None:
            with_unit = sorted(s for s, v in known.items() if v.activity_unit is not None)
            out.append(
                Problem(
                    lib.file_of[iid],
                    f"interventions[{iid}].capex_scales_with.source",
                    scaling.source,
                    f"a vocabulary source with an activity_unit (its activity per unit measures a unit's size): "
                    f"{with_unit}",
                )
            )
    return out


def check_share_fractions_at_most_one(lib: Library) -> list[Problem]:
    """One intervention cannot remove more than all of a source."""
    out = []
    for iid, item in lib.interventions.items():
        total: dict[str, float] = defaultdict(float)
        for eff in item.effects:
            if eff.type == "share":
                total[eff.source] += eff.fraction.value
        for src, share in total.items():
            if share > 1.0 + 1e-12:
                out.append(
                    Problem(
                        lib.file_of[iid],
                        f"interventions[{iid}].effects",
                        share,
                        f"share fractions on source '{src}' adding up to at most 1",
                    )
                )
    return out


def check_resources_known(lib: Library) -> list[Problem]:
    known = {r.id for r in lib.vocabulary.resources}
    out = []
    for iid, item in lib.interventions.items():
        for field in ("resource_use_per_unit", "resource_use_per_start"):
            for rid in getattr(item, field):
                if rid not in known:
                    out.append(
                        Problem(
                            lib.file_of[iid],
                            f"interventions[{iid}].{field}.{rid}",
                            rid,
                            f"a resource in vocabulary.yaml {sorted(known)}",
                        )
                    )
    return out


def check_potential_basis_known(lib: Library) -> list[Problem]:
    known = {f.id for f in lib.vocabulary.facility_types} | {COUNTRY_BASIS}
    return [
        Problem(
            lib.file_of[iid],
            f"interventions[{iid}].potential.basis",
            item.potential.basis,
            f"a facility type in vocabulary.yaml or '{COUNTRY_BASIS}': {sorted(known)}",
        )
        for iid, item in lib.interventions.items()
        if item.potential.basis not in known
    ]


def check_groups_known(lib: Library) -> list[Problem]:
    return [
        Problem(
            lib.file_of[iid],
            f"interventions[{iid}].group",
            item.group,
            f"a group of the library or of the case's groups: {sorted(lib.groups)}",
        )
        for iid, item in lib.interventions.items()
        if item.group is not None and item.group not in lib.groups
    ]


def check_prerequisites_known(lib: Library) -> list[Problem]:
    out = []
    for iid, item in lib.interventions.items():
        for k, pre in enumerate(item.prerequisites):
            if pre == iid:
                out.append(
                    Problem(
                        lib.file_of[iid],
                        f"interventions[{iid}].prerequisites[{k}]",
                        pre,
                        "another intervention (not itself)",
                    )
                )
            elif pre not in lib.interventions:
                out.append(
                    Problem(
                        lib.file_of[iid],
                        f"interventions[{iid}].prerequisites[{k}]",
                        pre,
                        "the id of an intervention of the library or of the case's interventions",
                    )
                )
    return out


def check_prerequisites_acyclic(lib: Library) -> list[Problem]:
    graph = {
        iid: [p for p in item.prerequisites if p in lib.interventions and p != iid]
        for iid, item in lib.interventions.items()
    }
    state: dict[str, int] = {}
    out: list[Problem] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt) :] + [node, nxt] if nxt in trail else [node, nxt]
                out.append(
                    Problem(
                        lib.file_of[node],
                        f"interventions[{node}].prerequisites",
                        " -> ".join(cycle),
                        "prerequisites without a cycle",
                    )
                )
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2

    for iid in sorted(graph):
        if iid not in state:
            visit(iid, [])
    return out


LIBRARY_CHECKS = (
    check_vocabulary_ids_unique,
    check_gas_ids_unique,
    check_gases,
    check_intervention_lists_unique,
    check_effect_sources_known,
    check_capex_scaling_sources_known,
    check_share_fractions_at_most_one,
    check_potential_basis_known,
    check_resources_known,
    check_groups_known,
    check_prerequisites_known,
    check_prerequisites_acyclic,
)


def check_library(lib: Library) -> None:
    problems = [p for check in LIBRARY_CHECKS for p in check(lib)]
    if problems:
        raise InputError(problems)


# --------------------------------------------------------------------------- case checks


def check_years(case: Case, file: str, lib: Library) -> list[Problem]:
    out = []
    w = case.decision_window
    if w.first_year <= case.base_year:
        out.append(
            Problem(file, "decision_window.first_year", w.first_year, f"a year after base_year {case.base_year}")
        )
    if case.horizon_end_year < w.last_year:
        out.append(
            Problem(
                file,
                "horizon_end_year",
                case.horizon_end_year,
                f"a year at or after decision_window.last_year {w.last_year}",
            )
        )
    if case.horizon_end_year > case.base_year + MAX_HORIZON_YEARS:
        out.append(
            Problem(
                file,
                "horizon_end_year",
                case.horizon_end_year,
                f"a year at most {MAX_HORIZON_YEARS} years after base_year {case.base_year}",
            )
        )
    return out


def _series_years(file: str, path: str, years, lo: int, hi: int, what: str) -> list[Problem]:
    return [Problem(file, f"{path}[{y}]", y, f"a year within {what} {lo}-{hi}") for y in years if not lo <= y <= hi]


def _missing_years(file: str, path: str, series: dict, window) -> list[Problem]:
    missing = [y for y in range(window.first_year, window.last_year + 1) if y not in series]
    if not missing:
        return []
    return [Problem(file, path, sorted(series), f"an entry for every decision year; missing {missing}")]


def _known_once(file: str, path: str, item_id: str, known, seen: set, what: str) -> list[Problem]:
    """The id is in the library vocabulary and not listed twice in the case."""
    out = []
    if item_id not in known:
        out.append(Problem(file, path, item_id, f"a {what} in the library vocabulary {sorted(known)}"))
    if item_id in seen:
        out.append(Problem(file, path, item_id, f"each {what} only once"))
    seen.add(item_id)
    return out


def check_sources(case: Case, file: str, lib: Library) -> list[Problem]:
    known = {s.id: s for s in lib.vocabulary.sources}
    out, seen = [], set()
    for s in case.sources:
        p = f"sources[{s.id}]"
        out += _known_once(file, f"{p}.id", s.id, known, seen, "source")
        gas_source = s.id in known and known[s.id].gas is not None
        if gas_source and s.activity is None:
            out.append(
                Problem(
                    file,
                    f"{p}.activity",
                    "<missing>",
                    f"the base-year activity in {known[s.id].activity_unit} (a gas source: emissions "
                    "follow from activity x gas mass x GWP)",
                )
            )
        if gas_source and s.emissions_tco2e is not None:
            out.append(
                Problem(
                    file,
                    f"{p}.emissions_tco2e",
                    s.emissions_tco2e.value,
                    f"no emissions for gas source '{s.id}': they follow from activity x gas mass x "
                    f"the case's GWP set ({case.gwp_set})",
                )
            )
        if not gas_source and s.emissions_tco2e is None:
            out.append(Problem(file, f"{p}.emissions_tco2e", "<missing>", "the base-year emissions, tCO2e"))
        if s.driver not in case.drivers:
            out.append(Problem(file, f"{p}.driver", s.driver, f"a key of 'drivers' {sorted(case.drivers)}"))
        if s.activity is not None and s.activity.value <= 0:
            out.append(
                Problem(
                    file,
                    f"{p}.activity.value",
                    s.activity.value,
                    "a positive activity (the emission factor is emissions / activity)",
                )
            )
        if s.activity is not None and s.id in known and known[s.id].activity_unit is None:
            out.append(
                Problem(
                    file,
                    f"{p}.activity",
                    s.activity.value,
                    f"no activity: vocabulary source '{s.id}' has no activity_unit",
                )
            )
        if s.price_usd_per_unit is not None and s.activity is None:
            out.append(
                Problem(
                    file, f"{p}.price_usd_per_unit", s.price_usd_per_unit.value, "a price only together with 'activity'"
                )
            )
        for name in ("factor_path", "price_path"):
            path_obj = getattr(s, name)
            if path_obj is not None and path_obj.index_by_year is not None:
                out += _series_years(
                    file,
                    f"{p}.{name}.index_by_year.by_year",
                    path_obj.index_by_year.by_year,
                    case.base_year,
                    2200,
                    "base year onwards",
                )
    return out


def check_baseline_reference(case: Case, file: str, lib: Library) -> list[Problem]:
    ref = case.baseline_reference
    if ref is None:
        return []
    total = sum(ref.scope_shares.values())
    if abs(total - 1.0) > 1e-6:
        return [Problem(file, "baseline_reference.scope_shares", ref.scope_shares, "scope shares adding up to 1")]
    return []


def check_drivers(case: Case, file: str, lib: Library) -> list[Problem]:
    out = []
    for name, path_obj in case.drivers.items():
        if path_obj.index_by_year is not None:
            out += _series_years(
                file,
                f"drivers[{name}].index_by_year.by_year",
                path_obj.index_by_year.by_year,
                case.base_year,
                2200,
                "base year onwards",
            )
    return out


def check_facility_stock(case: Case, file: str, lib: Library) -> list[Problem]:
    known = {f.id for f in lib.vocabulary.facility_types}
    return [
        Problem(file, f"facility_stock.{k}", k, f"a facility type in the library vocabulary {sorted(known)}")
        for k in case.facility_stock
        if k not in known
    ]


def check_phases(case: Case, file: str, lib: Library) -> list[Problem]:
    w = case.decision_window
    out, seen = [], set()
    for ph in case.phases:
        p = f"phases[{ph.id}]"
        if ph.id in seen:
            out.append(Problem(file, f"{p}.id", ph.id, "each phase id only once"))
        seen.add(ph.id)
        if not w.first_year <= ph.first_start_year <= w.last_year:
            out.append(
                Problem(
                    file,
                    f"{p}.first_start_year",
                    ph.first_start_year,
                    f"a year within the decision window {w.first_year}-{w.last_year}",
                )
            )
        if ph.last_start_year is not None and not ph.first_start_year <= ph.last_start_year <= w.last_year:
            out.append(
                Problem(
                    file,
                    f"{p}.last_start_year",
                    ph.last_start_year,
                    f"a year from first_start_year {ph.first_start_year} to {w.last_year}",
                )
            )
    return out


def check_intervention_phases(case: Case, file: str, lib: Library) -> list[Problem]:
    phases = {ph.id for ph in case.phases}
    out = []
    for iid, item in lib.interventions.items():
        override = case.overrides.interventions.get(iid)
        if override is not None and override.phase is not None:
            if override.phase not in phases:
                out.append(
                    Problem(
                        file,
                        f"overrides.interventions[{iid}].phase",
                        override.phase,
                        f"a phase id of this case {sorted(phases)}",
                    )
                )
        elif item.phase not in phases:
            out.append(
                Problem(
                    lib.file_of[iid],
                    f"interventions[{iid}].phase",
                    item.phase,
                    f"a phase id defined by the case {file}: {sorted(phases)}",
                )
            )
    return out


def check_maturity(case: Case, file: str, lib: Library) -> list[Problem]:
    w = case.decision_window
    years = sorted(case.maturity.max_complexity_by_year)
    out = _series_years(
        file,
        "maturity.max_complexity_by_year",
        years,
        case.base_year,
        w.last_year,
        "base year to end of decision window",
    )
    if years and years[0] > w.first_year:
        out.append(
            Problem(
                file,
                "maturity.max_complexity_by_year",
                years[0],
                f"an entry for a year at or before the first decision year {w.first_year}",
            )
        )
    return out


def check_budget(case: Case, file: str, lib: Library) -> list[Problem]:
    w = case.decision_window
    out = []
    if case.budget.total_usd_by_year is not None:
        out += _series_years(
            file,
            "budget.total_usd_by_year.by_year",
            case.budget.total_usd_by_year.by_year,
            w.first_year,
            w.last_year,
            "the decision window",
        )
        out += _missing_years(file, "budget.total_usd_by_year.by_year", case.budget.total_usd_by_year.by_year, w)
    sources = [("budget.financing", f) for f in case.budget.financing]
    for vname, variant in case.variants.items():
        where = f"variants[{vname}].additional_financing"
        sources += [(where, f) for f in variant.additional_financing]
        out += duplicates(file, where, [f.id for f in variant.additional_financing], "financing source id")
    base_ids = {f.id for f in case.budget.financing}
    seen_base: set[str] = set()
    for where, fin in sources:
        p = f"{where}[{fin.id}]"
        if where == "budget.financing":
            if fin.id in seen_base:
                out.append(Problem(file, f"{p}.id", fin.id, "each financing source id only once"))
            seen_base.add(fin.id)
        elif fin.id in base_ids:
            out.append(Problem(file, f"{p}.id", fin.id, "an id not already used in budget.financing"))
        out += _series_years(
            file,
            f"{p}.envelope_usd_by_year.by_year",
            fin.envelope_usd_by_year.by_year,
            w.first_year,
            w.last_year,
            "the decision window",
        )
        out += duplicates(file, f"{p}.eligible_interventions", fin.eligible_interventions or [], "intervention")
        out += duplicates(file, f"{p}.eligible_families", fin.eligible_families or [], "family")
        for k, iid in enumerate(fin.eligible_interventions or []):
            if iid not in lib.interventions:
                out.append(Problem(file, f"{p}.eligible_interventions[{k}]", iid, KNOWN_INTERVENTION))
        negative = {y: v for y, v in fin.envelope_usd_by_year.by_year.items() if v < 0}
        if negative:
            out.append(Problem(file, f"{p}.envelope_usd_by_year", negative, "envelopes of 0 or more"))
    if case.budget.total_usd_by_year is not None:
        negative = {y: v for y, v in case.budget.total_usd_by_year.by_year.items() if v < 0}
        if negative:
            out.append(Problem(file, "budget.total_usd_by_year", negative, "budgets of 0 or more"))
    for region, series in case.budget.regional_usd_by_year.items():
        p = f"budget.regional_usd_by_year[{region}]"
        out += _series_years(file, f"{p}.by_year", series.by_year, w.first_year, w.last_year, "the decision window")
        out += _missing_years(file, f"{p}.by_year", series.by_year, w)
        negative = {y: v for y, v in series.by_year.items() if v < 0}
        if negative:
            out.append(Problem(file, p, negative, "budgets of 0 or more"))
    return out


def check_resources(case: Case, file: str, lib: Library) -> list[Problem]:
    w = case.decision_window
    known = {r.id for r in lib.vocabulary.resources}
    out, seen = [], set()
    for res in case.resources:
        p = f"resources[{res.id}]"
        out += _known_once(file, f"{p}.id", res.id, known, seen, "resource")
        out += _series_years(
            file,
            f"{p}.limit_by_year.by_year",
            res.limit_by_year.by_year,
            w.first_year,
            w.last_year,
            "the decision window",
        )
        out += _missing_years(file, f"{p}.limit_by_year.by_year", res.limit_by_year.by_year, w)
        negative = {y: v for y, v in res.limit_by_year.by_year.items() if v < 0}
        if negative:
            out.append(Problem(file, f"{p}.limit_by_year", negative, "limits of 0 or more"))
    return out


def check_variants(case: Case, file: str, lib: Library) -> list[Problem]:
    out = []
    if case.default_variant not in case.variants:
        out.append(
            Problem(file, "default_variant", case.default_variant, f"a key of 'variants' {sorted(case.variants)}")
        )
    lo, hi = case.decision_window.first_year, case.horizon_end_year
    for vname, variant in case.variants.items():
        seen_years: set[int] = set()
        last = case.base_year
        for k, t in enumerate(variant.targets):
            p = f"variants[{vname}].targets[{k}]"
            years = list(t.cap_tco2e_by_year.by_year) if t.type == "custom" else [t.year]
            label = "cap_tco2e_by_year.by_year" if t.type == "custom" else "year"
            for y in years:
                if not lo <= y <= hi:
                    out.append(
                        Problem(
                            file,
                            f"{p}.{label}",
                            y,
                            f"a year from the first decision year to the horizon end, {lo}-{hi} "
                            "(earlier targets cannot be influenced by the plan)",
                        )
                    )
                if y in seen_years:
                    out.append(Problem(file, f"{p}.{label}", y, "one target per year within a variant"))
                seen_years.add(y)
                last = max(last, y)
            if t.type == "intensity":
                if t.denominator not in case.drivers:
                    out.append(
                        Problem(file, f"{p}.denominator", t.denominator, f"a key of 'drivers' {sorted(case.drivers)}")
                    )
                if t.reference_year > case.base_year:
                    out.append(
                        Problem(
                            file,
                            f"{p}.reference_year",
                            t.reference_year,
                            f"a year at or before base_year {case.base_year}",
                        )
                    )
                achieved = t.achieved_by_base_year_percent
                if achieved is not None and achieved.value >= 100.0:
                    out.append(
                        Problem(
                            file,
                            f"{p}.achieved_by_base_year_percent.value",
                            achieved.value,
                            "less than 100 (a 100 % cut leaves no reference intensity)",
                        )
                    )
                if t.reference_year != case.base_year and t.achieved_by_base_year_percent is None:
                    out.append(
                        Problem(
                            file,
                            f"{p}.achieved_by_base_year_percent",
                            "<missing>",
                            "the intensity cut achieved between the reference year and the base year "
                            "(needed because reference_year is not the base year)",
                        )
                    )
            if t.type == "below_base_year":
                has_ref = t.reference_emissions_tco2e is not None or t.national_reference_emissions_tco2e is not None
                if t.reference_year != case.base_year and not has_ref:
                    out.append(
                        Problem(
                            file,
                            f"{p}.reference_emissions_tco2e",
                            "<missing>",
                            "the reference-year level, or the national pair "
                            "(needed because reference_year is not the base year)",
                        )
                    )
        if variant.net_zero_year is not None and variant.net_zero_year <= last:
            out.append(
                Problem(
                    file,
                    f"variants[{vname}].net_zero_year",
                    variant.net_zero_year,
                    f"a year after the last target year {last}",
                )
            )
    return out


def check_overrides(case: Case, file: str, lib: Library) -> list[Problem]:
    out = duplicates(file, "overrides.exclude", case.overrides.exclude, "intervention")
    for k, iid in enumerate(case.overrides.exclude):
        if iid not in lib.interventions:
            out.append(Problem(file, f"overrides.exclude[{k}]", iid, KNOWN_INTERVENTION))
    for iid, override in case.overrides.interventions.items():
        if iid not in lib.interventions:
            out.append(Problem(file, f"overrides.interventions.{iid}", iid, KNOWN_INTERVENTION))
            continue
        item = lib.interventions[iid]
        out += _override_effect_problems(file, iid, override, lib)
        share = override.max_share_per_year.value if override.max_share_per_year else item.max_share_per_year.value
        if item.all_or_nothing and share < 1.0:
            out.append(
                Problem(
                    file,
                    f"overrides.interventions[{iid}].max_share_per_year",
                    share,
                    "1 for an all_or_nothing intervention",
                )
            )
    return out


def _override_effect_problems(file: str, iid: str, override, lib: Library) -> list[Problem]:
    if override.effects is None:
        return []
    known = {s.id: s for s in lib.vocabulary.sources}
    out = []
    share: dict[str, float] = defaultdict(float)
    for k, eff in enumerate(override.effects):
        path = f"overrides.interventions[{iid}].effects[{k}].source"
        if eff.source not in known:
            out.append(Problem(file, path, eff.source, f"a source in the library vocabulary {sorted(known)}"))
        elif eff.type == "activity" and known[eff.source].activity_unit is None:
            out.append(Problem(file, path, eff.source, "a source with an activity_unit"))
        if eff.type == "share":
            share[eff.source] += eff.fraction.value
    for src, total in share.items():
        if total > 1.0 + 1e-12:
            out.append(
                Problem(
                    file,
                    f"overrides.interventions[{iid}].effects",
                    total,
                    f"share fractions on source '{src}' adding up to at most 1",
                )
            )
    return out


MAX_SOURCE_EMISSIONS = 1e11
"""Most a single source may emit in one roadmap year; tCO2e per year (twice the world's emissions)."""
MAX_SOURCE_SPEND = 1e15
"""Most a single source's activity may cost in one roadmap year; USD per year."""


def check_projection_magnitude(case: Case, file: str, lib: Library) -> list[Problem]:
    """Growth paths must not take any source's BAU emissions or spending beyond anything real within the
    roadmap (e.g. a 100 %/yr driver over decades)."""
    import numpy as np

    from .pathway import project_bau

    years = np.arange(case.base_year, case.horizon_end_year + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        bau = project_bau(case, years, lib)
        spend = bau.activity * bau.price
    out = []
    for k, sid in enumerate(bau.source_ids):
        for label, row, cap, unit in (
            ("BAU emissions", bau.emissions[k], MAX_SOURCE_EMISSIONS, "tCO2e"),
            ("BAU spending", spend[k], MAX_SOURCE_SPEND, "USD"),
        ):
            bad = np.flatnonzero(~(np.abs(np.nan_to_num(row, nan=0.0)) <= cap))
            if len(bad):
                year = int(years[bad[0]])
                out.append(
                    Problem(
                        file,
                        f"sources[{sid}]",
                        f"{label} of {row[bad[0]]:.3g} {unit} in {year}",
                        f"at most {cap:g} {unit} a year: check the driver, factor and price paths "
                        "and the units of the base-year values",
                    )
                )
    return out


CASE_CHECKS = (
    check_years,
    check_sources,
    check_baseline_reference,
    check_drivers,
    check_facility_stock,
    check_phases,
    check_intervention_phases,
    check_maturity,
    check_budget,
    check_resources,
    check_variants,
    check_overrides,
)

CONSISTENT_CASE_CHECKS = (check_projection_magnitude,)
"""Checks that need a case the others found nothing wrong with (the BAU projection needs valid sources,
drivers and years)."""


def check_case(case: Case, file: str, lib: Library) -> None:
    problems = [p for check in CASE_CHECKS for p in check(case, file, lib)]
    if not problems:
        problems = [p for check in CONSISTENT_CASE_CHECKS for p in check(case, file, lib)]
    if problems:
        raise InputError(problems)
