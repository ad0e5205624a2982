"""Synthetic project pipelines, drawn from a case's facility stock the way a facility survey lists candidate
projects: hospitals and ambulance stations spread over regions, each with a few
candidate projects among the building, energy and fleet interventions the case can use.

The table is in the file format a planner writes (docs/pipelines.md): one row per project, blanks where the
library default applies. Every number is an illustrative estimate drawn from a seed around the case's own
per-unit defaults, never a real project; the ``estimate`` column of every row says so and how it was drawn.
The same case, size and seed give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..loading import LoadedCase
from .table import OPTIONAL_NUMBERS, READINESS_DELAY_YEARS, READINESS_STAGES, change_column

HOSPITAL, STATION = "hospital", "ambulance_station"
KINDS = (HOSPITAL, STATION)
KIND_LETTER = {HOSPITAL: "H", STATION: "A"}

READINESS_SHARES = (0.4, 0.3, 0.2, 0.1)
"""Share of projects at each readiness stage, idea to ready to tender: a survey finds more ideas than
tender-ready projects; assumption."""

COST_SPREAD = 0.25
"""Standard deviation of the log of a site's cost around the case's per-unit default (about 25 %);
assumption."""

USE_SPREAD = 0.2
"""Standard deviation of the log of a site's activity change around the per-unit default (how much a
hospital of a given size uses, how far a vehicle drives); assumption."""

BEDS_SPREAD = 0.75
"""Standard deviation of the log of hospital beds (a few large hospitals, many small ones); assumption."""

DEFAULT_BEDS = 100.0
"""Mean beds per hospital when the case's facility stock gives no beds; assumption."""

SIZE_ELASTICITY = 0.8
"""Roof area (kWp) grows a little slower than beds (taller buildings); assumption."""

COST_ELASTICITY = 0.7
"""Per-hospital costs grow slower than beds (shared design and plant); assumption."""


AMBULANCES_PER_STATION = 8.0
"""Average ambulances per station; assumption."""

YIELD_SPREAD = (0.06, 0.05)
"""Standard deviations of the solar yield between regions and between sites (orientation, shading);
assumption."""

SITE_FIXED_SHARE, SITE_FIXED_MIN_USD = 0.08, 2000.0
"""A project's one-off costs besides capex (design, procurement): 8 % of capex, at least US$2,000;
assumption."""

EARLIEST_SHARE, LATEST_SHARE, RESTRICTED_SHARE = 0.15, 0.10, 0.12
"""Shares of projects given an earliest start, a latest start, and financing restricted to one source."""

MARGIN = 1.25
"""Facilities drawn for this many times the projects asked for (the survey's excess is cut off)."""

REGIONS_BY_ISO3: dict[str, tuple[tuple[str, float], ...]] = {
    "GEO": (
        ("Tbilisi", 1.20),
        ("Imereti", 0.48),
        ("Kvemo Kartli", 0.43),
        ("Adjara", 0.35),
        ("Kakheti", 0.31),
        ("Samegrelo-Zemo Svaneti", 0.30),
        ("Shida Kartli", 0.25),
        ("Samtskhe-Javakheti", 0.15),
        ("Guria", 0.10),
        ("Mtskheta-Mtianeti", 0.09),
        ("Racha-Lechkhumi and Kvemo Svaneti", 0.03),
    ),
}
"""Regions of known countries with weights for spreading facilities: populations in millions, rounded
(Geostat, about 2023; unverified, estimate)."""

GENERIC_REGIONS = 10
"""Regions (``Region 1`` ...) when the case's country has none listed and none are given."""


@dataclass(frozen=True)
class ProjectKind:
    """A candidate project a surveyed facility of ``facility`` type may list."""

    code: str
    """Suffix of the project id (unique per facility)."""
    intervention: str
    facility: str
    chance: float
    """Share of surveyed facilities of that type listing it; assumption."""
    label: str
    scale: str
    """How size, costs and effects follow the facility: ``roof`` (kWp), ``facility`` (one unit per
    facility, costs and effects by beds) or ``vehicle`` (a lot of vehicles)."""


