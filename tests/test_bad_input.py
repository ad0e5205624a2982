"""Every user mistake gets a message naming file, field path, value and expectation; exit code 2; no
traceback; no output written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from optimizer.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(FIXTURES / "mini_library", tmp_path / "mini_library")
    shutil.copy(FIXTURES / "mini_case.yaml", tmp_path / "mini_case.yaml")
    return tmp_path


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _run(workspace, capsys, *extra):
    out = workspace / "out"
    code = main(["solve", str(workspace / "mini_case.yaml"), "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.err, out


def _intervention(data, iid):
    return next(i for i in data["interventions"] if i["id"] == iid)


CASE_MISTAKES = {
    "unknown key": (
        lambda d: d.update(discount_rte=d["discount_rate"]),
        ["mini_case.yaml", "discount_rte", "did you mean 'discount_rate'"],
    ),
    "wrong type": (lambda d: d.update(base_year="2024"), ["mini_case.yaml", "base_year", "'2024'", "valid integer"]),
    "missing source for a number": (
        lambda d: d["discount_rate"].pop("estimate"),
        ["mini_case.yaml", "discount_rate", "exactly one of 'source'"],
    ),
    "bare number": (
        lambda d: d.update(discount_rate=0.06),
        ["mini_case.yaml", "discount_rate", "0.06", "a number with its provenance"],
    ),
    "target year outside the horizon": (
        lambda d: d["variants"]["unconditional"]["targets"][0].update(year=2040),
        [
            "mini_case.yaml",
            "variants[unconditional].targets[0].year",
            "2040",
            "from the first decision year to the horizon end, 2026-2030",
        ],
    ),
    "budget year outside the window": (
        lambda d: d["budget"]["total_usd_by_year"]["by_year"].update({2031: 5.0}),
        ["mini_case.yaml", "budget.total_usd_by_year.by_year[2031]", "within the decision window"],
    ),
    "unknown driver": (
        lambda d: d["sources"][0].update(driver="population"),
        ["mini_case.yaml", "sources[s0].driver", "'population'", "a key of 'drivers'"],
    ),
    "unknown intervention in overrides": (
        lambda d: d.update(overrides={"exclude": ["solar"]}),
        ["mini_case.yaml", "overrides.exclude[0]", "'solar'"],
    ),
    "unknown default variant": (
        lambda d: d.update(default_variant="ambitious"),
        ["mini_case.yaml", "default_variant", "'ambitious'"],
    ),
    "unknown resource limit": (
        lambda d: d.update(
            resources=[{"id": "nurses", "limit_by_year": {"by_year": {2026: 1, 2027: 1, 2028: 1}, "estimate": "x"}}]
        ),
        ["mini_case.yaml", "resources[nurses].id", "'nurses'", "a resource in the library vocabulary"],
    ),
    "effect override on unknown source": (
        lambda d: d.update(
            overrides={
                "interventions": {
                    "led_retrofit": {
                        "effects": [{"type": "share", "source": "grid", "fraction": {"value": 0.5, "estimate": "x"}}]
                    }
                }
            }
        ),
        ["mini_case.yaml", "overrides.interventions[led_retrofit].effects[0].source", "'grid'"],
    ),
    "not a number": (
        lambda d: d["discount_rate"].update(value=float("nan")),
        ["mini_case.yaml", "discount_rate", "a finite number"],
    ),
    "infinite penalty": (
        lambda d: d.update(target_rules={"shortfall_penalty_usd_per_tco2e": float("inf")}),
        ["mini_case.yaml", "target_rules.shortfall_penalty_usd_per_tco2e", "finite"],
    ),
    "target before the decision window": (
        lambda d: d["variants"]["unconditional"]["targets"][0].update(year=2025),
        ["mini_case.yaml", "variants[unconditional].targets[0].year", "2025", "cannot be influenced"],
    ),
    "intensity cut fully achieved": (
        lambda d: d["variants"]["unconditional"].update(
            targets=[
                {
                    "type": "intensity",
                    "year": 2030,
                    "percent": {"value": 10, "estimate": "x"},
                    "denominator": "flat",
                    "reference_year": 2010,
                    "achieved_by_base_year_percent": {"value": 100, "estimate": "x"},
                }
            ]
        ),
        ["mini_case.yaml", "achieved_by_base_year_percent.value", "100", "less than 100"],
    ),
    "negative discount rate": (
        lambda d: d["discount_rate"].update(value=-0.1),
        ["mini_case.yaml", "discount_rate", "a fraction per year from 0 to 1"],
    ),
}


def _assert_rejected(workspace, capsys, expected: list[str]) -> None:
    code, err, out = _run(workspace, capsys)
    assert code == 2
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("name", sorted(CASE_MISTAKES))
def test_case_mistakes(workspace, capsys, name):
    change, expected = CASE_MISTAKES[name]
    _edit(workspace / "mini_case.yaml", change)
    _assert_rejected(workspace, capsys, expected)


LIBRARY_MISTAKES = {
    "negative lifetime": (
        lambda d: _intervention(d, "led_retrofit")["lifetime_years"].update(value=-3),
        ["waste.yaml", "interventions[led_retrofit].lifetime_years", "a whole number in [1, 100]"],
    ),
    "unknown prerequisite": (
        lambda d: _intervention(d, "recycling").update(prerequisites=["segregate"]),
        ["waste.yaml", "interventions[recycling].prerequisites[0]", "'segregate'"],
    ),
    "prerequisite cycle": (
        lambda d: _intervention(d, "segregation").update(prerequisites=["recycling"]),
        ["waste.yaml", "prerequisites", "without a cycle", "recycling -> segregation"],
    ),
    "group share above 1": (
        lambda d: d.update(groups=[{"id": "g", "name": "g", "max_combined_share": 1.5}]),
        ["waste.yaml", "groups[g].max_combined_share", "1.5", "less than or equal to 1"],
    ),
    "share fractions above 1": (
        lambda d: _intervention(d, "segregation")["effects"].append(
            {"type": "share", "source": "s1", "fraction": {"value": 0.9, "estimate": "x"}}
        ),
        ["waste.yaml", "interventions[segregation].effects", "1.1", "adding up to at most 1"],
    ),
    "unknown source": (
        lambda d: _intervention(d, "led_retrofit")["effects"][0].update(source="grid"),
        ["waste.yaml", "interventions[led_retrofit].effects[0].source", "'grid'"],
    ),
    "unknown group": (
        lambda d: _intervention(d, "led_retrofit").update(group="lighting"),
        ["waste.yaml", "interventions[led_retrofit].group", "'lighting'"],
    ),
    "unknown phase": (
        lambda d: _intervention(d, "led_retrofit").update(phase="later"),
        ["waste.yaml", "interventions[led_retrofit].phase", "'later'", "a phase id defined by the case"],
    ),
    "unknown resource": (
        lambda d: _intervention(d, "led_retrofit").update(
            resource_use_per_unit={"engineer_months": {"value": 1, "estimate": "x"}}
        ),
        ["waste.yaml", "interventions[led_retrofit].resource_use_per_unit.engineer_months", "'engineer_months'"],
    ),
    "unknown family": (lambda d: d.update(family="energy"), ["waste.yaml", "family", "'energy'"]),
}


@pytest.mark.parametrize("name", sorted(LIBRARY_MISTAKES))
def test_library_mistakes(workspace, capsys, name):
    change, expected = LIBRARY_MISTAKES[name]
    _edit(workspace / "mini_library" / "waste.yaml", change)
    _assert_rejected(workspace, capsys, expected)


def test_yaml_syntax_error_names_line(workspace, capsys):
    path = workspace / "mini_case.yaml"
    path.write_text(path.read_text().replace("base_year: 2024", "base_year: [2024"))
    code, err, out = _run(workspace, capsys)
    assert code == 2 and "mini_case.yaml: line" in err and "valid YAML syntax" in err
    assert not out.exists()


def test_duplicate_key_is_an_error(workspace, capsys):
    path = workspace / "mini_case.yaml"
    path.write_text(path.read_text() + "base_year: 2023\n")
    code, err, _ = _run(workspace, capsys)
    assert code == 2 and "'base_year'" in err and "each key only once" in err


def test_every_problem_is_reported_at_once(workspace, capsys):
    _edit(workspace / "mini_case.yaml", lambda d: d.update(base_year="x", horizon_end_year="y"))
    code, err, _ = _run(workspace, capsys)
    assert code == 2 and "2 problems" in err and "base_year" in err and "horizon_end_year" in err


def test_missing_library_directory(workspace, capsys):
    _edit(workspace / "mini_case.yaml", lambda d: d.update(library="no_such_dir"))
    code, err, _ = _run(workspace, capsys)
    assert code == 2 and "mini_case.yaml: library" in err and "'no_such_dir'" in err


def test_unknown_variant_on_command_line(workspace, capsys):
    code, err, out = _run(workspace, capsys, "--variant", "ambitious")
    assert code == 2 and "'ambitious'" in err and "unconditional" in err
    assert not out.exists()


def test_usage_mistake_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["solve"])
    assert exc.value.code == 2


def test_validate_reports_bad_files(workspace, capsys):
    _edit(
        workspace / "mini_library" / "waste.yaml",
        lambda d: _intervention(d, "led_retrofit").update(capex_usd_per_unit=60),
    )
    code = main(["validate", str(workspace / "mini_library")])
    err = capsys.readouterr().err
    assert code == 2 and "interventions[led_retrofit].capex_usd_per_unit" in err
