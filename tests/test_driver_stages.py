"""The driver's stage logic on a scripted backend: the time limit bounds the whole solve, and a second stage
that stops early without a cheaper plan falls back to the first stage's plan."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from optimizer.driver import Attempt, SecondStage, Termination, run_stages
from optimizer.errors import SolverFailure
from optimizer.model.objective import ObjectiveKind
from optimizer.prepare import prepare
from optimizer.synthetic import build, case_dict, intervention


def _attempt(termination, has_plan=True, objective=1.0e6, seconds=4.0):
    return Attempt(termination, has_plan, objective, objective * 0.999, 1e-3, seconds, seconds)


@dataclass
class ScriptedBackend:
    """Plays back attempts; the plan's cost and shortfall are set by the script."""

    attempts: list
    costs: list  # net present cost of the plan loaded after each attempt
    shortfall: float = 10.0
    objective_kind: ObjectiveKind = ObjectiveKind.MIN_COST
    limits: list = field(default_factory=list)
    restored: bool = False
    plan: int = -1

    @property
    def model(self):
        return None

    def run(self, *, first, time_limit):
        self.limits.append(time_limit)
        self.plan += 1
        return self.attempts.pop(0)

    def total_shortfall(self):
        return self.shortfall

    def enter(self, stage: SecondStage):
        assert stage.row == "shortfall_cap"

    def save_plan(self):
        self.saved = self.plan

    def restore_plan(self):
        self.restored, self.plan = True, self.saved

    def net_present_cost(self):
        return self.costs[self.plan]


@pytest.fixture(scope="module")
def data():
    case = case_dict(solver={"time_limit_seconds": 10.0})
    return prepare(build([intervention("a")], case))


def test_the_second_stage_gets_what_the_first_left(data):
    backend = ScriptedBackend(
        [_attempt(Termination.OPTIMAL), _attempt(Termination.OPTIMAL, objective=500.0)], [900, 500]
    )
    outcome = run_stages(backend, data)
    assert backend.limits == [10.0, 6.0] and outcome.status == "optimal" and not backend.restored
    assert outcome.objective_value == 500.0 + data.case.target_rules.shortfall_penalty_usd_per_tco2e * 10.0


def test_a_second_stage_stopped_without_a_plan_keeps_the_first(data):
    backend = ScriptedBackend(
        [_attempt(Termination.OPTIMAL), _attempt(Termination.TIME_LIMIT, has_plan=False)], [900, 0]
    )
    outcome = run_stages(backend, data)
    assert backend.restored and outcome.status == "time_limit"
    assert outcome.objective_value == 1.0e6 and outcome.tolerance_usd == pytest.approx(1.0e3)


def test_a_second_stage_stopped_with_a_dearer_plan_keeps_the_first(data):
    backend = ScriptedBackend([_attempt(Termination.OPTIMAL), _attempt(Termination.TIME_LIMIT)], [900, 950])
    outcome = run_stages(backend, data)
    assert backend.restored and outcome.status == "time_limit"


def test_a_second_stage_stopped_with_a_cheaper_plan_keeps_it(data):
    backend = ScriptedBackend(
        [_attempt(Termination.OPTIMAL), _attempt(Termination.TIME_LIMIT, objective=800)], [900, 800]
    )
    outcome = run_stages(backend, data)
    assert not backend.restored and outcome.status == "time_limit"


def test_a_first_stage_past_the_limit_leaves_the_second_a_minimum(data):
    backend = ScriptedBackend(
        [_attempt(Termination.TIME_LIMIT, seconds=12.0), _attempt(Termination.OPTIMAL, objective=800)], [900, 800]
    )
    run_stages(backend, data)
    assert backend.limits[1] == pytest.approx(0.05)


def test_an_infeasible_second_stage_is_still_an_error(data):
    backend = ScriptedBackend(
        [_attempt(Termination.OPTIMAL), _attempt(Termination.INFEASIBLE, has_plan=False)], [900, 0]
    )
    with pytest.raises(SolverFailure):
        run_stages(backend, data)
