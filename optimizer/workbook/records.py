"""How the parts of a case become the records (rows) of each table sheet, and how records read from a sheet
become the parts of a case again.

For each table of :mod:`.layout` there is a pair: ``<table>_rows(case, library)`` gives the records the writer
puts on the sheet (the case as ``Case.model_dump(exclude_unset=True)`` gives it), and ``<table>_read(records,
builder)`` puts records read from the sheet into the case being built, recording where each field was read.
A record is a mapping shaped like the part of the case it holds, plus the keys of its key columns (``variant``
for a target) and reference values (keys starting with ``_``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from . import layout as L
from .cells import Cell, Locations
from .values import convert

if TYPE_CHECKING:
    from ..loading import Library

Record = dict[str, Any]


@dataclass
class Read:
    """A record read from a row of a table sheet: its values, and the cell of every column and year."""

    node: Record
    cells: dict[L.Key, Cell]
    years: dict[int, Cell]
    first: Cell

    def cell(self, key: L.Key) -> Cell:
        return self.cells.get(key, self.first)


@dataclass
class Builder:
    """The case being built from a workbook, where each field was read, and the problems found so far."""

    file: str
    data: dict[str, Any] = field(default_factory=dict)
    locations: Locations = field(default_factory=Locations)
    problems: list[Problem] = field(default_factory=list)
    layout: list[Problem] = field(default_factory=list)
    """Problems with the workbook's sheets and headers: reported alone, before any value is read."""

    def problem(self, cell: Cell, value: Any, expected: str) -> None:
        self.problems.append(Problem(self.file, cell.where(), value, expected))

    def layout_problem(self, where: str, value: Any, expected: str) -> None:
        self.layout.append(Problem(self.file, where, value, expected))

    def locate(self, path: L.Key, read: Read, table: L.Table, alias: L.Key | None = None) -> None:
        """Record the cells of a record placed at ``path`` in the case (and at ``alias``, its path by id): the
        record itself at its first cell, each column's field at its cell (a quantity at its value), each year
        at its cell, and the series at its first year."""
        for base in (path, alias) if alias is not None else (path,):
            self.locations.add(base, read.first)
            for column in table.columns:
                if column.role == "reference" or column.key not in read.cells:
                    continue
                cell = read.cell(column.key)
                self.locations.add((*base, *column.key), cell)
                if column.key[-1] == "value" and len(column.key) > 1:
                    self.locations.add((*base, *column.key[:-1]), cell)
            if table.series is None:
                continue
            years = [read.years[y] for y in sorted(read.years)]
            first = years[0] if years else read.first
            self.locations.add((*base, *table.series), first)
            if len(table.series) > 1:
                self.locations.add((*base, *table.series[:-1]), first)
            for year, cell in read.years.items():
                self.locations.add((*base, *table.series, year), cell)

    def taken(self, key: Any, seen: dict, cell: Cell, what: str) -> bool:
        """Whether ``key`` was seen before in this sheet (a problem then, naming the first row)."""
        if key in seen:
            self.problem(cell, key, f"each {what} once (it is also in row {seen[key]})")
            return True
        seen[key] = cell.row
        return False


def pop_text(read: Read, key: str, builder: Builder, expected: str) -> str | None:
    """Take a key column's text out of the record; a blank one is a problem."""
    value = read.node.pop(key, None)
    if value is None:
        builder.problem(read.cell((key,)), "<blank>", expected)
    return value


# ------------------------------------------------------------------------------------------------ sources


def sources_rows(case: dict, library: Library) -> list[Record]:
    out = []
    for source in case["sources"]:
        kind = library.source_type(source["id"])
        node = {k: v for k, v in source.items() if k not in ("factor_path", "price_path")}
        node[L.UNIT] = (kind.activity_unit or "") if kind else ""
        node["_scope"] = kind.scope if kind else None
        out.append(node)
    return out


def sources_read(reads: list[Read], b: Builder) -> None:
    b.data["sources"] = [r.node for r in reads]
    for k, r in enumerate(reads):
        sid = r.node.get("id")
        b.locate(("sources", k), r, L.SOURCES, alias=("sources", sid) if isinstance(sid, str) else None)


