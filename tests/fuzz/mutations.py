"""Mutations of the shipped cases, the shipped library and the mini fixtures.

Every mutation is a function ``(rng, scene) -> Example`` drawing only from ``rng`` (a ``random.Random``;
hypothesis passes its own), so the same code serves the hypothesis tests and the long seeded run. An
:class:`Example` holds the files of a workspace, the paths to validate and the expectation:

- ``invalid``: ``noregret validate`` must exit 2 and name the file and the field's key;
- ``valid``: it must exit 0;
- ``either``: exit 0 or 2, but clean (no traceback, no hang).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from . import corpus
from .corpus import Raw, Source, dump_yaml, get, put, render_path, slot_at, walk

INVALID, VALID, EITHER = "invalid", "valid", "either"


@dataclass
class Example:
    mutation: str  # mutation class
    detail: str  # what exactly was done (sub-kind)
    file: str  # label of the mutated file (e.g. cases/georgia.yaml)
    where: str  # data path (or place) of the mutation
    files: dict[str, bytes]  # workspace: relative path -> content
    argv: list[str]  # workspace paths given to ``noregret validate``
    expect: str
    name_file: str | None = None  # base name every invalid-input message must name
    key: str | None = None  # field key the message must name (as a path component)
    symlinks: dict[str, str] = field(default_factory=dict)  # relative path -> link target
    dirs: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        return (
            f"{self.mutation}/{self.detail}: {self.file}: {self.where} "
            f"(expect {self.expect}; validate {' '.join(self.argv)})"
        )


# ------------------------------------------------------------------------------------------- scenes


@dataclass(frozen=True)
class Scene:
    """A workspace around one file to mutate."""

    source: Source  # the file to mutate
    rel: str  # its path in the workspace
    files: dict  # the whole workspace (unmutated)
    argv: tuple  # what to validate
    case_rel: str

    def with_bytes(self, content: bytes) -> dict[str, bytes]:
        files = dict(self.files)
        files[self.rel] = content
        return files

    def with_text(self, text: str) -> dict[str, bytes]:
        return self.with_bytes(text.encode("utf-8"))

    @property
    def base(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


def _enc(files: dict[str, str]) -> dict[str, bytes]:
    return {k: v.encode("utf-8") for k, v in files.items()}


def choose_scene(rng, prefer: str | None = None) -> Scene:
    """A shipped case (default library), the mini case, a shipped library file (under a shipped case whose
    ``library:`` points at the copy) or a mini library file. ``prefer``: "case" or "library"."""
    kind = prefer or rng.choices(["case", "library"], weights=[65, 35])[0]
    mini = rng.random() < 0.15
    if mini:
        case = corpus.mini_case()
        lib = corpus.library_files(corpus.MINI_LIBRARY)
        case_rel = "mini_case.yaml"
        files = {case_rel: case.text, **{f"mini_library/{s.label.rsplit('/', 1)[-1]}": s.text for s in lib}}
        lib_rel = "mini_library"
    else:
        case = rng.choice(corpus.shipped_cases())
        case_rel = case.label.rsplit("/", 1)[-1]
        if kind == "case":
            return Scene(case, case_rel, _enc({case_rel: case.text}), (case_rel,), case_rel)
        lib = corpus.library_files(corpus.LIBRARY_DIR)
        files = {
            case_rel: case.text.rstrip("\n") + "\nlibrary: lib\n",
            **{f"lib/{s.label.rsplit('/', 1)[-1]}": s.text for s in lib},
        }
        lib_rel = "lib"
    if kind == "case":
        return Scene(case, case_rel, _enc(files), (case_rel,), case_rel)
    src = rng.choice(lib)
    rel = f"{lib_rel}/{src.label.rsplit('/', 1)[-1]}"
    argv = (lib_rel,) if rng.random() < 0.3 else (case_rel,)
    return Scene(src, rel, _enc(files), argv, case_rel)


def _example(
    scene: Scene, mutation: str, detail: str, where: str, text: str | bytes, expect: str, key: str | None, **kw
) -> Example:
    files = scene.with_bytes(text) if isinstance(text, bytes) else scene.with_text(text)
    return Example(
        mutation,
        detail,
        scene.source.label,
        where,
        files,
        list(scene.argv),
        expect,
        name_file=scene.base,
        key=key,
        **kw,
    )


# ---------------------------------------------------------------------------------- expectations

RANGES: dict[str, tuple[float, float, bool]] = {
    # field: (low, high, low end open); an independent statement of what each bounded field may hold
    "discount_rate": (0.0, 1.0, False),
    "max_share_per_year": (0.0, 1.0, True),
    "fraction": (0.0, 1.0, True),
    "mip_rel_gap": (0.0, 1.0, False),
    "max_combined_share": (0.0, 1.0, True),
    "scope_shares": (0.0, 1.0, False),
    "co_benefit_score": (0.0, 3.0, False),
    "resilience_score": (0.0, 3.0, False),
    "lifetime_years": (1.0, 100.0, False),
    "lead_time_years": (0.0, 10.0, False),
    "percent": (-100.0, 100.0, False),
    "achieved_by_base_year_percent": (-100.0, 100.0, False),
    "change_share_of_unit_activity": (-10.0, 10.0, False),
    "annual_change": (-1.0, 1.0, True),  # growth rates are bounded at +-100 %/yr
}
WHOLE = frozenset({"lifetime_years", "lead_time_years"})
INT_RANGES = {"max_complexity_by_year": (0, 3), "complexity": (1, 3), "scope": (1, 3), "schema_version": (1, 1)}
NON_NEGATIVE = frozenset(
    {
        "emissions_tco2e",
        "activity",
        "price_usd_per_unit",
        "capex_usd_per_unit",
        "fixed_cost_usd",
        "units_per_basis",
        "population",
        "total_tco2e",
        "facility_stock",
        "budget_usd",
        "envelope_usd_by_year",
        "total_usd_by_year",
        "limit_by_year",
        "cap_tco2e_by_year",
        "index_by_year",
        "gwp100_ar5",
        "gwp100_ar6",
        "kg_per_activity_unit",
        "time_limit_seconds",
        "screen_max_years",
        "portfolio_max_years",
        "resource_use_per_unit",
        "resource_use_per_start",
        "cap_tco2e",
        "reference_emissions_tco2e",
        "national_reference_emissions_tco2e",
        "national_base_year_emissions_tco2e",
        "shortfall_penalty_usd_per_tco2e",
        "abatement",
        "npv",
        "co_benefit",
        "resilience",
        "potential_units",
    }
)
YEARS = (1900, 2200)  # plausible calendar years; anything outside is a mistake
SEED_RANGE = (0, 2**31 - 1)  # HiGHS random_seed


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


def number_expectation(semantic: str | None, leaf: Any, v: float, parent: Any) -> str:
    """Expectation for a legal-typed finite number ``v`` written at quantity/number key ``leaf``."""
    if isinstance(v, int) and abs(v) > 1.7e308:
        return INVALID
    if not math.isfinite(v):
        return INVALID
    rng = RANGES.get(semantic or "")
    if rng:
        lo, hi, lo_open = rng
        if v < lo or (lo_open and v == lo) or v > hi:
            return INVALID
    elif semantic in NON_NEGATIVE and v < 0:
        return INVALID
    if semantic in WHOLE and float(v) != int(v):
        return INVALID
    if isinstance(parent, dict) and leaf in ("value", "low", "high"):
        value = parent.get("value")
        if _is_number(value) and ((leaf == "low" and v > value) or (leaf == "high" and v < value)):
            return INVALID
        if leaf == "value":
            low, high = parent.get("low"), parent.get("high")
            if (_is_number(low) and v < low) or (_is_number(high) and v > high):
                return INVALID
    return EITHER


def is_year_slot(path: tuple) -> bool:
    """The value at ``path`` is a year (the keys of by-year mappings are years; their values are not)."""
    return bool(path) and path[-1] in corpus.YEAR_FIELDS


def value_expectation(role: str, data: Any, path: tuple, orig: Any, new: Any) -> str:
    """Expectation for writing ``new`` (a Python value, or :class:`Raw`) in place of ``orig`` at ``path``."""
    slot = slot_at(role, data, path)
    parent = get(data, path[:-1]) if path else None
    if type(new) is type(orig) and new == orig:
        return VALID
    if new is None:
        return EITHER if slot.optional else INVALID
    k = slot.kind
    if k == "float":
        if _is_number(new):
            return number_expectation(slot.semantic, path[-1], new, parent)
        return INVALID
    if k == "int":
        if type(new) is not int:
            return INVALID
        if is_year_slot(path):
            return EITHER if YEARS[0] <= new <= YEARS[1] else INVALID
        if slot.field == "random_seed":
            return EITHER if SEED_RANGE[0] <= new <= SEED_RANGE[1] else INVALID
        bounds = INT_RANGES.get(slot.semantic or slot.field or "")
        if bounds is not None:
            return EITHER if bounds[0] <= new <= bounds[1] else INVALID
        return EITHER
    if k == "bool":
        return EITHER if type(new) is bool else INVALID
    if k == "str":
        return EITHER if type(new) is str else INVALID
    if k == "literal":
        return EITHER if any(type(new) is type(a) and new == a for a in slot.literal) else INVALID
    if k in ("model", "dict"):
        return EITHER if isinstance(new, dict) else INVALID
    if k == "list":
        return EITHER if isinstance(new, list) else INVALID
    return EITHER


def message_key(role: str, data: Any, path: tuple) -> str | None:
    """The key a message about ``path`` must name: the nearest model field that is not a generic
    quantity key (``value``, ``low``, ``by_year``...)."""
    slot = slot_at(role, data, path)
    if slot.semantic:
        return slot.semantic
    strs = [s for s in path if isinstance(s, str)]
    return strs[-1] if strs else None


# ------------------------------------------------------------------------------------ mutations

HOSTILE: list[tuple[str, Callable[[Any], Any]]] = [
    ("string", lambda o: "abc"),
    ("numeric_string", lambda o: "5.5"),
    ("percent_string", lambda o: "5%"),
    ("thousands_string", lambda o: "1,000"),
    ("empty_string", lambda o: ""),
    ("list", lambda o: [1, 2]),
    ("dict", lambda o: {"a": 1}),
    ("true", lambda o: True),
    ("false", lambda o: False),
    ("one", lambda o: 1),
    ("zero", lambda o: 0),
    ("null", lambda o: None),
    ("nan", lambda o: Raw(".nan")),
    ("inf", lambda o: Raw(".inf")),
    ("-inf", lambda o: Raw("-.inf")),
    ("1e308", lambda o: 1e308),
    ("1e30", lambda o: 1e30),
    ("-1e30", lambda o: -1e30),
    ("negative", lambda o: -abs(o) if _is_number(o) and o else -1.0),
    ("huge_int", lambda o: 10**30),
    ("huge_int_400_digits", lambda o: 10**400),
    ("fractional", lambda o: 2.5),
]
_RAW_VALUES = {".nan": math.nan, ".inf": math.inf, "-.inf": -math.inf}


def _scalar_paths(data: Any, with_containers: bool = False) -> list[tuple]:
    return [p for p, v in walk(data) if p and (with_containers or not isinstance(v, (dict, list)))]


def scalar_hostile(rng, scene: Scene) -> Example:
    """A value replaced from a hostile pool (wrong type, non-finite, absurd magnitude, negative, huge int)."""
    src = scene.source
    data = src.fresh()
    path = rng.choice(_scalar_paths(data, with_containers=rng.random() < 0.15))
    orig = get(data, path)
    label, make = rng.choice(HOSTILE)
    new = make(orig)
    effective = _RAW_VALUES.get(new.text, new) if isinstance(new, Raw) else new
    expect = value_expectation(src.role, data, path, orig, effective)
    key = message_key(src.role, data, path)
    put(data, path, new)
    return _example(
        scene,
        "scalar_hostile",
        label,
        render_path(path) + f" = {new!r} (was {_short(orig)})",
        dump_yaml(data),
        expect,
        key,
    )


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) < 40 else text[:37] + "..."


def legal_number(rng, scene: Scene) -> Example:
    """A number replaced by another legal-looking number (scaled, shifted, zero, rounded)."""
    src = scene.source
    data = src.fresh()
    paths = [p for p, v in walk(data) if p and type(v) is float]
    if not paths:
        return scalar_hostile(rng, scene)
    path = rng.choice(paths)
    orig = get(data, path)
    how = rng.choice(["scale", "shift", "zero", "round", "neg_small"])
    new = {
        "scale": orig * rng.uniform(0.0, 3.0),
        "shift": orig + rng.uniform(-1.0, 1.0),
        "zero": 0.0,
        "round": float(round(orig)),
        "neg_small": -rng.uniform(0.0, 0.01),
    }[how]
    put(data, path, new)
    return _example(
        scene,
        "legal_number",
        how,
        f"{render_path(path)} = {new!r} (was {orig!r})",
        dump_yaml(data),
        EITHER,
        message_key(src.role, data, path),
    )


def growth_percent(rng, scene: Scene) -> Example:
    """A growth rate written as a percentage: ``annual_change`` value (and range) x 100."""
    src = scene.source
    data = src.fresh()
    paths = [p for p, v in walk(data) if p and p[-1] == "annual_change" and isinstance(v, dict)]
    if not paths:
        return scalar_hostile(rng, scene)
    path = rng.choice(paths)
    q = get(data, path)
    scaled = {}
    for k in ("value", "low", "high"):
        if _is_number(q.get(k)):
            q[k] = scaled[k] = q[k] * 100
    bad = any(v > 1 or v <= -1 for v in scaled.values())
    return _example(
        scene,
        "growth_percent",
        "x100",
        f"{render_path(path)} = {scaled}",
        dump_yaml(data),
        INVALID if bad else EITHER,
        "annual_change",
    )


def _pick_year(rng, data) -> tuple[tuple, str] | None:
    slots = corpus.year_slots(data)
    return rng.choice(slots) if slots else None


def _set_year(data: Any, slot: tuple, new: Any) -> None:
    path, kind = slot
    if kind == "value":
        put(data, path, new)
    else:
        corpus.rename_key(get(data, path[:-1]), path[-1], new)


ABSURD_YEARS = [-2024, 100000000, 1e9, 0, 10**20, 2024.5, 99999]


def year_absurd(rng, scene: Scene) -> Example:
    """A year (base year, horizon, window, phase, target, reference year, by_year key) set to an absurd value."""
    src = scene.source
    data = src.fresh()
    slot = _pick_year(rng, data)
    if slot is None:
        return scalar_hostile(rng, scene)
    new = rng.choice(ABSURD_YEARS)
    if slot[1] == "key" and new in get(data, slot[0][:-1]):
        new = -2024
    key = message_key(src.role, data, slot[0])
    _set_year(data, slot, new)
    return _example(scene, "year_absurd", slot[1], f"{render_path(slot[0])} -> {new!r}", dump_yaml(data), INVALID, key)


def year_leading_zero(rng, scene: Scene) -> Example:
    """A year written with a leading zero (``base_year: 02024``): a decimal year in YAML 1.2."""
    src = scene.source
    data = src.fresh()
    slot = _pick_year(rng, data)
    if slot is None:
        return scalar_hostile(rng, scene)
    path, kind = slot
    year = path[-1] if kind == "key" else get(data, path)
    _set_year(data, slot, Raw(f"0{year}"))
    return _example(
        scene,
        "year_leading_zero",
        kind,
        f"{render_path(path)} written 0{year}",
        dump_yaml(data),
        VALID,
        message_key(src.role, data, path),
    )


YAML11_BOOLS = ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"]
FREE_TEXT = frozenset({"name", "description", "estimate", "source", "method", "unit", "kpis"})


def _free_text(slot, path: tuple) -> bool:
    """Prose fields (names, descriptions, citations), not identifiers such as an effect's ``source``."""
    from optimizer.schema.base import Provenance

    if path[-2:-1] == ("kpis",):
        return True
    if path[-1] in ("source", "estimate"):
        return slot.parent_model is not None and issubclass(slot.parent_model, Provenance)
    return path[-1] in FREE_TEXT


