"""Plain-text formatting of money, emissions and plain quantities for sentences and printed summaries.

One convention everywhere: the sign before the currency (``-US$5.83 m``), a space before the scale word
(``US$98.3 m``, ``US$1.23 bn``), thousands separators, at least three significant figures, and never
scientific notation."""

from __future__ import annotations

import math


def money(x: float, sign: bool = False) -> str:
    """US$ in m or bn from a million (three significant figures or more), whole dollars below a million
    (``n/a`` for NaN); ``sign`` puts a ``+`` before positive amounts (an increase)."""
    if x != x:
        return "n/a"
    if math.isinf(x):
        return "unlimited" if x > 0 else "-unlimited"
    lead = "-" if x < 0 else ("+" if sign and x > 0 else "")
    x = abs(x)
    if x >= 1e9:
        return f"{lead}US${x / 1e9:,.2f} bn"
    if x >= 1e6:
        m = x / 1e6
        return f"{lead}US${m:,.2f} m" if m < 10 else f"{lead}US${m:,.1f} m"
    return f"{lead}US${x:,.0f}"


def money_millions(x: float) -> str:
    """A money amount for a table column headed ``US$ m``: millions with two decimals (``n/a`` for NaN)."""
    if x is None or x != x:
        return "n/a"
    return f"{x / 1e6:,.2f}"


def tonnes(x: float) -> str:
    """tCO2e, or ktCO2e from 1,000 t (``n/a`` for NaN)."""
    if x != x:
        return "n/a"
    return f"{x / 1e3:,.1f} ktCO2e" if abs(x) >= 1e3 else f"{x:,.1f} tCO2e"


def number(x: float, significant: int = 3) -> str:
    """A plain quantity with thousands separators and at least ``significant`` significant figures (whole
    numbers from 100 up), never in scientific notation: ``13,485``, ``60``, ``0.25``."""
    if x != x:
        return "n/a"
    if math.isinf(x):
        return "unlimited" if x > 0 else "-unlimited"
    if x == 0 or abs(x) >= 10 ** (significant - 1):
        return f"{x:,.0f}"
    decimals = significant - 1 - math.floor(math.log10(abs(x)))
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def whole(x: float) -> str:
    """A count of things, rounded to a whole number for display: ``174``, ``1,181``."""
    return "n/a" if x != x else f"{round(x):,d}"


def cut(text: object, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut (names in narrow console columns)."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def aligned(rows: list[list[str]], left: int = 1, sep: str = " ", rule_after: int | None = None) -> str:
    """``rows`` of cells as a printed table: every column as wide as its widest cell, the first ``left`` columns
    left-aligned (text) and the others right-aligned (numbers); a line of dashes after row ``rule_after``."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = [
        sep.join(c.ljust(w) if k < left else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths))).rstrip()
        for cells in rows
    ]
    if rule_after is not None:
        lines.insert(rule_after + 1, sep.join("-" * w for w in widths))
    return "\n".join(lines)
