"""Solve every case of a manifest and compare them in one table."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, Problem, SolverFailure
from .loading import LoadedCase, is_manifest_data, load_case
from .outputs import atomic_write_text, check_target, ensure_folder, protect_inputs
from .progress import ProgressFn, silent
from .schema.manifest import Manifest
from .validation import parse_model
from .yaml_io import read_yaml_mapping

if TYPE_CHECKING:
    import pandas as pd

    from .results import Result

COMPARISON_COLUMNS = [
    "case",
    "country",
    "variant",
    "status",
    "bau_tco2e",
    "target_tco2e",
    "optimised_tco2e",
    "shortfall_tco2e",
    "capex_usd",
    "spend_usd",
    "npv_usd",
    "selected",
    "seconds",
]


@dataclass
class BatchResult:
    year: int
    comparison: pd.DataFrame
    results: dict
    failures: dict[str, str]


@dataclass
class _Solved:
    """What solving one case sends back from a worker process (a SolverFailure as its status and text)."""

    result: Result | None
    failure: tuple[str, str] | None
    seconds: float


def _solve_one(loaded: LoadedCase, variant: str) -> _Solved:
    from .pyomo_backend import solve

    started = time.perf_counter()
    try:
        result = solve(loaded, variant=variant)
    except SolverFailure as err:
        return _Solved(None, (err.status, str(err)), time.perf_counter() - started)
    return _Solved(result, None, time.perf_counter() - started)


def _solve_all(jobs: list[tuple[LoadedCase, str]], workers: int, progress: ProgressFn = silent) -> list[_Solved]:
    """Solve every (case, variant), in ``workers`` processes (one case per process at a time; HiGHS runs on
    one thread, so two cases on two cores beat two threads on one case). Results come back in job order and
    equal a one-process run's: each solve is deterministic (fixed seed, one thread). ``progress`` hears of
    each case solved."""
    what = "solving cases"
    progress(what, 0, len(jobs))
    if workers <= 1 or len(jobs) <= 1:
        solved = []
        for lc, v in jobs:
            solved.append(_solve_one(lc, v))
            progress(what, len(solved), len(jobs))
        return solved
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from . import pyomo_backend  # noqa: F401  imported once here: forked workers start with it loaded

    # longest first keeps both cores busy to the end; the sizes of the models are a good proxy
    order = sorted(range(len(jobs)), key=lambda k: -_size(jobs[k][0]))
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = {k: pool.submit(_solve_one, *jobs[k]) for k in order}
        for done, _ in enumerate(as_completed(futures.values()), start=1):
            progress(what, done, len(jobs))
        return [futures[k].result() for k in range(len(jobs))]


def _size(loaded: LoadedCase) -> int:
    return len(loaded.library.interventions) * len(loaded.case.sources)


def is_manifest(path: Path) -> bool:
    """A YAML file listing cases (not a case file itself)."""
    if not (path.is_file() and path.suffix in (".yaml", ".yml")):
        return False
    return is_manifest_data(read_yaml_mapping(path))


def load_manifest(path: Path) -> tuple[Manifest, list[LoadedCase]]:
    """Read the manifest and load every case; all input problems are reported together."""
    from .checks import duplicates

    data = read_yaml_mapping(path)
    protect_inputs(path)
    if "cases" not in data and "country" in data:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "<a case file>",
                    "a manifest listing case files under 'cases:' (to solve one case: noregret solve CASE.yaml)",
                )
            ]
        )
    manifest = parse_model(Manifest, data, str(path))
    problems: list[Problem] = [  # the output folder of a case is named after its file
        Problem(
            p.file,
            p.path,
            manifest.cases[int(p.path[6:-1])],
            f"case files with distinct names (two cases named '{p.value}' would write the same output folder)",
        )
        for p in duplicates(str(path), "cases", [Path(name).stem for name in manifest.cases], "case")
    ]
    loaded: list[LoadedCase] = []
    library_cache: dict = {}
    for k, name in enumerate(manifest.cases):
        case_path = path.parent / name
        if not case_path.is_file():
            problems.append(Problem(str(path), f"cases[{k}]", name, f"an existing case file ({case_path})"))
            continue
        try:
            lc = load_case(case_path, library_cache=library_cache)
            loaded.append(lc)
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    return manifest, loaded


def run_batch(
    path: Path,
    variant: str | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    workers: int = 1,
    progress: ProgressFn | None = None,
) -> BatchResult:
    """Solve every case of the manifest (in ``workers`` processes); with ``out_dir``, write each result to
    ``out_dir/<case file name>``. ``progress`` hears of each case solved (:mod:`optimizer.progress`).

    ``out_dir`` is a shared parent (like ``outputs/``): it may hold anything else. Each case folder appears
    whole and replaces a previous result; a case folder holding other files is refused unless ``force``
    (checked for every case before the first solve). ``comparison.csv`` is replaced in one step."""
    manifest, cases = load_manifest(path)
    if out_dir is not None:
        ensure_folder(out_dir)
        for lc in cases:
            check_target(out_dir / lc.path.stem, force=force, kind="result")
    year = manifest.comparison_year
    import pandas as pd

    jobs = [(lc, variant if variant and variant in lc.case.variants else lc.case.default_variant) for lc in cases]
    rows, results, failures = [], {}, {}
    for (lc, chosen), solved in zip(jobs, _solve_all(jobs, workers, progress or silent)):
        if solved.result is None:
            status, message = solved.failure
            failures[lc.path.stem] = f"{status}: {message}"
            rows.append({"case": lc.path.stem, "country": lc.case.country.iso3, "variant": chosen, "status": status})
            continue
        results[lc.path.stem] = solved.result
        if out_dir is not None:
            solved.result.save(out_dir / lc.path.stem, force=force)
        rows.append(_comparison_row(lc, chosen, solved.result, year, solved.seconds))
    comparison = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    if out_dir is not None:
        atomic_write_text(out_dir / "comparison.csv", comparison.to_csv(index=False, float_format="%.10g"))
    return BatchResult(year, comparison, results, failures)


def _comparison_row(lc: LoadedCase, variant: str, result, year: int, seconds: float) -> dict:
    pw = result.pathway.set_index("year")
    at = pw.loc[year] if year in pw.index else None
    s = result.summary
    return {
        "case": lc.path.stem,
        "country": lc.case.country.iso3,
        "variant": variant,
        "status": s["status"],
        "bau_tco2e": float(at["bau_tco2e"]) if at is not None else math.nan,
        "target_tco2e": float(at["target_tco2e"]) if at is not None else math.nan,
        "optimised_tco2e": float(at["optimised_tco2e"]) if at is not None else math.nan,
        "shortfall_tco2e": float(at["shortfall_tco2e"]) if at is not None else math.nan,
        "capex_usd": float(sum(s["capex_usd_by_year"].values())),
        "spend_usd": float(sum(s["spend_usd_by_year"].values())),
        "npv_usd": s["npv_usd"],
        "selected": len(s["selected_interventions"]),
        "seconds": seconds,
    }


def render_comparison(comparison: pd.DataFrame, year: int, names: dict[str, str] | None = None) -> str:
    """The comparison as a printed table: one row per case, named by ``names`` (case -> country name; the case
    file's name when absent), emissions in ktCO2e, money in US$ m, the solve time in seconds; every column as
    wide as its widest value, so that the columns line up."""
    from .formatting import aligned, money_millions, number

    names = names or {}

    def kt(x):
        return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x / 1e3:,.1f}"

    heads = ["country", "variant", "status", f"BAU {year}", "target", "optimised", "shortfall", "capex", "NPV"]
    heads.append("solve time")
    units = ["", "", "", "ktCO2e", "ktCO2e", "ktCO2e", "ktCO2e", "US$ m", "US$ m", "seconds"]
    rows = [
        [
            names.get(r.case, r.case),
            str(r.variant),
            str(r.status),
            kt(r.bau_tco2e),
            kt(r.target_tco2e),
            kt(r.optimised_tco2e),
            kt(r.shortfall_tco2e),
            money_millions(r.capex_usd),
            money_millions(r.npv_usd),
            number(r.seconds),
        ]
        for r in comparison.itertuples()
    ]
    return aligned([heads, units, *rows], left=3)  # the first three columns are text
