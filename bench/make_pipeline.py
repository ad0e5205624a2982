"""Write a synthetic project pipeline for a case, and a copy of the case that lists it, for benchmarks.

The pipeline is :func:`optimizer.pipeline.generate.generate_pipeline` of the case (illustrative projects,
never real ones), written as CSV or Parquet by the suffix of OUT. The case copy, ``<OUT stem>_case.yaml``
next to OUT, is the case file with ``pipelines: [OUT]`` and ``library:`` set to the library the case uses,
so that it runs from there: ``noregret solve out/georgia_20k_case.yaml``.

Usage: python bench/make_pipeline.py CASE N OUT.csv [--seed S] [--no-case]

CASE is a case file or a bundled case name (``georgia``). The bundled example
``cases/examples/georgia_hospitals.csv`` is ``python bench/make_pipeline.py cases/georgia.yaml 300
cases/examples/georgia_hospitals.csv --seed 2026 --no-case``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimizer.loading import load_case  # noqa: E402
from optimizer.pipeline.generate import generate_pipeline, write_pipeline  # noqa: E402

LISTED_KEYS = ("library", "pipelines")
"""Top-level case keys the copy sets itself."""


def without_top_level_keys(text: str, keys: tuple[str, ...]) -> str:
    """The YAML text without the top-level entries ``keys`` (the key line and the lines nested under it)."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        top_level = line.strip() and not line[0].isspace() and not line.startswith(("-", "#"))
        if top_level:
            skipping = re.match(rf"({'|'.join(keys)})\s*:", line) is not None
        if not skipping:
            out.append(line)
    return "".join(out)


def case_listing_pipeline(text: str, pipeline: str, library: Path) -> str:
    """The case text with ``pipelines: [pipeline]`` and ``library: <library>`` in place of its own."""
    body = without_top_level_keys(text, LISTED_KEYS).rstrip("\n")
    return (
        f"{body}\n\n# set by bench/make_pipeline.py\n"
        f"library: {json.dumps(str(library))}\npipelines: [{json.dumps(pipeline)}]\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", help="case file or bundled case name")
    parser.add_argument("n", type=int, help="number of projects")
    parser.add_argument("out", type=Path, help="pipeline file to write (.csv or .parquet)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-case", action="store_true", help="write the pipeline only, no case copy")
    args = parser.parse_args(argv)

    loaded = load_case(args.case)
    started = time.perf_counter()
    frame = generate_pipeline(loaded, args.n, seed=args.seed)
    seconds = time.perf_counter() - started
    write_pipeline(frame, args.out)
    print(f"{args.out}: {len(frame)} projects, generated in {seconds:.3f} s (seed {args.seed})")
    if args.no_case:
        return 0
    copy = args.out.with_name(f"{args.out.stem}_case.yaml")
    if copy.resolve() == loaded.path.resolve():
        parser.error(f"the case copy {copy} would overwrite the case itself; choose another OUT")
    text = loaded.path.read_text(encoding="utf-8")
    copy.write_text(case_listing_pipeline(text, args.out.name, loaded.library.root.resolve()), encoding="utf-8")
    load_case(copy)
    print(f"{copy}: {loaded.path.name} listing it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
