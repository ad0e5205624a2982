"""The planner's workbook holds a case's own interventions and groups and every override field: they read back
as the same case, and mistakes in them are reported at their sheet and cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from optimizer.bundled import case_files
from optimizer.loading import load_case
from optimizer.pyomo_backend import solve
from optimizer.schema.case import CapexScalingOverride, CaseIntervention, InterventionOverride, PotentialOverride
from optimizer.workbook import convert
from optimizer.workbook import layout as L
from optimizer.yaml_io import read_yaml_mapping

from .test_workbook import _edited, _find, _problems


def q(value: float, **provenance) -> dict:
    return {"value": value, **(provenance or {"estimate": "test"})}


def _biogas() -> dict:
    """A case intervention with every field of the schema given."""
    return {
        "id": "hospital_biogas_digester",
        "family": "waste",
        "name": "Hospital biogas digester",
        "description": "An on-site digester for food waste; the gas replaces boiler fuel.\nA second line.",
        "unit": "hospital",
        "phase": "pipeline",
        "complexity": 2,
        "integer_units": True,
        "all_or_nothing": False,
        "group": "organic_waste",
        "prerequisites": ["waste_segregation"],
        "effects": [
            {"type": "share", "source": "food", "fraction": q(0.1, source="a study")},
            {
                "type": "activity",
                "source": "grid_electricity",
                "relative_to": "heat_fuel",
                "change_share_of_unit_activity": q(-0.03, low=-0.05, high=-0.01, estimate="t"),
            },
        ],
        "capex_usd_per_unit": q(60000, low=40000, high=90000, estimate="t"),
        "capex_scales_with": {
            "source": "heat_fuel",
            "reference_activity_per_unit": q(1500, source="a sizing study"),
            "exponent": q(0.8, low=0.7, high=1.0, estimate="judgement"),
            "scales_om": True,
        },
        "fixed_cost_usd": q(0),
        "om_change_usd_per_unit_year": q(-500.5),
        "lifetime_years": q(15),
        "lead_time_years": q(1),
        "potential": {"basis": "hospitals", "units_per_basis": q(0.5)},
        "max_share_per_year": q(0.25),
        "co_benefit_score": q(2),
        "resilience_score": q(1.5),
        "resource_use_per_unit": {"engineering_staff_months": q(1.5, low=1, high=2, estimate="t")},
        "resource_use_per_start": {"engineering_staff_months": q(3, source="s")},
        "kpis": ["digesters running", "biogas share of boiler fuel"],
    }


def _campaign() -> dict:
    """A national programme, all or nothing, with empty lists and mappings given as such."""
    return {
        "id": "national_energy_campaign",
        "family": "buildings",
        "name": "National energy campaign",
        "description": "",
        "unit": "national programme",
        "phase": "quick_wins",
        "complexity": 1,
        "all_or_nothing": True,
        "integer_units": False,
        "prerequisites": [],
        "effects": [{"type": "activity", "source": "grid_electricity", "change_per_unit_year": q(-100)}],
        "capex_usd_per_unit": q(10000),
        "fixed_cost_usd": q(5000),
        "om_change_usd_per_unit_year": q(0),
        "lifetime_years": q(5),
        "lead_time_years": q(0),
        "potential": {"basis": "country", "units_per_basis": q(1)},
        "max_share_per_year": q(1),
        "co_benefit_score": q(0),
        "resilience_score": q(0),
        "resource_use_per_unit": {},
        "kpis": [],
    }


EVERY_OVERRIDE = {
    "capex_usd_per_unit": q(900, low=700, high=1200, source="a quote"),
    "fixed_cost_usd": q(20000),
    "om_change_usd_per_unit_year": q(-50),
    "lifetime_years": q(10),
    "lead_time_years": q(1),
    "max_share_per_year": q(1),
    "potential_units": q(150),
    "potential": {"basis": "beds", "units_per_basis": q(0.01)},
    "capex_scales_with": {
        "source": "grid_electricity",
        "reference_activity_per_unit": q(1000, estimate="a national survey"),
        "exponent": q(1.0),
        "scales_om": False,
    },
    "phase": "pipeline",
    "complexity": 2,
    "name": "LED lighting (national tender)",
    "description": "One national tender.",
    "unit": "hospital (tender lot)",
    "integer_units": True,
    "all_or_nothing": True,
    "group": "own_cap",
    "prerequisites": ["waste_segregation", "bms_smart_controls"],
    "kpis": ["lots awarded"],
    "co_benefit_score": q(1),
    "resilience_score": q(0.5),
    "resource_use_per_unit": {"engineering_staff_months": q(0.25)},
    "resource_use_per_start": {},
    "effects": [{"type": "activity", "source": "grid_electricity", "change_share_of_unit_activity": q(-0.05)}],
}
"""An override of every field of a library intervention."""


def additions_case(folder: Path) -> Path:
    """The demo case with its own interventions and groups, and overrides of every field."""
    data = read_yaml_mapping(case_files()["demo"])
    data["groups"] = [
        {"id": "organic_waste", "name": "Organic waste treatment", "max_combined_share": 0.8},
        {"id": "own_cap", "name": "A cap of its own"},
    ]
    data["interventions"] = [_biogas(), _campaign()]
    data["overrides"] = {
        "exclude": ["renewable_ppa"],
        "interventions": {
            "led_lighting_retrofit": EVERY_OVERRIDE,
            "food_waste_reduction": {"group": "organic_waste", "prerequisites": [], "kpis": []},
            "electric_ambulances": {"integer_units": False, "potential": {"units_per_basis": q(0.5)}},
            "hospital_biogas_digester": {"complexity": 3},
        },
    }
    path = folder / "additions.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


@pytest.fixture(scope="module")
def additions(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The additions case, its workbook, and the workbook written back as YAML."""
    folder = tmp_path_factory.mktemp("additions")
    case = additions_case(folder)
    book = convert(case, folder / "additions.xlsx")[0]
    back = convert(book, folder / "back" / "additions.yaml")[0]
    return case, book, back


