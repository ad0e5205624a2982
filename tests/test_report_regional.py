"""The CAREC roll-up adds up: the regional shortfall is the sum of the countries' own shortfalls (a country beating
its target never reduces it), total rows are column sums, every milestone year of every country is reported,
and the IAMC regional rows agree with the tables. Three small cases built from the mini fixture keep it fast."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from optimizer.batch import run_batch
from optimizer.report import build_tables, regional_tables, write_regional
from optimizer.report.charts import regional_charts
from optimizer.report.iamc import EMISSIONS, INVESTMENT, MUSD
from optimizer.report.regional import TOTAL, TOTAL_EX_PRC

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini_case.yaml"
FINANCING = [
    {
        "id": "domestic",
        "name": "Domestic health budget",
        "envelope_usd_by_year": {"by_year": {2026: 100.0, 2027: 100.0, 2028: 100.0}, "estimate": "test fixture"},
    },
    {
        "id": "loan",
        "name": "Development-bank loan",
        "envelope_usd_by_year": {"by_year": {2026: 200.0, 2027: 200.0, 2028: 200.0}, "estimate": "test fixture"},
    },
]


def _case(folder: Path, stem: str, name: str, iso3: str, targets: list[dict], enforce: str = "milestones") -> str:
    data = copy.deepcopy(yaml.safe_load(MINI.read_text()))
    data["name"] = f"{name} test case"
    data["country"] = {"name": name, "iso3": iso3}
    data["library"] = str(FIXTURES / data["library"])
    data["variants"] = {"unconditional": {"targets": targets}}
    data["target_rules"] = {"mode": "elastic", "enforce": enforce}
    data["budget"]["financing"] = FINANCING
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def _cut(year: int, percent: float) -> dict:
    return {"type": "below_bau", "year": year, "percent": {"value": percent, "estimate": "test fixture"}}


@pytest.fixture(scope="module")
def rollup(tmp_path_factory):
    """A country short of its 2028 and 2030 milestones, a surplus country whose target (2,500 t) lies above its BAU
    (2,000 t), and a stand-in for the PRC short of its 2030 target; solved as one manifest."""
    d = tmp_path_factory.mktemp("regional")
    cases = [
        _case(d, "shortland", "Shortland", "SHO", [_cut(2028, 40.0), _cut(2030, 60.0)]),
        _case(
            d,
            "surplusland",
            "Surplusland",
            "SUR",
            [{"type": "absolute", "year": 2030, "cap_tco2e": {"value": 2500.0, "estimate": "test fixture"}}],
            enforce="every_year",
        ),
        _case(d, "prc", "People's Republic of China", "CHN", [_cut(2030, 50.0)]),
    ]
    manifest = d / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"comparison_year": 2030, "cases": cases}))
    batch = run_batch(manifest)
    assert not batch.failures
    reports = {n: build_tables(r, diagnosis=False, provenance=False) for n, r in batch.results.items()}
    return batch, regional_tables(batch, reports)


def _own_shortfalls(batch, exclude: str | None = None) -> dict[int, float]:
    """Each country's max(0, optimised - target) in the years it enforces, summed by year, from its own result."""
    out: dict[int, float] = {}
    for res in batch.results.values():
        if res.summary["country"] == exclude:
            continue
        enforced = set(res.summary["target_years"])
        for r in res.pathway.itertuples(index=False):
            if int(r.year) in enforced:
                out[int(r.year)] = out.get(int(r.year), 0.0) + max(0.0, r.optimised_tco2e - r.target_tco2e)
    return out


def test_the_fixture_has_shortfalls_and_a_surplus_country(rollup):
    batch, _ = rollup
    pw = {res.summary["country"]: res.pathway.set_index("year") for res in batch.results.values()}
    assert (
        pw["SUR"].loc[2030, "target_tco2e"] > pw["SUR"].loc[2030, "bau_tco2e"] >= pw["SUR"].loc[2030, "optimised_tco2e"]
    )
    assert pw["SHO"].loc[2030, "shortfall_tco2e"] > 0 and pw["SHO"].loc[2028, "shortfall_tco2e"] > 0
    assert pw["CHN"].loc[2030, "shortfall_tco2e"] > 0


@pytest.mark.parametrize("ex_prc", [False, True])
def test_regional_shortfall_is_the_sum_of_the_countries_shortfalls(rollup, ex_prc):
    batch, reg = rollup
    want = _own_shortfalls(batch, exclude="CHN" if ex_prc else None)
    rm = reg.roadmap.set_index("year")
    col = "shortfall_ex_prc_tco2e" if ex_prc else "shortfall_tco2e"
    assert set(want) <= set(rm.index)
    for year in rm.index:
        if int(year) in want:
            assert rm.loc[year, col] == pytest.approx(want[int(year)], rel=1e-6, abs=1e-3), year
        else:  # no country enforces the year: no shortfall, rather than a zero
            assert np.isnan(rm.loc[year, col]), year
    assert rm.loc[2030, col] > 0


