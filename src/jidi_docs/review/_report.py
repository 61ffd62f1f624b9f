"""Show a 预审 `CheckReport`: plain lines for the terminal, Markdown or HTML files to keep.

The three outputs list the same things in the same order — the derived figures, the conditions,
the 评价表 with each 自评分, the subtotals and the 总分 — so what a base reads on screen is what it
files away. Text typed by the user (unit names, topics in reasons) is escaped for each format.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .._text import display_width, wrap
from ..errors import UserError
from ..forms import fmt_date, fmt_number
from ._check import FAIL, OK, WARN, CheckReport, EvidenceRow

__all__ = [
    "REPORT_SUFFIXES",
    "to_html",
    "to_markdown",
    "to_text",
    "write_report",
]

#: File suffixes `write_report` understands, and the format each one means.
REPORT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}

_STATUS_MARK = {OK: "✔", WARN: "⚠", FAIL: "✘"}
#: The same marks from the GBK character set, for consoles that cannot show the ones above.
PLAIN_MARKS = {OK: "√", WARN: "！", FAIL: "×"}


def _n(value: Decimal | None) -> str:
    return fmt_number(value) if value is not None else "—"


def _title(report: CheckReport) -> str:
    return f"预审报告：{report.unit_name}"


def _meta(report: CheckReport) -> list[tuple[str, str]]:
    rows = [
        ("申报单位", report.unit_name),
        ("认定批次", report.batch),
        ("申报截止日期", fmt_date(report.deadline)),
    ]
    if report.source:
        rows.append(("申报文件", report.source))
    return rows


def _score_lines(report: CheckReport) -> list[tuple[str, str, str, str]]:
    """Return (内容, 评价指标, 分值, 自评分) rows with a 小计 row after each category, then 总分."""
    lines: list[tuple[str, str, str, str]] = []
    for cat in report.categories:
        for row in (r for r in report.score_rows if r.category == cat.name):
            lines.append((cat.name, row.indicator, _n(row.max_points), _n(row.score)))
        lines.append((cat.name, "小计", _n(cat.max_points), _n(cat.subtotal)))
    lines.append(("总分", "", _n(report.max_total), _n(report.total_score)))
    return lines


# ---------------------------------------------------------------------------------------------
# Terminal (plain text)
# ---------------------------------------------------------------------------------------------


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def to_text(report: CheckReport, *, plain_marks: bool = False, width: int = 80) -> str:
    """Return the conditions and the 评价表 as plain lines for a terminal `width` cells wide.

    Why no box-drawn tables: a Chinese Windows console (code page 936, conhost with a CJK font)
    draws box-drawing characters two cells wide, so framed tables fall apart exactly where most
    of our users read them. Only CJK characters, ASCII and the status mark are printed here; the
    mark starts each condition, so its width on any console moves nothing else.
    `plain_marks` uses √ ！ × (which a GBK console can show) instead of ✔ ⚠ ✘.
    """
    marks = PLAIN_MARKS if plain_marks else _STATUS_MARK
    out = ["认定条件"]
    for c in report.conditions:
        first, *more = wrap(c.title, max(width - 13, 20))
        out.append(f"  {marks[c.status]} {_pad(c.status, 6)}  {first}")
        out += [f"{'':12}{line}" for line in more]
        out += [f"{'':6}{line}" for line in wrap(c.reason, max(width - 7, 20))]
    rows = [("内容", "评价指标", "分值", "自评分")]
    shown: set[str] = set()
    for category, indicator, points, score in _score_lines(report):
        rows.append((category if category not in shown else "", indicator, points, score))
        shown.add(category)
    widths = [max(display_width(row[i]) for row in rows) for i in range(4)]
    out += ["", "评价表自评分"]
    for row in rows:
        cells = [_pad(row[0], widths[0]), _pad(row[1], widths[1])]
        cells += [_pad(row[i], widths[i], right=True) for i in (2, 3)]
        out.append(("  " + "  ".join(cells)).rstrip())
    if report.evidence_groups:
        out += ["", EVIDENCE_TITLE]
        for group, rows_ in _evidence_groups(report):
            out.append(f"  {group}：{len(rows_)} 份" if rows_ else f"  {group}：没有")
            for e in rows_:
                first, *more = wrap(_evidence_line(e), max(width - 7, 20))
                out += [f"{'':4}{first}", *(f"{'':6}{line}" for line in more)]
    return "\n".join(out)


#: The heading of the evidence found, in every format.
EVIDENCE_TITLE = "佐证材料（按评价指标）"


def _evidence_groups(report: CheckReport) -> list[tuple[str, list[EvidenceRow]]]:
    """Each indicator with its entries, in the 评价表's order (an indicator without any too)."""
    groups: dict[str, list[EvidenceRow]] = {g: [] for g in report.evidence_groups}
    for e in report.evidence:
        groups.setdefault(e.indicator, []).append(e)
    return list(groups.items())


