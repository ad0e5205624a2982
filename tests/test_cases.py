"""Sanity of the bundled country cases: each validates and solves in every variant, its inventory adds up
to the documented baseline and scope split, per-capita emissions are plausible, and every action family
is used somewhere or the screening table says why not."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from optimizer.loading import load_case
from optimizer.prepare import prepare
from optimizer.pyomo_backend import solve
from optimizer.schema.library import ACTION_FAMILIES
from optimizer.schema.manifest import Manifest
from optimizer.validation import parse_model
from optimizer.yaml_io import read_yaml_mapping

CASES = Path(__file__).resolve().parent.parent / "cases"
MANIFEST = CASES / "manifest.yaml"
PER_CAPITA_BAND = (0.01, 1.0)  # tCO2e per person: HCWH/Pichler range 0.06-1.5 (CO2), fact sheet proxies 0.02-0.45


def manifest_cases() -> list[Path]:
    manifest = parse_model(Manifest, read_yaml_mapping(MANIFEST), str(MANIFEST))
    return [CASES / name for name in manifest.cases]


@cache
def _loaded(path: Path):
    return load_case(path)


@cache
def _default_result(path: Path):
    return solve(_loaded(path))


def test_manifest_lists_every_bundled_case():
    listed = {p.name for p in manifest_cases()}
    on_disk = {p.name for p in CASES.glob("*.yaml") if p.name != "manifest.yaml"}
    assert listed == on_disk


@pytest.mark.slow
@pytest.mark.parametrize("path", manifest_cases(), ids=lambda p: p.stem)
def test_case_solves_every_variant(path):
    loaded = _loaded(path)
    for variant in loaded.case.variants:
        result = _default_result(path) if variant == loaded.case.default_variant else solve(loaded, variant=variant)
        assert result.summary["status"] == "optimal", (path.name, variant)
        assert len(result.portfolio) > 0, (path.name, variant)


@pytest.mark.parametrize("path", manifest_cases(), ids=lambda p: p.stem)
def test_inventory_adds_up_to_the_documented_baseline(path):
    loaded = _loaded(path)
    ref = loaded.case.baseline_reference
    assert ref is not None, f"{path.name} documents no baseline_reference"
    data = prepare(loaded)
    base = data.bau.emissions[:, 0]
    total = float(base.sum())
    assert total == pytest.approx(ref.total_tco2e, rel=0.01)
    for scope, share in ref.scope_shares.items():
        in_scope = sum(
            base[k] for k, s in enumerate(data.bau.source_ids) if loaded.library.source_type(s).scope == scope
        )
        assert in_scope / total == pytest.approx(share, abs=0.02), (path.name, scope)


@pytest.mark.parametrize("path", manifest_cases(), ids=lambda p: p.stem)
def test_per_capita_emissions_are_plausible(path):
    loaded = _loaded(path)
    assert loaded.case.country.population is not None, f"{path.name} gives no population"
    per_capita = float(prepare(loaded).bau.emissions[:, 0].sum()) / loaded.case.country.population.value
    assert PER_CAPITA_BAND[0] <= per_capita <= PER_CAPITA_BAND[1], (path.name, per_capita)


@pytest.mark.slow  # solves every case (shared with test_case_solves_every_variant when both run)
def test_every_family_is_used_or_explained():
    selected_families: set[str] = set()
    reasons: dict[str, set[str]] = {}
    for path in manifest_cases():
        result = _default_result(path)
        selected_families |= set(result.portfolio["family"])
        for row in result.screening.itertuples():
            reasons.setdefault(row.family, set()).add(row.reason)
    for family in ACTION_FAMILIES:
        if family in selected_families:
            continue
        assert family in reasons, f"family {family} has no intervention in the library"
        vague = [r for r in reasons[family] if not r.strip() or r == "passes all screens; not in the optimal portfolio"]
        assert not vague, (family, vague)
