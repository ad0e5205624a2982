"""The planner's workbook: a case as an .xlsx workbook, read back as the same case, taken by every command,
and every mistake in it reported at its sheet and cell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from optimizer.bundled import case_files, library_dir
from optimizer.cli import main
from optimizer.errors import InputError, Problem
from optimizer.loading import load_case
from optimizer.pyomo_backend import solve
from optimizer.workbook import convert, is_workbook, read_workbook
from optimizer.workbook.cells import Cell, without_repeats
from optimizer.workbook.layout import SETTINGS, TABLES
from optimizer.workbook.writing import number_format
from optimizer.workbook.yaml_out import case_yaml
from optimizer.yaml_io import read_yaml_mapping

BUNDLED = sorted(name for name in case_files() if name != "manifest")


def _comparable(case):
    """A case with its library path resolved (a converted file names the same library from elsewhere) and no
    pipeline files (a workbook holds its projects in its Projects sheet)."""
    return case.model_copy(update={"library": None, "pipelines": []})


def _library_of(loaded) -> Path:
    return loaded.library.root.resolve()


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """The demo and the pipeline example written as workbooks, and those workbooks written back as YAML."""
    out = tmp_path_factory.mktemp("workbooks")
    return {name: _round_trip(name, out) for name in ("demo", "georgia_pipeline")}


def _round_trip(name: str, out: Path) -> tuple[Path, Path]:
    book = convert(Path(name), out / f"{name}.xlsx")[0]
    back = convert(book, out / "back" / f"{name}.yaml")[0]
    return book, back


def _edited(tmp_path: Path, source: Path, edits: dict[str, object], name: str = "edited.xlsx") -> Path:
    """A copy of a workbook with cells changed (``{"Budget!C7": 5}``; None clears a cell)."""
    path = tmp_path / name
    shutil.copy(source, path)
    book = load_workbook(path)
    for ref, value in edits.items():
        sheet, cell = ref.rsplit("!", 1)
        book[sheet.strip("'")][cell] = value
    book.save(path)
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_case(path)
    return [str(p) for p in err.value.problems]


def _find(book: Path, sheet: str, text: str, column: int = 1) -> int:
    """The row of a sheet whose cell in ``column`` holds ``text``."""
    ws = load_workbook(book)[sheet]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=column).value == text)


# ------------------------------------------------------------------------------------------------ round trips


@pytest.mark.slow
@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_case_round_trips(tmp_path, name):
    original = load_case(name)
    book, back = _round_trip(name, tmp_path)
    from_book = load_case(book)
    from_yaml = load_case(back)
    assert _comparable(from_book.case) == _comparable(original.case)
    assert _comparable(from_yaml.case) == _comparable(original.case)
    assert _library_of(from_book) == _library_of(original) == _library_of(from_yaml)
    assert from_yaml.case.pipelines == original.case.pipelines
    expected = original.case.model_dump(exclude_unset=True, exclude={"library"})
    assert from_yaml.case.model_dump(exclude_unset=True, exclude={"library"}) == expected


def test_demo_round_trips(converted):
    book, back = converted["demo"]
    assert load_case(book).case == load_case("demo").case
    assert load_case(back).case == load_case("demo").case


def test_pipeline_example_keeps_its_projects(converted):
    original = load_case("georgia_pipeline")
    book, back = converted["georgia_pipeline"]
    from_book, from_yaml = load_case(book), load_case(back)
    frame = original.projects.frame.drop(columns=["file"])
    assert from_yaml.projects.frame.drop(columns=["file"]).equals(frame)
    assert from_book.projects.frame.drop(columns=["file", "row"]).equals(frame.drop(columns=["row"]))
    assert from_book.case.pipelines == []  # the workbook's projects are its Projects sheet
    assert (back.parent / "georgia_hospitals.csv").is_file()
    assert read_workbook(book).pipelines == ["georgia_hospitals.csv"]


def test_without_a_projects_sheet_the_listed_files_are_read(tmp_path, converted):
    book = tmp_path / "book" / "pipeline.xlsx"
    book.parent.mkdir()
    shutil.copy(converted["georgia_pipeline"][0], book)
    shutil.copy(case_files()["georgia_pipeline"].parent / "georgia_hospitals.csv", book.parent)
    edited = load_workbook(book)
    del edited["Projects"]
    edited.save(book)
    assert len(load_case(book).projects) == 300
    back = convert(book, tmp_path / "back" / "pipeline.yaml")[0]
    assert read_yaml_mapping(back)["pipelines"] == ["../book/georgia_hospitals.csv"]
    assert len(load_case(back).projects) == 300


def _everything(tmp_path: Path) -> Path:
    """The demo case with every part of the schema the bundled cases leave out."""
    data = read_yaml_mapping(case_files()["demo"])
    data["library"] = str(library_dir())
    data["drivers"]["gdp"] = {"index_by_year": {"by_year": {2025: 1.04, 2030: 1.3}, "estimate": "test"}}
    data["sources"][0]["price_path"] = {"annual_change": {"value": 0.02, "estimate": "test"}}
    data["sources"][1]["factor_path"] = {"index_by_year": {"by_year": {2026: 0.9, 2035: 0.5}, "source": "test"}}
    data["phases"][2]["budget_usd"] = {"value": 2.5e6, "low": 1e6, "high": 3e6, "estimate": "test"}
    data["phases"][2]["last_start_year"] = 2030
    data["payback"]["screen_max_years"] = {"value": 15, "estimate": "test"}
    data["target_rules"]["shortfall_penalty_usd_per_tco2e"] = 50_000.0
    data["objective"] = {"kind": "weighted", "weights": {"abatement": 2.0, "npv": 0.5, "co_benefit": 0.25}}
    data["solver"] = {"time_limit_seconds": 30, "mip_rel_gap": 1e-4, "random_seed": 7}
    data["budget"]["financing"][1]["eligible_interventions"] = ["led_lighting_retrofit"]
    data["budget"]["regional_usd_by_year"] = {
        "North Region": {"by_year": {y: 1e5 for y in range(2026, 2031)}, "estimate": "test"}
    }
    data["variants"]["sector_plan"]["net_zero_year"] = 2050
    data["variants"]["other"] = {
        "description": "every target type",
        "targets": [
            {"type": "intensity", "year": 2028, "percent": {"value": 10, "estimate": "t"}, "denominator": "gdp",
             "reference_year": 2010, "achieved_by_base_year_percent": {"value": 5, "low": 2, "high": 8, "source": "t"}},
            {"type": "below_base_year", "year": 2029, "percent": {"value": 3, "estimate": "t"}, "reference_year": 2020,
             "reference_emissions_tco2e": {"value": 390000, "estimate": "t"}},
            {"type": "absolute", "year": 2030, "cap_tco2e": {"value": 380000, "estimate": "t"}},
            {"type": "custom", "cap_tco2e_by_year": {"by_year": {2031: 370000.5, 2035: 300000}, "estimate": "t"}},
        ],
    }  # fmt: skip
    data["overrides"] = {
        "exclude": ["renewable_ppa", "plant_forward_menus"],
        "interventions": {
            "led_lighting_retrofit": {
                "fixed_cost_usd": {"value": 20000, "estimate": "t"},
                "lifetime_years": {"value": 10, "estimate": "t"},
                "lead_time_years": {"value": 1, "estimate": "t"},
                "max_share_per_year": {"value": 0.25, "estimate": "t"},
                "potential_units": {"value": 150, "estimate": "t"},
                "phase": "pipeline",
                "complexity": 2,
            },
            "food_waste_reduction": {
                "effects": [{"type": "share", "source": "food", "fraction": {"value": 0.05, "estimate": "t"}}]
            },
        },
    }
    path = tmp_path / "everything.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def test_every_part_of_the_schema_round_trips(tmp_path):
    case = _everything(tmp_path)
    original = load_case(case)
    book = convert(case, tmp_path / "out" / "everything.xlsx")[0]
    back = convert(book, tmp_path / "back" / "everything.yaml")[0]
    for path in (book, back):
        loaded = load_case(path)
        assert _comparable(loaded.case) == _comparable(original.case)
        assert _library_of(loaded) == _library_of(original)
        assert loaded.case.model_dump(exclude_unset=True, exclude={"library"}) == original.case.model_dump(
            exclude_unset=True, exclude={"library"}
        )
    assert "library" not in read_yaml_mapping(back)  # the bundled library: left out, as a case without one


def test_a_case_part_the_sheets_cannot_hold_is_refused(tmp_path, monkeypatch):
    from optimizer.workbook import records

    _, read = records.TABLE_RECORDS["Exclusions"]
    monkeypatch.setitem(records.TABLE_RECORDS, "Exclusions", (lambda case, library: [], read))
    with pytest.raises(InputError) as err:
        convert(Path("georgia"), tmp_path / "georgia.xlsx")
    assert [(p.path, p.value) for p in err.value.problems] == [("overrides", "<not held by a workbook>")]
    assert not (tmp_path / "georgia.xlsx").exists()


def test_a_part_that_does_not_read_back_as_a_valid_part_is_refused(tmp_path, monkeypatch):
    from optimizer.workbook import records

    _, read = records.TABLE_RECORDS["Phases"]
    monkeypatch.setitem(records.TABLE_RECORDS, "Phases", (lambda case, library: [], read))
    with pytest.raises(InputError) as err:
        convert(Path("georgia"), tmp_path / "georgia.xlsx")
    assert [(p.path, p.value) for p in err.value.problems] == [("phases", "<not held by a workbook>")]
    assert not (tmp_path / "georgia.xlsx").exists()


def test_yaml_is_written_as_people_read_it():
    text = case_yaml(load_case("georgia").case.model_dump(exclude_unset=True))
    assert text.startswith("schema_version: 1\nname: Georgia")
    assert "by_year: {2026: 700000, 2027: 1050000," in text
    assert "exclude: [renewable_ppa]" in text
    assert "  - id: heat_fuel\n" in text  # list items indented under their key
    assert ".0\n" not in text.split("variants:")[0]  # no 80000.0
    lines = text.splitlines()
    assert lines.index("default_variant: unconditional") > lines.index("variants:")


@pytest.mark.slow
def test_a_workbook_solves_as_its_yaml(tmp_path):
    book = convert(Path("demo"), tmp_path / "demo.xlsx")[0]
    from_yaml = solve(load_case("demo")).summary
    from_book = solve(load_case(book)).summary
    for summary in (from_yaml, from_book):
        summary.pop("metadata")  # versions, timings, the input file and its hash
    assert json.dumps(from_book, sort_keys=True, default=str) == json.dumps(from_yaml, sort_keys=True, default=str)


# ------------------------------------------------------------------------------------------------ the sheets


def test_workbook_sheets_formats_and_drop_downs(converted):
    book = load_workbook(converted["georgia_pipeline"][0])
    names = book.sheetnames
    assert names[:2] == ["README", "Settings"]
    assert [t.sheet for t in TABLES] == names[2 : 2 + len(TABLES)]
    assert {"Projects", "Ref interventions", "Ref vocabulary"} <= set(names)
    assert book["Ref interventions"].protection.sheet
    sources = book["Sources"]
    assert sources.freeze_panes == "B3"
    assert sources["E2"].value == "emissions (tCO2e/yr)" and sources["F2"].value == "emissions low"
    assert sources["E3"].value == 80000 and sources["E3"].number_format == "#,##0"
    drivers = book["Drivers"]
    assert drivers["B3"].value == 0.055 and drivers["B3"].number_format == "0.0%"
    formulas = {dv.formula1 for dv in sources.data_validations.dataValidation}
    assert "'Drivers'!$A$3:$A$205" in formulas
    targets = {dv.formula1 for dv in book["Targets"].data_validations.dataValidation}
    assert '"below_bau,below_base_year,intensity,absolute,custom"' in targets
    settings = book["Settings"]
    assert [settings.cell(row=r, column=10).value for r in range(3, 3 + len(SETTINGS))] == [s.name for s in SETTINGS]
    assert book["Budget"]["G2"].value == 2026
    assert book["Projects"]["A3"].value == "georgia_hospitals.csv"


def test_docs_describe_every_sheet():
    text = (Path(__file__).resolve().parent.parent / "docs" / "workbook.md").read_text()
    for sheet in ("README", "Settings", *(t.sheet for t in TABLES), "Projects"):
        assert f"### {sheet}" in text, f"docs/workbook.md does not describe the {sheet} sheet"


def test_number_formats_show_the_value_whole():
    assert number_format(6000000.000000001) == number_format(6000000) == "#,##0"
    assert number_format(1.25) == "#,##0.00"
    assert number_format(0.055, percent=True) == "0.0%"
    assert number_format(0.07, percent=True) == "0%"
    assert number_format(1e-6) == "#,##0.000000"
    assert number_format(-207500) == "#,##0"


# ------------------------------------------------------------------------------------------------ mistakes


@pytest.fixture(scope="module")
def demo(converted) -> Path:
    return converted["demo"][0]


@pytest.fixture(scope="module")
def georgia(converted) -> Path:
    return converted["georgia_pipeline"][0]


def test_text_in_a_number_cell(tmp_path, demo):
    row = _find(demo, "Financing", "adb_loan", 2)
    path = _edited(tmp_path, demo, {f"Financing!K{row}": "6,250,000"})
    assert _problems(path) == [
        f"{path}: Financing!K{row} (adb_loan: 2027): got '6,250,000'; expected a number, e.g. 1000 or 2.5e6 "
        "(digits with a decimal point; no thousands separators or units)"
    ]


def test_an_empty_required_cell(tmp_path, demo):
    row = _find(demo, "Sources", "fleet_diesel")
    path = _edited(tmp_path, demo, {f"Sources!B{row}": None})
    assert _problems(path) == [
        f"{path}: Sources!B{row} (fleet_diesel: driver): got '<missing>'; expected this required field"
    ]


def test_an_unknown_id_typed_over_a_drop_down(tmp_path, demo):
    row = _find(demo, "Sources", "fleet_diesel")
    path = _edited(tmp_path, demo, {f"Sources!B{row}": "health_activty"})
    (problem,) = _problems(path)
    assert f"Sources!B{row} (fleet_diesel: driver): got 'health_activty'; expected a key of 'drivers'" in problem


def test_a_schema_rule_at_its_cell(tmp_path, demo):
    row = _find(demo, "Sources", "waste")
    path = _edited(tmp_path, demo, {f"Sources!E{row}": -5})
    (problem,) = _problems(path)
    assert f"Sources!E{row} (waste: emissions (tCO2e/yr)): got {{'value': -5}}; expected a number in [0, 1e+10]" in (
        problem
    )


def test_a_cross_record_check_at_its_year_cell(tmp_path, demo):
    row = _find(demo, "Financing", "adb_loan", 2)
    path = _edited(tmp_path, demo, {f"Financing!L{row}": -5})
    assert _problems(path) == [
        f"{path}: Financing!L{row} (adb_loan: 2028): got {{2028: -5.0}}; expected envelopes of 0 or more"
    ]


def test_settings_and_targets_mistakes(tmp_path, demo):
    base = _find(demo, "Settings", "base_year", 10)
    variant = _find(demo, "Settings", "default_variant", 10)
    path = _edited(
        tmp_path, demo, {f"Settings!B{base}": "twenty", f"Settings!B{variant}": "conditonal", "Targets!B3": "bau"}
    )
    problems = _problems(path)
    assert any(f"Settings!B{base} (Base year: value): got 'twenty'; expected a number" in p for p in problems)
    target = "Targets!B3 (unconditional bau 2030: type): got 'bau'; expected one of 'below_bau'"
    assert any(target in p for p in problems)
    assert len(problems) == 2  # the default variant is checked once the case's fields are valid
    path = _edited(tmp_path, demo, {f"Settings!B{variant}": "conditonal"}, "variant.xlsx")
    (problem,) = _problems(path)
    assert f"Settings!B{variant} (Default variant: value): got 'conditonal'; expected a key of 'variants'" in problem


def test_a_misspelt_sheet_and_a_missing_one(tmp_path, demo):
    path = tmp_path / "sheets.xlsx"
    shutil.copy(demo, path)
    book = load_workbook(path)
    book["Budget"].title = "Budjet"
    del book["Variants"]
    book.create_sheet("Notes from the ministry")
    book.save(path)
    assert _problems(path) == [
        f"{path}: sheet 'Budjet': got 'Budjet'; expected the sheet 'Budget' (is its name misspelt?), or notes in "
        "a sheet named 'Notes...'",
        f"{path}: sheet 'Budget': got '<missing sheet>'; expected a sheet named 'Budget'",
        f"{path}: sheet 'Variants': got '<missing sheet>'; expected a sheet named 'Variants'",
    ]


def test_an_unknown_column_is_reported_before_the_values(tmp_path, demo):
    path = _edited(tmp_path, demo, {"Sources!E2": "emission (tCO2e/yr)", "Sources!B3": None})
    assert _problems(path) == [
        f"{path}: Sources!E2: got 'emission (tCO2e/yr)'; expected a column of this sheet (did you mean "
        "'emissions (tco2e/yr)'?)"
    ]


def test_a_project_cell(tmp_path, georgia):
    path = _edited(tmp_path, georgia, {"Projects!I5": "big", "Projects!A6": "elsewhere.csv"})
    assert _problems(path) == [
        f"{path}: Projects!A6 (file): got 'elsewhere.csv'; expected one of the pipeline files of the Settings sheet "
        "['georgia_hospitals.csv']",
        f"{path}: Projects!I5 (GEO-H002-bms: size): got 'big'; expected a number, e.g. 1000 or 2.5e6 (digits with "
        "a decimal point; no thousands separators or units)",
    ]


def test_a_project_warning_at_its_cell(tmp_path, georgia, capsys):
    path = _edited(tmp_path, georgia, {"Projects!G5": "Tbilsi"})
    assert main(["--strict", "validate", str(path)]) == 2
    assert f"{path}: Projects!G5 (GEO-H002-bms: region): got 'Tbilsi'; expected a plausible value" in (
        capsys.readouterr().err
    )


def _setting_row(name: str) -> int:
    return 3 + [s.name for s in SETTINGS].index(name)


READER_MISTAKES = [
    ({"Drivers!A4": "health_activity"}, "Drivers!A4 (health_activity: driver): got 'health_activity'; expected each "
     "driver once (it is also in row 3)"),
    ({"Budget!A3": "national"}, "Budget!A3 (national: line): got 'national'; expected one of ['total', 'region']"),
    ({"Budget!B3": "North"}, "Budget!B3 (total North: region): got 'North'; expected no region on the total line"),
    ({"Budget!A4": "region", "Budget!F4": 5}, "Budget!B4 (region: region): got '<blank>'; expected the region's name"),
    ({"Budget!A4": "total", "Budget!F4": 5}, "Budget!A4 (total: line): got 'total'; expected each total line once"),
    ({"'Source paths'!A3": "coal"}, "'Source paths'!A3 (coal emission factor: source): got 'coal'; expected a "
     "source of the Sources sheet"),
    ({"'Source paths'!B3": "tariff"}, "'Source paths'!B3 (grid_electricity tariff: path): got 'tariff'; expected "
     "one of ['emission factor', 'price']"),
    ({"'Source paths'!A4": "grid_electricity", "'Source paths'!B4": "emission factor", "'Source paths'!C4": 0.01},
     "'Source paths'!A4 (grid_electricity emission factor: source): got ('grid_electricity', 'emission factor'); "
     "expected each source and path once"),
    ({"Maturity!A4": "again", "Maturity!F4": 1}, "Maturity!A4 (path): got '<a second row>'; expected one row"),
    ({f"Settings!D{_setting_row('base_year')}": 2020}, "(Base year: low): got 2020; expected a blank low (this "
     "setting is not a number with provenance)"),
    ({f"Settings!J{_setting_row('name')}": None}, f"Settings!J{_setting_row('name')} (field): got '<blank>'; "
     "expected the field the row sets"),
    ({f"Settings!J{_setting_row('base_year')}": "name"}, "got 'name'; expected each setting once"),
    ({"Overrides!A3": "led_lighting_retrofit", "Overrides!B3": "phase", "Overrides!C3": "pipeline",
      "Overrides!G3": "why"}, "Overrides!G3 (led_lighting_retrofit phase: estimate): got 'why'; expected a blank "
     "'estimate' cell (not used by phase)"),
    ({"Overrides!A3": "led_lighting_retrofit", "Overrides!B3": "complexity", "Overrides!C3": 2,
      "Overrides!I3": "heat_fuel"}, "got 'heat_fuel'; expected a blank 'acts on' cell (not used by complexity)"),
    ({"Financing!A3": "someday"}, "Financing!A3 (domestic: variant): got 'someday'; expected blank or a variant of "
     "the Variants sheet"),
    ({"Financing!J3": __import__("datetime").datetime(2026, 1, 2)}, "Financing!J3 (domestic: 2026): got "
     "'2026-01-02T00:00:00'; expected a number (this cell holds a date or time: format it as a number)"),
]  # fmt: skip


@pytest.mark.parametrize(("edits", "expected"), READER_MISTAKES)
def test_reader_mistakes_at_their_cells(tmp_path, demo, edits, expected):
    path = _edited(tmp_path, demo, edits)
    problems = _problems(path)
    assert any(expected in p for p in problems), problems


LAYOUT_MISTAKES = [
    ({"Budget!K2": 2026}, "Budget!K2: got 2026; expected each year once"),
    ({"Sources!Z5": 3}, "Sources!Z2: got '<blank header>'; expected a column header (the column holds values)"),
    ({"Sources!E2": "driver"}, "Sources!E2: got 'driver'; expected each column once"),
    ({"Sources!A2": None}, "Sources!A2: got '<missing column>'; expected a column 'source'"),
    ({"Settings!J2": "key"}, "Settings!J2: got 'key'; expected a column of this sheet"),
]


@pytest.mark.parametrize(("edits", "expected"), LAYOUT_MISTAKES)
def test_layout_mistakes_come_alone(tmp_path, demo, edits, expected):
    path = _edited(tmp_path, demo, edits)
    problems = _problems(path)
    assert any(expected in p for p in problems), problems


def test_field_paths_of_messages_find_their_cells(demo):
    locations = read_workbook(demo).locations

    def at(path: str, value: object = None) -> str:
        found, _ = locations.find(path, value)
        return found.ref if isinstance(found, Cell) else str(found)

    assert at("budget.financing[adb_loan].envelope_usd_by_year.by_year[2027]") == "Financing!K4"
    assert at("budget.financing[1].envelope_usd_by_year", {2028: -1.0}) == "Financing!L4"
    assert at("sources[3].emissions_tco2e.value") == at("sources[fleet_diesel].emissions_tco2e") == "Sources!E6"
    assert at("variants.conditional.additional_financing[climate_grant].name") == "Financing!C5"
    assert at("variants[unconditional].targets[0].percent", {"value": 0.5}) == "Targets!D3"
    assert at("drivers.gdp.annual_change.value") == "Drivers!B4"
    assert at("baseline_reference.scope_shares") == f"Settings!B{_setting_row('baseline_reference.scope_shares.1')}"
    assert at("overrides.exclude[0]") == "Exclusions"  # the demo excludes nothing: the sheet
    assert at("sources") == "Sources"  # no cell of its own: the sheet


def test_a_problem_at_a_cell_of_a_sheet_named_in_words_is_shown_once():
    """The reader's problem with a cell wins over the checks' problem there; problems at other cells of a sheet
    whose name has spaces are kept."""
    first = [Problem("b.xlsx", "'Source paths'!A3 (coal emission factor: source)", "coal", "a source")]
    then = [
        Problem("b.xlsx", "'Source paths'!A3 (coal emission factor: source; field id)", "coal", "known"),
        Problem("b.xlsx", "'Source paths'!C4 (grid_electricity price: annual change (%/yr))", 5, "a fraction"),
        Problem("b.xlsx", "Sources sheet", "x", "a source"),
    ]
    assert [p.path for p in without_repeats(first, then)] == [
        "'Source paths'!A3 (coal emission factor: source)",
        "'Source paths'!C4 (grid_electricity price: annual change (%/yr))",
        "Sources sheet",
    ]


def test_numbers_typed_as_text_and_empty_lists_are_read(tmp_path, demo):
    path = _edited(tmp_path, demo, {"Sources!E3": " 6.4e4 ", "Financing!D4": "(none)", "Phases!C3": "2026"})
    case = load_case(path).case
    assert case.sources[0].emissions_tco2e.value == 64000
    assert case.budget.financing[1].eligible_families == []
    assert case.phases[0].first_start_year == 2026


def test_files_that_are_not_workbooks(tmp_path):
    text = tmp_path / "case.xlsx"
    text.write_text("id,name\n")
    assert _problems(text) == [
        f"{text}: got '<not an .xlsx workbook: File is not a zip file>'; expected an Excel workbook saved as .xlsx"
    ]
    ods = tmp_path / "case.ods"
    ods.write_text("x")
    (problem,) = _problems(ods)
    assert "got '<a .ods file>'; expected an Excel workbook saved as .xlsx" in problem
    assert is_workbook(Path("a.XLSX")) and not is_workbook(Path("a.yaml"))


# ------------------------------------------------------------------------------------------------ the CLI


def test_cli_writes_a_workbook_and_yaml_back(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["workbook", "demo"]) == 0
    assert Path("demo.xlsx").is_file()
    assert main(["workbook", "demo", "--out", "demo.xlsx"]) == 2
    assert "expected a new file: pass --force to replace it" in capsys.readouterr().err
    assert main(["workbook", "demo.xlsx", "--out", "back/demo.yaml"]) == 0
    assert load_case("back/demo.yaml").case == load_case("demo").case
    assert main(["workbook", "demo.xlsx", "--out", "demo.csv"]) == 2
    assert "expected a .yaml file for the case" in capsys.readouterr().err
    assert main(["validate", "demo.xlsx"]) == 0


@pytest.mark.slow
def test_cli_solves_a_workbook(tmp_path, capsys):
    book = convert(Path("georgia"), tmp_path / "georgia.xlsx")[0]
    out = tmp_path / "result"
    assert main(["solve", str(book), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["metadata"]["case_file"].endswith("georgia.xlsx")


def test_cli_reports_workbook_mistakes_with_exit_2(tmp_path, demo, capsys):
    row = _find(demo, "Sources", "fleet_diesel")
    path = _edited(tmp_path, demo, {f"Sources!B{row}": None})
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"Sources!B{row} (fleet_diesel: driver)" in err and "Traceback" not in err
