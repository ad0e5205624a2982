"""``noregret init``: a starting case for any country from a few national figures, built with the default-case
method of the bundled CAREC cases (docs/cases.md, "Common method"; shared/facts/countries.md section 3c).

The planner gives population, current health expenditure, grid emission factor and the NDC target; every
other number is derived from them with the method's shares, tiers and ratios and written as an ``estimate``
that says how (``19.0 % of the 420,000 t baseline: ...``). The planner's own figures carry the source they
give (by default ``given by the user on noregret init``). :func:`init_case_dict` returns the case as a
dict; :func:`write_case_file` checks it and writes it as YAML or as the planner's workbook (.xlsx).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem

if TYPE_CHECKING:
    from .loading import Library, LoadedCase

USER_SOURCE = "given by the user on noregret init"
"""Provenance of the planner's own figures unless they give a citation (``--source``)."""
FACTS = "countries.md"
"""The CAREC fact sheet the method cites (shared/facts/countries.md)."""
WHERE = "<noregret init>"
"""File label of problems with the figures given."""

NDC_TYPES = ("below_bau", "below_base_year")
MIN_HEALTH_EXPENDITURE = 1e6
"""Smallest health expenditure accepted; USD a year. Below it the smallest hotspots round to no emissions."""


@dataclass(frozen=True)
class NationalFigures:
    """What the planner knows about the country; every other number of the case is derived from these."""

    country: str
    """Display name of the country."""
    iso3: str
    """ISO 3166-1 alpha-3 code."""
    population: float
    """Population in the base year; persons."""
    health_expenditure_usd: float
    """Current health expenditure in the base year; USD per year."""
    grid_factor_t_per_mwh: float
    """Grid electricity emission factor; tCO2 per MWh."""
    ndc_percent: float
    """The NDC's cut; percent (below BAU, or below the reference year's level)."""
    ndc_year: int
    """Year the NDC target applies to."""
    ndc_type: str = "below_bau"
    """``below_bau`` or ``below_base_year``."""
    base_year: int = 2024
    """Year of the baseline inventory and of prices."""
    source: str = USER_SOURCE
    """Provenance written on the planner's figures."""
    ndc_reference_year: int | None = None
    """Reference year of a ``below_base_year`` target (the base year when omitted)."""
    national_reference_tco2e: float | None = None
    """National emissions in the reference year; tCO2e (with the next, applies the national ratio)."""
    national_base_year_tco2e: float | None = None
    """National emissions in the base year; tCO2e."""
    gdp_growth: float | None = None
    """Real GDP growth; fraction per year (the CAREC regional outlook when omitted)."""
    power_system: str | None = None
    """``hydro``, ``mixed``, ``gas`` or ``coal``; read from the grid factor when omitted."""
    beds_per_1000: float | None = None
    """Hospital beds per 1,000 people (the CAREC median when omitted)."""
    electricity_price_usd_per_mwh: float | None = None
    """Public-sector electricity tariff; USD per MWh (the bundled cases' typical tariff when omitted)."""


@dataclass(frozen=True)
class Tier:
    """An emission-intensity tier of the method: the power system and its health-sector profile."""

    name: str
    label: str
    kg_per_usd: float
    scopes: tuple[float, float, float]
    heating: str


TIERS = {
    "hydro": Tier("hydro", "hydro-dominant grid with fossil heating", 0.30, (0.25, 0.05, 0.70), "gas"),
    "mixed": Tier("mixed", "mixed grid", 0.45, (0.15, 0.12, 0.73), "gas"),
    "gas": Tier("gas", "gas-heavy grid", 0.50, (0.20, 0.12, 0.68), "gas"),
    "coal": Tier("coal", "coal-heavy grid", 0.70, (0.15, 0.20, 0.65), "coal"),
}
"""The intensity tiers (kgCO2e per USD of health spending) and suggested scope splits of countries.md 3c."""

TIER_LIMITS = ((0.25, "hydro"), (0.40, "mixed"), (0.60, "gas"))
"""Grid factor (tCO2/MWh) below which a power system is read as each tier; coal from 0.60. Drawn between
the bundled cases' factors: hydro 0.085-0.17 (TJK, KGZ, GEO, AFG), mixed 0.33 (PAK), gas 0.43-0.58 (AZE,
UZB, TKM), coal 0.70-0.85 (KAZ, MNG); the PRC (0.53, coal-heavy) took its baseline from a national study."""

HOTSPOTS = {
    "heat_fuel": (1, 0.16, "facility fuel and heating"),
    "gases": (1, 0.03, "anaesthetic gases and inhalers"),
    "fleet_diesel": (1, 0.02, "fleet and ambulances"),
    "grid_electricity": (2, 0.12, "purchased electricity and heat"),
    "pharmaceuticals": (3, 0.22, "pharmaceuticals and chemicals"),
    "medical_devices": (3, 0.12, "medical devices and consumables"),
    "food": (3, 0.06, "food and catering"),
    "construction": (3, 0.12, "construction and capital goods"),
    "services": (3, 0.15, "services, travel, waste and other"),
}
"""Hotspot -> (scope, share of the total, name): the suggested hotspot split of countries.md 3c."""

