"""Figures drawn from the report tables only. Every plotting function returns a :class:`Chart`: the PNG bytes
and ``data``, the arrays it plotted (already divided by ``data['scale']``) so tests can compare them with the
tables."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .tables import wedge_column

DPI = 100
# Paul Tol's "muted" qualitative scheme (colour-blind safe); after nine colours, hatching tells wedges apart.
TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"]
HATCHES = ["", "//", "..", "xx"]
BAU_COLOUR, TARGET_COLOUR, OPT_COLOUR = "#000000", "#0072B2", "#D55E00"  # Okabe-Ito black, blue, vermillion
SELECTED_COLOUR, UNSELECTED_COLOUR = "#117733", "#BBBBBB"


@dataclass
class Chart:
    name: str
    png: bytes
    data: dict

    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.png)
        return path


def emissions_scale(max_tco2e: float) -> tuple[float, str]:
    """Divide tCO2e by the scale to plot in the unit: MtCO2e from 1 Mt, else ktCO2e."""
    return (1e6, "MtCO2e") if max_tco2e >= 1e6 else (1e3, "ktCO2e")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _label(family: str) -> str:
    return family.replace("_", " ").capitalize()


def _short(iid: str, n: int = 22) -> str:
    text = iid.replace("_", " ")
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def roadmap_chart(roadmap: pd.DataFrame, families: list[str], title: str) -> Chart:
    """BAU, target and optimised lines; abatement wedges per family stacked from the optimised line up to
    BAU; the gap where the optimised line lies above the target is hatched."""
    years = roadmap["year"].to_numpy(dtype=int)
    scale, unit = emissions_scale(float(np.nanmax(roadmap[["bau_tco2e", "target_tco2e"]].to_numpy())))
    bau = roadmap["bau_tco2e"].to_numpy(float) / scale
    target = roadmap["target_tco2e"].to_numpy(float) / scale
    opt = roadmap["optimised_tco2e"].to_numpy(float) / scale
    wedges = {f: roadmap[wedge_column(f)].to_numpy(float) / scale for f in families}
    fig, ax = plt.subplots(figsize=(9, 5.2))
    base = opt.copy()
    for k, f in enumerate(families):
        top = base + wedges[f]
        ax.fill_between(
            years,
            base,
            top,
            facecolor=TOL_MUTED[k % 9],
            edgecolor="white",
            linewidth=0.4,
            hatch=HATCHES[(k // 9) % len(HATCHES)],
            label=f"Abated: {_label(f)}",
            alpha=0.9,
        )
        base = top
    _pathway_lines(ax, years, bau, target, opt, unit, title)
    ax.set_xticks(years)
    ax.tick_params(axis="x", rotation=45 if len(years) > 10 else 0)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_ylim(bottom=0)
    ax.set_xlim(years[0], years[-1])
    ax.spines[["top", "right"]].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    n = len(families)  # wedges listed top-down, as stacked
    order = list(range(n))[::-1] + list(range(n, len(handles)))
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8.5,
        frameon=False,
    )
    data = {
        "years": years,
        "bau": bau,
        "target": target,
        "optimised": opt,
        "wedges": wedges,
        "gap": np.maximum(opt - target, 0.0),
        "scale": scale,
        "unit": unit,
    }
    return Chart("roadmap", _png(fig), data)


def macc_chart(macc: pd.DataFrame, cutoff_tco2e: float, final_year: int, title: str) -> Chart:
    """Marginal abatement cost curve: width = abatement in ``final_year`` (see ``tables.macc_table``), height
    = cost per tonne; selected bars green, unselected grey and hatched; vertical line at the cut-off."""
    d = macc[macc["drawn"]]
    scale, unit = emissions_scale(float(d["abatement_tco2e"].sum()) if len(d) else 0.0)
    x = d["x_start_tco2e"].to_numpy(float) / scale
    w = d["abatement_tco2e"].to_numpy(float) / scale
    h = d["cost_per_tco2e_usd"].to_numpy(float)
    sel = d["selected"].to_numpy(bool)
    fig, ax = plt.subplots(figsize=(9, 5.2))
    for xs, ws, hs, s in zip(x, w, h, sel):
        ax.bar(
            xs,
            hs,
            width=ws,
            align="edge",
            color=SELECTED_COLOUR if s else UNSELECTED_COLOUR,
            edgecolor="#333333",
            linewidth=0.5,
            hatch="" if s else "//",
        )
    if len(h):  # y-range from the bars wider than 1% of the curve; narrower outliers are clipped (see table)
        wide = w >= 0.01 * w.sum()
        lo, hi = float(h[wide].min()), float(h[wide].max())
        span = (hi - lo) or 1.0
        lo, hi = min(lo - 0.08 * span, -0.3 * span), max(hi + 0.08 * span, 0.3 * span)
        ax.set_ylim(lo, hi)
        # name the widest bars, written from the zero line on the side away from the bar
        for k in np.argsort(-w)[: min(10, len(w))]:
            up = h[k] < 0
            ax.text(
                x[k] + w[k] / 2,
                0.02 * span if up else -0.02 * span,
                _short(d["intervention"].iloc[k]),
                rotation=90,
                ha="center",
                va="bottom" if up else "top",
                fontsize=7,
                clip_on=True,
            )
    cut = cutoff_tco2e / scale
    ax.axvline(cut, color=OPT_COLOUR, linewidth=1.8, linestyle="--")
    ax.annotate(
        f"selected portfolio: {cut:,.3g} {unit}",
        (cut, 0.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, 6),
        textcoords="offset points",
        color=OPT_COLOUR,
        fontsize=8.5,
    )
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(f"Abatement in {final_year} ({unit}/yr)")
    ax.set_ylabel("Net cost per tonne abated (US$/tCO2e; < 0 saves money)")
    ax.set_title(title, fontsize=12)
    ax.set_xlim(0, max(float((x + w).max()) if len(d) else 1.0, cut) * 1.02)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(facecolor=SELECTED_COLOUR, edgecolor="#333333", label="Selected"),
            Patch(facecolor=UNSELECTED_COLOUR, edgecolor="#333333", hatch="//", label="Not selected"),
            plt.Line2D([], [], color=OPT_COLOUR, linestyle="--", label="Cut-off (selected total)"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8.5,
        frameon=False,
    )
    data = {
        "x": x,
        "width": w,
        "height": h,
        "selected": sel,
        "intervention": d["intervention"].to_numpy(),
        "cutoff": cut,
        "scale": scale,
        "unit": unit,
    }
    return Chart("macc", _png(fig), data)


def finance_chart(finance: pd.DataFrame, title: str) -> Chart:
    """Spend by year and financing source (grouped bars) with each source's envelope as a marker."""
    f = finance[(finance["period_type"] == "year") & (finance["financing_source"] != "all")]
    if not len(f):
        f = finance[(finance["period_type"] == "year")]
    years = sorted(f["period"].astype(int).unique())
    sources = list(dict.fromkeys(f["financing_source"]))
    spend = {
        s: np.array(
            [float(f[(f["financing_source"] == s) & (f["period"].astype(int) == y)]["spend_usd"].sum()) for y in years]
        )
        / 1e6
        for s in sources
    }
    env = {
        s: np.array(
            [
                float(f[(f["financing_source"] == s) & (f["period"].astype(int) == y)]["envelope_usd"].sum(min_count=1))
                for y in years
            ]
        )
        / 1e6
        for s in sources
    }
    fig, ax = plt.subplots(figsize=(8, 4.2))
    n = max(len(sources), 1)
    width = 0.8 / n
    xs = np.arange(len(years))
    for k, s in enumerate(sources):
        pos = xs - 0.4 + width * (k + 0.5)
        ax.bar(pos, spend[s], width=width * 0.95, color=TOL_MUTED[k % 9], label=f"{s}: spend")
        ok = ~np.isnan(env[s])
        ax.scatter(
            pos[ok],
            env[s][ok],
            marker="_",
            s=400,
            linewidths=2.5,
            color="#000000",
            label="envelope" if k == 0 else None,
            zorder=3,
        )
    ax.set_xticks(xs, [str(y) for y in years])
    ax.set_xlabel("Year")
    ax.set_ylabel("US$ million per year")
    ax.set_title(title, fontsize=12)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8.5, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return Chart("finance", _png(fig), {"years": np.array(years), "spend": spend, "envelope": env, "scale": 1e6})


