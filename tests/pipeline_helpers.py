"""Attach a pipeline (rows as a planner writes them) to a loaded case, through the same checks as a file."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from optimizer.loading import LoadedCase
from optimizer.pipeline.table import OPTIONAL_NUMBERS, ProjectTable


def with_pipeline(loaded: LoadedCase, rows: list[dict]) -> LoadedCase:
    """``loaded`` with the projects ``rows`` (file columns; missing optional columns are blank)."""
    records = []
    for k, row in enumerate(rows):
        rec = {
            "name": row.get("id", ""),
            "facility_id": "f",
            "facility_name": "",
            "facility_type": "",
            "region": "",
            "readiness": "ready_to_tender",
            "exclusive_group": "",
            "source": "",
            "estimate": "test data",
            **{c: np.nan for c in OPTIONAL_NUMBERS},
            **row,
            "file": "<pipeline>",
            "row": k + 2,
        }
        rec["prerequisites"] = tuple(p for p in str(row.get("prerequisites", "")).split(";") if p)
        rec["financing"] = tuple(f for f in str(row.get("financing", "")).split(";") if f)
        records.append(rec)
    frame = pd.DataFrame(records)
    changes = tuple(sorted(c[len("change_") : -len("_per_year")] for c in frame.columns if c.startswith("change_")))
    for c in list(OPTIONAL_NUMBERS) + [f"change_{s}_per_year" for s in changes]:
        frame[c] = frame[c].astype(float)
    frame["size"] = frame["size"].astype(float)
    return dataclasses.replace(loaded, projects=ProjectTable(frame, files=("<pipeline>",), change_sources=changes))
