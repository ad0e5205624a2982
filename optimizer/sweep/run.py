"""Run a sweep: every scenario solved (in worker processes), each result written to disk as soon as it is
done, so an interrupted sweep resumes where it stopped, losing and duplicating nothing.

Layout of the output directory::

    sweep.json                 the spec, its scenario ids in order, and the input hash (checked on resume)
    summary/<key>.parquet      one row per finished scenario: status, error, objective, cost, shortfall, ...
    portfolio/<key>.parquet    the scenario's selected interventions (start year, units, capex, abatement)
    trajectory/<key>.parquet   the scenario's optimised emissions in every roadmap year

Each scenario's files are written to temporary names and renamed, the summary last: a scenario counts
as done exactly when its summary file exists. ``sweep.json`` is written the same way
(:func:`optimizer.outputs.atomic_write_text`), so it is complete or absent, and the folder carries the
``.noregret-output`` marker of kind ``sweep``. A new sweep needs a new or empty folder.

Each worker process keeps one HiGHS model and changes it in place from scenario to scenario
(:mod:`optimizer.persistent`); ``rebuild=True`` builds and loads a Pyomo model for every scenario instead
(the reference path, and the benchmark's baseline). Both give the same results."""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem, SolverFailure
from ..loading import load_case
from ..outputs import MARKER, atomic_write_text, ensure_folder, out_problem, write_marker
from ..persistent import process_solver, solve_in_place
from ..progress import ProgressFn, silent
from ..results import Pick, ScenarioResult, extract_scenario
from .paths import apply_settings
from .spec import Scenario, load_sweep_spec, scenarios

SWEEP_FILE = "sweep.json"
SUMMARY_COLUMNS = [
    "scenario_id",
    "overrides",
    "settings",
    "status",
    "error",
    "objective_value",
    "net_present_cost_usd",
    "npv_usd",
    "total_shortfall_tco2e",
    "spend_usd",
    "selected",
    "final_year",
    "final_year_emissions_tco2e",
    "solve_seconds",
]


@dataclass
class SweepRun:
    out_dir: Path
    total: int
    done_before: int
    solved_now: int
    failed_now: int
    interrupted: bool


def _key(scenario_id: str) -> str:
    return hashlib.sha256(scenario_id.encode()).hexdigest()[:24]


@lru_cache(maxsize=4)
def _base_case(case_path: str):
    return load_case(Path(case_path))


def solve_scenario(
    case_path: str, variant: str | None, scenario: Scenario, rebuild: bool = False
) -> tuple[dict, list[dict], list[dict]]:
    """Solve one scenario: its summary row, its picks (programmes and projects) and its trajectory rows;
    failures become a row with status 'error' (the sweep goes on)."""
    started = time.perf_counter()
    row = {
        "scenario_id": scenario.id,
        "overrides": "+".join(scenario.overrides),
        "settings": json.dumps(scenario.settings, sort_keys=True),
    }
    try:
        loaded = apply_settings(_base_case(case_path), scenario.settings)
        result = (
            solve(loaded, variant=variant)
            if rebuild
            else solve_in_place(loaded, process_solver(case_path), variant=variant, extract=extract_scenario)
        )
    except (InputError, SolverFailure) as err:
        detail = "; ".join(str(p) for p in err.problems) if isinstance(err, InputError) else f"{err.status}: {err}"
        row.update(status="error", error=f"{type(err).__name__}: {detail}"[:1000])
        row["solve_seconds"] = time.perf_counter() - started
        return row, [], []
    row.update(
        status=result.status,
        error="",
        objective_value=result.objective_value,
        net_present_cost_usd=result.net_present_cost_usd,
        npv_usd=result.npv_usd,
        total_shortfall_tco2e=result.total_shortfall_tco2e,
        spend_usd=result.spend_usd,
        selected=len(result.programmes),
        final_year=result.final_year,
        final_year_emissions_tco2e=result.final_year_emissions_tco2e,
        solve_seconds=time.perf_counter() - started,
    )
    picks = [_pick_row(scenario.id, p) for p in result.programmes + result.projects]
    trajectory = [
        {"scenario_id": scenario.id, "year": year, "emissions_tco2e": tco2e}
        for year, tco2e in result.emissions_by_year_tco2e.items()
    ]
    return row, picks, trajectory


