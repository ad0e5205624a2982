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

from .errors import InputError, Problem, SolverFailure
from .loading import load_case, load_library
from .results import Result
from .solve import solve

__all__ = ["InputError", "Problem", "Result", "SolverFailure", "__version__", "load_case", "load_library", "solve"]
