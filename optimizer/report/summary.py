"""The executive summary that opens every country report: the gap, the plan, the top actions, what binds and
what would close the gap, in plain sentences with display names and units.

Every number comes from the report's own tables (:class:`~optimizer.report.tables.ReportTables`): the gap from
the roadmap table, the plan and the top actions from the action-plan table, the binding limits and the fixes
from the diagnosis (the sentences of ``noregret explain``)."""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass, field

import pandas as pd

from . import html as H
from .fmt import emissions_scale
from .tables import ReportTables

TOP_ACTIONS = 5
_BINDING = "Limits that bind: "
_MORE = re.compile(r"^and (\d+) more\b.*$")
_YEAR = re.compile(r"^(.*?) in (\d{4})\b.*$")


@dataclass
class ExecutiveSummary:
    """The numbers and sentences of the executive summary (emissions in ``unit``, money in US$ million)."""

    case: str
    unit: str  # "ktCO2e" or "MtCO2e"
    tonnes_per_unit: float
    final_year: int
    gap: pd.DataFrame  # year, target, BAU, optimised, gap above target (in ``unit``)
    selected: int
    candidates: int
    capex_musd: float
    npv_musd: float
    first_year_saving_musd: float
    abatement_final_year: float  # in ``unit``
    top: pd.DataFrame  # the largest actions by abatement in the final year
    binds: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    diagnosed: bool = True

    def gap_sentences(self) -> list[str]:
        if not len(self.gap):
            return ["The case sets no emission target, so there is no gap to report."]
        u = self.unit
        last = self.gap.iloc[-1]
        year = int(last["Year"])
        out = [
            f"In {year}, emissions would be {last[f'BAU [{u}]']:,.1f} {u} without action (business as usual) "
            f"against a target of {last[f'Target [{u}]']:,.1f} {u}; the optimised plan brings them to "
            f"{last[f'Optimised [{u}]']:,.1f} {u}."
        ]
        missed = self.gap[self.gap[f"Gap above target [{u}]"] > 0]
        if len(missed):
            years = _and([str(int(y)) for y in missed["Year"]])
            out.append(
                f"The plan falls short of the target in {years}; the largest gap is "
                f"{missed[f'Gap above target [{u}]'].max():,.1f} {u}."
            )
        else:
            out.append("The plan meets the target in every target year.")
        return out

    def plan_sentences(self) -> list[str]:
        return [
            f"The plan selects {self.selected} of the {self.candidates} candidate actions, with a capital cost of "
            f"US${self.capex_musd:,.1f} million. Its net present value is US${self.npv_musd:,.1f} million "
            f"({'a net saving' if self.npv_musd >= 0 else 'a net cost'} over the actions' lifetimes), and the "
            f"actions save US${self.first_year_saving_musd:,.1f} million in their first full year.",
            f"Together they abate {self.abatement_final_year:,.1f} {self.unit} in {self.final_year}.",
        ]

    def bind_sentences(self) -> list[str]:
        if not self.diagnosed:
            return ["The diagnosis was not run for this report."]
        if not self.binds:
            return ["No limit binds: the plan is chosen on cost alone."]
        return ["The limits that bind the plan are " + "; ".join(self.binds) + "."]

    def fix_sentences(self) -> list[str]:
        if not self.diagnosed:
            return ["The diagnosis was not run for this report."]
        if not len(self.gap) or not (self.gap[f"Gap above target [{self.unit}]"] > 0).any():
            return ["Nothing needs closing: the plan meets the target."]
        return self.fixes or ["The diagnosis found no single change that closes the gap."]


def _scale(t: ReportTables) -> tuple[str, float]:
    peak = float(t.roadmap["bau_tco2e"].max()) if len(t.roadmap) else 0.0
    per, unit = emissions_scale(peak)
    return unit, per


def gap_table(t: ReportTables, unit: str, per: float) -> pd.DataFrame:
    """Target, BAU and optimised emissions in the target years, and the gap above the target."""
    rm = t.roadmap[t.roadmap["year"].isin(t.meta["target_years"])]
    return pd.DataFrame(
        {
            "Year": rm["year"].astype(int).to_numpy(),
            f"Target [{unit}]": (rm["target_tco2e"] / per).to_numpy(),
            f"BAU [{unit}]": (rm["bau_tco2e"] / per).to_numpy(),
            f"Optimised [{unit}]": (rm["optimised_tco2e"] / per).to_numpy(),
            f"Gap above target [{unit}]": (rm["gap_above_target_tco2e"] / per).to_numpy(),
        }
    )


def top_actions(t: ReportTables, unit: str, per: float, n: int = TOP_ACTIONS) -> pd.DataFrame:
    """The ``n`` actions that abate most in the final year, with their cost."""
    a = t.actions.sort_values(["abatement_target_year_tco2e", "name"], ascending=[False, True], kind="stable").head(n)
    return pd.DataFrame(
        {
            "Action": a["name"].to_numpy(),
            f"Abatement in {t.meta['final_year']} [{unit}]": (a["abatement_target_year_tco2e"] / per).to_numpy(),
            "Capital cost [US$ m]": (a["capex_usd"] / 1e6).to_numpy(),
            "Net present value [US$ m]": (a["npv_usd"] / 1e6).to_numpy(),
            "Cost per tonne [US$/tCO2e]": a["cost_per_tco2e_usd"].to_numpy(),
        }
    )