def yaml11_scalar(rng, scene: Scene) -> Example:
    """YAML 1.1 spellings read under YAML 1.2 core rules: ``yes``/``no``/``on``/``off`` are strings, not
    booleans; ``1:30`` and ``1_000`` are strings, not numbers; ``true`` is no complexity level."""
    src = scene.source
    data = src.fresh()
    options = []
    for path, value in walk(data):
        if not path or isinstance(value, (dict, list)):
            continue
        slot = slot_at(src.role, data, path)
        if slot.kind == "bool":
            options.append(("bool_word", path))
        elif slot.kind == "float":
            options += [("sexagesimal", path), ("underscore_number", path)]
        elif slot.kind == "literal" and any(type(a) is int for a in slot.literal):
            options.append(("bool_as_int", path))
        elif slot.kind == "str" and _free_text(slot, path):
            options.append(("bool_word_as_text", path))
        elif slot.kind == "int" and is_year_slot(path):
            options.append(("sexagesimal_year", path))
    # bool fields the library leaves at their default can be written too
    if src.role == "family":
        for k, item in enumerate(data.get("interventions") or []):
            for flag in ("integer_units", "all_or_nothing"):
                if flag not in item:
                    options.append(("bool_word", ("interventions", k, flag)))
    if not options:
        return scalar_hostile(rng, scene)
    kind = rng.choice(sorted({o[0] for o in options}))
    path = rng.choice([p for o, p in options if o == kind])
    key = message_key(src.role, data, path)
    if kind in ("bool_word", "bool_word_as_text"):
        new = Raw(rng.choice(YAML11_BOOLS))
    elif kind == "sexagesimal":
        new = Raw(rng.choice(["1:30", "20:24", "1:05:00"]))
    elif kind == "sexagesimal_year":
        new = Raw("20:24")
    elif kind == "underscore_number":
        new = Raw(rng.choice(["1_000", "0.0_5", "1_0"]))
    else:
        new = Raw(rng.choice(["true", "false"]))
    expect = VALID if kind == "bool_word_as_text" else INVALID
    parent = get(data, path[:-1])
    parent[path[-1]] = new
    return _example(scene, "yaml11_scalar", kind, f"{render_path(path)}: {new.text}", dump_yaml(data), expect, key)


