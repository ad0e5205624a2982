"""Parameters addressed by path, and changed copies of a case with new values at those paths.

Paths walk the case as written (mappings by key, lists of records by ``id``, year series by year) and end at
a number. Library parameters are reached as ``interventions.<id>.<field>`` and are set through the case's
``overrides`` (the library itself is shared by every case). Examples::

    discount_rate
    budget.total_usd_by_year.2027
    budget.financing.adb_loan.envelope_usd_by_year.2028
    sources.grid_electricity.price_usd_per_unit
    drivers.health_activity.annual_change
    interventions.rooftop_solar_pv.capex_usd_per_unit
    variants.unconditional.targets.0.percent      (records without an id by position)
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib

from ..case_library import PREPARED_NUMBERS
from ..errors import InputError, Problem
from ..loading import LoadedCase, case_from_dict

SWEEP_MARK = "sensitivity sweep value"
OVERRIDABLE = PREPARED_NUMBERS
"""Intervention fields a sweep may vary (``interventions.<id>.<field>``)."""


def _problem(where: str, path: str, expected: str) -> InputError:
    return InputError([Problem(where, path, path, expected)])


def _step(node, key: str, where: str, path: str):
    if isinstance(node, dict):
        if key in node:
            return node[key]
        if key.isdigit() and int(key) in node:
            return node[int(key)]
        if "by_year" in node:
            return _step(node["by_year"], key, where, path)
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item.get("id") == key:
                return item
        if key.isdigit() and int(key) < len(node):  # records without ids (targets) by position
            return node[int(key)]
    raise _problem(where, path, f"a path to a number of the case; '{key}' is not there")


def _number_node(data: dict, parts: list[str], where: str, path: str):
    """(parent, key) of the number a path ends at; the number is parent[key] or parent[key]['value']."""
    node, parent, last = data, None, None
    for key in parts:
        parent, last = node, key
        node = _step(node, key, where, path)
    if isinstance(parent, dict) and "by_year" in parent and last not in parent:
        parent, last = parent["by_year"], int(last)
    if isinstance(parent, dict) and last not in parent and last.isdigit() and int(last) in parent:
        last = int(last)
    if isinstance(parent, list):
        last = next((k for k, item in enumerate(parent) if item is node), last)
    return parent, last, node


def value_at(loaded: LoadedCase, path: str, where: str = "<sweep>") -> dict:
    """The quantity at ``path`` as {value, low, high} (low/high None when the data give no range)."""
    parts = path.split(".")
    if parts[0] == "interventions":
        if len(parts) != 3 or parts[1] not in loaded.library.interventions or parts[2] not in OVERRIDABLE:
            raise _problem(where, path, f"interventions.<id>.<field> with a library id and a field of {OVERRIDABLE}")
        override = loaded.case.overrides.interventions.get(parts[1])
        quantity = getattr(override, parts[2], None) if override else None
        scale = 1.0
        if quantity is None and parts[2] != "potential_units":
            quantity = getattr(loaded.library.interventions[parts[1]], parts[2])
            scale = _size_scale(loaded, parts[1], parts[2])
        if quantity is None:
            raise _problem(where, path, "a potential override in the case (potential_units) before sweeping it")
        return {
            k: None if v is None else v * scale
            for k, v in (("value", quantity.value), ("low", quantity.low), ("high", quantity.high))
        }
    data = loaded.case.model_dump()
    _, _, node = _number_node(data, parts, where, path)
    if isinstance(node, dict) and "value" in node:
        return {"value": node["value"], "low": node.get("low"), "high": node.get("high")}
    if isinstance(node, (int, float)):
        return {"value": float(node), "low": None, "high": None}
    raise _problem(where, path, "a path that ends at a number")


def _size_scale(loaded: LoadedCase, iid: str, field: str) -> float:
    """The factor by which prepare sizes the library's ``field`` of ``iid`` for the case (``capex_scales_with``):
    a sweep value is written as a case override, which prepare takes as given, so it is sized here."""
    from ..prepare import make_candidate

    scaling = loaded.library.interventions[iid].capex_scales_with
    scaled = field == "capex_usd_per_unit" or (field == "om_change_usd_per_unit_year" and scaling and scaling.scales_om)
    if scaling is None or not scaled:
        return 1.0
    scale = make_candidate(loaded, iid).capex_scale
    return scale if scale == scale else 1.0


def apply_settings(loaded: LoadedCase, settings: dict[str, float], where: str = "<sweep>") -> LoadedCase:
    """A copy of the case with every path of ``settings`` set to its value (validated like any case); its
    pipeline projects, if any, are kept as loaded."""
    data = loaded.case.model_dump(exclude_none=True)
    data = copy.deepcopy(data)
    data.pop("pipelines", None)
    for path, value in settings.items():
        parts = path.split(".")
        if parts[0] == "interventions":
            value_at(loaded, path, where)  # validates the path
            overrides = data.setdefault("overrides", {}).setdefault("interventions", {})
            overrides.setdefault(parts[1], {})[parts[2]] = {"value": float(value), "estimate": SWEEP_MARK}
            continue
        parent, key, node = _number_node(data, parts, where, path)
        if isinstance(node, dict) and "value" in node:
            node["value"] = float(value)
            node.pop("low", None)
            node.pop("high", None)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            parent[key] = type(node)(value) if isinstance(node, int) and float(value).is_integer() else float(value)
        else:
            raise _problem(where, path, "a path that ends at a number")
    changed = case_from_dict(data, loaded.library, name=f"{loaded.path} (sweep)")
    if loaded.projects is None:
        return changed
    case = changed.case.model_copy(update={"pipelines": loaded.case.pipelines})
    digest = hashlib.sha256((changed.digest + loaded.projects.digest).encode()).hexdigest()
    return dataclasses.replace(changed, case=case, projects=loaded.projects, digest=digest)
