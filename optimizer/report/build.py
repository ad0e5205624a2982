"""Orchestration: solve a case (or every case of a manifest), build the tables, draw the charts and write the
requested formats."""

from __future__ import annotations

from pathlib import Path

from ..batch import is_manifest
from ..console import OBJECTIVE_NAMES, candidates_sentence, tolerance_text
from ..errors import InputError, Problem
from ..formatting import money
from ..outputs import check_target, output_folder
from ..progress import ProgressFn, prefixed, silent
from ..quality import quality_html, quality_markdown
from . import html as H
from . import markdown as M
from .charts import country_charts, regional_charts
from .excel import write_workbook
from .fmt import emissions_scale
from .iamc import country_rows, regional_rows, write_iamc
from .monitoring import monitoring_charts, monitoring_html, monitoring_iamc_rows, monitoring_markdown, monitoring_sheets
from .summary import executive_summary
from .summary import to_html as summary_html
from .summary import to_markdown as summary_markdown
from .tables import RegionalTables, ReportTables, build_tables, regional_tables

FORMATS = ("html", "md", "xlsx", "iamc", "pdf")
DEFAULT_FORMATS = ("html", "md", "xlsx", "iamc")  # the PDF is asked for by name: laying it out takes a while
# the action plan on paper: one narrower table per part, so that no column is cut off at the page edge
ACTION_PRINT_PARTS = [
    ("Plan", ["intervention", "name", "family", "start_year", "units", "unit", "capex_usd", "capex_{year}_usd"]),
    (
        "Economics and abatement",
        [
            "name",
            "fixed_cost_usd",
            "first_year_saving_usd",
            "simple_payback_years",
            "npv_usd",
            "abatement_target_year_tco2e",
            "abatement_lifetime_tco2e",
            "cost_per_tco2e_usd",
        ],
    ),
    ("Prerequisites, financing and KPIs", ["name", "prerequisites", "financing_sources", "kpis"]),
]
ROBUSTNESS_NOTE = (
    "How often each intervention is in the optimal portfolio across the sweep's scenarios: core "
    "when selected in at least 95 % of them, exterior when in at most 5 %, borderline otherwise."
)
CAPTIONS = {
    "roadmap": "Emissions roadmap: BAU, target pathway and optimised plan; the coloured wedges are the abatement "
    "of each action family (they fill the gap between BAU and the optimised line); hatching marks a "
    "shortfall against the target in an enforced target year (diamonds).",
    "macc": "Marginal abatement cost curve in the final target year, in merit order (cheapest cost per tonne "
    "first): left of the dashed cut-off, the selected portfolio (bar width: what the plan's units abate); right of "
    "it, the further technical potential (the measures left out and the rest of the selected measures' potential; "
    "width: what each adds to the abatement reachable with all the bars before it, at full potential without "
    "money limits). No source is counted twice: the widths add up to the technically reachable abatement. "
    "Height: whole-life net present cost per lifetime tonne of one unit at its earliest start; the table adds the "
    "break-even carbon price (net present cost per discounted tonne). A bar cut at the edge of the cost axis "
    "carries its value.",
    "finance": "Spend (capex plus programme costs) by year and financing source; black bars mark the envelopes.",
}


def parse_formats(text: str | None) -> list[str]:
    if not text:
        return list(DEFAULT_FORMATS)
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise InputError(
            [Problem("<command line>", "--format", text, f"a comma-separated subset of {','.join(FORMATS)}")]
        )
    return list(dict.fromkeys(chosen))


def check_pdf_available(formats: list[str]) -> None:
    """A PDF asked for on a machine without WeasyPrint's system libraries is refused before anything is
    solved, with what to install."""
    if "pdf" not in formats:
        return
    from .pdf import PdfUnavailable, weasyprint

    try:
        weasyprint()
    except PdfUnavailable as err:
        raise InputError(
            [Problem("<command line>", "--format", "pdf", f"a format this machine can write: {err}")]
        ) from None


