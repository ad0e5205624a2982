"""The report's monitoring section (``noregret report CASE --actuals FILE``): charts whose numbers are the
tracking's and the re-plan's, tables with status in HTML, Markdown and Excel, and ``Actual`` rows in the IAMC
file with the plan's variables and units."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from optimizer.cli import main
from optimizer.monitoring.actuals import load_actuals
from optimizer.monitoring.tracking import track
from optimizer.pyomo_backend import solve
from optimizer.report.monitoring import monitoring_charts, monitoring_tables

from .test_monitoring import EXAMPLE, NOT_STARTED, ROOT, planned_to_date


@pytest.fixture(scope="module")
def georgia():
    a = load_actuals(EXAMPLE)
    plan = solve(a.loaded, a.data.variant_name)
    return a, plan, monitoring_tables(plan, EXAMPLE)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "georgia"
    args = ["report", "georgia", "--actuals", str(EXAMPLE), "--out", str(out), "--no-diagnosis", "--quiet"]
    assert main([*args, "--format", "html,md,xlsx,iamc"]) == 0
    return out


def test_tables_carry_the_tracking_and_the_replan(georgia):
    a, plan, m = georgia
    t = track(a, plan)
    assert list(m.years["year"]) == a.past_years
    assert np.allclose(m.years["actual_emissions_tco2e"], t.years["emissions_tco2e"])
    p = m.programmes.set_index("intervention")
    hvac = planned_to_date(plan, "or_hvac_setback", 2027)
    assert p.loc["or_hvac_setback", "planned_units"] == pytest.approx(hvac)
    assert p.loc["or_hvac_setback", "status"] == "ahead"
    assert p.loc[NOT_STARTED, "actual_start"] == "not started"
    rm = m.replan_roadmap.set_index("year")
    pw = plan.pathway.set_index("year")
    assert np.allclose(rm["original_plan_tco2e"], pw["optimised_tco2e"])
    assert m.meta["from_year"] == a.through_year + 1
    assert set(m.replan_changes["change"]) - {"unchanged"}


def test_charts_plot_the_tables(georgia):
    _, plan, m = georgia
    charts = {c.name: c for c in monitoring_charts(m, "Georgia")}
    e = charts["monitoring_emissions"].data
    assert np.allclose(e["actual"] * e["scale"], m.years["actual_emissions_tco2e"])
    assert e["replan_years"][0] == m.meta["through_year"]  # the re-plan joins the last reported year
    rm = m.replan_roadmap.set_index("year")
    assert np.allclose(e["replan"] * e["scale"], rm.loc[e["replan_years"], "replanned_tco2e"])
    s = charts["monitoring_spend"].data
    f = plan.finance
    planned = f[(f["period_type"] == "year") & (f["financing_source"] == "all")]["spend_usd"].to_numpy(float)
    assert np.allclose(s["plan"] * 1e6, planned)
    reported = s["actual"][~np.isnan(s["actual"])] * 1e6
    assert np.allclose(reported, m.years["actual_spend_usd"])
    assert np.isnan(s["replan"][: len(reported)]).all()  # the re-plan starts after the reported years
    g = charts["monitoring_programmes"].data
    k = g["names"].index("Operating-theatre ventilation setback")
    assert g["share"][k] == pytest.approx(100 * 60 / planned_to_date(plan, "or_hvac_setback", 2027))


def test_html_and_markdown_sections(report):
    html = (report / "report.html").read_text()
    md = (report / "report.md").read_text()
    for text, end in ((html, "</section>"), (md, "\n## ")):
        section = text[text.index("Monitoring: plan against actual") :]
        section = section[: section.index(end)]
        assert "Operating-theatre ventilation setback" in section and "or_hvac_setback" not in section
        assert "Re-plan against the original plan" in section and "behind" in section
        assert "planned_units" not in section and "replanned_tco2e" not in section
        assert "hospitals with piped N2O" in section
    for name in ("monitoring_emissions", "monitoring_spend", "monitoring_programmes"):
        assert f"({name}.png)" in md and (report / f"{name}.png").stat().st_size > 1000
    assert html.count("data:image/png") >= 6  # the country report's charts and the section's three


def _spend_musd(a, year: int) -> float:
    """The example's reported spend in ``year``, all financing sources, US$ million."""
    return sum(v for (_, y), v in a.spend.items() if y == year) / 1e6


