"""The LP-bound certificate (optimizer.lp_first): a certified plan is within the gap of the LP bound, an
uncertified one hands the MIP a start and the same optimum follows, and the model is left as it was."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.driver import Termination
from optimizer.lp_first import relative_gap
from optimizer.persistent import PersistentHighs, scenario_form
from optimizer.prepare import prepare

from .test_pipeline_ladder import _knapsack


def _solve(certify: bool, gap: float):
    loaded = _knapsack()
    options = loaded.case.solver.model_copy(update={"mip_rel_gap": gap})
    data = prepare(loaded)
    _, form = scenario_form(data)
    solver = PersistentHighs(certify=certify)
    solver.load(form)
    attempt = solver.run(options, certify=certify)
    return solver, form, attempt


def test_an_uncertified_plan_starts_the_mip_and_the_optimum_is_unchanged():
    """At the case's US$100 the LP takes p1, p2 and a fifth of p3 (NPV 148); the neighbourhood of that LP plan
    has p1 + p2 (NPV 130), 12 % from the bound: not certified at 1e-6, so the MIP runs and proves 130."""
    _, _, plain = _solve(False, 1e-6)
    solver, form, checked = _solve(True, 1e-6)
    assert checked.termination is Termination.OPTIMAL and "LP bound" not in checked.raw_status
    assert checked.objective_value == pytest.approx(plain.objective_value) == pytest.approx(-130.0)
    lp = solver.highs.getLp()
    assert np.array_equal(np.array(lp.col_lower_), form.col_lower)
    assert np.array_equal(np.array(lp.col_upper_), form.col_upper)
    assert np.array_equal(np.array(lp.integrality_, dtype=int) > 0, form.integrality > 0)


def test_a_plan_within_the_gap_of_the_lp_bound_is_certified():
    solver, _, attempt = _solve(True, 0.2)
    assert attempt.raw_status.endswith("by the LP bound)") and attempt.has_plan
    assert attempt.objective_value == pytest.approx(-130.0) and attempt.best_bound == pytest.approx(-148.0)
    assert attempt.mip_gap == pytest.approx(relative_gap(-130.0, -148.0)) and attempt.mip_gap <= 0.2
    assert solver.solution()[-3:].round().tolist().count(1.0) == 2  # the project columns come last
