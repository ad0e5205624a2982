"""Schema of a case manifest: the list of cases ``noregret batch`` solves together."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import Strict, Text, Year


class Manifest(Strict):
    """Contents of ``cases/manifest.yaml``."""

    description: Text = ""
    """What the set of cases is."""
    comparison_year: Year = 2030
    """Year whose BAU, target and optimised emissions the comparison table shows."""
    cases: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(min_length=1)
    """Case files, relative to the manifest."""
