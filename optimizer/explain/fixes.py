"""What would close a shortfall, found by re-solving and verified by a normal solve with the fix applied."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from .. import case_edits as edits
from ..errors import SolverFailure
from ..formatting import money, number
from ..loading import LoadedCase
from ..model import build_model
from ..model.families import BY_NAME, MONEY_RAISABLE, RAISABLE
from ..model.objective import shortfall_cap
from ..prepare import ModelData
from ..pyomo_backend import solve
from .binding import BindingLimit
from .resolve import make_targets_hard, replace_objective, try_solve

CLOSED = 1e-3  # tCO2e: a shortfall below this counts as closed
SIGNIFICANT = 3  # proposed increases are rounded up to 3 significant figures


@dataclass
class Fix:
    kind: str
    description: str
    amount: float
    unit: str
    shortfall_after_tco2e: float
    closes_gap: bool


@dataclass
class Gap:
    """The shortfall a fix must remove: ``years`` to meet in full, while every other missed year keeps at
    most its current shortfall (``others``: year -> tCO2e)."""

    years: list[int]
    others: dict[int, float]


def remaining_gap(loaded: LoadedCase, variant: str, gap: Gap) -> float:
    """What is left of the gap after a normal (elastic) solve of the changed case: its total shortfall
    beyond what the other missed years already had. Shortfalls may move between years in that solve, so
    the total is what counts."""
    try:
        by_year = solve(loaded, variant=variant).summary["shortfall_tco2e_by_year"]
    except SolverFailure:
        return float("inf")
    return max(0.0, float(sum(by_year.values())) - sum(gap.others.values()))


def _constrain_to_gap(m, gap: Gap) -> None:
    make_targets_hard(m, gap.years)
    for t, current in gap.others.items():
        m.shortfall[t].setub(shortfall_cap(current))


def least_extra_on_row(data: ModelData, family: str, index: tuple, gap: Gap) -> float | None:
    """Least increase of one limit's right-hand side that meets the targets of ``gap.years`` without
    adding shortfall elsewhere — one MIP."""
    m = build_model(data, "min_cost")
    row = getattr(m, family)[index if len(index) > 1 else index[0]]
    m.extra = pyo.Var(domain=pyo.NonNegativeReals)
    row.deactivate()
    m.relaxed_row = pyo.Constraint(expr=row.body - m.extra <= row.upper)
    _constrain_to_gap(m, gap)
    replace_objective(m, [(1.0, m.extra)], pyo.minimize)
    return try_solve(m, data)


def _round_up(x: float, step: float) -> float:
    return step * (int(x / step) + (0 if x % step == 0 else 1))


def _round_up_significant(x: float) -> float:
    """Round up to ``SIGNIFICANT`` significant figures (a proposal a planner can quote)."""
    import math

    if x <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(x)) - SIGNIFICANT + 1)
    return _round_up(x, step)


def _apply(loaded: LoadedCase, limit: BindingLimit, extra: float) -> LoadedCase:
    return BY_NAME[limit.family].raise_limit(loaded, limit.index, extra)


def limit_fixes(loaded: LoadedCase, data: ModelData, binding: list[BindingLimit], gap: Gap) -> list[Fix]:
    """For each binding money or resource limit: the least increase that closes the gap, verified by a
    normal solve with the increase applied."""
    out = []
    for limit in binding:
        if limit.family not in RAISABLE:
            continue
        extra = least_extra_on_row(data, limit.family, limit.index, gap)
        if extra is None or extra <= 1e-9:  # zero: this limit does not block the target
            continue
        money = BY_NAME[limit.family].money
        amount = _round_up_significant(extra * (1 - 1e-9))
        after = remaining_gap(_apply(loaded, limit, amount), data.variant_name, gap)
        if after > CLOSED:  # solver tolerances: one step more, verified again
            amount = _round_up_significant(amount * (1 + 10 ** (1 - SIGNIFICANT)))
            after = remaining_gap(_apply(loaded, limit, amount), data.variant_name, gap)
        unit = "USD" if money else _resource_unit(loaded, limit.index[0])
        shown = _money(amount) if money else f"+{number(amount)} {unit}"
        out.append(Fix(limit.family, f"{shown} for {limit.text}", amount, unit, after, after <= CLOSED))
    return out


MONEY_ROWS = MONEY_RAISABLE


def least_uniform_scaling(data: ModelData, families: tuple[str, ...], gap: Gap) -> float | None:
    """Least theta such that every limit of ``families`` raised by the share theta meets the targets of
    ``years`` (hard) — one MIP: each row body <= bound becomes body - bound * theta <= bound."""
    m = build_model(data, "min_cost")
    m.theta = pyo.Var(domain=pyo.NonNegativeReals)
    m.scaled_rows = pyo.ConstraintList()
    for family in families:
        component = getattr(m, family, None)
        if component is None:
            continue
        for row in list(component.values()):
            if row.upper is None or pyo.value(row.upper) <= 0:
                continue
            bound = pyo.value(row.upper)
            row.deactivate()
            m.scaled_rows.add(row.body - bound * m.theta <= bound)
    _constrain_to_gap(m, gap)
    replace_objective(m, [(1.0, m.theta)], pyo.minimize)
    return try_solve(m, data)


def _scale_case(loaded: LoadedCase, families: tuple[str, ...], factor: float) -> LoadedCase:
    changed = loaded
    for name in families:
        changed = BY_NAME[name].scale_limits(changed, factor)
    return changed


def scaling_fixes(loaded: LoadedCase, data: ModelData, gap: Gap) -> list[Fix]:
    """The least across-the-board increase of all money limits (and of money plus delivery resources)."""
    out = []
    for families, label in (
        (MONEY_ROWS, "every budget and financing envelope"),
        (RAISABLE, "every budget, financing envelope and resource limit"),
    ):
        theta = least_uniform_scaling(data, families, gap)
        if theta is None or theta <= 1e-9:  # zero: these limits do not block the target
            continue
        share = _round_up_significant(theta * (1 - 1e-9))
        after = remaining_gap(_scale_case(loaded, families, 1 + share), data.variant_name, gap)
        if after > CLOSED:
            share = _round_up_significant(share * (1 + 10 ** (1 - SIGNIFICANT)))
            after = remaining_gap(_scale_case(loaded, families, 1 + share), data.variant_name, gap)
        out.append(Fix("scale_limits", f"+{number(100 * share)}% on {label}", share, "share", after, after <= CLOSED))
    return out


def _money(x: float) -> str:
    return money(x, sign=True)


def _resource_unit(loaded: LoadedCase, rid: str) -> str:
    res = next((r for r in loaded.library.vocabulary.resources if r.id == rid), None)
    return res.unit if res else rid


def payback_fix(loaded: LoadedCase, data: ModelData, binding: list[BindingLimit], gap: Gap) -> list[Fix]:
    """The shortest payback limit that closes the gap (bisection over re-solves, to 0.5 year)."""
    if not any(b.family == "portfolio_payback" for b in binding):
        return []
    current = loaded.case.payback.portfolio_max_years.value
    variant = data.variant_name

    def short(limit):
        return remaining_gap(edits.with_payback_limit(loaded, limit), variant, gap)

    without = short(None)
    if without > CLOSED:
        return [
            Fix(
                "portfolio_payback",
                "removing the portfolio payback rule does not close the gap on its own",
                float("inf"),
                "years",
                without,
                False,
            )
        ]
    lo, hi = current, max(2 * current, current + 1)
    while short(hi) > CLOSED and hi < 1000:
        lo, hi = hi, 2 * hi
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if short(mid) > CLOSED else (lo, mid)
    limit = _round_up(hi, 0.5)
    after = short(limit)
    return [
        Fix(
            "portfolio_payback",
            f"a payback limit of {number(limit)} years instead of {number(current)}",
            limit,
            "years",
            after,
            after <= CLOSED,
        )
    ]


def timing_fixes(loaded: LoadedCase, data: ModelData, gap: Gap) -> list[Fix]:
    """Starting later phases one year earlier, and reaching the maturity path one year earlier."""
    out = []
    variant = data.variant_name

    def total_shortfall(changed):
        return remaining_gap(changed, variant, gap)

    first = loaded.case.decision_window.first_year
    used = {r.phase for r in data.screening}
    for ph in loaded.case.phases:
        if ph.first_start_year > first and ph.id in used:
            year = ph.first_start_year - 1
            after = total_shortfall(edits.with_phase_start(loaded, ph.id, year))
            out.append(
                Fix(
                    "phase_start",
                    f"allowing {ph.name.lower()} to start in {year}",
                    year,
                    "year",
                    after,
                    after <= CLOSED,
                )
            )
    after = total_shortfall(edits.with_maturity_earlier(loaded))
    out.append(
        Fix("maturity", "reaching each step of the maturity path one year earlier", 1, "year", after, after <= CLOSED)
    )
    return out


def gap_closing_fixes(
    loaded: LoadedCase, data: ModelData, binding: list[BindingLimit], money_years: list[int], ledger: dict[int, float]
) -> list[Fix]:
    """Money, resource and payback fixes for ``money_years`` (missed years that more money could close, the
    other missed years keeping their shortfall); timing fixes (earlier phases, faster maturity) for every
    missed year. ``ledger``: the current shortfall by year."""
    missed = {t: v for t, v in ledger.items() if v > 0}
    fixes = []
    if money_years:
        gap = Gap(list(money_years), {t: v for t, v in missed.items() if t not in money_years})
        fixes += limit_fixes(loaded, data, binding, gap) + scaling_fixes(loaded, data, gap)
        fixes += payback_fix(loaded, data, binding, gap)
    return fixes + timing_fixes(loaded, data, Gap(sorted(missed), {}))
