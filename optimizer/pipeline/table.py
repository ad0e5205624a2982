"""The validated project table: one row per candidate project, columns normalised (the reading and the checks
that produce it are in :mod:`optimizer.pipeline.reading`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

READINESS_STAGES = ("idea", "pre_feasibility", "feasibility", "ready_to_tender")
"""Project readiness, least to most ready."""

READINESS_DELAY_YEARS = {"idea": 3, "pre_feasibility": 2, "feasibility": 1, "ready_to_tender": 0}
"""Years after the first decision year before a project at each readiness stage can start (studies, design
and procurement still to do); a project's earliest start is the latest of this, its own ``earliest_start``
and its intervention's phase and maturity gates. Judgement (an estimate, not a sourced figure) of the time
feasibility studies, design and procurement usually take for a facility project; a project team with its own
dates gives ``earliest_start`` instead."""

OPTIONAL_NUMBERS = {
    "capex_usd": "capital cost of the whole project; USD",
    "fixed_cost_usd": "one-off project costs besides capex (design, procurement, training); USD",
    "om_change_usd_per_year": "change in running cost of the whole project, excluding energy and fuel; USD per year",
    "lifetime_years": "years the project's effect lasts; whole years 1-100",
    "lead_time_years": "years from start to first effect; whole years 0-10",
    "earliest_start": "first year the project may start; calendar year",
    "latest_start": "last year the project may start; calendar year",
}
"""Optional numeric columns; a blank cell takes the library intervention's default (per unit x size)."""


def year_span(years: list[int]) -> str:
    """2027, 2028, 2029 -> ``2027-2029``; 2027, 2029 -> ``2027, 2029``."""
    years = sorted(years)
    if len(years) > 2 and years[-1] - years[0] == len(years) - 1:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def change_column(source: str) -> str:
    """The column giving a project's change in ``source``'s yearly activity (the source's activity unit per
    year, whole project; negative: it saves), e.g. ``change_grid_electricity_per_year``."""
    return f"change_{source}_per_year"


@dataclass(frozen=True)
class ProjectTable:
    """All projects of a case's pipeline files, validated.

    ``frame`` has one row per project in file order, a RangeIndex, and these columns:

    - ``id`` str (unique over all files), ``name`` str, ``facility_id`` str, ``facility_name`` str,
      ``facility_type`` str, ``region`` str ("" when blank), ``intervention`` str (a library intervention id);
    - ``size`` float > 0, in the intervention's unit (a whole number for interventions with integer units);
    - ``readiness`` str, one of :data:`READINESS_STAGES`;
    - every column of :data:`OPTIONAL_NUMBERS`, float, NaN where blank (library default);
    - ``change_<source>_per_year`` float columns (:func:`change_column`), NaN where blank;
    - ``exclusive_group`` str ("" when none): projects sharing one are alternatives, at most one is chosen;
    - ``prerequisites`` tuple[str, ...] of project ids that must start no later than this one;
    - ``financing`` tuple[str, ...] of financing source ids that may pay (empty: the intervention's);
    - ``source`` str, ``estimate`` str (at least one non-empty); ``grade`` str, A-D or "" (not graded);
    - ``file`` str (the pipeline file) and ``row`` int (its row in that file, as a spreadsheet numbers it:
      the header is row 1).
    """

    frame: pd.DataFrame
    files: tuple[str, ...] = ()
    change_sources: tuple[str, ...] = ()
    """Sources with a ``change_<source>_per_year`` column."""
    warnings: tuple = field(default=())
    """Plausibility warnings (:class:`~optimizer.plausibility.Caution`) on legal but suspicious values."""
    digest: str = ""
    """SHA-256 of the pipeline files' bytes (``read_pipelines``) or of the frame's text (``case_from_dict``);
    empty from ``validate_pipeline_frame`` alone."""

    def __len__(self) -> int:
        return len(self.frame)

    def where(self, k: int) -> str:
        """Where project ``k`` is written: ``file, row n``."""
        return f"{self.frame['file'].iat[k]}, row {self.frame['row'].iat[k]}"
