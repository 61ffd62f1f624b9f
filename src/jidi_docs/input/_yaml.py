"""Read YAML text into plain data while remembering where every key and value was written.

Why not ``yaml.safe_load``: YAML 1.1's implicit typing changes what people typed (``no`` becomes
False, ``0571`` an octal int, ``9:30`` the sexagesimal 570, ``13800001111`` an int). Application
data must reach the forms exactly as written, so we compose with the *Base* loader, which never
resolves implicit types, and build strings ourselves; pydantic then converts the fields that really
are numbers or dates. Positions (1-based line and column) are kept per path so that every error can
point at the line the user has to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._text import MERGE_UP, XML_FORBIDDEN_CLASS
from ..errors import InputError, Issue

try:  # libyaml is 5x faster on large files; the pure-Python composer gives the same nodes
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

__all__ = [
    "Mark",
    "Path_",
    "YamlDoc",
    "clean_text",
    "iter_paths",
    "label",
    "parse_yaml",
    "read_text",
]

#: A path into the data: mapping keys (str) and sequence indexes (int).
Path_ = tuple[str | int, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = {_STR_TAG, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}

# What XML 1.0 forbids, the C1 controls (but NEL) and DEL that YAML refuses, and the forms'
# internal merge marker: dropped with a warning rather than written into a corrupt .docx.
_FORBIDDEN = re.compile(f"[{XML_FORBIDDEN_CLASS}\x7f-\x84\x86-\x9f{MERGE_UP}]")


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column; `file` is set when the value came from another file (a spreadsheet)."""

    line: int
    column: int | None
    file: str | None = None


@dataclass
class YamlDoc:
    """Plain data read from YAML, with the position of every value and every mapping key."""

    data: Any
    source: str
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)

    def mark(self, path: Path_, *, key: bool = False) -> Mark | None:
        """Return the position of `path`, or of its nearest written ancestor.

        With ``key=True`` the position of the mapping key is preferred (for unknown keys).
        """
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), None)


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def clean_text(text: str) -> tuple[str, list[str]]:
    """Return `text` without characters a .docx cannot hold, and the names of those removed."""
    removed = [_char_name(m.group()) for m in _FORBIDDEN.finditer(text)]
    if not removed:
        return text, []
    return _FORBIDDEN.sub("", text), removed


