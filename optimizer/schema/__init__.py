"""Input schema (pydantic v2, strict): library files and country cases."""

from .base import Provenance, Quantity, Strict, YearSeries
from .case import Case, FinancingSource, Variant
from .library import ACTION_FAMILIES, FamilyFile, Group, Intervention, Vocabulary

__all__ = [
    "ACTION_FAMILIES",
    "Case",
    "FamilyFile",
    "FinancingSource",
    "Group",
    "Intervention",
    "Provenance",
    "Quantity",
    "Strict",
    "Variant",
    "Vocabulary",
    "YearSeries",
]
