"""The sheets of the planner's workbook and their columns: one description that the writer and the reader both
follow, so that a workbook written from a case reads back as the same case.

Every table sheet has a title in row 1 (what the sheet holds, in plain words), the column headers in row 2 and
one record per row from row 3. A column reads one field of the record (``Column.key``, a path into the record's
mapping); a quantity takes five columns (value, low, high, source, estimate). A table with numbers by year
(budgets, envelopes, limits, index paths) has one column per year after its fixed columns, headed by the year.
Reference columns (units, library values) are written for the reader's convenience and ignored when read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..pipeline.table import READINESS_STAGES
from ..schema.base import GRADES

Key = tuple[str | int, ...]
"""A path into a record (or into the case): mapping keys, list positions or years."""

Kind = Literal["text", "number", "whole", "list", "bool", "any"]
"""How a cell is read: free text, a number, a whole number, ids separated by ``;``, TRUE or FALSE, or as the
row says."""

Role = Literal["value", "provenance", "reference"]
"""What a column holds: an input, the source or estimate note of one, or a reference written for reading."""

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
"""Rows of a table sheet: the title, the column headers, the first record."""
LIST_SEPARATOR = ";"
"""Separates the ids of a list cell (eligible families, pipeline files)."""
EMPTY_LIST = "(none)"
"""A list cell that holds an empty list (a blank cell leaves the field out)."""
REFERENCE_PREFIX = "Ref "
"""Sheets whose name starts with this are reference: written from the library, never read."""
NOTES_PREFIX = "Notes"
"""Sheets whose name starts with this are the planner's own notes: never read."""
BOOLEAN_CHOICES = ("TRUE", "FALSE")
"""The drop-down of a yes-or-no cell (the reader also takes yes and no)."""
CELL_CHOICES = "_choices"
"""Record key of the drop-downs of single cells of a row (column key -> choices), for a column whose values
depend on the row (an override's value)."""


@dataclass(frozen=True)
class Column:
    """One column of a table sheet."""

    header: str
    """The header cell: plain words and the unit in brackets."""
    key: Key
    """Where the cell's value goes in the record."""
    kind: Kind = "text"
    role: Role = "value"
    percent: bool = False
    """Shown as a percent (the cell holds the fraction: 5 % is 0.05)."""
    choices: str | tuple[str, ...] | None = None
    """A drop-down: a fixed list, or the name of a list the writer knows (:data:`LISTS`)."""
    note: str = ""
    """A comment on the header cell."""
    blank: str | None = None
    """What a blank cell holds when the field takes an empty value (a required text that may be empty); None:
    a blank cell leaves the field out."""


@dataclass(frozen=True)
class Table:
    """A sheet of records, one per row."""

    sheet: str
    title: str
    columns: tuple[Column, ...]
    series: Key | None = None
    """Where the numbers by year go in the record, when the sheet has year columns."""
    series_kind: Kind = "number"
    series_unit: str = ""
    """Unit of the year columns, shown in the unit column when a row has no unit of its own."""
    label: tuple[Key, ...] = ()
    """Columns that name a record in messages (``Sources!C5 (heat_fuel: emissions ...)``)."""
    frozen: int = 1
    """Columns kept in view when scrolling right."""

    def column(self, key: Key) -> Column:
        return next(c for c in self.columns if c.key == key)


def quantity(label: str, unit: str, key: Key, percent: bool = False, note: str = "") -> tuple[Column, ...]:
    """The six columns of a number with its provenance: value, low, high, source, estimate, grade."""
    return (
        Column(f"{label} ({unit})", (*key, "value"), "number", percent=percent, note=note),
        Column(f"{label} low", (*key, "low"), "number", percent=percent, note="low end of the range (sweeps)"),
        Column(f"{label} high", (*key, "high"), "number", percent=percent, note="high end of the range (sweeps)"),
        Column(f"{label} source", (*key, "source"), role="provenance", note=SOURCE_NOTE),
        Column(f"{label} estimate", (*key, "estimate"), role="provenance", note=ESTIMATE_NOTE),
        grade_column(f"{label} grade", key),
    )


def provenance(label: str, key: Key) -> tuple[Column, ...]:
    """The source and estimate columns of a series (one provenance for all its years)."""
    prefix = f"{label} " if label else ""
    return (
        Column(f"{prefix}source", (*key, "source"), role="provenance", note=SOURCE_NOTE),
        Column(f"{prefix}estimate", (*key, "estimate"), role="provenance", note=ESTIMATE_NOTE),
        grade_column(f"{prefix}grade", key),
    )


