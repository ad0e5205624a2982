"""The sweep specification (YAML or Python) and the reproducible list of scenarios it stands for.

A scenario is the base case with some parameters set: a combination of named overrides, one point of the
grid (the product of the grid axes) and one Monte Carlo draw. Monte Carlo draws come from the ranges the
data give (``low``/``high`` around the central ``value``), triangular or uniform; parameters in a correlated
group move together (they share one uniform quantile per draw). Scenario ids are built from the names and
values, so the same spec always gives the same ids in the same order."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from ..errors import InputError, Problem
from ..loading import LoadedCase
from ..outputs import protect_inputs
from ..schema.base import Strict
from ..validation import parse_model
from ..yaml_io import read_yaml_mapping
from .paths import value_at


class GridAxis(Strict):
    """One swept parameter and the values it takes."""

    path: str
    """Parameter path (see ``optimizer.sweep.paths``), e.g. ``discount_rate``."""
    values: list[float] = Field(min_length=1)
    """Values, in the parameter's unit."""


class MonteCarlo(Strict):
    """Random draws from the data's own uncertainty ranges."""

    samples: int = Field(gt=0, le=1_000_000)
    """Number of draws."""
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    """Seed of the random generator (same seed, same draws)."""
    distribution: Literal["triangular", "uniform"] = "triangular"
    """Triangular (low, value, high) or uniform (low, high)."""
    parameters: list[str] = Field(min_length=1)
    """Paths of the parameters drawn; each must have a low-high range in the data."""
    correlated: dict[str, list[str]] = Field(default_factory=dict)
    """Groups of parameter paths that move together (e.g. all energy prices); name -> paths."""

    @model_validator(mode="after")
    def _groups_within_parameters(self):
        grouped = [p for paths in self.correlated.values() for p in paths]
        unknown = sorted(set(grouped) - set(self.parameters))
        if unknown:
            raise ValueError(f"correlated paths {unknown} are not among 'parameters'")
        if len(grouped) != len(set(grouped)):
            raise ValueError("a parameter can be in one correlated group only")
        return self


class SweepSpec(Strict):
    """A sensitivity sweep over one case."""

    case: str
    """Case file, relative to the spec file."""
    variant: str | None = None
    """Target variant (default: the case's default)."""
    overrides: dict[str, dict[str, float]] = Field(default_factory=dict)
    """Named sets of parameter values (path -> value), e.g. ``high_prices``."""
    combinations: list[list[str]] | None = None
    """Which named overrides to apply together, one scenario family per entry (``[]`` = the base case);
    default: the base case and each named override alone."""
    grid: list[GridAxis] = Field(default_factory=list)
    """Parameters swept over a grid (every combination of their values)."""
    monte_carlo: MonteCarlo | None = None
    """Random draws from the data's ranges, applied on top of each grid point and combination."""

    @model_validator(mode="after")
    def _known_override_names(self):
        for combo in self.combinations or []:
            unknown = [n for n in combo if n not in self.overrides]
            if unknown:
                raise ValueError(f"combinations name unknown overrides {unknown}; known: {sorted(self.overrides)}")
        return self


@dataclass(frozen=True)
class Scenario:
    """One scenario: a stable id and the parameter values it sets."""

    id: str
    overrides: tuple[str, ...]
    settings: dict[str, float] = field(hash=False)


def load_sweep_spec(path: Path) -> tuple[SweepSpec, Path]:
    """Read a spec file; return it with the case path it names (resolved against the spec's folder)."""
    path = Path(path)
    spec = parse_model(SweepSpec, read_yaml_mapping(path), str(path))
    case_path = (path.parent / spec.case).resolve()
    if not case_path.is_file():
        raise InputError([Problem(str(path), "case", spec.case, f"an existing case file ({case_path})")])
    protect_inputs(path, case_path)
    return spec, case_path


def _short_hash(settings: dict[str, float]) -> str:
    text = ";".join(f"{k}={v!r}" for k, v in sorted(settings.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _quantile(u: np.ndarray, low: float, mode: float, high: float, distribution: str) -> np.ndarray:
    """Inverse CDF of the triangular (low, mode, high) or uniform (low, high) distribution at quantiles u."""
    if distribution == "uniform" or high == low:
        return low + u * (high - low)
    split = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < split, left, right)


def monte_carlo_draws(mc: MonteCarlo, loaded: LoadedCase, where: str = "<sweep>") -> list[dict[str, float]]:
    """``mc.samples`` draws of every parameter; correlated parameters share one quantile per draw."""
    ranges = {}
    for path in mc.parameters:
        q = value_at(loaded, path, where)
        if q["low"] is None or q["high"] is None:
            raise InputError(
                [
                    Problem(
                        where, f"monte_carlo.parameters[{path}]", path, "a parameter with a low-high range in the data"
                    )
                ]
            )
        ranges[path] = (q["low"], q["value"], q["high"])
    rng = np.random.default_rng(mc.seed)
    group_of = {p: g for g, paths in mc.correlated.items() for p in paths}
    streams = sorted(set(group_of.values())) + [p for p in mc.parameters if p not in group_of]
    quantiles = {name: rng.random(mc.samples) for name in streams}  # drawn in a fixed order
    values = {p: _quantile(quantiles[group_of.get(p, p)], *ranges[p], mc.distribution) for p in mc.parameters}
    return [{p: float(values[p][k]) for p in mc.parameters} for k in range(mc.samples)]


def scenarios(spec: SweepSpec, loaded: LoadedCase, where: str = "<sweep>") -> list[Scenario]:
    """Every scenario of the spec, in a fixed order, with stable ids."""
    combos = spec.combinations if spec.combinations is not None else [[]] + [[n] for n in spec.overrides]
    axes = [[(axis.path, v) for v in axis.values] for axis in spec.grid]
    points = [dict(p) for p in itertools.product(*axes)] if axes else [{}]
    draws = monte_carlo_draws(spec.monte_carlo, loaded, where) if spec.monte_carlo else [{}]
    out = []
    for combo in combos:
        base: dict[str, float] = {}
        for name in combo:  # later overrides win where they set the same path
            base.update(spec.overrides[name])
        for k, point in enumerate(points):
            for m, draw in enumerate(draws):
                settings = {**base, **point, **draw}
                for path in settings:
                    value_at(loaded, path, where)  # every path must address a number of this case
                label = "+".join(combo) or "base"
                parts = [label] + ([f"g{k:03d}"] if axes else []) + ([f"mc{m:05d}"] if spec.monte_carlo else [])
                out.append(Scenario(f"{'/'.join(parts)}#{_short_hash(settings)}", tuple(combo), settings))
    return out
