"""YAML syntax errors in the user's words: the usual slips, named at the line to change."""

from __future__ import annotations

import re

import yaml

from ..errors import Issue

__all__ = ["MAX_DEPTH", "TOO_DEEP", "syntax_issue"]

#: No application nests deeper than a few levels; deeper input is refused before it is built.
MAX_DEPTH = 40
TOO_DEEP = f"嵌套层数超过 {MAX_DEPTH} 层：申报文件的栏目最多只有几层，请检查括号和缩进。"

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
    ("found unknown escape character", "双引号里的反斜杠转义无效；写路径或反斜杠时请改用单引号。"),
    ("special characters are not allowed", "文件中含有不可见的控制字符，请删除。"),
    ("found unexpected ':'", "这里不能出现“:”，请给值加引号。"),
    ("expected <block end>, but found '-'", "列表项“- ”的缩进不对。"),
    ("found duplicate anchor", "锚点名称重复。"),
    ("exceeded maximum nesting depth", TOO_DEEP),
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


def syntax_issue(source: str, err: yaml.YAMLError, text: str = "") -> Issue:
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
