"""The registry of constraint families: each family's name, the function that builds it, what it limits in a
planner's words, and how a fix raises it in the case. The model builders read the build order from here; the
explanations (binding limits, fixes, reachability) read the words and the edits, so no family name is
repeated as a literal elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import case_edits
from .deployment import (
    add_all_or_nothing,
    add_deployment_link,
    add_group_share,
    add_prerequisites,
    add_start_deploys,
    add_start_once,
)
from .limits import add_activity_floor, add_resource_limit, add_source_floor, add_target_pathway
from .money import (
    add_annual_budget,
    add_financing_envelope,
    add_financing_split,
    add_phase_budget,
    add_portfolio_payback,
    add_spend_definition,
)
from .projects import (
    add_project_alternatives,
    add_project_financing_split,
    add_project_prerequisites,
    add_project_programme_prerequisites,
    add_project_start_once,
    add_regional_budget,
    add_shared_potential,
)

if TYPE_CHECKING:
    from ..loading import LoadedCase
    from ..prepare import ModelData


@dataclass(frozen=True)
class ConstraintFamily:
    """One constraint family of the MILP (docs/formulation.md, section 4)."""

    name: str
    """Name of the family's rows (the Pyomo component, the row model's family)."""
    add: Callable
    """The ``add_*`` function that builds it (read by Pyomo or as plain rows)."""
    limits: str = ""
    """What a binding row limits, in a planner's words; ``{0}``, ``{1}`` are the row's index (empty: the family
    is a definition or a rule of the plan, not a limit a planner would raise)."""
    money: bool = False
    """A money limit: dropped when asking what unlimited money could reach."""
    raise_limit: Callable[[LoadedCase, tuple, float], LoadedCase] | None = None
    """How a fix raises one row's limit by an amount in the case (verified by re-solving the changed case)."""
    scale_limits: Callable[[LoadedCase, float], LoadedCase] | None = None
    """How a fix multiplies every row's limit by a factor in the case (the across-the-board increase)."""

    def describe(self, index: tuple, data: ModelData) -> str:
        if self.name == PORTFOLIO_PAYBACK:
            return f"the portfolio payback rule ({data.case.payback.portfolio_max_years.value:g} years)"
        return self.limits.format(*index) if self.limits else f"{self.name}{list(index)}"


PORTFOLIO_PAYBACK = "portfolio_payback"

FAMILIES: tuple[ConstraintFamily, ...] = (
    ConstraintFamily("start_once", add_start_once),
    ConstraintFamily("deployment_link", add_deployment_link),
    ConstraintFamily("start_deploys", add_start_deploys),
    ConstraintFamily("all_or_nothing", add_all_or_nothing),
    ConstraintFamily("group_share", add_group_share, "the shared slice of group {0} in {1}"),
    ConstraintFamily("prerequisite", add_prerequisites),
    ConstraintFamily("project_start_once", add_project_start_once),
    ConstraintFamily("project_alternatives", add_project_alternatives),
    ConstraintFamily("project_prerequisite", add_project_prerequisites),
    ConstraintFamily("project_programme_prerequisite", add_project_programme_prerequisites),
    ConstraintFamily("shared_potential", add_shared_potential, "the national potential of {0}"),
    ConstraintFamily("spend_definition", add_spend_definition),
    ConstraintFamily(
        "annual_budget",
        add_annual_budget,
        "the {0} budget",
        money=True,
        raise_limit=lambda lc, index, extra: case_edits.with_total_budget(lc, index[0], extra),
        scale_limits=case_edits.with_budgets_scaled,
    ),
    ConstraintFamily("regional_budget", add_regional_budget, "the {0} regional budget in {1}", money=True),
    ConstraintFamily("financing_split", add_financing_split),
    ConstraintFamily("project_financing_split", add_project_financing_split),
    ConstraintFamily(
        "financing_envelope",
        add_financing_envelope,
        "the {0} financing envelope in {1}",
        money=True,
        raise_limit=lambda lc, index, extra: case_edits.with_envelope(lc, index[0], index[1], extra),
        scale_limits=case_edits.with_envelopes_scaled,
    ),
    ConstraintFamily(
        "phase_budget",
        add_phase_budget,
        "the budget of the {0} phase",
        money=True,
        raise_limit=lambda lc, index, extra: case_edits.with_phase_budget(lc, index[0], extra),
        scale_limits=case_edits.with_phase_budgets_scaled,
    ),
    ConstraintFamily(PORTFOLIO_PAYBACK, add_portfolio_payback, "the portfolio payback rule", money=True),
    ConstraintFamily(
        "resource_limit",
        add_resource_limit,
        "the {0} available in {1}",
        raise_limit=lambda lc, index, extra: case_edits.with_resource_limit(lc, index[0], index[1], extra),
        scale_limits=case_edits.with_resource_limits_scaled,
    ),
    ConstraintFamily("target_pathway", add_target_pathway),
    ConstraintFamily("source_floor", add_source_floor, "all emissions of {0} already abated in {1}"),
    ConstraintFamily("activity_floor", add_activity_floor, "all activity of {0} already removed in {1}"),
)
"""Every constraint family, in the order rows are written (docs/formulation.md)."""

BY_NAME: dict[str, ConstraintFamily] = {f.name: f for f in FAMILIES}

LIMITS = tuple(sorted((f for f in FAMILIES if f.limits), key=lambda f: (not f.money, f.raise_limit is None)))
"""Families whose binding rows are limits a planner reads about, in the order they are reported: money first
(budgets, envelopes, the payback rule), then delivery resources, then the shared slices and sources used up."""

MONEY_LIMITS = tuple(f.name for f in FAMILIES if f.money)
"""Money limits: budgets, envelopes and the payback rule."""

RAISABLE = tuple(f.name for f in FAMILIES if f.raise_limit is not None)
"""Limits a fix can raise by an amount (money and delivery resources)."""

MONEY_RAISABLE = tuple(name for name in RAISABLE if BY_NAME[name].money)
"""Money limits a fix can raise by an amount (budgets and envelopes)."""

MONEY_BY_YEAR = ("annual_budget", "financing_envelope")
"""Money limits set year by year: a year with none at all is a fact of the case, not a limit that binds."""