def duplicate_id(rng, scene: Scene) -> Example:
    """An item of a list whose items carry ids repeated (ids are unique in every list)."""
    src = scene.source
    data = src.fresh()
    lists = [
        p
        for p, v in walk(data)
        if p and isinstance(v, list) and v and all(isinstance(x, dict) and "id" in x for x in v)
    ]
    if not lists:
        return unknown_key(rng, scene)
    path = rng.choice(lists)
    items = get(data, path)
    k = rng.randrange(len(items))
    twin = corpus.copy.deepcopy(items[k])
    if rng.random() < 0.5 and len(twin) > 2:  # a different item under the same id
        other = items[(k + 1) % len(items)]
        if other is not items[k]:
            twin = {**corpus.copy.deepcopy(other), "id": items[k]["id"]}
    items.insert(rng.randrange(len(items) + 1), twin)
    key = [s for s in path if isinstance(s, str)][-1]
    return _example(
        scene, "duplicate_id", key, f"{render_path(path)}: id {twin['id']!r} twice", dump_yaml(data), INVALID, key
    )


def _typo(rng, key: str) -> str:
    how = rng.choice(["swap", "drop", "double", "dash", "plural", "case"])
    if how == "swap" and len(key) > 2:
        i = rng.randrange(len(key) - 1)
        return key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    if how == "drop" and len(key) > 2:
        i = rng.randrange(len(key))
        return key[:i] + key[i + 1 :]
    if how == "dash" and "_" in key:
        return key.replace("_", "-", 1)
    if how == "case":
        return key[:1].upper() + key[1:]
    if how == "plural":
        return key + "s"
    i = rng.randrange(len(key))
    return key[:i] + key[i] + key[i:]


