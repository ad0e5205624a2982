"""Step 3-5 of the evidence chain as a mixed-integer programme (Pyomo).

:func:`build_model` reads like the table of contents of ``docs/formulation.md``: one ``add_*`` call per
constraint family.
"""

from .build import build_model

__all__ = ["build_model"]
