"""Gas sources: emissions follow activity x gas mass x GWP of the case's GWP set (one GWP table)."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.errors import InputError
from optimizer.loading import case_from_dict, library_from_data
from optimizer.pathway import project_bau
from optimizer.synthetic import case_dict, intervention, q, vocabulary

GWP = {
    "gases": [
        {
            "id": "desflurane",
            "name": "Desflurane (HFE-236ea2)",
            "gwp100_ar5": {"value": 1790, "source": "IPCC AR5 WG1 table 8.A.1"},
            "gwp100_ar6": {"value": 2590, "source": "IPCC AR6 WG1 table 7.SM.7"},
        }
    ]
}


def _library():
    vocab = vocabulary(2)
    vocab["sources"][0]["gas"] = {"gas": "desflurane", "kg_per_activity_unit": q(0.05)}  # 50 g per MAC-hour
    family = {"family": "inhalers_anaesthetics", "interventions": [intervention("a")]}
    return library_from_data(vocab, {"inhalers_anaesthetics.yaml": family}, gwp=GWP)


def _case(gwp_set, **source0):
    sources = [
        {"id": "s0", "activity": q(1000), "driver": "flat", **source0},
        {"id": "s1", "emissions_tco2e": q(10), "driver": "flat"},
    ]
    return case_dict(sources=sources, gwp_set=gwp_set)


@pytest.mark.parametrize("gwp_set, gwp", [("AR6", 2590), ("AR5", 1790)])
def test_gas_source_emissions_follow_gwp_set(gwp_set, gwp):
    loaded = case_from_dict(_case(gwp_set), _library())
    bau = project_bau(loaded.case, np.arange(2024, 2031), loaded.library)
    assert bau.emissions[0, 0] == pytest.approx(1000 * 0.05 * gwp / 1000)  # 1,000 MAC-h x 50 g x GWP
    assert bau.factor[0, 0] == pytest.approx(0.05 * gwp / 1000)


def test_gas_source_rejects_given_emissions():
    with pytest.raises(InputError) as err:
        case_from_dict(_case("AR6", emissions_tco2e=q(100)), _library())
    assert "sources[s0].emissions_tco2e" in str(err.value) and "GWP set (AR6)" in str(err.value)


def test_non_gas_source_needs_emissions():
    data = _case("AR6")
    del data["sources"][1]["emissions_tco2e"]
    with pytest.raises(InputError) as err:
        case_from_dict(data, _library())
    assert "sources[s1].emissions_tco2e" in str(err.value)


def test_unknown_gas_is_an_error():
    vocab = vocabulary(2)
    vocab["sources"][0]["gas"] = {"gas": "sevoflurane", "kg_per_activity_unit": q(0.02)}
    with pytest.raises(InputError) as err:
        library_from_data(vocab, {"waste.yaml": {"family": "waste", "interventions": [intervention("a")]}}, gwp=GWP)
    assert "sources[s0].gas.gas" in str(err.value) and "'sevoflurane'" in str(err.value)
