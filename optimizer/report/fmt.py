"""Number formatting shared by the HTML and Markdown writers (the Excel and IAMC files keep full precision)."""

from __future__ import annotations

import math

import pandas as pd

from .tables import header


def cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return str(v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if isinstance(v, str):
        return v
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "never" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def display(
    df: pd.DataFrame, year_cols: tuple[str, ...] = ("year", "start_year", "earliest_start", "period", "target_year")
) -> pd.DataFrame:
    """Strings ready to print, with unit-bearing headers."""
    out = {}
    for c in df.columns:
        if c in year_cols:
            out[header(c)] = [
                (
                    ""
                    if (v is None or (isinstance(v, float) and math.isnan(v)))
                    else str(int(v))
                    if not isinstance(v, str)
                    else v
                )
                for v in df[c]
            ]
        else:
            out[header(c)] = [cell(v) for v in df[c]]
    return pd.DataFrame(out, columns=list(out))
