"""Generate ``docs/reference.md`` from the schema: every model, every field, its type, default and
docstring (which states the unit). Run ``python -m optimizer.docgen`` after changing the schema; a test
fails when the file is stale."""

from __future__ import annotations

import inspect
import re
import sys
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .schema import Case, FamilyFile, Vocabulary
from .schema.library import GwpFile
from .schema.manifest import Manifest
from .sweep.spec import SweepSpec

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference.md"
ROOTS = [
    ("Country case file (`cases/*.yaml`)", Case),
    ("Library vocabulary (`intervention_library/vocabulary.yaml`)", Vocabulary),
    ("Library action-family file (`intervention_library/<family>.yaml`)", FamilyFile),
    ("Library global warming potentials (`intervention_library/gwp.yaml`)", GwpFile),
    ("Case manifest (`cases/manifest.yaml`)", Manifest),
    ("Sweep specification (`noregret sweep SWEEP.yaml`)", SweepSpec),
]


_BOUNDS = (
    ("ge", ">="),
    ("gt", ">"),
    ("le", "<="),
    ("lt", "<"),
    ("min_length", "length >="),
    ("max_length", "length <="),
)


def _bounds_text(metadata) -> str:
    """Human text of pydantic's ``Field(ge=..., le=..., max_length=...)`` bounds, if any."""
    parts = []
    for meta in metadata:
        parts += [_bounds_text(getattr(meta, "metadata", []))] if hasattr(meta, "metadata") else []
        for attr, sign in _BOUNDS:
            value = getattr(meta, attr, None)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and type(meta).__name__ != "FieldInfo":
                parts.append(f"{sign} {value:g}")
    return ", ".join(p for p in parts if p)


def _constraint_text(metadata) -> str:
    """Human text of a range validator (``schema.base.bounded``), bounds or a pattern, if any."""
    bounds = _bounds_text(metadata)
    for meta in metadata:
        fn = getattr(meta, "func", None)
        for cell in getattr(fn, "__closure__", None) or ():
            if callable(cell.cell_contents) and getattr(cell.cell_contents, "__name__", "") == "describe":
                return cell.cell_contents()
        pattern = getattr(meta, "pattern", None)
        if pattern:
            return f"matching `{pattern}`"
    return bounds


def _type_name(tp) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        name = _type_name(args[0])
        extra = _constraint_text(args[1:])
        return f"{name} ({extra})" if extra else name
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type_name(a) for a in args if a is not type(None)]
        text = " \\| ".join(parts)
        return f"{text} or null" if type(None) in args else text
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping {_type_name(args[0])} -> {_type_name(args[1])}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    return getattr(tp, "__name__", str(tp))


def _nested_models(tp, found: list) -> None:
    for arg in typing.get_args(tp):
        _nested_models(arg, found)
    if isinstance(tp, type) and issubclass(tp, BaseModel) and tp not in found:
        found.append(tp)
        for field in tp.model_fields.values():
            _nested_models(field.annotation, found)
            for meta in field.metadata:
                _nested_models(meta, found)


def _default(field) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()
        return "empty" if value in ({}, []) else "see model"
    if field.default is None:
        return "null"
    if field.default == "":
        return "empty text"
    if field.default is PydanticUndefined:
        return "required"
    return f"`{field.default}`"


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").replace("|", "\\|").strip()


def render_reference() -> str:
    lines = [
        "# Input reference",
        "",
        "Generated from the schema by `python -m optimizer.docgen`; do not edit by hand.",
        "",
        "Every data number is a [Quantity](#quantity) (or a [YearSeries](#yearseries)): a value with a `source` "
        "or an `estimate` note. Units are stated in each field's description. Unknown keys are errors.",
        "",
    ]
    seen: list = []
    for title, root in ROOTS:
        lines += [f"## {title}", "", f"Top-level model: [{root.__name__}](#{root.__name__.lower()}).", ""]
        found: list = []
        _nested_models(root, found)
        for model in found:
            if model in seen:
                continue
            seen.append(model)
            lines += [
                f"### {model.__name__}",
                "",
                _clean(inspect.getdoc(model)),
                "",
                "| field | type | default | description |",
                "|---|---|---|---|",
            ]
            for name, field in model.model_fields.items():
                kind = _type_name(field.annotation)
                extra = _constraint_text(field.metadata)
                kind = f"{kind} ({extra})" if extra else kind
                lines.append(f"| `{name}` | {kind} | {_default(field)} | {_clean(field.description)} |")
            lines.append("")
    return "\n".join(lines)


def main() -> int:
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(render_reference())
    print(f"wrote {REFERENCE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