GAS_SPLIT = {"anaesthetic_desflurane": 2.5, "anaesthetic_n2o": 5.0, "inhalers_pmdi": 4.5}
"""Split of the gases-and-inhalers hotspot, of 12 (desflurane/N2O/pMDI), by judgement as in the demo case."""

FUELS = {
    "gas": ("natural gas", 0.20, 25.0, 5.0, 45.0),
    "coal": ("coal", 0.34, 12.0, 8.0, 25.0),
}
"""Boiler fuel -> (name, tCO2 per MWh of fuel (IPCC default), price, low, high in USD per MWh)."""

REGION_GDP_GROWTH = 0.05
"""Real GDP growth of the Caucasus and Central Asia in 2026 (ADB ADO Dec 2025, countries.md section 1 ✓)."""
ACTIVITY_ELASTICITY = 1.1
"""Health activity growth per unit of real GDP growth (countries.md section 1 method, 1.0-1.2, P)."""
MEDIAN_BEDS_PER_1000 = 4.0
"""Median of the CAREC beds per 1,000 people of countries.md section 7 (0.4 AFG to 8 MNG)."""
TYPICAL_TARIFF = 80.0
"""Public-sector electricity tariff of the bundled cases (AFG, KAZ, MNG: US$80/MWh; range 30 TKM to 154
PAK); USD per MWh."""
DEMO_CHE_PER_PERSON = 260.0
"""Health spending per person the library's stewardship savings are sized for (the demo case); USD."""


def init_case_dict(figures: NationalFigures, library: Library | None = None) -> dict:
    """The starting case for ``figures`` as a dict in the case schema (``library``: the bundled one when
    omitted, read for the GWP of the gas sources). Problems with the figures are an :class:`InputError`
    naming the option."""
    from .bundled import library_dir
    from .loading import load_library

    problems = figure_problems(figures)
    if problems:
        raise InputError(problems)
    lib = library if library is not None else load_library(library_dir())
    tier = tier_of(figures)
    total = round(figures.health_expenditure_usd * tier.kg_per_usd / 1000.0)
    stock = facility_stock(figures)
    sources = inventory(figures, tier, total, stock, lib)
    first, last, horizon = figures.base_year + 2, figures.base_year + 6, max(figures.base_year + 11, figures.ndc_year)
    return {
        "schema_version": 1,
        "name": f"{figures.country} - health-sector decarbonisation starting case",
        "description": _description(figures, tier, total),
        "country": {
            "name": figures.country,
            "iso3": figures.iso3.upper(),
            "population": {"value": float(figures.population), "source": figures.source},
        },
        "baseline_reference": _baseline_reference(figures, tier, total),
        "base_year": figures.base_year,
        "gwp_set": "AR6",
        "decision_window": {"first_year": first, "last_year": last},
        "horizon_end_year": horizon,
        "discount_rate": {
            "value": 0.06,
            "low": 0.06,
            "high": 0.09,
            "source": "ADB Guidelines for the Economic Analysis of Projects (2017): minimum EIRR of 6% (real) for "
            "social-sector, poverty-targeting and environmental projects; 9% in general (unverified, R).",
        },
        "drivers": {"health_activity": {"annual_change": _activity_growth(figures)}},
        "sources": sources,
        "facility_stock": stock,
        "phases": _phases(first),
        "maturity": _maturity(first),
        "budget": _budget(figures, first, last),
        "payback": {
            "portfolio_max_years": _estimate(
                10,
                "Portfolio rule: the whole portfolio's spending repaid by its first-year net savings within 10 "
                "years. ADB sets no payback threshold (interventions.md section 12 [E]); the rule of the "
                "bundled CAREC cases.",
            )
        },
        "resources": [_staff(stock["hospitals"]["value"], first, last)],
        "target_rules": {"mode": "elastic", "enforce": "every_year"},
        "variants": {"ndc": _variant(figures)},
        "default_variant": "ndc",
        "objective": {"kind": "min_cost"},
        "overrides": _overrides(figures, tier, sources, stock),
    }


# --------------------------------------------------------------------------------------------- figures


