"""Figures drawn from the report tables only. Every plotting function returns a :class:`Chart`: the PNG bytes
and ``data``, the arrays it plotted (already divided by ``data['scale']``) so tests can compare them with the
tables."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..schema.library import ACTION_FAMILIES
from .fmt import emissions_scale
from .tables import wedge_column

DPI = 100
# Paul Tol's "muted" qualitative scheme (colour-blind safe), for the financing sources.
TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"]
TAB20 = [matplotlib.colors.to_hex(matplotlib.colormaps["tab20"](k)) for k in range(20)]
PALETTE = TAB20[0::2] + TAB20[1::2]
"""matplotlib's tab20, its ten strong colours first, then their light partners: 20 distinct colours."""
LIBRARY_FAMILIES = tuple(ACTION_FAMILIES)
"""The action families of the bundled library, each with a fixed colour of :data:`PALETTE` (in this order), so
that a family has the same colour in every chart and every country."""
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


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def family_colours(families: list[str]) -> dict[str, str]:
    """One colour per family: the fixed colour of a bundled family; a family of another library takes the
    palette's colours no bundled family uses, in the order given (distinct up to 20 families in all)."""
    fixed = {f: PALETTE[k] for k, f in enumerate(LIBRARY_FAMILIES)}
    spare = iter(PALETTE[len(LIBRARY_FAMILIES) :])
    out: dict[str, str] = {}
    for f in families:
        if f in fixed:
            out[f] = fixed[f]
        else:
            colour = next(spare, None)
            if colour is None:  # more than 20 families: reuse, in a lighter tint (names in the legend tell)
                r, g, b = matplotlib.colors.to_rgb(PALETTE[len(out) % 20])
                colour = matplotlib.colors.to_hex((0.5 + 0.5 * r, 0.5 + 0.5 * g, 0.5 + 0.5 * b))
            out[f] = colour
    return out


def _label(family: str) -> str:
    """An action family's display name (the strategy's wording), or its id in words when it is not one of them."""
    return ACTION_FAMILIES.get(family, family.replace("_", " ").capitalize())


def roadmap_chart(roadmap: pd.DataFrame, families: list[str], title: str, band: pd.DataFrame | None = None) -> Chart:
    """BAU, target and optimised lines; abatement wedges per family (one fixed colour each, see
    :func:`family_colours`) stacked from the optimised line up to BAU; the gap where the optimised line lies
    above the target is hatched in the enforced target years only (a year the case does not enforce has no
    shortfall, whatever its target line says). With ``band`` (a sweep's P10-P90 of the optimised emissions by
    year), the band is drawn over the wedges around the optimised line."""
    years = roadmap["year"].to_numpy(dtype=int)
    scale, unit = emissions_scale(float(np.nanmax(roadmap[["bau_tco2e", "target_tco2e"]].to_numpy())))
    bau = roadmap["bau_tco2e"].to_numpy(float) / scale
    target = roadmap["target_tco2e"].to_numpy(float) / scale
    opt = roadmap["optimised_tco2e"].to_numpy(float) / scale
    enforced = roadmap["enforced"].to_numpy(bool)
    wedges = {f: roadmap[wedge_column(f)].to_numpy(float) / scale for f in families}
    colours = family_colours(families)
    fig, ax = plt.subplots(figsize=(9, 5.2))
    base = opt.copy()
    for f in families:
        top = base + wedges[f]
        ax.fill_between(
            years,
            base,
            top,
            facecolor=colours[f],
            edgecolor="white",
            linewidth=0.4,
            label=f"Abated: {_label(f)}",
        )
        base = top
    _pathway_lines(ax, years, bau, target, opt, unit, title, enforced)
    low = high = None
    if band is not None and len(band):
        by_year = band.set_index("year").reindex(years)
        low = by_year["p10_tco2e"].to_numpy(float) / scale
        high = by_year["p90_tco2e"].to_numpy(float) / scale
        n = int(band["scenarios"].max())
        ax.fill_between(
            years,
            low,
            high,
            facecolor=OPT_COLOUR,
            alpha=0.22,
            edgecolor=OPT_COLOUR,
            linewidth=0.8,
            linestyle=":",
            zorder=3,
            label=f"Optimised plan, P10-P90 over {n} sweep scenarios",
        )
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
        "colours": colours,
        "enforced": enforced,
        "gap": np.where(enforced, np.maximum(opt - target, 0.0), 0.0),
        "scale": scale,
        "unit": unit,
        "band_low": low,
        "band_high": high,
    }
    return Chart("roadmap", _png(fig), data)


MACC_KEY_WRAP = 68
"""Characters per line of a measure's name in the cost curve's key (two columns under the curve)."""
MACC_KEY_LINE = 8 * 1.25 / 72
"""Height of a line of the key; inches (8 pt type, 1.25 line spacing)."""