def _evidence_line(e: EvidenceRow) -> str:
    """``名称：文件；文件（佐证材料.xlsx 第 3 行）``, or ``（文件夹中）`` for a file found there."""
    origin = "（文件夹中）" if e.found_in_folder else f"（{e.origin}）" if e.origin else ""
    return f"{e.name}：{'；'.join(e.files)}{origin}"


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Escape a table cell: pipes and backslashes would break the row, line breaks end it."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    for ch in "*_`[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines


def to_markdown(report: CheckReport) -> str:
    """Return the report as a Markdown document (GitHub tables)."""
    out = [f"# {_md(_title(report))}", ""]
    out += [f"- {k}：{_md(v)}" for k, v in _meta(report)]
    out += ["", f"**{report.summary}**", "", "## 认定条件", ""]
    out += _md_table(
        ["认定条件", "结果", "说明"],
        [[c.title, f"{_STATUS_MARK[c.status]} {c.status}", c.reason] for c in report.conditions],
    )
    out += ["", "## 评价表自评分", ""]
    out += _md_table(
        ["内容", "评价指标", "分值", "自评分"], [list(r) for r in _score_lines(report)]
    )
    out += ["", "## 程序计算的数字", ""]
    out += _md_table(["项目", "数值"], [[k, _n(v)] for k, v in report.figures.items()])
    if report.evidence_groups:
        out += ["", f"## {EVIDENCE_TITLE}", ""]
        out += _md_table(["评价指标", "名称", "文件", "来自"], _evidence_table(report))
    return "\n".join(out) + "\n"


def _evidence_table(report: CheckReport) -> list[list[str]]:
    rows = []
    for group, entries in _evidence_groups(report):
        rows += [[group, e.name, "\n".join(e.files), e.origin or ""] for e in entries]
        if not entries:
            rows.append([group, "（没有）", "", ""])
    return rows


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 60em; margin: 2em auto; line-height: 1.5; }
table { border-collapse: collapse; margin: 1em 0; width: 100%; }
th, td { border: 1px solid #999; padding: .3em .6em; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; }
tr.subtotal td, tr.total td { font-weight: bold; }
.符合 { color: #087f23; } .需注意 { color: #b26a00; } .不符合 { color: #c62828; font-weight: bold; }
"""


def _h(text: str) -> str:
    import html  # with its table of entities, only for .html reports: `check` starts without it

    return html.escape(text).replace("\n", "<br>")


def to_html(report: CheckReport) -> str:
    """Return the report as one self-contained HTML page (styles inline, no outside files)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        '<head><meta charset="utf-8">',
        f"<title>{_h(_title(report))}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{_h(_title(report))}</h1>",
        "<ul>",
        *(f"<li>{_h(k)}：{_h(v)}</li>" for k, v in _meta(report)),
        "</ul>",
        f"<p><strong>{_h(report.summary)}</strong></p>",
        "<h2>认定条件</h2>",
        "<table><thead><tr><th>认定条件</th><th>结果</th><th>说明</th></tr></thead><tbody>",
    ]
    for c in report.conditions:
        out.append(
            f"<tr><td>{_h(c.title)}</td>"
            f'<td class="{c.status}">{_STATUS_MARK[c.status]} {c.status}</td>'
            f"<td>{_h(c.reason)}</td></tr>"
        )
    out += [
        "</tbody></table>",
        "<h2>评价表自评分</h2>",
        (
            "<table><thead><tr><th>内容</th><th>评价指标</th><th>分值</th><th>自评分</th></tr>"
            "</thead><tbody>"
        ),
    ]
    for category, indicator, points, score in _score_lines(report):
        cls = {"小计": ' class="subtotal"', "": ' class="total"'}.get(indicator, "")
        out.append(
            f"<tr{cls}><td>{_h(category)}</td><td>{_h(indicator)}</td>"
            f'<td class="num">{points}</td><td class="num">{score}</td></tr>'
        )
    out += [
        "</tbody></table>",
        "<h2>程序计算的数字</h2>",
        "<table><tbody>",
        *(
            f'<tr><td>{_h(k)}</td><td class="num">{_n(v)}</td></tr>'
            for k, v in report.figures.items()
        ),
        "</tbody></table>",
    ]
    if report.evidence_groups:
        out += [
            f"<h2>{_h(EVIDENCE_TITLE)}</h2>",
            "<table><thead><tr><th>评价指标</th><th>名称</th><th>文件</th><th>来自</th></tr>",
            "</thead><tbody>",
            *(
                "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>"
                for row in _evidence_table(report)
            ),
            "</tbody></table>",
        ]
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_report(report: CheckReport, path: str | Path, *, force: bool = False) -> Path:
    """Write `report` to `path` as Markdown (.md) or HTML (.html), replacing it atomically.

    Raises:
        UserError: the suffix is neither .md nor .html.
        OutputError: `path` exists and jidi_docs did not write it (unless `force`), or it
            cannot be written.
    """
    path = Path(path)
    kind = REPORT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UserError(f"报告文件 {path} 的扩展名不对：只支持 .md（Markdown）和 .html（网页）。")
    from .._fs import atomic_write  # only reports are written: `check` starts without it

    text = to_markdown(report) if kind == "markdown" else to_html(report)
    with atomic_write(path, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
