"""Write a case as YAML a person reads: keys in the order of the bundled cases, numbers without noise
(``700000``, not ``700000.0``), years and short lists inline, long notes as folded blocks."""

from __future__ import annotations

from typing import Any

import yaml

CASE_ORDER = (
    "schema_version",
    "name",
    "description",
    "library",
    "pipelines",
    "country",
    "baseline_reference",
    "base_year",
    "gwp_set",
    "decision_window",
    "horizon_end_year",
    "discount_rate",
    "drivers",
    "sources",
    "facility_stock",
    "phases",
    "maturity",
    "budget",
    "payback",
    "resources",
    "target_rules",
    "variants",
    "default_variant",
    "objective",
    "solver",
    "groups",
    "interventions",
    "overrides",
)
"""Top-level keys in the order of the bundled cases."""
FIRST_KEYS = ("type", "id", "family")
"""Keys written first in any mapping (a target's type, a record's id, a case intervention's family)."""
LAST_KEYS = ("grade", "source", "estimate")
"""Keys written last in a mapping without a ``type``: a number's provenance follows its value and range."""
FLOW_KEYS = (
    "by_year",
    "scope_shares",
    "max_complexity_by_year",
    "exclude",
    "eligible_families",
    "pipelines",
    "prerequisites",
)
"""Mappings and lists written on one line, as the bundled cases write them."""
WIDTH = 100
"""Line width of folded text."""
FOLD_FROM = 80
"""Text longer than this (or with line breaks) is written as a folded block."""


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list written on one line."""


class _Folded(str):
    """Text written as a folded block (``>-``)."""


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, as the bundled cases do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    if value.is_integer() and abs(value) < 1e15:
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


def _folded(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=">")


_Dumper.add_representer(float, _float)
_Dumper.add_representer(_Folded, _folded)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _ordered(node: Any, key: str = "") -> Any:
    """The case with keys in order and the styles marked."""
    if isinstance(node, dict):
        keys = list(node)
        first = [k for k in FIRST_KEYS if k in node]
        provenance = "type" not in node  # an effect's 'source' is the emission source it acts on
        last = [k for k in LAST_KEYS if k in node and provenance]
        middle = [k for k in keys if k not in first and k not in last]
        out = {k: _ordered(node[k], str(k)) for k in [*first, *middle, *last]}
        return _Flow(out) if key in FLOW_KEYS else out
    if isinstance(node, list):
        items = [_ordered(v, key) for v in node]
        return _FlowList(items) if key in FLOW_KEYS else items
    if isinstance(node, str) and (len(node) > FOLD_FROM or "\n" in node) and node == node.strip():
        return _Folded(node)
    return node


def case_yaml(data: dict[str, Any]) -> str:
    """The case ``data`` (as ``Case.model_dump`` gives it) as YAML text."""
    top = {k: data[k] for k in CASE_ORDER if k in data}
    top.update({k: v for k, v in data.items() if k not in top})
    ordered = {k: _ordered(v, k) for k, v in top.items()}
    return yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH, indent=2)
