"""A case adds its own interventions and groups on top of its library, and may override any field of a
library intervention: the rest of the engine sees one merged library."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.loading import library_from_data, load_case
from optimizer.prepare import prepare
from optimizer.pyomo_backend import solve
from optimizer.report.tables import provenance_table
from optimizer.schema import Intervention
from optimizer.schema.case import InterventionOverride
from optimizer.sweep.paths import apply_settings, value_at
from optimizer.synthetic import build, case_dict, intervention, q, vocabulary
from optimizer.yaml_io import read_yaml_mapping

from .helpers import units_by_year


def local(iid: str, family: str = "waste", **kw) -> dict:
    """A case-added intervention: the library schema plus its family."""
    return {**intervention(iid, **kw), "family": family}


def problems(err: pytest.ExceptionInfo) -> list[tuple[str, str, str]]:
    return [(p.file, p.path, p.expected) for p in err.value.problems]


# ------------------------------------------------------------------------------------------ added ones


def test_a_case_intervention_is_screened_selected_and_reported():
    costly = intervention("costly", capex_usd_per_unit=5000.0)
    cheap = local("local_cheap", family="fleet", capex_usd_per_unit=10.0)
    loaded = build([costly], case_dict(interventions=[cheap]))
    assert loaded.library.family_of["local_cheap"] == "fleet"
    assert loaded.library.file_of["local_cheap"] == "<case>"
    result = solve(loaded)
    screening = result.screening.set_index("intervention")
    assert screening.loc["local_cheap", "status"] == "kept"
    assert screening.loc["local_cheap", "family"] == "fleet"
    assert "local_cheap" in set(result.portfolio["intervention"])
    assert "costly" not in set(result.portfolio["intervention"])
    table = provenance_table(result)
    rows = table[table["path"].str.startswith("interventions[local_cheap]")]
    assert set(rows["file"]) == {"<case>"}
    assert "interventions[local_cheap].capex_usd_per_unit" in set(rows["path"])
    assert not rows["unit"].str.contains(r"\?|\{").any()
    assert len(table) == len(table.drop_duplicates(["file", "path"]))


def test_case_groups_and_references_resolve_across_library_and_case():
    """A case group capping a library and a case intervention together; a case intervention that needs a
    library one; financing and exclusions that name case interventions."""
    lib_item = intervention("lib_a", capex_usd_per_unit=1.0)
    added = local("local_b", capex_usd_per_unit=1.0, group="shared", prerequisites=["lib_a"])
    case = case_dict(
        interventions=[added, local("local_c")],
        groups=[{"id": "shared", "name": "Shared slice", "max_combined_share": 0.5}],
        overrides={"exclude": ["local_c"], "interventions": {"lib_a": {"group": "shared"}}},
        budget={
            "financing": [
                {
                    "id": "fund",
                    "name": "Fund",
                    "envelope_usd_by_year": {"by_year": {2026: 1e6, 2027: 1e6, 2028: 1e6}, "estimate": "test"},
                    "eligible_interventions": ["local_b", "lib_a"],
                }
            ]
        },
    )
    loaded = build([lib_item], case)
    data = prepare(loaded)
    assert data.candidates["local_b"].group == data.candidates["lib_a"].group == "shared"
    assert data.candidates["local_b"].prerequisites == ["lib_a"]
    assert data.candidates["local_b"].financing == ["fund"]
    assert "local_c" not in data.candidates
    result = solve(loaded, objective="max_abatement")
    shares = result.portfolio.set_index("intervention")["deployment_share"]
    assert shares.sum() == pytest.approx(0.5)  # the case group caps the library one too


def test_a_case_without_additions_shares_its_library():
    lib = library_from_data(vocabulary(), {"waste.yaml": {"family": "waste", "interventions": [intervention("a")]}})
    from optimizer.loading import case_from_dict

    plain = case_from_dict(case_dict(), lib)
    overridden = case_from_dict(case_dict(overrides={"interventions": {"a": {"capex_usd_per_unit": q(5)}}}), lib)
    assert plain.library is lib and overridden.library is lib
    added = case_from_dict(case_dict(interventions=[local("b")]), lib)
    other = case_from_dict(case_dict(interventions=[local("b", capex_usd_per_unit=7.0)]), lib)
    assert added.library.base is lib and set(added.library.interventions) == {"a", "b"}
    assert len({lib.digest, added.library.digest, other.library.digest}) == 3
    assert added.digest != other.digest
    again = case_from_dict(case_dict(interventions=[local("b")]), added.library)  # another case's library
    assert again.library.base is lib and again.library.digest == added.library.digest


def test_a_sweep_changes_a_case_intervention_through_overrides():
    loaded = build([intervention("a")], case_dict(interventions=[local("b", capex_usd_per_unit=40.0)]))
    assert value_at(loaded, "interventions.b.capex_usd_per_unit")["value"] == 40.0
    changed = apply_settings(loaded, {"interventions.b.capex_usd_per_unit": 90.0})
    assert prepare(changed).candidates["b"].capex == 90.0
    assert set(changed.library.interventions) == {"a", "b"}


# ------------------------------------------------------------------------------------------ mistakes


def test_an_added_id_the_library_has_is_an_error():
    with pytest.raises(InputError) as err:
        build([intervention("a")], case_dict(interventions=[local("a")], groups=[{"id": "g", "name": "G"}]), [])
    ((file, path, expected),) = problems(err)
    assert (file, path) == ("<case>", "interventions[a].id")
    assert "waste.yaml" in expected
    assert "use overrides.interventions.a to change a library intervention" in expected


def test_repeated_added_ids_and_groups_are_errors():
    groups = [{"id": "g", "name": "G"}, {"id": "g", "name": "G again"}]
    with pytest.raises(InputError) as err:
        build([intervention("a")], case_dict(interventions=[local("b"), local("b")], groups=groups))
    assert {(f, p) for f, p, _ in problems(err)} == {("<case>", "interventions[b].id"), ("<case>", "groups[g].id")}


def test_a_group_id_the_library_has_is_an_error():
    with pytest.raises(InputError) as err:
        build([intervention("a", group="g")], case_dict(groups=[{"id": "g", "name": "G"}]), [{"id": "g", "name": "G"}])
    ((file, path, _),) = problems(err)
    assert (file, path) == ("<case>", "groups[g].id")


@pytest.mark.parametrize(
    ("added", "overrides", "path", "expected"),
    [
        ({"group": "nope"}, {}, "interventions[b].group", "a group of the library or of the case's groups"),
        ({"prerequisites": ["nope"]}, {}, "interventions[b].prerequisites[0]", "an intervention of the library"),
        ({"effects": [{"type": "share", "source": "nope", "fraction": q(0.1)}]}, {}, "interventions[b].effects[0]", ""),
        ({"resource_use_per_unit": {"nope": q(1)}}, {}, "interventions[b].resource_use_per_unit.nope", ""),
        ({"potential": {"basis": "nope", "units_per_basis": q(1)}}, {}, "interventions[b].potential.basis", ""),
        ({"phase": "nope"}, {}, "interventions[b].phase", "a phase id"),
        ({}, {"a": {"group": "nope"}}, "overrides.interventions[a].group", "a group of the library"),
        ({}, {"a": {"potential": {"basis": "nope"}}}, "overrides.interventions[a].potential.basis", ""),
        ({}, {"a": {"prerequisites": ["a"]}}, "overrides.interventions[a].prerequisites[0]", "not itself"),
        ({}, {"a": {"kpis": ["x", "x"]}}, "overrides.interventions[a].kpis[1]", "only once"),
        ({}, {"a": {"all_or_nothing": True}}, "overrides.interventions[a].max_share_per_year", "1 for an all_or"),
        ({}, {"nope": {"name": "x"}}, "overrides.interventions.nope", "of the case's interventions"),
    ],
)
def test_bad_references_name_the_case_file_and_path(added, overrides, path, expected):
    items = [intervention("a", max_share_per_year=0.5)]
    case = case_dict(interventions=[local("b", **added)], overrides={"interventions": overrides})
    with pytest.raises(InputError) as err:
        build(items, case)
    found = problems(err)
    assert any(f == "<case>" and p.startswith(path) and expected in e for f, p, e in found), found


def test_a_cycle_through_case_and_library_names_the_case():
    case = case_dict(
        interventions=[local("b", prerequisites=["a"])],
        overrides={"interventions": {"a": {"prerequisites": ["b"]}}},
    )
    with pytest.raises(InputError) as err:
        build([intervention("a")], case)
    assert all(f == "<case>" for f, _, _ in problems(err))


def test_a_cycle_closed_by_an_unchanged_library_intervention_points_at_the_case():
    """a_lib (overridden) -> b_case (added) -> c_lib (library, as it is) -> a_lib: the problem found at c_lib
    says the library alone passes and names the case."""
    items = [intervention("a_lib"), intervention("c_lib", prerequisites=["a_lib"])]
    case = case_dict(
        interventions=[local("b_case", prerequisites=["c_lib"])],
        overrides={"interventions": {"a_lib": {"prerequisites": ["b_case"]}}},
    )
    with pytest.raises(InputError) as err:
        build(items, case)
    ((file, path, expected),) = problems(err)
    assert (file, path) == ("<library>/waste.yaml", "interventions[c_lib].prerequisites")
    assert "the library alone passes" in expected and "<case>" in expected


@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [
        (lambda d: d.update(capex_usd_per_unit={"value": -5.0, "estimate": "x"}), "capex_usd_per_unit", "[0, inf]"),
        (lambda d: d.update(family="nope"), "family", "'inhalers_anaesthetics'"),
        (lambda d: d.pop("family"), "family", "required"),
        (lambda d: d.update(capex_usd=q(1)), "capex_usd", "did you mean"),
        (lambda d: d["capex_usd_per_unit"].pop("estimate"), "capex_usd_per_unit", "exactly one of 'source'"),
    ],
)
def test_bad_fields_of_an_added_intervention_name_file_and_path(change, path, expected):
    item = local("b")
    change(item)
    with pytest.raises(InputError) as err:
        build([intervention("a")], case_dict(interventions=[item]))
    found = problems(err)
    assert any(f == "<case>" and p == f"interventions[b].{path}" and expected in e for f, p, e in found), found


def test_unknown_override_fields_are_still_errors():
    case = case_dict(overrides={"interventions": {"a": {"famly": "fleet"}}})
    with pytest.raises(InputError) as err:
        build([intervention("a")], case)
    ((file, path, expected),) = problems(err)
    assert file == "<case>" and path.endswith("famly") and "known keys" in expected


def test_every_intervention_field_can_be_overridden():
    assert set(Intervention.model_fields) - {"id"} <= set(InterventionOverride.model_fields)


# ------------------------------------------------------------------------------------------ new overrides


def _lumpy_case(**override) -> dict:
    """One intervention removing all of source s0 (1,000 t) over a potential of 10 sites x 0.25 = 2.5 units
    (400 t a unit); the target needs 200 t (10 % of 2,000 t)."""
    return case_dict(overrides={"interventions": {"a": override}} if override else {})


def _lumpy_items() -> list[dict]:
    effects = [{"type": "share", "source": "s0", "fraction": q(1.0)}]
    return [intervention("a", effects=effects, potential={"basis": "site", "units_per_basis": q(0.25)})]


def test_overriding_integer_units_builds_whole_units():
    fractional = solve(build(_lumpy_items(), _lumpy_case()))
    whole = solve(build(_lumpy_items(), _lumpy_case(integer_units=True)))
    assert sum(units_by_year(fractional, "a").values()) == pytest.approx(0.5)
    assert sum(units_by_year(whole, "a").values()) == pytest.approx(1.0)
    assert whole.screening.set_index("intervention").loc["a", "potential_units"] == 2.0


def test_overriding_the_potential_changes_the_units_and_their_size():
    data = prepare(build(_lumpy_items(), _lumpy_case(potential={"units_per_basis": q(0.5)})))
    assert data.candidates["a"].potential == 5.0
    data = prepare(build(_lumpy_items(), _lumpy_case(potential={"basis": "country"})))
    assert data.candidates["a"].potential == 0.25
    result = solve(build(_lumpy_items(), _lumpy_case(potential={"basis": "country", "units_per_basis": q(1)})))
    assert sum(units_by_year(result, "a").values()) == pytest.approx(0.2)  # 200 t of 1,000 t a unit


def test_overriding_descriptive_fields_and_scores_reaches_the_results():
    override = {
        "name": "Local name",
        "unit": "ward",
        "kpis": ["wards done"],
        "co_benefit_score": q(3),
        "resource_use_per_unit": {"staff": q(2)},
    }
    loaded = build(_lumpy_items(), _lumpy_case(**override))
    item = loaded.library.interventions["a"]
    assert (item.name, item.unit, item.kpis, item.co_benefit_score.value) == ("Local name", "ward", ["wards done"], 3)
    assert loaded.library.base is not None and loaded.library.base.interventions["a"].name == "a"
    cand = prepare(loaded).candidates["a"]
    assert (cand.name, cand.unit, cand.co_benefit, cand.resource_per_unit) == ("Local name", "ward", 3.0, {"staff": 2})
    table = provenance_table(solve(loaded))
    library_row = table[(table["path"] == "interventions[a].co_benefit_score")]
    override_row = table[(table["path"] == "overrides.interventions.a.co_benefit_score")]
    assert library_row["value"].tolist() == [1.0] and override_row["value"].tolist() == [3.0]  # numbers
    assert override_row["file"].tolist() == ["<case>"]


def test_overriding_all_or_nothing_with_the_ramp_at_one():
    loaded = build(_lumpy_items(), _lumpy_case(all_or_nothing=True, max_share_per_year=q(1.0)))
    result = solve(loaded)
    assert units_by_year(result, "a") == {2026: pytest.approx(2.5)}


# ------------------------------------------------------------------------------------------ YAML and CLI


def _georgia_with(tmp_path: Path, change) -> Path:
    from optimizer.bundled import resolve

    data = read_yaml_mapping(resolve(Path("georgia")))
    change(data)
    path = tmp_path / "georgia_local.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def _biogas(**kw) -> dict:
    item = {
        "id": "hospital_biogas_digester",
        "family": "waste",
        "name": "Hospital biogas digester",
        "description": "An on-site digester for food and organic waste, its gas burnt in the boiler house.",
        "unit": "hospital",
        "phase": "quick_wins",
        "complexity": 1,
        "effects": [{"type": "share", "source": "food", "fraction": {"value": 0.3, "estimate": "test"}}],
        "capex_usd_per_unit": {"value": 1.0, "estimate": "test"},
        "fixed_cost_usd": {"value": 0.0, "estimate": "test"},
        "om_change_usd_per_unit_year": {"value": -10.0, "estimate": "test"},
        "lifetime_years": {"value": 15, "estimate": "test"},
        "lead_time_years": {"value": 0, "estimate": "test"},
        "potential": {"basis": "hospitals", "units_per_basis": {"value": 1.0, "estimate": "test"}},
        "max_share_per_year": {"value": 0.5, "estimate": "test"},
        "co_benefit_score": {"value": 2, "estimate": "test"},
        "resilience_score": {"value": 1, "estimate": "test"},
    }
    item.update(kw)
    return item


def test_a_yaml_case_with_its_own_intervention_solves(tmp_path, capsys):
    path = _georgia_with(tmp_path, lambda d: d.update(interventions=[_biogas()]))
    out = tmp_path / "out"
    assert main(["solve", str(path), "--out", str(out), "--quiet"]) == 0
    screening = (out / "screening.csv").read_text()
    assert "hospital_biogas_digester" in screening
    assert "hospital_biogas_digester" in (out / "portfolio.csv").read_text()
    georgia = load_case("georgia")
    assert load_case(path).digest != georgia.digest


def test_a_yaml_case_adding_a_library_id_fails_naming_the_file(tmp_path, capsys):
    path = _georgia_with(tmp_path, lambda d: d.update(interventions=[_biogas(id="rooftop_solar_pv")]))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: interventions[rooftop_solar_pv].id" in err
    assert "use overrides.interventions.rooftop_solar_pv to change a library intervention" in err


def test_a_yaml_case_with_a_bad_field_fails_naming_file_and_path(tmp_path, capsys):
    bad = _biogas(capex_usd_per_unit={"value": "ten", "estimate": "test"})
    path = _georgia_with(tmp_path, lambda d: d.update(interventions=[bad]))
    assert main(["validate", str(path)]) == 2
    assert f"{path}: interventions[hospital_biogas_digester].capex_usd_per_unit.value" in capsys.readouterr().err
