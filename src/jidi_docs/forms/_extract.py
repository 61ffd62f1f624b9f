"""Read a filled 附件2《申报表》 (.docx) back into the YAML contract format.

The forms are found by their labels, not by their position, so both our rendered template and the
official form typed into directly in Word or WPS are read: the 基本情况 table is the one with a
``单位名称`` cell, each list table is known by a column only it has (``授课主题``, ``荣誉名称`` …).
Cells are read the way `jidi_docs.forms._context` writes them (``2020.07.06—2020.07.10``, ``职称／学历``,
``（统一社会信用代码：…）`` …) and also the looser ways people type them by hand. What cannot be
read is kept as a commented-out line with a note, never guessed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.table import Table, _Cell

from .._fs import atomic_write
from ..errors import InputError, Issue
from ..input._load import get_profile
from ..schema._model import EDUCATION_LEVELS
from ..schema._profile import Profile
from ._format import fmt_number

__all__ = [
    "Extracted",
    "Note",
    "extract",
    "extract_document",
    "extract_to_file",
    "to_yaml",
    "yaml_scalar",
]


class _Unreadable(ValueError):
    """A cell whose text cannot be turned into a value; the message says why, in Chinese."""


@dataclass(frozen=True)
class Note:
    """A value the form shows but that could not be read: where, the cell text, and why."""

    path: tuple[str | int, ...]
    text: str
    reason: str


@dataclass
class Extracted:
    """The data read from one 申报表, in the contract's keys, and the notes about what was not read."""

    data: dict[str, Any]
    notes: list[Note] = field(default_factory=list)
    source: str = "<文档>"


# ---------------------------------------------------------------------------------------------
# Cell text → values
# ---------------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_DATE = r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?"
_SEP = r"\s*(?:—+|–|-|~|～|至|到)\s*"
_ONE_DATE = re.compile(rf"^{_DATE}$")
_TWO_DATES = re.compile(rf"^{_DATE}{_SEP}{_DATE}$")
_DATE_SHORT_END = re.compile(rf"^{_DATE}{_SEP}(\d{{1,2}})\s*[.\-/月]\s*(\d{{1,2}})\s*日?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_NUMBER_UNIT = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:人次|人|学时|课时|小时|平方米|平米|㎡|m²|个)?$")


def _norm(text: str) -> str:
    """Return a label for comparison: no spaces, half-width slash and brackets unified."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    return text.replace("/", "/")


def _date(y: str, m: str, d: str) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise _Unreadable(f"{y}-{m}-{d} 不是一个存在的日期") from None


def parse_date_cell(text: str) -> str:
    """Return ``2015-06-18`` from ``2015 年 6 月 18 日``, ``2015.06.18`` or ``2015/6/18``."""
    m = _ONE_DATE.match(text.strip())
    if not m:
        raise _Unreadable("不是可识别的日期")
    return _date(*m.groups()).isoformat()


def parse_period_cell(text: str) -> str:
    """Return ``2020-07-06 ~ 2020-07-10`` from ``2020.07.06—2020.07.10`` (or one date)."""
    t = text.strip()
    m = _ONE_DATE.match(t)
    if m:
        return _date(*m.groups()).isoformat()
    m = _TWO_DATES.match(t)
    if m:
        start, end = _date(*m.groups()[:3]), _date(*m.groups()[3:])
    else:
        m = _DATE_SHORT_END.match(t)
        if not m:
            raise _Unreadable("不是可识别的日期或时间段")
        start = _date(*m.groups()[:3])
        end = _date(m[1], m[4], m[5])
    if end < start:
        raise _Unreadable("时间段的结束日期早于开始日期")
    return start.isoformat() if end == start else f"{start.isoformat()} ~ {end.isoformat()}"


def _number(text: str) -> str:
    m = _NUMBER_UNIT.match(text.strip())
    if not m:
        raise _Unreadable("不是一个数字")
    return m[1]


def _valid_until(text: str) -> str:
    return "长期" if text.strip() == "长期" else parse_date_cell(text)


def _title_education(text: str) -> dict[str, str]:
    """Split ``高级电子商务师／本科`` into 职称 and 学历."""
    t = text.strip()
    if t in EDUCATION_LEVELS:
        return {"学历": t}
    parts = re.split(r"\s*[／/、，,\s]\s*", t)
    if len(parts) >= 2 and parts[-1] in EDUCATION_LEVELS:
        title = t[: t.rfind(parts[-1])].rstrip().rstrip("／/、，,").rstrip()
        return {"职称": title, "学历": parts[-1]} if title else {"学历": parts[-1]}
    raise _Unreadable(
        f"读不出学历（应写成“职称／学历”，学历为 {'、'.join(EDUCATION_LEVELS)} 之一）"
    )


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def _unique_cells(row: Any) -> list[_Cell]:
    """Return the row's cells, a horizontally merged cell once."""
    out: list[_Cell] = []
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append(cell)
    return out