def grade_column(header: str, key: Key = ()) -> Column:
    """The quality grade of a number (A, B, C or D; blank: not graded), next to its source and estimate."""
    return Column(header, (*key, "grade"), role="provenance", choices=GRADES, note=GRADE_NOTE)


def reference(header: str, name: str, note: str = "") -> Column:
    """A column the writer fills (units, library values) and the reader ignores."""
    return Column(header, (name,), role="reference", note=note or "for reference: not read")


SOURCE_NOTE = "citation for the number (publication, data set, page); give this or the estimate, not both"
ESTIMATE_NOTE = "why and how the number was estimated, when no source supports it; give this or the source"

GRADE_NOTE = (
    "quality grade: A checked primary source, B named source not checked (with a source); C derived from "
    "cited numbers, D judgement (with an estimate); blank: not graded"
)

UNIT = "_unit"
"""Record key of the reference unit column."""

# ------------------------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class Setting:
    """One row of the Settings sheet: a single field of the case."""

    field: Key
    label: str
    kind: Kind | Literal["quantity"]
    unit: str = ""
    percent: bool = False
    choices: str | tuple[str, ...] | None = None
    provenance: Key | None = None
    """Where the row's source and estimate go: the field itself for a quantity, the baseline reference for
    its total; None when the setting takes no provenance."""

    @property
    def name(self) -> str:
        """The field as the Settings sheet's ``field`` column writes it (``decision_window.first_year``)."""
        return ".".join(str(k) for k in self.field)


def _setting_quantity(field: Key, label: str, unit: str, percent: bool = False) -> Setting:
    return Setting(field, label, "quantity", unit, percent, provenance=field)


SETTINGS: tuple[Setting, ...] = (
    Setting(("schema_version",), "Schema version", "whole"),
    Setting(("name",), "Case name", "text"),
    Setting(("description",), "Description", "text"),
    Setting(("country", "name"), "Country", "text"),
    Setting(("country", "iso3"), "Country code (ISO 3166 alpha-3)", "text"),
    _setting_quantity(("country", "population"), "Population", "persons"),
    Setting(("library",), "Intervention library folder", "text", "folder, relative to this workbook"),
    Setting(("pipelines",), "Pipeline files", "list", "files, separated by ;"),
    Setting(("base_year",), "Base year", "whole", "year"),
    Setting(("gwp_set",), "GWP set", "text", choices=("AR6", "AR5")),
    Setting(("decision_window", "first_year"), "First decision year", "whole", "year"),
    Setting(("decision_window", "last_year"), "Last decision year", "whole", "year"),
    Setting(("horizon_end_year",), "Last roadmap year", "whole", "year"),
    _setting_quantity(("discount_rate",), "Discount rate (real)", "%/yr", percent=True),
    Setting(
        ("baseline_reference", "total_tco2e"),
        "Baseline reference: total",
        "number",
        "tCO2e/yr",
        provenance=("baseline_reference",),
    ),
    Setting(("baseline_reference", "method"), "Baseline reference: method", "text"),
    *(
        Setting(("baseline_reference", "scope_shares", s), f"Baseline reference: scope {s} share", "number", "%", True)
        for s in (1, 2, 3)
    ),
    _setting_quantity(("payback", "screen_max_years"), "Payback screen: longest simple payback", "years"),
    _setting_quantity(("payback", "portfolio_max_years"), "Portfolio payback rule", "years"),
    Setting(("target_rules", "mode"), "Target mode", "text", choices=("hard", "elastic")),
    Setting(("target_rules", "enforce"), "Targets enforced in", "text", choices=("milestones", "every_year")),
    Setting(("target_rules", "shortfall_penalty_usd_per_tco2e"), "Shortfall penalty", "number", "USD/tCO2e"),
    Setting(("default_variant",), "Default variant", "text", choices="variants"),
    Setting(("objective", "kind"), "Objective", "text", choices=("min_cost", "max_abatement", "weighted")),
    *(
        Setting(("objective", "weights", w), f"Objective weight: {w.replace('_', '-')}", "number")
        for w in ("abatement", "npv", "co_benefit", "resilience")
    ),
    Setting(("solver", "time_limit_seconds"), "Solver time limit", "number", "seconds"),
    Setting(("solver", "mip_rel_gap"), "Solver relative MIP gap", "number", "fraction"),
    Setting(("solver", "random_seed"), "Solver random seed", "whole"),
)
"""Every row of the Settings sheet, in order (all are written, blank when the case leaves the field out)."""