def figure_problems(f: NationalFigures) -> list[Problem]:
    """What is wrong with the figures, each named by its ``noregret init`` option."""
    out = []

    def need(ok: bool, option: str, value: Any, expected: str) -> None:
        if not ok:
            out.append(Problem(WHERE, option, value, expected))

    need(bool(f.country.strip()) and len(f.country) <= 200, "COUNTRY_NAME", f.country, "a name of 1-200 characters")
    need(len(f.iso3) == 3 and f.iso3.isalpha() and f.iso3.isascii(), "--iso3", f.iso3, "a 3-letter ISO code")
    need(_finite(f.population) and f.population >= 1, "--population", f.population, "a number of persons, 1 or more")
    need(
        _finite(f.health_expenditure_usd) and MIN_HEALTH_EXPENDITURE <= f.health_expenditure_usd <= 1e14,
        "--health-expenditure-usd",
        f.health_expenditure_usd,
        "current health expenditure in USD a year, from US$1 m to US$100 trn (1.4e9 for US$1.4 bn)",
    )
    need(
        _finite(f.grid_factor_t_per_mwh) and 0 < f.grid_factor_t_per_mwh <= 2,
        "--grid-factor",
        f.grid_factor_t_per_mwh,
        "tCO2 per MWh, above 0 and at most 2 (450 g/kWh is 0.45)",
    )
    need(_finite(f.ndc_percent) and -100 <= f.ndc_percent <= 100, "--ndc-percent", f.ndc_percent, "-100 to 100")
    need(2000 <= f.base_year <= 2100, "--base-year", f.base_year, "a year from 2000 to 2100")
    first = f.base_year + 2
    need(
        first <= f.ndc_year <= f.base_year + 100,
        "--ndc-year",
        f.ndc_year,
        f"a year from the first decision year {first} to {f.base_year + 100}",
    )
    need(f.ndc_type in NDC_TYPES, "--ndc-type", f.ndc_type, f"one of {list(NDC_TYPES)}")
    need(f.power_system is None or f.power_system in TIERS, "--power-system", f.power_system, f"one of {list(TIERS)}")
    need(bool(f.source.strip()), "--source", f.source, "a citation for the figures given")
    for option, value, low, high in (
        ("--gdp-growth", f.gdp_growth, -0.2, 0.2),
        ("--beds-per-1000", f.beds_per_1000, 0.01, 30),
        ("--electricity-price-usd-per-mwh", f.electricity_price_usd_per_mwh, 1, 1000),
    ):
        need(
            value is None or (_finite(value) and low <= value <= high), option, value, f"a number from {low} to {high}"
        )
    out += _reference_problems(f)
    return out


def _reference_problems(f: NationalFigures) -> list[Problem]:
    """A reference year other than the base year needs the national pair (and a below-base-year target)."""
    pair = (f.national_reference_tco2e, f.national_base_year_tco2e)
    given = [v for v in (f.ndc_reference_year, *pair) if v is not None]
    out = []
    if given and f.ndc_type != "below_base_year":
        out.append(Problem(WHERE, "--ndc-reference-year", given, "only with --ndc-type below_base_year"))
    elif any(v is not None for v in pair) and not all(v is not None and _finite(v) and v > 0 for v in pair):
        out.append(
            Problem(WHERE, "--national-reference-tco2e", pair, "both national totals, in tCO2e, above 0, or neither")
        )
    elif f.ndc_reference_year not in (None, f.base_year) and pair[0] is None:
        out.append(
            Problem(
                WHERE,
                "--ndc-reference-year",
                f.ndc_reference_year,
                "the national totals too (--national-reference-tco2e, --national-base-year-tco2e): the health "
                "sector's reference-year level is the national ratio applied to its baseline",
            )
        )
    elif f.ndc_reference_year is not None and not 1900 <= f.ndc_reference_year <= f.base_year:
        out.append(Problem(WHERE, "--ndc-reference-year", f.ndc_reference_year, f"a year up to {f.base_year}"))
    return out


def _finite(x: float | None) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def tier_of(f: NationalFigures) -> Tier:
    """The intensity tier: the one named, or the one the grid factor falls in."""
    if f.power_system is not None:
        return TIERS[f.power_system]
    return TIERS[next((name for limit, name in TIER_LIMITS if f.grid_factor_t_per_mwh < limit), "coal")]


# ------------------------------------------------------------------------------------------- provenance


def _estimate(value: float, text: str, low: float | None = None, high: float | None = None) -> dict:
    """A quantity marked as an estimate, with its derivation."""
    out: dict = {"value": float(value)}
    if low is not None:
        out["low"] = float(min(low, value))
    if high is not None:
        out["high"] = float(max(high, value))
    out["estimate"] = text
    return out


def _given(value: float, f: NationalFigures) -> dict:
    return {"value": float(value), "source": f.source}


def _t(x: float) -> str:
    return f"{x:,.0f} t"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _split(tier: Tier) -> str:
    return "/".join(f"{100 * s:g}" for s in tier.scopes)


def _tier_words(f: NationalFigures, tier: Tier) -> str:
    if f.power_system is not None:
        return f"{tier.kg_per_usd:.2f} kgCO2e per USD, the {tier.label} tier as given (--power-system {tier.name})"
    return (
        f"{tier.kg_per_usd:.2f} kgCO2e per USD, the {tier.label} tier, read from the grid factor of "
        f"{f.grid_factor_t_per_mwh:g} tCO2/MWh (hydro below 0.25, mixed below 0.40, gas below 0.60, coal above)"
    )


# -------------------------------------------------------------------------------------------- inventory


