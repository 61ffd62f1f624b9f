"""Read YAML the way an editor does: YAML 1.2 with its core schema (as yaml-language-server does).

Under YAML 1.2 ``13800001111`` and ``60`` are numbers, ``true`` a boolean, ``~`` or nothing null,
and everything else — ``2015-06-18``, ``yes``, ``9:30``, ``1_000`` — text. PyYAML only speaks
YAML 1.1, so its parser is used with no implicit types at all, and each plain scalar is resolved
here by the 1.2 core schema's rules (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
Quoted and block scalars are text. An explicit tag, a repeated key or a second document is an
error, as they are for the loader.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?(?:\.inf|\.Inf|\.INF)$")
_NAN = re.compile(r"^(?:\.nan|\.NaN|\.NAN)$")

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class Yaml12Error(ValueError):
    """The text is not one YAML document of plain data."""


class _Loader(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's parser with no implicit resolvers: every untagged scalar keeps the str tag."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)


def _scalar(node: ScalarNode) -> Any:
    if node.tag != _STR:
        raise Yaml12Error(f"explicit tag {node.tag}")
    text = node.value
    if node.style is not None:  # quoted, literal or folded: always text
        return text
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text.lower() == "true"
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text, 0)
    if _INT16.match(text):
        return int(text, 0)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _value(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ:
            raise Yaml12Error(f"explicit tag {node.tag}")
        return [_value(n) for n in node.value]
    if isinstance(node, MappingNode):
        if node.tag != _MAP:
            raise Yaml12Error(f"explicit tag {node.tag}")
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _value(key_node)
            if key in out:
                raise Yaml12Error(f"repeated key {key}")
            out[key] = _value(value_node)
        return out
    raise Yaml12Error(f"unknown node {node!r}")  # pragma: no cover


def load_yaml12(text: str) -> Any:
    """Return the data of one YAML document as a YAML 1.2 (core schema) reader sees it.

    Raises:
        Yaml12Error: the text is not valid YAML, holds several documents, a tag or a repeated key.
    """
    loader = _Loader(text)
    try:
        documents = []
        while loader.check_node():
            documents.append(loader.get_node())
    except yaml.YAMLError as e:
        raise Yaml12Error(str(e)) from e
    finally:
        loader.dispose()
    if len(documents) > 1:
        raise Yaml12Error("several documents")
    return _value(documents[0]) if documents else None
