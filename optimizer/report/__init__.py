"""Reports of a solved plan: roadmap and MACC charts, action plan, finance, screening, diagnosis and provenance
tables, written as self-contained HTML, Markdown (+ PNG), Excel and IAMC CSV; a regional roll-up for a manifest."""

from .build import FORMATS, build_report, parse_formats, write_country, write_regional
from .tables import RegionalTables, ReportTables, build_tables, regional_tables

__all__ = [
    "FORMATS",
    "RegionalTables",
    "ReportTables",
    "build_report",
    "build_tables",
    "parse_formats",
    "regional_tables",
    "write_country",
    "write_regional",
]
