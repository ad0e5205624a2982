"""Markdown with the charts written as PNG files beside it."""

from __future__ import annotations

import pandas as pd

from .fmt import display, numeric


def table(df: pd.DataFrame) -> str:
    if not len(df):
        return "_(none)_\n"
    shown = display(df)
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = [
        "| " + " | ".join(esc(c) for c in shown.columns) + " |",
        "|" + "|".join("---:" if num else "---" for num in numeric(df)) + "|",
    ]
    lines += ["| " + " | ".join(esc(v) for v in r) + " |" for r in shown.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def image(filename: str, caption: str) -> str:
    return f"![{caption}]({filename})\n\n_{caption}_\n"