def source_paths_rows(case: dict, library: Library) -> list[Record]:
    out = []
    for source in case["sources"]:
        for words, key in L.PATH_NAMES.items():
            if key in source:
                out.append({"source": source["id"], "path": words, **source[key], L.UNIT: _index_unit(source[key])})
    return out


def source_paths_read(reads: list[Read], b: Builder) -> None:
    position = {s.get("id"): k for k, s in enumerate(b.data.get("sources", []))}
    seen: dict = {}
    for r in reads:
        sid = pop_text(r, "source", b, "a source of the Sources sheet")
        words = pop_text(r, "path", b, f"one of {list(L.PATH_NAMES)}")
        if sid is None or words is None:
            continue
        if sid not in position:
            b.problem(r.cell(("source",)), sid, f"a source of the Sources sheet {sorted(map(str, position))}")
            continue
        if words not in L.PATH_NAMES:
            b.problem(r.cell(("path",)), words, f"one of {list(L.PATH_NAMES)}")
            continue
        if b.taken((sid, words), seen, r.first, "source and path"):
            continue
        key = L.PATH_NAMES[words]
        b.data["sources"][position[sid]][key] = r.node
        b.locate(("sources", position[sid], key), r, L.SOURCE_PATHS, alias=("sources", sid, key))


def _index_unit(path: dict) -> str:
    return "index (base year = 1)" if "index_by_year" in path else ""


# ------------------------------------------------------------------------------------------------ keyed tables


def _keyed_read(reads: list[Read], b: Builder, table: L.Table, section: str, what: str) -> dict:
    """Records keyed by their first column (drivers, facility types, variants), in sheet order."""
    out: dict = {}
    seen: dict = {}
    for r in reads:
        key = pop_text(r, "id", b, f"the {what} id")
        if key is None or b.taken(key, seen, r.first, what):
            continue
        out[key] = r.node
        b.locate((section, key), r, table)
    return out


def drivers_rows(case: dict, library: Library) -> list[Record]:
    return [{"id": name, **path, L.UNIT: _index_unit(path)} for name, path in case["drivers"].items()]


def drivers_read(reads: list[Read], b: Builder) -> None:
    b.data["drivers"] = _keyed_read(reads, b, L.DRIVERS, "drivers", "driver")


def facility_stock_rows(case: dict, library: Library) -> list[Record]:
    units = {f.id: f.unit for f in library.vocabulary.facility_types}
    return [{"id": k, **q, L.UNIT: units.get(k, "")} for k, q in case.get("facility_stock", {}).items()]


def facility_stock_read(reads: list[Read], b: Builder) -> None:
    if reads:
        b.data["facility_stock"] = _keyed_read(reads, b, L.FACILITY_STOCK, "facility_stock", "facility type")


def variants_rows(case: dict, library: Library) -> list[Record]:
    keep = ("description", "net_zero_year")
    return [{"id": name, **{k: v[k] for k in keep if k in v}} for name, v in case["variants"].items()]


def variants_read(reads: list[Read], b: Builder) -> None:
    b.data["variants"] = _keyed_read(reads, b, L.VARIANTS, "variants", "variant")


# ------------------------------------------------------------------------------------------------ lists by id


def _listed_read(reads: list[Read], b: Builder, table: L.Table, path: L.Key) -> list[Record]:
    """Records that are a list of the case (phases, resources), each also found by its id."""
    for k, r in enumerate(reads):
        rid = r.node.get("id")
        b.locate((*path, k), r, table, alias=(*path, rid) if isinstance(rid, str) else None)
    return [r.node for r in reads]


def phases_rows(case: dict, library: Library) -> list[Record]:
    return list(case["phases"])


def phases_read(reads: list[Read], b: Builder) -> None:
    b.data["phases"] = _listed_read(reads, b, L.PHASES, ("phases",))


def resources_rows(case: dict, library: Library) -> list[Record]:
    units = {r.id: r.unit for r in library.vocabulary.resources}
    return [{**r, L.UNIT: f"{units.get(r['id'], '')} per year"} for r in case.get("resources", [])]


