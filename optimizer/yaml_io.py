"""Safe YAML reading: ``yaml.safe_load`` semantics plus two fixes users expect.

- Scientific notation without a dot (``1e6``) is a float, not a string (YAML 1.1 quirk).
- A key repeated in one mapping is an error, not a silent overwrite.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        self.key = key
        self.line = line


class StrictSafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """SafeLoader that reads ``1e6`` as a float and rejects duplicate keys."""


StrictSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def _construct_mapping(loader: StrictSafeLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml_mapping(path: Path) -> dict:
    """Read one YAML file that must hold a mapping; raise :class:`InputError` on any problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(name, "", "<missing file>", "an existing YAML file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "", "<directory>", "a YAML file")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, "", f"byte {exc.start}", "UTF-8 text")]) from None
    try:
        data = yaml.load(text, Loader=StrictSafeLoader)  # noqa: S506 - StrictSafeLoader is a SafeLoader
    except _DuplicateKey as dup:
        raise InputError([Problem(name, f"line {dup.line}", dup.key, "each key only once per mapping")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError([Problem(name, where, problem, "valid YAML syntax")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(name, "", data, "a YAML mapping (key: value pairs) at the top level")])
    return data