SETTINGS_SHEET = "Settings"
SETTING_COLUMNS: tuple[Column, ...] = (
    reference("setting", "label", "what the row sets, in plain words"),
    Column("value", ("value",), "any"),
    reference("unit", UNIT),
    Column("low", ("low",), "number", note="low end of the range (sweeps); numbers with provenance only"),
    Column("high", ("high",), "number", note="high end of the range (sweeps); numbers with provenance only"),
    Column("source", ("source",), role="provenance", note=SOURCE_NOTE),
    Column("estimate", ("estimate",), role="provenance", note=ESTIMATE_NOTE),
    grade_column("grade"),
    reference("when blank", "default", "what a blank value means"),
    Column("field", ("field",), note="the case field this row sets (read by noregret: do not change)"),
)
SETTINGS_TITLE = (
    "Settings: one value per row. A blank value leaves the setting out (see 'when blank'). "
    "Rows with low/high/source/estimate/grade are numbers with provenance."
)

# ------------------------------------------------------------------------------------------------ tables


def _growth_columns() -> tuple[Column, ...]:
    return (
        *quantity(
            "annual change",
            "%/yr",
            ("annual_change",),
            percent=True,
            note="compound change per year (5 % = 0.05); give this or an index by year, not both",
        ),
        *provenance("index", ("index_by_year",)),
        reference("unit", UNIT),
    )


SOURCES = Table(
    "Sources",
    "Baseline inventory: one row per emission source in the base year. Gas sources give the activity only.",
    (
        Column("source", ("id",), choices="sources", note="a source id of the library vocabulary (Ref vocabulary)"),
        Column("driver", ("driver",), choices="drivers", note="the BAU driver (Drivers sheet) scaling its activity"),
        reference("activity unit", UNIT),
        reference("scope", "_scope"),
        *quantity("emissions", "tCO2e/yr", ("emissions_tco2e",)),
        *quantity("activity", "activity unit/yr", ("activity",)),
        *quantity("price", "USD per activity unit", ("price_usd_per_unit",)),
    ),
    label=(("id",),),
)

DRIVERS = Table(
    "Drivers",
    "BAU drivers: a constant annual change, or an index by year in the year columns (base year = 1).",
    (Column("driver", ("id",), note="an id of your choosing, named by sources and intensity targets"),)
    + _growth_columns(),
    series=("index_by_year", "by_year"),
    series_unit="index (base year = 1)",
    label=(("id",),),
)

PATH_NAMES = {"emission factor": "factor_path", "price": "price_path"}
"""The ``path`` column of the Source paths sheet: plain words for the source fields."""

SOURCE_PATHS = Table(
    "Source paths",
    "Paths of a source's emission factor or price: annual change, or an index by year (base year = 1). "
    "No row: constant.",
    (
        Column("source", ("source",), choices="case_sources", note="a source of the Sources sheet"),
        Column("path", ("path",), choices=tuple(PATH_NAMES)),
    )
    + _growth_columns(),
    series=("index_by_year", "by_year"),
    series_unit="index (base year = 1)",
    label=(("source",), ("path",)),
    frozen=2,
)

FACILITY_STOCK = Table(
    "Facility stock",
    "Facility counts by library facility type: intervention potentials are derived from them.",
    (
        Column("facility type", ("id",), choices="facility_types", note="a facility type of the library vocabulary"),
        *quantity("count", "facilities", ()),
        reference("unit", UNIT),
    ),
    label=(("id",),),
)

PHASES = Table(
    "Phases",
    "Implementation phases: interventions name them; a phase sets the earliest (and latest) start.",
    (
        Column("phase", ("id",), note="an id of your choosing, named by interventions"),
        Column("name", ("name",)),
        Column("first start year", ("first_start_year",), "whole"),
        Column("last start year", ("last_start_year",), "whole", note="blank: the end of the decision window"),
        *quantity("budget", "USD", ("budget_usd",), note="capex plus programme costs over the decision window"),
    ),
    label=(("id",),),
)

