"""The library a case sees: the library it names, plus the interventions and groups the case adds
(``interventions:``, ``groups:``) and with the case's overrides of the fields that the rest of the engine
reads from the library (name, unit, group, prerequisites, potential, scores, resource use, ...).

The overrides that :mod:`optimizer.prepare` applies itself (capex, costs, lifetime, lead time, ramp,
potential units, phase, complexity, effects: :data:`PREPARED_FIELDS`) stay in the case and are applied
there, as for every case. Everything downstream (prepare, the model, reports, provenance, sweeps) reads
``LoadedCase.library`` and needs to know nothing of where an intervention came from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re

from .errors import InputError, Problem
from .loading import Library
from .schema import Case, Intervention
from .schema.case import InterventionOverride
from .schema.library import CapexScaling

PREPARED_NUMBERS = (
    "capex_usd_per_unit",
    "fixed_cost_usd",
    "om_change_usd_per_unit_year",
    "lifetime_years",
    "lead_time_years",
    "max_share_per_year",
    "potential_units",
)
"""Numeric override fields that :func:`optimizer.prepare.make_candidate` applies (what a sweep may vary)."""

PREPARED_FIELDS = frozenset({*PREPARED_NUMBERS, "phase", "complexity", "effects"})
"""Override fields that :func:`optimizer.prepare.make_candidate` and ``effective_effects`` apply."""

LIBRARY_FIELDS = tuple(f for f in InterventionOverride.model_fields if f not in PREPARED_FIELDS)
"""Override fields applied to the case's copy of the library intervention."""

_INTERVENTION_PATH = re.compile(r"^interventions\[(?P<iid>[^\]]+)\]\.(?P<field>\w+)(?P<rest>.*)$")


def case_library(library: Library, case: Case, file: str) -> Library:
    """The library ``case`` (read from ``file``) sees. Unchanged when the case adds nothing and overrides no
    library-read field; otherwise a new library built on the case's named library (``library.base`` when
    ``library`` is already another case's), checked like any library, with errors naming ``file``."""
    base = library.base or library
    changed = _library_overrides(case)
    if not case.interventions and not case.groups and not changed:
        return base
    problems = _id_problems(base, case, file)
    if problems:
        raise InputError(problems)
    interventions = dict(base.interventions)
    interventions.update({item.id: item for item in case.interventions})
    for iid, fields in changed.items():
        if iid in interventions:
            problems += _scaling_problems(interventions[iid], fields, file)
            if not problems:
                interventions[iid] = _overridden(interventions[iid], fields)
    if problems:
        raise InputError(problems)
    merged = dataclasses.replace(
        base,
        interventions=interventions,
        family_of={**base.family_of, **{item.id: item.family for item in case.interventions}},
        file_of={**base.file_of, **{item.id: file for item in case.interventions}},
        groups={**base.groups, **{g.id: g for g in case.groups}},
        group_file={**base.group_file, **{g.id: file for g in case.groups}},
        digest=_digest(base, case, changed),
        base=base,
    )
    _check(merged, file, changed)
    return merged


def _library_overrides(case: Case) -> dict[str, dict]:
    """Intervention id -> the library-read fields the case's overrides give (ids with none left out)."""
    out = {}
    for iid, override in case.overrides.interventions.items():
        fields = {f: getattr(override, f) for f in LIBRARY_FIELDS if getattr(override, f) is not None}
        if fields:
            out[iid] = fields
    return out


def _overridden(item: Intervention, fields: dict) -> Intervention:
    """The intervention with the given fields replaced; a potential or capex-sizing override replaces only
    what it gives."""
    update = dict(fields)
    if "potential" in update:
        given = update["potential"].model_dump(exclude_none=True)
        update["potential"] = item.potential.model_copy(update={k: getattr(update["potential"], k) for k in given})
    if "capex_scales_with" in update:
        change = {k: getattr(update["capex_scales_with"], k) for k in _given(update["capex_scales_with"])}
        scaling = item.capex_scales_with
        update["capex_scales_with"] = scaling.model_copy(update=change) if scaling else CapexScaling(**change)
    return item.model_copy(update=update)


def _given(model) -> set[str]:
    return set(model.model_dump(exclude_none=True))


def _scaling_problems(item: Intervention, fields: dict, file: str) -> list[Problem]:
    """A capex-sizing override of an intervention without one must give what a new block needs."""
    override = fields.get("capex_scales_with")
    if override is None or item.capex_scales_with is not None:
        return []
    missing = [k for k in ("source", "reference_activity_per_unit") if k not in _given(override)]
    if not missing:
        return []
    return [
        Problem(
            file,
            f"overrides.interventions[{item.id}].capex_scales_with",
            ", ".join(sorted(_given(override))) or "(nothing)",
            f"also {' and '.join(missing)}: the library intervention has no capex_scales_with to complete",
        )
    ]


def _id_problems(base: Library, case: Case, file: str) -> list[Problem]:
    """Added ids that the library already has, or that the case repeats."""
    out = []
    for kind, items, known, where in (
        ("interventions", case.interventions, base.interventions, base.file_of),
        ("groups", case.groups, base.groups, base.group_file),
    ):
        seen: set[str] = set()
        for item in items:
            path = f"{kind}[{item.id}].id"
            if item.id in known:
                hint = f"; use overrides.interventions.{item.id} to change a library intervention"
                out.append(
                    Problem(
                        file,
                        path,
                        item.id,
                        f"an id the library does not have (it is in {where[item.id]})"
                        + (hint if kind == "interventions" else ""),
                    )
                )
            elif item.id in seen:
                out.append(Problem(file, path, item.id, "each id only once in this list"))
            seen.add(item.id)
    return out


def _digest(base: Library, case: Case, changed: dict[str, dict]) -> str:
    """The library's digest extended by what the case adds and changes."""
    blob = json.dumps(
        {
            "interventions": [item.model_dump(mode="json") for item in case.interventions],
            "groups": [g.model_dump(mode="json") for g in case.groups],
            "overrides": {
                iid: case.overrides.interventions[iid].model_dump(mode="json", include=set(fields))
                for iid, fields in changed.items()
            },
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(base.digest.encode() + blob.encode()).hexdigest()


def _check(merged: Library, file: str, changed: dict[str, dict]) -> None:
    """The library checks on the merged library. The library alone passed them, so every problem comes from
    the case: one on an overridden field is named at the override, any other says where to look."""
    from .checks import check_library

    try:
        check_library(merged)
    except InputError as err:
        raise InputError([_at_case(p, file, changed) for p in err.problems]) from None


def _at_case(problem: Problem, file: str, changed: dict[str, dict]) -> Problem:
    if problem.file == file:
        return problem
    match = _INTERVENTION_PATH.match(problem.path)
    if match and match["field"] in changed.get(match["iid"], {}):
        path = f"overrides.interventions[{match['iid']}].{match['field']}{match['rest']}"
        return Problem(file, path, problem.value, problem.expected)
    return Problem(
        problem.file,
        problem.path,
        problem.value,
        f"{problem.expected} (the library alone passes: the cause is in the interventions, groups or overrides "
        f"of {file})",
    )
