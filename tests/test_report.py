"""Reports: every number in the report tables equals the solve result, the charts plot exactly the table
numbers, and the HTML / Excel / IAMC / Markdown outputs read back to the same values."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from optimizer import load_case, solve
from optimizer.cli import main
from optimizer.report import build_tables, regional_tables, write_country, write_regional
from optimizer.report.charts import country_charts, regional_charts
from optimizer.report.fmt import readable
from optimizer.report.iamc import EMISSIONS, INVESTMENT, MT, MUSD
from optimizer.report.tables import header, scale, wedge_column

ROOT = Path(__file__).resolve().parent.parent
GEORGIA = ROOT / "cases" / "georgia.yaml"
MINI = Path(__file__).parent / "fixtures" / "mini_case.yaml"


@pytest.fixture(scope="module")
def result():
    return solve(load_case(GEORGIA))


@pytest.fixture(scope="module")
def tables(result):
    return build_tables(result)


@pytest.fixture(scope="module")
def written(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return out, write_country(tables, out, ["html", "md", "xlsx", "iamc"])


def close(a, b, tol=1e-6):
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-9, atol=tol, equal_nan=True)


# ------------------------------------------------------------------------------------------ tables = result


def test_roadmap_table_equals_pathway(result, tables):
    rm, pw = tables.roadmap, result.pathway
    assert list(rm["year"]) == list(pw["year"])
    for col in ("bau_tco2e", "target_tco2e", "optimised_tco2e", "shortfall_tco2e"):
        assert close(rm[col], pw[col]), col
    wedges = rm[[wedge_column(f) for f in tables.meta["families"]]].sum(axis=1)
    assert close(wedges, pw["bau_tco2e"] - pw["optimised_tco2e"], tol=1e-4)
    assert close(rm["abatement_tco2e"], pw["bau_tco2e"] - pw["optimised_tco2e"])
    assert set(tables.meta["families"]) == set(result.portfolio["family"])
    # wedges by family also agree with the trajectory table (per-source view of the same abatement)
    traj = result.trajectory.groupby("year")["abatement_tco2e"].sum()
    assert close(wedges.to_numpy(), traj.reindex(rm["year"]).to_numpy(), tol=1e-4)


def test_action_plan_equals_portfolio(result, tables):
    a = tables.actions.set_index("intervention")
    p = result.portfolio.set_index("intervention")
    assert set(a.index) == set(p.index) and len(a) == len(p)
    for col in (
        "capex_usd",
        "units",
        "npv_usd",
        "first_year_saving_usd",
        "abatement_target_year_tco2e",
        "cost_per_tco2e_usd",
        "fixed_cost_usd",
    ):
        assert close(a[col], p.loc[a.index, col]), col
    years = tables.meta["decision_years"]
    by_year = a[[f"capex_{y}_usd" for y in years]].sum(axis=1)
    assert close(by_year, p.loc[a.index, "capex_usd"], tol=1e-3)  # capex by year adds up to the total
    sched = result.schedule.groupby("year")["capex_usd"].sum()
    assert close([a[f"capex_{y}_usd"].sum() for y in years], [sched.get(y, 0.0) for y in years], tol=1e-3)
    assert close(
        [a[f"capex_{y}_usd"].sum() for y in years], [result.summary["capex_usd_by_year"][y] for y in years], tol=1e-3
    )
    # grouped by phase in the case's phase order
    order = [ph.id for ph in result.data.case.phases]
    ranks = [order.index(ph) for ph in a["phase"]]
    assert ranks == sorted(ranks)


def test_finance_screening_macc_equal_result(result, tables):
    pd.testing.assert_frame_equal(tables.finance, result.finance.reset_index(drop=True))
    scr = result.screening.set_index("intervention")
    s = tables.screening.set_index("intervention")
    assert set(s.index) == set(scr.index)
    assert (s["reason"] == scr.loc[s.index, "reason"]).all()
    m = tables.macc
    assert set(m["intervention"]) == set(scr.index[scr["status"] == "kept"])
    assert close(m["cost_per_tco2e_usd"], scr.loc[m["intervention"], "cost_per_tco2e_usd"])
    drawn = m[m["drawn"]]
    for block in (drawn[drawn["selected"]], drawn[~drawn["selected"]]):  # each block sorted by cost
        assert (np.diff(block["cost_per_tco2e_usd"]) >= 0).all()
    sel = drawn[drawn["selected"]].set_index("intervention")
    port = result.portfolio.set_index("intervention")
    assert close(sel["abatement_tco2e"], port.loc[sel.index, "abatement_target_year_tco2e"])
    assert close(tables.meta["macc_cutoff_tco2e"], port["abatement_target_year_tco2e"].sum(), tol=1e-4)
    assert close(drawn["x_start_tco2e"].iloc[1:], np.cumsum(drawn["abatement_tco2e"])[:-1])


def test_diagnosis_and_provenance(tables):
    assert len(tables.diagnosis) and any("Solved" in s for s in tables.diagnosis["sentence"])
    prov = tables.provenance
    assert {"cases/georgia.yaml"} <= set(prov["file"])
    assert prov["path"].str.startswith("interventions[").any()
    assert not prov["path"].str.startswith("gases[").any()  # only the case and the assessed interventions


# --------------------------------------------------------------------------------------- charts = tables


def test_charts_plot_the_table_numbers(tables):
    roadmap, macc, finance = country_charts(tables)
    rm, d = tables.roadmap, roadmap.data
    assert d["unit"] in ("ktCO2e", "MtCO2e")
    for key, col in (("bau", "bau_tco2e"), ("target", "target_tco2e"), ("optimised", "optimised_tco2e")):
        assert close(d[key] * d["scale"], rm[col]), key
    assert close(sum(d["wedges"].values()) * d["scale"], rm["bau_tco2e"] - rm["optimised_tco2e"], tol=1e-4)
    drawn = tables.macc[tables.macc["drawn"]]
    m = macc.data
    assert close(m["width"] * m["scale"], drawn["abatement_tco2e"])
    assert close(m["height"], drawn["cost_per_tco2e_usd"])
    assert close(m["cutoff"] * m["scale"], tables.meta["macc_cutoff_tco2e"])
    f = tables.finance
    for src, spend in finance.data["spend"].items():
        rows = f[(f["period_type"] == "year") & (f["financing_source"] == src)]
        assert close(spend * 1e6, rows["spend_usd"])
    for c in (roadmap, macc, finance):
        assert c.png.startswith(b"\x89PNG")


# ---------------------------------------------------------------------------------------------- formats


def test_html_is_self_contained(written):
    _, files = written
    text = files["html"].read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text, re.I)
    assert "@import" not in text and "<script" not in text.lower() and "<link" not in text.lower()
    imgs = re.findall(r"<img[^>]*\bsrc=\"([^\"]*)\"", text)
    assert len(imgs) == 3 and all(s.startswith("data:image/png;base64,") for s in imgs)
    for section in (
        "Roadmap",
        "Action plan",
        "Marginal abatement cost curve",
        "Finance",
        "Screening",
        "Diagnosis",
        "assumptions and provenance",
    ):
        assert section in text


def test_markdown_with_charts_beside_it(written):
    out, files = written
    text = files["md"].read_text()
    for png in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (out / png).is_file() and (out / png).read_bytes().startswith(b"\x89PNG")
    assert "## Action plan" in text and "| intervention |" in text


def test_excel_reads_back(tables, written):
    _, files = written
    book = openpyxl.load_workbook(files["xlsx"])
    for name, df in tables.named().items():
        ws = book[name]
        assert ws.freeze_panes == "A2"
        back = pd.read_excel(files["xlsx"], sheet_name=name)
        assert list(back.columns) == list(readable(df).columns)
        for c in df.columns:
            if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
                want = df[c].replace([np.inf, -np.inf], np.nan).astype(float) / scale(c)  # in display units
                assert close(back[header(c)].astype(float), want), (name, c)
    assert "BAU [ktCO2e]" in list(pd.read_excel(files["xlsx"], sheet_name="roadmap").columns)
    assert "capex [US$ m]" in list(pd.read_excel(files["xlsx"], sheet_name="actions").columns)


def test_iamc_reads_back(result, tables, written):
    _, files = written
    df = pd.read_csv(files["iamc"])
    assert list(df.columns[:5]) == ["model", "scenario", "region", "variable", "unit"]
    assert set(df["region"]) == {"GEO"} and set(df["scenario"]) == {result.summary["variant"]}
    assert df["model"].str.startswith("noregret ").all()
    pw = result.pathway.set_index("year")
    rows = df.set_index("variable")
    for var, col in (("BAU", "bau_tco2e"), ("Target", "target_tco2e"), ("Optimised", "optimised_tco2e")):
        r = rows.loc[f"{EMISSIONS}|{var}"]
        assert r["unit"] == MT
        assert close([r[str(y)] for y in pw.index], pw[col] / 1e6, tol=1e-9), var
    fam = [v for v in rows.index if v.startswith(f"{EMISSIONS}|Abatement|")]
    assert len(fam) == len(tables.meta["families"])
    years = [str(y) for y in pw.index]
    assert close(rows.loc[fam, years].sum().to_numpy(), (pw["bau_tco2e"] - pw["optimised_tco2e"]) / 1e6, tol=1e-9)
    inv = rows.loc[INVESTMENT]
    assert inv["unit"] == MUSD
    cap = result.summary["capex_usd_by_year"]
    assert close([inv[str(y)] for y in cap], np.array(list(cap.values())) / 1e6, tol=1e-9)


# ------------------------------------------------------------------------------------------ regional + CLI


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    d = tmp_path_factory.mktemp("manifest")
    path = d / "manifest.yaml"
    path.write_text(yaml.safe_dump({"comparison_year": 2030, "cases": [str(GEORGIA), str(MINI)]}))
    return path


def test_regional_rollup_sums_countries(manifest, tmp_path):
    from optimizer.batch import run_batch

    batch = run_batch(manifest)
    reports = {n: build_tables(r, diagnosis=False, provenance=False) for n, r in batch.results.items()}
    reg = regional_tables(batch, reports)
    assert len(reg.countries) == 3 and list(reg.countries["country_name"])[-1] == "CAREC total"
    common = sorted(set.intersection(*(set(r.pathway["year"]) for r in batch.results.values())))
    assert list(reg.roadmap["year"]) == common
    for col in ("bau_tco2e", "optimised_tco2e"):
        want = sum(r.pathway.set_index("year").loc[common, col].to_numpy() for r in batch.results.values())
        assert close(reg.roadmap[col], want)
    charts = regional_charts(reg)
    d = charts[0].data
    assert close(d["bau"] * d["scale"], reg.roadmap["bau_tco2e"])
    files = write_regional(reg, tmp_path, ["html", "md", "xlsx", "iamc"], scenario="unconditional")
    iamc = pd.read_csv(files["iamc"])
    assert {"GEO", "TST", "CAREC"} <= set(iamc["region"])
    carec = iamc[(iamc["region"] == "CAREC") & (iamc["variable"] == f"{EMISSIONS}|BAU")].iloc[0]
    assert close([carec[str(y)] for y in common], reg.roadmap["bau_tco2e"] / 1e6, tol=1e-9)
    text = files["regional.html"].read_text()
    assert all(s.startswith("data:") for s in re.findall(r"<img[^>]*\bsrc=\"([^\"]*)\"", text))


def test_cli_report_writes_requested_formats(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", str(MINI), "--format", "html,iamc", "--out", str(out), "--no-diagnosis"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [".noregret-output", "report.html", "report_iamc.csv"]
    assert main(["report", str(MINI), "--format", "md,xlsx", "--out", str(out / "b")]) == 0
    assert {"report.md", "report.xlsx", "roadmap.png", "macc.png"} <= {p.name for p in (out / "b").iterdir()}


def test_cli_report_manifest(manifest, tmp_path):
    out = tmp_path / "reg"
    assert main(["report", str(manifest), "--format", "iamc,xlsx", "--out", str(out), "--no-diagnosis"]) == 0
    assert (out / "iamc.csv").is_file() and (out / "regional.xlsx").is_file()
    assert (out / "georgia" / "report.xlsx").is_file() and (out / "mini_case" / "report.xlsx").is_file()


@pytest.mark.parametrize(
    "args", [["report", "/no/such/case.yaml"], ["report", str(MINI), "--format", "docx"], ["report"]]
)
def test_cli_report_bad_input_exits_2(args, tmp_path, capsys):
    code = None
    try:
        code = main(args + ["--out", str(tmp_path / "x")] if len(args) > 1 else args)
    except SystemExit as e:
        code = e.code
    assert code == 2


def test_report_from_a_result_directory(tmp_path):
    import shutil

    work = tmp_path / "w"
    shutil.copytree(Path(__file__).parent / "fixtures", work)
    case = work / "mini_case.yaml"
    assert main(["solve", str(case), "--out", str(tmp_path / "res"), "--quiet"]) == 0
    assert (
        main(["report", str(tmp_path / "res"), "--format", "md", "--no-diagnosis", "--out", str(tmp_path / "rep")]) == 0
    )
    assert (tmp_path / "rep" / "report.md").is_file()
    data = yaml.safe_load(case.read_text())
    data["discount_rate"]["value"] = 0.05  # the inputs changed since the result was written
    case.write_text(yaml.safe_dump(data))
    assert main(["report", str(tmp_path / "res"), "--out", str(tmp_path / "rep2")]) == 2
    assert not (tmp_path / "rep2").exists()
