"""Assemble the MILP: the table of contents of ``docs/formulation.md``."""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from ..prepare import ModelData
from .families import FAMILIES
from .objective import add_objective
from .projects import has_projects, pipelines_unsupported
from .rows import RowModel
from .variables import add_variables

CONSTRAINT_FAMILIES = tuple(family.add for family in FAMILIES)
"""Every constraint family's builder, in the order rows are written (:data:`optimizer.model.families.FAMILIES`)."""


def build_model(data: ModelData, objective: str | None = None) -> pyo.ConcreteModel:
    """Build the Pyomo model for one case variant (a case with project pipelines is built as rows only:
    :func:`build_row_model`)."""
    if has_projects(data):
        raise pipelines_unsupported(data.loaded.path)
    with PauseGC():
        m = pyo.ConcreteModel(name=f"noregret:{data.case.country.iso3}:{data.variant_name}")
        add_variables(m, data)
        for add_family in CONSTRAINT_FAMILIES:
            add_family(m, data)
        add_objective(m, data, objective)
    return m


def build_row_model(data: ModelData, objective: str | None = None) -> RowModel:
    """The same model as plain rows and columns (no Pyomo): the variables of ``add_variables`` and every
    family of :data:`CONSTRAINT_FAMILIES` run on a :class:`~optimizer.model.rows.RowModel`."""
    with PauseGC():
        rm = RowModel(data)
        for add_family in CONSTRAINT_FAMILIES:
            add_family(rm, data)
        add_objective(rm, data, objective)
        rm.order_columns_by_first_use()
    return rm
