"""A quiet console: the progress line of long commands is drawn on a terminal only and never with --quiet; no
HiGHS banner and no Pyomo warnings reach the console; ``robust --regret`` runs the README's example as shown."""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from optimizer.cli import REGRET_MAX_SCENARIOS, _parser, main
from optimizer.progress import Reporter, duration, prefixed

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CASE = FIXTURES / "mini_case.yaml"
GEORGIA = ROOT / "cases" / "georgia.yaml"
PIPELINE = ROOT / "cases" / "examples" / "georgia_pipeline.yaml"
SWEEP = {
    "case": "mini_case.yaml",
    "grid": [
        {"path": "budget.total_usd_by_year.2026", "values": [50.0, 300.0]},
        {"path": "variants.unconditional.targets.0.percent", "values": [10.0, 40.0]},
    ],
}


class Terminal(io.StringIO):
    """Standard error as a terminal."""

    def isatty(self) -> bool:
        return True


# ---------------------------------------------------------------------------------------------- the reporter


def test_the_reporter_rewrites_one_line_on_a_terminal_and_clears_it():
    term = Terminal()
    with Reporter(stream=term) as report:
        report("solving cases", 0, 4)
        report("solving cases", 4, 4)  # the last update is drawn however soon it comes
    text = term.getvalue()
    assert text.startswith("\rsolving cases, 0 of 4") and "\rsolving cases, 4 of 4, done" in text
    assert "\n" not in text and text.endswith("\r")  # cleared: the command's output starts on a clean line


def test_the_reporter_says_the_time_left_and_keeps_to_the_width(monkeypatch):
    clock = iter([100.0, 110.0])
    monkeypatch.setattr("optimizer.progress.time.monotonic", lambda: next(clock))
    monkeypatch.setenv("COLUMNS", "40")
    term = Terminal()
    report = Reporter(stream=term)
    report("scenarios", 10, 40)
    report("scenarios", 20, 40)  # 10 in 10 s: 20 more take 20 s
    last = term.getvalue().split("\r")[-1]
    assert last.startswith("scenarios, 20 of 40, about 20 s") and len(last.rstrip()) <= 39


@pytest.mark.parametrize("quiet, stream", [(False, io.StringIO()), (True, Terminal())])
def test_the_reporter_draws_nothing_off_a_terminal_or_when_quiet(quiet, stream):
    with Reporter(quiet=quiet, stream=stream) as report:
        report("solving cases", 1, 4)
    assert stream.getvalue() == ""


def test_durations_and_prefixes():
    assert [duration(s) for s in (0.2, 42, 190, 3900)] == ["<1 s", "42 s", "3 min 10 s", "1 h 05 min"]
    seen = []
    prefixed(lambda *a: seen.append(a), "diagnosis, ")("shadow prices", 1, 2, "")
    assert seen == [("diagnosis, shadow prices", 1, 2, "")]


# ---------------------------------------------------------------------------------------------- every command