def test_excel_sheets_have_number_formats(report, georgia):
    a, plan, _ = georgia
    book = load_workbook(report / "report.xlsx")
    assert {"actual by year", "actual programmes", "actual indicators", "re-plan roadmap", "re-plan changes"} <= set(
        book.sheetnames
    )
    ws = book["actual programmes"]
    head = [c.value for c in ws[1]]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    n2o = rows["Decommission nitrous oxide manifolds"][head.index("planned units")]
    planned = planned_to_date(plan, "n2o_manifold_decommissioning", 2027)
    assert n2o.value == pytest.approx(planned) and n2o.value != round(n2o.value)  # the value kept
    assert n2o.number_format == "#,##0"  # hospitals: shown whole
    lab = rows["Laboratory test stewardship"][head.index("planned units")]
    assert lab.number_format != "#,##0"  # million people covered: not a count
    years = book["actual by year"]
    head = [c.value for c in years[1]]
    spend = years.cell(row=2, column=head.index("actual spend [US$ m]") + 1)
    assert spend.value == pytest.approx(_spend_musd(a, 2026)) and "0.00" in spend.number_format
    assert years.cell(row=2, column=1).number_format == "0"


def test_iamc_has_actual_rows_with_the_plans_variables(report, georgia):
    a, _, m = georgia
    iamc = pd.read_csv(report / "report_iamc.csv")
    actual = iamc[iamc["scenario"] == "Actual"].set_index("variable")
    plan = iamc[iamc["scenario"] == "unconditional"].set_index("variable")
    assert set(actual.index) <= set(plan.index)
    assert (actual["unit"] == plan.loc[actual.index, "unit"]).all()
    years = m.years.set_index("year")
    emissions = actual.loc["Emissions|Kyoto Gases|Health|Optimised"]
    assert emissions["2027"] == pytest.approx(years.loc[2027, "actual_emissions_tco2e"] / 1e6)
    assert actual.loc["Investment|Health|Decarbonisation", "2026"] == pytest.approx(_spend_musd(a, 2026))
    assert np.isnan(emissions["2028"])  # no actuals after through_year


def test_bad_actuals_stop_the_report_before_anything_is_written(tmp_path, capsys):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["case"] = str(ROOT / "cases" / "georgia.yaml")
    data["builds"][0]["intervention"] = "desflurane_to_sevo"
    bad = tmp_path / "actuals.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "out"
    assert main(["report", "georgia", "--actuals", str(bad), "--out", str(out), "--no-diagnosis", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "builds[0].intervention" in err and "Traceback" not in err
    assert not out.exists()


def test_actuals_with_a_manifest_are_refused(tmp_path, capsys):
    manifest = next(p for p in (ROOT / "cases").glob("*.yaml") if "cases:" in p.read_text()[:2000])
    out = tmp_path / "out"
    assert main(["report", str(manifest), "--actuals", str(EXAMPLE), "--out", str(out), "--quiet"]) == 2
    assert "--actuals" in capsys.readouterr().err and not out.exists()


@pytest.mark.slow
def test_pdf_prints_the_section(georgia, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    pytest.importorskip("weasyprint")
    from optimizer.report import build_tables, write_country

    _, plan, m = georgia
    tables = build_tables(plan, diagnosis=False)
    tables.monitoring = m
    written = write_country(tables, tmp_path, ["pdf"])
    doc = pdfium.PdfDocument(str(written["pdf"]))
    text = " ".join(doc[k].get_textpage().get_text_range() for k in range(len(doc)))
    doc.close()
    assert "Monitoring: plan against actual" in text and "Re-plan against the original plan" in text
    assert "built 60 of" in text
