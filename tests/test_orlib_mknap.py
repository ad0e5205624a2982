"""External check on public benchmark data: the OR-Library multidimensional knapsack instances (mknap1,
Chu and Beasley format, known optima), each posed as a noregret case and solved end to end.

Mapping: item j -> an all-or-nothing intervention active in one year whose abatement is its profit p_j;
knapsack constraint k -> a named resource with limit c_k and use w_kj per unit. ``max_abatement`` must
then equal the published optimum."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.pyomo_backend import solve
from optimizer.synthetic import build, case_dict, intervention, q, series

MKNAP1 = Path(__file__).resolve().parent / "fixtures" / "orlib" / "mknap1.txt"


def read_mknap(path: Path) -> list[dict]:
    numbers = [float(x) for x in path.read_text().split()]
    pos = 1
    problems = []
    for _ in range(int(numbers[0])):
        n, m, optimum = int(numbers[pos]), int(numbers[pos + 1]), numbers[pos + 2]
        pos += 3
        profits = numbers[pos : pos + n]
        pos += n
        weights = [numbers[pos + k * n : pos + (k + 1) * n] for k in range(m)]
        pos += m * n
        capacities = numbers[pos : pos + m]
        pos += m
        problems.append(
            {"n": n, "m": m, "optimum": optimum, "profits": profits, "weights": weights, "capacities": capacities}
        )
    return problems


def knapsack_case(problem: dict):
    total = sum(problem["profits"])
    items = []
    for j, p in enumerate(problem["profits"]):
        items.append(
            intervention(
                f"item{j}",
                all_or_nothing=True,
                lifetime_years=1,
                capex_usd_per_unit=0,
                effects=[{"type": "share", "source": "s0", "fraction": q(p / total)}],
                resource_use_per_unit={f"k{k}": q(w[j]) for k, w in enumerate(problem["weights"]) if w[j] > 0},
            )
        )
    case = case_dict(
        decision_window={"first_year": 2026, "last_year": 2026},
        horizon_end_year=2026,
        phases=[{"id": "quick_wins", "name": "Quick wins", "first_start_year": 2026}],
        sources=[
            {"id": "s0", "emissions_tco2e": q(total), "driver": "flat"},
            {"id": "s1", "emissions_tco2e": q(1.0), "driver": "flat"},
        ],
        resources=[{"id": f"k{k}", "limit_by_year": series({2026: c})} for k, c in enumerate(problem["capacities"])],
        variants={"main": {"targets": [{"type": "below_bau", "year": 2026, "percent": q(0)}]}},
        objective={"kind": "max_abatement"},
    )
    return build(items, case, resources=tuple(f"k{k}" for k in range(problem["m"])))


@pytest.mark.parametrize("index", range(7))
def test_mknap1_known_optimum(index):
    problem = read_mknap(MKNAP1)[index]
    result = solve(knapsack_case(problem))
    assert result.summary["status"] == "optimal"
    assert result.summary["objective_value"] == pytest.approx(problem["optimum"], rel=1e-9, abs=1e-6)
    chosen = {int(i.removeprefix("item")) for i in result.portfolio["intervention"]}
    assert sum(problem["profits"][j] for j in chosen) == pytest.approx(problem["optimum"], abs=1e-6)
    for k, weights in enumerate(problem["weights"]):
        assert sum(weights[j] for j in chosen) <= problem["capacities"][k] + 1e-9
