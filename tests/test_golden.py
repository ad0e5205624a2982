"""Golden standard forms: the row model of two small cases, written out as text and compared line by line.

Any change to the formulation (a row, a column, a bound, a coefficient or a cost) shows up here as a diff of
named rows and columns. If the change is intended, regenerate the files and review their diff with the code::

    make golden        # or: pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

import pytest

from optimizer.loading import LoadedCase, load_case
from optimizer.model.build import build_row_model
from optimizer.model.rows import StandardForm, standard_form
from optimizer.prepare import prepare
from optimizer.synthetic import RandomSpec, random_case

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"

CASES: dict[str, tuple[str, Callable[[], LoadedCase]]] = {
    "mini_case": ("tests/fixtures/mini_case.yaml", lambda: load_case(HERE / "fixtures" / "mini_case.yaml")),
    "random_seed0_floors": (
        "optimizer.synthetic.random_case(RandomSpec(seed=0, floors=True))",
        lambda: random_case(RandomSpec(seed=0, floors=True)),
    ),
}


def _num(x: float) -> str:
    """Six significant digits: enough to see any real change, few enough to ignore floating-point noise."""
    text = f"{float(x):.6g}"
    return "0" if text == "-0" else text


def _name(family: str, key) -> str:
    if key is None:
        return family
    return f"{family}[{','.join(map(str, key)) if isinstance(key, tuple) else key}]"


def render(form: StandardForm, source: str, variant: str) -> str:
    """The standard form as text: one line per column (kind, bounds, cost), one per row (bounds, terms)."""
    cols = [_name(*c) for c in form.col_names]
    terms: list[list[str]] = [[] for _ in form.row_names]
    for j in range(len(cols)):
        for k in range(form.a_start[j], form.a_start[j + 1]):
            value = form.a_value[k]
            terms[form.a_index[k]].append(f"{'+' if value >= 0 else '-'}{_num(abs(value))} {cols[j]}")
    lines = [
        "# Standard form of the row model: optimizer.model.build.build_row_model + optimizer.model.rows.standard_form",
        f"# case: {source}, variant: {variant}",
        "# regenerate with 'make golden' (pytest tests/test_golden.py --update-golden) and review the diff",
        f"{'maximize' if form.maximize else 'minimize'}: {len(cols)} columns, {len(form.row_names)} rows, "
        f"{len(form.a_value)} nonzeros",
        "",
        "columns: name kind [lower, upper] cost",
    ]
    for j, name in enumerate(cols):
        kind = "integer" if form.integrality[j] else "continuous"
        lines.append(f"  {name} {kind} [{_num(form.col_lower[j])}, {_num(form.col_upper[j])}] {_num(form.cost[j])}")
    lines += ["", "rows: name [lower, upper]: terms (columns in column order)"]
    for r, (family, key) in enumerate(form.row_names):
        lines.append(
            f"  {_name(family, key)} [{_num(form.row_lower[r])}, {_num(form.row_upper[r])}]: "
            f"{' '.join(terms[r]) or '(empty)'}"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_standard_form_matches_golden(name, request):
    source, make = CASES[name]
    data = prepare(make())
    text = render(standard_form(build_row_model(data)), source, data.variant_name)
    path = GOLDEN / f"{name}.txt"
    if request.config.getoption("--update-golden"):
        path.write_text(text)
        return
    assert path.is_file(), f"{path} is missing: run 'make golden' to write it"
    expected = path.read_text()
    if text != expected:
        diff = list(
            difflib.unified_diff(
                expected.splitlines(),
                text.splitlines(),
                f"{path.name} (committed)",
                f"{path.name} (this build)",
                lineterm="",
                n=1,
            )
        )
        shown = "\n".join(diff[:120]) + (f"\n... {len(diff) - 120} more diff lines" if len(diff) > 120 else "")
        pytest.fail(
            f"the standard form of {name} changed:\n{shown}\n\nIf the change is intended, run 'make golden' "
            "and commit tests/golden/ with the change.",
            pytrace=False,
        )
