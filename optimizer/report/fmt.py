"""The report tables as people read them, shared by the HTML, Markdown and Excel writers: identifiers replaced
by display names, numbers in their display unit (ktCO2e, US$ m), headers in words with the unit in brackets,
counted units whole. :func:`readable` keeps numbers as numbers (for Excel); :func:`display` turns them into
strings ready to print (for HTML and Markdown)."""

from __future__ import annotations

import math
import re

import pandas as pd

from ..formatting import whole
from .tables import ID_COLUMNS, TEXT_COLUMNS, YEAR_COLUMNS, display_unit, header, scale


def emissions_scale(max_tco2e: float) -> tuple[float, str]:
    """Divide tCO2e by the scale to show them in the unit: MtCO2e from 1 Mt, else ktCO2e (charts, the executive
    summary and the regional summary use the one rule)."""
    return (1e6, "MtCO2e") if max_tco2e >= 1e6 else (1e3, "ktCO2e")


DECIMALS = {"ktCO2e": 1, "US$ m": 2, "US$/tCO2e": 0, "years": 1, "fraction": 2, "s": 2}
"""Decimals shown for each display unit."""


def _name_list(value, names: dict[str, str]):
    if not isinstance(value, str):
        return value
    parts = [p.strip() for p in value.split(";")]
    return "; ".join(names.get(p, p) for p in parts if p)


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")


def _named_text(value, names: dict[str, str]):
    """A sentence with every identifier it names (``district_heat``) replaced by its display name."""
    if not isinstance(value, str):
        return value
    return _TOKEN.sub(lambda m: names.get(m.group(0), m.group(0)), value)


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _year(v):
    """A calendar year as an int (years stored as text, such as a finance period, become numbers)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return int(v) if v.strip().isdigit() else v
    return int(v)


def counted_rows(df: pd.DataFrame) -> pd.Series:
    """Rows whose ``units`` count whole things (hospitals, vehicles...), shown rounded to whole numbers."""
    counted = df.attrs.get("counted", set())
    if "intervention" not in df.columns:
        return pd.Series(False, index=df.index)
    return df["intervention"].isin(counted)


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """The table with display names for identifiers (the intervention id column dropped where its display name
    sits beside it), numbers divided into their display unit and headers in words with units; numbers stay
    numbers and years whole numbers. Names come from ``df.attrs['names']`` (set by ``build_tables``)."""
    names: dict[str, dict[str, str]] = df.attrs.get("names", {})
    drop_id = "intervention" in df.columns and "name" in df.columns
    out: dict[str, pd.Series] = {}
    for c in df.columns:
        if c == "intervention" and drop_id:
            continue
        col = df[c]
        if c in YEAR_COLUMNS:
            labels = names.get(c, {})
            years = [labels.get(y, y) if isinstance(y, str) else y for y in map(_year, col)]
            col = pd.Series(years, index=df.index, dtype=object)
        elif c in ID_COLUMNS and c in names:
            col = col.map(lambda v, n=names[c]: _name_list(v, n))
        elif c in TEXT_COLUMNS and c in names:
            col = col.map(lambda v, n=names[c]: _named_text(v, n))
        elif _is_number_column(col) and scale(c) != 1.0:
            col = col / scale(c)
        out[header(c)] = col
    return pd.DataFrame(out, index=df.index)


def cell(v, unit: str = "") -> str:
    """One value as printed; numbers with thousands separators and the decimals of their display unit."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return f"{v:,}"
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
    if unit in DECIMALS:
        if x == 0:
            return "0"
        text = f"{x:,.{DECIMALS[unit]}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0.0"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def numeric(df: pd.DataFrame) -> list[bool]:
    """For each column :func:`display` shows, in order: whether it holds numbers (printed right-aligned)."""
    drop_id = "intervention" in df.columns and "name" in df.columns
    return [_is_number_column(df[c]) or c in YEAR_COLUMNS for c in df.columns if not (drop_id and c == "intervention")]


def display(df: pd.DataFrame) -> pd.DataFrame:
    """Strings ready to print, with display names, display units and unit-bearing headers."""
    shown = readable(df)
    whole_units = counted_rows(df)
    counted_headers = {header(c) for c in df.attrs.get("counted_columns", ("units",))}
    units = {header(c): display_unit(c) for c in df.columns}
    out = {}
    for h in shown.columns:
        if h in (header(c) for c in YEAR_COLUMNS if c in df.columns):
            out[h] = ["" if v is None else str(v) for v in shown[h]]
        elif h in counted_headers and whole_units.any():
            out[h] = [whole(v) if w else cell(v) for v, w in zip(shown[h], whole_units)]
        else:
            out[h] = [cell(v, units.get(h, "")) for v in shown[h]]
    return pd.DataFrame(out, columns=list(out))
