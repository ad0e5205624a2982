"""The model as plain rows and columns, without Pyomo: what a sweep re-solves in place.

:class:`RowModel` stands in for the Pyomo model when the same ``add_*`` family functions run on it
(``build.build_row_model``): variables become :class:`Col` objects and every constraint family a dict of
:class:`~optimizer.model.expressions.Row`. :func:`standard_form` turns it into the arrays HiGHS takes
(column-wise matrix, bounds, costs, integrality), with a name for every row and column so that two
scenarios' forms can be compared entry by entry."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from ..prepare import ModelData
from .variables import INF, index_sets, variable_families

if TYPE_CHECKING:
    from .objective import ObjectiveKind


class Col:
    """One column: its family and key, its position, and its value once solved."""

    __slots__ = ("family", "key", "position", "value")

    def __init__(self, family: str, key, position: int):
        self.family, self.key, self.position = family, key, position
        self.value: float | None = None

    def __repr__(self) -> str:
        return f"{self.family}[{self.key}]"


class IndexList(list):
    """An ordered index with constant-time membership tests."""

    def __init__(self, items):
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item) -> bool:
        return item in self._members


class RowFamily(dict):
    """The rows of one constraint family by key."""


@dataclass
class ProjectTerms:
    """Coefficients of project columns in one family's rows (see :meth:`RowModel.add_project_terms`)."""

    family: str
    keys: list
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray


@dataclass
class ObjectiveSpec:
    terms: list
    sense: str  # minimize | maximize


class RowModel:
    """Columns, index sets and constraint families of one case variant, built by the same family functions
    as the Pyomo model."""

    objective: ObjectiveSpec  # set by objective.add_objective (expressions.set_objective), as on the Pyomo model
    # index sets (variables.index_sets) and variable families (variables.variable_families), set by name in
    # __init__ so that the family functions read them as on the Pyomo model
    build_index_set: IndexList
    start_index_set: IndexList
    financing_index_set: IndexList
    project_financing_index_set: IndexList
    decision_years: IndexList
    target_years: IndexList
    build: dict[tuple, Col]
    start: dict[tuple, Col]
    spend: dict[int, Col]
    pay: dict[tuple, Col]
    pay_projects: dict[tuple, Col]
    shortfall: dict[int, Col]

    def __init__(self, data: ModelData):
        sets = index_sets(data)
        for name, index in sets.items():
            setattr(self, name, IndexList(index))
        self.columns: list[Col] = []
        self.kinds: list[str] = []
        self.bounds: list[tuple[float, float]] = []
        for family in variable_families(data):
            keys, first = sets[family.index_set], len(self.columns)
            cols = {key: Col(family.name, key, first + n) for n, key in enumerate(keys)}
            self.columns += cols.values()
            self.kinds += map(family.kind, keys)
            self.bounds += map(family.bounds, keys)
            setattr(self, family.name, cols)
        self.families: dict[str, RowFamily] = {}
        self.objective_kind: ObjectiveKind | None = None
        self.projects = data.projects
        """The pipeline projects; their columns (one per project and start year, binary) follow the others."""
        n_projects = data.projects.n_columns if data.projects is not None else 0
        self.project_terms: list[ProjectTerms] = []
        self.project_objective = np.zeros(n_projects)
        self.project_values = np.zeros(n_projects)
        self.plan_memo: dict = {}
        """Figures read off the loaded plan (:func:`optimizer.model.limits.shortfall_ledger`), forgotten when
        other values are loaded."""

    @property
    def n_project_columns(self) -> int:
        return len(self.project_values)

    def add_project_terms(self, family: str, keys: list, rows: np.ndarray, cols: np.ndarray, values) -> None:
        """Coefficients of project columns in rows of ``family``: term k is in row ``keys[rows[k]]`` (a key the
        family already has), column ``cols[k]`` (a project column), with ``values[k]``."""
        values = np.broadcast_to(np.asarray(values, dtype=float), np.shape(cols))
        keep = values != 0.0
        if keep.any():
            self.project_terms.append(ProjectTerms(family, keys, rows[keep], cols[keep], values[keep]))

    def add_family(self, name: str, rows: RowFamily) -> None:
        """A constraint family, kept in build order (also reachable as an attribute, as on a Pyomo model)."""
        self.families[name] = rows
        setattr(self, name, rows)

    def rows_of(self, index, rule) -> RowFamily:
        if index is None:
            return RowFamily({None: rule(self)})
        return RowFamily({key: rule(self, *key) if isinstance(key, tuple) else rule(self, key) for key in index})

    def objective_of(self, terms, sense: str) -> ObjectiveSpec:
        return ObjectiveSpec([(float(c), v) for c, v in terms if c != 0.0], sense)

    def nvariables(self) -> int:
        return len(self.columns) + self.n_project_columns

    def nconstraints(self) -> int:
        return sum(
            1
            for rows in self.families.values()
            for row in rows.values()
            if row.lower is not None or row.upper is not None
        )

    def order_columns_by_first_use(self) -> None:
        """Renumber the columns in the order the rows (family by family) and then the objective first use
        them; unused columns last. This is the order Pyomo's APPSI interface gives HiGHS, so both paths hand
        HiGHS the same matrix and HiGHS follows the same search (same plans, even where optima tie)."""
        terms = itertools.chain.from_iterable(row.terms for rows in self.families.values() for row in rows.values())
        in_rows_and_objective = map(itemgetter(1), itertools.chain(terms, self.objective.terms))
        columns = list(dict.fromkeys(itertools.chain(in_rows_and_objective, self.columns)))  # first uses, in order
        order = [col.position for col in columns]
        self.columns = columns
        self.kinds = [self.kinds[k] for k in order]
        self.bounds = [self.bounds[k] for k in order]
        for position, col in enumerate(self.columns):
            col.position = position

    def load_values(self, values) -> None:
        self.plan_memo = {}
        for col, v in zip(self.columns, values):
            col.value = float(v)
        n = len(self.columns)
        self.project_values = np.asarray(values[n : n + self.n_project_columns], dtype=float).copy()