MATURITY = Table(
    "Maturity",
    "Institutional maturity: the most complex intervention that may start, from each year on "
    "(0 none, 1 quick wins, 2 moderate, 3 all).",
    (reference("path", "_rule"), *provenance("", ()), reference("unit", UNIT)),
    series=("max_complexity_by_year",),
    series_kind="whole",
    series_unit="highest complexity (0-3)",
)

BUDGET_LINES = ("total", "region")
BUDGET = Table(
    "Budget",
    "Spending limits by year (capex plus programme costs): the national total, and the pipeline projects of "
    "each region. A blank year: no entry.",
    (
        Column("line", ("line",), choices=BUDGET_LINES, note="total: all spending; region: that region's projects"),
        Column("region", ("region",), note="the region as the Projects sheet names it (region lines only)"),
        *provenance("", ()),
        reference("unit", UNIT),
    ),
    series=("by_year",),
    series_unit="USD/yr",
    label=(("line",), ("region",)),
    frozen=2,
)

FINANCING = Table(
    "Financing",
    "Financing sources and their envelopes by year. Variant blank: the case's own financing (every variant); "
    "a variant: extra financing of that variant only.",
    (
        Column("variant", ("variant",), choices="variants", note="blank: every variant; else that variant only"),
        Column("financing source", ("id",), note="an id of your choosing"),
        Column("name", ("name",)),
        Column(
            "eligible families",
            ("eligible_families",),
            "list",
            note=f"action families it may pay for, separated by ; (blank: all; {EMPTY_LIST}: none)",
        ),
        Column(
            "eligible interventions",
            ("eligible_interventions",),
            "list",
            note=f"interventions it may pay for besides those families, separated by ; ({EMPTY_LIST}: none)",
        ),
        *provenance("envelope", ("envelope_usd_by_year",)),
        reference("unit", UNIT),
    ),
    series=("envelope_usd_by_year", "by_year"),
    series_unit="USD/yr",
    label=(("id",),),
    frozen=2,
)

VARIANTS = Table(
    "Variants",
    "Target variants (e.g. unconditional and conditional); their targets are on the Targets sheet.",
    (
        Column("variant", ("id",), note="an id of your choosing"),
        Column("description", ("description",)),
        Column("net zero year", ("net_zero_year",), "whole", note="continue the pathway to zero in this year"),
    ),
    label=(("id",),),
)

TARGET_TYPES = ("below_bau", "below_base_year", "intensity", "absolute", "custom")
TARGETS = Table(
    "Targets",
    "Targets: one row per variant and target. Fill the columns the type uses; a custom target gives its cap "
    "in the year columns.",
    (
        Column("variant", ("variant",), choices="variants", note="a variant of the Variants sheet"),
        Column("type", ("type",), choices=TARGET_TYPES),
        Column("year", ("year",), "whole", note="the year the target applies to (not for custom)"),
        *quantity("cut", "%", ("percent",), note="percent below BAU, the reference year or its intensity (35 = 35 %)"),
        Column("reference year", ("reference_year",), "whole"),
        *quantity("reference emissions", "tCO2e/yr", ("reference_emissions_tco2e",)),
        *quantity("national reference emissions", "tCO2e/yr", ("national_reference_emissions_tco2e",)),
        *quantity("national base-year emissions", "tCO2e/yr", ("national_base_year_emissions_tco2e",)),
        Column("denominator", ("denominator",), choices="drivers", note="intensity targets: a driver"),
        *quantity("achieved by base year", "%", ("achieved_by_base_year_percent",)),
        *quantity("cap", "tCO2e/yr", ("cap_tco2e",), note="absolute targets"),
        *provenance("cap by year", ("cap_tco2e_by_year",)),
        reference("unit", UNIT),
    ),
    series=("cap_tco2e_by_year", "by_year"),
    series_unit="tCO2e/yr",
    label=(("variant",), ("type",), ("year",)),
    frozen=2,
)

RESOURCES = Table(
    "Resources",
    "Limits on delivery resources by year (e.g. engineering staff-months). A resource without a row is unlimited.",
    (
        Column("resource", ("id",), choices="resources", note="a resource of the library vocabulary"),
        *provenance("", ("limit_by_year",)),
        reference("unit", UNIT),
    ),
    series=("limit_by_year", "by_year"),
    label=(("id",),),
)


