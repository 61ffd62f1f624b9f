"""Read YAML text into plain data while remembering where every key and value was written.

Why not ``yaml.safe_load``: YAML 1.1's implicit typing changes what people typed (``no`` becomes
False, ``0571`` an octal int, ``9:30`` the sexagesimal 570, ``13800001111`` an int). Application
data must reach the forms exactly as written, so we compose with the *Base* loader, which never
resolves implicit types, and build strings ourselves; pydantic then converts the fields that really
are numbers or dates. Positions (1-based line and column) are kept per path so that every error can
point at the line the user has to change.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._text import MERGE_UP, XML_FORBIDDEN_CLASS
from ..errors import InputError, Issue
from ._yaml_syntax import MAX_DEPTH as _MAX_DEPTH
from ._yaml_syntax import TOO_DEEP as _TOO_DEEP
from ._yaml_syntax import syntax_issues as _syntax_issues

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
    """Plain data read from YAML, with the position of every value and every mapping key.

    Positions are found when first asked for, by reading `text` again: a valid application never
    needs them, and keeping one per value would cost more memory than the data itself.
    """

    data: Any
    source: str
    text: str = ""
    warnings: list[Issue] = field(default_factory=list)
    _values: dict[Path_, Mark] | None = field(default=None, repr=False)
    _keys: dict[Path_, Mark] = field(default_factory=dict, repr=False)

    @property
    def values(self) -> dict[Path_, Mark]:
        """The position of every value, by path (filled on first use)."""
        if self._values is None:
            self._values = {}
            if self.text:
                _Builder(self.text, self.source, positions=(self._values, self._keys)).document()
        return self._values

    @property
    def keys(self) -> dict[Path_, Mark]:
        """The position of every mapping key, by path (filled on first use)."""
        _ = self.values
        return self._keys

    def mark(self, path: Path_, *, key: bool = False) -> Mark | None:
        """Return the position of `path`, or of its nearest written ancestor.

        With ``key=True`` the position of the mapping key is preferred (for unknown keys).
        """
        values, keys = self.values, self._keys
        p = tuple(path)
        if key and p in keys:
            return keys[p]
        while p:
            if p in values:
                return values[p]
            p = p[:-1]
        return values.get((), None)


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def clean_text(text: str) -> tuple[str, list[str]]:
    """Return `text` without characters a .docx cannot hold, and the names of those removed."""
    removed = [_char_name(m.group()) for m in _FORBIDDEN.finditer(text)]
    if not removed:
        return text, []
    return _FORBIDDEN.sub("", text), removed


def read_text(path: Path, notes: list[Issue] | None = None) -> str:
    """Return the text of `path`; every way of failing becomes a Chinese InputError.

    UTF-8 (with or without BOM) is expected. A file that is GBK throughout, as Notepad on Chinese
    Windows saves "ANSI", is read as GBK, with a note appended to `notes` that names the encoding.
    A file that mixes UTF-8 and GBK is refused at its first GBK line.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Issue(name, None, None, "", "文件不存在，请检查路径和文件名。")) from None
    except IsADirectoryError:
        raise InputError(Issue(name, None, None, "", "这是一个文件夹，不是 YAML 文件。")) from None
    except OSError as e:
        raise InputError(Issue(name, None, None, "", f"无法读取文件：{e.strerror}。")) from e
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        raise InputError(
            Issue(name, None, None, "", "文件是 UTF-16 编码，请在编辑器中另存为 UTF-8 编码。")
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        column = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        raise InputError(
            Issue(
                name,
                line,
                None,
                "",
                f"文件第 {nul + 1} 个字节（这一行第 {column} 个字节）是空字符 NUL（0x00），"
                "YAML 文件里不能有它，通常是文件损坏或被别的程序写坏了。"
                "请在编辑器中删除这个看不见的字符，或从备份恢复文件。",
            )
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        if raw[: e.start].isascii():  # nothing before it was UTF-8: try the whole file as GBK
            try:
                text = raw.decode("gbk")
            except UnicodeDecodeError:
                pass
            else:
                if notes is not None:
                    notes.append(
                        Issue(
                            name,
                            None,
                            None,
                            "",
                            "文件是 GBK 编码（记事本的“ANSI”），已按 GBK 读取；"
                            "建议在编辑器中另存为 UTF-8 编码。",
                        )
                    )
                return text
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


#: Values that aliases (``*名称``) may add in total. An application needs none; a few shared
#: lists are fine, while nested aliases multiply (9 anchors of 9 aliases: 9**9 values).
_MAX_ALIAS_VALUES = 10_000
#: Values up to this length (专职, 本科, 亚马逊 …) are kept once however often they are written.
_SHARED_LEN = 8


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: a NUL byte in every ASCII character, all on one side.

    Why so strict: a single NUL in a UTF-8 file (a damaged file) is a different problem, and
    telling its owner to re-save as UTF-8 cannot fix it.
    """
    head = raw[:256]
    even, odd = head[0::2], head[1::2]
    nul_even, nul_odd = even.count(0), odd.count(0)
    return max(nul_even, nul_odd) >= max(2, min(4, len(head) // 4)) and min(nul_even, nul_odd) == 0


def parse_yaml(text: str, source: str = "<文本>") -> YamlDoc:
    """Parse YAML text into strings, lists, dicts and None, keeping positions.

    Plain (unquoted) empty values and ``~``/``null`` become None; every other scalar is the
    string exactly as written. Only one document is read; YAML tags other than the standard
    string/list/mapping ones are refused, so no tag can construct an object. Aliases may add at
    most `_MAX_ALIAS_VALUES` values and nesting is limited, so no small file expands to a huge one.

    Raises:
        InputError: syntax errors, an empty document, duplicate keys, tags, or alias bombs.
    """
    doc = YamlDoc(data=None, source=source)
    doc.text = _strip_forbidden(text, doc)
    doc.data = _Builder(doc.text, source, warnings=doc.warnings).document()
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


def _lc(event: yaml.Event) -> tuple[int, int]:
    start = event.start_mark
    return (start.line + 1, start.column + 1) if start is not None else (0, 0)


def _mark(event: yaml.Event) -> Mark:
    return Mark(*_lc(event))


class _Builder:
    """Build plain data straight from the parser's events (no node graph is kept).

    Why events: composing nodes first keeps a node and two marks per value, several times the
    file's size, and copies nothing for aliases, so an alias bomb only explodes when the nodes
    are turned into data. Here each alias adds the size of its anchor to a budget, checked
    before anything is copied; with `positions` given, the builder records where every value
    and key was written instead of collecting warnings (the second, on-demand reading).
    """

    def __init__(
        self,
        text: str,
        source: str,
        *,
        warnings: list[Issue] | None = None,
        positions: tuple[dict[Path_, Mark], dict[Path_, Mark]] | None = None,
    ) -> None:
        self.text = text
        self.source = source
        self.warnings = warnings
        self.values: dict[Path_, Mark] | None = None
        self.keys: dict[Path_, Mark] | None = None
        if positions is not None:
            self.values, self.keys = positions
        self.events = yaml.parse(text, Loader=_Loader)
        self.anchors: dict[str, tuple[Any, int, Mark]] = {}
        self.open_anchors: dict[str, Mark] = {}
        self.added = 0
        # Keys and short values repeat on every row of a long list; one copy of each is kept.
        self.shared: dict[str, str] = {}

    def refuse(self, at: tuple[int | None, int | None], path: Path_, message: str) -> InputError:
        return InputError(Issue(self.source, at[0], at[1], label(path), message))

    def document(self) -> Any:
        """Return the data of the only document; raise InputError for anything else."""
        try:
            return self._document()
        except yaml.YAMLError as e:
            # Every slip that can be mended is named at once, not one per run.
            first, *more = _syntax_issues(self.source, e, self.text, self._again)
            raise InputError(first, more=more) from None

    def _again(self, text: str) -> object:
        """Read `text` (this text with a slip mended) from the start, keeping nothing."""
        return _Builder(text, self.source)._document()

    def _document(self) -> Any:
        next(self.events)  # stream start
        event = next(self.events)
        if isinstance(event, yaml.StreamEndEvent):
            raise InputError(Issue(self.source, None, None, "", "文件是空的：没有任何内容。"))
        root = next(self.events)
        if not isinstance(root, yaml.MappingStartEvent):
            kind = "列表" if isinstance(root, yaml.SequenceStartEvent) else "一段文字"
            raise self.refuse(_lc(root), (), f"文件的最外层应是“栏目: 值”的映射，现在是{kind}。")
        data, _ = self.node(root, ())
        next(self.events)  # document end
        event = next(self.events)
        if isinstance(event, yaml.DocumentStartEvent):
            raise self.refuse(
                (_lc(event)[0], None),
                (),
                "文件里有多个 YAML 文档（用 --- 分隔），只能有一个。",
            )
        return data

    def node(self, event: yaml.Event, path: Path_) -> tuple[Any, int]:
        """Return the value starting with `event` and how many values it holds."""
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, path)
        if self.values is not None:
            self.values[path] = _mark(event)
        if len(path) > _MAX_DEPTH:
            raise self.refuse(_lc(event), path[:3], _TOO_DEEP)
        if not isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            raise self.refuse(_lc(event), path, "YAML 格式错误：这里缺少值。")
        tag = event.tag
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            raise self.refuse(
                _lc(event),
                path,
                f"不支持 YAML 标签 {_written_tag(tag)}：请去掉以“!”开头的标签，直接写值。",
            )
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors or anchor in self.open_anchors:
                raise self.refuse(_lc(event), path, "YAML 格式错误：锚点名称重复。")
            self.open_anchors[anchor] = _mark(event)
        value: Any
        if isinstance(event, yaml.MappingStartEvent):
            value, size = self.mapping(path)
        elif isinstance(event, yaml.ScalarEvent):
            value, size = self.scalar(event, path), 1
        else:
            value, size = self.sequence(path)
        if anchor is not None:
            self.anchors[anchor] = (value, size, self.open_anchors.pop(anchor))
        return value, size

    def mapping(self, path: Path_) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        size = 1
        while not isinstance(event := next(self.events), yaml.MappingEndEvent):
            key = self.key(event, path)
            if key in result:
                raise self.refuse(
                    _lc(event),
                    (*path, key),
                    f"栏目重复：第 {lines[key]} 行已经写过“{key}”，请只保留一个。",
                )
            lines[key] = _lc(event)[0]
            sub = (*path, key)
            if self.keys is not None:
                self.keys[sub] = _mark(event)
            result[key], n = self.node(next(self.events), sub)
            size += n + 1
        return result, size

    def key(self, event: yaml.Event, path: Path_) -> str:
        if isinstance(event, yaml.ScalarEvent):
            return self.shared.setdefault(event.value, event.value)
        if isinstance(event, yaml.AliasEvent):
            value, _ = self.alias(event, path)
            if isinstance(value, str):
                return value
        raise self.refuse(_lc(event), path, "栏目名必须是文字。")

    def sequence(self, path: Path_) -> tuple[list[Any], int]:
        items: list[Any] = []
        size = 1
        while not isinstance(event := next(self.events), yaml.SequenceEndEvent):
            value, n = self.node(event, (*path, len(items)))
            items.append(value)
            size += n
        return items, size

    def scalar(self, event: yaml.ScalarEvent, path: Path_) -> str | None:
        value: str = event.value
        if event.style in (None, "") and value in _NULL_WORDS:
            return None
        cleaned, removed = clean_text(value)
        if removed and self.warnings is not None:
            self.warnings.append(
                Issue(
                    self.source,
                    *_lc(event),
                    label(path),
                    f"删除了 Word 文档不能容纳的控制字符 {'、'.join(sorted(set(removed)))}。",
                )
            )
        return self.shared.setdefault(cleaned, cleaned) if len(cleaned) <= _SHARED_LEN else cleaned

    def alias(self, event: yaml.AliasEvent, path: Path_) -> tuple[Any, int]:
        """Return a copy of the anchored value, refusing once aliases add too many values."""
        name = event.anchor
        if self.values is not None:
            self.values[path] = _mark(event)
        if name in self.open_anchors:
            at = self.open_anchors[name]
            raise self.refuse(
                (at.line, at.column),
                (),
                f"锚点“&{name}”的内容里引用了它自己（*{name}），无法展开，请直接写出内容。",
            )
        if name not in self.anchors:
            raise self.refuse(_lc(event), path, f"YAML 格式错误：引用了未定义的锚点（*{name}）。")
        value, size, at = self.anchors[name]
        self.added += size
        if self.added > _MAX_ALIAS_VALUES:
            raise self.refuse(
                (at.line, at.column),
                (),
                f"锚点“&{name}”被引用（*{name}，第 {_lc(event)[0]} 行）后，"
                f"所有别名展开的值超过 {_MAX_ALIAS_VALUES:,} 个。"
                "申报文件用不到锚点和别名：请删除它们，直接写出内容。",
            )
        return (copy.deepcopy(value) if isinstance(value, (dict, list)) else value), size


def _written_tag(tag: str) -> str:
    """Return a tag the way it is written in YAML (``!!python/object``), not its resolved URI."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


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