def resources_read(reads: list[Read], b: Builder) -> None:
    if reads:
        b.data["resources"] = _listed_read(reads, b, L.RESOURCES, ("resources",))


def exclusions_rows(case: dict, library: Library) -> list[Record]:
    names = {iid: item.name for iid, item in library.interventions.items()}
    return [{"id": iid, "_name": names.get(iid, "")} for iid in case.get("overrides", {}).get("exclude", [])]


def exclusions_read(reads: list[Read], b: Builder) -> None:
    if not reads:
        return
    for k, r in enumerate(reads):
        b.locate(("overrides", "exclude", k), r, L.EXCLUSIONS)
    b.data.setdefault("overrides", {})["exclude"] = [r.node.get("id") for r in reads]


# ------------------------------------------------------------------------------------------------ maturity


def maturity_rows(case: dict, library: Library) -> list[Record]:
    return [{**case["maturity"], "_rule": "highest complexity that may start", L.UNIT: L.MATURITY.series_unit}]


def maturity_read(reads: list[Read], b: Builder) -> None:
    for r in reads[1:]:
        b.problem(r.first, "<a second row>", "one row: the maturity path")
    if reads:
        b.data["maturity"] = reads[0].node
        b.locate(("maturity",), reads[0], L.MATURITY)


# ------------------------------------------------------------------------------------------------ budget


def budget_rows(case: dict, library: Library) -> list[Record]:
    budget = case.get("budget", {})
    unit = {L.UNIT: L.BUDGET.series_unit}
    out = [{"line": "total", **budget["total_usd_by_year"], **unit}] if "total_usd_by_year" in budget else []
    for region, series in budget.get("regional_usd_by_year", {}).items():
        out.append({"line": "region", "region": region, **series, **unit})
    return out


def budget_read(reads: list[Read], b: Builder) -> None:
    seen: dict = {}
    for r in reads:
        line = pop_text(r, "line", b, f"one of {list(L.BUDGET_LINES)}")
        region = r.node.pop("region", None)
        if line == "total":
            if region is not None:
                b.problem(r.cell(("region",)), region, "no region on the total line (a region line: line 'region')")
            elif not b.taken("total", seen, r.first, "total line"):
                b.data.setdefault("budget", {})["total_usd_by_year"] = r.node
                b.locate(("budget", "total_usd_by_year"), r, L.BUDGET)
        elif line == "region":
            if region is None:
                b.problem(r.cell(("region",)), "<blank>", "the region's name, as the Projects sheet writes it")
            elif not b.taken(region, seen, r.cell(("region",)), "region"):
                b.data.setdefault("budget", {}).setdefault("regional_usd_by_year", {})[region] = r.node
                b.locate(("budget", "regional_usd_by_year", region), r, L.BUDGET)
        elif line is not None:
            b.problem(r.cell(("line",)), line, f"one of {list(L.BUDGET_LINES)}")


# ------------------------------------------------------------------------------------------------ financing


def financing_rows(case: dict, library: Library) -> list[Record]:
    unit = {L.UNIT: L.FINANCING.series_unit}
    out = [{**f, **unit} for f in case.get("budget", {}).get("financing", [])]
    for name, variant in case["variants"].items():
        out += [{"variant": name, **f, **unit} for f in variant.get("additional_financing", [])]
    return out


def financing_read(reads: list[Read], b: Builder) -> None:
    variants = b.data.get("variants", {})
    for r in reads:
        variant = r.node.pop("variant", None)
        if variant is None:
            where: L.Key = ("budget", "financing")
            pots = b.data.setdefault("budget", {}).setdefault("financing", [])
        elif variant in variants:
            where = ("variants", variant, "additional_financing")
            pots = variants[variant].setdefault("additional_financing", [])
        else:
            b.problem(r.cell(("variant",)), variant, f"blank or a variant of the Variants sheet {list(variants)}")
            continue
        fid = r.node.get("id")
        b.locate((*where, len(pots)), r, L.FINANCING, alias=(*where, fid) if isinstance(fid, str) else None)
        pots.append(r.node)


# ------------------------------------------------------------------------------------------------ targets