def _case_of_result_dir(directory: Path, variant: str | None) -> tuple[Path, str | None, str]:
    """The case file, variant and input hash a result directory was solved from (read from its summary.json)."""
    import json

    summary_file = directory / "summary.json"
    if not summary_file.is_file():
        raise InputError(
            [Problem(str(directory), "", "<no summary.json>", "a result directory written by noregret solve")]
        )
    try:
        summary = json.loads(summary_file.read_text())
        case_file = Path(summary["metadata"]["case_file"])
        recorded_variant = summary["variant"]
        digest = str(summary["metadata"]["input_sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(
            [
                Problem(
                    str(summary_file), "metadata.case_file", "<unreadable>", "a summary.json written by noregret solve"
                )
            ]
        ) from None
    if variant is not None and variant != recorded_variant:
        raise InputError(
            [
                Problem(
                    "<command line>",
                    "--variant",
                    variant,
                    f"the result's own variant '{recorded_variant}' (or no --variant)",
                )
            ]
        )
    return case_file, recorded_variant, digest


def robustness_for(result, sweep_dir: Path):
    """Selection frequency over a sweep of the same case (``noregret sweep``), for the report."""
    from ..sweep.robust import selection_frequency
    from ..sweep.run import load_sweep, read_sweep_meta
    from ..sweep.spec import load_sweep_spec

    meta = read_sweep_meta(Path(sweep_dir))
    _, case_path = load_sweep_spec(Path(meta["spec_file"]))
    if case_path.resolve() != Path(result.data.loaded.path).resolve():
        raise InputError(
            [
                Problem(
                    str(sweep_dir),
                    "spec_file",
                    str(case_path),
                    f"a sweep over the reported case {result.data.loaded.path}",
                )
            ]
        )
    summary, portfolio = load_sweep(sweep_dir)
    return selection_frequency(summary, portfolio, {i: c.family for i, c in result.data.candidates.items()})


def trajectory_band_for(sweep_dir: Path):
    """The optimised trajectory's P10-P90 band over a sweep's solved scenarios (None: the sweep recorded no
    trajectories; sweeps written before trajectories were recorded)."""
    from ..sweep.robust import trajectory_band
    from ..sweep.run import load_sweep, load_sweep_trajectories

    summary, _ = load_sweep(sweep_dir)
    band = trajectory_band(summary, load_sweep_trajectories(sweep_dir, summary))
    return band if len(band) else None


BAND_NOTE = (
    "The optimised emissions by year across the sweep's solved scenarios (each scenario optimised on its own): "
    "10th percentile, median and 90th percentile."
)


def _band_html(t: ReportTables) -> str:
    if t.trajectory_band is None:
        return ""
    return "<h3>Optimised emissions across the sweep</h3>" + H.paragraph(BAND_NOTE) + H.table(t.trajectory_band)


def _band_md(t: ReportTables) -> str:
    if t.trajectory_band is None:
        return ""
    return "\n### Optimised emissions across the sweep\n\n" + BAND_NOTE + "\n\n" + M.table(t.trajectory_band)


def roadmap_caption(t: ReportTables) -> str:
    if t.trajectory_band is None:
        return CAPTIONS["roadmap"]
    n = int(t.trajectory_band["scenarios"].max())
    return CAPTIONS["roadmap"] + (
        f" The shaded band around the optimised line spans the 10th to 90th percentile of the optimised emissions "
        f"in each year over the {n} solved scenarios of the sweep (each scenario optimised on its own)."
    )


def build_report(
    path: Path,
    variant: str | None = None,
    formats: list[str] | None = None,
    out: Path | None = None,
    diagnosis: bool = True,
    expected_digest: str | None = None,
    sweep_dir: Path | None = None,
    force: bool = False,
    progress: ProgressFn | None = None,
    actuals: Path | None = None,
) -> dict[str, Path]:
    """Write the report of a case, a manifest or a result directory; return {label: file written}.
    ``progress`` hears of the solves, the diagnosis and the writing (:mod:`optimizer.progress`).

    The report folder ``out`` appears whole, a manifest's country subfolders included
    (:func:`optimizer.outputs.output_folder`): a previous noregret output there is replaced whole; a folder
    holding other files is refused before anything is solved, unless ``force``.

    A result directory is reported by re-solving the case and variant recorded in its summary.json (the
    tables, charts and diagnosis need the model data, which the CSVs do not carry); the inputs must be
    unchanged (same input hash), so the report shows the same plan. With ``actuals`` (an actuals file of the
    case, docs/monitoring.md) the report adds a monitoring section: plan against actual and the re-plan."""
    path = Path(path)
    if path.is_dir() and out is not None and Path(out).resolve() == path.resolve():
        raise InputError(
            [
                Problem(
                    str(out),
                    "--out",
                    "<the result directory being reported>",
                    "another folder (the report would replace the result it reads)",
                )
            ]
        )
    if path.is_dir():
        path, variant, expected_digest = _case_of_result_dir(path, variant)
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    str(path),
                    "an existing case or manifest YAML file, or a result directory written by noregret solve",
                )
            ]
        )
    formats = formats or list(DEFAULT_FORMATS)
    check_pdf_available(formats)
    out = Path(out) if out else Path("outputs") / f"report-{path.stem}"
    check_target(out, force=force, kind="report")
    if sweep_dir is not None:
        from ..sweep.run import read_sweep_meta

        read_sweep_meta(Path(sweep_dir))  # a damaged sweep is reported before anything is solved
    report = progress or silent
    if is_manifest(path):
        if actuals is not None:
            raise InputError([Problem(str(actuals), "--actuals", str(actuals), "a case report (not a manifest)")])
        return _manifest_report(path, variant, formats, out, diagnosis, force, report)
    from ..loading import load_case
    from ..pyomo_backend import solve

    loaded = load_case(path)
    if expected_digest is not None and loaded.digest != expected_digest:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "changed inputs",
                    "the case and library the result was solved "
                    "from (their input hash differs from summary.json's): solve again",
                )
            ]
        )
    checked = None
    if actuals is not None:  # checked against the case before anything is solved
        from ..monitoring.actuals import load_actuals

        checked = load_actuals(Path(actuals), case=loaded, variant=variant or loaded.case.default_variant)
    report("solving the case", 0)
    result = solve(loaded, variant=variant)
    tables = build_tables(result, diagnosis=diagnosis, progress=prefixed(report, "diagnosis, "))
    if sweep_dir is not None:
        tables.robustness = robustness_for(result, sweep_dir)
        tables.trajectory_band = trajectory_band_for(Path(sweep_dir))
    if checked is not None:
        from .monitoring import monitoring_tables

        report("tracking the actuals", 0)
        tables.monitoring = monitoring_tables(result, checked, progress=report)
    report("writing the report", 0)
    with output_folder(out, kind="report", force=force) as staging:
        written = write_country(tables, staging, formats)
    return _moved(written, staging, out)


