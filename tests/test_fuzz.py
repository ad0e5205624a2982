"""Property-based tests of the input promise: every user mistake gets a clean error.

Mutations of the shipped country cases, the shipped intervention library and the mini fixtures
(:mod:`tests.fuzz.mutations`) are run through ``noregret validate`` in-process. For each:

- nothing escapes ``main`` (no traceback), and it answers within 10 s and 1.5 GB;
- exit 0 only where the mutation keeps the input valid (or may);
- exit 2 prints "Invalid input (N problems):" and, for a mutation that must be refused, a problem line
  naming the mutated file and the mutated field's key.

Examples are drawn from ``st.randoms`` with ``derandomize=True``: every CI run tries the same 1,000+
mutations (hypothesis draws a seed; the generators use a plain ``random.Random``). Shrinking is off: a
mutation is reported as it was drawn (its description says what was done, where), and a run stays within
its time budget even when it finds something.

A smaller test solves mutated mini cases (plausible numbers) and checks that the outputs are finite.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import random
import shutil
import tempfile
import time
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz import corpus
from tests.fuzz.corpus import dump_yaml, get, put, walk
from tests.fuzz.mutations import MUTATIONS, RANGES, WHOLE, make_example
from tests.fuzz.runner import bounded, run_validate

EXAMPLES = {  # per mutation class; 1,040 in all
    "scalar_hostile": 250,
    "legal_number": 70,
    "growth_percent": 60,
    "year_absurd": 80,
    "year_leading_zero": 60,
    "yaml11_scalar": 90,
    "duplicate_id": 100,
    "unknown_key": 100,
    "delete_key": 80,
    "raw_text": 90,
    "filesystem": 60,
}
TIME_LIMIT = 10.0  # seconds per example: a hang is a failure

SETTINGS = dict(
    deadline=None,  # the wall-clock bound is TIME_LIMIT, enforced by an alarm inside run_validate
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=False,
)


def _seeded(hypothesis_random) -> random.Random:
    """A plain Random seeded from hypothesis: hypothesis' own draws lean towards first choices and zeros (the
    mini fixtures, the first list items); a seed drawn from it spreads the mutations over every file."""
    return random.Random(hypothesis_random.getrandbits(64))


def test_every_mutation_class_is_run():
    assert set(EXAMPLES) == set(MUTATIONS)
    assert sum(EXAMPLES.values()) >= 1000


@pytest.mark.slow
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutated_input_is_refused_cleanly_or_accepted_rightly(mutation):
    @settings(max_examples=EXAMPLES[mutation], **SETTINGS)
    @given(st.randoms(use_true_random=False))
    def check(rng):
        example = make_example(_seeded(rng), mutation)
        outcome = run_validate(example, time_limit=TIME_LIMIT)
        assert outcome.ok, (
            f"{outcome.verdict} (exit {outcome.code}, {outcome.seconds:.2f} s) for {example.description}\n"
            f"{outcome.detail}"
        )

    check()


# ------------------------------------------------------------------------------ solve mini cases


def _plausible(rng, semantic: str | None, leaf, orig: float) -> float:
    """A number a user could well write in this field."""
    if semantic == "annual_change":
        return rng.uniform(-0.1, 0.15)
    if semantic in RANGES:
        lo, hi, lo_open = RANGES[semantic]
        if semantic in WHOLE:
            return float(rng.randint(int(lo), min(int(hi), 40)))
        if semantic in ("percent", "achieved_by_base_year_percent"):
            return rng.uniform(-20.0, 95.0)
        if semantic == "discount_rate":
            return rng.uniform(0.0, 0.15)
        value = rng.uniform(lo, hi)
        return value if value > lo or not lo_open else hi
    return orig * rng.choice([0.0, rng.uniform(0.1, 10.0), -rng.uniform(0.1, 3.0) if orig < 0 else 1.0])


def _mutate_mini(rng) -> tuple[dict[str, bytes], str]:
    from tests.fuzz.corpus import slot_at

    sources = {"mini_case.yaml": corpus.mini_case()}
    for src in corpus.library_files(corpus.MINI_LIBRARY):
        sources["mini_library/" + src.label.rsplit("/", 1)[-1]] = src
    data = {rel: src.fresh() for rel, src in sources.items()}
    done = []
    for _ in range(rng.randint(1, 4)):
        rel = rng.choice(["mini_case.yaml", "mini_case.yaml", "mini_library/waste.yaml"])
        paths = [
            p for p, v in walk(data[rel]) if p and type(v) is float and (p[-1] == "value" or p[-2:-1] == ("by_year",))
        ]
        path = rng.choice(paths)
        slot = slot_at(sources[rel].role, data[rel], path)
        new = _plausible(rng, slot.semantic, path[-1], float(get(data[rel], path)))
        put(data[rel], path, new)
        done.append(f"{rel}: {corpus.render_path(path)} = {new!r}")
    files = {rel: dump_yaml(d).encode() for rel, d in data.items()}
    return files, "; ".join(done)


def _non_finite_cells(out: Path) -> list[str]:
    bad = []
    for csv_path in sorted(out.glob("*.csv")):
        with csv_path.open(newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0] if rows else []
        for row_no, row in enumerate(rows[1:], start=1):
            for column, cell in zip(header, row):
                try:
                    number = float(cell)
                except ValueError:
                    continue
                if number == math.inf and "payback" in column:
                    continue  # no net saving: the outlay is never paid back
                if not math.isfinite(number):
                    bad.append(f"{csv_path.name} row {row_no} {column}: {cell}")
    summary = out / "summary.json"
    if summary.exists():

        def walk_json(node, where):
            if isinstance(node, float) and not math.isfinite(node):
                bad.append(f"summary.json {where}: {node}")
            elif isinstance(node, dict):
                for k, v in node.items():
                    walk_json(v, f"{where}.{k}")
            elif isinstance(node, list):
                for k, v in enumerate(node):
                    walk_json(v, f"{where}[{k}]")

        walk_json(json.loads(summary.read_text()), "")
    else:
        bad.append("no summary.json")
    return bad


@settings(max_examples=40, **SETTINGS)
@given(st.randoms(use_true_random=False))
def test_solving_mutated_mini_cases_ends_cleanly_with_finite_outputs(rng):
    from optimizer.cli import main

    files, description = _mutate_mini(_seeded(rng))
    root = Path(tempfile.mkdtemp(prefix="nrfuzz-solve-"))
    try:
        for rel, content in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(content)
        out_dir = root / "out"
        stdout, stderr = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), bounded(30.0, 1536):
                code = main(["solve", str(root / "mini_case.yaml"), "--out", str(out_dir), "--quiet"])
        except BaseException as exc:  # anything escaping main is a finding
            pytest.fail(f"{type(exc).__name__} escaped for {description}:\n{traceback.format_exc()[-3000:]}")
        seconds = time.perf_counter() - start
        err = stderr.getvalue()
        assert code in (0, 2, 3), f"exit {code!r} for {description}\n{err}"
        assert "Traceback" not in err, f"traceback for {description}\n{err}"
        assert seconds < 30.0, f"{seconds:.1f} s for {description}"
        if code == 2:
            assert "Invalid input (" in err, f"exit 2 without a problem list for {description}\n{err}"
        if code == 0:
            bad = _non_finite_cells(out_dir)
            assert not bad, f"non-finite outputs for {description}: {bad[:10]}"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_mutations_are_reproducible():
    for seed in range(20):
        a, b = make_example(random.Random(seed)), make_example(random.Random(seed))
        assert a.description == b.description and a.files == b.files


def test_unreadable_files_are_unreadable_here():
    """The permission attack works as root too (open is refused for the chosen paths)."""
    from tests.fuzz.runner import denied

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.yaml"
        p.write_text("a: 1\n")
        with denied([p]), pytest.raises(PermissionError):
            p.read_text()
        assert p.read_text() == "a: 1\n"
        assert os.access(p, os.R_OK)