# ------------------------------------------------------------------------------------------------ round trips


def test_the_test_case_gives_every_field():
    assert set(EVERY_OVERRIDE) == set(InterventionOverride.model_fields)
    assert set(EVERY_OVERRIDE["potential"]) == set(PotentialOverride.model_fields)
    assert set(EVERY_OVERRIDE["capex_scales_with"]) == set(CapexScalingOverride.model_fields)
    assert set(_biogas()) == set(CaseIntervention.model_fields)


def test_additions_and_every_override_field_round_trip(additions):
    case, book, back = additions
    original = load_case(case).case.model_dump(exclude_unset=True, exclude={"library"})
    for path in (book, back):
        assert load_case(path).case.model_dump(exclude_unset=True, exclude={"library"}) == original
    text = back.read_text()
    assert text.index("groups:") < text.index("interventions:\n  - id: hospital_biogas") < text.index("overrides:")
    assert "  - id: hospital_biogas_digester\n    family: waste\n" in text


def test_the_sheets_have_a_place_for_every_field_of_the_schema():
    overridden = {name.split(".")[0] for name in L.OVERRIDE_FIELDS} | set(L.RESOURCE_FIELDS) | {"effects"}
    assert overridden == set(InterventionOverride.model_fields)
    potential = {name.split(".")[1] for name in L.OVERRIDE_FIELDS if name.startswith("potential.")}
    assert potential == set(PotentialOverride.model_fields)
    columns = {c.key[0] for c in L.CASE_INTERVENTIONS.columns} | set(L.RESOURCE_FIELDS) | {"effects"}
    assert columns == set(CaseIntervention.model_fields)
    assert set(L.RESOURCE_USES.values()) == set(L.RESOURCE_FIELDS)


@pytest.mark.slow
def test_a_workbook_with_additions_solves_as_its_yaml(additions):
    case, book, _ = additions
    results = [solve(load_case(path)) for path in (case, book)]
    assert "hospital_biogas_digester" in set(results[1].screening["intervention"])
    summaries = [result.summary for result in results]
    for summary in summaries:
        summary.pop("metadata")
    assert json.dumps(summaries[0], sort_keys=True, default=str) == json.dumps(
        summaries[1], sort_keys=True, default=str
    )


# ------------------------------------------------------------------------------------------------ the sheets