@dataclass(frozen=True)
class OverrideField:
    """A field of a library intervention that an Overrides row replaces."""

    kind: Kind | Literal["quantity"]
    """How the value cell is read; a quantity also takes low, high, source and estimate."""
    unit: str
    """The unit column's words (``{unit}``: what one unit of the intervention is)."""
    choices: str | tuple[str, ...] | None = None
    """A drop-down on the value cell."""


OVERRIDE_FIELDS: dict[str, OverrideField] = {
    "capex_usd_per_unit": OverrideField("quantity", "USD per {unit}"),
    "fixed_cost_usd": OverrideField("quantity", "USD"),
    "om_change_usd_per_unit_year": OverrideField("quantity", "USD per {unit} per year"),
    "lifetime_years": OverrideField("quantity", "years"),
    "lead_time_years": OverrideField("quantity", "years"),
    "max_share_per_year": OverrideField("quantity", "fraction of potential per year"),
    "potential_units": OverrideField("quantity", "{unit} (units)"),
    "potential.basis": OverrideField("text", "a facility type, or country", "bases"),
    "potential.units_per_basis": OverrideField("quantity", "{unit} per counted facility"),
    "capex_scales_with.source": OverrideField("text", "the source whose activity per unit sizes the capex", "sources"),
    "capex_scales_with.reference_activity_per_unit": OverrideField(
        "quantity", "the source's activity unit per {unit} per year, at which the capex holds"
    ),
    "capex_scales_with.exponent": OverrideField("quantity", "capex scale exponent, above 0, at most 1.5"),
    "capex_scales_with.scales_om": OverrideField("bool", "TRUE: the O&M change is sized too", BOOLEAN_CHOICES),
    "co_benefit_score": OverrideField("quantity", "score, 0 (none) to 3 (high)"),
    "resilience_score": OverrideField("quantity", "score, 0 (none) to 3 (high)"),
    "phase": OverrideField("text", "a phase id (Phases sheet)", "phases"),
    "complexity": OverrideField("whole", "1 quick win, 2 moderate, 3 complex"),
    "name": OverrideField("text", "display name"),
    "description": OverrideField("text", "text"),
    "unit": OverrideField("text", "what one deployed unit is"),
    "integer_units": OverrideField("bool", "TRUE: whole units only", BOOLEAN_CHOICES),
    "all_or_nothing": OverrideField("bool", "TRUE: the whole potential at once, or nothing", BOOLEAN_CHOICES),
    "group": OverrideField("text", "a group id (library, or Case groups sheet)", "groups"),
    "prerequisites": OverrideField("list", f"intervention ids, separated by ; ({EMPTY_LIST}: none)"),
    "kpis": OverrideField("list", f"indicators, separated by ; ({EMPTY_LIST}: none)"),
}
"""Fields of an intervention an Overrides row replaces, one row each (``potential.basis``: a field of the
intervention's ``potential``)."""
RESOURCE_FIELDS = {
    "resource_use_per_unit": "{resource} per {unit} built",
    "resource_use_per_start": "{resource} per programme start",
}
"""Mappings of resource use: one row per resource (the resource in its own column), replacing the whole
mapping; a row whose resource is ``(none)`` stands for an empty mapping."""
EFFECT_TYPES = {"fraction": "share", "change_per_unit_year": "activity", "change_share_of_unit_activity": "activity"}
"""The measure of an effect row and the effect type it makes."""
EFFECT_PREFIX = "effect: "
"""An Overrides row whose field is this and a measure (``effect: fraction``) is one effect."""
OVERRIDE_CHOICES = (*OVERRIDE_FIELDS, *RESOURCE_FIELDS, *(f"{EFFECT_PREFIX}{m}" for m in EFFECT_TYPES))
"""Everything the ``field`` column of the Overrides sheet may say."""
RESOURCE_USES = {"per unit": "resource_use_per_unit", "per start": "resource_use_per_start"}
"""The ``use`` column of the Case resource use sheet: plain words for the intervention's mappings."""


def row_value_columns(kind: Kind = "number", note: str = "in the unit of the unit column") -> tuple[Column, ...]:
    """The value, range and provenance of a row whose unit is in its unit column (overrides, effects)."""
    return (
        Column("value", ("value",), kind, note=note),
        Column("low", ("low",), "number", note="low end of the range (sweeps)"),
        Column("high", ("high",), "number", note="high end of the range (sweeps)"),
        Column("source", ("source",), role="provenance", note=SOURCE_NOTE),
        Column("estimate", ("estimate",), role="provenance", note=ESTIMATE_NOTE),
        grade_column("grade"),
    )


