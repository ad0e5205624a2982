"""``explain``: everything in one object with tidy tables and plain sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import case_edits as edits
from ..errors import SolverFailure
from ..formatting import tonnes
from ..loading import LoadedCase
from ..model import build_model
from ..outputs import output_folder
from ..prepare import prepare
from ..progress import ProgressFn, silent
from ..pyomo_backend import run_highs
from .binding import binding_limits
from .fixes import gap_closing_fixes
from .reach import reachability, reachable_without_limits
from .shadow import shadow_prices
from .switching import switching_values


@dataclass
class Explanation:
    reach: pd.DataFrame
    binding: pd.DataFrame
    fixes: pd.DataFrame
    shadow_prices: pd.DataFrame
    switching: pd.DataFrame
    sentences: list[str] = field(default_factory=list)

    TABLES = ("reach", "binding", "fixes", "shadow_prices", "switching")

    def save(self, out_dir: Path | str, force: bool = False) -> Path:
        """Write every table as CSV plus ``explanation.txt`` into ``out_dir``, all files or none.

        The folder appears whole (:func:`optimizer.outputs.output_folder`): a previous noregret output there
        is replaced whole, a folder holding other files is refused unless ``force``."""
        out_dir = Path(out_dir)
        with output_folder(out_dir, kind="explain", force=force) as staging:
            for name in self.TABLES:
                getattr(self, name).to_csv(staging / f"{name}.csv", index=False, float_format="%.10g")
            (staging / "explanation.txt").write_text("\n".join(self.sentences) + "\n")
        return out_dir


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


def _frame(items, columns) -> pd.DataFrame:
    return pd.DataFrame([{c: getattr(x, c) for c in columns} for x in items], columns=columns)


def explain(
    loaded: LoadedCase, variant: str | None = None, switching: bool = True, progress: ProgressFn | None = None
) -> Explanation:
    """Reachability, binding limits, fixes, shadow prices and (with ``switching``) switching values;
    ``progress`` hears of each step, and of each intervention's switching value (:mod:`optimizer.progress`)."""
    report = progress or silent
    steps = 5 if switching else 4

    def step(k: int, name: str) -> None:
        report(f"step {k} of {steps}: {name}", 0)

    step(1, "what is reachable")
    data = prepare(loaded, variant)
    reach = reachability(data)
    notes = []
    step(2, "solving the plan")
    m = build_model(data)
    try:
        outcome = run_highs(m, data)
    except SolverFailure:
        if loaded.case.target_rules.mode != "hard":
            raise
        rules = loaded.case.target_rules.model_copy(update={"mode": "elastic"})
        loaded = edits.with_case(loaded, loaded.case.model_copy(update={"target_rules": rules}))
        data = prepare(loaded, variant)
        m = build_model(data)
        outcome = run_highs(m, data)
        notes.append(
            "With hard targets no plan exists; what follows explains the same case with elastic targets "
            "(shortfalls allowed and reported)."
        )
    binding = binding_limits(m, data)
    starts = {key: round(m.start[key].value or 0.0) for key in m.start_index_set}
    selected = {i for (i, _), v in starts.items() if v}
    from ..model.limits import shortfall_ledger

    ledger = shortfall_ledger(m, data)
    missed = [t for t, gap in ledger.items() if gap > 0]
    reachable = {t for t in missed if reachable_without_limits(data, t)}
    closable = [t for t in missed if t in reachable]
    unreachable = [t for t in missed if t not in reachable]
    step(3, "fixes of the shortfall, each verified by a re-solve" if missed else "no shortfall to fix")
    fixes = gap_closing_fixes(loaded, data, binding, closable, ledger) if missed else []
    step(4, "shadow prices")
    prices = shadow_prices(data, starts)
    what = f"step 5 of {steps}: switching values of the interventions"
    switch = switching_values(data, selected, progress=report, what=what) if switching else []

    sentences = ["Before solving:"] + [f"  {r.statement}" for r in reach] + notes
    sentences.append(f"Solved ({outcome.status}).")
    for t, gap in ledger.items():
        if gap > 0:
            sentences.append(f"  The {t} target is missed by {tonnes(gap)}.")
    if binding:
        sentences.append(
            "Limits that bind: "
            + "; ".join(b.text for b in binding[:12])
            + (f"; and {len(binding) - 12} more (binding.csv)" if len(binding) > 12 else "")
            + "."
        )
    if unreachable:
        sentences.append(
            f"No amount of money or delivery resources closes the gap in {_years(unreachable)}: not "
            "enough can be deployed and take effect by then under the current phases and maturity path."
        )
    for label, years, kinds in (
        (
            "money, delivery resources or the payback rule",
            closable,
            (
                "annual_budget",
                "financing_envelope",
                "phase_budget",
                "resource_limit",
                "portfolio_payback",
                "scale_limits",
            ),
        ),
        ("the timing rules", missed, ("phase_start", "maturity")),
    ):
        if not years:
            continue
        gap = sum(ledger[t] for t in years)
        group = [f for f in fixes if f.kind in kinds]
        closing = [f.description for f in group if f.closes_gap]
        partial = [f for f in group if not f.closes_gap and f.shortfall_after_tco2e < gap - 1e-3]
        where = f"the {tonnes(gap)} missed in {_years(years)}"
        if closing:
            sentences.append(
                f"Closing {where} through {label} needs (each verified by a re-solve): " + ", or ".join(closing) + "."
            )
        else:
            sentences.append(f"No single change of {label} closes {where} (see fixes.csv).")
        for f in partial:
            sentences.append(
                f"  {f.description[0].upper() + f.description[1:]} narrows it to {tonnes(f.shortfall_after_tco2e)}."
            )
    sentences.append("Shadow prices (LP with the start decisions fixed):")
    sentences += [f"  {p.text}" for p in prices if p.value > 1e-9 or p.family == "target_pathway"]
    if switch:
        sentences.append("Switching values (capex):")
        sentences += [f"  {s.text}" for s in switch]
    return Explanation(
        reach=_frame(
            reach, ["year", "required_tco2e", "technical_max_tco2e", "least_spend_usd", "available_usd", "statement"]
        ),
        binding=_frame(binding, ["family", "index", "value", "limit", "text"]),
        fixes=_frame(fixes, ["kind", "description", "amount", "unit", "shortfall_after_tco2e", "closes_gap"]),
        shadow_prices=_frame(prices, ["family", "index", "value", "unit", "text"]),
        switching=_frame(switch, ["intervention", "selected", "factor", "text"]),
        sentences=sentences,
    )
