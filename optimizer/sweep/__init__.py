"""Sensitivity sweeps: the sweep specification and reproducible scenario generation (this package's API).
The runner (``run``: worker processes or Dask, Parquet results, resume), robustness analytics (``robust``,
``regret``) and the tornado (``tornado``) are its submodules."""

from .paths import apply_settings, value_at
from .spec import Scenario, SweepSpec, load_sweep_spec, scenarios

__all__ = ["Scenario", "SweepSpec", "apply_settings", "load_sweep_spec", "scenarios", "value_at"]
