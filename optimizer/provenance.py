"""Step 0 of trust: list every number of the library and the cases with its value, unit, status and
source, and write ``docs/data-sources.md``. Run ``python -m optimizer.provenance`` after changing data; a
test fails when the file is stale.

Units come from :data:`UNITS`, keyed by (model, field); a test fails when a numeric field has no entry.
Placeholders are filled from the context: ``{unit}`` (the intervention's unit), ``{activity}`` (the
activity unit of the source in question), ``{basis}`` (the facility type's unit), ``{resource}`` (the
resource's unit)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .loading import DEFAULT_LIBRARY, GWP_FILE, VOCABULARY_FILE, Library, load_case, load_library
from .schema.base import GRADE_MEANINGS, GRADES, NOT_GRADED, Provenance, Quantity, YearSeries

ROOT = Path(__file__).resolve().parent.parent
DATA_SOURCES = ROOT / "docs" / "data-sources.md"

UNITS: dict[tuple[str, str], str] = {
    ("GasContent", "kg_per_activity_unit"): "kg per {activity}",
    ("Gas", "gwp100_ar5"): "kgCO2e per kg",
    ("Gas", "gwp100_ar6"): "kgCO2e per kg",
    ("ShareEffect", "fraction"): "fraction of the source's emissions at full deployment",
    ("ActivityEffect", "change_per_unit_year"): "{activity} per {unit} per year",
    ("ActivityEffect", "change_share_of_unit_activity"): "share of the country's activity per unit of potential",
    ("Potential", "units_per_basis"): "{unit} per {basis}",
    ("CapexScaling", "reference_activity_per_unit"): "{activity} per {unit} per year",
    ("CapexScaling", "exponent"): "dimensionless (cost scale exponent)",
    ("CapexScalingOverride", "reference_activity_per_unit"): "{activity} per {unit} per year",
    ("CapexScalingOverride", "exponent"): "dimensionless (cost scale exponent)",
    ("Intervention", "capex_usd_per_unit"): "USD per {unit}",
    ("Intervention", "fixed_cost_usd"): "USD",
    ("Intervention", "om_change_usd_per_unit_year"): "USD per {unit} per year",
    ("Intervention", "lifetime_years"): "years",
    ("Intervention", "lead_time_years"): "years",
    ("Intervention", "max_share_per_year"): "fraction of potential per year",
    ("Intervention", "co_benefit_score"): "score 0-3",
    ("Intervention", "resilience_score"): "score 0-3",
    ("Intervention", "resource_use_per_unit"): "{resource} per {unit}",
    ("Intervention", "resource_use_per_start"): "{resource} per programme start",
    ("InterventionOverride", "capex_usd_per_unit"): "USD per {unit}",
    ("InterventionOverride", "fixed_cost_usd"): "USD",
    ("InterventionOverride", "om_change_usd_per_unit_year"): "USD per {unit} per year",
    ("InterventionOverride", "lifetime_years"): "years",
    ("InterventionOverride", "lead_time_years"): "years",
    ("InterventionOverride", "max_share_per_year"): "fraction of potential per year",
    ("InterventionOverride", "potential_units"): "{unit}",
    ("InterventionOverride", "co_benefit_score"): "score 0-3",
    ("InterventionOverride", "resilience_score"): "score 0-3",
    ("InterventionOverride", "resource_use_per_unit"): "{resource} per {unit}",
    ("InterventionOverride", "resource_use_per_start"): "{resource} per programme start",
    ("PotentialOverride", "units_per_basis"): "{unit} per {basis}",
    ("Country", "population"): "persons",
    ("Case", "discount_rate"): "fraction per year",
    ("Case", "facility_stock"): "{basis}",
    ("GrowthPath", "annual_change"): "fraction per year",
    ("GrowthPath", "index_by_year"): "index (base year = 1)",
    ("Source", "emissions_tco2e"): "tCO2e per year",
    ("Source", "activity"): "{activity} per year",
    ("Source", "price_usd_per_unit"): "USD per {activity}",
    ("BaselineReference", "total_tco2e"): "tCO2e per year",
    ("BaselineReference", "scope_shares"): "fraction of the total by scope",
    ("Phase", "budget_usd"): "USD",
    ("FinancingSource", "envelope_usd_by_year"): "USD per year",
    ("Budget", "total_usd_by_year"): "USD per year",
    ("Budget", "regional_usd_by_year"): "USD per year, by region",
    ("Payback", "screen_max_years"): "years",
    ("Payback", "portfolio_max_years"): "years",
    ("Resource", "limit_by_year"): "{resource} per year",
    ("Maturity", "max_complexity_by_year"): "highest complexity level that may start (0-3)",
    ("BelowBauTarget", "percent"): "percent below BAU",
    ("BelowBaseYearTarget", "percent"): "percent below the reference level",
    ("BelowBaseYearTarget", "reference_emissions_tco2e"): "tCO2e per year",
    ("BelowBaseYearTarget", "national_reference_emissions_tco2e"): "tCO2e per year",
    ("BelowBaseYearTarget", "national_base_year_emissions_tco2e"): "tCO2e per year",
    ("IntensityTarget", "percent"): "percent below the reference intensity",
    ("IntensityTarget", "achieved_by_base_year_percent"): "percent",
    ("AbsoluteTarget", "cap_tco2e"): "tCO2e per year",
    ("CustomTarget", "cap_tco2e_by_year"): "tCO2e per year",
}
UNITS.update({("CaseIntervention", f): unit for (model, f), unit in list(UNITS.items()) if model == "Intervention"})
"""A case's own interventions have the library's intervention fields and units."""


@dataclass(frozen=True)
class NumberRow:
    file: str
    path: str
    value: str
    range: str
    unit: str
    status: str
    provenance: str
    grade: str = ""
    """A, B, C or D; empty when the number is not graded."""

    @property
    def is_definition(self) -> bool:
        """A grade-A "number" that is a definition (one unit = ...), exact by construction, not evidence."""
        return self.status == "sourced" and self.provenance.lower().startswith("definition")


class _Context(dict):
    def fill(self, template: str) -> str:
        out = template
        for key in ("unit", "activity", "basis", "resource"):
            out = out.replace("{" + key + "}", str(self.get(key, key)))
        return out


def _fmt(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e15 else f"{x:.4g}"


def _row_for(file: str, path: str, obj, unit: str, extra_values: str | None = None) -> NumberRow:
    if isinstance(obj, Quantity):
        value = _fmt(obj.value)
        rng = (
            ""
            if obj.low is None and obj.high is None
            else f"{_fmt(obj.low) if obj.low is not None else ''} to {_fmt(obj.high) if obj.high is not None else ''}"
        )
    elif isinstance(obj, YearSeries):
        value, rng = "; ".join(f"{y}: {_fmt(v)}" for y, v in sorted(obj.by_year.items())), ""
    else:
        value, rng = extra_values or "", ""
    text = (obj.source or obj.estimate).replace("\n", " ").replace("|", "\\|").strip()
    return NumberRow(file, path, value, rng, unit, obj.status, text, obj.grade or "")


def walk(model: BaseModel, file: str, path: str, ctx: _Context, rows: list[NumberRow], lib: Library) -> None:
    """Collect a row for every provenance-carrying number below ``model``."""
    name = type(model).__name__
    ctx = _Context(ctx)
    if name in ("Intervention", "CaseIntervention"):
        ctx["unit"] = model.unit
    if name == "Source":
        st = lib.source_type(model.id)
        ctx["activity"] = st.activity_unit if st else "activity unit"
    if name in ("ShareEffect", "ActivityEffect", "CapexScaling", "CapexScalingOverride"):
        st = lib.source_type(model.source)
        ctx["activity"] = st.activity_unit if st else "activity unit"
    if name == "SourceType" and model.activity_unit:
        ctx["activity"] = model.activity_unit
    if name == "Potential":
        ctx["basis"] = _facility_unit(lib, model.basis)
    if name == "Resource":
        ctx["resource"] = _resource_unit(lib, model.id)
    for field in type(model).model_fields:
        value = getattr(model, field)
        sub = f"{path}.{field}" if path else field
        unit = UNITS.get((name, field))
        if isinstance(value, (Quantity, YearSeries)):
            rows.append(_row_for(file, sub, value, ctx.fill(unit or "?")))
        elif isinstance(value, Provenance) and type(value).__name__ in ("Maturity", "BaselineReference"):
            walk_provenance_block(value, file, sub, rows)
        elif isinstance(value, BaseModel):
            walk(value, file, sub, ctx, rows, lib)
        elif isinstance(value, list):
            for k, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = getattr(item, "id", None) or k
                    walk(item, file, f"{sub}[{label}]", ctx, rows, lib)
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = _Context(ctx)
                if field == "facility_stock":
                    inner["basis"] = _facility_unit(lib, key)
                if field.startswith("resource_use"):
                    inner["resource"] = _resource_unit(lib, key)
                if isinstance(item, (Quantity, YearSeries)):
                    rows.append(_row_for(file, f"{sub}.{key}", item, inner.fill(unit or "?")))
                elif isinstance(item, BaseModel):
                    if type(model).__name__ == "Overrides" and key in lib.interventions:
                        inner["unit"] = lib.interventions[key].unit
                        inner["basis"] = _facility_unit(lib, lib.interventions[key].potential.basis)
                    elif type(model).__name__ == "Overrides":
                        inner["unit"] = "unit"
                    walk(item, file, f"{sub}.{key}", inner, rows, lib)


def walk_provenance_block(block: Provenance, file: str, path: str, rows: list[NumberRow]) -> None:
    name = type(block).__name__
    if name == "Maturity":
        values = "; ".join(f"{y}: {v}" for y, v in sorted(block.max_complexity_by_year.items()))
        rows.append(
            _row_for(
                file, f"{path}.max_complexity_by_year", block, UNITS[("Maturity", "max_complexity_by_year")], values
            )
        )
    else:
        rows.append(
            _row_for(
                file, f"{path}.total_tco2e", block, UNITS[("BaselineReference", "total_tco2e")], _fmt(block.total_tco2e)
            )
        )
        shares = "; ".join(f"scope {k}: {v:g}" for k, v in sorted(block.scope_shares.items()))
        rows.append(_row_for(file, f"{path}.scope_shares", block, UNITS[("BaselineReference", "scope_shares")], shares))


def _facility_unit(lib: Library, basis: str) -> str:
    if basis == "country":
        return "country"
    ft = next((f for f in lib.vocabulary.facility_types if f.id == basis), None)
    return ft.unit if ft else basis


def _resource_unit(lib: Library, rid: str) -> str:
    res = next((r for r in lib.vocabulary.resources if r.id == rid), None)
    return res.unit if res else rid


def library_rows(lib: Library) -> list[NumberRow]:
    rows: list[NumberRow] = []
    rel = lambda p: str(Path(p).resolve().relative_to(ROOT)) if Path(p).resolve().is_relative_to(ROOT) else str(p)  # noqa: E731
    vocab_file = rel(lib.root / VOCABULARY_FILE)
    for src in lib.vocabulary.sources:
        walk(src, vocab_file, f"sources[{src.id}]", _Context(), rows, lib)
    for gas in lib.gases.values():
        walk(gas, rel(lib.root / GWP_FILE), f"gases[{gas.id}]", _Context(), rows, lib)
    for iid, item in lib.interventions.items():
        walk(item, rel(lib.file_of[iid]), f"interventions[{iid}]", _Context(), rows, lib)
    return rows


def case_rows(path: Path, lib: Library) -> list[NumberRow]:
    loaded = load_case(path, library=lib)
    rows: list[NumberRow] = []
    full = path.resolve()
    shown = str(full.relative_to(ROOT)) if full.is_relative_to(ROOT) else str(path)
    walk(loaded.case, shown, "", _Context(), rows, lib)
    return rows


def bundled_case_files() -> list[Path]:
    """Every case file under ``cases/`` (country cases and examples), not the manifest nor an actuals file."""
    from .inputs import InputKind, kind_of

    return sorted(
        p for p in (ROOT / "cases").rglob("*.yaml") if p.name != "manifest.yaml" and kind_of(p) is InputKind.CASE
    )


def grade_counts(rows: list[NumberRow]) -> dict[str, int]:
    """Numbers per grade (A-D, then "not graded"), and "definitions" among the A numbers."""
    counts = {g: sum(r.grade == g for r in rows) for g in GRADES}
    counts[NOT_GRADED] = sum(r.grade not in GRADES for r in rows)
    counts["definitions"] = sum(r.grade == "A" and r.is_definition for r in rows)
    return counts


def _count_cells(rows: list[NumberRow]) -> list[str]:
    c = grade_counts(rows)
    n = len(rows) or 1
    cells = [f"{c[g]} ({100 * c[g] / n:.0f} %)" for g in GRADES]
    return [str(len(rows)), *cells, f"{c['definitions']}", str(c[NOT_GRADED])]


def grade_summary(sections: list[tuple[str, list[NumberRow]]]) -> list[str]:
    """The grade legend and a table of counts per grade for each section and in all."""
    lines = ["## Quality grades", ""]
    lines += [f"- **{g}**: {GRADE_MEANINGS[g]}." for g in GRADES]
    lines += [
        "",
        "A definition is counted as grade A (it is exact) but is not evidence: the definitions column shows "
        "how many of the A numbers are definitions. A number without a grade is counted as not graded, "
        "never assumed to have one.",
        "",
        "| numbers of | all | A | B | C | D | of A: definitions | not graded |",
        "|---|---|---|---|---|---|---|---|",
    ]
    all_rows = [r for _, rows in sections for r in rows]
    case_rows_ = [r for title, rows in sections if title.startswith("Case") for r in rows]
    for title, rows in [*sections, ("All cases", case_rows_), ("All", all_rows)]:
        lines.append("| " + " | ".join([title, *_count_cells(rows)]) + " |")
    lines.append("")
    return lines


def render_data_sources() -> str:
    lib = load_library(DEFAULT_LIBRARY)
    sections = [("Intervention library", library_rows(lib))]
    sections += [(f"Case `{p.name}`", case_rows(p, lib)) for p in bundled_case_files()]
    all_rows = [r for _, rows in sections for r in rows]
    sourced = sum(r.status == "sourced" for r in all_rows)
    counts = grade_counts(all_rows)
    lines = [
        "# Data sources",
        "",
        "Generated by `python -m optimizer.provenance` from the provenance fields of `intervention_library/` "
        "and `cases/`; do not edit by hand.",
        "",
        f"{len(all_rows)} numbers: {sourced} with a source, {len(all_rows) - sourced} marked as estimates. "
        'A source marked "(unverified, R)" is attributed to a publication but was not confirmed from an '
        "excerpt: check it before quoting.",
        "",
        f"By quality grade: {counts['A']} A (checked primary source; {counts['definitions']} of them are "
        f"definitions), {counts['B']} B (named source, not checked), {counts['C']} C (derived from cited "
        f"numbers), {counts['D']} D (judgement with no citation), {counts[NOT_GRADED]} not graded.",
        "",
        *grade_summary(sections),
    ]
    for title, rows in sections:
        lines += [
            f"## {title}",
            "",
            "| file | field | value | range | unit | status | grade | source or estimate |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.file} | `{r.path}` | {r.value} | {r.range} | {r.unit} | {r.status} | {r.grade or NOT_GRADED} "
            f"| {r.provenance} |"
            for r in rows
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    DATA_SOURCES.write_text(render_data_sources())
    print(f"wrote {DATA_SOURCES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
