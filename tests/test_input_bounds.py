"""Typos never become confident plans: bounds on every field, YAML read as a person means it, hostile files
and file-system failures as clean input errors (exit 2), and plausibility warnings (refused by --strict)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml

from optimizer.cli import main
from optimizer.loading import load_case

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def mini(tmp_path):
    shutil.copytree(FIXTURES / "mini_library", tmp_path / "mini_library")
    shutil.copy(FIXTURES / "mini_case.yaml", tmp_path / "mini_case.yaml")
    return tmp_path / "mini_case.yaml"


@pytest.fixture
def georgia(tmp_path):
    """Georgia's case beside a private copy of the shipped library."""
    shutil.copytree(REPO / "intervention_library", tmp_path / "lib")
    text = (REPO / "cases" / "georgia.yaml").read_text()
    path = tmp_path / "georgia.yaml"
    path.write_text(text.replace("schema_version: 1\n", "schema_version: 1\nlibrary: lib\n", 1))
    return path


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _validate(capsys, path: Path, *flags: str) -> tuple[int, str]:
    code = main([*flags, "validate", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def _rejected(capsys, path: Path, *texts: str) -> str:
    code, err = _validate(capsys, path)
    assert code == 2, err
    assert "Invalid input" in err
    for text in texts:
        assert text in err, f"{text!r} not in:\n{err}"
    return err


# --------------------------------------------------------------------------- values solved into nonsense before


def test_growth_written_as_a_percentage(capsys, mini):
    _edit(
        mini, lambda d: d["drivers"]["flat"].update(annual_change={"value": 5.5, "low": 4, "high": 8, "estimate": "x"})
    )
    _rejected(capsys, mini, "drivers.flat.annual_change", "5.5", "fraction per year", "0.055")


def test_financing_source_twice_in_a_variant(capsys, mini):
    fund = {"id": "grant", "name": "Grant", "envelope_usd_by_year": {"by_year": {2026: 10.0}, "estimate": "x"}}
    _edit(mini, lambda d: d["variants"]["conditional"].update(additional_financing=[fund, dict(fund)]))
    _rejected(capsys, mini, "variants[conditional].additional_financing[1]", "'grant'", "only once")


def test_gas_twice_in_gwp_table(capsys, georgia):
    gwp = georgia.parent / "lib" / "gwp.yaml"
    data = yaml.safe_load(gwp.read_text())
    data["gases"].append(dict(data["gases"][0], gwp100_ar6={"value": 1.0, "estimate": "x"}))
    gwp.write_text(yaml.safe_dump(data, sort_keys=False))
    _rejected(capsys, georgia, "gwp.yaml", "gases[", f"'{data['gases'][0]['id']}'", "only once")


def test_year_with_a_leading_zero_is_the_year(capsys, mini):
    _replace(mini, "base_year: 2024", "base_year: 02024")
    code, _ = _validate(capsys, mini)
    assert code == 0
    assert load_case(mini).case.base_year == 2024


@pytest.mark.parametrize(
    "text, shown",
    [("-2024", "-2024"), ("100000000", "100000000"), ("1e9", "1000000000.0"), ("true", "True"), ("2024.5", "2024.5")],
)
def test_years_must_be_calendar_years(capsys, mini, text, shown):
    _replace(mini, "base_year: 2024", f"base_year: {text}")
    _rejected(capsys, mini, "mini_case.yaml: base_year", shown)


def test_horizon_of_more_than_a_century(capsys, mini):
    _replace(mini, "horizon_end_year: 2030", "horizon_end_year: 2200")
    _rejected(capsys, mini, "horizon_end_year", "at most 100 years after base_year 2024")


def test_decision_window_beyond_calendar_returns_at_once(capsys, mini):
    _replace(mini, "  last_year: 2028", "  last_year: 1000000000")
    started = time.perf_counter()
    _rejected(capsys, mini, "decision_window.last_year", "1000000000")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("value", ["1e308", "1e16", "-1e20"])
def test_absurd_magnitudes(capsys, mini, value):
    _replace(mini, "  activity:\n    value: 1000.0", f"  activity:\n    value: {value}")
    _rejected(capsys, mini, "sources[s0].activity", "at most 1e+15 in size")


def test_growth_that_explodes_within_the_horizon(capsys, mini):
    _edit(mini, lambda d: d.update(horizon_end_year=2120))
    _edit(mini, lambda d: d["drivers"]["flat"]["annual_change"].update(value=0.95))
    _edit(mini, lambda d: d["sources"][0]["emissions_tco2e"].update(value=1e6))
    _rejected(capsys, mini, "sources[s0]", "BAU emissions of", "at most 1e+11 tCO2e a year")


def test_negative_resource_limit(capsys, georgia):
    _replace(georgia, "{2026: 44,", "{2026: -44,")
    _rejected(capsys, georgia, "resources[engineering_staff_months].limit_by_year", "-44", "0 or more")


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("complexity: 1", "complexity: true", "complexity"),
        ("complexity: 1", "complexity: 1.0", "complexity"),
    ],
)
def test_no_bool_or_float_for_integers(capsys, mini, old, new, field):
    _replace(mini.parent / "mini_library" / "waste.yaml", old, new)
    _rejected(capsys, mini, "waste.yaml", f"].{field}", "valid integer")