def targets_rows(case: dict, library: Library) -> list[Record]:
    out = []
    for name, variant in case["variants"].items():
        for target in variant["targets"]:
            unit = L.TARGETS.series_unit if target.get("type") == "custom" else ""
            out.append({"variant": name, **target, L.UNIT: unit})
    return out


def targets_read(reads: list[Read], b: Builder) -> None:
    variants = b.data.get("variants", {})
    for r in reads:
        name = pop_text(r, "variant", b, "a variant of the Variants sheet")
        if name is None:
            continue
        if name not in variants:
            b.problem(r.cell(("variant",)), name, f"a variant of the Variants sheet {list(variants)}")
            continue
        targets = variants[name].setdefault("targets", [])
        b.locate(("variants", name, "targets", len(targets)), r, L.TARGETS)
        targets.append(r.node)


# ------------------------------------------------------------------------------------------------ effects, resources


def effect_cells(effect: dict, per: str, library: Library) -> tuple[str, Record]:
    """An effect's measure, and its row cells: the measure's value, range and provenance, the source it acts on
    (and the source of a share of activity), and the unit (``per``: what one unit of the intervention is)."""
    measure = next(m for m in L.EFFECT_TYPES if m in effect)
    row: Record = {**effect[measure], "acts_on": effect["source"]}
    if "relative_to" in effect:
        row["relative_to"] = effect["relative_to"]
    kind = library.source_type(effect["source"])
    units = {
        "fraction": "fraction of the source's emissions at full deployment",
        "change_per_unit_year": f"{kind.activity_unit if kind else 'activity'} per {per} per year",
        "change_share_of_unit_activity": "share of the activity per unit of potential",
    }
    row[L.UNIT] = units[measure]
    return measure, row


def read_effect(
    r: Read, b: Builder, measure: str, measure_key: L.Key, table: L.Table, paths: tuple[L.Key, ...]
) -> Record:
    """An effect from a row (its measure read from the column ``measure_key``), its cells recorded at each of
    ``paths`` (the effect's place in the case, by position and by id)."""
    _convert_value(r, b, "number")
    effect: Record = {"type": L.EFFECT_TYPES[measure]}
    if "acts_on" in r.node:
        effect["source"] = r.node.pop("acts_on")
    if "relative_to" in r.node:
        effect["relative_to"] = r.node.pop("relative_to")
    effect[measure] = r.node
    for path in paths:
        b.locate(path, r, table)
        b.locations.add(path, r.cell(measure_key))
        for key, column in (("source", ("acts_on",)), ("relative_to", ("relative_to",)), ("type", measure_key)):
            b.locations.add((*path, key), r.cell(column))
        for key in ("value", "low", "high", "source", "estimate", "grade"):
            b.locations.add((*path, measure, key), r.cell((key,)))
        b.locations.add((*path, measure), r.cell(("value",)))
    return effect


def resource_cells(mapping: dict, name: str, per: str, library: Library) -> list[Record]:
    """The rows of the mapping of resource use ``name`` (``per``: what one unit of the intervention is); an
    empty mapping is one row whose resource is ``(none)``."""
    if not mapping:
        return [{"resource": L.EMPTY_LIST}]
    units = {r.id: r.unit for r in library.vocabulary.resources}
    return [
        {
            "resource": rid,
            **quantity,
            L.UNIT: L.RESOURCE_FIELDS[name].format(resource=units.get(rid, "resource unit"), unit=per),
        }
        for rid, quantity in mapping.items()
    ]


def read_resource(r: Read, b: Builder, mapping: dict, table: L.Table, paths: tuple[L.Key, ...]) -> None:
    """One resource's use from a row into ``mapping`` (a row whose resource is ``(none)`` adds nothing: the
    mapping may stay empty), its cells recorded at each of ``paths`` (the mapping's place in the case)."""
    rid = pop_text(r, "resource", b, f"a resource of the library vocabulary, or {L.EMPTY_LIST}")
    if rid is None:
        return
    for path in paths:
        b.locations.add_first(path, r.first)
    if rid == L.EMPTY_LIST:
        for key, value in r.node.items():
            b.problem(r.cell((key,)), value, f"a blank cell (the resource is {L.EMPTY_LIST}: no resource use)")
        return
    if rid in mapping:
        b.problem(r.cell(("resource",)), rid, "each resource once in an intervention's use")
        return
    _convert_value(r, b, "number")
    mapping[rid] = r.node
    for path in paths:
        b.locate((*path, rid), r, table)
        b.locations.add((*path, rid), r.cell(("resource",)))