EFFECT_SOURCE_COLUMNS = (
    Column("acts on", ("acts_on",), choices="sources", note="effect rows: the emission source acted on"),
    Column(
        "relative to",
        ("relative_to",),
        choices="sources",
        note="effect rows with change_share_of_unit_activity: the source whose activity the share is of "
        "(blank: the source acted on)",
    ),
)

OVERRIDES = Table(
    "Overrides",
    "Country values replacing library defaults: one row per intervention and field. Effect rows, in order, "
    "replace the intervention's whole list of effects; resource rows its whole resource use.",
    (
        Column("intervention", ("intervention",), choices="interventions"),
        Column("field", ("field",), choices="override_fields", note="the field replaced (Ref vocabulary lists them)"),
        *row_value_columns("any"),
        *EFFECT_SOURCE_COLUMNS,
        Column(
            "resource",
            ("resource",),
            choices="resources",
            note=f"resource use rows: a resource of the library vocabulary ({EMPTY_LIST}: no resource use)",
        ),
        reference("unit", UNIT),
        reference("library value", "_library"),
    ),
    label=(("intervention",), ("field",), ("resource",)),
    frozen=2,
)

EXCLUSIONS = Table(
    "Exclusions",
    "Library interventions not available in this country (reported in screening).",
    (Column("intervention", ("id",), choices="interventions"), reference("name", "_name")),
    label=(("id",),),
)

# ------------------------------------------------------------------------------------------------ additions

CASE_INTERVENTIONS = Table(
    "Case interventions",
    "The case's own interventions (the library's schema plus the family), one per row; their effects and "
    "resource use are on the next sheets.",
    (
        Column("intervention", ("id",), note="an id of your choosing that the library does not have"),
        Column("family", ("family",), choices="families", note="one of the action families (Ref vocabulary)"),
        Column("name", ("name",)),
        Column("unit", ("unit",), note="what one deployed unit is (e.g. hospital, kWp, national programme)"),
        Column("phase", ("phase",), choices="phases", note="a phase of the Phases sheet: sets the earliest start"),
        Column("complexity", ("complexity",), "whole", note="1 quick win, 2 moderate, 3 needs project preparation"),
        Column("integer units", ("integer_units",), "bool", choices=BOOLEAN_CHOICES, note="TRUE: whole units only"),
        Column(
            "all or nothing",
            ("all_or_nothing",),
            "bool",
            choices=BOOLEAN_CHOICES,
            note="TRUE: the whole potential in the start year, or nothing (max share per year must be 1)",
        ),
        Column("group", ("group",), choices="groups", note="a group of the library or of the Case groups sheet"),
        Column(
            "prerequisites",
            ("prerequisites",),
            "list",
            note=f"interventions that must have started by the start year, separated by ; ({EMPTY_LIST}: none)",
        ),
        Column(
            "potential basis",
            ("potential", "basis"),
            choices="bases",
            note="a facility type (Facility stock), or country for one national programme",
        ),
        *quantity("units per basis", "units per facility", ("potential", "units_per_basis")),
        *quantity("capex", "USD per unit", ("capex_usd_per_unit",)),
        Column(
            "capex scales with",
            ("capex_scales_with", "source"),
            choices="sources",
            note="blank: the same capex per unit in every case; else the source whose activity per unit sizes it",
        ),
        *quantity(
            "capex reference activity",
            "source's activity unit per unit per year",
            ("capex_scales_with", "reference_activity_per_unit"),
            note="the activity per unit at which the capex holds (with capex scales with)",
        ),
        *quantity(
            "capex scale exponent",
            "dimensionless",
            ("capex_scales_with", "exponent"),
            note="above 0, at most 1.5; blank: 1 (in proportion)",
        ),
        Column(
            "O&M scales too",
            ("capex_scales_with", "scales_om"),
            "bool",
            choices=BOOLEAN_CHOICES,
            note="TRUE: the O&M change per unit is sized like the capex (blank: FALSE)",
        ),
        *quantity("programme cost", "USD", ("fixed_cost_usd",), note="one-off, in the start year"),
        *quantity("O&M change", "USD per unit per year", ("om_change_usd_per_unit_year",), note="negative: a saving"),
        *quantity("lifetime", "years", ("lifetime_years",)),
        *quantity("lead time", "years", ("lead_time_years",), note="from building to the first active year"),
        *quantity("max share per year", "fraction of potential", ("max_share_per_year",), note="the ramp limit"),
        *quantity("co-benefit score", "0-3", ("co_benefit_score",)),
        *quantity("resilience score", "0-3", ("resilience_score",)),
        Column("KPIs", ("kpis",), "list", note=f"indicators to monitor, separated by ; ({EMPTY_LIST}: none)"),
        Column("description", ("description",), note="what is done, and the physics behind the effects", blank=""),
    ),
    label=(("id",),),
)

