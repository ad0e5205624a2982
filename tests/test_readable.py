"""People read the output: display names and units instead of identifiers and field names, one number
convention (no scientific notation), Excel numbers stored as numbers with a number format, whole units where
an intervention is counted in things, and one candidate count in the console and the report."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from optimizer import load_case, solve
from optimizer.batch import render_comparison
from optimizer.console import render_summary
from optimizer.explain import explain
from optimizer.formatting import money, number, tonnes, whole
from optimizer.report import build_tables, write_country
from optimizer.report.fmt import display, readable
from optimizer.units import ROUNDING_NOTE, counted_units

ROOT = Path(__file__).resolve().parent.parent
GEORGIA = ROOT / "cases" / "georgia.yaml"
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


@pytest.fixture(scope="module")
def loaded():
    return load_case(GEORGIA)


@pytest.fixture(scope="module")
def result(loaded):
    return solve(loaded)


@pytest.fixture(scope="module")
def tables(result):
    return build_tables(result)


@pytest.fixture(scope="module")
def workbook(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("readable")
    files = write_country(tables, out, ["md", "xlsx"])
    return files


@pytest.fixture(scope="module")
def ids(loaded, result) -> set[str]:
    """Identifiers that must not reach a reader: interventions, financing sources, groups, phases, resources,
    action families and the schema's field names (snake_case only: one-word ids read as words)."""
    from optimizer.schema.case import Case
    from optimizer.schema.library import ACTION_FAMILIES, Intervention

    data = result.data
    lib = loaded.library
    found = set(lib.interventions) | set(lib.groups) | set(ACTION_FAMILIES)
    found |= {f.id for f in data.financing} | {ph.id for ph in data.case.phases}
    found |= {r.id for r in lib.vocabulary.resources} | {s.id for s in lib.vocabulary.sources}
    found |= set(Intervention.model_fields) | set(Case.model_fields)
    found |= {"om_change_usd_per_unit_year", "capex_usd_per_unit", "potential_units"}
    return {i for i in found if "_" in i}


