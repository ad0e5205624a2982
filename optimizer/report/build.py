"""Orchestration: solve a case (or every case of a manifest), build the tables, draw the charts and write the
requested formats."""

from __future__ import annotations

from pathlib import Path

from ..batch import is_manifest
from ..console import tolerance_text
from ..errors import InputError, Problem
from ..outputs import check_target, output_folder
from ..progress import ProgressFn, prefixed, silent
from ..quality import quality_html, quality_markdown
from . import html as H
from . import markdown as M
from .charts import country_charts, regional_charts
from .excel import write_workbook
from .iamc import country_rows, regional_rows, write_iamc
from .tables import RegionalTables, ReportTables, build_tables, regional_tables

FORMATS = ("html", "md", "xlsx", "iamc")
ROBUSTNESS_NOTE = (
    "How often each intervention is in the optimal portfolio across the sweep's scenarios: core "
    "when selected in at least 95 % of them, exterior when in at most 5 %, borderline otherwise."
)
CAPTIONS = {
    "roadmap": "Emissions roadmap: BAU, target pathway and optimised plan; the coloured wedges are the abatement "
    "of each action family (they fill the gap between BAU and the optimised line); hatching marks a "
    "shortfall against the target.",
    "macc": "Marginal abatement cost curve of the candidates kept by screening. Bar width: abatement in the final "
    "target year (selected units for selected actions, full potential built at the earliest start for the "
    "others); height: whole-life net present cost per tonne of one unit at its earliest start. The dashed "
    "line is the abatement of the selected portfolio.",
    "finance": "Spend (capex plus programme costs) by year and financing source; black bars mark the envelopes.",
    "regional_roadmap": "CAREC total: BAU, target and optimised emissions summed over the countries.",
    "regional_roadmap_ex_prc": "CAREC without the PRC (the PRC's health sector dominates the regional total).",
}


def parse_formats(text: str | None) -> list[str]:
    if not text:
        return list(FORMATS)
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise InputError(
            [Problem("<command line>", "--format", text, f"a comma-separated subset of {','.join(FORMATS)}")]
        )
    return list(dict.fromkeys(chosen))


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
) -> dict[str, Path]:
    """Write the report of a case, a manifest or a result directory; return {label: file written}.
    ``progress`` hears of the solves, the diagnosis and the writing (:mod:`optimizer.progress`).

    The report folder ``out`` appears whole, a manifest's country subfolders included
    (:func:`optimizer.outputs.output_folder`): a previous noregret output there is replaced whole; a folder
    holding other files is refused before anything is solved, unless ``force``.

    A result directory is reported by re-solving the case and variant recorded in its summary.json (the
    tables, charts and diagnosis need the model data, which the CSVs do not carry); the inputs must be
    unchanged (same input hash), so the report shows the same plan."""
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
    formats = formats or list(FORMATS)
    out = Path(out) if out else Path("outputs") / f"report-{path.stem}"
    check_target(out, force=force, kind="report")
    if sweep_dir is not None:
        from ..sweep.run import read_sweep_meta

        read_sweep_meta(Path(sweep_dir))  # a damaged sweep is reported before anything is solved
    report = progress or silent
    if is_manifest(path):
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
    report("solving the case", 0)
    result = solve(loaded, variant=variant)
    tables = build_tables(result, diagnosis=diagnosis, progress=prefixed(report, "diagnosis, "))
    if sweep_dir is not None:
        tables.robustness = robustness_for(result, sweep_dir)
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
        f"Case: {m['case']} ({m['country']}); variant {m['variant']}; objective {m['objective']}; "
        f"solver status {m['status']}. {tolerance_text(m['tolerance_usd'], m['tolerance_tco2e'], m['objective'])}",
        f"Selected {m['selected']} of {m['candidates']} candidate interventions; spend over the decision window "
        f"US${spend / 1e6:,.2f}m (capex plus programme costs); portfolio NPV US${m['npv_usd'] / 1e6:,.2f}m "
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
    charts = {c.name: c for c in country_charts(t)} if {"html", "md"} & set(formats) else {}
    m = t.meta
    title = f"{m['country_name']}: health-sector decarbonisation plan ({m['variant']})"
    if "html" in formats:
        sections = [
            ("Summary", "".join(H.paragraph(s) for s in _summary_lines(t))),
            ("Roadmap", H.img(charts["roadmap"], CAPTIONS["roadmap"]) + H.table(t.roadmap)),
            (
                "Action plan",
                "".join(f"<h3>{g}</h3>" + H.table(part) for g, part in _action_groups(t))
                or H.paragraph("No action selected."),
            ),
            ("Marginal abatement cost curve", H.img(charts["macc"], CAPTIONS["macc"]) + H.table(t.macc)),
            ("Finance", H.img(charts["finance"], CAPTIONS["finance"]) + H.table(t.finance)),
            ("Screening: every candidate and why", H.table(t.screening)),
            ("Diagnosis", H.sentences(list(t.diagnosis["sentence"]))),
            *(
                [("Robustness over the sweep", H.paragraph(ROBUSTNESS_NOTE) + H.table(t.robustness))]
                if t.robustness is not None
                else []
            ),
            *quality_html(t),
            (
                "Appendix: assumptions and provenance",
                H.paragraph(
                    "Every number of the case file and of the interventions assessed in this case, with its "
                    "range, unit, status and source."
                )
                + H.table(t.provenance),
            ),
        ]
        p = out / "report.html"
        p.write_text(H.page(title, sections), encoding="utf-8")
        written["html"] = p
    if "md" in formats:
        for c in charts.values():
            written[f"{c.name}.png"] = c.save(out / f"{c.name}.png")
        parts = [
            f"# {title}\n",
            *(s + "\n" for s in _summary_lines(t)),
            "\n## Roadmap\n",
            M.image("roadmap.png", CAPTIONS["roadmap"]),
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
                ["\n## Robustness over the sweep\n", ROBUSTNESS_NOTE + "\n\n", M.table(t.robustness)]
                if t.robustness is not None
                else []
            ),
            *quality_markdown(t),
            "\n## Appendix: assumptions and provenance\n",
            M.table(t.provenance),
        ]
        p = out / "report.md"
        p.write_text("\n".join(parts), encoding="utf-8")
        written["md"] = p
    if "xlsx" in formats:
        about = {k: v for k, v in m.items() if k not in ("roadmap_years",)}
        written["xlsx"] = write_workbook(out / "report.xlsx", t.named(), about)
    if "iamc" in formats:
        written["iamc"] = write_iamc(out / "report_iamc.csv", country_rows(t))
    return written


