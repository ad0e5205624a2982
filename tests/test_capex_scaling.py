"""Capex per unit sized to the case's units (``capex_scales_with``): hand-computed capex, NPV and payback, the
pipeline's fallback, the sweep's range, and clear errors for bad scaling inputs."""

from __future__ import annotations

import pytest

from optimizer.errors import InputError
from optimizer.prepare import prepare
from optimizer.sweep.paths import value_at
from optimizer.synthetic import build, case_dict, intervention, q

from .pipeline_helpers import with_pipeline


def scaled(scaling: dict | None = None, **kw) -> dict:
    """One unit per site (10 sites), saving 10 % of s0's activity per unit (1,000 / 10 sites = 100 a unit, so
    10 units of activity at US$1: US$10 a year), capex US$100 at 25 units of activity per unit."""
    block = {"source": "s0", "reference_activity_per_unit": q(25), "exponent": q(0.5)}
    return intervention(
        "retrofit",
        effects=[{"type": "activity", "source": "s0", "change_share_of_unit_activity": q(-0.1)}],
        potential={"basis": "site", "units_per_basis": q(1)},
        capex_scales_with=block if scaling is None else scaling,
        lifetime_years=30,
        **kw,
    )


def test_capex_npv_and_payback_follow_the_activity_ratio_and_exponent():
    data = prepare(build([scaled(om_change_usd_per_unit_year=2.0)], case_dict()))
    cand = data.candidates["retrofit"]
    # activity per unit 1,000 / 10 = 100; (100 / 25) ^ 0.5 = 2
    assert cand.activity_per_unit == pytest.approx(100.0)
    assert cand.capex_scale == pytest.approx(2.0)
    assert cand.capex == pytest.approx(200.0)
    assert cand.om_change == pytest.approx(2.0)  # O&M does not scale unless scales_om
    # zero discounting: 200 capex + 30 years x (2 O&M - 10 saved) = -40
    assert cand.npv_cost_per_unit[2026] == pytest.approx(200.0 + 30 * (2.0 - 10.0))
    assert cand.simple_payback_years == pytest.approx(200.0 / 8.0)
    row = next(r for r in data.screening if r.id == "retrofit")
    assert "scaled x2.00" in row.note and "US$200" in row.note and "exponent 0.5" in row.note


def test_without_exponent_capex_is_proportional_and_scales_om_scales_running_costs():
    block = {"source": "s0", "reference_activity_per_unit": q(400), "scales_om": True}
    cand = prepare(build([scaled(block, om_change_usd_per_unit_year=-4.0)], case_dict())).candidates["retrofit"]
    assert cand.capex_scale == pytest.approx(0.25)  # 100 / 400
    assert cand.capex == pytest.approx(25.0)
    assert cand.om_change == pytest.approx(-1.0)


def test_a_case_capex_override_is_taken_as_given_and_the_sweep_sizes_the_library_range():
    loaded = build([scaled(capex_usd_per_unit=q(100, low=50, high=300))], case_dict())
    assert value_at(loaded, "interventions.retrofit.capex_usd_per_unit") == pytest.approx(
        {"value": 200.0, "low": 100.0, "high": 600.0}
    )
    overridden = build([scaled()], case_dict(overrides={"interventions": {"retrofit": {"capex_usd_per_unit": q(70)}}}))
    data = prepare(overridden)
    assert data.candidates["retrofit"].capex == pytest.approx(70.0)
    assert "as the case gives it" in next(r for r in data.screening if r.id == "retrofit").note


def test_a_case_without_the_sizing_activity_excludes_the_intervention_with_a_reason():
    block = {"source": "s1", "reference_activity_per_unit": q(25)}
    case = case_dict()
    case["sources"][1].pop("activity")
    case["sources"][1].pop("price_usd_per_unit")
    data = prepare(build([scaled(block)], case))
    row = next(r for r in data.screening if r.id == "retrofit")
    assert row.status == "excluded"
    assert "capex per unit scales with the activity of 's1'" in row.reason


def test_the_pipeline_fallback_scales_like_the_national_capex():
    loaded = build([scaled()], case_dict())
    loaded = with_pipeline(
        loaded,
        [
            {"id": "p_default", "intervention": "retrofit", "size": "3"},
            {"id": "p_own", "intervention": "retrofit", "size": "3", "capex_usd": "90"},
        ],
    )
    setup = prepare(loaded).projects.setup
    assert list(setup.capex) == pytest.approx([3 * 200.0, 90.0])