PROJECT_KINDS = (
    ProjectKind("pv", "rooftop_solar_pv", HOSPITAL, 0.75, "Rooftop PV", "roof"),
    ProjectKind("pvb", "solar_battery_microgrid", HOSPITAL, 0.4, "PV with battery", "roof"),
    ProjectKind("led", "led_lighting_retrofit", HOSPITAL, 0.65, "LED lighting retrofit", "facility"),
    ProjectKind("bms", "bms_smart_controls", HOSPITAL, 0.35, "Building management and heating controls", "facility"),
    ProjectKind("env", "envelope_thermal_retrofit", HOSPITAL, 0.3, "Envelope thermal retrofit", "facility"),
    ProjectKind("blr", "boiler_modernisation", HOSPITAL, 0.75, "Boiler-house modernisation", "facility"),
    ProjectKind("hp", "hospital_heat_pumps", HOSPITAL, 0.45, "Heat pumps for the boiler house", "facility"),
    ProjectKind("amb", "electric_ambulances", STATION, 0.9, "Electric ambulances", "vehicle"),
    ProjectKind("car", "electric_fleet_cars", STATION, 0.4, "Electric service cars", "vehicle"),
)
"""Candidate projects by facility type, in the order a facility's projects are listed (a prerequisite before
the project that needs it)."""

ALTERNATIVES = {
    "roof": ("rooftop_solar_pv", "solar_battery_microgrid"),
    "boiler-house": ("boiler_modernisation", "hospital_heat_pumps"),
}
"""Projects at one facility that exclude each other (one roof, one boiler house), by group suffix."""

PREREQUISITE = {"hospital_heat_pumps": "envelope_thermal_retrofit"}
"""A project that needs another at the same facility first (fabric first: lower flow temperatures)."""

BOILER_HOUSE = ("boiler_modernisation", "hospital_heat_pumps")
"""Projects only hospitals with their own boiler house list."""

NOTES = {
    "roof": "kWp ~ roof ~ beds, yield ~ region and site",
    "facility": "one unit per hospital, cost and savings ~ beds",
    "vehicle": "lot ~ station fleet, diesel ~ use",
}

FILE_COLUMNS = (
    "id",
    "name",
    "facility_id",
    "facility_name",
    "facility_type",
    "region",
    "intervention",
    "size",
    "readiness",
    "exclusive_group",
    "prerequisites",
    "financing",
    *OPTIONAL_NUMBERS,
)
"""Columns of a generated table before the ``change_<source>_per_year`` columns, ``source`` and
``estimate``."""


@dataclass(frozen=True)
class Facilities:
    """Surveyed facilities, one array entry each."""

    kind: np.ndarray
    """Index into :data:`KINDS`."""
    number: np.ndarray
    """Running number within the facility type."""
    region: np.ndarray
    """Index into the region names."""
    scale: np.ndarray
    """Size relative to the type's average (beds, floor area, fleet)."""
    has_boiler: np.ndarray
    roof_kwp: np.ndarray
    battery_share: np.ndarray
    """kWp of PV with battery as a share of the roof's kWp (the critical loads)."""
    lots: dict[str, np.ndarray]
    """Vehicles per lot by project code."""

    def __len__(self) -> int:
        return len(self.kind)


def generate_pipeline(
    loaded: LoadedCase, n_projects: int, seed: int = 0, regions: list[str] | None = None
) -> pd.DataFrame:
    """A synthetic pipeline of ``n_projects`` candidate projects for ``loaded``'s country, in the file format.

    Facilities are drawn from the case's facility stock (hospitals, ambulances in
    stations) and spread over ``regions`` (listed largest first; weights 1/rank) or, when None, the country's
    known regions or ``Region 1`` .. ``Region 10``; when more projects are asked for than the stock gives,
    more facilities are drawn than the stock holds (the ``estimate`` note says by how much). Reproducible
    from ``seed``."""
    if n_projects < 1:
        raise ValueError(f"n_projects must be at least 1, not {n_projects}")
    usable = _usable_candidates(loaded)
    kinds = [k for k in PROJECT_KINDS if k.intervention in usable]
    names, weights = _regions(loaded, regions)
    per_stock = _projects_per_stock(loaded, kinds)
    if per_stock <= 0:
        raise ValueError(
            "the case can list no candidate projects: its facility stock has no hospitals or ambulances, or it "
            "can use none of " + ", ".join(sorted({k.intervention for k in PROJECT_KINDS}))
        )
    factor = MARGIN * n_projects / per_stock
    while True:
        rng = np.random.default_rng(seed)
        facilities = _draw_facilities(rng, loaded, factor, weights)
        fac, kind = _draw_projects(rng, facilities, kinds)
        if len(fac) >= n_projects:
            break
        factor *= 1.5
    survey_rank = rng.permutation(len(facilities))
    taken = np.lexsort((kind, survey_rank[fac]))[:n_projects]
    surveyed = factor * (survey_rank[fac[taken[-1]]] + 1) / len(facilities)
    keep = np.sort(taken)
    fac, kind = fac[keep], kind[keep]
    return _table(rng, loaded, usable, facilities, names, fac, [kinds[k] for k in kind], seed, surveyed)


