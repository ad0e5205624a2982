"""The files the fuzzer mutates (shipped cases, shipped library, mini fixtures), a YAML reader and writer of
its own, and a walk of the input schema that tells what a value at a data path is meant to be.

The reader is independent of ``optimizer.yaml_io`` on purpose: it only has to reproduce the values of the
shipped files (plain YAML, with ``1e6`` read as a float), so that re-dumped files mean what the originals
mean. Raw YAML tokens (``yes``, ``02024``, ``1:30``) are written with :class:`Raw` placeholders.
"""

from __future__ import annotations

import copy
import functools
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CASES_DIR = REPO / "cases"
LIBRARY_DIR = REPO / "intervention_library"
FIXTURES = REPO / "tests" / "fixtures"
MINI_CASE = FIXTURES / "mini_case.yaml"
MINI_LIBRARY = FIXTURES / "mini_library"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader reading ``1e6`` as a float (the shipped files use that spelling)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # a SafeLoader


class Raw:
    """A YAML token written verbatim in place of a value or a mapping key."""

    def __init__(self, text: str, label: str | None = None):
        self.text = text
        self.label = label or (text if len(text) <= 40 else text[:37] + "...")

    def __repr__(self) -> str:
        return f"Raw({self.label!r})"


def dump_yaml(data: Any) -> str:
    """YAML text of ``data`` with every :class:`Raw` (value or key) written verbatim."""
    raws: list[str] = []

    def swap(node: Any) -> Any:
        if isinstance(node, Raw):
            raws.append(node.text)
            return f"__nrraw{len(raws) - 1}__"
        if isinstance(node, dict):
            return {swap(k): swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(swap(data), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100_000)
    for k in range(len(raws) - 1, -1, -1):  # highest first: __nrraw1__ is a prefix of __nrraw10__
        text = text.replace(f"__nrraw{k}__", raws[k])
    return text


# --------------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Source:
    """One file that can be mutated: its role, where it lives in a workspace, its text and data."""

    role: str  # "case", "family", "vocabulary" or "gwp"
    label: str  # e.g. "cases/georgia.yaml", "intervention_library/waste.yaml"
    text: str

    @functools.cached_property
    def data(self) -> Any:
        return load_yaml(self.text)

    def fresh(self) -> Any:
        return copy.deepcopy(self.data)


def _role(path: Path) -> str:
    if path.name == "vocabulary.yaml":
        return "vocabulary"
    if path.name == "gwp.yaml":
        return "gwp"
    return "family"


@functools.cache
def shipped_cases() -> tuple[Source, ...]:
    return tuple(
        Source("case", f"cases/{p.name}", p.read_text(encoding="utf-8"))
        for p in sorted(CASES_DIR.glob("*.yaml"))
        if p.name != "manifest.yaml"
    )


@functools.cache
def library_files(root: Path) -> tuple[Source, ...]:
    rel = root.relative_to(REPO)
    return tuple(
        Source(_role(p), f"{rel}/{p.name}", p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.yaml"))
    )


@functools.cache
def mini_case() -> Source:
    return Source("case", "tests/fixtures/mini_case.yaml", MINI_CASE.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------- schema walk

GENERIC_KEYS = frozenset({"value", "low", "high", "by_year", "source", "estimate"})
"""Keys shared by every quantity or series: a message names the field that holds them instead."""


def _root_model(role: str):
    from optimizer.schema import Case, FamilyFile, Vocabulary
    from optimizer.schema.library import GwpFile

    return {"case": Case, "family": FamilyFile, "vocabulary": Vocabulary, "gwp": GwpFile}[role]


def _is_model(tp: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _strip(tp: Any) -> tuple[Any, bool]:
    """Remove Annotated and Optional wrappers; also say whether None was allowed."""
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, __import__("types").UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) < len(typing.get_args(tp)):
                optional = True
            if len(args) == 1:
                tp = args[0]
                continue
        return tp, optional


@dataclass
class Slot:
    """What the schema expects at a data path."""

    kind: str  # bool int float str literal model list dict union unknown
    type: Any
    optional: bool  # None is an accepted value
    required: bool  # the last key is a required field of its model
    field: str | None  # the model field the last key belongs to (None for list items and free-dict keys)
    semantic: str | None  # nearest model field along the path that is not a generic quantity key
    literal: tuple = ()
    parent_model: Any = None  # model owning the last key, when the last key is a model field
    in_free_dict: bool = False  # the last key is a key of a dict-typed field (drivers, by_year, ...)


def _kind(tp: Any) -> tuple[str, tuple]:
    if tp is bool:
        return "bool", ()
    if tp is int:
        return "int", ()
    if tp is float:
        return "float", ()
    if tp is str:
        return "str", ()
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return "literal", typing.get_args(tp)
    if _is_model(tp):
        return "model", ()
    if origin is list:
        return "list", ()
    if origin is dict:
        return "dict", ()
    if origin in (typing.Union, __import__("types").UnionType):
        return "union", ()
    return "unknown", ()


def _pick_union_member(tp: Any, node: Any) -> Any:
    members = [_strip(a)[0] for a in typing.get_args(tp)]
    if isinstance(node, dict):
        for m in members:
            if (
                _is_model(m)
                and "type" in m.model_fields
                and node.get("type") in typing.get_args(m.model_fields["type"].annotation)
            ):
                return m
    return tp


def slot_at(role: str, data: Any, path: tuple) -> Slot:
    """Walk the schema of a file of ``role`` along ``path`` (keys and list indexes) through ``data``."""
    tp: Any = _root_model(role)
    optional = required = False
    field = semantic = parent = None
    in_free = False
    node = data
    for seg in path:
        tp, _ = _strip(tp)
        if typing.get_origin(tp) in (typing.Union, __import__("types").UnionType):
            tp = _pick_union_member(tp, node)
        kind, _ = _kind(tp)
        in_free = False
        if kind == "model" and isinstance(seg, str) and seg in tp.model_fields:
            info = tp.model_fields[seg]
            parent, field, required = tp, seg, info.is_required()
            if seg not in GENERIC_KEYS:
                semantic = seg
            tp = info.annotation
        elif kind == "dict":
            _, val_t = typing.get_args(tp)
            parent, field, required, in_free = None, None, False, True
            tp = val_t
        elif kind == "list":
            parent, field, required = None, None, False
            tp = typing.get_args(tp)[0]
        else:
            tp, parent, field, required = Any, None, None, False
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            node = None
    tp, optional = _strip(tp)
    if typing.get_origin(tp) in (typing.Union, __import__("types").UnionType):
        tp = _pick_union_member(tp, node)
    kind, literal = _kind(tp)
    return Slot(kind, tp, optional, required, field, semantic, literal, parent, in_free)


def walk(data: Any, path: tuple = ()):
    """Every (path, value) pair below ``data``, containers included, depth first."""
    yield path, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from walk(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk(v, path + (i,))


def get(data: Any, path: tuple) -> Any:
    for seg in path:
        data = data[seg]
    return data


def put(data: Any, path: tuple, value: Any) -> None:
    get(data, path[:-1])[path[-1]] = value


def rename_key(mapping: dict, old: Any, new: Any) -> None:
    """Replace a key in place, keeping the order of the mapping."""
    items = list(mapping.items())
    mapping.clear()
    for k, v in items:
        mapping[new if k == old else k] = v


def render_path(path: tuple) -> str:
    out = ""
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out


YEAR_FIELDS = frozenset(
    {
        "base_year",
        "horizon_end_year",
        "first_year",
        "last_year",
        "first_start_year",
        "last_start_year",
        "year",
        "reference_year",
        "net_zero_year",
    }
)
YEAR_KEYED_DICTS = frozenset({"by_year", "max_complexity_by_year"})


def year_slots(data: Any) -> list[tuple[tuple, str]]:
    """Paths of year values (``("value", path)``) and of year keys (``("key", path to the key)``)."""
    found = []
    for path, value in walk(data):
        if path and isinstance(path[-1], str) and path[-1] in YEAR_FIELDS and type(value) is int:
            found.append((path, "value"))
        if path and path[-1] in YEAR_KEYED_DICTS and isinstance(value, dict):
            found += [(path + (k,), "key") for k in value if type(k) is int]
    return found
