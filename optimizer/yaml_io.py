"""Safe YAML reading with the rules a person expects, and every failure turned into an input error.

Scalars are read as in YAML 1.2's core schema, not YAML 1.1's surprises:

- ``true``/``false`` (any case) are booleans; ``yes``, ``no``, ``on``, ``off`` stay strings (so a boolean
  field given ``yes`` is an error, not a silent ``True``);
- integers are decimal: ``02024`` is 2024, not the octal 1044; ``0o17`` and ``0x1F`` are octal and hex;
  ``1:30`` and ``1_000`` are strings, not the sexagesimal 90 and the number 1000;
- ``1e6`` is a float (YAML 1.1 reads it as a string); dates stay strings.

And a file cannot hurt the reader: a key repeated in one mapping is an error, not an overwrite; keys must
be plain scalars (``? [a, b]`` is an error; ``<<`` merges a mapping as usual); nesting is limited to
:data:`MAX_DEPTH` levels and the document, with every alias expanded, to :data:`MAX_NODES` values (an alias
bomb is refused before it is built); files above :data:`MAX_BYTES` are refused; every OS failure (missing,
unreadable, a directory, a symlink loop) is an :class:`~optimizer.errors.InputError` naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from .errors import InputError, Problem

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (the case schema needs fewer than 10 levels)."""
MAX_NODES = 1_000_000
"""Most values in one document counted with every alias expanded (a country case has about 5,000)."""
MAX_BYTES = 50 * 1024 * 1024
"""Largest YAML file read; bytes."""

_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"""^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9]+(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        self.key = key
        self.line = line


class _BadKey(Exception):
    def __init__(self, line: int):
        self.line = line


class _TooLarge(Exception):
    def __init__(self, line: int, what: str, expected: str):
        self.line = line
        self.what = what
        self.expected = expected


class StrictSafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """SafeLoader with YAML 1.2 core scalars, unique plain keys and bounded documents."""

    yaml_implicit_resolvers: ClassVar[dict] = {}


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", _BOOL, list("tTfF")),
    ("tag:yaml.org,2002:int", _INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789.")),
    ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"]),
):
    StrictSafeLoader.add_implicit_resolver(_tag, _pattern, _first)


def _construct_int(loader: StrictSafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_bool(loader: StrictSafeLoader, node: yaml.ScalarNode) -> bool:
    return loader.construct_scalar(node).lower() == "true"


def _construct_mapping(loader: StrictSafeLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _BadKey(key_node.start_mark.line + 1)
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictSafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
StrictSafeLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_size(root: yaml.Node) -> None:
    """Walk the node graph as the constructed data would be (aliases expanded), without building it."""
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _TooLarge(
                node.start_mark.line + 1,
                f"more than {MAX_NODES:,} values with aliases expanded",
                f"a document of at most {MAX_NODES:,} values (is an alias repeated many times?)",
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(
                node.start_mark.line + 1,
                f"nesting deeper than {MAX_DEPTH} levels",
                f"at most {MAX_DEPTH} levels of nested mappings and lists",
            )
        if isinstance(node, yaml.MappingNode):
            stack.extend((n, depth + 1) for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in node.value)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document with :class:`StrictSafeLoader`, refusing oversized or hostile documents.

    Raises the loader's own exceptions (``yaml.YAMLError`` and private ones) for :func:`read_yaml_mapping`
    to translate."""
    loader = StrictSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_bytes(path: Path, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file whole; every OS failure (missing, a directory, unreadable, too large) becomes an
    :class:`InputError` naming the file."""
    name = str(path)
    try:
        if path.is_dir():
            raise InputError([Problem(name, "", "<directory>", what)])
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError([Problem(name, "", f"<{size:,} bytes>", f"{what} of at most {max_bytes:,} bytes")])
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(name, "", "<missing file>", f"an existing file: {what}")]) from None
    except PermissionError:
        raise InputError([Problem(name, "", "<not readable: permission denied>", what)]) from None
    except (OSError, ValueError) as exc:  # symlink loop, name too long, NUL byte in the name, ...
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError([Problem(name, "", f"<cannot be read: {reason}>", what)]) from None


def read_text(path: Path, what: str = "a YAML file") -> str:
    """Read a UTF-8 text file; every OS or encoding failure becomes an :class:`InputError` naming the file."""
    name = str(path)
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, f"byte {exc.start}", data[exc.start : exc.start + 4], "UTF-8 text")]) from None


def read_yaml_mapping(path: Path) -> dict:
    """Read one YAML file that must hold a mapping; raise :class:`InputError` on any problem."""
    return read_yaml_document(path)[0]


def read_yaml_document(path: Path) -> tuple[dict, str]:
    """The mapping a YAML file holds and the file's text (for a digest of exactly what was read); raise
    :class:`InputError` on any problem."""
    name = str(path)
    text = read_text(path)
    try:
        data = parse_yaml(text)
    except _DuplicateKey as dup:
        raise InputError([Problem(name, f"line {dup.line}", dup.key, "each key only once per mapping")]) from None
    except _BadKey as bad:
        raise InputError(
            [
                Problem(
                    name,
                    f"line {bad.line}",
                    "<a list or mapping used as a key>",
                    "a plain key (a name, a number or a year)",
                )
            ]
        ) from None
    except _TooLarge as big:
        raise InputError([Problem(name, f"line {big.line}", f"<{big.what}>", big.expected)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError([Problem(name, where, problem, "valid YAML syntax")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(name, "", data, "a YAML mapping (key: value pairs) at the top level")])
    return data, text