def _scaled_share(tier: Tier, hotspot: str) -> tuple[float, str]:
    """The hotspot's share of the total after rescaling within its scope, and how."""
    scope, share, name = HOTSPOTS[hotspot]
    in_scope = sum(s for sc, s, _ in HOTSPOTS.values() if sc == scope)
    target = tier.scopes[scope - 1]
    scaled = share * target / in_scope
    how = (
        f"the {100 * share:g} % {name} hotspot share ({FACTS} 3c, P) x {100 * target:g}/{100 * in_scope:g} "
        f"(scope-{scope} adjustment to the {tier.label} scope split {_split(tier)} of {FACTS} 3c, P)"
    )
    return scaled, how


def inventory(f: NationalFigures, tier: Tier, total: float, stock: dict, lib: Library) -> list[dict]:
    """The baseline sources: the total split by the hotspot shares rescaled to the tier's scope split, with
    activities and prices where interventions need them; other services take the remainder."""
    gases, gas_tonnes = _gas_sources(total, tier, lib)
    sources = [_heat_fuel(tier, total), _grid_electricity(f, tier, total), _fleet_diesel(tier, total)]
    sources += gases + _scope3_sources(total, tier, stock)
    listed = gas_tonnes + sum(s["emissions_tco2e"]["value"] for s in sources if "emissions_tco2e" in s)
    _, how = _scaled_share(tier, "services")
    remainder = _estimate(
        round(max(total - listed, 0.0)),
        f"Remainder of the services, travel, waste and other hotspot ({how}) after waste and travel, plus "
        f"rounding so that the sources add up to the {_t(total)} baseline.",
    )
    return sources + [{"id": "other_services", "emissions_tco2e": remainder, "driver": "health_activity"}]


def _heat_fuel(tier: Tier, total: float) -> dict:
    fuel, factor, price, low, high = FUELS[tier.heating]
    share, how = _scaled_share(tier, "heat_fuel")
    tonnes = round(total * share)
    return {
        "id": "heat_fuel",
        "emissions_tco2e": _estimate(tonnes, f"{_pct(share)} of the {_t(total)} baseline: {how}."),
        "activity": _estimate(
            round(tonnes / factor),
            f"{_t(tonnes)} / {factor:.2f} tCO2 per MWh of fuel: {fuel} boilers (IPCC default combustion factor), "
            f"the fuel of the {tier.label} tier in the bundled cases; estimate.",
        ),
        "driver": "health_activity",
        "price_usd_per_unit": _estimate(
            price,
            f"{fuel.capitalize()} for public institutions, as in the bundled cases (US${low:g}-{high:g} per MWh of "
            "fuel); estimate.",
            low,
            high,
        ),
    }


def _grid_electricity(f: NationalFigures, tier: Tier, total: float) -> dict:
    tonnes = round(total * tier.scopes[1])
    tariff = f.electricity_price_usd_per_mwh
    price = (
        _given(tariff, f)
        if tariff is not None
        else _estimate(
            TYPICAL_TARIFF,
            "Public-sector tariff of the bundled cases (US$80/MWh in Afghanistan, Kazakhstan and Mongolia; US$30 "
            "in Turkmenistan to US$154 in Pakistan); replace with the country's tariff; estimate.",
            30,
            154,
        )
    )
    path = _estimate(
        -0.01,
        "No national renewable plan given: new renewable capacity is assumed to cut the grid factor by about "
        "1 %/yr (as in Georgia and Afghanistan); the high end (+1 %/yr) has fossil plants meeting demand growth. "
        "Replace with the path of the official renewable target; estimate.",
        -0.03,
        0.01,
    )
    return {
        "id": "grid_electricity",
        "emissions_tco2e": _estimate(
            tonnes,
            f"The whole {100 * tier.scopes[1]:g} % scope-2 share of the {tier.label} scope split {_split(tier)} "
            f"({FACTS} 3c, P) x the {_t(total)} baseline; district heat is not split out (add a district_heat "
            "source if facilities buy heat).",
        ),
        "activity": _estimate(
            round(tonnes / f.grid_factor_t_per_mwh),
            f"{_t(tonnes)} / the grid factor of {f.grid_factor_t_per_mwh:g} tCO2 per MWh ({f.source}).",
        ),
        "driver": "health_activity",
        "factor_path": {"annual_change": path},
        "price_usd_per_unit": price,
    }


def _fleet_diesel(tier: Tier, total: float) -> dict:
    share, how = _scaled_share(tier, "fleet_diesel")
    tonnes = round(total * share)
    return {
        "id": "fleet_diesel",
        "emissions_tco2e": _estimate(tonnes, f"{_pct(share)} of the {_t(total)} baseline: {how}."),
        "activity": _estimate(
            round(tonnes * 1000 / 2.68),
            f"{_t(tonnes)} / 2.68 kgCO2 per litre of diesel (IPCC default) = litres a year; estimate.",
        ),
        "driver": "health_activity",
        "price_usd_per_unit": _estimate(
            1.0,
            "Diesel pump prices of the bundled cases, US$0.6 (Kazakhstan) to 1.1 (Georgia) per litre; estimate.",
            0.6,
            1.3,
        ),
    }


