"""``noregret init`` writes a starting case for any country from a few national figures: it validates and
solves as written, every number carries its provenance, and the method reproduces the bundled cases'."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.init_case import (
    TIERS,
    USER_SOURCE,
    NationalFigures,
    case_yaml,
    init_case_dict,
    tier_of,
)
from optimizer.loading import case_from_dict, load_case, load_library
from optimizer.pathway import project_bau
from optimizer.provenance import _Context, walk
from optimizer.yaml_io import read_yaml_mapping

MADE_UP = [
    "Ruritania",
    "--iso3",
    "RUR",
    "--population",
    "5200000",
    "--health-expenditure-usd",
    "1.1e9",
    "--grid-factor",
    "0.52",
    "--ndc-percent",
    "25",
    "--ndc-year",
    "2035",
]
GEORGIA = [
    "Georgia",
    "--iso3",
    "GEO",
    "--population",
    "3700000",
    "--health-expenditure-usd",
    "1.4e9",
    "--grid-factor",
    "0.15",
    "--ndc-percent",
    "35",
    "--ndc-year",
    "2030",
    "--ndc-type",
    "below_base_year",
    "--ndc-reference-year",
    "1990",
    "--national-reference-tco2e",
    "45e6",
    "--national-base-year-tco2e",
    "17e6",
    "--source",
    "Geostat and WHO GHED via WDI (R); Georgia updated NDC 2021",
]


def figures(**kw) -> NationalFigures:
    base = {
        "country": "Testland",
        "iso3": "TST",
        "population": 2e6,
        "health_expenditure_usd": 5e8,
        "grid_factor_t_per_mwh": 0.3,
        "ndc_percent": 15.0,
        "ndc_year": 2030,
    }
    return NationalFigures(**(base | kw))


@pytest.mark.parametrize("argv", [MADE_UP, GEORGIA], ids=["made-up country", "Georgia with its own figures"])
def test_init_writes_a_case_that_validates_and_solves(tmp_path, capsys, argv):
    case = tmp_path / "case.yaml"
    assert main(["init", *argv, "--out", str(case)]) == 0
    assert main(["--strict", "validate", str(case)]) == 0
    assert main(["solve", str(case), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert (tmp_path / "out" / "portfolio.csv").read_text().count("\n") > 1
    assert "noregret validate" in capsys.readouterr().out


def test_georgia_from_its_own_figures_matches_the_bundled_baseline(tmp_path):
    case = tmp_path / "georgia.yaml"
    assert main(["init", *GEORGIA, "--out", str(case)]) == 0
    written, bundled = load_case(case).case, load_case("georgia").case
    assert written.baseline_reference.total_tco2e == bundled.baseline_reference.total_tco2e == 420_000
    assert written.baseline_reference.scope_shares == bundled.baseline_reference.scope_shares
    target = written.variants["ndc"].targets[0]
    assert (target.reference_year, target.national_reference_emissions_tco2e.value) == (1990, 45e6)
    assert written.country.population.source == GEORGIA[-1]


@pytest.mark.parametrize("name", ["afghanistan", "azerbaijan", "georgia", "kazakhstan", "kyrgyz_republic", "mongolia",
                                  "pakistan", "tajikistan", "turkmenistan", "uzbekistan"])  # fmt: skip
def test_the_grid_factor_gives_the_bundled_cases_tier(name):
    """The PRC is left out: coal-heavy, its baseline came from a national study, and its 0.53 reads as gas."""
    case = load_case(name).case
    grid = next(s for s in case.sources if s.id == "grid_electricity")
    tier = tier_of(figures(grid_factor_t_per_mwh=grid.emissions_tco2e.value / grid.activity.value))
    assert {k + 1: s for k, s in enumerate(tier.scopes)} == case.baseline_reference.scope_shares


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"grid_factor_t_per_mwh": 0.8},  # coal heating: the library's heat pumps as they are
        {"power_system": "gas", "gdp_growth": 0.03, "beds_per_1000": 6.0, "electricity_price_usd_per_mwh": 95.0},
        {"health_expenditure_usd": 4e7, "beds_per_1000": 8.0},  # little spending: waste capped
        {"population": 40_000, "health_expenditure_usd": 2e7},  # a small island state
    ],
)
def test_the_inventory_adds_up_to_the_baseline_by_scope(kw):
    f = figures(**kw)
    data = init_case_dict(f)
    lib = load_library(Path(__file__).resolve().parent.parent / "intervention_library")
    loaded = case_from_dict(data, lib)
    assert loaded.warnings == ()
    bau = project_bau(loaded.case, np.array([f.base_year]), lib)
    scope = {s.id: s.scope for s in lib.vocabulary.sources}
    by_scope = {
        k: sum(bau.emissions[i, 0] for i, sid in enumerate(bau.source_ids) if scope[sid] == k) for k in (1, 2, 3)
    }
    total = data["baseline_reference"]["total_tco2e"]
    assert sum(by_scope.values()) == pytest.approx(total, abs=1.0)
    for k, share in data["baseline_reference"]["scope_shares"].items():
        assert by_scope[k] / total == pytest.approx(share, abs=0.002)
    assert all(s.emissions_tco2e is None or s.emissions_tco2e.value >= 0 for s in loaded.case.sources)


def test_every_number_has_provenance_and_only_the_figures_given_are_sourced():
    f = figures(source="National health accounts 2024")
    lib = load_library(Path(__file__).resolve().parent.parent / "intervention_library")
    loaded = case_from_dict(init_case_dict(f), lib)
    rows: list = []
    walk(loaded.case, "case.yaml", "", _Context(), rows, lib)
    assert len(rows) > 40
    sourced = {r.path for r in rows if r.status == "sourced"}
    assert sourced == {
        "country.population",
        "facility_stock.population_millions",
        "discount_rate",
        "variants.ndc.targets[0].percent",
    }
    assert all(r.provenance.strip() for r in rows)
    estimates = " ".join(r.provenance for r in rows if r.status == "estimate")
    assert "% of the" in estimates and " x " in estimates and "National health accounts 2024" in estimates


def test_the_yaml_reads_back_as_the_dict(tmp_path):
    data = init_case_dict(figures())
    path = tmp_path / "case.yaml"
    path.write_text(case_yaml(data))
    assert read_yaml_mapping(path) == data


def test_the_default_source_marks_the_figures_given():
    data = init_case_dict(figures())
    assert data["country"]["population"]["source"] == USER_SOURCE
    assert data["variants"]["ndc"]["targets"][0]["percent"]["source"] == USER_SOURCE
    assert set(TIERS) == {"hydro", "mixed", "gas", "coal"}


@pytest.mark.parametrize(
    ("kw", "option"),
    [
        ({"population": 0}, "--population"),
        ({"health_expenditure_usd": -1}, "--health-expenditure-usd"),
        ({"grid_factor_t_per_mwh": 450}, "--grid-factor"),
        ({"ndc_year": 2025}, "--ndc-year"),
        ({"ndc_percent": 150}, "--ndc-percent"),
        ({"iso3": "GEOR"}, "--iso3"),
        ({"ndc_reference_year": 1990}, "--ndc-reference-year"),
        ({"ndc_type": "below_base_year", "ndc_reference_year": 1990}, "--ndc-reference-year"),
        ({"ndc_type": "below_base_year", "national_reference_tco2e": 1e6}, "--national-reference-tco2e"),
        ({"gdp_growth": 5.0}, "--gdp-growth"),
        (
            {
                "ndc_type": "below_base_year",
                "ndc_reference_year": 2030,
                "national_reference_tco2e": 1e6,
                "national_base_year_tco2e": 1e6,
            },
            "--ndc-reference-year",
        ),
    ],
)
def test_bad_figures_name_the_option(kw, option):
    with pytest.raises(InputError) as err:
        init_case_dict(figures(**kw))
    assert [p.path for p in err.value.problems] == [option]


def test_an_existing_file_is_replaced_only_with_force(tmp_path, capsys):
    case = tmp_path / "case.yaml"
    case.write_text("mine")
    assert main(["init", *MADE_UP, "--out", str(case)]) == 2
    assert case.read_text() == "mine" and "--force" in capsys.readouterr().err
    assert main(["init", *MADE_UP, "--out", str(case), "--force"]) == 0
    assert read_yaml_mapping(case)["country"]["iso3"] == "RUR"


def test_only_a_case_file_or_a_workbook_is_written(tmp_path, capsys):
    assert main(["init", *MADE_UP, "--out", str(tmp_path / "case.csv")]) == 2
    assert "--out" in capsys.readouterr().err and not (tmp_path / "case.csv").exists()


def test_init_writes_a_workbook_that_validates_and_solves_as_its_yaml(tmp_path, capsys):
    book, case = tmp_path / "case.xlsx", tmp_path / "case.yaml"
    assert main(["init", *GEORGIA, "--out", str(book)]) == 0
    assert main(["init", *GEORGIA, "--out", str(case)]) == 0
    assert main(["--strict", "validate", str(book)]) == 0
    assert main(["solve", str(book), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert (tmp_path / "out" / "portfolio.csv").read_text().count("\n") > 1
    assert load_case(book).case == load_case(case).case
    assert f"noregret validate {book}" in capsys.readouterr().out


def test_a_folder_is_not_replaced_by_a_case(tmp_path, capsys):
    folder = tmp_path / "case.yaml"
    folder.mkdir()
    assert main(["init", *MADE_UP, "--out", str(folder), "--force"]) == 2
    assert "not a folder" in capsys.readouterr().err and folder.is_dir()
