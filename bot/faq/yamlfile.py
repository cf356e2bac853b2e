"""YAML reading that remembers line numbers, so staff get `file:line: message` problems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    """One finding of the FAQ checks, printed as `file:line: level: message`."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        level = "cảnh báo" if self.warning else "lỗi"
        return f"{self.file}:{self.line}: {level}: {self.message}"


class LineDict(dict[str, Any]):
    """A mapping that knows the line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows the line of itself and of each item."""

    line: int = 0
    item_lines: list[int] = []  # noqa: RUF012 - replaced per instance by the loader; empty for built ones

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


# libyaml's parser when available (it is in the PyYAML wheels): ten times faster on big FAQs.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    duplicate_keys: list[tuple[int, str]]
    bad_values: list[tuple[int, str]]


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key)
        if key in result:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, key))
        try:
            result[key] = loader.construct_object(value_node, deep=True)
        except ValueError:  # e.g. an impossible date such as 2026-13-45
            loader.bad_values.append((value_node.start_mark.line + 1, key))
            result[key] = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


_ANCHOR = re.compile(rb"(?:^|[\s\[{,])&[^\s\[\]{},]")  # a YAML anchor: aliases need one
_BOMB_NODES = 2_000_000  # YAML nodes a file may expand to (10,000 entries are about 400,000)


def _expanded_nodes(root: yaml.Node, limit: int) -> int:
    """How many nodes `root` becomes once aliases are expanded (stops past `limit`; a cycle counts
    as past it). Iterative, so deep nesting cannot exhaust the stack."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if finished:
            on_path.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > limit:
                return sizes[id(node)]
        elif id(node) in on_path:
            return limit + 1
        elif id(node) not in sizes:
            on_path.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def alias_bomb(label: str, data: bytes) -> Problem | None:
    """A file whose aliases would expand into a huge structure ("billion laughs"): the checks would
    exhaust the memory printing it, so it is refused before parsing."""
    if not _ANCHOR.search(data):
        return None
    try:
        root = yaml.compose(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None  # the checks report it with its line
    if root is None or _expanded_nodes(root, _BOMB_NODES) <= _BOMB_NODES:
        return None
    return Problem(label, 1, "tệp dùng tham chiếu YAML (&, *) lồng nhau quá nhiều; hãy viết nội dung trực tiếp")


def read_yaml(path: Path, label: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; on a syntax error return None and the problem with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(label, 1, f"tệp không phải UTF-8 (byte {exc.start}); hãy lưu lại với mã hóa UTF-8")]
    except OSError as exc:
        return None, [Problem(label, 1, f"không đọc được tệp: {exc.strerror}")]
    bomb = alias_bomb(label, text.encode("utf-8"))
    if bomb is not None:
        return None, [bomb]
    loader = _Loader(text)
    loader.duplicate_keys = []
    loader.bad_values = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(label, line, f"lỗi cú pháp YAML: {exc.problem or exc.context}")]
    except (yaml.YAMLError, ValueError) as exc:
        return None, [Problem(label, 1, f"lỗi YAML: {exc}")]
    finally:
        loader.dispose()
    problems = [Problem(label, line, f"khóa '{key}' bị lặp lại; chỉ giữ một") for line, key in loader.duplicate_keys]
    problems += [Problem(label, line, f"'{key}': giá trị không hợp lệ") for line, key in loader.bad_values]
    return data, problems