def _gas_sources(total: float, tier: Tier, lib: Library) -> tuple[list[dict], float]:
    """Desflurane, N2O and pMDIs by activity, so that their CO2e follows the GWP set; also their tCO2e as the
    engine computes it from the rounded activities."""
    share, how = _scaled_share(tier, "gases")
    hotspot = total * share
    prices = {
        "anaesthetic_desflurane": (
            28.8,
            20,
            40,
            "One hour of desflurane maintenance taken as one MAC-hour at $0.48 per minute (Van Noord et al., "
            "Anesth Pain Intensive Care; interventions.md section 2 [S]) x 60 min = $28.8 (derived; a US price "
            "for lack of a local one).",
        ),
        "anaesthetic_n2o": (
            3.5,
            2.3,
            4.7,
            "UK manifold-decommissioning savings (interventions.md section 2 [S]): about US$2.3-4.7 per kg; "
            "the midpoint (a UK price for lack of a local one).",
        ),
        "inhalers_pmdi": (
            4.0,
            1.5,
            10,
            "Mix of generic ($1.5-3) and branded ($8-12) pMDIs (interventions.md section 3, weak source); estimate.",
        ),
    }
    out, engine_tonnes = [], 0.0
    for sid, parts in GAS_SPLIT.items():
        source = next(s for s in lib.vocabulary.sources if s.id == sid)
        assert source.gas is not None, sid
        gwp = lib.gases[source.gas.gas].gwp100_ar6.value
        per_unit = source.gas.kg_per_activity_unit.value * gwp / 1000.0
        tonnes = hotspot * parts / 12.0
        price, low, high, price_how = prices[sid]
        activity = round(tonnes / per_unit)
        engine_tonnes += activity * per_unit
        out.append(
            {
                "id": sid,
                "activity": _estimate(
                    activity,
                    f"About {_t(tonnes)}CO2e a year ({parts:g}/12 of the gases and inhalers hotspot: "
                    f"{_t(hotspot)} = {how}) / {per_unit:.4g} tCO2e per {source.activity_unit} "
                    f"({source.gas.kg_per_activity_unit.value:g} kg x AR6 GWP {gwp:g}, the library's "
                    "vocabulary.yaml and gwp.yaml). The hotspot is split 2.5/5/4.5 (desflurane/N2O/pMDI, of 12) "
                    "by judgement, as in the demo case.",
                ),
                "driver": "health_activity",
                "price_usd_per_unit": _estimate(price, price_how, low, high),
            }
        )
    return out, engine_tonnes


def _scope3_sources(total: float, tier: Tier, stock: dict) -> list[dict]:
    """Pharmaceuticals, devices, food and construction by their shares; waste (by the beds) and travel (half)
    from the services hotspot."""
    out = []
    for sid in ("pharmaceuticals", "medical_devices", "food", "construction"):
        share, how = _scaled_share(tier, sid)
        out.append(
            {
                "id": sid,
                "emissions_tco2e": _estimate(
                    round(total * share), f"{_pct(share)} of the {_t(total)} baseline: {how}."
                ),
                "driver": "health_activity",
            }
        )
    share, how = _scaled_share(tier, "services")
    services = total * share
    waste_t, waste_how, waste_tonnes, tonnes_how = _waste(stock["beds"]["value"], services, how)
    return out + [
        {
            "id": "waste",
            "emissions_tco2e": _estimate(waste_t, waste_how),
            "activity": _estimate(waste_tonnes, tonnes_how),
            "driver": "health_activity",
            "price_usd_per_unit": _estimate(
                180,
                "Average treatment and disposal cost: 45 % hazardous at about $350/t and 55 % general at about "
                "$40/t (as in the demo case); estimate.",
                100,
                300,
            ),
        },
        {
            "id": "travel",
            "emissions_tco2e": _estimate(
                round(services / 2), f"Half of the services, travel, waste and other hotspot: {how}."
            ),
            "driver": "health_activity",
        },
    ]


def _waste(beds: float, services: float, how: str) -> tuple[float, str, float, str]:
    """Waste emissions and tonnes: beds x 1.5 kg per bed-day x 365 x 1.2 at 0.73 tCO2e per tonne, at most half
    of the services hotspot."""
    tonnes = beds * 1.5 * 365 * 1.2 / 1000
    factor = 0.73
    why = (
        "0.73 tCO2e per tonne (45 % incinerated as hazardous at 1.074 t/t, Rizan et al. 2021, interventions.md "
        "section 7 [S]; 55 % landfilled at about 0.45 t/t [E])"
    )
    if tonnes * factor <= services / 2:
        emissions = round(tonnes * factor)
        return (
            emissions,
            f"{tonnes:,.0f} t of waste x {why} = {_t(emissions)}; part of the services hotspot ({how}).",
            round(tonnes),
            f"{beds:,.0f} beds x about 1.5 kg per bed-day x 365 days, plus 20 % for outpatient and primary care "
            "(the rule of the bundled cases; WHO gives no generation rate for the region); estimate.",
        )
    emissions = round(services / 2)
    return (
        emissions,
        f"Half of the services, travel, waste and other hotspot ({how}): the beds rule (1.5 kg per bed-day, "
        f"{tonnes:,.0f} t x {why}) would give more than half of it.",
        round(emissions / factor),
        f"{_t(emissions)} / 0.73 tCO2e per tonne of waste; estimate.",
    )


