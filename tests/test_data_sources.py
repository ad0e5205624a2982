"""docs/data-sources.md lists every number of the library and the bundled cases with its unit and
provenance, and is current."""

from __future__ import annotations

import re
import typing

from optimizer.docgen import ROOTS, _nested_models
from optimizer.loading import DEFAULT_LIBRARY, load_library
from optimizer.provenance import (
    DATA_SOURCES,
    UNITS,
    bundled_case_files,
    case_rows,
    library_rows,
    render_data_sources,
)
from optimizer.schema.base import Quantity, YearSeries


def test_data_sources_is_current():
    assert DATA_SOURCES.read_text() == render_data_sources(), (
        "docs/data-sources.md is stale: run python -m optimizer.provenance"
    )


def _mentions_number_type(annotation) -> bool:
    if annotation in (Quantity, YearSeries):
        return True
    return any(_mentions_number_type(a) for a in typing.get_args(annotation))


def test_every_numeric_field_has_a_unit():
    missing = []
    for _, root in ROOTS:
        found: list = []
        _nested_models(root, found)
        for model in found:
            for name, field in model.model_fields.items():
                if _mentions_number_type(field.annotation) and (model.__name__, name) not in UNITS:
                    missing.append(f"{model.__name__}.{name}")
    assert not missing, f"add units to optimizer.provenance.UNITS for {missing}"


def test_every_number_has_unit_and_provenance():
    lib = load_library(DEFAULT_LIBRARY)
    rows = library_rows(lib) + [r for p in bundled_case_files() for r in case_rows(p, lib)]
    assert len(rows) > 100
    for r in rows:
        assert r.status in ("sourced", "estimate"), r
        assert r.provenance.strip(), r
        assert r.unit and r.unit != "?" and not re.search(r"\{\w+\}", r.unit), r
    files = {r.file for r in rows}
    assert all(any(f.endswith(p.name) for f in files) for p in bundled_case_files())