def _convert_value(r: Read, b: Builder, kind: str) -> None:
    """The value cell of a row read as its field says (a phase id, a level, a number)."""
    if "value" in r.node:
        r.node["value"] = convert(r.node["value"], kind, r.cell(("value",)), b)


def _blank_cells(r: Read, b: Builder, columns: list[tuple[str, str]], name: str) -> None:
    """Cells a row of this kind does not use must be blank."""
    for key, words in columns:
        if key in r.node:
            b.problem(r.cell((key,)), r.node.pop(key), f"a blank '{words}' cell (not used by {name})")


# ------------------------------------------------------------------------------------------------ overrides


def overrides_rows(case: dict, library: Library) -> list[Record]:
    own = {item["id"]: item for item in case.get("interventions", [])}
    out: list[Record] = []
    for iid, fields in case.get("overrides", {}).get("interventions", {}).items():
        item = library.interventions.get(iid)
        per = item.unit if item else own.get(iid, {}).get("unit", "unit")
        head = {"intervention": iid}
        for name, value in fields.items():
            if name == "effects":
                for effect in value:
                    measure, cells = effect_cells(effect, per, library)
                    out.append({**head, "field": f"{L.EFFECT_PREFIX}{measure}", **cells})
            elif name in L.RESOURCE_FIELDS:
                for cells in resource_cells(value, name, per, library):
                    cells["_library"] = _library_value(item, (name, cells["resource"]))
                    out.append({**head, "field": name, **cells})
            elif name in ("potential", "capex_scales_with"):
                out += [_field_row(iid, f"{name}.{part}", v, item, per) for part, v in value.items()]
            else:
                out.append(_field_row(iid, name, value, item, per))
    return out


def _field_row(iid: str, name: str, value: Any, item: Any, per: str) -> Record:
    spec = L.OVERRIDE_FIELDS[name]
    row: Record = {"intervention": iid, "field": name}
    row.update(value if spec.kind == "quantity" else {"value": value})
    row[L.UNIT] = spec.unit.format(unit=per)
    row["_library"] = _library_value(item, tuple(name.split(".")))
    if spec.choices is not None:
        row[L.CELL_CHOICES] = {("value",): spec.choices}
    return row


def _library_value(item: Any, key: tuple[str, ...]) -> Any:
    """The library's value of a field of an intervention, as a reference cell shows it."""
    value = item
    for part in key:
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    if isinstance(value, list):
        return f"{L.LIST_SEPARATOR} ".join(map(str, value)) or L.EMPTY_LIST
    return getattr(value, "value", value)


def overrides_read(reads: list[Read], b: Builder) -> None:
    if not reads:
        return
    overrides: dict = b.data.setdefault("overrides", {}).setdefault("interventions", {})
    seen: dict = {}
    expected = f"one of {list(L.OVERRIDE_CHOICES)}"
    for r in reads:
        iid = pop_text(r, "intervention", b, "an intervention id of the library")
        name = pop_text(r, "field", b, expected)
        if iid is None or name is None:
            continue
        base = ("overrides", "interventions", iid)
        b.locations.add_first(base, r.first)
        fields = overrides.setdefault(iid, {})
        if name.startswith(L.EFFECT_PREFIX) and name.removeprefix(L.EFFECT_PREFIX) in L.EFFECT_TYPES:
            _blank_cells(r, b, [("resource", "resource")], name)
            effects = fields.setdefault("effects", [])
            path = (*base, "effects", len(effects))
            measure = name.removeprefix(L.EFFECT_PREFIX)
            effects.append(read_effect(r, b, measure, ("field",), L.OVERRIDES, (path,)))
        elif name in L.RESOURCE_FIELDS:
            _blank_cells(r, b, [("acts_on", "acts on"), ("relative_to", "relative to")], name)
            read_resource(r, b, fields.setdefault(name, {}), L.OVERRIDES, ((*base, name),))
        elif name in L.OVERRIDE_FIELDS:
            if not b.taken((iid, name), seen, r.cell(("field",)), "field of an intervention"):
                _read_field(r, b, base, name, fields)
        else:
            b.problem(r.cell(("field",)), name, expected)