def _key_columns(entries: list[list[str]]) -> list[list[list[str]]]:
    """The key's entries (each a list of wrapped lines) in two columns of about the same number of lines."""
    total, run = sum(len(e) for e in entries), 0
    for k, e in enumerate(entries):
        run += len(e)
        if run >= total / 2:
            return [entries[: k + 1], entries[k + 1 :]]
    return [entries, []]


def _macc_limits(h: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """The cost axis, each side on its own: the tallest bar when it is at most three times the tallest bar
    wider than 1 % of the curve (or a quarter of their range), else that wide bar's height, the taller narrow
    bars then cut at the edge and marked (see :func:`macc_chart`)."""
    wide = w >= 0.01 * w.sum()
    wide_lo, wide_hi = min(float(h[wide].min()), 0.0), max(float(h[wide].max()), 0.0)
    floor = 0.25 * ((wide_hi - wide_lo) or 1.0)
    full_lo, full_hi = min(float(h.min()), 0.0), max(float(h.max()), 0.0)
    hi = full_hi if full_hi <= 3 * max(wide_hi, floor) else wide_hi
    lo = full_lo if -full_lo <= 3 * max(-wide_lo, floor) else wide_lo
    span = (hi - lo) or 1.0
    # a cut side gets more room: the cut bars' values are written there, clear of the other bars' numbers
    return lo - (0.15 if lo == full_lo else 0.3) * span, hi + (0.15 if hi == full_hi else 0.3) * span


def macc_chart(macc: pd.DataFrame, cutoff_tco2e: float, final_year: int, title: str) -> Chart:
    """Marginal abatement cost curve (see ``tables.macc_table``): the selected portfolio in merit order up to
    the cut-off (green), then the further technical potential in merit order (grey, hatched); width =
    abatement in ``final_year`` (the widths add up: no source is counted twice), height = cost per tonne.
    Bars carry the numbers of the key beside the curve; a bar taller than the cost axis is cut at the edge
    with a break mark and its value written there."""
    d = macc[macc["drawn"]]
    scale, unit = emissions_scale(float(d["abatement_tco2e"].sum()) if len(d) else 0.0)
    x = d["x_start_tco2e"].to_numpy(float) / scale
    w = d["abatement_tco2e"].to_numpy(float) / scale
    h = d["cost_per_tco2e_usd"].to_numpy(float)
    sel = d["selected"].to_numpy(bool)
    rank = d["rank"].to_numpy(int)
    names = d["name"].astype(str).tolist()
    parts = d["part"].astype(str).tolist()
    key_lines = [
        textwrap.wrap(f"{r}  {n}" + (" (rest of potential)" if p == "beyond the plan" else ""), MACC_KEY_WRAP)
        for r, n, p in zip(rank, names, parts)
    ]
    columns = _key_columns(key_lines)
    rows = max((sum(len(k) for k in col) for col in columns), default=0)
    key_h = 0.35 + rows * MACC_KEY_LINE
    plot_h, top_h, below_h = 5.0, 0.75, 0.95
    height = top_h + plot_h + below_h + key_h + 0.15
    fig = plt.figure(figsize=(10.0, height))
    ax = fig.add_axes((0.09, (0.15 + key_h + below_h) / height, 0.88, plot_h / height))
    key = fig.add_axes((0.02, 0.1 / height, 0.96, key_h / height))
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
    lo, hi = _macc_limits(h, w) if len(h) else (-1.0, 1.0)
    ax.set_ylim(lo, hi)
    right = max(float((x + w).max()) if len(d) else 1.0, cutoff_tco2e / scale) * 1.01
    ax.set_xlim(0, right)
    clipped = (h < lo) | (h > hi)
    pad = 0.015 * (hi - lo)
    last_x, level = -1.0, 0
    last_cut_x, cut_level = -1.0, 0
    for k in range(len(h)):
        centre = x[k] + w[k] / 2
        if clipped[k]:
            cut_level = cut_level + 1 if (centre - last_cut_x) < 0.25 * right else 0
            last_cut_x = centre
            edge = lo if h[k] < lo else hi
            for dy in (0.03, 0.05):  # the break mark: two white slashes across the bar near the edge
                y = edge + (dy if edge == lo else -dy) * (hi - lo)
                ax.plot([x[k], x[k] + w[k]], [y - 0.01 * (hi - lo), y + 0.01 * (hi - lo)], color="white", linewidth=2.0)
            ax.annotate(
                f"{rank[k]}: {h[k]:,.0f} US$/t (axis cut)",
                (centre, edge),
                xytext=(4, (1 if edge == lo else -1) * (10 + 14 * cut_level)),
                textcoords="offset points",
                ha="left",
                va="bottom" if edge == lo else "top",
                fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "#999999", "linewidth": 0.5},
            )
            continue
        # the number beyond the bar's end; numbers of neighbouring narrow bars stagger outwards
        level = level + 1 if (centre - last_x) < 0.018 * right and level < 3 else 0
        last_x = centre
        up = h[k] >= 0
        if (h[k] - 5 * pad < lo) if not up else (h[k] + 5 * pad > hi):  # no room beyond the tip: write it inside
            up = not up
        near_cut = abs(centre - cutoff_tco2e / scale) < 0.012 * right  # step aside from the cut-off line
        side = 0 if not near_cut else (-1 if sel[k] else 1)
        ax.annotate(
            str(rank[k]),
            (centre, h[k] + (pad if h[k] >= 0 else -pad) * (1 if up == (h[k] >= 0) else -1)),
            xytext=(5 * side, (1 if up else -1) * 8 * level),
            textcoords="offset points",
            ha={0: "center", -1: "right", 1: "left"}[side],
            va="bottom" if up else "top",
            fontsize=7,
        )
    cut = cutoff_tco2e / scale
    ax.axvline(cut, color=OPT_COLOUR, linewidth=1.8, linestyle="--")
    top = ax.get_xaxis_transform()
    ax.text(
        cut,
        1.01,
        f"\u2190 selected portfolio: {cut:,.3g} {unit}  ",
        transform=top,
        ha="right",
        va="bottom",
        color=OPT_COLOUR,
        fontsize=8.5,
    )
    ax.text(
        cut,
        1.01,
        "  further technical potential \u2192",
        transform=top,
        ha="left",
        va="bottom",
        color="#555555",
        fontsize=8.5,
    )
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(f"Abatement in {final_year} ({unit}/yr); the widths add up to what the measures abate together")
    ax.set_ylabel("Net cost per tonne abated (US$/tCO2e; below 0 saves money)")
    ax.set_title(title, fontsize=12, pad=22)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(facecolor=SELECTED_COLOUR, edgecolor="#333333", label="Selected (the plan's units)"),
            Patch(
                facecolor=UNSELECTED_COLOUR,
                edgecolor="#333333",
                hatch="//",
                label="Not in the plan (full potential, no money limits)",
            ),
            plt.Line2D([], [], color=OPT_COLOUR, linestyle="--", label="Cut-off: abatement of the selected portfolio"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.5 / plot_h),
        ncol=3,
        fontsize=8.5,
        frameon=False,
    )
    key.axis("off")
    key.text(0.0, 1.0, "Bars, in merit order", fontsize=9, fontweight="bold", va="top", transform=key.transAxes)
    for c, col in enumerate(columns):
        key.text(
            0.5 * c,
            1.0 - 0.25 / key_h,
            "\n".join(line if j == 0 else "      " + line for lines in col for j, line in enumerate(lines)),
            fontsize=8,
            va="top",
            linespacing=1.25,
            transform=key.transAxes,
        )
    data = {
        "x": x,
        "width": w,
        "height": h,
        "selected": sel,
        "rank": rank,
        "intervention": d["intervention"].to_numpy(),
        "key": ["\n".join(k) for k in key_lines],
        "clipped": clipped,
        "ylim": (lo, hi),
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


def _pathway_lines(ax, years, bau, target, opt, unit: str, title: str, enforced=None) -> None:
    """BAU, target and optimised lines, the shortfall hatched, axis labels and title (shared by both roadmaps).
    With ``enforced`` (per year), the shortfall is a hatched bar in each enforced year whose optimised emissions
    lie above the target, and the enforced targets are marked; without it, the gap is hatched wherever the
    optimised line lies above the target line."""
    hatch = {"facecolor": "none", "edgecolor": "#000000", "hatch": "\\\\\\", "linewidth": 0.0}
    if enforced is None:
        if (opt > target).any():
            ax.fill_between(
                years, target, opt, where=opt > target, interpolate=True, label="Shortfall against target", **hatch
            )
    else:
        short = (opt > target) & enforced
        if short.any():
            ax.bar(
                years[short],
                (opt - target)[short],
                bottom=target[short],
                width=0.55,
                label="Shortfall in an enforced target year",
                **hatch,
            )
    ax.plot(years, bau, color=BAU_COLOUR, linewidth=2.2, label="Business as usual (BAU)")
    ax.plot(years, target, color=TARGET_COLOUR, linewidth=2.2, linestyle="--", label="Target pathway")
    ax.plot(years, opt, color=OPT_COLOUR, linewidth=2.4, marker="o", markersize=3.5, label="Optimised plan")
    if enforced is not None and enforced.any():
        ax.plot(
            years[enforced],
            target[enforced],
            linestyle="none",
            marker="D",
            markersize=5,
            color=TARGET_COLOUR,
            label="Enforced target year",
        )
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
    order.sort(key=lambda c: -float(shortfall[c].to_numpy(float).sum()))
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
        roadmap_chart(tables.roadmap, m["families"], f"{who}: health-sector emissions roadmap", tables.trajectory_band),
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