# ----------------------------------------------------------------------------------------------- regional


def write_regional(reg: RegionalTables, out: Path, formats: list[str], scenario: str = "default") -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    charts = regional_charts(reg) if {"html", "md"} & set(formats) else []
    title = "CAREC health-sector decarbonisation: regional roll-up"
    intro = (
        f"{len(reg.countries)} cases; comparison year {reg.meta['comparison_year']}. The regional roadmap sums "
        f"BAU, target and optimised emissions over the countries solved (only years every country reports)."
    )
    fails = "; ".join(f"{k}: {v}" for k, v in reg.meta["failures"].items())
    links = [(name, f"{name}/report.html", f"{name}/report.md") for name in reg.reports]
    if "html" in formats:
        link_html = (
            "<ul>" + "".join(f'<li><a href="{h}">{n}</a></li>' for n, h, _ in links) + "</ul>"
            if (links and "html" in formats)
            else ""
        )
        sections = [
            ("Summary", H.paragraph(intro) + (H.paragraph("Solver failures: " + fails) if fails else "")),
            ("Countries", H.table(reg.countries) + link_html),
            ("CAREC roadmap", "".join(H.img(c, CAPTIONS[c.name]) for c in charts) + H.table(reg.roadmap)),
        ]
        p = out / "regional.html"
        p.write_text(H.page(title, sections), encoding="utf-8")
        written["regional.html"] = p
    if "md" in formats:
        for c in charts:
            written[f"{c.name}.png"] = c.save(out / f"{c.name}.png")
        parts = [
            f"# {title}\n",
            intro + "\n",
            (f"Solver failures: {fails}\n" if fails else ""),
            "\n## Countries\n",
            M.table(reg.countries),
            "".join(f"- [{n}]({md})\n" for n, _, md in links),
            "\n## CAREC roadmap\n",
            *(M.image(f"{c.name}.png", CAPTIONS[c.name]) for c in charts),
            M.table(reg.roadmap),
        ]
        p = out / "regional.md"
        p.write_text("\n".join(parts), encoding="utf-8")
        written["regional.md"] = p
    if "xlsx" in formats:
        written["regional.xlsx"] = write_workbook(
            out / "regional.xlsx",
            reg.named(),
            {"comparison_year": reg.meta["comparison_year"], "countries": ", ".join(reg.meta["countries"])},
        )
    if "iamc" in formats:
        rows = [row for t in reg.reports.values() for row in country_rows(t)]
        rows += regional_rows(reg, scenario)
        written["iamc"] = write_iamc(out / "iamc.csv", rows)
    return written