def read_text(path: Path) -> str:
    """Return the UTF-8 text of `path`; every way of failing becomes a Chinese InputError."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Issue(name, None, None, "", "文件不存在，请检查路径和文件名。")) from None
    except IsADirectoryError:
        raise InputError(Issue(name, None, None, "", "这是一个文件夹，不是 YAML 文件。")) from None
    except OSError as e:
        raise InputError(Issue(name, None, None, "", f"无法读取文件：{e.strerror}。")) from e
    # UTF-16 without a byte-order mark still shows itself by a NUL byte in every ASCII character.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:256]:
        raise InputError(
            Issue(name, None, None, "", "文件是 UTF-16 编码，请在编辑器中另存为 UTF-8 编码。")
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "看起来是 GBK/GB2312 编码，"
        except UnicodeDecodeError:
            pass
        raise InputError(
            Issue(
                name, line, None, "", f"文件不是 UTF-8 编码，{hint}请在编辑器中另存为 UTF-8 编码。"
            )
        ) from None


_SYNTAX_HINTS = [
    (
        "mapping values are not allowed",
        "这里不能出现“: ”。如果值里本身含有冒号，请用引号把整个值括起来。",
    ),
    ("found character '\\t'", "不能用 Tab 键缩进，请改用空格。"),
    ("tab character", "不能用 Tab 键缩进，请改用空格。"),
    ("could not find expected ':'", "缺少“:”，或者上一行的引号没有闭合。"),
    ("did not find expected key", "缩进不一致：同一层的栏目必须左对齐，列表项以“- ”开头。"),
    ("did not find expected '-' indicator", "缩进不一致：同一列表的各项“- ”必须左对齐。"),
    ("did not find expected ',' or ']'", "方括号列表 [...] 没有闭合，或者缺少逗号。"),
    ("did not find expected ',' or '}'", "花括号 {...} 没有闭合，或者缺少逗号。"),
    ("found unexpected end of stream", "引号没有闭合。"),
    ("found undefined alias", "引用了未定义的锚点（*名称）。"),
    ("found unknown escape character", "双引号里的反斜杠转义无效；写路径或反斜杠时请改用单引号。"),
    ("special characters are not allowed", "文件中含有不可见的控制字符，请删除。"),
    ("found unexpected ':'", "这里不能出现“:”，请给值加引号。"),
    ("expected <block end>, but found '-'", "列表项“- ”的缩进不对。"),
    ("found duplicate anchor", "锚点名称重复。"),
    (
        "did not find expected alphabetic or numeric character",
        "以“*”或“&”开头的值会被当作锚点，请用引号把整个值括起来。",
    ),
]


#: Slips that make a line look like a key to a person but not to YAML, with the fix. Each
#: pattern is tried on the lines at and just before the place the parser gave up.
_SLIPS = [
    (
        re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"]+?\s*："),
        "栏目名后面用了全角冒号“：”，请改成半角冒号加一个空格，例如“联系人: 李四”。",
    ),
    (
        re.compile(r"^\s*(?:-\s+)?[^\s:#'\"]+?:\u3000"),
        "冒号后面是全角空格，请改成半角空格，例如“联系人: 李四”。",
    ),
    (
        re.compile(r"^\s*(?:-\s+)?[^\s:#'\"/]+?:(?![\s/\\])\S"),
        "冒号后面缺少空格，请在“:”后面加一个空格，例如“联系人: 李四”。",
    ),
    (
        re.compile(r"^\s*(?:-\s+)?[^\s:#]+:\s*[“”‘’]"),
        "值两边用了全角引号（“ ” 或 ‘ ’），YAML 只认半角引号：请改成 \"…\" 或 '…'。",
    ),
]


def _slip(text: str, line: int) -> tuple[int, str] | None:
    """Return the 0-based line and fix of a typing slip at or just before `line`, if any."""
    lines = text.split("\n")
    for i in range(min(line, len(lines) - 1), max(-1, line - 3), -1):
        row = lines[i]
        if row.lstrip().startswith("#"):
            continue
        for pattern, fix in _SLIPS:
            if pattern.match(row):
                return i, fix
    return None


def _syntax_issue(source: str, err: yaml.YAMLError, text: str = "") -> Issue:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = str(getattr(err, "problem", "") or err)
    context = str(getattr(err, "context", "") or "")
    context_mark = getattr(err, "context_mark", None)
    if "quoted scalar" in context and context_mark is not None:
        # An unclosed quote is only noticed at the end of the file; the line to fix is the
        # one where the quote was opened.
        mark = context_mark
    elif mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        # libyaml says only "found character that cannot start any token" for a tab.
        problem = "found character '\\t'"
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            message = f"YAML 格式错误：{hint}"
            break
    else:
        message = f"YAML 格式错误（{problem}）。请检查这一行的缩进、冒号和引号。"
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    slip = _slip(text, mark.line) if mark is not None else None
    if slip is not None:
        line, col, message = slip[0] + 1, None, f"YAML 格式错误：{slip[1]}"
    return Issue(source, line, col, "", message)


def _char_at(text: str, line: int, column: int) -> str:
    """Return the character at a 0-based line and column of `text`, or "" outside it."""
    lines = text.split("\n")
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


def parse_yaml(text: str, source: str = "<文本>") -> YamlDoc:
    """Parse YAML text into strings, lists, dicts and None, keeping positions.

    Plain (unquoted) empty values and ``~``/``null`` become None; every other scalar is the
    string exactly as written. Only one document is read; YAML tags other than the standard
    string/list/mapping ones are refused, so no tag can construct an object.

    Raises:
        InputError: syntax errors, an empty document, duplicate keys, or tags.
    """
    doc = YamlDoc(data=None, source=source)
    text = _strip_forbidden(text, doc)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as e:
        raise InputError(_syntax_issue(source, e, text)) from None
    if not nodes or nodes[0] is None:
        raise InputError(Issue(source, None, None, "", "文件是空的：没有任何内容。"))
    if len(nodes) > 1:
        # Point at the ``---`` that starts the second document, not at its first value.
        first_end = nodes[0].end_mark.line
        starts = [
            i for i, row in enumerate(text.split("\n")) if i >= first_end and row.startswith("---")
        ]
        line = starts[0] + 1 if starts else None
        raise InputError(
            Issue(source, line, None, "", "文件里有多个 YAML 文档（用 --- 分隔），只能有一个。")
        )
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        kind = "列表" if isinstance(root, yaml.SequenceNode) else "一段文字"
        raise InputError(
            Issue(
                source,
                root.start_mark.line + 1,
                root.start_mark.column + 1,
                "",
                f"文件的最外层应是“栏目: 值”的映射，现在是{kind}。",
            )
        )
    doc.data = _build(root, (), doc)
    return doc


def _strip_forbidden(text: str, doc: YamlDoc) -> str:
    """Drop control characters from the raw text, warning once per line where they stood."""
    if not _FORBIDDEN.search(text):
        return text
    out: list[str] = []
    for i, line in enumerate(text.split("\n"), start=1):
        cleaned, removed = clean_text(line)
        if removed:
            doc.warnings.append(
                Issue(
                    doc.source,
                    i,
                    None,
                    "",
                    f"删除了 Word 文档不能容纳的控制字符 {'、'.join(sorted(set(removed)))}。",
                )
            )
        out.append(cleaned)
    return "\n".join(out)


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, path: Path_, doc: YamlDoc) -> Any:
    doc.values[path] = _mark(node)
    if node.tag not in _ALLOWED_TAGS:
        raise InputError(
            Issue(
                doc.source,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                label(path),
                f"不支持 YAML 标签 {_written_tag(node.tag)}：请去掉以“!”开头的标签，直接写值。",
            )
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(
                    Issue(doc.source, *_lc(key_node), label(path), "栏目名必须是文字。")
                )
            key = key_node.value
            here = (*path, key)
            if key in result:
                first = doc.keys[here]
                raise InputError(
                    Issue(
                        doc.source,
                        *_lc(key_node),
                        label(here),
                        f"栏目重复：第 {first.line} 行已经写过“{key}”，请只保留一个。",
                    )
                )
            doc.keys[here] = _mark(key_node)
            result[key] = _build(value_node, here, doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), doc) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)  # the composer makes only these three kinds
    value: str = node.value
    if node.style in (None, "") and value in _NULL_WORDS:
        return None
    cleaned, removed = clean_text(value)
    if removed:
        doc.warnings.append(
            Issue(
                doc.source,
                *_lc(node),
                label(path),
                f"删除了 Word 文档不能容纳的控制字符 {'、'.join(sorted(set(removed)))}。",
            )
        )
    return cleaned


def _written_tag(tag: str) -> str:
    """Return a tag the way it is written in YAML (``!!python/object``), not its resolved URI."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _lc(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def label(path: Path_) -> str:
    """Return a path in the user's words: ``讲师 → 第 2 项 → 学历``."""
    return " → ".join(f"第 {p + 1} 项" if isinstance(p, int) else str(p) for p in path)


def iter_paths(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Yield every (path, scalar) pair in plain data."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from iter_paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from iter_paths(v, (*path, i))
    else:
        yield path, data