def _read_field(r: Read, b: Builder, base: L.Key, name: str, fields: dict) -> None:
    """A replaced field: a number with provenance, or a plain value (text, a level, TRUE or FALSE, a list)."""
    spec = L.OVERRIDE_FIELDS[name]
    unused = [("acts_on", "acts on"), ("relative_to", "relative to"), ("resource", "resource")]
    if spec.kind != "quantity":
        unused += [(k, k) for k in ("low", "high", "source", "estimate", "grade")]
    _blank_cells(r, b, unused, name)
    key = tuple(name.split("."))
    _convert_value(r, b, "number" if spec.kind == "quantity" else spec.kind)
    if spec.kind != "quantity" and r.node.get("value") is None:
        b.problem(r.cell(("value",)), "<blank>", f"the value replacing {name} ({spec.unit.format(unit='unit')})")
    node = fields
    for part in key[:-1]:
        node = node.setdefault(part, {})
        b.locations.add_first((*base, part), r.first)
    node[key[-1]] = r.node if spec.kind == "quantity" else r.node.get("value")
    path = (*base, *key)
    b.locate(path, r, L.OVERRIDES)
    b.locations.add(path, r.cell(("value",)))


# ------------------------------------------------------------------------------------------------ additions


def case_interventions_rows(case: dict, library: Library) -> list[Record]:
    rows_elsewhere = ("effects", *L.RESOURCE_FIELDS)
    return [{k: v for k, v in item.items() if k not in rows_elsewhere} for item in case.get("interventions", [])]


def case_interventions_read(reads: list[Read], b: Builder) -> None:
    if reads:
        b.data["interventions"] = _listed_read(reads, b, L.CASE_INTERVENTIONS, ("interventions",))


def _case_intervention(r: Read, b: Builder, what: str) -> tuple[int, str, Record] | None:
    """The case intervention a row of an additions sheet names: its position, id and record."""
    iid = pop_text(r, "intervention", b, "an intervention of the Case interventions sheet")
    if iid is None:
        return None
    items = b.data.get("interventions", [])
    position = next((k for k, item in enumerate(items) if item.get("id") == iid), None)
    if position is None:
        known = [str(item.get("id")) for item in items]
        hint = f"; the {what} of a library intervention: the Overrides sheet"
        b.problem(r.cell(("intervention",)), iid, f"an intervention of the Case interventions sheet {known}{hint}")
        return None
    return position, iid, items[position]


def case_effects_rows(case: dict, library: Library) -> list[Record]:
    out = []
    for item in case.get("interventions", []):
        for effect in item.get("effects", []):
            measure, cells = effect_cells(effect, item.get("unit", "unit"), library)
            out.append({"intervention": item["id"], "effect": measure, **cells})
    return out


def case_effects_read(reads: list[Read], b: Builder) -> None:
    for r in reads:
        found = _case_intervention(r, b, "effects")
        measure = pop_text(r, "effect", b, f"one of {list(L.EFFECT_TYPES)}")
        if found is None or measure is None:
            continue
        if measure not in L.EFFECT_TYPES:
            b.problem(r.cell(("effect",)), measure, f"one of {list(L.EFFECT_TYPES)}")
            continue
        position, iid, item = found
        effects = item.setdefault("effects", [])
        paths = (("interventions", position, "effects", len(effects)), ("interventions", iid, "effects", len(effects)))
        effects.append(read_effect(r, b, measure, ("effect",), L.CASE_EFFECTS, paths))


def case_resources_rows(case: dict, library: Library) -> list[Record]:
    out = []
    for item in case.get("interventions", []):
        for words, name in L.RESOURCE_USES.items():
            if name in item:
                cells = resource_cells(item[name], name, item.get("unit", "unit"), library)
                out += [{"intervention": item["id"], "use": words, **row} for row in cells]
    return out