def unknown_key(rng, scene: Scene) -> Example:
    """A typo of a known key: renamed (the known key is then missing) or inserted beside it."""
    src = scene.source
    data = src.fresh()
    maps = [p for p, v in walk(data) if isinstance(v, dict) and v and slot_at(src.role, data, p).kind == "model"]
    path = rng.choice(maps)
    mapping = get(data, path)
    model = slot_at(src.role, data, path).type
    known = set(model.model_fields)
    key = rng.choice([k for k in mapping if isinstance(k, str)])
    for _ in range(20):
        typo = _typo(rng, key)
        if typo not in known and typo not in mapping and typo != key:
            break
    else:
        typo = key + "_x"
    how = rng.choice(["rename", "insert"])
    if how == "rename":
        corpus.rename_key(mapping, key, typo)
    else:
        mapping[typo] = corpus.copy.deepcopy(mapping[key])
    return _example(
        scene, "unknown_key", how, f"{render_path(path + (typo,))} (typo of {key!r})", dump_yaml(data), INVALID, typo
    )


def delete_key(rng, scene: Scene) -> Example:
    """A key (or a list item) deleted: invalid when the schema requires the key, otherwise either."""
    src = scene.source
    data = src.fresh()
    path = rng.choice([p for p, _ in walk(data) if p])
    slot = slot_at(src.role, data, path)
    parent = get(data, path[:-1])
    del parent[path[-1]]
    required = slot.required and slot.parent_model is not None
    return _example(
        scene,
        "delete_key",
        "required" if required else "optional",
        render_path(path),
        dump_yaml(data),
        INVALID if required else EITHER,
        path[-1] if required else None,
    )