def _manifest_report(path, variant, formats, out, diagnosis, force=False, progress: ProgressFn = silent):
    from ..batch import run_batch

    batch = run_batch(path, variant=variant, progress=progress)
    written: dict[str, Path] = {}
    reports = {}
    what = "diagnosis and tables of each case" if diagnosis else "tables of each case"
    for name, result in batch.results.items():
        progress(what, len(reports), len(batch.results), name)  # the case under way
        reports[name] = build_tables(result, diagnosis=diagnosis)
    progress(what, len(reports), len(batch.results))
    reg = regional_tables(batch, reports)
    variants = {r.summary["variant"] for r in batch.results.values()}
    scenario = variant or (next(iter(variants)) if len(variants) == 1 else "default variants")
    with output_folder(out, kind="report", force=force) as staging:
        for k, (name, tables) in enumerate(reports.items()):
            progress("writing the reports", k, len(reports) + 1, name)
            for label, f in write_country(tables, staging / name, [f for f in formats if f != "iamc"]).items():
                written[f"{name}/{label}"] = f
        progress("writing the reports", len(reports), len(reports) + 1, "regional roll-up")
        written.update(write_regional(reg, staging, formats, scenario=scenario))
    return _moved(written, staging, out)


def _moved(written: dict[str, Path], staging: Path, out: Path) -> dict[str, Path]:
    """The paths of files written into the staging folder, as they are now that it became ``out``."""
    return {label: out / f.relative_to(staging) for label, f in written.items()}


