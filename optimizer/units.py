"""Which interventions are deployed in whole things (hospitals, operating theatres, vehicles...), decided from
the library: its unit is a count when the intervention is built in whole units (``integer_units``), or when
its potential counts facilities of the vocabulary one unit per facility at most (a hospital, a share of the
hospitals), unless the facility type is a scaled amount (``million people``). Capacities (kWp, MWh per year)
and population coverage are not counts.

The model's units are continuous unless ``integer_units`` is set, and a potential derived from a share of
the facility stock is itself fractional (20 % of 872 hospitals is 174.4), so displays round counted units to
whole numbers and say so (:data:`ROUNDING_NOTE`); the numbers behind them (costs, abatement) are unrounded."""

from __future__ import annotations

from .loading import LoadedCase

ROUNDING_NOTE = (
    "Units counted in whole things (hospitals, operating theatres, vehicles) are rounded to whole numbers for "
    "display; the plan's costs and abatement use the unrounded units (a potential estimated as a share of the "
    "facility stock is fractional)."
)

_SCALED = ("million", "thousand", "hundred")


def counted_units(loaded: LoadedCase) -> set[str]:
    """The interventions of the case's library whose unit is a count of things."""
    facility_units = {f.id: f.unit for f in loaded.library.vocabulary.facility_types}
    out = set()
    for iid, item in loaded.library.interventions.items():
        basis = item.potential.basis
        per = item.potential.units_per_basis.value
        counted_facility = basis in facility_units and not facility_units[basis].lower().startswith(_SCALED)
        if item.integer_units or (counted_facility and per <= 1.0):
            out.add(iid)
    return out