def test_maturity_level_true_is_not_one(capsys, mini):
    _replace(mini, "    2026: 3", "    2026: true")
    _rejected(capsys, mini, "maturity.max_complexity_by_year[2026]", "True")


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y"])
def test_yaml11_booleans_are_words(capsys, mini, word):
    _replace(mini.parent / "mini_library" / "waste.yaml", "complexity: 1", f"complexity: 1\n  integer_units: {word}")
    _rejected(capsys, mini, "integer_units", f"'{word}'", "valid boolean")


def test_sexagesimal_is_not_a_number(capsys, mini):
    _replace(mini, "    2026: 300.0", "    2026: 1:30")
    _rejected(capsys, mini, "budget.total_usd_by_year.by_year[2026]", "'1:30'")


def test_ids_unique_in_every_list(capsys, mini):
    def twice(d):
        d["overrides"] = {"exclude": ["recycling", "recycling"]}
        d["resources"] = []

    _edit(mini, twice)
    _rejected(capsys, mini, "overrides.exclude[1]", "'recycling'", "only once")


# --------------------------------------------------------------------------- hostile files


def test_complex_key(capsys, mini):
    mini.write_text(mini.read_text() + "? [a, b]\n: 1\n")
    _rejected(capsys, mini, "mini_case.yaml: line", "a plain key")


def test_deep_nesting(capsys, mini):
    mini.write_text(mini.read_text() + "description: " + "{a: " * 500 + "1" + "}" * 500 + "\n")
    _rejected(capsys, mini, "mini_case.yaml: line", "levels of nested")