def _cell_text(cell: _Cell) -> str:
    return cell.text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _all_tables(document: Any) -> Iterator[Table]:
    """Every table of the body, nested tables included (people paste forms into frames)."""

    def walk(tables: list[Table]) -> Iterator[Table]:
        for t in tables:
            yield t
            for row in t.rows:
                for cell in _unique_cells(row):
                    yield from walk(cell.tables)

    yield from walk(document.tables)


#: 基本情况 labels → how to read the cell next to them. Derived figures are read and dropped.
_BASIC_LABELS = {
    "单位名称": "name",
    "注册地": "注册地",
    "所属区县": "所属区县",
    "法定代表人": "法定代表人",
    "注册时间": "注册时间",
    "联系人": "联系人",
    "电话": "电话",
    "联系电话": "电话",
    "办公地址": "office",
    "总面积(平方米)": "总面积",
    "总面积": "总面积",
    "培训场地及可容纳人数": "venues",
    "涉及平台数量": "platforms",
    "单位简介": "intro",
    "讲师数量": None,
    "具有大学本科及以上学历讲师数量": None,
    "占比(%)": None,
    "占比": None,
    "管理人员数量": None,
}

#: The order of 基本情况's keys in the contract.
_BASIC_ORDER = [
    "单位名称",
    "统一社会信用代码",
    "注册地",
    "所属区县",
    "法定代表人",
    "注册时间",
    "联系人",
    "电话",
    "办公地址",
    "办公面积",
    "总面积",
    "培训场地",
    "涉及平台",
    "历年培训总人次",
    "单位简介",
]

_CREDIT = re.compile(
    r"^(.*?)\s*[（(]\s*统一社会信用代码\s*[:：]\s*([0-9A-Za-z]+)\s*[）)]\s*$", re.DOTALL
)
_OFFICE = re.compile(
    r"^(.*?)\s*[（(]\s*独立办公面积\s*(\d+(?:\.\d+)?)\s*平方米\s*[）)]\s*$", re.DOTALL
)
_VENUE = re.compile(r"^(.*?)(?:，面积 (\d+(?:\.\d+)?) 平方米)?，可容纳 (\d+) 人$")
_VENUE_LOOSE = re.compile(
    r"^(.*?)[，,；;\s]*(?:面积[:：]?\s*(\d+(?:\.\d+)?)\s*(?:平方米|平米|㎡|m²)[，,；;\s]*)?"
    r"(?:可容纳|容纳)?[:：]?\s*(\d+)\s*人$"
)
_PLATFORMS = re.compile(r"^(\d+)\s*个?\s*(?:[（(](.*)[）)])?$", re.DOTALL)
_TRAINEES = re.compile(r"^历年(?:组织)?(?:人才)?培训总人次\s*[:：]\s*(\d+)\s*(?:人次)?$")


