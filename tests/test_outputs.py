"""Outputs are all-or-nothing: an interrupted write leaves the old output or the new one, whole, never a
mix; a previous output is replaced whole; a folder holding the user's files is refused (kept intact) unless
--force; a file or an unwritable place given as --out, a damaged sweep.json and a full disk are reported
cleanly (exit 2, no traceback)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from optimizer import load_case, solve
from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.outputs import MARKER, atomic_write_text, output_folder, read_marker
from optimizer.sweep.run import run_sweep

FIXTURES = Path(__file__).parent / "fixtures"
SPEC = {"case": "mini_case.yaml", "grid": [{"path": "budget.total_usd_by_year.2026", "values": [50.0, 300.0]}]}
DEAD_PID = 999_999_999  # above Linux's largest pid: no such process


@pytest.fixture
def workspace(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(FIXTURES / "mini_library", work / "mini_library")
    shutil.copy(FIXTURES / "mini_case.yaml", work / "mini_case.yaml")
    (work / "sweep.yaml").write_text(yaml.safe_dump(SPEC))
    return work


@pytest.fixture(scope="module")
def two_results():
    """Two different results of the mini case (they differ in every table that depends on the plan)."""
    loaded = load_case(FIXTURES / "mini_case.yaml")
    return solve(loaded, objective="min_cost"), solve(loaded, objective="max_abatement")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hidden(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def _solve(case: Path, out: Path, capsys, *extra) -> tuple[int, str]:
    code = main(["solve", str(case), "--out", str(out), "--quiet", *extra])
    return code, capsys.readouterr().err


class _StopAt:
    """Replaces os.rename and os.replace: the n-th call raises ``exc`` instead (a kill at that moment)."""

    def __init__(self, n: int, exc: type[BaseException]):
        self.n, self.exc, self.calls = n, exc, 0
        self.rename, self.replace = os.rename, os.replace

    def install(self, monkeypatch) -> None:
        monkeypatch.setattr(os, "rename", lambda a, b, **kw: self._call(self.rename, a, b, **kw))
        monkeypatch.setattr(os, "replace", lambda a, b, **kw: self._call(self.replace, a, b, **kw))

    def _call(self, real, a, b, **kw):
        self.calls += 1
        if self.calls == self.n:
            raise self.exc()
        return real(a, b, **kw)


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit])
def test_interrupted_save_leaves_old_or_new_result_whole(two_results, tmp_path, monkeypatch, exc):
    old, new = two_results
    want_old, want_new = _files(old.save(tmp_path / "ref_old")), _files(new.save(tmp_path / "ref_new"))
    assert want_old != want_new
    parent = tmp_path / "runs"
    seen = set()
    for n in range(1, 30):
        shutil.rmtree(parent, ignore_errors=True)
        old.save(parent / "out")
        stop = _StopAt(n, exc)
        with monkeypatch.context() as m:
            stop.install(m)
            try:
                new.save(parent / "out")
                finished = True
            except exc:
                finished = False
        got = _files(parent / "out")
        assert got in (want_old, want_new), f"a mix of two results after a stop at rename {n}"
        assert sorted(p.name for p in parent.iterdir()) == ["out"], f"leftovers after a stop at rename {n}"
        seen.add("old" if got == want_old else "new")
        if finished:
            assert got == want_new
            break
    else:
        pytest.fail("the save never finished")
    assert seen == {"old", "new"}  # the stops fell both before and after the switch


def test_leftovers_of_a_killed_write_are_tidied_by_the_next(two_results, tmp_path):
    """A hard kill between renaming the old folder aside and the new one in leaves no target; the next
    write into it puts the old one back, then replaces it; leftovers of dead processes go."""
    old, new = two_results
    parent = tmp_path / "runs"
    old.save(parent / "out")
    os.rename(parent / "out", parent / f".out.noregret-old-{DEAD_PID}-abcd")
    (parent / f".out.noregret-new-{DEAD_PID}-xyz").mkdir()
    (parent / f".out.noregret-new-{DEAD_PID}-xyz" / "portfolio.csv").write_text("half")
    running = parent / f".out.noregret-new-{os.getpid()}-mine"  # a write of a running process: left alone
    running.mkdir()
    with output_folder(parent / "out", kind="result") as staging:
        assert read_marker(parent / "out")["kind"] == "result"  # the old result is back while we stage
        (staging / "x.txt").write_text("new")
    assert sorted(p.name for p in parent.iterdir()) == [running.name, "out"]
    assert sorted(p.name for p in (parent / "out").iterdir()) == [MARKER, "x.txt"]
    new.save(parent / "out")  # a previous noregret output: replaced whole
    assert "x.txt" not in {p.name for p in (parent / "out").iterdir()}


def test_error_inside_the_block_leaves_target_untouched(two_results, tmp_path):
    old, _ = two_results
    out = old.save(tmp_path / "out")
    before = _files(out)
    with pytest.raises(RuntimeError), output_folder(out, kind="result") as staging:
        (staging / "half.csv").write_text("a,b\n")
        raise RuntimeError("failed half way")
    assert _files(out) == before and _hidden(tmp_path) == []


def test_previous_result_is_replaced_whole(workspace, capsys):
    out = workspace / "out"
    assert _solve(workspace / "mini_case.yaml", out, capsys)[0] == 0
    (out / "report.html").write_text("<p>an old report</p>")
    assert _solve(workspace / "mini_case.yaml", out, capsys, "--objective", "max_abatement")[0] == 0
    assert "report.html" not in {p.name for p in out.iterdir()}
    assert json.loads((out / "summary.json").read_text())["objective"] == "max_abatement"
    assert read_marker(out) == {"kind": "result", "version": read_marker(out)["version"]}


def test_report_does_not_replace_the_result_it_reads(workspace, capsys):
    res = workspace / "res"
    assert _solve(workspace / "mini_case.yaml", res, capsys)[0] == 0
    assert main(["report", str(res), "--format", "md", "--no-diagnosis", "--out", str(res)]) == 2
    assert "the result it reads" in capsys.readouterr().err and (res / "summary.json").is_file()


def test_result_folder_of_an_older_version_is_replaced(two_results, tmp_path):
    """Folders written before the marker existed hold exactly the result files: still recognised."""
    old, new = two_results
    out = old.save(tmp_path / "out")
    (out / MARKER).unlink()
    new.save(out)
    assert json.loads((out / "summary.json").read_text())["objective"] == "max_abatement"


@pytest.mark.parametrize(
    "command",
    [
        ["solve"],
        ["explain", "--no-switching"],
        ["alternatives", "-k", "1"],
        ["report", "--format", "iamc", "--no-diagnosis"],
    ],
)
def test_folder_with_user_files_is_refused_then_replaced_with_force(workspace, capsys, command):
    out = workspace / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    args = [command[0], str(workspace / "mini_case.yaml"), *command[1:], "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--out" in err and "notes.txt" in err and "noregret did not write" in err
    assert "--force" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"] and (out / "notes.txt").read_text() == "my notes"
    assert _hidden(workspace) == []
    assert main([*args, "--force"]) == 0
    names = {p.name for p in out.iterdir()}
    assert "notes.txt" not in names and MARKER in names


def test_empty_folder_is_used(workspace, capsys):
    out = workspace / "empty"
    out.mkdir()
    assert _solve(workspace / "mini_case.yaml", out, capsys)[0] == 0
    assert (out / "summary.json").is_file()


@pytest.mark.parametrize(
    "command",
    [
        ["solve"],
        ["explain", "--no-switching"],
        ["alternatives", "-k", "1"],
        ["report", "--no-diagnosis"],
        ["tornado", "--parameters", "discount_rate"],
        ["batch"],
        ["sweep"],
    ],
)
def test_out_naming_a_file_is_refused(workspace, capsys, command):
    target = workspace / "taken.txt"
    target.write_text("a file")
    if command[0] == "batch":
        manifest = workspace / "manifest.yaml"
        manifest.write_text(yaml.safe_dump({"comparison_year": 2030, "cases": ["mini_case.yaml"]}))
        first = str(manifest)
    else:
        first = str(workspace / ("sweep.yaml" if command[0] == "sweep" else "mini_case.yaml"))
    force = ["--force"] if command[0] not in ("sweep",) else []
    assert main([command[0], first, *command[1:], "--out", str(target), *force]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and "a folder (this is a file)" in err
    assert target.read_text() == "a file"


def test_unwritable_parent_is_refused(workspace, capsys, monkeypatch):
    out = workspace / "locked" / "out"

    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if out.parent in (self, *self.parents):
            raise PermissionError(errno.EACCES, "Permission denied", str(out.parent))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    code, err = _solve(workspace / "mini_case.yaml", out, capsys)
    assert code == 2 and "--out" in err and str(out) in err and "Permission denied" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_parent_is_refused(workspace, capsys):
    locked = workspace / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, err = _solve(workspace / "mini_case.yaml", locked / "out", capsys)
    finally:
        locked.chmod(0o700)
    assert code == 2 and "--out" in err and "Permission denied" in err


def test_disk_full_while_writing_exits_2(workspace, capsys, monkeypatch):
    out = workspace / "out"
    real = Path.write_text

    def full(self, *args, **kwargs):
        if self.name == "summary.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    code, err = _solve(workspace / "mini_case.yaml", out, capsys)
    assert code == 2 and "cannot write" in err and "summary.json" in err and "No space left on device" in err
    assert not out.exists() and _hidden(workspace) == []


def test_batch_writes_into_a_shared_folder_and_refuses_a_foreign_case_folder(workspace, capsys):
    manifest = workspace / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"comparison_year": 2030, "cases": ["mini_case.yaml"]}))
    shared = workspace / "outputs"
    (shared / "someone-else").mkdir(parents=True)
    (shared / "readme.txt").write_text("kept")
    assert main(["batch", str(manifest), "--out", str(shared)]) == 0
    assert (shared / "readme.txt").read_text() == "kept" and (shared / "someone-else").is_dir()
    assert (shared / "comparison.csv").is_file() and read_marker(shared / "mini_case")["kind"] == "result"
    assert read_marker(shared) is None  # the shared folder itself is not an output folder
    (shared / "comparison.csv").unlink()
    shutil.rmtree(shared / "mini_case")
    (shared / "mini_case").mkdir()
    (shared / "mini_case" / "data.xlsx").write_text("the user's")
    capsys.readouterr()
    assert main(["batch", str(manifest), "--out", str(shared)]) == 2
    err = capsys.readouterr().err
    assert str(shared / "mini_case") in err and "data.xlsx" in err and "--force" in err
    assert not (shared / "comparison.csv").exists()  # refused before solving anything
    assert main(["batch", str(manifest), "--out", str(shared), "--force"]) == 0
    assert not (shared / "mini_case" / "data.xlsx").exists()


@pytest.mark.slow
def test_interrupted_manifest_report_leaves_old_or_new_report_whole(workspace, capsys, monkeypatch):
    """A manifest report (regional files and one subfolder per country) is one output folder."""
    manifest = workspace / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"comparison_year": 2030, "cases": ["mini_case.yaml"]}))
    out = workspace / "report"
    args = ["report", str(manifest), "--no-diagnosis", "--out", str(out)]
    assert main([*args, "--format", "iamc"]) == 0
    want_old = set(_files(out))
    for n in range(1, 30):
        stop = _StopAt(n, KeyboardInterrupt)
        with monkeypatch.context() as m:
            stop.install(m)
            try:
                finished = main([*args, "--format", "iamc,html"]) == 0
            except KeyboardInterrupt:
                finished = False
        got = set(_files(out))
        assert got == want_old or (got > want_old and "mini_case/report.html" in got and "regional.html" in got)
        assert _hidden(workspace) == []
        if finished:
            assert got != want_old
            break
    else:
        pytest.fail("the report was never written")
    assert read_marker(out)["kind"] == "report"


def test_atomic_write_text_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    path = atomic_write_text(tmp_path / "a.json", "old")
    monkeypatch.setattr(os, "replace", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(path, "new")
    assert path.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_sweep_json_is_written_atomically(workspace, tmp_path, monkeypatch):
    out = tmp_path / "sweep"
    real = os.replace

    def stop_at_sweep_json(src, dst, **kwargs):
        if Path(dst).name == "sweep.json":
            raise KeyboardInterrupt
        return real(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", stop_at_sweep_json)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(workspace / "sweep.yaml", out, workers=1, progress=False)
    monkeypatch.undo()
    assert not (out / "sweep.json").exists()
    assert [p.name for p in out.iterdir()] == [MARKER]  # no half-written sweep.json, no temporary file
    run = run_sweep(workspace / "sweep.yaml", out, workers=1, progress=False)  # a new start is possible
    assert run.solved_now == 2 and json.loads((out / "sweep.json").read_text())["scenarios"]
    assert read_marker(out)["kind"] == "sweep"


def test_damaged_sweep_json_is_explained(workspace, tmp_path, capsys):
    out = tmp_path / "sweep"
    run_sweep(workspace / "sweep.yaml", out, workers=1, progress=False, max_scenarios=1)
    (out / "sweep.json").write_bytes(b"")  # what an in-place write killed at the wrong moment left
    commands = [
        ["sweep", str(workspace / "sweep.yaml"), "--out", str(out), "--resume", "--workers", "1"],
        ["robust", str(out)],
        ["report", str(workspace / "mini_case.yaml"), "--sweep", str(out), "--out", str(tmp_path / "r")],
    ]
    for args in commands:
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert str(out / "sweep.json") in err and "empty or damaged" in err and "without --resume" in err
    assert not (tmp_path / "r").exists()


def test_sweep_refuses_a_folder_of_other_files(workspace, tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "thesis.docx").write_text("mine")
    assert main(["sweep", str(workspace / "sweep.yaml"), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "thesis.docx" in err
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


def test_a_sweep_folder_is_not_replaced_without_force(workspace, tmp_path, capsys):
    out = tmp_path / "sweep"
    run_sweep(workspace / "sweep.yaml", out, workers=1, progress=False, max_scenarios=1)
    code, err = _solve(workspace / "mini_case.yaml", out, capsys)
    assert code == 2 and "sweep" in err and "--force" in err and (out / "sweep.json").is_file()


def test_output_folder_refuses_cleanly_from_python(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="this is a file"), output_folder(tmp_path / "f", kind="result"):
        pass


@pytest.mark.parametrize("out_name", ["mini_library", "."])
def test_force_never_replaces_the_inputs(workspace, capsys, out_name):
    """--out naming the library, or a folder holding the case file, is refused even with --force."""
    case = workspace / "mini_case.yaml"
    out = workspace / out_name if out_name != "." else workspace
    code = main(["solve", str(case), "--out", str(out), "--force", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "one of this run's inputs" in err and "Traceback" not in err
    assert case.is_file() and (workspace / "mini_library" / "waste.yaml").is_file()


def test_outputs_get_the_usual_permissions(workspace, capsys):
    old = os.umask(0o022)
    try:
        out = workspace / "result"
        assert main(["solve", str(workspace / "mini_case.yaml"), "--out", str(out), "--quiet"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / ".noregret-output").stat().st_mode) == 0o644
    assert stat.S_IMODE((out / "summary.json").stat().st_mode) == 0o644


def test_a_report_does_not_replace_a_solve_result_without_force(workspace, capsys):
    out = workspace / "georgia-conditional"
    assert _solve(workspace / "mini_case.yaml", out, capsys)[0] == 0
    code = main(["report", str(workspace / "mini_case.yaml"), "--out", str(out), "--format", "md", "--no-diagnosis"])
    err = capsys.readouterr().err
    assert code == 2 and "holds a noregret result" in err and (out / "summary.json").is_file()
    code = main(
        ["report", str(workspace / "mini_case.yaml"), "--out", str(out), "--format", "md", "--no-diagnosis", "--force"]
    )
    assert code == 0 and (out / "report.md").is_file() and not (out / "summary.json").exists()