# ---------------------------------------------------------------------------------- raw text


def _bomb(levels: int = 9, width: int = 9) -> str:
    parts = ["&l0 [" + ", ".join(["lol"] * width) + "]"]
    for k in range(1, levels):
        parts.append(f"&l{k} [" + ", ".join([f"*l{k - 1}"] * width) + "]")
    return "[" + ", ".join(parts) + "]"


def _nest(depth: int) -> str:
    return "{a: " * depth + "1" + "}" * depth


def _text_leaf(rng, src: Source, data: Any) -> tuple | None:
    paths = [
        p
        for p, v in walk(data)
        if p
        and isinstance(v, str)
        and isinstance(p[-1], str)
        and p[-1] in ("name", "description", "method", "estimate", "source", "unit")
        and slot_at(src.role, data, p).kind == "str"
    ]
    return rng.choice(paths) if paths else None


def raw_text(rng, scene: Scene) -> Example:
    """Attacks on the YAML text: complex keys, deep nesting, alias bombs, huge strings, truncation,
    non-UTF-8 bytes, tabs and broken indentation, foreign tags, empty and multi-document files."""
    src = scene.source
    kind = rng.choice(
        [
            "complex_key",
            "deep_nesting",
            "alias_bomb",
            "huge_string",
            "truncate",
            "non_utf8",
            "tab_indent",
            "python_tag",
            "empty",
            "multi_document",
            "nul_byte",
            "bom",
        ]
    )
    text = src.text
    if kind in ("deep_nesting", "alias_bomb", "huge_string"):
        data = src.fresh()
        path = _text_leaf(rng, src, data)
        if path is None:
            kind = "complex_key"
        else:
            if kind == "deep_nesting":
                depth = rng.choice([500, 1000, rng.randint(100, 2000)])
                put(data, path, Raw(_nest(depth), f"<mapping nested {depth} deep>"))
                expect = INVALID
            elif kind == "alias_bomb":
                put(data, path, Raw(_bomb(), "<9 levels of 9 aliases>"))
                expect = INVALID
            else:
                put(data, path, Raw('"' + "x" * 10_000_000 + '"', "<10 MB string>"))
                expect = EITHER
            # a parser refusal (line and column) is as good as a schema refusal: only the file must be named
            return _example(scene, "raw_text", kind, render_path(path), dump_yaml(data), expect, None)
    raw = text.encode("utf-8")
    if kind == "complex_key":
        out = text.rstrip("\n") + "\n? [a, b]\n: 1\n"
        return _example(scene, "raw_text", kind, "top level", out, INVALID, None)
    if kind == "truncate":
        cut = rng.randrange(len(raw))
        return _example(scene, "raw_text", kind, f"byte {cut} of {len(raw)}", raw[:cut], EITHER, None)
    if kind == "non_utf8":
        at = rng.randrange(len(raw) + 1)
        junk = bytes(rng.choice([0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xF5]) for _ in range(rng.randint(1, 4)))
        return _example(scene, "raw_text", kind, f"byte {at}: {junk!r}", raw[:at] + junk + raw[at:], INVALID, None)
    if kind == "nul_byte":
        at = rng.randrange(len(raw) + 1)
        return _example(scene, "raw_text", kind, f"byte {at}", raw[:at] + b"\x00" + raw[at:], EITHER, None)
    if kind == "tab_indent":
        lines = text.split("\n")
        indented = [i for i, ln in enumerate(lines) if ln.startswith("  ") and ln.strip()]
        i = rng.choice(indented)
        how = rng.choice(["tab", "shift"])
        lines[i] = "\t" + lines[i].lstrip(" ") if how == "tab" else " " + lines[i]
        return _example(scene, "raw_text", f"{kind}_{how}", f"line {i + 1}", "\n".join(lines), EITHER, None)
    if kind == "python_tag":
        out = text.rstrip("\n") + "\nexploit: !!python/object/apply:os.system ['true']\n"
        return _example(scene, "raw_text", kind, "top level", out, INVALID, None)
    if kind == "empty":
        return _example(
            scene, "raw_text", kind, "whole file", rng.choice(["", "\n", "# nothing\n", "---\n"]), INVALID, None
        )
    if kind == "multi_document":
        return _example(scene, "raw_text", kind, "end", text.rstrip("\n") + "\n---\nname: second\n", INVALID, None)
    # bom: a UTF-8 byte-order mark before the text
    return _example(scene, "raw_text", kind, "start", b"\xef\xbb\xbf" + raw, EITHER, None)