def _read_basic(table: Table, notes: list[Note]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in table.rows:
        cells = _unique_cells(row)
        for i, cell in enumerate(cells[:-1]):
            kind = _BASIC_LABELS.get(_norm(cell.text))
            if kind is None:
                continue
            text = _cell_text(cells[i + 1])
            if not text or text.replace(" ", "") == "年月日":
                continue
            _basic_value(kind, text, out, notes)
    return {k: out[k] for k in _BASIC_ORDER if k in out}


def _basic_value(kind: str, text: str, out: dict[str, Any], notes: list[Note]) -> None:
    try:
        if kind == "name":
            m = _CREDIT.match(text)
            out["单位名称"] = m[1] if m else text
            if m:
                out["统一社会信用代码"] = m[2].upper()
        elif kind == "office":
            m = _OFFICE.match(text)
            out["办公地址"] = m[1] if m else text
            if m:
                out["办公面积"] = m[2]
        elif kind == "注册时间":
            out["注册时间"] = parse_date_cell(text)
        elif kind == "总面积":
            out["总面积"] = _number(text)
        elif kind == "venues":
            out["培训场地"] = _venues(text, notes)
        elif kind == "platforms":
            m = _PLATFORMS.match(text)
            if m and int(m[1]) == 0 and not m[2]:
                out["涉及平台"] = []
                return
            if not m or not m[2]:
                raise _Unreadable("只有平台数量，没有平台名称；请在“涉及平台”里逐个写出平台名称")
            names = [p.strip() for p in re.split(r"[、，,；;]", m[2]) if p.strip()]
            out["涉及平台"] = names
            if len(names) != int(m[1]):
                notes.append(
                    Note(
                        ("基本情况", "涉及平台"),
                        text,
                        f"表中写的数量 {m[1]} 与列出的 {len(names)} 个平台名称不一致，请核对",
                    )
                )
        elif kind == "intro":
            lines = text.split("\n")
            m = _TRAINEES.match(lines[-1].strip())
            if m:
                out["历年培训总人次"] = m[1]
                lines = lines[:-1]
            intro = "\n".join(lines).strip("\n")
            if intro:
                out["单位简介"] = intro
        else:
            out[kind] = text
    except _Unreadable as e:
        key = {
            "name": "单位名称",
            "office": "办公地址",
            "venues": "培训场地",
            "platforms": "涉及平台",
            "intro": "单位简介",
        }.get(kind, kind)
        notes.append(Note(("基本情况", key), text, str(e)))


def _venues(text: str, notes: list[Note]) -> list[dict[str, str]]:
    venues = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        m = _VENUE.match(line) or _VENUE_LOOSE.match(line)
        if not m or not m[1].strip():
            notes.append(
                Note(
                    ("基本情况", "培训场地"),
                    line,
                    "读不出“地址、面积、可容纳人数”，请手工填写这一处场地",
                )
            )
            continue
        venue = {"地址": m[1].strip()}
        if m[2]:
            venue["面积"] = m[2]
        venue["可容纳人数"] = m[3]
        venues.append(venue)
    return venues


@dataclass(frozen=True)
class _Section:
    key: str
    marker: set[str]
    columns: dict[str, str]  # normalised header → YAML key ("" = read and ignored)


_SECTIONS = [
    _Section(
        "管理运营团队",
        {"职务", "岗位"},
        {
            "序号": "",
            "姓名": "姓名",
            "职务": "职务",
            "学历": "学历",
            "部门": "部门",
            "岗位": "岗位",
        },
    ),
    _Section(
        "讲师",
        {"讲师姓名", "专职/兼职", "研发平台"},
        {
            "序号": "",
            "讲师姓名": "姓名",
            "姓名": "姓名",
            "专职/兼职": "专兼职",
            "专兼职": "专兼职",
            "职称学历": "职称学历",
            "职称/学历": "职称学历",
            "研发平台": "研发平台",
            "联系电话": "联系电话",
            "备注": "备注",
        },
    ),
    _Section(
        "培训活动",
        {"授课主题"},
        {
            "序号": "",
            "时间": "时间",
            "地点": "地点",
            "授课主题": "授课主题",
            "讲师": "讲师",
            "培训人次": "培训人次",
            "学时数": "学时数",
        },
    ),
    _Section(
        "对接调研活动",
        {"活动主题"},
        {
            "序号": "",
            "时间": "时间",
            "地点": "地点",
            "活动主题": "活动主题",
            "参与人次": "参与人次",
            "备注": "备注",
        },
    ),
    _Section(
        "品牌创新活动",
        {"特色创新活动内容"},
        {
            "序号": "",
            "时间": "时间",
            "特色创新活动内容": "特色创新活动内容",
            "社会影响力情况": "社会影响力情况",
            "备注": "备注",
        },
    ),
    _Section(
        "企业荣誉",
        {"荣誉名称"},
        {
            "序号": "",
            "荣誉名称": "荣誉名称",
            "签发单位": "签发单位",
            "时间": "时间",
            "备注": "备注",
        },
    ),
    _Section(
        "企业资质",
        {"资质名称"},
        {
            "序号": "",
            "资质名称": "资质名称",
            "资质登记": "资质登记",
            "发证单位": "发证单位",
            "有效期": "有效期",
        },
    ),
]

_PARSERS = {
    "时间": parse_period_cell,
    "有效期": _valid_until,
    "培训人次": _number,
    "参与人次": _number,
    "学时数": _number,
}


def _find_header(table: Table) -> tuple[_Section, int, dict[int, str]] | None:
    for r, row in enumerate(table.rows[:3]):
        headers = [_norm(c.text) for c in _unique_cells(row)]
        for section in _SECTIONS:
            if section.marker & set(headers):
                columns = {i: section.columns.get(h, "?" + h) for i, h in enumerate(headers)}
                return section, r, columns
    return None


def _read_rows(
    section: _Section, table: Table, header_row: int, columns: dict[int, str], notes: list[Note]
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for row in table.rows[header_row + 1 :]:
        cells = _unique_cells(row)
        texts = {columns.get(i, ""): _cell_text(c) for i, c in enumerate(cells)}
        if not any(v for k, v in texts.items() if k and k != "" and not k.startswith("?")):
            continue  # a blank row (only 序号 or "……")
        index = len(rows)
        item: dict[str, str] = {}
        for key, text in texts.items():
            if not key or not text:
                continue
            if key.startswith("?"):
                notes.append(
                    Note((section.key, index), text, f"表中“{key[1:]}”一列不属于这张表，没有读取")
                )
                continue
            try:
                if key == "职称学历":
                    item.update(_title_education(text))
                elif key in _PARSERS:
                    item[key] = _PARSERS[key](text)
                else:
                    item[key] = text
            except _Unreadable as e:
                notes.append(
                    Note((section.key, index, "学历" if key == "职称学历" else key), text, str(e))
                )
        rows.append(item)
    return rows


_SIGNATURE_LINE = re.compile(r"^(法定代表人[（(]签[章字][）)]|申请单位[（(]公章[）)]|日期)\s*[:：]")


def _read_opinion(table: Table) -> str | None:
    """Return 九、申报单位审核意见: the text of its box without the signature lines."""
    first = _unique_cells(table.rows[0])[0]
    lines = [ln for ln in _cell_text(first).split("\n") if not _SIGNATURE_LINE.match(ln.strip())]
    text = "\n".join(lines).strip()
    return text or None


def extract_document(document: Any, *, source: str = "<文档>") -> Extracted:
    """Return the data of an opened python-docx 申报表 document.

    Raises:
        InputError: the document has no 基本情况 table with a 单位名称 cell (not a 申报表).
    """
    notes: list[Note] = []
    data: dict[str, Any] = {}
    lists: dict[str, list[dict[str, str]]] = {}
    opinion: str | None = None
    found_basic = False
    for table in _all_tables(document):
        if not table.rows:
            continue
        labels = {_norm(c.text) for row in table.rows for c in _unique_cells(row)}
        if "单位名称" in labels and not found_basic:
            data["基本情况"] = _read_basic(table, notes)
            found_basic = True
            continue
        if any("申请单位(公章)" in x or "法定代表人(签章)" in x for x in labels):
            opinion = _read_opinion(table)
            continue
        header = _find_header(table)
        if header is not None:
            section, r, columns = header
            lists.setdefault(section.key, []).extend(_read_rows(section, table, r, columns, notes))
    if not found_basic:
        raise InputError(
            Issue(
                source,
                None,
                None,
                "",
                "这个文档里找不到“单位名称”所在的基本情况表，看起来不是申报表（附件2）。",
            )
        )
    for section in _SECTIONS:
        data[section.key] = lists.get(section.key, [])
    if opinion:
        data["申报单位审核意见"] = opinion
    return Extracted(data=data, notes=notes, source=source)


def extract(path: str | Path) -> Extracted:
    """Return the data of the filled 申报表 (.docx) at `path`.

    Raises:
        InputError: the file is missing, not a .docx, or not a 申报表.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(Issue(str(path), None, None, "", "文件不存在，请检查路径和文件名。"))
    if path.suffix.lower() == ".doc":
        raise InputError(
            Issue(
                str(path),
                None,
                None,
                "",
                "这是旧版 Word（.doc）文件，请在 Word 或 WPS 中另存为 .docx 后再试。",
            )
        )
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for non-.docx input
        raise InputError(
            Issue(str(path), None, None, "", f"无法作为 Word（.docx）文档打开：{exc}。")
        ) from exc
    return extract_document(document, source=str(path))


# ---------------------------------------------------------------------------------------------
# YAML output
# ---------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n,\[\]{}]*")
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _plain_ok(text: str) -> bool:
    return (
        bool(_PLAIN.fullmatch(text))
        and text not in _NULL_WORDS
        and text == text.strip()
        and not text.endswith(":")
        and ": " not in text
        and " #" not in text
        and "\t" not in text
        and all(unicodedata.category(c) not in _BAD_CATEGORIES for c in text)
        and all(c == " " or unicodedata.category(c) != "Zs" for c in text)
    )


def yaml_scalar(text: str) -> str:
    """Return `text` as a YAML scalar that reads back as exactly this string (flow-safe)."""
    if _plain_ok(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves these unescaped, but YAML treats them as line breaks.
    for ch in ("\u2028", "\u2029", "\x85"):
        quoted = quoted.replace(ch, f"\\u{ord(ch):04x}")
    return quoted


def _block_text(text: str, indent: int) -> str:
    """Return a multi-line value as a ``|-`` literal block when it reads back unchanged."""
    lines = text.split("\n")
    literal_ok = (
        lines[0][:1] not in (" ", "\t", "")
        and not text.endswith("\n")
        and all(
            unicodedata.category(c) not in _BAD_CATEGORIES or c == "\t"
            for c in text.replace("\n", "")
        )
    )
    if not literal_ok:
        return yaml_scalar(text)
    pad = " " * indent
    return "|-\n" + "\n".join(pad + ln if ln else "" for ln in lines)


def _value(value: Any, indent: int) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(str(v)) for v in value) + "]"
    text = str(value)
    return _block_text(text, indent) if "\n" in text else yaml_scalar(text)


def _flow(item: dict[str, Any]) -> str:
    parts = []
    for k, v in item.items():
        if isinstance(v, list):
            parts.append(f"{k}: [{', '.join(yaml_scalar(str(x)) for x in v)}]")
        else:
            parts.append(f"{k}: {yaml_scalar(str(v))}")
    return "{" + ", ".join(parts) + "}"


def _comment(text: str) -> str:
    return " ".join(text.split())


def _note_lines(note: Note, indent: int) -> list[str]:
    pad = " " * indent
    key = note.path[-1] if isinstance(note.path[-1], str) else "这一行"
    return [f"{pad}# {key}: {_comment(note.text)}    ← 未能读取：{note.reason}"]


def to_yaml(extracted: Extracted, *, profile: Profile | str | None = None) -> str:
    """Return the extracted data as a YAML file in the contract format, notes as comments.

    Sections the 申报表 does not hold (自评分 from the 评价表, 佐证材料) are written with empty
    values and a comment saying what to fill in.
    """
    chosen = profile if isinstance(profile, Profile) else get_profile(profile or "杭州-2021")
    data = extracted.data
    notes = extracted.notes
    out = [
        f"# 由 {Path(extracted.source).name} 读取生成。请逐项核对；以“← 未能读取”标注的行需要手工填写。",
        "",
        f"认定批次: {yaml_scalar(chosen.name)}",
        "",
        "基本情况:",
    ]
    basic = data.get("基本情况", {})
    for key, value in basic.items():
        if key == "培训场地":
            out.append("  培训场地:")
            out.extend(f"    - {_flow(v)}" for v in value)
        else:
            out.append(f"  {key}: {_value(value, 4)}")
    out.extend(ln for n in notes if n.path[:1] == ("基本情况",) for ln in _note_lines(n, 2))
    for section in _SECTIONS:
        rows = data.get(section.key, [])
        out.append("")
        row_notes = [n for n in notes if n.path[:1] == (section.key,)]
        out.append(f"{section.key}:" + ("" if rows else " []"))
        for i, row in enumerate(rows):
            mine = [n for n in row_notes if len(n.path) > 1 and n.path[1] == i]
            if not mine:
                out.append(f"  - {_flow(row)}")
                continue
            first = True
            for key, value in row.items():
                out.append(f"  {'- ' if first else '  '}{key}: {_value(value, 6)}")
                first = False
            if first:
                out.append("  - {}")
            out.extend(ln for n in mine for ln in _note_lines(n, 4))
    out.append("")
    opinion = data.get("申报单位审核意见")
    out.append(f"申报单位审核意见: {_value(opinion, 2)}" if opinion else "申报单位审核意见:")
    out.append("")
    out.append("自评分:   # 申报表中没有自评分：请对照《评价表》填写，不得超过各项分值")
    for ind in chosen.indicators:
        out.append(f"  {ind.name}:    # 满分 {fmt_number(ind.max_points)} 分")
    out.append("")
    out.append("佐证材料: []   # 申报表中没有佐证材料清单，请补充，例如：")
    out.append(
        "# - {名称: 营业执照副本扫描件, 指标: 基本情况, 文件: 佐证材料/基本情况/营业执照.pdf}"
    )
    return "\n".join(out) + "\n"


def extract_to_file(
    docx_path: str | Path, out_path: str | Path, *, overwrite: bool = False
) -> tuple[Path, Extracted]:
    """Read the 申报表 at `docx_path` and write its YAML to `out_path`; return the path and data.

    Raises:
        InputError: the .docx cannot be read, or `out_path` exists and `overwrite` is False.
    """
    out = Path(out_path)
    if out.exists() and not overwrite:
        raise InputError(
            Issue(
                str(out),
                None,
                None,
                "",
                "文件已经存在，为避免覆盖已有内容没有写入。换一个文件名，或加 --force 覆盖。",
            )
        )
    extracted = extract(docx_path)
    text = to_yaml(extracted)
    with atomic_write(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out, extracted