def _baseline_reference(f: NationalFigures, tier: Tier, total: float) -> dict:
    che = f.health_expenditure_usd
    return {
        "method": (
            f"Current health expenditure of US${che / 1e9:,.3g} bn ({f.source}) x {_tier_words(f, tier)} "
            f"({FACTS} 3c, P) = {_t(total)}, split by the hotspot shares of {FACTS} 3c "
            f"(16/3/2 % scope 1, 12 % scope 2, 67 % scope 3), each rescaled within its scope to the {tier.label} "
            f"scope split {_split(tier)} (3c, P)."
        ),
        "total_tco2e": float(total),
        "scope_shares": {k + 1: tier.scopes[k] for k in range(3)},
        "estimate": f"Proxy baseline (the default-case method of {FACTS} 3c, P); at least +/-50 %.",
    }


# ------------------------------------------------------------------------------------- stock and drivers


def facility_stock(f: NationalFigures) -> dict[str, dict]:
    """Facility counts from the population (beds from beds per 1,000; the rest from the demo case's ratios)."""
    pop = f.population
    per_1000 = f.beds_per_1000
    beds = max(1.0, round(pop * (per_1000 or MEDIAN_BEDS_PER_1000) / 1000))
    beds_text = (
        f"{pop:,.0f} people x {per_1000:g} beds per 1,000 ({f.source})."
        if per_1000 is not None
        else f"{pop:,.0f} people x about {MEDIAN_BEDS_PER_1000:g} beds per 1,000, the median of the CAREC "
        f"values in {FACTS} section 7 (0.4 in Afghanistan to 8 in Mongolia); replace with the country's count."
    )
    hospitals = max(1.0, round(beds / 117))
    stock = {
        "hospitals": _estimate(hospitals, f"{beds:,.0f} beds / about 117 beds per hospital (as in the demo case)."),
        "beds": _estimate(beds, beds_text),
    }
    for key, value, text in (
        ("operating_theatres", 2.5 * hospitals, "About 2.5 theatres per hospital (as in the demo case)."),
        ("ambulances", pop * 0.9 / 1e4, "About 0.9 ambulances per 10,000 people (as in the demo case)."),
        ("primary_care_facilities", pop * 1.8 / 1e4, "About 1.8 primary-care facilities per 10,000 people (demo)."),
    ):
        stock[key] = _estimate(max(1.0, round(value)), text)
    stock["population_millions"] = {"value": pop / 1e6, "source": f"{f.source} (the population in millions)"}
    return stock


def _activity_growth(f: NationalFigures) -> dict:
    if f.gdp_growth is not None:
        value = round(f.gdp_growth * ACTIVITY_ELASTICITY, 6)
        return _estimate(
            value,
            f"Real GDP growth of {100 * f.gdp_growth:g} %/yr ({f.source}) x an elasticity of 1.1 ({FACTS} section "
            "1 method, P).",
        )
    return _estimate(
        round(REGION_GDP_GROWTH * ACTIVITY_ELASTICITY, 6),
        f"Real GDP growth of about 5 %/yr (ADB ADO Dec 2025: Caucasus and Central Asia 5.0 % in 2026, {FACTS} "
        "section 1 ✓) x an elasticity of 1.1 (section 1 method, P) = 5.5 %/yr; replace with the country's own "
        "outlook (--gdp-growth).",
        0.04,
        0.08,
    )


# ------------------------------------------------------------------------------------ planning rules


def _phases(first: int) -> list[dict]:
    return [
        {"id": "quick_wins", "name": "Quick wins", "first_start_year": first, "last_start_year": first + 1},
        {"id": "pipeline", "name": "Project pipeline", "first_start_year": first + 1},
        {"id": "later", "name": "Later projects (after preparation and appraisal)", "first_start_year": first + 3},
    ]


def _maturity(first: int) -> dict:
    return {
        "max_complexity_by_year": {first: 1, first + 2: 2, first + 3: 3},
        "estimate": "The capacity-building path of the bundled cases (docs/cases.md): quick wins from the first "
        "decision year, moderate projects two years later and complex ones a year after that; a country with a "
        "health-sector climate unit and delivery experience may start a year earlier (the quick-start path).",
    }