CASE_EFFECTS = Table(
    "Case effects",
    "Effects of the case's own interventions: one row per effect, in order. A share removes a fraction of a "
    "source's emissions; a change moves a source's activity.",
    (
        Column("intervention", ("intervention",), choices="case_interventions"),
        Column("effect", ("effect",), choices=tuple(EFFECT_TYPES), note="what the value measures (see unit)"),
        *EFFECT_SOURCE_COLUMNS,
        *row_value_columns(),
        reference("unit", UNIT),
    ),
    label=(("intervention",), ("effect",)),
    frozen=2,
)

CASE_RESOURCES = Table(
    "Case resource use",
    "Delivery resources the case's own interventions use: one row per intervention, use and resource.",
    (
        Column("intervention", ("intervention",), choices="case_interventions"),
        Column("use", ("use",), choices=tuple(RESOURCE_USES), note="per unit built, or per programme start"),
        Column(
            "resource",
            ("resource",),
            choices="resources",
            note=f"a resource of the library vocabulary ({EMPTY_LIST}: none, value blank)",
        ),
        *row_value_columns(),
        reference("unit", UNIT),
    ),
    label=(("intervention",), ("use",), ("resource",)),
    frozen=3,
)

CASE_GROUPS = Table(
    "Case groups",
    "Groups of competing interventions the case adds: members (library or case interventions) name the group.",
    (
        Column("group", ("id",), note="an id of your choosing that the library does not have"),
        Column("name", ("name",)),
        Column(
            "max combined share",
            ("max_combined_share",),
            "number",
            note="most of the shared slice the members may cover together, above 0 and at most 1 (blank: 1)",
        ),
    ),
    label=(("id",),),
)

TABLES: tuple[Table, ...] = (
    SOURCES,
    DRIVERS,
    SOURCE_PATHS,
    FACILITY_STOCK,
    PHASES,
    MATURITY,
    BUDGET,
    FINANCING,
    VARIANTS,
    TARGETS,
    RESOURCES,
    OVERRIDES,
    EXCLUSIONS,
    CASE_INTERVENTIONS,
    CASE_EFFECTS,
    CASE_RESOURCES,
    CASE_GROUPS,
)
"""The table sheets, in workbook order (after Settings)."""

PROJECTS_SHEET = "Projects"
PROJECT_FILE_COLUMN = "file"
"""The Projects sheet's first column: the pipeline file a project goes to when converted back to YAML."""
PROJECTS_TITLE = (
    "Pipeline projects, one per row, in the columns of a pipeline file (docs/pipelines.md). These rows are the "
    "case's projects; 'file' names the pipeline file each goes to when converted back to YAML."
)

REF_INTERVENTIONS = "Ref interventions"
REF_VOCABULARY = "Ref vocabulary"
README_SHEET = "README"

LISTS = {
    "sources": "source ids of the library vocabulary",
    "facility_types": "facility types of the library vocabulary",
    "resources": "resources of the library vocabulary",
    "interventions": "intervention ids of the library and of the Case interventions sheet",
    "groups": "groups of the library and of the Case groups sheet",
    "bases": "potential bases: facility types of the library vocabulary, and country",
    "families": "the action families",
    "override_fields": "the fields an Overrides row replaces",
    "drivers": "drivers of the Drivers sheet",
    "variants": "variants of the Variants sheet",
    "phases": "phases of the Phases sheet",
    "case_sources": "sources of the Sources sheet",
    "case_interventions": "interventions of the Case interventions sheet",
}
"""Drop-down lists whose entries the writer finds in a sheet (the library's, or the case's own)."""

READINESS = READINESS_STAGES