# ---------------------------------------------------------------------------------- file system


def filesystem(rng, scene: Scene) -> Example:
    """The case or a library file missing, a directory, a symlink loop, unreadable; a bad library path."""
    lib_scene = scene.rel != scene.case_rel
    kinds = [
        "case_missing",
        "case_is_directory",
        "case_symlink_loop",
        "case_unreadable",
        "case_dangling_symlink",
        "library_key_missing_dir",
        "library_key_is_file",
    ]
    if lib_scene:
        kinds += [
            "libfile_symlink_loop",
            "libfile_unreadable",
            "libfile_is_directory",
            "libfile_dangling_symlink",
            "vocabulary_missing",
            "library_empty",
        ]
    kind = rng.choice(kinds)
    files = dict(scene.files)
    case = scene.case_rel
    base = Example("filesystem", kind, scene.source.label, "", files, [case], INVALID, name_file=case)
    if kind == "case_missing":
        return replace(
            base, where="validate a file that is not there", argv=["not_there.yaml"], name_file="not_there.yaml"
        )
    if kind == "case_is_directory":
        files.pop(case)
        return replace(base, where="the case path is an empty directory", files=files, dirs=[case])
    if kind == "case_symlink_loop":
        files.pop(case)
        return replace(
            base, where="the case is a symlink loop", files=files, symlinks={case: "loop_b.yaml", "loop_b.yaml": case}
        )
    if kind == "case_dangling_symlink":
        files.pop(case)
        return replace(base, where="the case is a dangling symlink", files=files, symlinks={case: "gone.yaml"})
    if kind == "case_unreadable":
        return replace(base, where="the case cannot be read (permission)", unreadable=[case])
    if kind in ("library_key_missing_dir", "library_key_is_file"):
        src = corpus.load_yaml(files[case].decode("utf-8"))
        src["library"] = "no_such_library" if kind == "library_key_missing_dir" else case
        files[case] = dump_yaml(src).encode("utf-8")
        return replace(base, where=f"library: {src['library']}", files=files, key="library")
    lib_rel = scene.rel.rsplit("/", 1)[0]
    victim = scene.rel
    vbase = scene.base
    argv = list(scene.argv)
    out = replace(base, argv=argv, name_file=vbase)
    if kind == "libfile_symlink_loop":
        files.pop(victim)
        return replace(out, where=f"{vbase} is a symlink to itself", files=files, symlinks={victim: vbase})
    if kind == "libfile_dangling_symlink":
        files.pop(victim)
        return replace(out, where=f"{vbase} is a dangling symlink", files=files, symlinks={victim: "gone.yaml"})
    if kind == "libfile_unreadable":
        return replace(out, where=f"{vbase} cannot be read (permission)", unreadable=[victim])
    if kind == "libfile_is_directory":
        files.pop(victim)
        return replace(out, where=f"{vbase} is a directory", files=files, dirs=[victim])
    if kind == "vocabulary_missing":
        files.pop(f"{lib_rel}/vocabulary.yaml")
        return replace(out, where="vocabulary.yaml removed", files=files, name_file="vocabulary.yaml")
    # library_empty: a library directory without YAML files
    files = {k: v for k, v in files.items() if not k.startswith(lib_rel + "/")}
    return replace(out, where=f"{lib_rel}/ is empty", files=files, dirs=[lib_rel], name_file=lib_rel)


