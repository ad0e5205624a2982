"""What the case schema says about a field, in words for the workbook: its description and what a blank
setting means."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..schema import Case
from .layout import Key

BLANK_MEANS = {
    "library": "the intervention library installed with noregret",
    "pipelines": "no pipeline files",
    "country.population": "no per-person indicators",
    "payback.screen_max_years": "no payback screen",
    "payback.portfolio_max_years": "no portfolio payback rule",
    "baseline_reference.total_tco2e": "no baseline reference (leave all its rows blank)",
    "baseline_reference.method": "no baseline reference (leave all its rows blank)",
}
"""What a blank means for settings whose default is 'not given'."""


def _model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, through Annotated and Optional."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return None
            annotation = members[0]
        else:
            return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def field_info(path: Key) -> FieldInfo | None:
    """The schema's field at ``path`` of a case (a year or scope key ends the walk at its mapping)."""
    model: type[BaseModel] | None = Case
    info = None
    for key in path:
        if model is None or not isinstance(key, str) or key not in model.model_fields:
            break
        info = model.model_fields[key]
        model = _model(info.annotation)
    return info


def setting_default(path: Key) -> str:
    """What a blank setting means: its default, 'required', or words for a field left out."""
    name = ".".join(str(k) for k in path)
    if name in BLANK_MEANS:
        return BLANK_MEANS[name]
    info = field_info(path)
    if info is None or isinstance(path[-1], int):
        return "required with a baseline reference"
    if info.default is PydanticUndefined and info.default_factory is None:
        return "required"
    if info.default is None:
        return "not given"
    default = info.default if info.default is not PydanticUndefined else None
    if default == "":
        return "no text"
    return f"{default:g}" if isinstance(default, float) else str(default)


def describe(path: Key) -> str:
    """The schema's description of the field at ``path`` (its unit and meaning), or ''."""
    info = field_info(path)
    return (info.description or "") if info is not None else ""