def test_additions_sheets_and_their_drop_downs(additions):
    book = load_workbook(additions[1])
    rules = {
        sheet: {str(dv.sqref): dv.formula1 for dv in book[sheet].data_validations.dataValidation}
        for sheet in ("Case interventions", "Case effects", "Case resource use", "Overrides")
    }
    ref = "'Ref vocabulary'!"
    interventions = rules["Case interventions"]
    assert interventions["B3:B205"].startswith(ref)  # families
    assert interventions["E3:E205"] == "'Phases'!$A$3:$A$205"
    assert interventions["G3:G205"] == '"TRUE,FALSE"'
    assert interventions["I3:I205"].startswith(ref)  # groups
    assert rules["Case effects"]["A3:A206"] == "'Case interventions'!$A$3:$A$204"
    assert rules["Case resource use"]["B3:B206"] == '"per unit,per start"'
    overrides = rules["Overrides"]
    row = _find(additions[1], "Overrides", "phase", 2)
    assert overrides[f"C{row}"] == "'Phases'!$A$3:$A$205"  # a value cell's drop-down follows its field
    sheet = book["Case interventions"]
    assert sheet["A2"].value == "intervention" and sheet["L2"].value == "units per basis (units per facility)"
    assert sheet["G3"].value is True and sheet["J4"].value == "(none)"
    resources = book["Case resource use"]
    assert [resources.cell(row=5, column=c).value for c in (1, 2, 3)] == [
        "national_energy_campaign",
        "per unit",
        "(none)",
    ]
    vocabulary = book["Ref vocabulary"]
    groups = next(c for c in range(1, vocabulary.max_column + 1) if vocabulary.cell(row=2, column=c).value == "group")
    mirrored = vocabulary.cell(row=3 + len(load_case("demo").library.groups), column=groups).value
    assert mirrored == "='Case groups'!A3&\"\""


# ------------------------------------------------------------------------------------------------ mistakes


ADDITION_MISTAKES = [
    ({"'Case interventions'!R3": "60,000"}, "'Case interventions'!R3 (hospital_biogas_digester: capex (USD per "
     "unit)): got '60,000'; expected a number"),
    ({"'Case interventions'!B3": "rubbish"}, "'Case interventions'!B3 (hospital_biogas_digester: family): got "
     "'rubbish'; expected 'inhalers_anaesthetics'"),
    ({"'Case interventions'!G3": "maybe"}, "'Case interventions'!G3 (hospital_biogas_digester: integer units): got "
     "'maybe'; expected TRUE or FALSE (or yes or no)"),
    ({"'Case interventions'!I3": "organic"}, "'Case interventions'!I3 (hospital_biogas_digester: group): got "
     "'organic'; expected a group of the library or of the case's groups"),
    ({"'Case interventions'!K3": "clinics"}, "'Case interventions'!K3 (hospital_biogas_digester: potential basis): "
     "got 'clinics'; expected a facility type in vocabulary.yaml or 'country'"),
    ({"'Case interventions'!J3": "waste_segregation; nothing_here"}, "'Case interventions'!J3 "
     "(hospital_biogas_digester: prerequisites; field 1): got 'nothing_here'"),
    ({"'Case groups'!A4": "hospital_rooftop_pv"}, "'Case groups'!A4 (hospital_rooftop_pv: group): got "
     "'hospital_rooftop_pv'; expected an id the library does not have"),
    ({"'Case effects'!C3": "food_waste"}, "'Case effects'!C3 (hospital_biogas_digester fraction: acts on): got "
     "'food_waste'; expected a source in vocabulary.yaml"),
    ({"'Case effects'!A4": "led_lighting_retrofit"}, "'Case effects'!A4 (led_lighting_retrofit "
     "change_share_of_unit_activity: intervention): got 'led_lighting_retrofit'; expected an intervention of the "
     "Case interventions sheet ['hospital_biogas_digester', 'national_energy_campaign']; the effects of a library "
     "intervention: the Overrides sheet"),
    ({"'Case effects'!B4": "share"}, "'Case effects'!B4 (hospital_biogas_digester share: effect): got 'share'; "
     "expected one of ['fraction', 'change_per_unit_year', 'change_share_of_unit_activity']"),
    ({"'Case effects'!E3": 1.5}, "'Case effects'!E3 (hospital_biogas_digester fraction: value): got {'value': 1.5}; "
     "expected a number in (0, 1]"),
    ({"'Case resource use'!C3": "nurses"}, "'Case resource use'!C3 (hospital_biogas_digester per unit nurses: "
     "resource): got 'nurses'; expected a resource in vocabulary.yaml"),
    ({"'Case resource use'!B3": "per year"}, "'Case resource use'!B3 (hospital_biogas_digester per year "
     "engineering_staff_months: use): got 'per year'; expected one of ['per unit', 'per start']"),
    ({"'Case resource use'!B4": "per unit"}, "'Case resource use'!C4 (hospital_biogas_digester per unit "
     "engineering_staff_months: resource): got 'engineering_staff_months'; expected each resource once in an "
     "intervention's use"),
    ({"'Case resource use'!C4": "(none)"}, "'Case resource use'!D4 (hospital_biogas_digester per start (none): "
     "value): got 3; expected a blank cell (the resource is (none): no resource use)"),
    ({"'Case groups'!C3": 2}, "'Case groups'!C3 (organic_waste: max combined share): got 2; expected less than or "
     "equal to 1"),
]  # fmt: skip