def case_resources_read(reads: list[Read], b: Builder) -> None:
    for r in reads:
        found = _case_intervention(r, b, "resource use")
        words = pop_text(r, "use", b, f"one of {list(L.RESOURCE_USES)}")
        if found is None or words is None:
            continue
        if words not in L.RESOURCE_USES:
            b.problem(r.cell(("use",)), words, f"one of {list(L.RESOURCE_USES)}")
            continue
        position, iid, item = found
        name = L.RESOURCE_USES[words]
        paths = (("interventions", position, name), ("interventions", iid, name))
        read_resource(r, b, item.setdefault(name, {}), L.CASE_RESOURCES, paths)


def case_groups_rows(case: dict, library: Library) -> list[Record]:
    return list(case.get("groups", []))


def case_groups_read(reads: list[Read], b: Builder) -> None:
    if reads:
        b.data["groups"] = _listed_read(reads, b, L.CASE_GROUPS, ("groups",))


TABLE_RECORDS: dict[str, tuple[Callable[[dict, Library], list[Record]], Callable[[list[Read], Builder], None]]] = {
    L.SOURCES.sheet: (sources_rows, sources_read),
    L.DRIVERS.sheet: (drivers_rows, drivers_read),
    L.SOURCE_PATHS.sheet: (source_paths_rows, source_paths_read),
    L.FACILITY_STOCK.sheet: (facility_stock_rows, facility_stock_read),
    L.PHASES.sheet: (phases_rows, phases_read),
    L.MATURITY.sheet: (maturity_rows, maturity_read),
    L.BUDGET.sheet: (budget_rows, budget_read),
    L.FINANCING.sheet: (financing_rows, financing_read),
    L.VARIANTS.sheet: (variants_rows, variants_read),
    L.TARGETS.sheet: (targets_rows, targets_read),
    L.RESOURCES.sheet: (resources_rows, resources_read),
    L.OVERRIDES.sheet: (overrides_rows, overrides_read),
    L.EXCLUSIONS.sheet: (exclusions_rows, exclusions_read),
    L.CASE_INTERVENTIONS.sheet: (case_interventions_rows, case_interventions_read),
    L.CASE_EFFECTS.sheet: (case_effects_rows, case_effects_read),
    L.CASE_RESOURCES.sheet: (case_resources_rows, case_resources_read),
    L.CASE_GROUPS.sheet: (case_groups_rows, case_groups_read),
}
"""Each table sheet's pair: the records the writer puts on it, and how the reader puts them into the case."""

READ_ORDER = (
    L.SOURCES,
    L.SOURCE_PATHS,
    L.DRIVERS,
    L.FACILITY_STOCK,
    L.PHASES,
    L.MATURITY,
    L.VARIANTS,
    L.TARGETS,
    L.BUDGET,
    L.FINANCING,
    L.RESOURCES,
    L.OVERRIDES,
    L.EXCLUSIONS,
    L.CASE_INTERVENTIONS,
    L.CASE_EFFECTS,
    L.CASE_RESOURCES,
    L.CASE_GROUPS,
)
"""The order the reader places the tables in: source paths after the sources they belong to, targets and
financing after the variants they name, effects and resource use after the case interventions they belong
to."""

SECTION_SHEETS: dict[L.Key, str] = {
    ("sources",): L.SOURCES.sheet,
    ("drivers",): L.DRIVERS.sheet,
    ("facility_stock",): L.FACILITY_STOCK.sheet,
    ("phases",): L.PHASES.sheet,
    ("maturity",): L.MATURITY.sheet,
    ("budget",): L.BUDGET.sheet,
    ("budget", "financing"): L.FINANCING.sheet,
    ("variants",): L.VARIANTS.sheet,
    ("resources",): L.RESOURCES.sheet,
    ("overrides",): L.OVERRIDES.sheet,
    ("overrides", "exclude"): L.EXCLUSIONS.sheet,
    ("interventions",): L.CASE_INTERVENTIONS.sheet,
    ("groups",): L.CASE_GROUPS.sheet,
}
"""The sheet holding each part of the case, for a problem with no cell of its own (``sources: at least one
source`` is on the Sources sheet); other fields are on the Settings sheet."""
