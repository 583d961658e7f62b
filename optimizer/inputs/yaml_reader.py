"""Read a YAML file within bounds: size, nesting depth, expanded size, duplicate keys.

``yaml.safe_load`` builds no objects but is otherwise unbounded: an alias bomb (a few lines
whose aliases expand to 10^8 values) exhausts memory once anything walks the data, deep nesting
overflows Python's stack, and a repeated key silently keeps its last value. Here the file is
read with a SafeLoader that refuses all three, each with the line it found them on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from aidc.optimizer.errors import InputError, InputIssue

MAX_YAML_BYTES = 4 * 2**20  # scenario files and sweep specs are a few kB
MAX_YAML_DEPTH = 50  # levels of nesting (the schemas need fewer than 6)
MAX_YAML_NODES = 250_000  # values after expanding aliases (e.g. 60,000 explicit sweep cases)
_MERGE = "tag:yaml.org,2002:merge"
_KIND_WORDS = {list: "a list", str: "a single text", int: "a single number", float: "a single number"}


class YamlLimit(yaml.YAMLError):
    """A bound of this reader was exceeded, or a key repeated (with where, if known)."""

    def __init__(self, message: str, node: Node | None = None):
        line = f"line {node.start_mark.line + 1}: " if node is not None and node.start_mark else ""
        super().__init__(f"{line}{message}")


class BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that counts nodes and nesting while composing and refuses repeated keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise YamlLimit(f"nested more than {MAX_YAML_DEPTH} levels deep", parent)
            if self._nodes > MAX_YAML_NODES:
                raise YamlLimit(f"more than {MAX_YAML_NODES:,} values", parent)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        if isinstance(node, MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue
                value = self.construct_object(key_node)
                key = str(value)
                first = seen.get(key) or seen.get(("value", value))  # 2026 and '2026', 1 and true
                if first:
                    raise YamlLimit(
                        f"key {key[:80]!r} appears twice in one mapping (first on line {first}); "
                        "each key may appear once",
                        key_node,
                    )
                seen[key] = seen[("value", value)] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def expanded_size(root: Node) -> int:
    """How many values ``root`` stands for once every alias is expanded (YamlLimit above the
    bound, or for a structure that contains itself)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise YamlLimit("an alias refers to a structure that contains it", node)
        open_nodes.add(key)
        if isinstance(node, SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        open_nodes.discard(key)
        if total > MAX_YAML_NODES:
            raise YamlLimit(f"more than {MAX_YAML_NODES:,} values once its aliases are expanded", node)
        sizes[key] = total
        return total

    return size(root)


def parse_yaml(text: str) -> Any:
    """The data of one YAML document, within this module's bounds (yaml.YAMLError if not)."""
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(path: Path) -> Any:
    """The data of the YAML file ``path``; InputError naming the file if it is missing, too
    large, not UTF-8, not YAML, or beyond the bounds."""
    file = str(path)

    def refuse(message: str) -> InputError:
        return InputError([InputIssue(file, "", "", message)])

    if not path.is_file():
        raise refuse("file does not exist" if not path.exists() else "is not a file")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise refuse("expected a .yaml or .yml file")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise refuse(f"file of {size:,} bytes; a YAML input may have at most {MAX_YAML_BYTES:,}")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise refuse("not a text file in UTF-8 (UTF-16 or binary?); save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise refuse(f"line {line}: not UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as error:
        raise refuse(f"not valid YAML: {error}") from None
    except (ValueError, OverflowError) as error:  # e.g. an integer of thousands of digits
        raise refuse(f"not valid YAML: a value cannot be read ({str(error)[:120]})") from None
    except RecursionError:
        raise refuse("not valid YAML: nested too deeply") from None


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Parse a YAML file within bounds; it must be a mapping."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else _KIND_WORDS.get(type(data), "a single value")
        raise InputError([InputIssue(str(path), "", "", f"expected a YAML mapping (key: value lines), found {kind}")])
    return data