# ------------------------------------------------------------------------------------------------ country


def _summary_lines(t: ReportTables) -> list[str]:
    m = t.meta
    spend = t.finance[(t.finance["period_type"] == "year") & (t.finance["financing_source"] == "all")][
        "spend_usd"
    ].sum()
    fy = t.roadmap.set_index("year").loc[m["final_year"]] if m["final_year"] in set(t.roadmap["year"]) else None
    lines = [
        f"Case: {m['case']} ({m['country']}); variant {m['variant']}; objective "
        f"{OBJECTIVE_NAMES.get(m['objective'], m['objective'])}; solver status {m['status']}. "
        f"{tolerance_text(m['tolerance_usd'], m['tolerance_tco2e'], m['objective'])}",
        f"{candidates_sentence(m['selected'], m['candidates'], m['candidates_excluded'])}; spend over the decision "
        f"window {money(spend)} (capex plus programme costs); portfolio NPV {money(m['npv_usd'])} "
        f"(positive = net saving).",
        f"Shortfall against the enforced targets: {m['total_shortfall_tco2e'] / 1e3:,.1f} ktCO2e in total.",
    ]
    if fy is not None:
        lines.append(
            f"In {m['final_year']}: BAU {fy['bau_tco2e'] / 1e3:,.1f} ktCO2e, target "
            f"{fy['target_tco2e'] / 1e3:,.1f} ktCO2e, optimised {fy['optimised_tco2e'] / 1e3:,.1f} ktCO2e "
            f"(abatement {fy['abatement_tco2e'] / 1e3:,.1f} ktCO2e)."
        )
    return lines


def _action_groups(t: ReportTables):
    a = t.actions
    for ph in dict.fromkeys(a["phase"]):
        part = a[a["phase"] == ph]
        yield f"{part['phase_name'].iloc[0]} ({len(part)} actions)", part.drop(columns=["phase", "phase_name"])


