"""Command line: ``noregret validate``, ``solve``, ``batch``, ``explain``, ``alternatives``, ``report``, ``cases``,
``init``, ``track`` and ``replan``.

Exit codes: 0 solved (or valid), 2 bad input, 3 solver failure or time limit without a feasible plan.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import InputError, Problem, SolverFailure
from .formatting import money
from .outputs import OutputWriteError

EXIT_OK, EXIT_INPUT, EXIT_SOLVER = 0, 2, 3
FORCE_HELP = "replace the --out folder even if it holds files noregret did not write"
CASE_HELP = "case YAML file, or the name of a bundled case (noregret cases lists them)"
BUNDLED_ARGS = {
    "solve": "case",
    "pipeline": "case",
    "explain": "case",
    "alternatives": "case",
    "tornado": "case",
    "quality": "case",
    "report": "input",
    "batch": "manifest",
    "validate": "paths",
    "workbook": "case",
    "track": "case",
    "replan": "case",
}
"""The argument of each command that may name a bundled case instead of a file (see :mod:`optimizer.bundled`)."""


PIPELINE_SORTS = {
    "rank": ("rank", True),
    "entry_budget": ("entry_budget_usd", True),
    "cost": ("cost_per_tco2e_usd", True),
    "npv": ("npv_usd", False),
    "abatement": ("abatement_lifetime_tco2e", False),
    "capex": ("capex_usd", False),
}
"""``noregret pipeline --sort``: the column and whether ascending."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage mistakes are bad input too: exit 2, no traceback
        self.print_usage(sys.stderr)
        print(f"noregret: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


STRICT_HELP = "refuse legal but implausible values (printed as warnings otherwise) as input errors"
QUIET_HELP = "no progress line (it is drawn on standard error only when that is a terminal)"
REGRET_MAX_SCENARIOS = 250
"""``robust --regret`` refuses more solved scenarios than this unless --max-scenarios says otherwise: measured on
docs/examples/sweep-georgia.yaml (2 cores), 120 scenarios took about 50 s and 480 about 5.5 min
(:func:`_regret_time`)."""


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="noregret", description="Plan no-regret health-sector decarbonisation portfolios (MILP).")
    from . import __version__

    p.add_argument("--version", action="version", version=f"noregret {__version__}")
    p.add_argument(
        "--strict",
        action="store_true",
        help=STRICT_HELP,
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("solve", help="solve a case and write the result tables")
    s.add_argument("case", type=Path, help=CASE_HELP)
    s.add_argument("--variant", help="target variant (default: the case's default_variant)")
    s.add_argument(
        "--objective",
        choices=["min_cost", "max_abatement", "weighted"],
        help="objective (default: the case's objective.kind)",
    )
    s.add_argument("--out", type=Path, help="output directory (default: outputs/<case file name>-<variant>)")
    s.add_argument("--force", action="store_true", help=FORCE_HELP)
    s.add_argument("--quiet", action="store_true", help="print only where the outputs are")

    b = sub.add_parser("batch", help="solve every case of a manifest and print one comparison table")
    b.add_argument("manifest", type=Path, help="manifest YAML listing case files, or 'manifest' for the bundled one")
    b.add_argument("--variant", help="variant to solve where a case has it (default: each case's default)")
    b.add_argument("--out", type=Path, default=Path("outputs"), help="output directory (default: outputs)")
    b.add_argument("--force", action="store_true", help=FORCE_HELP)
    b.add_argument("--workers", type=int, help="processes solving cases side by side (default: one per core)")
    b.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    e = sub.add_parser("explain", help="reachability, binding limits, verified fixes, shadow prices, switching values")
    e.add_argument("case", type=Path, help=CASE_HELP)
    e.add_argument("--variant", help="target variant (default: the case's default_variant)")
    e.add_argument("--out", type=Path, help="also write the tables (CSV) and the text here")
    e.add_argument("--force", action="store_true", help=FORCE_HELP)
    e.add_argument(
        "--no-switching",
        action="store_true",
        help="skip switching values (they need several re-solves per intervention)",
    )
    e.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    a = sub.add_parser("alternatives", help="the k best distinct portfolios within a cost tolerance")
    a.add_argument("case", type=Path, help=CASE_HELP)
    a.add_argument("--variant", help="target variant (default: the case's default_variant)")
    a.add_argument("-k", type=int, default=5, help="how many alternatives besides the optimum (default 5)")
    a.add_argument(
        "--tolerance",
        type=float,
        default=0.05,
        help="largest relative increase of the objective over the optimum (default 0.05)",
    )
    a.add_argument("--out", type=Path, help="also write alternatives.csv here")
    a.add_argument("--force", action="store_true", help=FORCE_HELP)
    a.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    r = sub.add_parser(
        "report", help="solve a case (or a manifest) and write a report: HTML, Markdown, Excel, IAMC CSV, PDF"
    )
    r.add_argument(
        "input",
        type=Path,
        help="case YAML file, a manifest YAML for the regional roll-up, or a result "
        "directory written by 'noregret solve' (or a bundled case name)",
    )
    r.add_argument("--variant", help="target variant (default: each case's default_variant)")
    r.add_argument(
        "--format",
        default="html,md,xlsx,iamc",
        help="comma-separated subset of html,md,xlsx,iamc,pdf (default: html,md,xlsx,iamc; pdf prints the HTML "
        "report on A4 landscape pages and needs the Pango library, see the README)",
    )
    r.add_argument("--out", type=Path, help="output directory (default: outputs/report-<input file name>)")
    r.add_argument("--force", action="store_true", help=FORCE_HELP)
    r.add_argument("--no-diagnosis", action="store_true", help="skip the diagnosis section (no explain re-solve)")
    r.add_argument("--sweep", type=Path, help="a sweep of the same case (noregret sweep): adds a robustness section")
    r.add_argument(
        "--actuals",
        type=Path,
        help="an actuals file of the case (docs/monitoring.md): adds a monitoring section, plan against actual "
        "and the re-plan",
    )
    r.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    w = sub.add_parser("sweep", help="solve every scenario of a sweep spec (grids, overrides, Monte Carlo)")
    w.add_argument("spec", type=Path, help="sweep specification YAML")
    w.add_argument("--out", type=Path, required=True, help="output directory (Parquet results stream here)")
    w.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    w.add_argument("--resume", action="store_true", help="continue an interrupted sweep in --out")
    w.add_argument(
        "--scheduler",
        help="run on Dask: a scheduler address (tcp://host:port) or 'local' for a LocalCluster of --workers processes",
    )
    w.add_argument(
        "--rebuild",
        action="store_true",
        help="build the model anew for every scenario (default: each worker changes one HiGHS model "
        "in place; same results, slower)",
    )
    w.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    rb = sub.add_parser("robust", help="how often each intervention is optimal across a sweep's scenarios")
    rb.add_argument("sweep_dir", type=Path, help="directory written by noregret sweep")
    rb.add_argument(
        "--regret",
        action="store_true",
        help="also the minimax-regret and expected-cost portfolios over the solved scenarios (one "
        "MILP each with the portfolio shared; about a minute for 120 scenarios)",
    )
    rb.add_argument(
        "--max-scenarios",
        type=int,
        default=REGRET_MAX_SCENARIOS,
        help=f"with --regret: refuse more solved scenarios than this (default {REGRET_MAX_SCENARIOS}; the time "
        "grows faster than the count)",
    )
    rb.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    tn = sub.add_parser("tornado", help="which uncertain parameters move cost and final-year emissions most")
    tn.add_argument("case", type=Path, help=CASE_HELP)
    tn.add_argument("--variant", help="target variant (default: the case's default_variant)")
    tn.add_argument(
        "--parameters",
        nargs="+",
        help="parameter paths (default: every ranged price, growth, "
        "discount rate, capex and running cost of the candidates)",
    )
    tn.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    tn.add_argument("--top", type=int, default=15, help="parameters shown (default 15)")
    tn.add_argument("--out", type=Path, help="also write tornado.csv and tornado.png here")
    tn.add_argument("--force", action="store_true", help=FORCE_HELP)
    tn.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    qu = sub.add_parser(
        "quality",
        help="how much of the baseline and of the plan's abatement rests on estimates (grades C and D), and the "
        "judgement numbers that move the plan most",
    )
    qu.add_argument("case", type=Path, help=CASE_HELP)
    qu.add_argument("--variant", help="target variant (default: the case's default_variant)")
    qu.add_argument(
        "--no-links",
        action="store_true",
        help="skip the weakest links (they re-solve the case twice for every ranged judgement number)",
    )
    qu.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    qu.add_argument("--top", type=int, default=10, help="weakest links shown (default 10)")
    qu.add_argument(
        "--out",
        type=Path,
        help="also write quality.csv, quality_sources.csv, quality_interventions.csv and weakest_links.csv here",
    )
    qu.add_argument("--force", action="store_true", help=FORCE_HELP)
    qu.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    pl = sub.add_parser(
        "pipeline", help="rank a case's pipeline projects: entry budgets, reasons and the investment ladder"
    )
    pl.add_argument("case", type=Path, help=CASE_HELP)
    pl.add_argument("--variant", help="target variant (default: the case's default_variant)")
    pl.add_argument(
        "--objective", choices=["min_cost", "max_abatement", "weighted"], help="objective (default: the case's)"
    )
    pl.add_argument("--levels", type=int, default=10, help="budget levels from zero to unconstrained (default 10)")
    pl.add_argument(
        "--refine",
        type=int,
        default=3,
        help="halvings of a level step where projects enter (default 3: entry budgets to an eighth of a step)",
    )
    pl.add_argument("--region", help="print only the projects of this region")
    pl.add_argument("--facility", help="print only the projects of this facility (id or name)")
    pl.add_argument("--family", help="print only the projects of this action family")
    pl.add_argument(
        "--sort",
        choices=list(PIPELINE_SORTS),
        default="rank",
        help="order of the printed table (default: rank, the entry order)",
    )
    pl.add_argument("--top", type=int, default=20, help="print this many projects (default 20; 0: all)")
    pl.add_argument("--out", type=Path, help="output directory (default: outputs/<case file name>-pipeline)")
    pl.add_argument("--force", action="store_true", help=FORCE_HELP)
    pl.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    wb = sub.add_parser(
        "workbook", help="write a case as an Excel workbook a planner can edit, or a workbook back as case YAML"
    )
    wb.add_argument(
        "case", type=Path, help="case YAML file or bundled name (writes a workbook), or an .xlsx workbook (writes YAML)"
    )
    wb.add_argument(
        "--out", type=Path, help="the .xlsx or .yaml file to write (default: the input's name with that suffix, here)"
    )
    wb.add_argument("--force", action="store_true", help="replace existing files")

    v = sub.add_parser("validate", help="check case files and library directories without solving")
    v.add_argument(
        "paths",
        nargs="+",
        type=Path,
        help="case YAML files or intervention library directories (or bundled names: a case, 'manifest', 'library')",
    )
    v.add_argument("--actuals", type=Path, help="also check this actuals file against the case given (one case)")

    _add_monitoring_parsers(sub)
    sub.add_parser("cases", help="list the bundled cases (name, country, variants) to use in place of a case file")
    _add_init_parser(sub)
    for command in sub.choices.values():  # --strict also after the command name (noregret solve --strict ...)
        command.add_argument("--strict", action="store_true", default=argparse.SUPPRESS, help=STRICT_HELP)
    return p


def main(argv: list[str] | None = None) -> int:
    from .plausibility import command_line_policy

    args = _parser().parse_args(argv)
    commands = {
        "validate": lambda a: _validate(a.paths, a.actuals),
        "batch": _batch,
        "sweep": _sweep,
        "robust": _robust,
        "tornado": _tornado,
        "quality": _quality,
        "explain": _explain,
        "alternatives": _alternatives,
        "report": _report,
        "solve": _solve,
        "pipeline": _pipeline,
        "workbook": _workbook,
        "cases": _cases,
        "init": _init,
        "track": _track,
        "replan": _replan,
    }
    try:
        _resolve_bundled(args)
        with command_line_policy(strict=args.strict):
            return commands[args.command](args)
    except InputError as err:
        print(err.render(), file=sys.stderr)
        return EXIT_INPUT
    except SolverFailure as err:
        print(f"Solver failure ({err.status}): {err}", file=sys.stderr)
        return EXIT_SOLVER
    except OutputWriteError as err:  # disk full, permission lost while writing outputs
        print(err, file=sys.stderr)
        return EXIT_INPUT


def _resolve_bundled(args: argparse.Namespace) -> None:
    """Replace a bundled case name given in place of a file by that file's path (a path that exists wins)."""
    attr = BUNDLED_ARGS.get(args.command)
    if attr is None:
        return
    from .bundled import resolve

    value = getattr(args, attr)
    if isinstance(value, list):
        setattr(args, attr, [resolve(v, library=True) for v in value])
    else:
        setattr(args, attr, resolve(value))


def _progress(args: argparse.Namespace):
    """The progress line of a long command (:mod:`optimizer.progress`): on standard error when it is a terminal,
    unless --quiet; cleared when the block ends, before the results are printed."""
    from .progress import Reporter

    return Reporter(quiet=getattr(args, "quiet", False))


def _cases(args) -> int:
    from .bundled import listing, render_listing

    print(render_listing(listing()))
    return EXIT_OK


def _workbook(args) -> int:
    from .workbook import convert

    written = convert(args.case, args.out, args.force)
    print(f"Written: {', '.join(str(p) for p in written)}")
    return EXIT_OK


def _validate(paths: list[Path], actuals: Path | None = None) -> int:
    """Check each path as what it is (:func:`optimizer.inputs.kind_of`); every problem is reported. With
    ``actuals``, that file is checked against the one case given."""
    from .inputs import InputKind, folder_files, kind_of

    if actuals is not None:
        return _validate_actuals(paths, actuals)

    problems = []
    todo = list(paths)
    while todo:
        path = todo.pop(0)
        kind = kind_of(path)
        if kind is InputKind.FOLDER:
            inside = folder_files(path)
            if not inside:
                problems.append(
                    Problem(
                        str(path),
                        "",
                        "<a folder with none>",
                        "a folder of case, manifest, sweep specification or library files",
                    )
                )
                print(f"FAIL {path}", file=sys.stderr)
                continue
            print(f"..   {path}: folder of {len(inside)} files")
            todo = inside + todo
            continue
        try:
            print(f"ok   {path}: {_checked(path, kind)}")
        except InputError as err:
            problems.extend(err.problems)
            print(f"FAIL {path}", file=sys.stderr)
    if problems:
        raise InputError(problems)
    return EXIT_OK


def _validate_actuals(paths: list[Path], actuals: Path) -> int:
    from .inputs import InputKind, kind_of
    from .loading import load_case
    from .monitoring.actuals import load_actuals

    if len(paths) != 1 or kind_of(paths[0]) is not InputKind.CASE:
        shown = ", ".join(map(str, paths))
        raise InputError([Problem("<command line>", "--actuals", shown, "one case file to check the actuals against")])
    checked = load_actuals(actuals, load_case(paths[0]))
    print(f"ok   {paths[0]}: case '{checked.loaded.case.name}'")
    print(f"ok   {actuals}: actuals {checked.first_year}-{checked.through_year} ({len(checked.units)} builds)")
    return EXIT_OK


def _checked(path: Path, kind) -> str:
    """Load and check ``path`` as ``kind``; what it is, in a few words."""
    from .inputs import InputKind, pipeline_alone
    from .loading import load_case, load_library

    if kind is InputKind.MANIFEST:
        from .batch import load_manifest

        _, cases = load_manifest(path)
        return f"manifest of {len(cases)} cases"
    if kind is InputKind.LIBRARY:
        root = path if path.is_dir() else path.parent
        lib = load_library(root)
        return f"library {root} with {len(lib.interventions)} interventions"
    if kind is InputKind.SWEEP:
        from .sweep.spec import load_sweep_spec, scenarios

        spec, case_path = load_sweep_spec(path)
        count = len(scenarios(spec, load_case(case_path), where=str(path)))
        return f"sweep specification of {count} scenarios over {case_path.name}"
    if kind is InputKind.PIPELINE:
        raise pipeline_alone(path)
    if kind is InputKind.ACTUALS:
        from .monitoring.actuals import load_actuals

        actuals = load_actuals(path)
        return (
            f"actuals {actuals.first_year}-{actuals.through_year} for case '{actuals.loaded.case.name}' "
            f"({len(actuals.units)} builds, {len(actuals.spend)} payments, {len(actuals.measured)} measured emissions)"
        )
    loaded = load_case(path)
    projects = f" and {len(loaded.projects):,} pipeline projects" if loaded.projects is not None else ""
    return f"case '{loaded.case.name}' with library {loaded.library.root}{projects}"


def _sweep(args) -> int:
    from .sweep.run import run_sweep

    if args.workers is not None and args.workers < 1:
        raise InputError([Problem("<command line>", "--workers", args.workers, "1 or more")])
    with _progress(args) as progress:
        run = run_sweep(
            args.spec,
            args.out,
            workers=args.workers,
            resume=args.resume,
            scheduler=args.scheduler,
            rebuild=args.rebuild,
            progress=progress,
        )
    print(
        f"{run.done_before + run.solved_now} of {run.total} scenarios done ({run.solved_now} now, "
        f"{run.failed_now} failed and recorded); results in {args.out}/"
    )
    if run.interrupted:
        print("Interrupted: run again with --resume to finish.", file=sys.stderr)
        return 130
    return EXIT_OK


def _robust(args) -> int:
    from .loading import load_case
    from .outputs import atomic_write_text
    from .prepare import prepare
    from .sweep.robust import project_frequency, selection_frequency
    from .sweep.run import load_sweep, load_sweep_projects, read_sweep_meta
    from .sweep.spec import load_sweep_spec

    summary, portfolio = load_sweep(args.sweep_dir)
    spec_file = Path(read_sweep_meta(args.sweep_dir)["spec_file"])
    spec, case_path = load_sweep_spec(spec_file)
    data = prepare(load_case(case_path), spec.variant)
    table = selection_frequency(summary, portfolio, {i: c.family for i, c in data.candidates.items()})
    atomic_write_text(args.sweep_dir / "robustness.csv", table.to_csv(index=False, float_format="%.10g"))
    failed = int((summary["status"] == "error").sum())
    print(f"{len(summary)} scenarios ({failed} failed). Selection frequency of each intervention:")
    print(table[["intervention", "family", "selected_share", "usual_start_year", "class"]].to_string(index=False))
    print(f"Written to {args.sweep_dir}/robustness.csv")
    base = load_case(case_path)
    chosen = load_sweep_projects(args.sweep_dir, summary)
    if chosen is not None and base.projects is not None:
        projects = project_frequency(summary, chosen, base.projects.frame)
        atomic_write_text(
            args.sweep_dir / "robustness_projects.csv", projects.to_csv(index=False, float_format="%.10g")
        )
        classes = projects["class"].value_counts()
        print(
            f"Pipeline projects: {classes.get('core', 0)} core (chosen in at least 95 % of scenarios), "
            f"{classes.get('borderline', 0)} borderline, {classes.get('exterior', 0)} exterior; "
            f"written to {args.sweep_dir}/robustness_projects.csv"
        )
    if args.regret:
        _regret(args, summary, load_case(case_path), spec.variant)
    return EXIT_OK


def _regret(args, summary, base, variant) -> None:
    import json

    import pandas as pd

    from .outputs import atomic_write_text
    from .sweep.paths import apply_settings
    from .sweep.regret import expected_cost, minimax_regret, optima, scenario_data

    solved = summary[summary["status"] != "error"]
    if len(solved) > args.max_scenarios:
        raise InputError(
            [
                Problem(
                    "<command line>",
                    "--max-scenarios",
                    args.max_scenarios,
                    f"at least the {len(solved)} solved scenarios: the regret MILPs grow with them and their time "
                    f"faster (120 scenarios of Georgia's case take about a minute); {len(solved)} may take "
                    f"{_regret_time(len(solved))}. Pass --max-scenarios {len(solved)} to run them anyway",
                )
            ]
        )
    cases = {row.scenario_id: apply_settings(base, json.loads(row.settings)) for row in solved.itertuples()}
    with _progress(args) as progress:
        scenarios = scenario_data(cases, variant, progress)
        best = optima(scenarios, progress)
        portfolios = (minimax_regret(scenarios, best, progress), expected_cost(scenarios, best, progress))
    rows = []
    first = next(iter(scenarios.values()))
    names = {iid: c.name for iid, c in first.candidates.items()}
    for portfolio in portfolios:
        chosen = sorted(names.get(i, i) for i in portfolio.interventions)
        print(
            f"{portfolio.kind}: {', '.join(chosen) or '(nothing)'}; "
            f"largest regret {money(max(portfolio.regret_by_scenario.values()))}"
        )
        rows += [
            {"portfolio": portfolio.kind, "scenario_id": sid, "regret": r}
            for sid, r in portfolio.regret_by_scenario.items()
        ]
    atomic_write_text(args.sweep_dir / "regret.csv", pd.DataFrame(rows).to_csv(index=False, float_format="%.10g"))
    penalty = first.case.target_rules.shortfall_penalty_usd_per_tco2e
    print(
        "A regret is what the shared plan costs in a scenario less that scenario's own optimum, both as the case's "
        f"objective: net present cost plus each tonne of shortfall at the penalty of {money(penalty)} per tCO2e, "
        "so much of a large regret can be shortfall that the scenario's own plan would have closed."
    )
    print(f"Regret by scenario written to {args.sweep_dir}/regret.csv")


def _regret_time(scenarios: int) -> str:
    """A rough time for ``robust --regret`` over ``scenarios``: 50 s for 120 scenarios of Georgia's case and
    about 5.5 min for 480 (2 cores), so growing as the count to the power 1.4; cases differ."""
    from .progress import duration

    seconds = 50 * (scenarios / 120) ** 1.4
    if seconds < 60:
        return "under a minute"
    shown = f"{round(seconds / 60)} minutes" if seconds < 3600 else duration(seconds)
    return f"roughly {shown} or more"


def _tornado(args) -> int:
    from .loading import load_case
    from .outputs import check_target, output_folder
    from .sweep.tornado import tornado, tornado_chart

    if args.top < 1 or (args.workers is not None and args.workers < 1):
        raise InputError([Problem("<command line>", "--top / --workers", (args.top, args.workers), "1 or more")])
    if args.out:
        check_target(args.out, force=args.force, kind="tornado")
    with _progress(args) as progress:
        loaded = load_case(args.case)
        t = tornado(loaded, variant=args.variant, parameters=args.parameters, workers=args.workers, progress=progress)
    shown = t.table.head(args.top)
    print(
        f"Central plan: net present cost {money(t.base['net_present_cost_usd'])}, final-year emissions "
        f"{t.base['final_year_emissions_tco2e'] / 1e3:,.1f} ktCO2e. Largest swings ({len(t.table)} parameters):"
    )
    print(_tornado_table(shown))
    if args.out:
        with output_folder(args.out, kind="tornado", force=args.force) as staging:
            t.table.to_csv(staging / "tornado.csv", index=False, float_format="%.10g")
            tornado_chart(t, staging / "tornado.png", args.top)
        print(f"Written to {args.out}/tornado.csv and tornado.png")
    return EXIT_OK


def _tornado_table(shown) -> str:
    """The largest swings as a printed table: numbers with thousands separators (never 1e+06), money in US$ m,
    emissions in ktCO2e, every column labelled."""
    from .formatting import aligned, money_millions, number

    heads = ["parameter", "low", "high", "cost swing", "emissions swing"]
    units = ["", "", "", "US$ m", "ktCO2e"]
    rows = [
        [
            str(r.parameter),
            number(r.low),
            number(r.high),
            money_millions(r.net_present_cost_usd_swing),
            f"{r.final_year_emissions_tco2e_swing / 1e3:,.1f}",
        ]
        for r in shown.itertuples()
    ]
    return aligned([heads, units, *rows])


def _quality(args) -> int:
    from .loading import load_case
    from .outputs import check_target, output_folder
    from .pyomo_backend import solve
    from .quality import _display, graded_interventions, graded_sources, quality_table, weakest_display, weakest_links

    if args.top < 1 or (args.workers is not None and args.workers < 1):
        raise InputError([Problem("<command line>", "--top / --workers", (args.top, args.workers), "1 or more")])
    if args.out:
        check_target(args.out, force=args.force, kind="quality")
    with _progress(args) as progress:
        loaded = load_case(args.case)
        result = solve(loaded, variant=args.variant)
        table = quality_table(result)
        links = None
        if not args.no_links:
            links, _ = weakest_links(loaded, variant=args.variant, workers=args.workers, progress=progress)
    print(f"{loaded.case.country.name}: what the baseline and the plan's abatement rest on, by quality grade")
    print(_display(table).to_string(index=False))
    if links is not None:
        print(f"\nWeakest links: the judgement (grade D) numbers that move the plan most ({len(links)} with a range):")
        print(weakest_display(links, args.top).to_string(index=False) if len(links) else "none")
    if args.out:
        with output_folder(args.out, kind="quality", force=args.force) as staging:
            table.to_csv(staging / "quality.csv", index=False, float_format="%.10g")
            graded_sources(result).to_csv(staging / "quality_sources.csv", index=False, float_format="%.10g")
            graded_interventions(result).to_csv(
                staging / "quality_interventions.csv", index=False, float_format="%.10g"
            )
            if links is not None:
                links.to_csv(staging / "weakest_links.csv", index=False, float_format="%.10g")
        print(f"Written to {args.out}")
    return EXIT_OK


def _explain(args) -> int:
    from .explain import explain
    from .loading import load_case
    from .outputs import check_target

    if args.out:
        check_target(args.out, force=args.force, kind="explain")
    with _progress(args) as progress:
        explanation = explain(
            load_case(args.case), variant=args.variant, switching=not args.no_switching, progress=progress
        )
    print("\n".join(explanation.sentences))
    if args.out:
        explanation.save(args.out, force=args.force)
        print(f"Tables written to {args.out}/")
    return EXIT_OK


def _alternatives(args) -> int:
    from .explain import alternatives
    from .loading import load_case
    from .outputs import check_target, output_folder

    if args.k < 1 or not args.tolerance >= 0:
        raise InputError(
            [
                Problem(
                    "<command line>",
                    "-k / --tolerance",
                    (args.k, args.tolerance),
                    "k of 1 or more and a tolerance of 0 or more",
                )
            ]
        )
    if args.out:
        check_target(args.out, force=args.force, kind="alternatives")
    with _progress(args) as progress:
        table = alternatives(
            load_case(args.case), variant=args.variant, k=args.k, tolerance=args.tolerance, progress=progress
        )
    with_cols = [
        "rank",
        "objective_value",
        "extra_vs_optimum",
        "shortfall_tco2e",
        "n_interventions",
        "added",
        "removed",
    ]
    if table.empty:
        print("No feasible plan: no alternatives to list (noregret explain says why).")
        return EXIT_SOLVER
    print(f"{len(table) - 1} distinct alternative(s) within {args.tolerance:.1%} of the optimum (rank 0):")
    print(table[with_cols].to_string(index=False))
    if args.out:
        with output_folder(args.out, kind="alternatives", force=args.force) as staging:
            table.to_csv(staging / "alternatives.csv", index=False, float_format="%.10g")
        print(f"Written to {args.out}/alternatives.csv")
    return EXIT_OK


def _report(args) -> int:
    from .report import build_report, parse_formats

    formats = parse_formats(args.format)
    with _progress(args) as progress:
        written = build_report(
            args.input,
            variant=args.variant,
            formats=formats,
            out=args.out,
            diagnosis=not args.no_diagnosis,
            sweep_dir=args.sweep,
            force=args.force,
            progress=progress,
            actuals=args.actuals,
        )
    for label, path in written.items():
        print(f"{label:<28} {path}")
    return EXIT_OK


def _batch(args) -> int:
    import os

    from .batch import render_comparison, run_batch

    if args.workers is not None and args.workers < 1:
        raise InputError([Problem("<command line>", "--workers", args.workers, "1 or more")])
    workers = args.workers or os.cpu_count() or 1
    with _progress(args) as progress:
        batch = run_batch(
            args.manifest, variant=args.variant, out_dir=args.out, force=args.force, workers=workers, progress=progress
        )
    names = {case: r.data.case.country.name for case, r in batch.results.items()}
    print(render_comparison(batch.comparison, batch.year, names))
    for name, message in batch.failures.items():
        print(f"{name}: solver failure ({message})", file=sys.stderr)
    print(f"Outputs written to {args.out}/ (one folder per case; comparison.csv)")
    return EXIT_SOLVER if batch.failures else EXIT_OK


def _solve(args) -> int:
    from .console import render_summary
    from .loading import load_case
    from .outputs import check_target
    from .pyomo_backend import solve

    if args.out:
        check_target(args.out, force=args.force, kind="result")
    loaded = load_case(args.case)
    result = solve(loaded, variant=args.variant, objective=args.objective)
    out = args.out or Path("outputs") / f"{args.case.stem}-{result.summary['variant']}"
    result.save(out, force=args.force)
    if not args.quiet:
        print(render_summary(result))
    tables = "portfolio, schedule, trajectory, pathway, finance, screening" + (
        ", pipeline" if result.pipeline is not None else ""
    )
    print(f"Outputs written to {out}/ ({tables} CSV; summary.json)")
    return EXIT_OK


def _pipeline(args) -> int:
    from .console import render_pipeline, render_summary
    from .loading import load_case
    from .outputs import check_target, output_folder
    from .pipeline.chart import ladder_chart
    from .pipeline.ladder import ladder_points, pipeline_with_ladder
    from .prepare import prepare
    from .results import CSV_FLOAT_FORMAT

    if args.levels < 1:
        raise InputError([Problem("<command line>", "--levels", args.levels, "1 or more")])
    if args.refine < 0:
        raise InputError([Problem("<command line>", "--refine", args.refine, "0 or more")])
    if args.top < 0:
        raise InputError([Problem("<command line>", "--top", args.top, "0 (all) or more")])
    if args.out:
        check_target(args.out, force=args.force, kind="pipeline")
    loaded = load_case(args.case)
    if loaded.projects is None:
        raise InputError(
            [Problem(str(args.case), "pipelines", "<none>", "a case that lists project pipeline files (pipelines:)")]
        )
    frame = loaded.projects.frame
    families = {loaded.library.family_of[i] for i in frame["intervention"]}
    facilities = (set(frame["facility_id"]) | set(frame["facility_name"])) - {""}
    for option, value, known in (
        ("--region", args.region, set(frame["region"]) - {""}),
        ("--facility", args.facility, facilities),
        ("--family", args.family, families),
    ):
        _known_filter(option, value, known)
    data = prepare(loaded, args.variant)
    with _progress(args) as progress:
        result, ladder = pipeline_with_ladder(data, args.objective, args.levels, progress, args.refine)
    table = result.pipeline
    assert table is not None
    out = args.out or Path("outputs") / f"{args.case.stem}-pipeline"
    year = result.final_year
    chart = ladder_chart(
        ladder_points(table, year),
        table.set_index("project")["selected"],
        year,
        f"Investment ladder: {loaded.case.name}",
    )
    levels = pd_levels(ladder)
    with output_folder(out, kind="pipeline", force=args.force) as staging:
        result.write_tables(staging)
        levels.to_csv(staging / "budget_levels.csv", index=False, float_format=CSV_FLOAT_FORMAT)
        chart.save(staging / "investment_ladder.png")
    print(render_summary(result))
    print()
    print(render_pipeline(table, args.region, args.facility, args.family, PIPELINE_SORTS[args.sort], args.top))
    print(f"Outputs written to {out}/ (pipeline.csv ranked, budget_levels.csv, investment_ladder.png, result tables)")
    return EXIT_OK


def pd_levels(ladder):
    import pandas as pd

    return pd.DataFrame(
        {
            "budget_factor": ladder.factors,
            "budget_usd": ladder.budget_usd,
            "projects_chosen": ladder.chosen.sum(axis=1),
        }
    )


def _known_filter(option: str, value: str | None, known: set[str]) -> None:
    """A filter of ``noregret pipeline`` must name something the pipeline has (else exit 2, with the closest)."""
    import difflib

    if value is None or value in known:
        return
    close = difflib.get_close_matches(value, sorted(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    listed = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
    raise InputError([Problem("<command line>", option, value, f"one the pipeline names{hint}: {listed}")])


def _add_init_parser(sub) -> None:
    """``noregret init``: a starting case for any country from a few national figures."""
    from .init_case import NDC_TYPES, TIERS, USER_SOURCE

    i = sub.add_parser(
        "init", help="start a case for any country from a few national figures (the default-case method)"
    )
    i.add_argument("country", metavar="COUNTRY_NAME", help="display name of the country")
    i.add_argument("--iso3", required=True, help="ISO 3166-1 alpha-3 code")
    i.add_argument("--population", type=float, required=True, help="population in the base year; persons")
    i.add_argument("--health-expenditure-usd", type=float, required=True, help="current health expenditure; USD a year")
    i.add_argument("--grid-factor", type=float, required=True, help="grid emission factor; tCO2 per MWh")
    i.add_argument("--ndc-percent", type=float, required=True, help="the NDC's cut; percent")
    i.add_argument("--ndc-year", type=int, required=True, help="the NDC's target year")
    i.add_argument("--ndc-type", choices=NDC_TYPES, default="below_bau", help="what the cut is measured from")
    i.add_argument("--base-year", type=int, default=2024, help="year of the baseline and prices (default 2024)")
    i.add_argument("--out", type=Path, required=True, help="case file to write (.yaml, or .xlsx for a workbook)")
    i.add_argument("--force", action="store_true", help="replace --out if it exists")
    i.add_argument("--source", default=USER_SOURCE, help=f"citation of the figures given (default: '{USER_SOURCE}')")
    i.add_argument("--ndc-reference-year", type=int, help="below_base_year: the NDC's reference year (e.g. 1990)")
    i.add_argument("--national-reference-tco2e", type=float, help="national emissions in the reference year")
    i.add_argument("--national-base-year-tco2e", type=float, help="national emissions in the base year")
    i.add_argument("--gdp-growth", type=float, help="real GDP growth; fraction per year (default: CAREC outlook)")
    i.add_argument("--power-system", choices=list(TIERS), help="intensity tier (default: read from --grid-factor)")
    i.add_argument("--beds-per-1000", type=float, help="hospital beds per 1,000 people (default: CAREC median)")
    i.add_argument("--electricity-price-usd-per-mwh", type=float, help="public-sector tariff; USD per MWh")


def _init(args) -> int:
    from .init_case import NationalFigures, init_case_dict, write_case_file

    figures = NationalFigures(
        country=args.country,
        iso3=args.iso3,
        population=args.population,
        health_expenditure_usd=args.health_expenditure_usd,
        grid_factor_t_per_mwh=args.grid_factor,
        ndc_percent=args.ndc_percent,
        ndc_year=args.ndc_year,
        ndc_type=args.ndc_type,
        base_year=args.base_year,
        source=args.source,
        ndc_reference_year=args.ndc_reference_year,
        national_reference_tco2e=args.national_reference_tco2e,
        national_base_year_tco2e=args.national_base_year_tco2e,
        gdp_growth=args.gdp_growth,
        power_system=args.power_system,
        beds_per_1000=args.beds_per_1000,
        electricity_price_usd_per_mwh=args.electricity_price_usd_per_mwh,
    )
    data = init_case_dict(figures)
    path = write_case_file(data, args.out, force=args.force)
    total = data["baseline_reference"]["total_tco2e"]
    print(f"Wrote {path}: {figures.country}, a {total / 1e3:,.1f} ktCO2e proxy baseline in {figures.base_year}.")
    print(f"Every derived number is an estimate to replace; next: noregret validate {path}; noregret solve {path}")
    return EXIT_OK


def _add_monitoring_parsers(sub) -> None:
    """``noregret track`` and ``noregret replan`` (docs/monitoring.md)."""
    t = sub.add_parser("track", help="plan against actual: units, spend, abatement, emissions and indicators")
    r = sub.add_parser("replan", help="re-solve the years the actuals do not cover, with the past fixed")
    for p in (t, r):
        p.add_argument("case", type=Path, help=CASE_HELP)
        p.add_argument("--actuals", type=Path, required=True, help="the actuals YAML file (docs/monitoring.md)")
        p.add_argument("--variant", help="target variant (default: the actuals' variant, else the case's default)")
        p.add_argument(
            "--original",
            type=Path,
            help="the case as it was when the plan was made (default: CASE): the plan tracked and compared with",
        )
        p.add_argument("--out", type=Path, help="write the tables (CSV) here")
        p.add_argument("--force", action="store_true", help=FORCE_HELP)
        p.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    t.add_argument(
        "--tolerance",
        type=float,
        default=0.10,
        help="share of the plan within which a figure is on track (default 0.10)",
    )
    t.add_argument("--replan", action="store_true", help="also re-plan the years the actuals do not cover")
    r.add_argument("--from", dest="from_year", type=int, help="the first year to re-plan: the year after the actuals")
    r.add_argument(
        "--objective", choices=["min_cost", "max_abatement", "weighted"], help="objective (default: the case's)"
    )


def _monitoring_inputs(args):
    """The actuals checked against CASE, and the original case when --original names one."""
    from .loading import load_case
    from .monitoring.actuals import load_actuals
    from .outputs import check_target

    if not 0.0 <= getattr(args, "tolerance", 0.0) < 1.0:
        raise InputError([Problem("<command line>", "--tolerance", args.tolerance, "a share from 0 to below 1")])
    if args.out:
        check_target(args.out, force=args.force, kind="monitoring")
    actuals = load_actuals(args.actuals, load_case(args.case), args.variant)
    original = load_case(args.original) if args.original else None
    return actuals, original


def _track(args) -> int:
    from .monitoring.render import render_replan, render_tracking
    from .monitoring.replan import replan
    from .monitoring.tracking import track
    from .outputs import output_folder
    from .pyomo_backend import solve

    actuals, original_case = _monitoring_inputs(args)
    with _progress(args) as progress:
        progress("solving the plan", 0, 1)
        plan = solve(original_case or actuals.loaded, actuals.data.variant_name)
        tracking = track(actuals, plan, args.tolerance, progress)
        again = replan(actuals, original=plan, progress=progress) if args.replan else None
    print(render_tracking(tracking))
    if again is not None:
        print()
        print(render_replan(again))
    if args.out:
        with output_folder(args.out, "monitoring", force=args.force) as folder:
            tracking.save(folder)
            if again is not None:
                again.save_tables(folder / "replan")
        print(f"Outputs written to {args.out}/ (track_*.csv{'; replan/' if again is not None else ''})")
    return EXIT_OK


def _replan(args) -> int:
    from .monitoring.render import render_replan
    from .monitoring.replan import replan
    from .outputs import output_folder

    actuals, original_case = _monitoring_inputs(args)
    with _progress(args) as progress:
        again = replan(actuals, args.from_year, args.objective, original_case=original_case, progress=progress)
    print(render_replan(again))
    if args.out:
        with output_folder(args.out, "monitoring", force=args.force) as folder:
            again.save_tables(folder)
        print(f"Outputs written to {args.out}/ (the re-plan's tables; replan_changes.csv)")
    return EXIT_OK