@pytest.mark.parametrize(("edits", "expected"), ADDITION_MISTAKES)
def test_mistakes_in_additions_at_their_cells(tmp_path, additions, edits, expected):
    path = _edited(tmp_path, additions[1], edits)
    problems = _problems(path)
    assert any(expected in p for p in problems), problems


def _override_row(book: Path, intervention: str, field: str) -> int:
    ws = load_workbook(book)["Overrides"]
    return next(
        r
        for r in range(3, ws.max_row + 1)
        if ws.cell(row=r, column=1).value == intervention and ws.cell(row=r, column=2).value == field
    )


OVERRIDE_MISTAKES = [
    ("potential.basis", "clinics", "): got 'clinics'; expected a facility type in vocabulary.yaml or 'country'"),
    ("integer_units", "perhaps", "): got 'perhaps'; expected TRUE or FALSE (or yes or no)"),
    ("group", "no_group", "): got 'no_group'; expected a group of the library or of the case's groups"),
    ("prerequisites", "waste_segregation; led_lighting_retrofit", "; field 1): got 'led_lighting_retrofit'; "
     "expected another intervention"),
    ("name", None, "): got '<blank>'; expected the value replacing name (display name)"),
    ("complexity", 2.5, "): got 2.5; expected a valid integer"),
    ("lifetime_years", "ten", "): got 'ten'; expected a number"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value", "expected"), OVERRIDE_MISTAKES)
def test_mistakes_in_override_fields_at_their_value_cell(tmp_path, additions, field, value, expected):
    row = _override_row(additions[1], "led_lighting_retrofit", field)
    path = _edited(tmp_path, additions[1], {f"Overrides!C{row}": value})
    problems = _problems(path)
    assert any(f"Overrides!C{row} (led_lighting_retrofit {field}: value{expected}" in p for p in problems), problems


def test_an_override_row_uses_only_its_own_cells(tmp_path, additions):
    book = additions[1]
    group = _override_row(book, "food_waste_reduction", "group")
    resource = _override_row(book, "led_lighting_retrofit", "resource_use_per_unit")
    path = _edited(tmp_path, book, {f"Overrides!I{group}": "food", f"Overrides!I{resource}": "food"})
    problems = _problems(path)
    assert any(
        f"Overrides!I{group} (food_waste_reduction group: acts on): got 'food'; expected a blank" in p for p in problems
    )
    assert any(
        f"Overrides!I{resource} (led_lighting_retrofit resource_use_per_unit engineering_staff_months: acts on)" in p
        for p in problems
    )


def test_no_resource_use_as_an_override(tmp_path, additions):
    row = _override_row(additions[1], "led_lighting_retrofit", "resource_use_per_unit")
    path = _edited(
        tmp_path, additions[1], {f"Overrides!K{row}": "(none)", f"Overrides!C{row}": None, f"Overrides!G{row}": None}
    )
    overrides = load_case(path).case.overrides.interventions["led_lighting_retrofit"]
    assert overrides.resource_use_per_unit == {} and overrides.resource_use_per_start == {}
