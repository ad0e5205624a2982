"""Sensitivity sweeps (issue 5, in progress): the sweep specification and reproducible scenario generation.
Running scenarios (persistent re-solves, executors, resume) and robustness analytics come next."""

from .paths import apply_settings, value_at
from .spec import Scenario, SweepSpec, load_sweep_spec, scenarios

__all__ = ["Scenario", "SweepSpec", "apply_settings", "load_sweep_spec", "scenarios", "value_at"]
