"""Schema of a case manifest: the list of cases ``noregret batch`` solves together."""

from __future__ import annotations

from pydantic import Field

from .base import Strict


class Manifest(Strict):
    """Contents of ``cases/manifest.yaml``."""

    description: str = ""
    """What the set of cases is."""
    comparison_year: int = 2030
    """Year whose BAU, target and optimised emissions the comparison table shows."""
    cases: list[str] = Field(min_length=1)
    """Case files, relative to the manifest."""