def write_country(t: ReportTables, out: Path, formats: list[str]) -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    charts = {c.name: c for c in country_charts(t)} if {"html", "md", "pdf"} & set(formats) else {}
    m = t.meta
    if charts and t.monitoring is not None:
        charts.update({c.name: c for c in monitoring_charts(t.monitoring, f"{m['country_name']} ({m['variant']})")})
    title = f"{m['country_name']}: health-sector decarbonisation plan ({m['variant']})"
    brief = executive_summary(t) if {"html", "md", "pdf"} & set(formats) else None
    if {"html", "pdf"} & set(formats):
        years = [f"capex_{y}_usd" for y in m["decision_years"]]
        print_parts = [
            (caption, [c for col in cols for c in (years if col == "capex_{year}_usd" else [col])])
            for caption, cols in ACTION_PRINT_PARTS
        ]
        sections = [
            ("Executive summary", summary_html(brief)),
            ("Summary", "".join(H.paragraph(s) for s in _summary_lines(t))),
            ("Roadmap", H.img(charts["roadmap"], roadmap_caption(t)) + H.table(t.roadmap)),
            (
                "Action plan",
                "".join(f"<h3>{g}</h3>" + H.split_table(part, print_parts) for g, part in _action_groups(t))
                or H.paragraph("No action selected."),
            ),
            ("Marginal abatement cost curve", H.img(charts["macc"], CAPTIONS["macc"]) + H.table(t.macc)),
            ("Finance", H.img(charts["finance"], CAPTIONS["finance"]) + H.table(t.finance)),
            ("Screening: every candidate and why", H.table(t.screening)),
            ("Diagnosis", H.sentences(list(t.diagnosis["sentence"]))),
            *(
                [("Robustness over the sweep", H.paragraph(ROBUSTNESS_NOTE) + H.table(t.robustness) + _band_html(t))]
                if t.robustness is not None
                else []
            ),
            *quality_html(t),
            *monitoring_html(t, charts),
            (
                "Appendix: assumptions and provenance",
                H.paragraph(
                    "Every number of the case file and of the interventions assessed in this case, with its "
                    "range, unit, status and source."
                )
                + H.table(t.provenance),
            ),
        ]
        page = H.page(title, sections, footer=f"{m['case']} ({m['variant']})", flow=("Executive summary", "Summary"))
        if "html" in formats:
            p = out / "report.html"
            p.write_text(page, encoding="utf-8")
            written["html"] = p
        if "pdf" in formats:
            from .pdf import write_pdf

            written["pdf"] = write_pdf(page, out / "report.pdf")
    if "md" in formats:
        for c in charts.values():
            written[f"{c.name}.png"] = c.save(out / f"{c.name}.png")
        parts = [
            f"# {title}\n",
            "\n## Executive summary\n",
            summary_markdown(brief),
            "\n## Summary\n",
            *(s + "\n" for s in _summary_lines(t)),
            "\n## Roadmap\n",
            M.image("roadmap.png", roadmap_caption(t)),
            M.table(t.roadmap),
            "\n## Action plan\n",
        ]
        parts += [f"\n### {g}\n\n" + M.table(part) for g, part in _action_groups(t)] or ["No action selected.\n"]
        parts += [
            "\n## Marginal abatement cost curve\n",
            M.image("macc.png", CAPTIONS["macc"]),
            M.table(t.macc),
            "\n## Finance\n",
            M.image("finance.png", CAPTIONS["finance"]),
            M.table(t.finance),
            "\n## Screening: every candidate and why\n",
            M.table(t.screening),
            "\n## Diagnosis\n",
            "".join(f"- {s.strip()}\n" for s in t.diagnosis["sentence"] if s.strip()),
            *(
                ["\n## Robustness over the sweep\n", ROBUSTNESS_NOTE + "\n\n", M.table(t.robustness), _band_md(t)]
                if t.robustness is not None
                else []
            ),
            *quality_markdown(t),
            *monitoring_markdown(t),
            "\n## Appendix: assumptions and provenance\n",
            M.table(t.provenance),
        ]
        p = out / "report.md"
        p.write_text("\n".join(parts), encoding="utf-8")
        written["md"] = p
    if "xlsx" in formats:
        about = {k: v for k, v in m.items() if k not in ("roadmap_years",)}
        written["xlsx"] = write_workbook(out / "report.xlsx", {**t.named(), **monitoring_sheets(t)}, about)
    if "iamc" in formats:
        written["iamc"] = write_iamc(out / "report_iamc.csv", country_rows(t) + monitoring_iamc_rows(t))
    return written


# ----------------------------------------------------------------------------------------------- regional


def _case_label(t: ReportTables) -> str:
    """A country report's link text: the country and the variant."""
    return f"{t.meta['country_name']} ({t.meta['variant']})"


