"""Plain-text formatting of money and emissions for sentences and printed summaries."""

from __future__ import annotations


def money(x: float) -> str:
    """US$ with k/m/bn suffixes (``n/a`` for NaN)."""
    if x != x:
        return "n/a"
    sign = "-" if x < 0 else ""
    x = abs(x)
    for unit, div in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if x >= div:
            return f"{sign}US${x / div:,.2f}{unit}"
    return f"{sign}US${x:,.0f}"


def tonnes(x: float) -> str:
    """tCO2e, or ktCO2e from 1,000 t (``n/a`` for NaN)."""
    if x != x:
        return "n/a"
    return f"{x / 1e3:,.1f} ktCO2e" if abs(x) >= 1e3 else f"{x:,.1f} tCO2e"
