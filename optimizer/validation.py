"""Turn pydantic validation errors into :class:`~optimizer.errors.Problem` records a user can act on:
file, field path (list items named by their ``id`` where they have one), offending value, expectation."""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)

_MISSING = "<missing>"
_PROVENANCE_HINT = "a number with its provenance, e.g. {value: 5, source: 'citation'} or {value: 5, estimate: 'why'}"


def parse_model(model: type[M], data: dict, file: str) -> M:
    """Validate ``data`` against ``model``; raise :class:`InputError` listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError([_problem(model, data, err, file) for err in exc.errors()]) from None


def _problem(model: type[BaseModel], data: Any, err: dict, file: str) -> Problem:
    loc = tuple(err.get("loc", ()))
    path, node_model = _render_path(model, data, loc)
    value = err.get("input", _MISSING)
    kind = err.get("type", "")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = str(err.get("ctx", {}).get("discriminator", "'type'")).strip("'")
        tags = err.get("ctx", {}).get("expected_tags")
        expected = f"one of {tags}" if tags else f"a '{tag}' key naming the kind of this entry"
        got = value.get(tag, _MISSING) if isinstance(value, dict) else value
        if kind == "union_tag_not_found" and isinstance(value, dict):
            close = difflib.get_close_matches(tag, [str(k) for k in value], n=1)
            expected += f" (is '{close[0]}' a misspelling of '{tag}'?)" if close else ""
        return Problem(file, f"{path}.{tag}" if path else tag, got, expected)
    if kind == "missing":
        return Problem(file, path, _MISSING, "this required field")
    if kind == "extra_forbidden":
        return Problem(file, path, loc[-1] if loc else value, _unknown_key_hint(node_model, loc))
    if kind in ("model_type", "dict_type", "model_attributes_type") and isinstance(value, (int, float)):
        return Problem(file, path, value, _PROVENANCE_HINT)
    if isinstance(value, dict) and "value" in value and kind == "value_error":
        value = {k: value[k] for k in ("value", "low", "high") if k in value}  # the numbers, not the citation
    message = err.get("msg", "a valid value")
    for prefix in ("Value error, ", "Input should be "):  # "expected input should be ..." reads badly
        message = message.removeprefix(prefix)
    return Problem(file, path, value, message[0].lower() + message[1:] if message else message)


def _unknown_key_hint(parent: type[BaseModel] | None, loc: tuple) -> str:
    if parent is None or not loc:
        return "no unknown keys"
    allowed = list(parent.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    suggestion = f" (did you mean '{close[0]}'?)" if close else ""
    return f"one of the known keys {allowed}{suggestion}"


def _render_path(model: type[BaseModel], data: Any, loc: tuple) -> tuple[str, type[BaseModel] | None]:
    """Render a pydantic ``loc`` as ``a.b[id].c``; also return the model owning the last key."""
    parts: list[str] = []
    node: Any = data
    current: Any = model
    owner: type[BaseModel] | None = None
    for seg in loc:
        if isinstance(node, dict) and isinstance(seg, str) and seg not in node and node.get("type") == seg:
            current = _union_member(current, seg)
            continue  # discriminated-union tag: not a real key
        if isinstance(seg, str) and (seg.startswith("function-") or seg.startswith("tagged-union")):
            continue
        if isinstance(seg, int) and isinstance(node, list):
            item = node[seg] if seg < len(node) else None
            label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else seg
            parts.append(f"[{label}]")
            node = item
            current = _item_type(current)
            continue
        if isinstance(node, dict) and seg in node and not _is_model(current):
            parts.append(f"[{seg}]" if not isinstance(seg, str) else f".{seg}" if parts else str(seg))
            node = node.get(seg)
            current = _value_type(current)
            continue
        owner = current if _is_model(current) else None
        parts.append(f".{seg}" if parts else str(seg))
        node = node.get(seg) if isinstance(node, dict) else None
        current = _field_type(current, seg)
    return "".join(parts), owner


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _strip(tp: Any) -> Any:
    """Remove Annotated and Optional wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _field_type(tp: Any, name: Any) -> Any:
    tp = _strip(tp)
    if _is_model(tp) and name in tp.model_fields:
        return _strip(tp.model_fields[name].annotation)
    return None


def _item_type(tp: Any) -> Any:
    tp = _strip(tp)
    if typing.get_origin(tp) is list:
        return _strip(typing.get_args(tp)[0])
    return None


def _value_type(tp: Any) -> Any:
    tp = _strip(tp)
    if typing.get_origin(tp) is dict:
        return _strip(typing.get_args(tp)[1])
    return None


def _union_member(tp: Any, tag: str) -> Any:
    tp = _strip(tp)
    for member in typing.get_args(tp) or ():
        member = _strip(member)
        if _is_model(member) and "type" in member.model_fields:
            literal = member.model_fields["type"].annotation
            if tag in typing.get_args(literal):
                return member
    return None
