"""YAML syntax errors in the user's words: the usual slips, named at the line to change."""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from ..errors import InputError, Issue

__all__ = ["MAX_DEPTH", "TOO_DEEP", "syntax_issue", "syntax_issues"]

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


#: Slips that make a line look like a key to a person but not to YAML: the pattern, the fix in
#: words, and how to mend the line so that reading can go on to the next slip (`syntax_issues`).
#: Each pattern is tried on the lines at and just before the place the parser gave up.
_SLIPS: list[tuple[re.Pattern[str], str, Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^(\s*(?:-\s+)?[^\s:：#'\"]+?)\s*：\s*(.*)$"),
        "栏目名后面用了全角冒号“：”，请改成半角冒号加一个空格，例如“联系人: 李四”。",
        lambda m: f"{m[1]}: {m[2]}",
    ),
    (
        re.compile(r"^(\s*(?:-\s+)?[^\s:#'\"]+?):\u3000+(.*)$"),
        "冒号后面是全角空格，请改成半角空格，例如“联系人: 李四”。",
        lambda m: f"{m[1]}: {m[2]}",
    ),
    (
        re.compile(r"^(\s*(?:-\s+)?[^\s:#'\"/]+?):(?![\s/\\])(\S.*)$"),
        "冒号后面缺少空格，请在“:”后面加一个空格，例如“联系人: 李四”。",
        lambda m: f"{m[1]}: {m[2]}",
    ),
    (
        re.compile(r"^(\s*(?:-\s+)?[^\s:#]+:\s*)[“‘](.*?)[”’]?\s*$"),
        "值两边用了全角引号（“ ” 或 ‘ ’），YAML 只认半角引号：请改成 \"…\" 或 '…'。",
        lambda m: f"{m[1]}'{m[2]}'",
    ),
]

#: A key written without its colon (``  法定代表人 张三``), found where the parser began the key.
_NO_COLON = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"]+)(?:\s+(.*))?$")
_NO_COLON_FIX = "这一行缺少“:”：栏目名后面要写半角冒号和一个空格，例如“法定代表人: 张三”。"


def _slip(text: str, line: int) -> tuple[int, str, str] | None:
    """Return the 0-based line, the fix and the mended line of a typing slip at or just before
    `line`, if any."""
    lines = text.split("\n")
    for i in range(min(line, len(lines) - 1), max(-1, line - 3), -1):
        row = lines[i]
        if row.lstrip().startswith("#"):
            continue
        for pattern, fix, mend in _SLIPS:
            found = pattern.match(row)
            if found:
                return i, fix, mend(found)
    return None


def syntax_issue(source: str, err: yaml.YAMLError, text: str = "") -> Issue:
    """Return the problem `err` reports in `text`, in the user's words, at the line to change."""
    return _diagnose(source, err, text)[0]


def syntax_issues(
    source: str, err: yaml.YAMLError, text: str, parse: Callable[[str], object], *, most: int = 30
) -> list[Issue]:
    """Return every slip of `text` that can be mended, starting with the one `err` reports.

    Each slip found is mended in a copy of the text (a full-width colon made half-width, a
    tab made spaces, a missing colon put in …) and the copy is read again with `parse`, up to
    `most` times, so one run names all the independent slips instead of one per run. Lines are
    only changed, never added or removed, so every line number refers to the user's file.
    Reading stops at the first problem that cannot be mended.
    """
    issues: list[Issue] = []
    while True:
        issue, mended = _diagnose(source, err, text)
        if issues and (issue.line, issue.message) == (issues[-1].line, issues[-1].message):
            break  # the mending did not help: the rest would be guesses
        issues.append(issue)
        if mended is None or len(issues) >= most:
            break
        text = mended
        try:
            parse(text)
        except yaml.YAMLError as again:
            err = again
            continue
        except InputError as other:  # a problem of another kind (a repeated key …)
            issues.append(other.issue)
        break
    return issues


def _replace_line(text: str, index: int, line: str) -> str:
    lines = text.split("\n")
    lines[index] = line
    return "\n".join(lines)


def _untabbed(text: str, index: int) -> str:
    """`text` with the tabs leading line `index` made spaces: as deep as the line above, or
    two spaces deeper when that line opens a block (ends with a colon)."""
    lines = text.split("\n")
    above = next(
        (ln for ln in reversed(lines[:index]) if ln.strip() and not ln.lstrip().startswith("#")),
        "",
    )
    depth = len(above) - len(above.lstrip(" "))
    if above.rstrip().endswith(":"):
        depth += 2
    lines[index] = " " * depth + lines[index].lstrip(" \t")
    return "\n".join(lines)


def _diagnose(source: str, err: yaml.YAMLError, text: str) -> tuple[Issue, str | None]:
    """Return the issue `err` reports, and `text` with it mended (None when it cannot be)."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = str(getattr(err, "problem", "") or err)
    context = str(getattr(err, "context", "") or "")
    context_mark = getattr(err, "context_mark", None)
    tab = False
    if "quoted scalar" in context and context_mark is not None:
        # An unclosed quote is only noticed at the end of the file; the line to fix is the
        # one where the quote was opened.
        mark = context_mark
    elif mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        # libyaml says only "found character that cannot start any token" for a tab.
        problem = "found character '\\t'"
        tab = True
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            message = f"YAML 格式错误：{hint}"
            break
    else:
        message = f"YAML 格式错误（{problem}）。请检查这一行的缩进、冒号和引号。"
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    mended: str | None = None
    if tab and mark is not None:
        mended = _untabbed(text, mark.line)
    key_mark = context_mark if "simple key" in context else None
    # A slip is looked for where the key began (the parser notices a missing colon one line late).
    start = key_mark.line if key_mark is not None else (mark.line if mark is not None else None)
    slip = _slip(text, start) if start is not None and not tab else None
    if slip is not None:
        line, col, message = slip[0] + 1, None, f"YAML 格式错误：{slip[1]}"
        mended = _replace_line(text, slip[0], slip[2])
    elif key_mark is not None:
        row = text.split("\n")[key_mark.line] if text else ""
        found = _NO_COLON.match(row)
        if found:
            line, col, message = key_mark.line + 1, None, f"YAML 格式错误：{_NO_COLON_FIX}"
            value = f" {found[3]}" if found[3] else ""
            mended = _replace_line(text, key_mark.line, f"{found[1]}{found[2]}:{value}")
    return Issue(source, line, col, "", message), mended


def _char_at(text: str, line: int, column: int) -> str:
    """Return the character at a 0-based line and column of `text`, or "" outside it."""
    lines = text.split("\n")
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""