def _pathway_lines(ax, years, bau, target, opt, unit: str, title: str) -> None:
    """BAU, target and optimised lines, the shortfall hatched, axis labels and title (shared by both roadmaps)."""
    gap = np.maximum(opt - target, 0.0)
    if (gap > 0).any():
        ax.fill_between(
            years,
            target,
            opt,
            where=opt > target,
            interpolate=True,
            facecolor="none",
            edgecolor="#000000",
            hatch="\\\\\\",
            linewidth=0.0,
            label="Shortfall against target",
        )
    ax.plot(years, bau, color=BAU_COLOUR, linewidth=2.2, label="Business as usual (BAU)")
    ax.plot(years, target, color=TARGET_COLOUR, linewidth=2.2, linestyle="--", label="Target pathway")
    ax.plot(years, opt, color=OPT_COLOUR, linewidth=2.4, marker="o", markersize=3.5, label="Optimised plan")
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Health-sector emissions ({unit}/yr)")
    ax.set_title(title, fontsize=12)


# twelve colours for the countries: Paul Tol's muted scheme, then three of his "light" scheme
COUNTRY_COLOURS = [*TOL_MUTED, "#BBCC33", "#EE8866", "#DDDDDD"]


def _country_colours(reg) -> dict[str, str]:
    """One colour per country in manifest order, the same in every regional chart."""
    names = list(dict.fromkeys(reg.country_years["country_name"])) if len(reg.country_years) else []
    return {n: COUNTRY_COLOURS[k % len(COUNTRY_COLOURS)] for k, n in enumerate(names)}