def write_pipeline(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write a pipeline table as CSV, or as Parquet when the path ends in ``.parquet``; the folder is made."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    elif path.suffix.lower() == ".csv":
        frame.to_csv(path, index=False)
    else:
        raise ValueError(f"{path}: a pipeline file ends in .csv or .parquet")
    return path


def _usable_candidates(loaded: LoadedCase) -> dict:
    """The case's interventions that pass its screens (excluded ones, ones without potential or without a
    start year in the window are left out), by id."""
    from ..prepare import prepare

    return prepare(loaded).candidates


def _regions(loaded: LoadedCase, regions: list[str] | None) -> tuple[list[str], np.ndarray]:
    """Region names and the share of facilities in each."""
    if regions:
        names = list(dict.fromkeys(regions))
        weights = 1.0 / np.arange(1, len(names) + 1)
    elif loaded.case.country.iso3 in REGIONS_BY_ISO3:
        known = REGIONS_BY_ISO3[loaded.case.country.iso3]
        names, weights = [n for n, _ in known], np.array([w for _, w in known])
    else:
        names = [f"Region {k}" for k in range(1, GENERIC_REGIONS + 1)]
        weights = 1.0 / np.arange(1, GENERIC_REGIONS + 1)
    return names, weights / weights.sum()


def _stock(loaded: LoadedCase, basis: str) -> float:
    """A facility-stock count of the case, 0 when it gives none."""
    item = loaded.case.facility_stock.get(basis)
    return float(item.value) if item is not None else 0.0


def _stock_counts(loaded: LoadedCase) -> dict[str, float]:
    """Facilities of each type in the case's stock."""
    return {
        HOSPITAL: _stock(loaded, "hospitals"),
        STATION: np.ceil(_stock(loaded, "ambulances") / AMBULANCES_PER_STATION),
    }


def _boiler_share(loaded: LoadedCase) -> float:
    """Share of hospitals with their own boiler house: the boiler intervention's units per hospital."""
    item = loaded.library.interventions.get("boiler_modernisation")
    if item is None or item.potential.basis != "hospitals":
        return 0.7
    return float(np.clip(item.potential.units_per_basis.value, 0.0, 1.0))


def _projects_per_stock(loaded: LoadedCase, kinds: list[ProjectKind]) -> float:
    """Expected projects when the whole stock is surveyed (sizes the draw)."""
    counts = _stock_counts(loaded)
    boiler = _boiler_share(loaded)
    return sum(counts[k.facility] * k.chance * (boiler if k.intervention in BOILER_HOUSE else 1.0) for k in kinds)


def _lognormal(rng: np.random.Generator, sigma: float, size: int) -> np.ndarray:
    """Factors with mean 1 and log standard deviation ``sigma``."""
    return np.exp(rng.normal(-0.5 * sigma**2, sigma, size))


def _draw_facilities(rng: np.random.Generator, loaded: LoadedCase, factor: float, weights: np.ndarray) -> Facilities:
    """Facilities of each type, ``factor`` times the case's stock, with skewed sizes and spread over regions."""
    counts = _stock_counts(loaded)
    sizes = [int(np.ceil(counts[k] * factor)) for k in KINDS]
    kind = np.repeat(np.arange(len(KINDS)), sizes)
    number = np.concatenate([np.arange(1, s + 1) for s in sizes])
    n = len(kind)
    region = rng.choice(len(weights), size=n, p=weights)
    hospitals, beds_total = _stock(loaded, "hospitals"), _stock(loaded, "beds")
    mean_beds = beds_total / hospitals if hospitals > 0 and beds_total > 0 else DEFAULT_BEDS
    beds = np.clip(np.round(mean_beds * _lognormal(rng, BEDS_SPREAD, n)), 10, 3000)
    is_h = kind == KINDS.index(HOSPITAL)
    ambulances = _stock(loaded, "ambulances")
    mean_fleet = ambulances / counts[STATION] if counts[STATION] > 0 else AMBULANCES_PER_STATION
    fleet = np.clip(np.round(mean_fleet * _lognormal(rng, 0.6, n)), 2, 80)
    scale = np.where(is_h, beds / mean_beds, fleet / mean_fleet)
    kwp_per_hospital = _kwp_per_hospital(loaded)
    roof = kwp_per_hospital * scale**SIZE_ELASTICITY
    roof_kwp = np.maximum(5, np.round(roof * _lognormal(rng, 0.3, n)))
    lots = {
        "amb": np.clip(np.round(fleet * rng.uniform(0.25, 0.8, n)), 1, fleet),
        "car": np.maximum(1, np.round(0.5 * fleet * rng.uniform(0.2, 0.8, n))),
    }
    return Facilities(
        kind=kind,
        number=number,
        region=region,
        scale=scale,
        has_boiler=is_h & (rng.random(n) < _boiler_share(loaded)),
        roof_kwp=roof_kwp,
        battery_share=rng.uniform(0.4, 1.0, n),
        lots=lots,
    )


def _kwp_per_hospital(loaded: LoadedCase) -> float:
    """Usable roof of an average hospital in kWp: the rooftop PV intervention's units per hospital."""
    item = loaded.library.interventions.get("rooftop_solar_pv")
    if item is None or item.potential.basis != "hospitals":
        return 60.0
    return float(item.potential.units_per_basis.value)


def _draw_projects(
    rng: np.random.Generator, facilities: Facilities, kinds: list[ProjectKind]
) -> tuple[np.ndarray, np.ndarray]:
    """Which facility lists which project: (facility index, index into ``kinds``) per project, facility by
    facility in the order of ``kinds``."""
    n = len(facilities)
    draws = rng.random((len(PROJECT_KINDS), n))
    masks = []
    for kind in kinds:
        mask = (facilities.kind == KINDS.index(kind.facility)) & (draws[PROJECT_KINDS.index(kind)] < kind.chance)
        masks.append(mask & facilities.has_boiler if kind.intervention in BOILER_HOUSE else mask)
    for k, kind in enumerate(kinds):
        needed = PREREQUISITE.get(kind.intervention)
        if needed is None:
            continue
        pre = [j for j, other in enumerate(kinds) if other.intervention == needed and other.facility == kind.facility]
        if pre:
            masks[pre[0]] |= masks[k]
        else:
            masks[k][:] = False
    fac = np.concatenate([np.flatnonzero(m) for m in masks]) if masks else np.zeros(0, dtype=int)
    kind_index = np.repeat(np.arange(len(masks)), [int(m.sum()) for m in masks])
    order = np.lexsort((kind_index, fac))
    return fac[order], kind_index[order]


def _table(
    rng: np.random.Generator,
    loaded: LoadedCase,
    usable: dict,
    facilities: Facilities,
    region_names: list[str],
    fac: np.ndarray,
    kinds: list[ProjectKind],
    seed: int,
    surveyed: float,
) -> pd.DataFrame:
    """The file-format table of the chosen projects; ``surveyed``: the facilities visited as a multiple of
    the case's stock."""
    n = len(fac)
    iid = np.array([k.intervention for k in kinds], dtype=object)
    code = np.array([k.code for k in kinds], dtype=object)
    scale_kind = np.array([k.scale for k in kinds], dtype=object)
    facility_id = _facility_ids(loaded, facilities, fac)
    project_id = facility_id + "-" + code
    facility_name = _facility_names(facilities, region_names, fac)
    size = _sizes(loaded, facilities, fac, code, iid)
    readiness = rng.choice(len(READINESS_STAGES), size=n, p=READINESS_SHARES)
    _follow_prerequisites(readiness, fac, iid, np.minimum)
    frame = pd.DataFrame(
        {
            "id": project_id,
            "name": _project_names(kinds, size) + ", " + facility_name,
            "facility_id": facility_id,
            "facility_name": facility_name,
            "facility_type": np.array(KINDS, dtype=object)[facilities.kind[fac]],
            "region": np.array(region_names, dtype=object)[facilities.region[fac]],
            "intervention": iid,
            "size": size,
            "readiness": np.array(READINESS_STAGES, dtype=object)[readiness],
            "exclusive_group": _exclusive_groups(facility_id, fac, iid),
            "prerequisites": _prerequisites(project_id, fac, iid),
            "financing": _financing(rng, loaded, usable, iid),
        }
    )
    costs = _costs(rng, usable, facilities, fac, iid, scale_kind, size)
    starts = _starts(rng, loaded, usable, fac, iid, readiness, frame["financing"].to_numpy() != "")
    for column in OPTIONAL_NUMBERS:
        frame[column] = costs.get(column, starts.get(column, np.full(n, np.nan)))
    for source, values in _activity_changes(rng, loaded, usable, facilities, fac, iid, scale_kind, size).items():
        frame[change_column(source)] = values
    frame["source"] = ""
    frame["estimate"] = _notes(scale_kind, seed, surveyed)
    frame["grade"] = "D"  # synthetic, illustrative figures: judgement
    return _whole_numbers_as_integers(frame)


def _facility_ids(loaded: LoadedCase, facilities: Facilities, fac: np.ndarray) -> np.ndarray:
    """``GEO-H0012``: country, facility type letter and running number."""
    width = len(str(int(facilities.number.max(initial=1))))
    letters = np.array([KIND_LETTER[k] for k in KINDS], dtype=object)[facilities.kind[fac]]
    numbers = pd.Series(facilities.number[fac]).astype(str).str.zfill(width).to_numpy(dtype=object)
    return f"{loaded.case.country.iso3}-" + letters + numbers


def _facility_names(facilities: Facilities, region_names: list[str], fac: np.ndarray) -> np.ndarray:
    """``Imereti district hospital 3``: region, facility kind and a number within both."""
    kind = facilities.kind[fac]
    scale = facilities.scale[fac]
    label = np.select(
        [(kind == 0) & (scale >= 2.5), kind == 0],
        ["regional hospital", "district hospital"],
        "ambulance station",
    ).astype(object)
    region = np.array(region_names, dtype=object)[facilities.region[fac]]
    unique, first = np.unique(fac, return_index=True)
    keys = pd.DataFrame({"region": region[first], "label": label[first]})
    number = keys.groupby(["region", "label"], sort=False).cumcount().to_numpy() + 1
    per_facility = region[first] + " " + label[first] + " " + number.astype(str).astype(object)
    return per_facility[np.searchsorted(unique, fac)]


def _sizes(loaded: LoadedCase, facilities: Facilities, fac: np.ndarray, code: np.ndarray, iid: np.ndarray):
    """Project sizes in the intervention's unit: kWp of the roof, vehicles of the lot, one facility."""
    size = np.ones(len(fac))
    size = np.where(code == "pv", facilities.roof_kwp[fac], size)
    battery = np.maximum(3, np.round(facilities.roof_kwp[fac] * facilities.battery_share[fac]))
    size = np.where(code == "pvb", battery, size)
    for lot_code, lots in facilities.lots.items():
        size = np.where(code == lot_code, lots[fac], size)
    whole = np.isin(iid, [i for i, item in loaded.library.interventions.items() if item.integer_units])
    return np.where(whole, np.maximum(1, np.round(size)), size)


def _project_names(kinds: list[ProjectKind], size: np.ndarray) -> np.ndarray:
    """``Rooftop PV 45 kWp``, ``Electric ambulances (6)``, ``LED lighting retrofit``."""
    label = np.array([k.label for k in kinds], dtype=object)
    scale = np.array([k.scale for k in kinds], dtype=object)
    shown = pd.Series(size).map("{:g}".format).to_numpy(dtype=object)
    return np.where(
        scale == "roof", label + " " + shown + " kWp", np.where(scale == "vehicle", label + " (" + shown + ")", label)
    )


def _exclusive_groups(facility_id: np.ndarray, fac: np.ndarray, iid: np.ndarray) -> np.ndarray:
    """``GEO-H0012-roof`` for alternatives at one facility; blank where a facility lists only one of them."""
    group = np.full(len(fac), "", dtype=object)
    for suffix, members in ALTERNATIVES.items():
        member = np.isin(iid, members)
        listed = np.bincount(fac[member], minlength=int(fac.max(initial=0)) + 1)
        both = member & (listed[fac] >= 2)
        group[both] = facility_id[both] + f"-{suffix}"
    return group


def _prerequisites(project_id: np.ndarray, fac: np.ndarray, iid: np.ndarray) -> np.ndarray:
    """The id of the project a project needs first at the same facility (listed before it), else blank."""
    out = np.full(len(fac), "", dtype=object)
    for needs, needed in PREREQUISITE.items():
        rows = np.flatnonzero(iid == needs)
        if not len(rows):
            continue
        row_of_facility = np.full(int(fac.max()) + 1, -1)
        pre = np.flatnonzero(iid == needed)
        row_of_facility[fac[pre]] = pre
        out[rows] = project_id[row_of_facility[fac[rows]]]
    return out


def _follow_prerequisites(values: np.ndarray, fac: np.ndarray, iid: np.ndarray, combine) -> None:
    """Set a dependent project's value to ``combine`` of its own and its prerequisite's (in place)."""
    for needs, needed in PREREQUISITE.items():
        rows = np.flatnonzero(iid == needs)
        if not len(rows):
            continue
        by_facility = np.zeros(int(fac.max()) + 1, dtype=values.dtype)
        pre = np.flatnonzero(iid == needed)
        by_facility[fac[pre]] = values[pre]
        values[rows] = combine(values[rows], by_facility[fac[rows]])


def _financing(rng: np.random.Generator, loaded: LoadedCase, usable: dict, iid: np.ndarray) -> np.ndarray:
    """For a few projects, the one financing source of the case that may pay (a lender's own pipeline, a
    domestic-only site); blank: any source eligible for the intervention."""
    out = np.full(len(iid), "", dtype=object)
    case_ids = {f.id for f in loaded.case.budget.financing}
    restricted = rng.random(len(iid)) < RESTRICTED_SHARE
    for intervention in dict.fromkeys(iid.tolist()):
        eligible = np.array([f for f in usable[intervention].financing if f in case_ids], dtype=object)
        rows = np.flatnonzero(restricted & (iid == intervention))
        if len(eligible) >= 2 and len(rows):
            out[rows] = eligible[rng.integers(len(eligible), size=len(rows))]
    return out


def _costs(
    rng: np.random.Generator,
    usable: dict,
    facilities: Facilities,
    fac: np.ndarray,
    iid: np.ndarray,
    scale_kind: np.ndarray,
    size: np.ndarray,
) -> dict[str, np.ndarray]:
    """Capex around the case default per unit x size (per-hospital units also by beds), site one-off costs,
    and the O&M change of per-hospital units (others left blank: the library default x size)."""
    n = len(fac)
    per_facility = scale_kind == "facility"
    by_beds = np.where(per_facility, facilities.scale[fac] ** COST_ELASTICITY, 1.0)
    capex_unit = np.array([usable[i].capex for i in iid], dtype=float)
    om_unit = np.array([usable[i].om_change for i in iid], dtype=float)
    capex = np.round(capex_unit * size * by_beds * _lognormal(rng, COST_SPREAD, n), -2)
    fixed = np.round(np.maximum(SITE_FIXED_MIN_USD, SITE_FIXED_SHARE * capex), -2)
    om = np.where(per_facility, np.round(om_unit * size * by_beds * _lognormal(rng, COST_SPREAD, n), -1), np.nan)
    return {"capex_usd": capex, "fixed_cost_usd": fixed, "om_change_usd_per_year": om}


def _starts(
    rng: np.random.Generator,
    loaded: LoadedCase,
    usable: dict,
    fac: np.ndarray,
    iid: np.ndarray,
    readiness: np.ndarray,
    restricted: np.ndarray,
) -> dict[str, np.ndarray]:
    """A few earliest starts (other works on the site first) and latest starts (a grant's deadline, the end
    of the old plant's life), always inside the decision window and never before the project can start (its
    readiness, its intervention's phase and maturity, its prerequisite). Projects ``restricted`` to one
    financing source get no latest start (that source may have no money in the years left)."""
    n = len(fac)
    window = loaded.case.decision_window
    first, last = window.first_year, window.last_year
    delay = np.array([READINESS_DELAY_YEARS[s] for s in READINESS_STAGES])[readiness]
    gate = np.array([usable[i].start_years[0] for i in iid])
    drawn = rng.integers(first + 1, last + 1, n) if last > first else np.zeros(n, dtype=int)
    earliest = np.where(rng.random(n) < EARLIEST_SHARE, drawn, 0)
    can_start = np.maximum.reduce([first + delay, gate, earliest])
    _follow_prerequisites(can_start, fac, iid, np.maximum)
    has_latest = (rng.random(n) < LATEST_SHARE) & (can_start <= last) & ~restricted
    latest = can_start + np.floor(rng.random(n) * (last - can_start + 1)).astype(int)
    return {
        "earliest_start": np.where(earliest > 0, earliest, np.nan),
        "latest_start": np.where(has_latest, latest, np.nan),
    }


def _activity_changes(
    rng: np.random.Generator,
    loaded: LoadedCase,
    usable: dict,
    facilities: Facilities,
    fac: np.ndarray,
    iid: np.ndarray,
    scale_kind: np.ndarray,
    size: np.ndarray,
) -> dict[str, np.ndarray]:
    """Each project's change in the yearly activity of the sources its intervention changes: the case's
    per-unit change x size x a site factor (solar: the region's and the site's yield; per hospital: beds;
    vehicles: how far they drive). Whole project, the source's unit per year; negative: it saves."""
    from ..prepare import activity_change, applicable_effects

    n = len(fac)
    region_yield = np.clip(rng.normal(1.0, YIELD_SPREAD[0], int(facilities.region.max(initial=0)) + 1), 0.85, 1.15)
    roof = region_yield[facilities.region[fac]] * np.clip(rng.normal(1.0, YIELD_SPREAD[1], n), 0.85, 1.15)
    use = _lognormal(rng, USE_SPREAD, n)
    site = np.where(scale_kind == "roof", roof, np.where(scale_kind == "facility", facilities.scale[fac] * use, use))
    changes: dict[str, np.ndarray] = {}
    for intervention in dict.fromkeys(iid.tolist()):
        rows = iid == intervention
        for effect in applicable_effects(loaded, intervention):
            if effect.type != "activity":
                continue
            per_unit = activity_change(loaded, usable[intervention], effect)
            column = changes.setdefault(effect.source, np.full(n, np.nan))
            column[rows] = np.nan_to_num(column[rows]) + per_unit * size[rows] * site[rows]
    order = [s.id for s in loaded.case.sources if s.id in changes]
    return {source: np.round(changes[source], 1) for source in order}


def _notes(scale_kind: np.ndarray, seed: int, surveyed: float) -> np.ndarray:
    """The ``estimate`` note of every row: synthetic, illustrative, and how it was drawn (and, when more
    facilities were surveyed than the case's stock holds, how many more)."""
    scaled = f", facilities {surveyed:.1f}x the case's stock" if surveyed > 1.0 else ""
    head = f"Illustrative, synthetic (noregret generate_pipeline, seed {seed}{scaled}): "
    tail = "; capex = case default x lognormal sd 25%, one-off 8%; not a real project"
    notes = {kind: head + text + tail for kind, text in NOTES.items()}
    return np.array([notes[k] for k in scale_kind], dtype=object)


def _whole_numbers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Number columns whose values are all whole as nullable integers (``2028``, not ``2028.0``)."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind == "f" and bool(np.all(np.isnan(values) | (values == np.round(values)))):
            frame[column] = values.astype("Int64")
    return frame