def test_a_surplus_country_never_reduces_the_regional_shortfall(rollup):
    batch, reg = rollup
    rm = reg.roadmap.set_index("year")
    sur = next(r for r in batch.results.values() if r.summary["country"] == "SUR").pathway.set_index("year")
    margin = sur.loc[2030, "target_tco2e"] - sur.loc[2030, "optimised_tco2e"]
    assert margin > 0
    # the netted gap (summed optimised minus summed targets) is smaller than the sum of the shortfalls ...
    netted = rm.loc[2030, "optimised_ex_prc_tco2e"] - sum(
        r.pathway.set_index("year").loc[2030, "target_tco2e"]
        for r in batch.results.values()
        if r.summary["country"] != "CHN"
    )
    assert netted < rm.loc[2030, "shortfall_ex_prc_tco2e"] - 1.0
    # ... and the regional shortfall is exactly the shortfall of the countries that fall short
    without_surplus = _own_shortfalls(batch, exclude="SUR")
    assert rm.loc[2030, "shortfall_tco2e"] == pytest.approx(without_surplus[2030], rel=1e-6, abs=1e-3)
    # the capped target line: the surplus country counts at its BAU, not at its target above BAU
    targets = {r.summary["country"]: r.pathway.set_index("year").loc[2030] for r in batch.results.values()}
    capped = sum(min(t["target_tco2e"], t["bau_tco2e"]) for t in targets.values())
    assert rm.loc[2030, "target_tco2e"] == pytest.approx(capped)


def _check_totals(table: pd.DataFrame, label_col: str, cols: list[str], members: dict[str, list[str]]) -> None:
    for label, names in members.items():
        total = table[table[label_col] == label]
        assert len(total) == 1, label
        rows = table[table[label_col].isin(names)]
        assert len(rows) == len(names)
        for c in cols:
            assert float(total[c].iloc[0]) == pytest.approx(float(rows[c].sum()), rel=1e-12, abs=1e-9), (label, c)


def test_totals_rows_are_column_sums(rollup):
    _, reg = rollup
    names = {
        TOTAL: ["Shortland", "Surplusland", "People's Republic of China"],
        TOTAL_EX_PRC: ["Shortland", "Surplusland"],
    }
    sums = ["bau_tco2e", "optimised_tco2e", "shortfall_tco2e", "capex_usd"]
    _check_totals(reg.countries, "country_name", sums, names)
    assert list(reg.countries["case"])[:3] == ["shortland", "surplusland", "prc"]  # each country's case file
    money = [c for c in reg.capex.columns if c.endswith("[US$ m]")]
    _check_totals(reg.capex, "country_name", money, names)
    for _, block in reg.milestones.groupby("year"):
        _check_totals(block, "country_name", ["bau_tco2e", "optimised_tco2e", "shortfall_tco2e"], names)
    paid = [c for c in reg.financing.columns if c.endswith("[US$ m]")]
    financiers = [f for f in reg.financing["financier"] if f != "Total"]
    assert set(financiers) == {"Domestic health budget", "Development-bank loan"}
    _check_totals(reg.financing, "financier", paid, {"Total": financiers})
    # the yearly columns add up to the total column
    for table in (reg.capex, reg.financing):
        years = [c for c in table.columns if c[:4].isdigit()]
        assert np.allclose(table[years].sum(axis=1), table["total [US$ m]"])


def test_financing_is_the_sum_of_the_countries_finance_tables(rollup):
    batch, reg = rollup
    fin = reg.financing.set_index("financier")
    for source, name in (("domestic", "Domestic health budget"), ("loan", "Development-bank loan")):
        for year in (2026, 2027, 2028):
            want = sum(
                float(
                    r.finance[
                        (r.finance["period_type"] == "year")
                        & (r.finance["financing_source"] == source)
                        & (r.finance["period"] == str(year))
                    ]["spend_usd"].sum()
                )
                for r in batch.results.values()
            )
            assert fin.loc[name, f"{year} [US$ m]"] == pytest.approx(want / 1e6)
    assert fin.loc["Total", "total [US$ m]"] > 0


def test_every_milestone_year_of_every_country_appears(rollup):
    batch, reg = rollup
    m = reg.milestones
    assert sorted(m["year"].unique()) == [2028, 2030]
    for year in (2028, 2030):
        block = m[m["year"] == year]
        assert {TOTAL, TOTAL_EX_PRC} <= set(block["country_name"])
        assert len(block) == 3 + 2
        assert set(block["country"]) == {"SHO", "SUR", "CHN", ""}
    # 2028 is a milestone of Shortland only (Surplusland enforces it, but its milestone is 2030)
    row = m[(m["year"] == 2028) & (m["country"] == "SHO")].iloc[0]
    assert row["milestone"] is True or row["milestone"] == True  # noqa: E712
    sho = next(r for r in batch.results.values() if r.summary["country"] == "SHO").pathway.set_index("year")
    assert row["shortfall_tco2e"] == pytest.approx(sho.loc[2028, "shortfall_tco2e"])
    # a country that does not enforce a year has no shortfall in it
    chn = m[(m["year"] == 2028) & (m["country"] == "CHN")].iloc[0]
    assert np.isnan(chn["shortfall_tco2e"])
    # every roadmap year is kept, targets of later years included
    assert list(reg.roadmap["year"]) == list(range(2024, 2031))