@dataclass
class StandardForm:
    """min/max c'x s.t. row_lower <= A x <= row_upper, col_lower <= x <= col_upper, x_j integer where flagged;
    A column-wise (HiGHS's format: start, index, value)."""

    col_names: list[tuple]
    row_names: list[tuple]
    cost: np.ndarray
    maximize: bool
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray  # 0 continuous, 1 integer (binaries are integers in [0, 1])
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray

    def same_structure(self, other: StandardForm) -> bool:
        """Everything but the numbers is equal: names, integrality and where the nonzeros are. Two such forms
        differ only in costs, bounds, coefficient values and the sense (all changed in place)."""
        return (
            self.col_names == other.col_names
            and self.row_names == other.row_names
            and np.array_equal(self.integrality, other.integrality)
            and np.array_equal(self.a_start, other.a_start)
            and np.array_equal(self.a_index, other.a_index)
        )


def _bound(x) -> float:
    return -INF if x is None else float(x)


def standard_form(rm: RowModel, objective: ObjectiveSpec | None = None) -> StandardForm:
    """The arrays of ``rm``: rows in family order, duplicate (row, column) terms summed, zeros dropped."""
    objective = objective or rm.objective
    n_national = len(rm.columns)
    n = n_national + rm.n_project_columns
    cost = np.zeros(n)
    for coef, col in objective.terms:
        cost[col.position] += coef
    cost[n_national:] = rm.project_objective
    row_names = [(name, key) for name, family in rm.families.items() for key in family]
    rows = [row for family in rm.families.values() for row in family.values()]
    terms = [term for row in rows for term in row.terms]
    rows_idx = np.repeat(np.arange(len(rows), dtype=np.int64), [len(row.terms) for row in rows])
    cols_idx = np.fromiter((col.position for _, col in terms), dtype=np.int64, count=len(terms))
    values = np.fromiter((coef for coef, _ in terms), dtype=float, count=len(terms))
    if rm.project_terms:
        position = {name: r for r, name in enumerate(row_names)}
        blocks = [(rows_idx, cols_idx, values)]
        for block in rm.project_terms:
            row_of_key = np.array([position[block.family, key] for key in block.keys], dtype=np.int64)
            blocks.append((row_of_key[block.rows], block.cols.astype(np.int64) + n_national, block.values))
        rows_idx, cols_idx, values = (np.concatenate(parts) for parts in zip(*blocks))
    order = np.argsort(cols_idx * max(len(row_names), 1) + rows_idx, kind="stable")  # by column, then row
    rows_idx, cols_idx, values = rows_idx[order], cols_idx[order], values[order]
    if len(values):  # sum duplicates
        new = np.ones(len(values), dtype=bool)
        new[1:] = (rows_idx[1:] != rows_idx[:-1]) | (cols_idx[1:] != cols_idx[:-1])
        starts = np.flatnonzero(new)
        values = np.add.reduceat(values, starts)
        rows_idx, cols_idx = rows_idx[starts], cols_idx[starts]
        keep = values != 0.0
        rows_idx, cols_idx, values = rows_idx[keep], cols_idx[keep], values[keep]
    a_start = np.searchsorted(cols_idx, np.arange(n + 1)).astype(np.int32)
    bounds = np.array(rm.bounds, dtype=float).reshape(n_national, 2)
    n_projects = rm.n_project_columns
    projects = rm.projects
    project_names = (
        [("project_start", (pid, int(y))) for pid, y in zip(projects.column_ids(), projects.col_year.tolist())]
        if projects is not None
        else []
    )
    return StandardForm(
        col_names=[(c.family, c.key) for c in rm.columns] + project_names,
        row_names=row_names,
        cost=cost,
        maximize=objective.sense == "maximize",
        col_lower=np.concatenate([bounds[:, 0], np.zeros(n_projects)]),
        col_upper=np.concatenate([bounds[:, 1], np.ones(n_projects)]),
        integrality=np.array([k != "continuous" for k in rm.kinds] + [True] * n_projects, dtype=np.uint8),
        row_lower=np.array([_bound(row.lower) for row in rows], dtype=float),
        row_upper=np.array([INF if row.upper is None else float(row.upper) for row in rows], dtype=float),
        a_start=a_start,
        a_index=rows_idx.astype(np.int32),
        a_value=values,
    )