# ---------------------------------------------------------------------------------- registry

MUTATIONS: dict[str, tuple[Callable, str | None]] = {
    # name: (function, scene preference)
    "scalar_hostile": (scalar_hostile, None),
    "legal_number": (legal_number, None),
    "growth_percent": (growth_percent, "case"),
    "year_absurd": (year_absurd, "case"),
    "year_leading_zero": (year_leading_zero, "case"),
    "yaml11_scalar": (yaml11_scalar, None),
    "duplicate_id": (duplicate_id, None),
    "unknown_key": (unknown_key, None),
    "delete_key": (delete_key, None),
    "raw_text": (raw_text, None),
    "filesystem": (filesystem, None),
}
WEIGHTS = {
    "scalar_hostile": 25,
    "legal_number": 8,
    "growth_percent": 6,
    "year_absurd": 8,
    "year_leading_zero": 6,
    "yaml11_scalar": 8,
    "duplicate_id": 10,
    "unknown_key": 10,
    "delete_key": 8,
    "raw_text": 8,
    "filesystem": 4,
}


def make_example(rng, mutation: str | None = None) -> Example:
    """One mutation drawn from ``rng`` (of the named class, or of a class drawn by weight)."""
    if mutation is None:
        names = list(WEIGHTS)
        mutation = rng.choices(names, weights=[WEIGHTS[n] for n in names])[0]
    fn, prefer = MUTATIONS[mutation]
    return fn(rng, choose_scene(rng, prefer))