def _pick_row(scenario_id: str, pick: Pick) -> dict:
    """A row of ``portfolio/<key>.parquet`` (a programme) or ``projects/<key>.parquet`` (a project)."""
    row = (
        {"scenario_id": scenario_id} if pick.project is None else {"scenario_id": scenario_id, "project": pick.project}
    )
    row.update(
        intervention=pick.intervention,
        family=pick.family,
        start_year=pick.start_year,
        units=pick.units,
        capex_usd=pick.capex_usd,
        abatement_target_year_tco2e=pick.abatement_target_year_tco2e,
    )
    return row


def solve(loaded, variant) -> ScenarioResult:  # indirection so tests can count or fail solves
    from ..pyomo_backend import solve as _solve

    return _solve(loaded, variant=variant, extract=extract_scenario)


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


PORTFOLIO_COLUMNS = [
    "scenario_id",
    "intervention",
    "family",
    "start_year",
    "units",
    "capex_usd",
    "abatement_target_year_tco2e",
]
"""``portfolio/<key>.parquet``: the national programmes a scenario's optimum selects."""

PROJECT_COLUMNS = ["scenario_id", "project", *PORTFOLIO_COLUMNS[1:]]
"""``projects/<key>.parquet``: the pipeline projects a scenario's optimum chooses (cases with a pipeline)."""

TRAJECTORY_COLUMNS = ["scenario_id", "year", "emissions_tco2e"]
"""``trajectory/<key>.parquet``: a scenario's optimised emissions (tCO2e) in every roadmap year."""


def _record(out: Path, row: dict, picks: list[dict], trajectory: list[dict]) -> None:
    key = _key(row["scenario_id"])
    _write_atomic(pd.DataFrame(trajectory, columns=TRAJECTORY_COLUMNS), out / "trajectory" / f"{key}.parquet")
    projects = [p for p in picks if "project" in p]
    if (out / "projects").is_dir():  # made by run_sweep for a case with a pipeline
        _write_atomic(pd.DataFrame(projects, columns=PROJECT_COLUMNS), out / "projects" / f"{key}.parquet")
    picks = [p for p in picks if "project" not in p]
    portfolio = pd.DataFrame(picks, columns=PORTFOLIO_COLUMNS)
    _write_atomic(portfolio, out / "portfolio" / f"{key}.parquet")
    _write_atomic(pd.DataFrame([row], columns=SUMMARY_COLUMNS), out / "summary" / f"{key}.parquet")


def _fingerprint(spec_file: Path, case_digest: str, ids: list[str]) -> dict:
    return {
        "spec_file": str(Path(spec_file).resolve()),  # robust reads it from anywhere
        "spec_sha256": hashlib.sha256(spec_file.read_bytes()).hexdigest(),
        "input_sha256": case_digest,
        "scenarios": ids,
    }