def _readable(text: str, names: dict[str, str]) -> str:
    """Intervention ids replaced by their display names, other identifiers' underscores by spaces."""
    for iid in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(iid)}\b", names[iid], text)
    return re.sub(r"(?<=\w)_(?=\w)", " ", text)


def binding_limits(sentences: list[str], names: dict[str, str]) -> list[str]:
    """The limits of the diagnosis's 'Limits that bind' sentence, one per limit with its years gathered
    ('the domestic financing envelope in 2026, 2027 and 2028')."""
    line = next((s.strip() for s in sentences if s.strip().startswith(_BINDING)), None)
    if line is None:
        return []
    parts = [p.strip() for p in line[len(_BINDING) :].rstrip(".").split("; ") if p.strip()]
    years: dict[str, list[str]] = {}
    more = 0
    for p in parts:
        m_more = _MORE.match(p)
        if m_more:
            more = int(m_more.group(1))
            continue
        m = _YEAR.match(p)
        key, year = (m.group(1), m.group(2)) if m else (p, "")
        years.setdefault(key, [])
        if year and year not in years[key]:
            years[key].append(year)
    out = [_readable(k + (f" in {_and(ys)}" if ys else ""), names) for k, ys in years.items()]
    if more:
        out.append(f"and {more} more limits, listed by noregret explain")
    return out


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def closing_fixes(sentences: list[str], names: dict[str, str]) -> list[str]:
    """What the diagnosis says would close the gap: its verified fixes (each checked by a re-solve), the
    partial ones and the years no amount of money or resources can reach."""
    out = []
    for s in sentences:
        s = s.strip()
        if s.startswith(("Closing ", "No single change", "No amount of money")) or "narrows it to" in s:
            out.append(_readable(s.replace(" (see fixes.csv)", ""), names))
    return out


def executive_summary(t: ReportTables) -> ExecutiveSummary:
    unit, per = _scale(t)
    names = dict(zip(t.screening["intervention"], t.screening["name"])) if "name" in t.screening else {}
    names.update(dict(zip(t.actions["intervention"], t.actions["name"])))
    sentences = [str(s) for s in t.diagnosis["sentence"]]
    fy = t.meta["final_year"]
    final = t.roadmap[t.roadmap["year"] == fy]
    return ExecutiveSummary(
        case=str(t.meta["case"]),
        unit=unit,
        tonnes_per_unit=per,
        final_year=int(fy),
        gap=gap_table(t, unit, per),
        selected=len(t.actions),
        candidates=int(t.meta["candidates"]),
        capex_musd=float(t.actions["capex_usd"].sum()) / 1e6,
        npv_musd=float(t.meta["npv_usd"]) / 1e6,
        first_year_saving_musd=float(t.actions["first_year_saving_usd"].sum()) / 1e6,
        abatement_final_year=float(final["abatement_tco2e"].sum()) / per,
        top=top_actions(t, unit, per),
        binds=binding_limits(sentences, names),
        fixes=closing_fixes(sentences, names),
        diagnosed=bool(len(sentences)),
    )


# ---------------------------------------------------------------------------------------------- writers


def _parts(s: ExecutiveSummary) -> list[tuple[str, list[str], pd.DataFrame | None]]:
    return [
        ("The gap", s.gap_sentences(), s.gap if len(s.gap) else None),
        ("The plan", s.plan_sentences(), None),
        ("Top actions", [f"The {len(s.top)} actions that abate most in {s.final_year}:"], s.top),
        ("What binds", s.bind_sentences(), None),
        ("What would close the gap", s.fix_sentences(), None),
    ]


def shown(df: pd.DataFrame) -> pd.DataFrame:
    """The summary tables as printed: one decimal for emissions and money, whole dollars per tonne."""
    out = df.copy()
    for c in df.columns:
        if c == "Year":
            out[c] = [str(int(v)) for v in df[c]]
        elif pd.api.types.is_numeric_dtype(df[c]):
            digits = 0 if c.startswith("Cost per tonne") else 1
            out[c] = ["" if pd.isna(v) else f"{v:,.{digits}f}" for v in df[c]]
    return out


def to_html(s: ExecutiveSummary) -> str:
    out = []
    for heading, lines, table in _parts(s):
        out.append(f'<div class="summary-part"><h3>{_html.escape(heading)}</h3>')
        out.append("".join(H.paragraph(line) for line in lines))
        if table is not None:
            out.append(
                H.table(shown(table), css_class="summary", numeric=[c != "Year" and c != "Action" for c in table])
            )
        out.append("</div>")
    return "".join(out)


def _markdown_table(df: pd.DataFrame) -> str:
    """A summary table in Markdown, numbers right-aligned."""
    text = shown(df)
    right = [c not in ("Year", "Action") for c in df.columns]
    lines = [
        "| " + " | ".join(str(c) for c in text.columns) + " |",
        "|" + "|".join("---:" if r else "---" for r in right) + "|",
    ]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in text.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def to_markdown(s: ExecutiveSummary) -> str:
    out = []
    for heading, lines, table in _parts(s):
        out.append(f"\n### {heading}\n\n" + "\n\n".join(lines) + "\n")
        if table is not None:
            out.append("\n" + _markdown_table(table))
    return "".join(out)
