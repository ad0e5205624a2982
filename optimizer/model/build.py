"""Assemble the MILP: the table of contents of ``docs/formulation.md``."""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from ..prepare import ModelData
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
from .objective import add_objective
from .variables import add_variables


def build_model(data: ModelData, objective: str | None = None) -> pyo.ConcreteModel:
    """Build the Pyomo model for one case variant."""
    with PauseGC():
        m = pyo.ConcreteModel(name=f"noregret:{data.case.country.iso3}:{data.variant_name}")
        add_variables(m, data)
        add_start_once(m, data)
        add_deployment_link(m, data)
        add_start_deploys(m, data)
        add_all_or_nothing(m, data)
        add_group_share(m, data)
        add_prerequisites(m, data)
        add_spend_definition(m, data)
        add_annual_budget(m, data)
        add_financing_split(m, data)
        add_financing_envelope(m, data)
        add_phase_budget(m, data)
        add_portfolio_payback(m, data)
        add_resource_limit(m, data)
        add_target_pathway(m, data)
        add_source_floor(m, data)
        add_activity_floor(m, data)
        add_objective(m, data, objective)
    return m