def _regional_axes(ax, years: np.ndarray) -> None:
    if len(years):
        ax.set_xticks(years)
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.tick_params(axis="x", rotation=45 if len(years) > 10 else 0)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel("Year")


def _regional_part(reg, ex_prc: bool) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The roll-up's country-by-year rows (without the PRC when ``ex_prc``), the regional roadmap and its years."""
    from .regional import PRC_ISO3

    long = reg.country_years
    if ex_prc:
        long = long[long["country"] != PRC_ISO3]
    rm = reg.roadmap
    return long, rm, rm["year"].to_numpy(int)


def regional_chart(reg, title: str, ex_prc: bool = False) -> Chart:
    """Optimised emissions as bars stacked by country, the top of each country's segment hatched where it lies
    above the country's own target in a year it enforces (its shortfall; the hatched parts add up to the regional
    shortfall, never netted), and the countries' summed BAU. No regional target line: a sum of targets would net
    one country's margin against another's shortfall."""
    from matplotlib.patches import Patch

    from .regional import emissions_by_country, shortfall_by_country

    long, rm, years = _regional_part(reg, ex_prc)
    suffix = "_ex_prc_tco2e" if ex_prc else "_tco2e"
    emissions = emissions_by_country(long, list(years))
    shortfall = shortfall_by_country(long, list(years))
    order = list(emissions.iloc[-1].sort_values(ascending=False).index) if len(emissions) else []
    bau_total = rm[f"bau{suffix}"].to_numpy(float)
    scale, unit = emissions_scale(float(np.nanmax(np.r_[bau_total, [0.0]])))
    colours = _country_colours(reg)
    fig, ax = plt.subplots(figsize=(9.5, 5.4))
    base = np.zeros(len(years))
    hatch = "\\\\\\"
    for name in order:
        opt = emissions[name].to_numpy(float) / scale
        short = shortfall[name].to_numpy(float) / scale
        ax.bar(years, opt - short, bottom=base, width=0.75, color=colours[name], edgecolor="white", linewidth=0.3)
        if (short > 0).any():
            ax.bar(
                years,
                short,
                bottom=base + opt - short,
                width=0.75,
                color=colours[name],
                edgecolor="#000000",
                hatch=hatch,
                linewidth=0.0,
            )
        base = base + opt
    ax.plot(years, bau_total / scale, color=BAU_COLOUR, linewidth=2.2, marker="_", markersize=14)
    ax.set_ylabel(f"Health-sector emissions ({unit}/yr)")
    ax.set_title(title, fontsize=12)
    _regional_axes(ax, years)
    handles = [
        *(Patch(facecolor=colours[n], edgecolor="white", label=n) for n in reversed(order)),
        Patch(facecolor="white", edgecolor="#000000", hatch=hatch, label="Hatched: above the country's own target"),
        plt.Line2D([], [], color=BAU_COLOUR, linewidth=2.2, label="Business as usual (BAU), total"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    name = "regional_roadmap_ex_prc" if ex_prc else "regional_roadmap"
    data = {
        "years": years,
        "countries": order,
        "emissions": {c: emissions[c].to_numpy(float) / scale for c in order},
        "shortfall": {c: shortfall[c].to_numpy(float) / scale for c in order},
        "bau": bau_total / scale,
        "optimised": base,
        "scale": scale,
        "unit": unit,
    }
    return Chart(name, _png(fig), data)


def regional_shortfall_chart(reg, title: str, ex_prc: bool = False) -> Chart:
    """Shortfall by year as bars stacked by country (each country's emissions above its own target in a year it
    enforces); a bar's height is the regional shortfall of that year."""
    from .regional import shortfall_by_country

    long, _, years = _regional_part(reg, ex_prc)
    enforced = sorted(int(y) for y in long.loc[long["enforced"], "year"].unique() if int(y) in set(years))
    shortfall = shortfall_by_country(long, enforced)
    order = [c for c in shortfall.columns if shortfall[c].sum() > 0]
    order.sort(key=lambda c: -float(shortfall[c].sum()))
    total = shortfall.sum(axis=1).to_numpy(float) if len(shortfall.columns) else np.zeros(len(enforced))
    scale, unit = emissions_scale(float(np.nanmax(np.r_[total, [0.0]])))
    colours = _country_colours(reg)
    xs = np.array(enforced, dtype=int)
    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    base = np.zeros(len(xs))
    for name in order:
        v = shortfall[name].to_numpy(float) / scale
        ax.bar(xs, v, bottom=base, width=0.7, color=colours[name], edgecolor="white", linewidth=0.4, label=name)
        base = base + v
    top = float(base.max()) if len(base) else 0.0
    decimals = 2 if top < 10 else 1 if top < 100 else 0
    for x, t in zip(xs, base):
        if t > 0:
            ax.annotate(
                f"{t:,.{decimals}f}", (x, t), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8
            )
    if not order:
        ax.text(0.5, 0.5, "No country falls short of its target", transform=ax.transAxes, ha="center")
    ax.set_ylabel(f"Emissions above the countries' targets ({unit}/yr)")
    ax.set_title(title, fontsize=12)
    _regional_axes(ax, xs)
    if top > 0:
        ax.set_ylim(0, top * 1.08)  # room for the totals written above the bars
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    name = "regional_shortfall_ex_prc" if ex_prc else "regional_shortfall"
    data = {
        "years": xs,
        "countries": order,
        "shortfall": {c: shortfall[c].to_numpy(float) / scale for c in order},
        "total": base,
        "scale": scale,
        "unit": unit,
    }
    return Chart(name, _png(fig), data)


def country_charts(tables) -> list[Chart]:
    m = tables.meta
    who = f"{m['country_name']} ({m['variant']})"
    return [
        roadmap_chart(tables.roadmap, m["families"], f"{who}: health-sector emissions roadmap"),
        macc_chart(
            tables.macc,
            m["macc_cutoff_tco2e"],
            m["final_year"],
            f"{who}: marginal abatement cost curve, {m['final_year']}",
        ),
        finance_chart(tables.finance, f"{who}: spend by financing source"),
    ]


def regional_charts(reg) -> list[Chart]:
    """Emissions and shortfall stacked by country, for the CAREC total and, when the PRC is among several
    countries, without it (its health sector dominates the regional total)."""
    charts = [
        regional_chart(reg, "CAREC total: health-sector emissions by country"),
        regional_shortfall_chart(reg, "CAREC total: shortfall against each country's own target"),
    ]
    if reg.meta.get("has_prc") and len(reg.meta["countries"]) > 1:
        charts += [
            regional_chart(reg, "CAREC without the PRC: health-sector emissions by country", ex_prc=True),
            regional_shortfall_chart(
                reg, "CAREC without the PRC: shortfall against each country's own target", ex_prc=True
            ),
        ]
    return charts