def _budget(f: NationalFigures, first: int, last: int) -> dict:
    che = f.health_expenditure_usd
    shares = {first: 0.0005, first + 1: 0.00075} | {y: 0.001 for y in range(first + 2, last + 1)}
    loan = float(f"{0.02 * che:.2g}")
    loan_years = range(first + 1, last + 1)
    return {
        "financing": [
            {
                "id": "domestic",
                "name": "Domestic health budget",
                "envelope_usd_by_year": {
                    "by_year": {y: round(che * s) for y, s in shares.items()},
                    "estimate": f"Earmarked for climate measures: 0.05 % of current health expenditure (US$"
                    f"{che / 1e9:,.3g} bn a year, {f.source}) in {first}, 0.075 % in {first + 1} and 0.1 % from "
                    f"{first + 2} as the programme is set up; the rule of the bundled cases.",
                },
            },
            {
                "id": "development_loan",
                "name": "Development-bank loan (energy, buildings, fleet and theatres)",
                "envelope_usd_by_year": {
                    "by_year": {y: round(loan / len(loan_years)) for y in loan_years},
                    "estimate": f"A loan of US${loan / 1e6:,.3g}m, 2 % of a year's current health expenditure (the "
                    "bundled cases' operations are 0.4-3 % of it), for health-facility energy, renewables, fleet and "
                    f"operating-theatre measures, disbursing evenly {first + 1}-{last} after a year of preparation; "
                    "an assumption, not a pipeline project.",
                },
                "eligible_families": ["renewable_energy", "buildings", "fleet", "operating_theatres"],
            },
        ]
    }


def _staff(hospitals: float, first: int, last: int) -> dict:
    path = {first: 0.3, first + 1: 0.6, first + 2: 0.8} | {y: 1.0 for y in range(first + 3, last + 1)}
    full = 0.5 * hospitals
    return {
        "id": "engineering_staff_months",
        "limit_by_year": {
            "by_year": {y: round(full * s, 1) for y, s in path.items()},
            "estimate": f"Estates, biomedical and energy engineers available for climate projects: about 0.5 "
            f"staff-months per hospital a year at full strength ({hospitals:,.0f} hospitals -> {full:,.1f} "
            "staff-months), 30 %, 60 % and 80 % of that in the first three years (the capacity-building path of "
            "the bundled cases); assumption.",
        },
    }


def _variant(f: NationalFigures) -> dict:
    percent = _given(f.ndc_percent, f)
    if f.ndc_type == "below_bau":
        target: dict = {"type": "below_bau", "year": f.ndc_year, "percent": percent}
        words = f"{f.ndc_percent:g} % below BAU in {f.ndc_year}"
    else:
        reference = f.ndc_reference_year or f.base_year
        target = {"type": "below_base_year", "year": f.ndc_year, "reference_year": reference, "percent": percent}
        words = f"{f.ndc_percent:g} % below the {reference} level in {f.ndc_year}"
        if f.national_reference_tco2e is not None and f.national_base_year_tco2e is not None:
            target["national_reference_emissions_tco2e"] = _given(f.national_reference_tco2e, f)
            target["national_base_year_emissions_tco2e"] = _given(f.national_base_year_tco2e, f)
            words += ", applied through the national ratio (reference-year / base-year national emissions)"
    return {
        "description": f"The NDC target as given: {words}, applied to the health sector (the strategy's default).",
        "targets": [target],
    }


# -------------------------------------------------------------------------------- library adaptations


def _overrides(f: NationalFigures, tier: Tier, sources: list[dict], stock: dict) -> dict:
    """The method's library adaptations that follow from the figures: stewardship savings by health spending
    per person, sevoflurane cost by desflurane use per hospital, heat pumps for gas boilers."""
    hospitals = stock["hospitals"]["value"]
    mac_hours = next(s["activity"]["value"] for s in sources if s["id"] == "anaesthetic_desflurane")
    ratio = f.health_expenditure_usd / f.population / DEMO_CHE_PER_PERSON
    per_hospital = mac_hours / (0.2 * hospitals)
    interventions: dict[str, dict] = {
        "desflurane_to_sevoflurane": {
            "om_change_usd_per_unit_year": _estimate(
                round(per_hospital * 0.95 * 10.8),
                f"Sevoflurane bought instead, scaled to this case's desflurane use: {mac_hours:,.0f} MAC-hours / "
                f"{0.2 * hospitals:,.1f} using hospitals (0.2 x {hospitals:,.0f} hospitals) = {per_hospital:,.0f} "
                "MAC-hours per using hospital x 0.95 switched x $10.8 per MAC-hour (60 min x $0.18/min "
                "sevoflurane, Van Noord et al., interventions.md section 2 [S]); range 0.8-1.0 switched.",
                round(per_hospital * 0.8 * 10.8),
                round(per_hospital * 1.0 * 10.8),
            )
        },
    }
    for iid, saving, worst, what in (
        ("imaging_appropriate_use", -130_000, -300_000, "scans"),
        ("lab_test_stewardship", -120_000, -300_000, "tests"),
    ):
        interventions[iid] = {
            "om_change_usd_per_unit_year": _estimate(
                round(saving * ratio),
                f"The library's {saving:,} $/yr per million people (sized for the demo's health spending of about "
                f"US${DEMO_CHE_PER_PERSON:g} per person) x this country's US${ratio * DEMO_CHE_PER_PERSON:,.0f} per "
                f"person ({f.source}) / {DEMO_CHE_PER_PERSON:g} = {ratio:.3g}: {what} per person and their prices "
                "are taken to follow health spending per person; low the library's low end scaled alike, high 0.",
                round(worst * ratio),
                0,
            )
        }
    if tier.heating == "gas":
        interventions["hospital_heat_pumps"] = {"effects": _gas_heat_pump_effects()}
    return {"exclude": ["renewable_ppa"], "interventions": interventions}


