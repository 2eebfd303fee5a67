"""YAML files people edit (mappings, the workspace's ``scorecard.yaml``, ``published.yaml``, an
inputs folder's ``MANIFEST.yaml``), read so that every error names the file and line.

:func:`load` parses with libyaml where available and keeps the line of every key;
:func:`validate` turns the data into a pydantic model and, when it does not fit, raises one
:class:`~workbook_builder.errors.UserError` listing each problem as ``file:line: key: what``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import UserError
from .limits import MAX_YAML_BYTES

T = TypeVar("T")


class LineDict(dict):
    """A dict from YAML that remembers its own line and the line of each key (1-based)."""

    lines: dict[str, int]
    line: int


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 5x faster
    pass


MAX_NODES = 500_000  # nodes a file may stand for once its aliases are expanded (a 1,650-line mapping is ~40,000)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise UserError(f"line {key_node.start_mark.line + 1}: a key must be plain text, not a list or a mapping",
                            hint="Write the key as plain text (in quotes if it holds a colon or brackets).")
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise UserError(f"line {key_node.start_mark.line + 1}: duplicate key '{key}'",
                            hint="Each key may appear once in a mapping: remove or rename one of them.")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[str(key)] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path: Path, *, what: str = "file") -> LineDict:
    """The top-level mapping of a YAML file, with lines; a missing, undecodable or malformed file,
    or one that is not a ``key: value`` mapping, is a :class:`UserError` naming the file (and line)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise UserError(f"{path} is {size // 1024:,} KB; refusing to read a {what} over {MAX_YAML_BYTES // (1024 * 1024)} MB",
                            hint=f"A {what} is a few hundred kilobytes at most: check this is the file you meant.")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{what} not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})", hint=f"Save the {what} as UTF-8.") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        raw = _load_bounded(text)
    except UserError as exc:
        raise UserError(f"{path}: {exc.message}", hint=exc.hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UserError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})", hint="Check indentation and quoting.") from None
    except RecursionError:
        raise UserError(f"{path}: its lists and mappings are nested too deeply to read", hint=f"A {what} nests a few levels, not thousands.") from None
    if raw is None:
        raw = LineDict()
        raw.lines, raw.line = {}, 1
    if not isinstance(raw, dict):
        raise UserError(f"{path}:1: a {what} must be a YAML mapping (key: value), not {type(raw).__name__}")
    return raw


def _expanded_size(node, sizes: dict, open_: set) -> int:
    """How many nodes ``node`` stands for with every alias expanded (aliases share nodes, so each is counted once here)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        raise UserError(f"line {node.start_mark.line + 1}: an alias refers to the value it is part of (a loop)",
                        hint="Point the alias (*name) at another value, or write the value out.")
    open_.add(key)
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, sizes, open_) + _expanded_size(v, sizes, open_) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(item, sizes, open_) for item in node.value)
    else:
        size = 1
    open_.discard(key)
    sizes[key] = size
    return size


def _first_over(node, sizes: dict):
    """The innermost value that alone passes :data:`MAX_NODES`: where the nesting of aliases first goes too far."""
    while True:
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        over = next((child for child in children if sizes[id(child)] > MAX_NODES), None)
        if over is None:
            return node
        node = over


def _load_bounded(text: str):
    """Parse ``text``, refusing before anything is built a document whose aliases expand past :data:`MAX_NODES`
    (a few hundred bytes of nested aliases can stand for billions of values)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        sizes: dict = {}
        size = _expanded_size(node, sizes, set())
        if size > MAX_NODES:
            where = _first_over(node, sizes)
            raise UserError(f"line {where.start_mark.line + 1}: its aliases (*name) expand to {sizes[id(where)]:,} values "
                            f"(the whole file to {size:,}), more than the {MAX_NODES:,} a settings file may hold",
                            hint="Write the values out instead of nesting aliases (*name) in one another.")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def line_of(raw: Any, loc: tuple) -> tuple[int, str]:
    """The line of the deepest key in ``loc`` that the raw YAML has, and the dotted key path."""
    line, node = getattr(raw, "line", 1), raw
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.lines.get(str(part), line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            continue  # pydantic adds union-member names like 'Locator' to loc
    return line, ".".join(str(p) for p in loc if not (isinstance(p, str) and p[:1].isupper()))


def validate(model: type[T], data: dict, raw: Any, path: Path, *, what: str, hint: str) -> T:
    """``model.model_validate(data)``; a mismatch is one :class:`UserError` with ``file:line: key: problem``
    for each of the first eight problems."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:8]:
            line, key = line_of(raw, tuple(error["loc"]))
            problems.append(f"{path}:{line}: {key or '(top level)'}: {error['msg']}")
        more = f"\n  … and {exc.error_count() - 8} more" if exc.error_count() > 8 else ""
        raise UserError(f"invalid {what}\n  " + "\n  ".join(problems) + more, hint=hint) from None