def _prepare_out(out: Path, fingerprint: dict, resume: bool) -> set[str]:
    """Start the output folder of a new sweep, or check the one being resumed; return the done keys.

    A new sweep needs a new or empty folder (a folder left by a sweep killed before its ``sweep.json`` was
    written counts as empty); with ``resume`` and an existing ``sweep.json``, the spec and inputs must match."""
    if out.is_file():
        raise out_problem(out, "--out", "<a file>", "a folder (this is a file)")
    meta = out / SWEEP_FILE
    if meta.exists():
        if not resume:
            raise InputError(
                [
                    Problem(
                        str(out),
                        "",
                        "<existing sweep>",
                        "an empty output directory, or --resume to continue the sweep in it",
                    )
                ]
            )
        recorded = read_sweep_meta(out)
        if {k: recorded.get(k) for k in fingerprint} != fingerprint:
            raise InputError(
                [
                    Problem(
                        str(meta),
                        "",
                        "<different sweep>",
                        "the same spec and inputs as the sweep being resumed (the spec or the case changed)",
                    )
                ]
            )
    else:
        _check_unused(out)
        ensure_folder(out)
        write_marker(out, "sweep")
        atomic_write_text(meta, json.dumps(fingerprint, indent=1))
    for sub in ("summary", "portfolio", "trajectory"):  # trajectory: also when resuming an older sweep
        (out / sub).mkdir(exist_ok=True)
    return {p.stem for p in (out / "summary").glob("*.parquet")}


def _check_unused(out: Path) -> None:
    """Refuse a folder holding anything but what a sweep killed before writing ``sweep.json`` leaves."""
    if not out.is_dir():
        return
    left = sorted(p.name for p in out.iterdir() if p.name != MARKER and not p.name.startswith(f".{SWEEP_FILE}."))
    if left:
        raise out_problem(
            out,
            "--out",
            "<a folder of other files>",
            f"a new or empty folder for a new sweep; this one holds {', '.join(left[:3])}"
            f"{' and more' if len(left) > 3 else ''} and no sweep.json: choose another folder",
        )


def read_sweep_meta(out: Path) -> dict:
    """The contents of ``out/sweep.json`` (spec file, hashes, scenario ids), checked.

    Raises an :class:`InputError` saying what to do when it is missing, unreadable, empty or damaged."""
    out = Path(out)
    meta = out / SWEEP_FILE
    if not meta.is_file():
        raise InputError([Problem(str(out), "", "<no sweep.json>", "a directory written by noregret sweep")])
    try:
        recorded = json.loads(meta.read_text())
    except OSError as err:
        raise InputError([Problem(str(meta), "", "<unreadable>", f"a readable file ({err.strerror or err})")]) from None
    except ValueError:
        recorded = None
    if not (
        isinstance(recorded, dict)
        and isinstance(recorded.get("spec_file"), str)
        and isinstance(recorded.get("scenarios"), list)
    ):
        raise InputError(
            [
                Problem(
                    str(meta),
                    "",
                    "<empty or damaged>",
                    "the sweep.json noregret sweep writes; this one is empty or damaged (a run was "
                    "killed while writing it): start the sweep again, without --resume, into an "
                    "empty folder",
                )
            ]
        )
    return recorded


