"""noregret: plans how a country's health system cuts its greenhouse-gas emissions.

Python API::

    from optimizer import load_case, solve
    result = solve(load_case("cases/georgia.yaml"), variant="unconditional")
    result.portfolio  # tidy DataFrame
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("noregret")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

from typing import TYPE_CHECKING

from .errors import InputError, Problem, SolverFailure
from .loading import load_case, load_library

if TYPE_CHECKING:
    from .pyomo_backend import solve
    from .results import Result

__all__ = ["InputError", "Problem", "Result", "SolverFailure", "__version__", "load_case", "load_library", "solve"]

_LAZY = {"Result": "results", "solve": "pyomo_backend"}
"""Imported on first use: they bring Pyomo, pandas and HiGHS, which checking a case does not need."""


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
