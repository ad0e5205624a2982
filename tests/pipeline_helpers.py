"""Attach a pipeline (rows as a planner writes them) to a loaded case, through the same checks as a file."""

from __future__ import annotations

import dataclasses

import pandas as pd

from optimizer.loading import LoadedCase
from optimizer.pipeline.reading import validate_pipeline_frame


def with_pipeline(loaded: LoadedCase, rows: list[dict]) -> LoadedCase:
    """``loaded`` with the projects ``rows`` (file columns; a missing cell or column is blank), checked as a
    pipeline file would be (a ``name`` defaults to the id, a ``facility_id`` to ``f``)."""
    records = [{"name": row.get("id", ""), "facility_id": "f", "readiness": "ready_to_tender", **row} for row in rows]
    for record in records:
        if not record.get("source"):
            record.setdefault("estimate", "test data")
    raw = pd.DataFrame(records).astype(object).where(lambda f: f.notna(), "").astype(str)
    table = validate_pipeline_frame(raw, "<pipeline>", loaded.case, loaded.library)
    return dataclasses.replace(loaded, projects=table)