def _gas_heat_pump_effects() -> list[dict]:
    return [
        {
            "type": "activity",
            "source": "heat_fuel",
            "change_share_of_unit_activity": _estimate(
                -0.6,
                "As the library: the heat pump replaces about 85 % (70-95 %) of the fuel of a hospital's own "
                "boiler house, which burns about 70 % of the facility fuel per boiler house (demo sizing) = 0.6; "
                "range 0.49-0.66. Repeated here because the override replaces the whole effects list.",
                -0.66,
                -0.49,
            ),
        },
        {
            "type": "activity",
            "source": "grid_electricity",
            "relative_to": "heat_fuel",
            "change_share_of_unit_activity": _estimate(
                0.235,
                "MWh of electricity per unit as a share of the facility fuel per boiler house: gas boilers at about "
                "0.9 efficiency (judgement) / seasonal COP 2.3 (facts' proposed ASHP 2.0-2.5 [E]; field median "
                "2.44 on cold days, Energy Systems Catapult 2023 [S]) = 0.39 MWh of electricity per MWh of fuel "
                "replaced, x the fuel share 0.6 = 0.235 (the library's 0.13 is for coal boilers at 0.5); range "
                "0.49 x 0.9 / 3.0 = 0.147 to 0.66 x 0.9 / 1.8 = 0.33.",
                0.147,
                0.33,
            ),
        },
    ]


def _description(f: NationalFigures, tier: Tier, total: float) -> str:
    per_person = total / f.population
    return (
        f"Starting case for {f.country} written by noregret init: {total / 1e6:,.3g} MtCO2e in {f.base_year} "
        f"(US${f.health_expenditure_usd / 1e9:,.3g} bn current health expenditure x {tier.kg_per_usd:.2f} "
        f"kgCO2e/USD, {tier.label} tier; {per_person:.3g} t per person; scopes {_split(tier)}). Built with the "
        "default-case method of the bundled CAREC cases (docs/cases.md, 'Common method'; the fact sheet "
        f"shared/facts/{FACTS} section 3c): baseline = current health expenditure x an emission-intensity tier, "
        "split by the fact sheet's hotspot shares rescaled to the tier's scope split. The planner's figures "
        f"(population, health expenditure, grid factor, NDC) carry the source '{f.source}'; every other number is "
        "an estimate that says how it was derived. The total is a proxy with at least +/-50 % uncertainty, to be "
        "replaced by the country's own inventory; facility counts, prices and the solar yield (the library "
        "default) are the next numbers to replace. renewable_ppa is excluded as in the bundled cases (the grid "
        "factor path would count contracted renewable MWh twice); take it out of overrides.exclude where a PPA or "
        "green-tariff framework adds new capacity."
    )


# ---------------------------------------------------------------------------------------------- writing


def check_case_dict(data: dict, name: str) -> LoadedCase:
    """Validate the case as :func:`~optimizer.loading.case_from_dict` would read it (with the bundled library),
    so that a case is written only when it loads; plausibility warnings are printed as for any case."""
    from .bundled import library_dir
    from .loading import case_from_dict, load_library

    return case_from_dict(data, load_library(library_dir()), name=name)


CASE_FORMATS = (".yaml", ".yml", ".xlsx")
"""File suffixes :func:`write_case_file` writes: a case YAML file, or the planner's workbook."""


def write_case_file(data: dict, path: Path, force: bool = False) -> Path:
    """Check the case and write it to ``path``: YAML, or the planner's workbook for an .xlsx file (docs/workbook.md).
    An existing file is replaced only with ``force``."""
    from .outputs import atomic_write_text

    if path.suffix.lower() not in CASE_FORMATS:
        raise InputError([Problem(WHERE, "--out", str(path), f"a case file ending in one of {list(CASE_FORMATS)}")])
    if (path.exists() or path.is_symlink()) and not force:
        raise InputError([Problem(WHERE, "--out", str(path), "a file that does not exist yet (--force replaces it)")])
    if path.is_dir():
        raise InputError([Problem(WHERE, "--out", str(path), "a file path, not a folder")])
    loaded = check_case_dict(data, str(path))
    if path.suffix.lower() == ".xlsx":
        from .workbook import write_workbook

        return write_workbook(loaded, path)
    return atomic_write_text(path, case_yaml(data))


def case_yaml(data: dict) -> str:
    """The case as YAML text, keys in the schema's order and long texts folded (``>-``) as in the bundled
    cases."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = ">" if len(value) > 80 and "\n" not in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    head = "# Written by noregret init; every number carries its source or how it was estimated.\n"
    body = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return head + body
