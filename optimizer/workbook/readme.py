"""The README sheet: what the workbook is, how to edit it, what each sheet holds and how to convert it back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import layout as L

if TYPE_CHECKING:
    from ..schema import Case

Line = tuple[str, str]


def readme_lines(case: Case, name: str, has_projects: bool) -> list[Line]:
    """The README sheet, one (heading, text) pair per row."""
    stem = Path(name).stem
    commands = ("validate", "solve", "pipeline" if has_projects else "explain", "report")
    lines: list[Line] = [
        ("noregret workbook", case.name),
        ("", ""),
        (
            "What this is",
            "This workbook is a noregret case. Every command that takes a case file takes it as it is: "
            + ", ".join(f"noregret {command} {name}" for command in commands)
            + ". noregret reads the sheets and checks them exactly as it checks a case YAML file; a mistake is "
            "reported with its sheet and cell (e.g. Budget!C7), the value found and what was expected.",
        ),
        (
            "Convert back",
            f"noregret workbook {name} --out {stem}.yaml writes the case as YAML"
            + (" and its projects as pipeline files (CSV) beside it." if has_projects else ".")
            + " The workbook is checked first: a workbook with mistakes is not converted.",
        ),
        ("", ""),
        ("How to edit", ""),
        (
            "Rows and headers",
            "Row 1 says what a sheet holds, row 2 names the columns (do not rename them), records "
            "start in row 3. Add a record by filling a new row; delete one by clearing or deleting its row. Blank "
            "rows are skipped.",
        ),
        (
            "Blank cells",
            "A blank cell leaves the value out: an optional value takes its default (Settings: "
            "'when blank'), a required one is reported as missing.",
        ),
        (
            "Numbers",
            "Every number carries its provenance: fill its 'source' (a citation) or its 'estimate' (why "
            "and how it was estimated), not both. 'low' and 'high' give the range used by sensitivity "
            "sweeps. Type plain numbers: no thousands separators, units or words.",
        ),
        (
            "Percent cells",
            "Columns shown as percent (annual changes, the discount rate, scope shares) hold "
            "fractions: type 5% (or 0.05) for 5 %. Target cuts are plain percents: type 35 for "
            "35 %.",
        ),
        (
            "Years",
            "Values by year are in columns headed by the year. Add a year by typing it in a new header "
            "cell at the right; a blank year cell means no entry for that year.",
        ),
        (
            "Drop-downs",
            "Id and choice columns offer drop-downs. A value typed over one is checked by noregret and "
            "refused when it is not a known id or choice.",
        ),
        (
            "Lists",
            f"A cell holding several ids (or KPIs) separates them with '{L.LIST_SEPARATOR}'; '{L.EMPTY_LIST}' is an "
            "empty list.",
        ),
        ("Yes or no", "Cells such as 'integer units' hold TRUE or FALSE (yes and no are read too)."),
        (
            "Own interventions",
            "The case's own interventions are one row each on 'Case interventions'; their effects (in order) are "
            "on 'Case effects' and their resource use on 'Case resource use', one row each; new groups on "
            "'Case groups'. Changes to a library intervention go on 'Overrides', one row per field.",
        ),
        ("Grey columns", "Units and library values in grey are for reference: noregret does not read them."),
        (
            "Other sheets",
            f"Sheets starting with '{L.REFERENCE_PREFIX}' are reference (read-only, not read). "
            f"Keep notes in sheets whose name starts with '{L.NOTES_PREFIX}'; any other sheet name "
            "is an error (a misspelt sheet would otherwise be ignored).",
        ),
        ("", ""),
        ("Sheets", ""),
        (L.SETTINGS_SHEET, L.SETTINGS_TITLE),
        *((table.sheet, table.title) for table in L.TABLES),
    ]
    lines.append((L.PROJECTS_SHEET, _projects_text(has_projects)))
    lines += [
        (L.REF_INTERVENTIONS, "Reference: the library's interventions (id, name, family, unit, per-unit defaults)."),
        (
            L.REF_VOCABULARY,
            "Reference: the ids the drop-downs offer (sources, facility types, resources, action families, "
            "potential bases, groups, interventions, override fields), with what each means.",
        ),
    ]
    return lines


def _projects_text(has_projects: bool) -> str:
    rule = (
        "The workbook is self-contained: its projects are the rows of the Projects sheet, and the pipeline files "
        "named in Settings are not read while the sheet is there. Each project's 'file' column names the "
        "pipeline file it is written to when the workbook is converted back to YAML (blank: the first listed "
        "file). Without a Projects sheet, the pipeline files named in Settings are read, relative to the workbook."
    )
    if has_projects:
        return f"The case's pipeline projects (columns as in docs/pipelines.md). {rule}"
    return (
        f"(Not in this workbook: the case has no pipeline projects.) To add projects, add a sheet named "
        f"Projects with the 'file' column and the columns of a pipeline file (docs/pipelines.md). {rule}"
    )
