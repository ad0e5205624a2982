"""An Excel workbook: one sheet per table, header row frozen, units in the headers (``bau [tCO2e]``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from .tables import header


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], about: dict | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        if about:
            pd.DataFrame({"item": list(about), "value": [str(v) for v in about.values()]}).to_excel(
                xl, sheet_name="about", index=False
            )
        for name, df in sheets.items():
            out = df.copy()
            for c in out.columns:  # Excel has no infinity: write it as empty
                if pd.api.types.is_float_dtype(out[c]):
                    out[c] = out[c].replace([np.inf, -np.inf], np.nan)
            out.columns = [header(c) for c in out.columns]
            out.to_excel(xl, sheet_name=name[:31], index=False)
        for ws in xl.book.worksheets:
            ws.freeze_panes = "A2"
            for k, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 50)), start=1):
                width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
                ws.column_dimensions[get_column_letter(k)].width = min(max(width + 2, 8), 60)
    return path