def _run_dask(address: str, workers: int, case_path: str, variant, todo, on_result, rebuild: bool) -> None:
    """Solve on a Dask cluster: ``address`` is a scheduler (``tcp://host:port``) or ``local`` for a
    LocalCluster of ``workers`` single-threaded processes. Results come back here and are written here."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        if address == "local"
        else None
    )
    client = Client(cluster if cluster is not None else address)
    try:
        futures = [client.submit(solve_scenario, case_path, variant, s, rebuild, pure=False) for s in todo]
        for future in as_completed(futures):
            on_result(*future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_sweep(
    spec_file: Path,
    out: Path,
    workers: int | None = None,
    resume: bool = False,
    max_scenarios: int | None = None,
    progress: ProgressFn | None = None,
    scheduler: str | None = None,
    rebuild: bool = False,
) -> SweepRun:
    """Solve every scenario not yet done; ``max_scenarios`` stops after that many (a sweep run in slices).
    ``scheduler``: None for local processes, ``local`` for a Dask LocalCluster, or a Dask scheduler address.
    ``rebuild``: build a Pyomo model per scenario instead of changing one HiGHS model in place.
    ``progress`` hears of each scenario done, resumed ones counted (:mod:`optimizer.progress`)."""
    spec, case_path = load_sweep_spec(Path(spec_file))
    base = load_case(case_path)
    todo_all = scenarios(spec, base, where=str(spec_file))
    fingerprint = _fingerprint(Path(spec_file), base.digest, [s.id for s in todo_all])
    done_keys = _prepare_out(Path(out), fingerprint, resume)
    if base.projects is not None:
        (Path(out) / "projects").mkdir(exist_ok=True)
    todo = [s for s in todo_all if _key(s.id) not in done_keys]
    if max_scenarios is not None:
        todo = todo[:max_scenarios]
    workers = workers or os.cpu_count() or 1
    interrupted = False
    counts = {"solved": 0, "failed": 0}
    report = progress or silent
    total = len(done_keys) + len(todo)  # this run's end (a slice with max_scenarios)
    report("solving scenarios", len(done_keys), total)

    def on_result(row: dict, picks: list[dict], trajectory: list[dict]) -> None:
        _record(Path(out), row, picks, trajectory)
        counts["solved"] += 1
        counts["failed"] += row["status"] == "error"
        note = f"{counts['failed']} failed" if counts["failed"] else ""
        report("solving scenarios", len(done_keys) + counts["solved"], total, note)

    try:
        if scheduler is not None:
            _run_dask(scheduler, workers, str(case_path), spec.variant, todo, on_result, rebuild)
        elif workers <= 1:
            for scenario in todo:
                on_result(*solve_scenario(str(case_path), spec.variant, scenario, rebuild))
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pending = {pool.submit(solve_scenario, str(case_path), spec.variant, s, rebuild) for s in todo}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        on_result(*future.result())
    except (KeyboardInterrupt, BrokenProcessPool):  # Ctrl-C, or a worker process killed
        interrupted = True
    return SweepRun(Path(out), len(todo_all), len(done_keys), counts["solved"], counts["failed"], interrupted)


def load_sweep_projects(out: Path, summary: pd.DataFrame) -> pd.DataFrame | None:
    """The pipeline projects chosen in every finished scenario of ``summary`` (None: the sweep's case has no
    pipeline)."""
    folder = Path(out) / "projects"
    if not folder.is_dir():
        return None
    parts = [pd.read_parquet(f) for f in sorted(folder.glob("*.parquet"))]
    projects = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PROJECT_COLUMNS)
    return projects[projects["scenario_id"].isin(set(summary["scenario_id"]))].reset_index(drop=True)


def load_sweep_trajectories(out: Path, summary: pd.DataFrame) -> pd.DataFrame:
    """The optimised emissions by year of every finished scenario of ``summary`` (``TRAJECTORY_COLUMNS``;
    empty for a sweep written before trajectories were recorded)."""
    folder = Path(out) / "trajectory"
    parts = [pd.read_parquet(f) for f in sorted(folder.glob("*.parquet"))] if folder.is_dir() else []
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    frame = frame.astype({"scenario_id": str, "year": int, "emissions_tco2e": float})  # failed: empty files
    return frame[frame["scenario_id"].isin(set(summary["scenario_id"]))].reset_index(drop=True)


def load_sweep(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, portfolio) of every finished scenario, in the spec's scenario order."""
    out = Path(out)
    order = {sid: k for k, sid in enumerate(read_sweep_meta(out)["scenarios"])}
    files = sorted((out / "summary").glob("*.parquet"))
    summary = (
        pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        if files
        else pd.DataFrame(columns=SUMMARY_COLUMNS)
    )
    summary = summary.sort_values("scenario_id", key=lambda s: s.map(order)).reset_index(drop=True)
    done = set(summary["scenario_id"])
    parts = [pd.read_parquet(f) for f in sorted((out / "portfolio").glob("*.parquet"))]
    portfolio = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["scenario_id"])
    portfolio = portfolio[portfolio["scenario_id"].isin(done)]  # a portfolio without its summary is unfinished
    return summary, portfolio.reset_index(drop=True)
