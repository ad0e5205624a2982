"""The printed report: the PDF (WeasyPrint) has landscape A4 pages, no table wider than the page, the case name
and page numbers in the footer, and opens with an executive summary whose numbers are the result's."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer import load_case, solve
from optimizer.cli import main
from optimizer.report import build_tables, parse_formats, write_country
from optimizer.report.summary import binding_limits, closing_fixes, executive_summary, shown

pdfium = pytest.importorskip("pypdfium2")
weasy_boxes = pytest.importorskip("weasyprint.formatting_structure.boxes")

MINI = Path(__file__).parent / "fixtures" / "mini_case.yaml"
A4_LANDSCAPE_PT = (841.89, 595.28)
RIGHT_MARGIN_MM = 12.0


@pytest.fixture(scope="module")
def result():
    return solve(load_case(MINI))


@pytest.fixture(scope="module")
def tables(result):
    return build_tables(result)


@pytest.fixture(scope="module")
def written(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("report_pdf")
    return write_country(tables, out, ["html", "md", "pdf"])


@pytest.fixture(scope="module")
def pdf(written):
    doc = pdfium.PdfDocument(str(written["pdf"]))
    yield doc
    doc.close()


def page_text(doc, k: int) -> str:
    return doc[k].get_textpage().get_text_range()


def test_pdf_pages_are_a4_landscape_and_few(pdf):
    assert 3 <= len(pdf) <= 15  # a one-action case: summary, sections, appendix
    for k in range(len(pdf)):
        w, h = pdf[k].get_size()
        assert w > h, f"page {k + 1} is portrait"
        assert np.allclose((w, h), A4_LANDSCAPE_PT, atol=1.0), (k, w, h)


def test_footer_has_case_name_and_page_numbers(pdf, tables):
    for k in range(len(pdf)):
        text = page_text(pdf, k)
        assert f"Page {k + 1} of {len(pdf)}" in text
        assert tables.meta["case"] in text


def table_overflows(html_text: str) -> tuple[int, list[int]]:
    """(tables laid out, pages holding a table box that ends beyond the page's content area)."""
    from optimizer.report.pdf import render

    doc = render(html_text)
    tables, pages = 0, []
    for k, page in enumerate(doc.pages):
        box = page._page_box
        right = box.content_box_x() + box.width
        for b in box.descendants():
            if isinstance(b, weasy_boxes.TableBox):
                tables += 1
                if b.position_x + b.margin_width() > right + 0.5:
                    pages.append(k + 1)
    return tables, pages


def test_no_table_wider_than_the_page_layout(written):
    tables, overflowing = table_overflows(written["html"].read_text(encoding="utf-8"))
    assert tables >= 5 and overflowing == []


def wide_table() -> pd.DataFrame:
    """Wider than any country's roadmap: 20 unit-bearing columns of 8-digit numbers with long headers, and
    identifiers and sentences in text columns."""
    rng = np.random.default_rng(0)
    cols = {"intervention": [f"building_management_system_smart_controls_{k}" for k in range(12)]}
    cols["kpis"] = ["hospital energy use per m2 (electricity and heat); share of hospitals with controls"] * 12
    for k in range(20):
        cols[f"abatement_inhalers_anaesthetics_{k}_tco2e"] = rng.uniform(1e6, 9e7, 12)
    return pd.DataFrame(cols)


def test_the_widest_tables_fit_and_the_check_can_fail():
    from optimizer.report import html as H

    page = H.page("Wide", [("Wide table", H.table(wide_table()))], footer="Wide case")
    tables, overflowing = table_overflows(page)
    assert tables >= 1 and overflowing == []
    # the same table without the print rules that shrink and wrap it runs off the page
    unshrunk = page.replace("font-size:4.8pt", "font-size:8pt").replace("th,td.long{overflow-wrap:anywhere}", "")
    assert table_overflows(unshrunk)[1]


def test_no_ink_beyond_the_right_margin(pdf):
    """The rendered pages: the rightmost non-white pixel column lies inside the right margin."""
    scale = 1.0
    for k in range(len(pdf)):
        img = np.asarray(pdf[k].render(scale=scale).to_pil().convert("L"))
        inked = np.where((img < 245).any(axis=0))[0]
        assert len(inked), f"page {k + 1} is blank"
        limit = img.shape[1] - RIGHT_MARGIN_MM / 25.4 * 72 * scale + 1
        assert inked.max() <= limit, f"page {k + 1}: ink at x={inked.max()} beyond {limit:.0f}"


def test_pdf_opens_with_the_executive_summary(pdf, tables):
    first = page_text(pdf, 0) + page_text(pdf, 1)
    s = executive_summary(tables)
    assert "Executive summary" in page_text(pdf, 0)
    for heading in ("The gap", "The plan", "Top actions", "What binds", "What would close the gap"):
        assert heading in first, heading
    for table in (s.gap, s.top):
        for row in shown(table).itertuples(index=False):
            for value in row:
                assert str(value) in first, value
    for line in s.plan_sentences():
        assert line.split(",")[0] in first.replace("\r\n", " ").replace("\n", " ")


def test_summary_numbers_equal_the_result(result, tables):
    s = executive_summary(tables)
    per = s.tonnes_per_unit
    assert s.unit == "ktCO2e" and per == 1e3
    pw = result.pathway.set_index("year")
    years = tables.meta["target_years"]
    assert list(s.gap["Year"]) == years
    for col, src in (("Target", "target_tco2e"), ("BAU", "bau_tco2e"), ("Optimised", "optimised_tco2e")):
        assert np.allclose(s.gap[f"{col} [ktCO2e]"], pw.loc[years, src] / per)
    gap = (pw.loc[years, "optimised_tco2e"] - pw.loc[years, "target_tco2e"]).clip(lower=0)
    assert np.allclose(s.gap["Gap above target [ktCO2e]"], gap / per)
    p = result.portfolio
    assert s.selected == len(p) and s.candidates == result.summary["candidates_kept"]
    assert np.isclose(s.capex_musd, p["capex_usd"].sum() / 1e6)
    assert np.isclose(s.npv_musd, result.summary["npv_usd"] / 1e6)
    assert np.isclose(s.first_year_saving_musd, p["first_year_saving_usd"].sum() / 1e6)
    top = p.sort_values("abatement_target_year_tco2e", ascending=False).head(len(s.top))
    assert list(s.top["Action"]) == list(top["name"])
    assert np.allclose(s.top.iloc[:, 1], top["abatement_target_year_tco2e"] / per)
    assert np.allclose(s.top["Capital cost [US$ m]"], top["capex_usd"] / 1e6)
    final = pw.loc[tables.meta["final_year"]]
    assert np.isclose(s.abatement_final_year, (final["bau_tco2e"] - final["optimised_tco2e"]) / per)
    # the mini case's binding limits, with the intervention's display name instead of its id
    assert s.binds and not any("led_retrofit" in b for b in s.binds)
    assert any("LED retrofit" in b for b in s.binds)
    assert s.fix_sentences() == ["Nothing needs closing: the plan meets the target."]


def test_summary_reads_the_diagnosis_sentences():
    names = {"led_retrofit": "LED retrofit"}
    sentences = [
        "Solved (optimal).",
        "Limits that bind: the domestic financing envelope in 2026; the domestic financing envelope in 2027; "
        "the engineering_staff_months available in 2027; the delivery ramp of led_retrofit in 2026 (5 units); "
        "the full potential of led_retrofit (10 site); and 7 more (binding.csv).",
        "No single change of the timing rules closes the 5.0 ktCO2e missed in 2030 (see fixes.csv).",
        "Closing the 5.0 ktCO2e missed in 2030 through money needs (each verified by a re-solve): "
        "US$1.0m more for led_retrofit.",
        "  Raising the 2027 budget narrows it to 2.0 ktCO2e.",
        "Shadow prices (LP with the start decisions fixed):",
    ]
    assert binding_limits(sentences, names) == [
        "the domestic financing envelope in 2026 and 2027",
        "the engineering staff months available in 2027",
        "the delivery ramp of LED retrofit in 2026",
        "the full potential of LED retrofit (10 site)",
        "and 7 more limits, listed by noregret explain",
    ]
    fixes = closing_fixes(sentences, names)
    assert fixes == [
        "No single change of the timing rules closes the 5.0 ktCO2e missed in 2030.",
        "Closing the 5.0 ktCO2e missed in 2030 through money needs (each verified by a re-solve): "
        "US$1.0m more for LED retrofit.",
        "Raising the 2027 budget narrows it to 2.0 ktCO2e.",
    ]
    assert binding_limits(["Solved (optimal)."], names) == []


def test_html_and_markdown_open_with_the_summary(written):
    page = written["html"].read_text(encoding="utf-8")
    assert page.index("Executive summary") < page.index("<h2>Roadmap")
    assert "@page" in page and "landscape" in page and "counter(pages)" in page
    # on screen the action plan stays one table; on paper it is split so that nothing is cut off
    assert 'class="screen-only"' in page and 'class="print-only"' in page
    md = written["md"].read_text(encoding="utf-8")
    assert md.index("## Executive summary") < md.index("## Roadmap")
    assert "### What binds" in md and "|---|---:|---:|---:|---:|" in md


def test_summary_without_diagnosis_says_so(result):
    s = executive_summary(build_tables(result, diagnosis=False, provenance=False))
    assert s.bind_sentences() == ["The diagnosis was not run for this report."]


def test_pdf_format_is_asked_for_by_name():
    assert "pdf" not in parse_formats(None)
    assert parse_formats("pdf,html") == ["pdf", "html"]


def test_missing_pdf_library_is_a_plain_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint raises ImportError
    out = tmp_path / "rep"
    assert main(["report", str(MINI), "--format", "pdf", "--out", str(out), "--no-diagnosis", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--format" in err and "Pango" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
def test_cli_writes_the_pdf(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", str(MINI), "--format", "pdf", "--out", str(out), "--no-diagnosis", "--quiet"]) == 0
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert not (out / "report.html").exists()
    assert "report.pdf" in capsys.readouterr().out


def test_summary_tables_print_one_decimal():
    df = pd.DataFrame({"Year": [2030], "BAU [ktCO2e]": [1234.56], "Cost per tonne [US$/tCO2e]": [-7.4]})
    assert shown(df).iloc[0].tolist() == ["2030", "1,234.6", "-7"]
