"""A cohort's per-unit effect (``Candidate.abatement[y]``, ``activity_removed[y]``) is what an active unit does,
over the years a unit built in y is active and zero elsewhere; read whole, one year at a time or added into a
total, and through the cohort index the rows read, it gives the same numbers to the last bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.loading import load_case
from optimizer.prepare import prepare
from optimizer.synthetic import RandomSpec, random_case

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "georgia": lambda: load_case(ROOT / "cases" / "georgia.yaml"),
    "tajikistan": lambda: load_case(ROOT / "cases" / "tajikistan.yaml"),
    "random, floors": lambda: random_case(RandomSpec(n_interventions=6, seed=7, floors=True)),
}


@pytest.fixture(params=sorted(CASES), scope="module")
def data(request):
    return prepare(CASES[request.param]())


def test_a_cohort_is_the_active_unit_over_its_active_years(data):
    y0 = int(data.years[0])
    for c in data.candidates.values():
        for y in c.build_years:
            active = np.zeros(len(data.years), dtype=bool)
            active[[t - y0 for t in c.active_years(y)]] = True
            for cohorts, when_active in (
                (c.abatement, c.abatement_when_active),
                (c.activity_removed, c.removed_when_active),
            ):
                expected = np.where(active, when_active, 0.0)
                assert np.array_equal(cohorts[y], expected)
                for k in (0, int(np.argmax(active)), len(data.years) - 1):
                    assert np.array_equal(cohorts.in_year(y, k), expected[:, k])
                total = np.ones_like(expected)
                cohorts.add_to(total, y, 2.5)
                assert np.array_equal(total, np.ones_like(expected) + expected * 2.5)


def test_the_cohort_index_gives_each_build_columns_coefficient(data):
    cohorts = data.cohorts
    assert cohorts.keys == [(i, y) for i, c in data.candidates.items() for y in c.build_years]
    for k in range(len(data.years)):
        coefficients = cohorts.coefficients(data.abatement_all_sources_when_active, k)
        expected = [float(data.candidates[i].abatement[y].sum(axis=0)[k]) for i, y in cohorts.keys]
        assert coefficients.tolist() == expected
    for j, c in enumerate(data.candidates.values()):
        years = [t for y in c.build_years for t in c.active_years(y)]
        assert np.flatnonzero(data.ever_active[j]).tolist() == sorted({t - int(data.years[0]) for t in years})