def test_iamc_regional_rows_agree_with_the_tables(rollup, tmp_path):
    batch, reg = rollup
    files = write_regional(reg, tmp_path, ["iamc", "xlsx"], scenario="unconditional")
    iamc = pd.read_csv(files["iamc"]).set_index(["region", "variable"])
    capex = {
        r.summary["country"]: {int(y): v / 1e6 for y, v in r.summary["capex_usd_by_year"].items()}
        for r in batch.results.values()
    }
    for region, members in (("CAREC", ["SHO", "SUR", "CHN"]), ("CAREC excl. PRC", ["SHO", "SUR"])):
        inv = iamc.loc[(region, INVESTMENT)]
        assert inv["unit"] == MUSD
        for year in (2026, 2027, 2028):
            want = sum(capex[c][year] for c in members)
            assert inv[str(year)] == pytest.approx(want)
            assert inv[str(year)] == pytest.approx(sum(iamc.loc[(c, INVESTMENT)][str(year)] for c in members))
        short = iamc.loc[(region, f"{EMISSIONS}|Shortfall")]
        own = _own_shortfalls(batch, exclude=None if region == "CAREC" else "CHN")
        for year, v in own.items():
            assert short[str(year)] == pytest.approx(v / 1e6, rel=1e-6, abs=1e-9)
            assert short[str(year)] == pytest.approx(
                sum(
                    iamc.loc[(c, f"{EMISSIONS}|Shortfall")][str(year)]
                    for c in members
                    if not np.isnan(iamc.loc[(c, f"{EMISSIONS}|Shortfall")][str(year)])
                ),
                rel=1e-9,
            )
        bau = iamc.loc[(region, f"{EMISSIONS}|BAU")]
        col = "bau_tco2e" if region == "CAREC" else "bau_ex_prc_tco2e"
        assert np.allclose([bau[str(y)] for y in reg.roadmap["year"]], reg.roadmap[col] / 1e6)


def test_charts_stack_the_countries_and_their_shortfalls(rollup):
    _, reg = rollup
    charts = {c.name: c for c in regional_charts(reg)}
    assert set(charts) == {
        "regional_roadmap",
        "regional_shortfall",
        "regional_roadmap_ex_prc",
        "regional_shortfall_ex_prc",
    }
    for suffix, col in (("", "_tco2e"), ("_ex_prc", "_ex_prc_tco2e")):
        d = charts[f"regional_roadmap{suffix}"].data
        stacked = sum(d["emissions"].values())
        assert np.allclose(stacked * d["scale"], reg.roadmap[f"optimised{col}"])
        hatched = sum(d["shortfall"].values())
        assert np.allclose(hatched * d["scale"], reg.roadmap[f"shortfall{col}"].fillna(0.0))
        s = charts[f"regional_shortfall{suffix}"].data
        rm = reg.roadmap.set_index("year")
        assert np.allclose(s["total"] * s["scale"], rm.loc[s["years"], f"shortfall{col}"])
    assert "People's Republic of China" not in charts["regional_roadmap_ex_prc"].data["countries"]


def test_the_regional_report_states_the_summed_shortfall(rollup, tmp_path):
    _, reg = rollup
    files = write_regional(reg, tmp_path, ["md"])
    text = files["regional.md"].read_text()
    rm = reg.roadmap.set_index("year")
    want = f"add up to {rm.loc[2030, 'shortfall_tco2e'] / 1e3:,.2f} ktCO2e"  # under 1 Mt: in kt
    assert want in text and "without the PRC" in text
    assert "sum of the countries' shortfalls" in text
    for name in ("Milestones", "Capex by country and year", "Financing by financier and year"):
        assert f"## {name}" in text
    assert {"regional_roadmap.png", "regional_shortfall_ex_prc.png"} <= {p.name for p in tmp_path.iterdir()}


def test_regional_pdf_prints_the_roll_up_on_landscape_pages(rollup, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    from optimizer.report.build import write_regional

    _, reg = rollup
    written = write_regional(reg, tmp_path, ["pdf"])
    doc = pdfium.PdfDocument(str(written["regional.pdf"]))
    try:
        assert len(doc) >= 3
        assert all(doc[k].get_size()[0] > doc[k].get_size()[1] for k in range(len(doc)))  # landscape
        text = "".join(doc[k].get_textpage().get_text_range() for k in range(len(doc)))
    finally:
        doc.close()
    assert "CAREC total" in text and "Milestones" in text and "Shortland" in text
    assert not (tmp_path / "regional.html").exists()  # only the formats asked for
