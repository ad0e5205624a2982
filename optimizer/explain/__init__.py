"""Explain a plan in a planner's terms: what is reachable at all, which limits bind, what would close a
shortfall (each fix verified by a re-solve), shadow prices, switching values, near-optimal alternatives."""

from .alternatives import alternatives
from .explanation import Explanation, explain

__all__ = ["Explanation", "alternatives", "explain"]