def write_regional(reg: RegionalTables, out: Path, formats: list[str], scenario: str = "default") -> dict[str, Path]:
    from .regional import CAPTIONS as REGIONAL_CAPTIONS

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    charts = regional_charts(reg) if {"html", "md", "pdf"} & set(formats) else []
    title = "CAREC health-sector decarbonisation: regional roll-up"
    years = reg.roadmap["year"]
    milestone_years = sorted({int(y) for y in reg.milestones["year"]}) if len(reg.milestones) else []
    intro = (
        f"{len(reg.meta['countries'])} countries; comparison year {reg.meta['comparison_year']}. The regional "
        "tables sum the countries' own figures"
        + (f" over {int(years.min())}-{int(years.max())} (the years every country reports)" if len(years) else "")
        + (f"; milestone years {', '.join(map(str, milestone_years))}." if milestone_years else ".")
    )
    notes = list(reg.meta.get("notes", []))
    year = reg.meta["comparison_year"]
    at = reg.roadmap.set_index("year").loc[year] if year in set(years) else None
    if at is not None and at["shortfall_tco2e"] == at["shortfall_tco2e"]:  # not NaN: some country enforces it
        scale, unit = emissions_scale(float(at["shortfall_tco2e"]))
        line = f"In {year} the countries' shortfalls add up to {at['shortfall_tco2e'] / scale:,.2f} {unit}"
        if reg.meta.get("has_prc") and len(reg.meta["countries"]) > 1:
            line += f" ({at['shortfall_ex_prc_tco2e'] / scale:,.2f} {unit} without the PRC)"
        intro += " " + line + "."
    fails = "; ".join(f"{k}: {v}" for k, v in reg.meta["failures"].items())
    links = [(_case_label(t), f"{name}/report.html", f"{name}/report.md") for name, t in reg.reports.items()]
    tables = [
        (
            "Milestones: every milestone year of every country",
            "Each country's figures in each of its milestone years, with CAREC totals (targets are not totalled; "
            "the shortfall total is the sum of the countries' shortfalls).",
            reg.milestones,
        ),
        ("Capex by country and year", "Capital expenditure of the selected actions, US$ million.", reg.capex),
        (
            "Financing by financier and year",
            "What each financier pays (capex plus programme costs), summed over the countries, US$ million.",
            reg.financing,
        ),
    ]

    def regional_page(kind: str) -> str:
        """The regional page, its country links to each country's report of the same ``kind`` (html, pdf)."""
        targets = [(n, h.replace("report.html", f"report.{kind}")) for n, h, _ in links]
        link_html = "<ul>" + "".join(f'<li><a href="{h}">{n}</a></li>' for n, h in targets) + "</ul>" if targets else ""
        sections = [
            (
                "Summary",
                H.paragraph(intro)
                + "".join(H.paragraph(n) for n in notes)
                + (H.paragraph("Solver failures: " + fails) if fails else ""),
            ),
            ("Countries", H.table(reg.countries) + link_html),
            (
                "CAREC roadmap",
                "".join(H.img(c, REGIONAL_CAPTIONS[c.name]) for c in charts) + H.table(reg.roadmap),
            ),
            *((name, H.paragraph(text) + H.table(df)) for name, text, df in tables),
        ]
        return H.page(title, sections)

    if "html" in formats:
        p = out / "regional.html"
        p.write_text(regional_page("html"), encoding="utf-8")
        written["regional.html"] = p
    if "pdf" in formats:
        from .pdf import write_pdf

        written["regional.pdf"] = write_pdf(regional_page("pdf"), out / "regional.pdf")
    if "md" in formats:
        for c in charts:
            written[f"{c.name}.png"] = c.save(out / f"{c.name}.png")
        parts = [
            f"# {title}\n",
            intro + "\n",
            *(n + "\n" for n in notes),
            (f"Solver failures: {fails}\n" if fails else ""),
            "\n## Countries\n",
            M.table(reg.countries),
            "".join(f"- [{n}]({md})\n" for n, _, md in links),
            "\n## CAREC roadmap\n",
            *(M.image(f"{c.name}.png", REGIONAL_CAPTIONS[c.name]) for c in charts),
            M.table(reg.roadmap),
        ]
        for name, text, df in tables:
            parts += [f"\n## {name}\n", text + "\n", M.table(df)]
        p = out / "regional.md"
        p.write_text("\n".join(parts), encoding="utf-8")
        written["regional.md"] = p
    if "xlsx" in formats:
        written["regional.xlsx"] = write_workbook(
            out / "regional.xlsx",
            reg.named(),
            {
                "comparison_year": reg.meta["comparison_year"],
                "countries": ", ".join(reg.meta["countries"]),
                **{f"note {k + 1}": n for k, n in enumerate(notes)},
            },
        )
    if "iamc" in formats:
        rows = [row for t in reg.reports.values() for row in country_rows(t)]
        rows += regional_rows(reg, scenario)
        written["iamc"] = write_iamc(out / "iamc.csv", rows)
    return written