@pytest.mark.parametrize(
    ("block", "path", "expected"),
    [
        (
            {"source": "nowhere", "reference_activity_per_unit": q(25)},
            "capex_scales_with.source",
            "a vocabulary source with an activity_unit",
        ),
        (
            {"source": "s0", "reference_activity_per_unit": q(0)},
            "capex_scales_with.reference_activity_per_unit",
            "(0, inf]",
        ),
        (
            {"source": "s0", "reference_activity_per_unit": q(25), "exponent": q(2.0)},
            "capex_scales_with.exponent",
            "(0, 1.5]",
        ),
        (
            {"source": "s0", "reference_activity_per_unit": q(25), "exponent": q(0.0)},
            "capex_scales_with.exponent",
            "(0, 1.5]",
        ),
    ],
)
def test_bad_scaling_inputs_give_clear_errors(block, path, expected):
    with pytest.raises(InputError) as err:
        build([scaled(block)], case_dict())
    text = "\n".join(f"{p.path} {p.value} {p.expected}" for p in err.value.problems)
    assert path in text and expected in text, text


# ------------------------------------------------------------------------------------------------ the workbook


def _header_column(book, sheet: str, header: str) -> str:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    ws = load_workbook(book)[sheet]
    for row in ws.iter_rows(min_row=1, max_row=3):
        for cell in row:
            if cell.value == header:
                return get_column_letter(cell.column)
    raise AssertionError(f"no column {header!r} on {sheet}")


def test_a_case_intervention_sized_by_activity_round_trips_and_bad_cells_are_named(tmp_path):
    from optimizer.loading import load_case
    from optimizer.workbook import convert

    from .test_workbook import _edited, _problems
    from .test_workbook_additions import additions_case

    case = additions_case(tmp_path)
    book = convert(case, tmp_path / "additions.xlsx")[0]
    back = convert(book, tmp_path / "back" / "additions.yaml")[0]
    original = load_case(case).case
    for path in (book, back):
        read = load_case(path).case
        assert read.model_dump(exclude_unset=True, exclude={"library"}) == original.model_dump(
            exclude_unset=True, exclude={"library"}
        )
        by_id = {item.id: item for item in read.interventions}
        assert by_id["hospital_biogas_digester"].capex_scales_with.exponent.value == 0.8
        assert by_id["national_energy_campaign"].capex_scales_with is None
    sheet = "Case interventions"
    exponent = _header_column(book, sheet, "capex scale exponent (dimensionless)")
    low, high = (_header_column(book, sheet, f"capex scale exponent {end}") for end in ("low", "high"))
    edits = {f"'{sheet}'!{exponent}3": 2, f"'{sheet}'!{low}3": None, f"'{sheet}'!{high}3": None}
    problems = _problems(_edited(tmp_path, book, edits))
    assert any(f"'{sheet}'!{exponent}3" in p and "(0, 1.5]" in p for p in problems), problems
    source = _header_column(book, sheet, "capex scales with")
    problems = _problems(_edited(tmp_path, book, {f"'{sheet}'!{source}3": "steam"}, name="source.xlsx"))
    assert any(f"'{sheet}'!{source}3" in p and "'steam'" in p for p in problems), problems


# ------------------------------------------------------------------------------------------------ case overrides


def _overridden_case(change: dict, **kw):
    return build(
        [scaled(**kw), intervention("plain")],
        case_dict(overrides={"interventions": change}),
    )


def test_a_case_may_change_part_of_the_sizing_or_add_it():
    loaded = _overridden_case({"retrofit": {"capex_scales_with": {"exponent": q(1.0)}}})
    assert prepare(loaded).candidates["retrofit"].capex == pytest.approx(100.0 * 100 / 25)
    added = _overridden_case({"plain": {"capex_scales_with": {"source": "s0", "reference_activity_per_unit": q(2000)}}})
    # plain: one national programme, 1,000 of s0 per unit: half the reference, in proportion
    assert prepare(added).candidates["plain"].capex == pytest.approx(50.0)


def test_bad_sizing_overrides_are_named_at_the_override():
    with pytest.raises(InputError) as err:
        _overridden_case({"plain": {"capex_scales_with": {"exponent": q(0.8)}}})
    (problem,) = err.value.problems
    assert problem.path == "overrides.interventions[plain].capex_scales_with"
    assert "reference_activity_per_unit" in problem.expected and "source" in problem.expected
    with pytest.raises(InputError) as err:
        _overridden_case({"retrofit": {"capex_scales_with": {"source": "nowhere"}}})
    assert [p.path for p in err.value.problems] == ["overrides.interventions[retrofit].capex_scales_with.source"]


def test_the_solved_plan_pays_the_sized_capex():
    from optimizer.pyomo_backend import solve

    result = solve(build([scaled()], case_dict()))
    row = result.portfolio.set_index("intervention").loc["retrofit"]
    assert row["units"] > 0
    # sized capex 200 per unit; net saving per unit at zero discounting 30 x 10 - 200 = 100 (NPV as a benefit)
    assert row["capex_usd"] == pytest.approx(200.0 * row["units"])
    assert row["npv_usd"] == pytest.approx(100.0 * row["units"])
    assert row["simple_payback_years"] == pytest.approx(20.0)