@pytest.fixture
def work(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(FIXTURES, work, ignore=shutil.ignore_patterns("orlib"))
    (work / "sweep.yaml").write_text(yaml.safe_dump(SWEEP))
    (work / "manifest.yaml").write_text(yaml.safe_dump({"cases": ["mini_case.yaml"]}))
    return work


def _commands(work: Path, out: Path) -> dict[str, list[str]]:
    case = str(work / "mini_case.yaml")
    return {
        "batch": ["batch", str(work / "manifest.yaml"), "--out", str(out / "batch"), "--workers", "1"],
        "explain": ["explain", case],
        "alternatives": ["alternatives", case, "-k", "2", "--tolerance", "1.0"],
        "report": ["report", case, "--format", "md", "--out", str(out / "report")],
        "report manifest": ["report", str(work / "manifest.yaml"), "--format", "md", "--out", str(out / "regional")],
        "sweep": ["sweep", str(work / "sweep.yaml"), "--out", str(out / "sweep"), "--workers", "1"],
        "robust": ["robust", str(out / "sweep"), "--regret"],
        "tornado": ["tornado", str(GEORGIA), "--parameters", "discount_rate", "--workers", "1"],
        "pipeline": ["pipeline", str(PIPELINE), "--levels", "1", "--refine", "0", "--out", str(out / "pipeline")],
    }


SHOWN = {
    "batch": "solving cases, 0 of 1",
    "explain": "step 5 of 5: switching values",
    "alternatives": "finding distinct portfolios, 0 of 3",
    "report": "diagnosis, step 1 of 4",
    "report manifest": "diagnosis and tables of each case, 0 of 1",
    "sweep": "solving scenarios, 0 of 4",
    "robust": "minimax regret: regret in each scenario, 0 of 4",
    "tornado": "solving each parameter at its low and high value, 0 of 3",
    "pipeline": "solving budget levels",
}


@pytest.mark.slow
def test_every_long_command_shows_progress_on_a_terminal_only_and_not_with_quiet(work, tmp_path, monkeypatch, capsys):
    """Each command three times: stderr a terminal (progress, rewritten in place and cleared), the same with
    --quiet (no progress), and stderr captured as a file (no progress)."""
    monkeypatch.setenv("COLUMNS", "200")
    for name, argv in _commands(work, tmp_path / "out").items():
        for run in ("tty", "quiet", "file"):
            if name == "sweep" and run != "tty":  # a new folder each time
                argv = [*argv[:3], str(tmp_path / "out" / f"sweep-{run}"), *argv[4:]]
            force = ["--force"] if "--out" in argv and name != "sweep" else []
            quiet = ["--quiet"] if run == "quiet" else []
            with monkeypatch.context() as patch:
                term = Terminal()
                if run != "file":
                    patch.setattr(sys, "stderr", term)
                assert main(argv + force + quiet) == 0, (name, run)
            err = term.getvalue() if run != "file" else capsys.readouterr().err
            if run == "tty":
                assert "\r" + SHOWN[name] in err and err.endswith("\r"), (name, err[-300:])
            else:  # the mini case's plausibility warnings are no progress: they stay
                assert "\r" not in err and SHOWN[name] not in err, (name, run, err)
            capsys.readouterr()


def _run_with_pty(argv: list[str], cwd: Path) -> tuple[str, str]:
    """Run ``python -m optimizer ARGV`` with standard error on a pseudo-terminal: (stdout, what the terminal
    showed)."""
    master, slave = os.openpty()
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer", *argv], cwd=cwd, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    reader.start()
    stdout, _ = proc.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(master)
    assert proc.returncode == 0, b"".join(chunks).decode(errors="replace")
    return stdout.decode(), b"".join(chunks).decode(errors="replace")


@pytest.mark.slow
def test_progress_on_a_pseudo_terminal_and_not_on_a_pipe(work, tmp_path):
    argv = ["batch", "manifest.yaml", "--out", str(tmp_path / "b"), "--workers", "1", "--force"]
    stdout, shown = _run_with_pty(argv, work)
    assert "\rsolving cases, 0 of 1" in shown and "solving cases" not in stdout and "Testland" in stdout
    _, shown = _run_with_pty([*argv, "--quiet"], work)
    assert "solving cases" not in shown
    piped = subprocess.run(
        [sys.executable, "-m", "optimizer", *argv], cwd=work, capture_output=True, text=True, timeout=300
    )
    assert piped.returncode == 0 and "\r" not in piped.stderr and "solving cases" not in piped.stderr


# ------------------------------------------------------------------------------------- banners and warnings

BANNER = "Running HiGHS"


def _fresh_process(code: str) -> str:
    """Stdout and stderr of ``code`` run in a new interpreter (HiGHS prints its banner once per process: on the
    first ``highspy.Highs`` made)."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend",
    [
        "from optimizer.pyomo_backend import solve\nsolve(loaded)",  # Pyomo, HiGHS through APPSI
        "from optimizer.persistent import PersistentHighs, solve_in_place\nsolve_in_place(loaded, PersistentHighs())",
    ],
    ids=["pyomo", "in_place"],
)
def test_no_highs_banner_from_either_backend(backend):
    assert BANNER in _fresh_process("import highspy\nhighspy.Highs()")  # what would leak, in this highspy
    printed = _fresh_process(f"from optimizer import load_case\nloaded = load_case({str(CASE)!r})\n{backend}\n")
    assert BANNER not in printed and "Copyright" not in printed


@pytest.mark.slow
def test_no_highs_banner_from_the_commands_that_solve_in_worker_processes(tmp_path):
    for argv in (
        ["tornado", str(GEORGIA), "--parameters", "discount_rate", "--workers", "2"],
        ["explain", str(CASE)],
        ["alternatives", str(CASE), "-k", "1", "--tolerance", "1.0"],
    ):
        proc = subprocess.run([sys.executable, "-m", "optimizer", *argv], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert BANNER not in proc.stdout + proc.stderr and "WARNING (" not in proc.stdout + proc.stderr, argv


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def pyomo_warnings():
    handler = _Collect()
    logger = logging.getLogger("pyomo")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def test_a_shared_plan_on_a_bound_up_to_rounding_is_fixed_without_a_warning(pyomo_warnings, capsys):
    """The shared MILP's plan lies on a scenario's bound up to rounding (74.80000000000003 for 74.8): fixing it
    there must not warn (W1002, 360 times over the README's sweep); beyond rounding the plan breaks that
    scenario's limit."""
    from optimizer.loading import load_case
    from optimizer.model import build_model
    from optimizer.prepare import prepare
    from optimizer.sweep.regret import portfolio_objective

    data = prepare(load_case(CASE))
    m = build_model(data, "min_cost")
    key = next(k for k in m.build_index_set if m.build[k].ub is not None and not m.build[k].is_integer())
    bound = m.build[key].ub
    at = portfolio_objective(data, {key: bound}, {})
    rounded = portfolio_objective(data, {key: bound * (1 + 4e-16) + 1e-13}, {})
    assert at is not None and rounded == pytest.approx(at)
    assert portfolio_objective(data, {key: bound * 1.01 + 1}, {}) is None
    printed = capsys.readouterr()
    assert not pyomo_warnings and "W1002" not in printed.out + printed.err


@pytest.mark.slow
def test_robust_regret_prints_no_pyomo_warning(work, tmp_path, pyomo_warnings, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", str(work / "sweep.yaml"), "--out", str(out), "--workers", "1"]) == 0
    assert main(["robust", str(out), "--regret"]) == 0
    printed = capsys.readouterr()
    assert not pyomo_warnings and "WARNING (" not in printed.out + printed.err and "W1002" not in printed.out
    assert "minimax_regret:" in printed.out


# -------------------------------------------------------------------------------- the README's regret example


def test_the_default_regret_limit_covers_the_readme_example():
    """README: noregret sweep docs/examples/sweep-georgia.yaml (120 scenarios), then noregret robust --regret
    with no other flag."""
    from optimizer.loading import load_case
    from optimizer.sweep.spec import load_sweep_spec, scenarios

    spec_file = ROOT / "docs" / "examples" / "sweep-georgia.yaml"
    spec, case_path = load_sweep_spec(spec_file)
    count = len(scenarios(spec, load_case(case_path), where=str(spec_file)))
    assert count == 120
    assert _parser().parse_args(["robust", "somewhere", "--regret"]).max_scenarios == REGRET_MAX_SCENARIOS >= count
    readme = (ROOT / "README.md").read_text()
    assert "noregret robust outputs/sweep-georgia --regret" in readme


@pytest.mark.slow
def test_the_readme_regret_example_runs_without_flags_on_fewer_draws(tmp_path, capsys):
    """The README's sweep and regret commands on its example with 2 Monte Carlo draws instead of 20 (12
    scenarios, the same case and overrides); the full 120 take about a minute (see the README)."""
    spec = yaml.safe_load((ROOT / "docs" / "examples" / "sweep-georgia.yaml").read_text())
    spec["case"] = str(GEORGIA)
    spec["monte_carlo"]["samples"] = 2
    spec_file = tmp_path / "sweep-georgia.yaml"
    spec_file.write_text(yaml.safe_dump(spec))
    out = tmp_path / "sweep-georgia"
    assert main(["sweep", str(spec_file), "--out", str(out)]) == 0
    assert main(["robust", str(out), "--regret"]) == 0
    printed = capsys.readouterr()
    assert "minimax_regret:" in printed.out and "expected_cost:" in printed.out and printed.err == ""
    assert (out / "regret.csv").is_file()


def test_more_scenarios_than_the_limit_say_how_long_they_may_take(work, tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", str(work / "sweep.yaml"), "--out", str(out), "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["robust", str(out), "--regret", "--max-scenarios", "2"]) == 2
    err = capsys.readouterr().err
    assert "at least the 4 solved scenarios" in err and "Pass --max-scenarios 4" in err and "minute" in err