def test_alias_bomb_in_a_string_field_is_refused_quickly(capsys, mini):
    lines, prev = ['x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'], "x0"
    for k in range(1, 10):
        lines.append(f"x{k}: &x{k} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = f"x{k}"
    text = mini.read_text().replace("name: Mini case", "name: Mini case\ndescription: *x9")
    mini.write_text("\n".join(lines) + "\n" + text)
    started = time.perf_counter()
    err = _rejected(capsys, mini, "mini_case.yaml", "aliases expanded")
    assert time.perf_counter() - started < 10 and len(err) < 2000


def test_huge_string_is_cut_before_it_is_shown(capsys, mini):
    _replace(mini, "name: Mini case", "name: " + "x" * 5_000_000)
    err = _rejected(capsys, mini, "mini_case.yaml: name", "at most 200 characters")
    assert len(err) < 2000


def test_not_utf8(capsys, mini):
    mini.write_bytes(mini.read_bytes().replace(b"Testland", b"Test\xfflan"))
    _rejected(capsys, mini, "mini_case.yaml", "UTF-8 text")


def test_symlink_loop_as_case_file(capsys, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    code = main(["solve", str(a), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "a.yaml" in err and "symbolic links" in err and "Traceback" not in err


def test_symlink_loop_as_library_file(capsys, mini):
    loop = mini.parent / "mini_library" / "loop.yaml"
    loop.symlink_to(loop)
    _rejected(capsys, mini, "loop.yaml", "symbolic links")


def test_symlink_loop_as_library_folder(capsys, mini):
    shutil.rmtree(mini.parent / "mini_library")
    (mini.parent / "mini_library").symlink_to(mini.parent / "mini_library")
    _rejected(capsys, mini, "mini_case.yaml: library", "'mini_library'")


@pytest.mark.parametrize("name", ["mini_case.yaml", "waste.yaml", "vocabulary.yaml"])
def test_unreadable_case_or_library_file(capsys, mini, monkeypatch, name):
    real = Path.read_bytes

    def denied(self):
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    _rejected(capsys, mini, name, "permission denied")


def test_unreadable_library_folder(capsys, mini, monkeypatch):
    def denied(self, pattern):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "glob", denied)
    _rejected(capsys, mini, "mini_library", "cannot be listed", "Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_case_file_for_real(capsys, mini):
    mini.chmod(0)
    _rejected(capsys, mini, "mini_case.yaml", "permission denied")


def test_case_file_is_a_directory(capsys, tmp_path):
    (tmp_path / "case.yaml").mkdir()
    code = main(["solve", str(tmp_path / "case.yaml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "case.yaml: got '<directory>'" in err and "Traceback" not in err


# --------------------------------------------------------------------------- plausibility warnings


def _warned(capsys, path: Path, *texts: str) -> None:
    code, err = _validate(capsys, path)
    assert code == 0, err
    assert "Warning:" in err
    for text in texts:
        assert text in err, f"{text!r} not in:\n{err}"
    code, err = _validate(capsys, path, "--strict")
    assert code == 2 and "Invalid input" in err and "--strict refuses it" in err
    for text in texts:
        assert text in err, f"{text!r} not in:\n{err}"


def test_target_percent_written_as_fraction(capsys, mini):
    _edit(mini, lambda d: d["variants"]["unconditional"]["targets"][0]["percent"].update(value=0.12))
    _warned(capsys, mini, "variants[unconditional].targets[0].percent.value", "below 1 %", "written 12")
    code, _ = _validate(capsys, mini)
    assert code == 0
    assert main(["validate", "--strict", str(mini)]) == 2


def test_fast_growth(capsys, mini):
    _edit(mini, lambda d: d["drivers"]["flat"]["annual_change"].update(value=0.35))
    _warned(capsys, mini, "drivers[flat].annual_change.value", "35% a year")


def test_high_discount_rate(capsys, mini):
    _edit(mini, lambda d: d["discount_rate"].update(value=0.45))
    _warned(capsys, mini, "discount_rate.value", "45%")


def test_lead_time_after_horizon(capsys, mini):
    waste = mini.parent / "mini_library" / "waste.yaml"
    data = yaml.safe_load(waste.read_text())
    for item in data["interventions"]:
        item["lead_time_years"]["value"] = 8
    waste.write_text(yaml.safe_dump(data, sort_keys=False))
    _warned(capsys, mini, "lead_time_years.value", "after the horizon end 2030", "abate nothing")


def test_budget_below_cheapest_start(capsys, mini):
    _edit(mini, lambda d: d["budget"]["total_usd_by_year"].update(by_year={2026: 40.0, 2027: 40.0, 2028: 40.0}))
    waste = mini.parent / "mini_library" / "waste.yaml"
    data = yaml.safe_load(waste.read_text())
    for item in data["interventions"]:
        item["fixed_cost_usd"]["value"] = 50.0
    waste.write_text(yaml.safe_dump(data, sort_keys=False))
    _warned(capsys, mini, "budget.total_usd_by_year", "below the cheapest start (US$50")


def test_emissions_per_person(capsys, mini):
    _edit(mini, lambda d: d["country"].update(population={"value": 10.0, "estimate": "x"}))
    _warned(capsys, mini, "tCO2e per person", "outside")


def test_activity_share_above_one(capsys, georgia):
    def share_as_percent(d):
        effect = next(
            e
            for ov in d["overrides"]["interventions"].values()
            for e in ov.get("effects", [])
            if "change_share_of_unit_activity" in e
        )
        effect["change_share_of_unit_activity"] = {"value": -8.0, "estimate": "x"}

    _edit(georgia, share_as_percent)
    _warned(capsys, georgia, "change_share_of_unit_activity.value", "-800%", "fraction")


def test_warnings_in_summary_json(capsys, mini, tmp_path):
    _edit(mini, lambda d: d["variants"]["unconditional"]["targets"][0]["percent"].update(value=0.5))
    assert main(["solve", str(mini), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert "Warning:" in capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert "variants[unconditional].targets[0].percent.value" in [w["path"] for w in summary["warnings"]]
    assert main(["--strict", "solve", str(mini), "--out", str(tmp_path / "strict")]) == 2
    assert not (tmp_path / "strict").exists()


def test_shipped_cases_have_no_warnings(capsys):
    paths = [p for p in sorted((REPO / "cases").glob("*.yaml")) if p.name != "manifest.yaml"]
    code = main(["--strict", "validate", *map(str, paths), str(REPO / "cases" / "examples" / "demo.yaml")])
    err = capsys.readouterr().err
    assert code == 0, err


@pytest.mark.parametrize("content", ["", "{}", "[1, 2]", '{"metadata": {"case_file": 3}}'])
def test_report_of_a_result_with_a_damaged_summary(capsys, mini, tmp_path, content):
    result = tmp_path / "result"
    assert main(["solve", str(mini), "--out", str(result), "--quiet"]) == 0
    (result / "summary.json").write_text(content)
    code = main(["report", str(result), "--out", str(tmp_path / "report")])
    err = capsys.readouterr().err
    assert code == 2 and "summary.json" in err and "written by noregret solve" in err and "Traceback" not in err
    assert not (tmp_path / "report").exists()


def test_batch_given_a_case_file_says_so(capsys, mini, tmp_path):
    code = main(["batch", str(mini), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "1 problem" in err and "noregret solve CASE.yaml" in err


@pytest.mark.parametrize("how", ["directory", "dangling link", "link loop"])
def test_gwp_table_that_cannot_be_read(capsys, georgia, how):
    gwp = georgia.parent / "lib" / "gwp.yaml"
    gwp.unlink()
    if how == "directory":
        gwp.mkdir()
    else:
        gwp.symlink_to(gwp if how == "link loop" else gwp.parent / "nowhere.yaml")
    _rejected(capsys, georgia, "gwp.yaml: got")


def test_envelopes_in_millions(capsys, georgia):
    def in_millions(d):
        for fin in d["budget"]["financing"]:
            fin["envelope_usd_by_year"]["by_year"] = {
                y: v / 1e6 for y, v in fin["envelope_usd_by_year"]["by_year"].items()
            }

    _edit(georgia, in_millions)
    _warned(capsys, georgia, "envelope_usd_by_year", "not thousands or millions", "below the cheapest start")


def test_inventory_off_its_reference(capsys, georgia):
    def total_ten_times(d):
        d["baseline_reference"]["total_tco2e"] *= 10

    _edit(georgia, total_ten_times)
    _warned(capsys, georgia, "baseline_reference.total_tco2e", "-90% off this reference total")


def test_source_in_kilotonnes_shifts_the_scope_split(capsys, georgia):
    def in_kilotonnes(d):
        source = next(s for s in d["sources"] if s["id"] == "heat_fuel")
        source["emissions_tco2e"]["value"] /= 1000

    _edit(georgia, in_kilotonnes)
    _warned(capsys, georgia, "baseline_reference", "scope 1")


def test_solve_given_a_manifest_says_so(capsys, tmp_path):
    code = main(["solve", str(REPO / "cases" / "manifest.yaml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "1 problem" in err and "noregret batch MANIFEST.yaml" in err