def _leaks(text: str, ids: set[str]) -> set[str]:
    tokens = set(re.findall(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+", text))
    return tokens & ids


# ------------------------------------------------------------------------------------------------ formats


def test_money_has_one_convention():
    assert money(-66_020_000) == "-US$66.0 m"
    assert money(5_830_000) == "US$5.83 m"
    assert money(1.234e9) == "US$1.23 bn"
    assert money(174_400) == "US$174,400"
    assert money(250_000, sign=True) == "+US$250,000"
    assert money(float("nan")) == "n/a"
    assert tonnes(6_149_100) == "6,149.1 ktCO2e" and tonnes(-12.0) == "-12.0 tCO2e"


@pytest.mark.parametrize(
    "x, shown",
    [(13485.4, "13,485"), (60.0, "60"), (0.25, "0.25"), (1.81e6, "1,810,000"), (5.573986e11, "557,398,600,000")],
)
def test_numbers_never_in_scientific_notation(x, shown):
    assert number(x) == shown and not SCIENTIFIC.search(number(x))


def test_whole_rounds_counts():
    assert whole(174.4) == "174" and whole(1180.5) == "1,180" and whole(1181.5) == "1,182"


# ------------------------------------------------------------------------------------------------ console


def test_console_names_things_and_has_no_scientific_notation(result, ids):
    text = render_summary(result)
    assert not _leaks(text, ids), _leaks(text, ids)
    assert not SCIENTIFIC.search(text)
    for name in result.portfolio["name"]:
        assert name[:40] in text
    assert "US$ m" in text and "ktCO2e" in text


def test_console_units_of_counted_things_are_whole(result, loaded):
    text = render_summary(result)
    counted = counted_units(loaded)
    portfolio = result.portfolio
    rows = {line[:46].rstrip(): line for line in text.splitlines()}
    checked = 0
    for r in portfolio.itertuples():
        line = next((v for k, v in rows.items() if r.name.startswith(k.rstrip("\u2026")) and k), None)
        assert line is not None, r.name
        shown = line[46:].split()[1]
        if r.intervention in counted:
            assert re.fullmatch(r"[\d,]+", shown), (r.name, shown)
            assert int(shown.replace(",", "")) == round(r.units)
            checked += 1
    assert checked, "the plan has counted interventions to check"
    assert ROUNDING_NOTE in text


def test_counted_units_follow_the_library(loaded):
    counted = counted_units(loaded)
    lib = loaded.library.interventions
    assert "led_lighting_retrofit" in counted  # one per hospital
    assert "desflurane_to_sevoflurane" in counted  # a share of the hospitals
    assert "electric_ambulances" in counted  # integer units
    assert "rooftop_solar_pv" not in counted  # kWp: a capacity
    assert "telemedicine_programme" not in counted  # million people covered
    for iid in counted:
        assert lib[iid].integer_units or lib[iid].potential.units_per_basis.value <= 1


def test_batch_table_names_countries_and_labels_every_column(result):
    comparison = pd.DataFrame(
        [
            {
                "case": "kyrgyz_republic",
                "country": "KGZ",
                "variant": "unconditional",
                "status": "optimal",
                "bau_tco2e": 5.573986e11,
                "target_tco2e": 1.0e6,
                "optimised_tco2e": 2.0e6,
                "shortfall_tco2e": 0.0,
                "capex_usd": 1.5e7,
                "spend_usd": 1.6e7,
                "npv_usd": -66.02e6,
                "selected": 3,
                "seconds": 1.234,
            }
        ]
    )
    text = render_comparison(comparison, 2030, {"kyrgyz_republic": "Kyrgyz Republic"})
    head, units, row = text.splitlines()
    assert "Kyrgyz Republic" in row and "kyrgyz_republic" not in text
    assert "solve time" in head and "seconds" in units and " s " not in f" {units} "
    assert "-66.02" in row and not SCIENTIFIC.search(text)
    # every value ends under the end of its header (right-aligned columns line up)
    for token in ("557,398,600.0", "-66.02", "1.23"):
        end = row.index(token) + len(token)
        assert head[end - 1] != " " or units[end - 1] != " ", token


# ------------------------------------------------------------------------------------------------ explain


def test_explain_prose_names_things(loaded, ids):
    expl = explain(loaded, switching=False)
    text = "\n".join(expl.sentences)
    assert not _leaks(text, ids), _leaks(text, ids)
    assert not SCIENTIFIC.search(text)
    assert not _leaks(" ".join(expl.binding["text"]), ids)
    assert not _leaks(" ".join(expl.fixes["description"]), ids)


def test_switching_values_name_the_intervention(result):
    from optimizer.explain.switching import switching_value

    data = result.data
    selected = set(result.portfolio["intervention"])
    iid = next(i for i, c in data.candidates.items() if c.capex > 0 and i in selected)
    value = switching_value(data, iid, True)
    assert value.text.startswith(data.candidates[iid].name) and iid not in value.text


# ------------------------------------------------------------------------------------------------ report


def test_report_headers_are_words_with_units(tables, ids):
    for name, df in tables.named().items():
        shown = display(df)
        for h in shown.columns:
            assert "_" not in h, (name, h)
        assert not _leaks(" ".join(shown.columns), ids), name
    roadmap = readable(tables.roadmap)
    assert "BAU [ktCO2e]" in roadmap.columns
    assert "capex [US$ m]" in readable(tables.actions).columns


def test_report_tables_show_names_not_ids(tables, result, ids):
    for name in ("actions", "macc", "screening", "finance"):
        shown = display(getattr(tables, name))
        cells = " ".join(" ".join(shown[c].astype(str)) for c in shown.columns)
        assert not _leaks(cells, ids), (name, _leaks(cells, ids))
    actions = display(tables.actions)
    assert set(actions["intervention"]) == set(result.portfolio["name"])


def test_excel_numbers_are_numbers_with_formats(tables, workbook):
    book = openpyxl.load_workbook(workbook["xlsx"])
    for name, df in tables.named().items():
        ws = book[name]
        assert ws.freeze_panes == "A2"
        heads = [c.value for c in ws[1]]
        assert heads == list(readable(df).columns), name
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    assert cell.data_type == "n"
                    assert cell.number_format != "General", (name, cell.coordinate, cell.value)
                elif isinstance(cell.value, str):
                    assert not re.fullmatch(r"-?[\d,]+(\.\d+)?([eE][+-]?\d+)?", cell.value), (
                        name,
                        cell.coordinate,
                        cell.value,
                    )
        for k in range(1, ws.max_column + 1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(k)].width
            assert 8 <= width <= 60
    finance = book["finance"]
    periods = [r[1].value for r in finance.iter_rows(min_row=2)]
    assert periods and not any(isinstance(p, str) and p.strip().isdigit() for p in periods)
    assert any(isinstance(p, int) for p in periods)
    prov = book["provenance"]
    values = [r[2].value for r in prov.iter_rows(min_row=2)]
    assert sum(isinstance(v, float | int) for v in values) > len(values) / 2


def test_excel_values_keep_full_precision_in_display_units(tables, workbook):
    back = pd.read_excel(workbook["xlsx"], sheet_name="roadmap")
    want = tables.roadmap["bau_tco2e"].to_numpy() / 1e3
    assert (abs(back["BAU [ktCO2e]"].to_numpy() - want) <= 1e-9 * abs(want).max()).all()


def test_excel_counted_units_are_shown_whole(tables, workbook):
    book = openpyxl.load_workbook(workbook["xlsx"])
    ws = book["actions"]
    heads = [c.value for c in ws[1]]
    col = heads.index("units") + 1
    names = dict(zip(tables.actions["name"], tables.actions["intervention"]))
    counted = tables.actions.attrs["counted"]
    for row in ws.iter_rows(min_row=2):
        iid = names[row[heads.index("intervention")].value]
        fmt = row[col - 1].number_format
        assert (fmt == "#,##0") == (iid in counted) or float(row[col - 1].value).is_integer(), (iid, fmt)


def test_candidate_count_is_the_same_in_console_and_report(result, tables, workbook):
    console = render_summary(result)
    report = workbook["md"].read_text()
    pattern = re.compile(r"Selected (\d+) of (\d+) candidate national programmes \((\d+) more excluded")
    a, b = pattern.search(console), pattern.search(report)
    assert a and b and a.groups() == b.groups()
    kept = int(a.group(2))
    assert kept == len(result.data.candidates) == tables.meta["candidates"]
    assert kept + int(a.group(3)) == len(result.screening)


def test_excel_about_sheet_reads_as_words(workbook):
    ws = openpyxl.load_workbook(workbook["xlsx"])["about"]
    items = {r[0].value: r[1] for r in ws.iter_rows(min_row=2)}
    assert all("_" not in item for item in items), list(items)
    assert "NPV [US$ m]" in items and items["NPV [US$ m]"].number_format == "#,##0.00"
    assert items["objective"].value == "least net present cost"
    assert items["final year"].value == 2035 and items["final year"].number_format == "0"  # Georgia's NDC 3.0
