"""申报表 typed by hand, built with python-docx from the official form's text (not our template).

`typed_form` fills the official form's labels and columns with the example's data written the
loose ways people type it (``2015年6月18日``, ``2020.7.6-7.10``, ``56人``, ``讲师/本科``, spaced
phones). `write_separate` lays it out as one table per section with the headings in paragraphs
(optionally a section continued in a second table after a page break); `write_big_table` as one
big table with the headings and notes as merged rows. `unreported` says which fields of the
source neither came back equal nor were reported by `extract`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_BREAK
from docx.table import _Cell

from jidi_docs.forms._extract import Extracted
from jidi_docs.forms._extract._sections import BASIC_REQUIRED, LISTS

#: A cell merged with the cell above it (its text is the upper cell's).
UP = None

Cells = list[str | None]


@dataclass
class Section:
    """A list as typed: its heading, header row, data rows and the note under it."""

    key: str
    heading: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    blank_rows: int = 0  # numbered rows left empty after the data (as on the official form)
    dots: bool = True  # a final "……" row


@dataclass
class Form:
    basic: list[Cells]
    sections: list[Section]
    opinion: str
    title: str = "跨境电商人才社会培训基地认定申报表"
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The example's data, typed loosely
# ---------------------------------------------------------------------------------------------


def loose_date(iso: str, style: int) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return [f"{y}年{m}月{d}日", f"{y}.{m}.{d}", f"{y}/{m}/{d}", f"{y}.{m:02d}.{d:02d}"][style % 4]


def loose_period(text: str, style: int) -> str:
    if "~" not in text:
        return loose_date(text, style)
    start, end = (p.strip() for p in text.split("~"))
    y, m, d = (int(x) for x in start.split("-"))
    y2, m2, d2 = (int(x) for x in end.split("-"))
    if style % 4 == 0:
        return f"{y}.{m}.{d}-{m2}.{d2}"
    if style % 4 == 1 and m == m2:
        return f"{y}年{m}月{d}日-{d2}日"
    if style % 4 == 2:
        return f"{y}.{m:02d}.{d:02d}—{y2}.{m2:02d}.{d2:02d}"
    return f"{y}/{m}/{d}~{y2}/{m2}/{d2}"


def spaced_phone(phone: str) -> str:
    digits = phone.replace("-", "")
    if digits.startswith("0"):
        return f"{digits[:4]} {digits[4:8]} {digits[8:]}"
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


def venues_text(venues: list[dict[str, str]], shape: str) -> str:
    """培训场地 typed in one of the shapes people use."""
    if shape == "lines":
        return "\n".join(
            f"{v['地址']}，{v['面积']}平方米，可容纳{v['可容纳人数']}人" for v in venues
        )
    if shape == "semicolons":
        return "；".join(
            f"{v['地址']}（{v['面积']}平方米，可容纳{v['可容纳人数']}人）" for v in venues
        )
    if shape == "numbered":
        return "".join(
            f"{i}、{v['地址']}（面积{v['面积']}㎡，容纳{v['可容纳人数']}人）"
            for i, v in enumerate(venues, 1)
        )
    if shape == "enumeration":
        return "、".join(f"{v['地址']} {v['面积']}平米 {v['可容纳人数']}人" for v in venues)
    raise ValueError(shape)


def typed_form(data: dict[str, Any], *, venue_shape: str = "lines") -> Form:
    """The official form's cells holding `data` (the contract's raw dict), typed loosely."""
    b = data["基本情况"]
    intro = b["单位简介"].rstrip("\n") + f"\n历年组织人才培训总人次：{b['历年培训总人次']}"
    lecturers = data["讲师"]
    bachelor = sum(1 for x in lecturers if x["学历"] in ("博士", "硕士", "本科"))
    basic: list[Cells] = [
        ["单位名称", f"{b['单位名称']}（统一社会信用代码：{b['统一社会信用代码']}）"],
        ["注册地", b["注册地"], "所属区县", b["所属区县"]],
        ["法定代表人", b["法定代表人"], "注册时间", loose_date(b["注册时间"], 0)],
        ["联系人", b["联系人"], "电话", spaced_phone(b["电话"])],
        [
            "办公地址",
            f"{b['办公地址']}（办公面积{b['办公面积']}平方米）",
            "总面积\n（平方米）",
            f"{b['总面积']}平方米",
        ],
        ["培训场地及可容纳人数", venues_text(b["培训场地"], venue_shape)],
        [
            "讲师数量",
            str(len(lecturers)),
            "具有大学本科及以上学历讲师数量",
            str(bachelor),
            "占比（%）",
            f"{round(100 * bachelor / len(lecturers))}%",
        ],
        [
            "管理人员\n数量",
            str(len(data["管理运营团队"])),
            "涉及平台数量",
            f"{len(b['涉及平台'])}（{'、'.join(b['涉及平台'])}）",
        ],
        ["单位简介", intro],
    ]

    def rows(key: str, cols: list[str], fmt: dict[str, Any]) -> list[list[str]]:
        out = []
        for i, item in enumerate(data[key]):
            cells = [str(i + 1)]
            for c in cols:
                cells.append(fmt[c](item, i) if c in fmt else str(item.get(c, "")))
            out.append(cells)
        return out

    title_edu = {"职称学历": lambda x, i: f"{x.get('职称', '')}/{x['学历']}".lstrip("/")}
    phone = {"联系电话": lambda x, i: spaced_phone(x["联系电话"]) if "联系电话" in x else ""}
    when = {"时间": lambda x, i: loose_period(x["时间"], i)}
    people = lambda k: {k: lambda x, i: f"{x[k]}人"}
    sections = [
        Section(
            "管理运营团队",
            "二、管理运营团队",
            ["序号", "姓名", "职务", "学历", "部门", "岗位"],
            rows("管理运营团队", ["姓名", "职务", "学历", "部门", "岗位"], {}),
            "（此栏请自行增添）",
            blank_rows=2,
            dots=False,
        ),
        Section(
            "讲师",
            "三、专兼职讲师",
            ["序号", "讲师姓名", "专职/兼职", "职称学历", "研发平台", "联系电话", "备注"],
            rows(
                "讲师",
                ["姓名", "专兼职", "职称学历", "研发平台", "联系电话", "备注"],
                {**title_edu, **phone},
            ),
            "（请附讲师学历证书复印件、教师管理体系、兼职讲师合作协议等文件）",
        ),
        Section(
            "培训活动",
            "四、已开展的跨境电商培训活动",
            ["序号", "时间", "地点", "授课主题", "讲师", "培训人次", "学时数"],
            rows(
                "培训活动",
                ["时间", "地点", "授课主题", "讲师", "培训人次", "学时数"],
                {**when, **people("培训人次")},
            ),
            "（请附活动报名表、签到表及其他作证材料）",
            blank_rows=1,
        ),
        Section(
            "对接调研活动",
            "五、已开展的企业人才对接和考察调研活动",
            ["序号", "时间", "地点", "活动主题", "参与人次", "备注"],
            rows(
                "对接调研活动",
                ["时间", "地点", "活动主题", "参与人次", "备注"],
                {**when, **people("参与人次")},
            ),
            "（请附组织证明材料，包含但不限于参会企业名单、输送人员名单）",
        ),
        Section(
            "品牌创新活动",
            "六、已开展的品牌建设和创新活动",
            ["序号", "时间", "特色创新活动内容", "社会影响力情况", "备注"],
            rows("品牌创新活动", ["时间", "特色创新活动内容", "社会影响力情况", "备注"], when),
            "（请附相关活动证明材料）",
        ),
        Section(
            "企业荣誉",
            "七、企业荣誉",
            ["序号", "荣誉名称", "签发单位", "时间", "备注"],
            rows("企业荣誉", ["荣誉名称", "签发单位", "时间", "备注"], when),
            "（请附企业荣誉证明材料）",
        ),
        Section(
            "企业资质",
            "八、企业资质",
            ["序号", "资质名称", "资质登记", "发证单位", "有效期"],
            rows(
                "企业资质",
                ["资质名称", "资质登记", "发证单位", "有效期"],
                {"有效期": lambda x, i: loose_date(x["有效期"], 0)},
            ),
            "（请附企业资质证明材料）",
        ),
    ]
    return Form(basic, sections, data.get("申报单位审核意见", ""))


# ---------------------------------------------------------------------------------------------
# Changes people make to the layout
# ---------------------------------------------------------------------------------------------


def drop_column(section: Section, header: str) -> None:
    i = section.header.index(header)
    del section.header[i]
    for row in section.rows:
        del row[i]


def move_column(section: Section, header: str, to: int) -> None:
    i = section.header.index(header)
    section.header.insert(to, section.header.pop(i))
    for row in section.rows:
        row.insert(to, row.pop(i))


def add_column(section: Section, header: str, values: list[str]) -> None:
    section.header.append(header)
    for row, value in zip(section.rows, values, strict=True):
        row.append(value)


def rename_label(form: Form, old: str, new: str) -> None:
    for row in form.basic:
        for i, cell in enumerate(row):
            if cell == old:
                row[i] = new
    for s in form.sections:
        s.header = [new if h == old else h for h in s.header]


# ---------------------------------------------------------------------------------------------
# Writing the document
# ---------------------------------------------------------------------------------------------

WIDTH = 8


def _fill_row(table: Any, r: int, cells: Cells, width: int) -> None:
    """Put `cells` into row `r`, the last cell spanning what is left of the width.

    Merges are written as Word writes them (``w:gridSpan``, ``w:vMerge``); python-docx's own
    `merge` rebuilds the whole grid on every call, too slow for a form in one table.
    """
    tr = table.rows[r]._tr
    tcs = tr.tc_lst
    n = len(cells)
    for extra in tcs[n:]:
        tr.remove(extra)
    tcs[n - 1].grid_span = width - n + 1
    for c, text in enumerate(cells):
        if text is UP:
            above = table.rows[r - 1]._tr.tc_lst[c]
            if above.vMerge is None:
                above.vMerge = "restart"
            tcs[c].vMerge = "continue"
        else:
            _Cell(tcs[c], table).text = text


def _table(parent: Any, rows: list[Cells], width: int) -> Any:
    table = parent.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        _fill_row(table, r, cells, width)
    return table


def _section_rows(s: Section, rows: list[list[str]] | None = None) -> list[Cells]:
    data = s.rows if rows is None else rows
    out: list[Cells] = [list(s.header), *(list(r) for r in data)]
    numbered = "序号" in s.header
    for k in range(s.blank_rows):
        out.append([str(len(data) + k + 1) if numbered else ""] + [""] * (len(s.header) - 1))
    if s.dots:
        out.append(["……" if numbered else ""] + [""] * (len(s.header) - 1))
    return out


def _opinion_rows(form: Form) -> list[Cells]:
    return [
        [form.opinion],
        ["法定代表人（签章）：\n\n申请单位（公章）：\n\n日期：　　　年　　月　　日"],
    ]


def write_separate(
    form: Form,
    path: Path,
    *,
    continued: dict[str, bool] | None = None,
    basic_as_paragraphs: bool = False,
) -> Path:
    """One table per section, headings and notes in paragraphs.

    `continued` maps a section to whether its header is repeated: that section's rows are split
    over two tables with a page break between them. `basic_as_paragraphs` types 一、基本情况 as
    ``单位名称：……`` paragraphs instead of a table.
    """
    d = docx.Document()
    d.add_paragraph("附件2：")
    d.add_paragraph(form.title)
    d.add_paragraph("一、基本情况")
    if basic_as_paragraphs:
        for row in form.basic:
            for label, value in zip(row[::2], row[1::2], strict=True):
                d.add_paragraph(f"{str(label).replace(chr(10), '')}：{value}")
    else:
        _table(d, form.basic, 6)
    d.add_paragraph("（请附营业执照原件扫描件、房产证或租房合同（盖红章）扫描件）")
    for s in form.sections:
        d.add_paragraph(s.heading)
        if continued and s.key in continued and len(s.rows) >= 2:
            half = len(s.rows) // 2
            first = copy.copy(s)
            first.blank_rows, first.dots = 0, False
            _table(d, _section_rows(first, s.rows[:half]), len(s.header))
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            rest = _section_rows(s, s.rows[half:])
            _table(d, rest if continued[s.key] else rest[1:], len(s.header))
        else:
            _table(d, _section_rows(s), len(s.header))
        if s.note:
            d.add_paragraph(s.note)
    d.add_paragraph("九、申报单位审核意见")
    _table(d, _opinion_rows(form), 1)
    d.add_paragraph("十、综试办审核意见")
    _table(d, [[""], ["市综试办（公章）：\n日期：　　　年　　月　　日"]], 1)
    d.add_paragraph(
        "注：《跨境电商人才社会培训基地认定评价表》中要求提供的佐证材料与此申报表一并提交。"
    )
    d.save(str(path))
    return path


def write_big_table(form: Form, path: Path) -> Path:
    """The whole form in one table: headings, notes and every list as rows of it."""
    rows: list[Cells] = [[form.title], ["一、基本情况"], *form.basic]
    rows.append(["（请附营业执照原件扫描件、房产证或租房合同（盖红章）扫描件）"])
    for s in form.sections:
        rows.append([s.heading])
        rows.extend(_section_rows(s))
        if s.note:
            rows.append([s.note])
    rows += [["九、申报单位审核意见"], *_opinion_rows(form), ["十、综试办审核意见"], [""]]
    d = docx.Document()
    d.add_paragraph("附件2：")
    _table(d, rows, WIDTH)
    d.save(str(path))
    return path


# ---------------------------------------------------------------------------------------------
# What came back
# ---------------------------------------------------------------------------------------------


def _canonical_phone(text: str) -> str:
    return re.sub(r"[\s\-－]", "", text)


def flatten(data: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], str]:
    if isinstance(data, dict):
        return {
            k: v for key, value in data.items() for k, v in flatten(value, (*path, key)).items()
        }
    if isinstance(data, list):
        return {k: v for i, value in enumerate(data) for k, v in flatten(value, (*path, i)).items()}
    return {path: str(data)}


def _same(path: tuple[Any, ...], want: str, got: str | None) -> bool:
    if got is None:
        return False
    if path[-1] in ("电话", "联系电话"):
        return _canonical_phone(want) == _canonical_phone(got)
    return want.rstrip("\n") == got


def _missing_label(section: str, key: Any) -> str | None:
    if section == "基本情况":
        owner = {
            "统一社会信用代码": "单位名称",
            "办公面积": "办公地址",
            "历年培训总人次": "单位简介",
        }
        return BASIC_REQUIRED.get(owner.get(key, key))
    for s in LISTS:
        if s.key == section:
            for c in s.columns:
                if c.key == key or (key in ("职称", "学历") and c.key == "职称学历"):
                    return c.labels[0]
    return None


def reported(path: tuple[Any, ...], extracted: Extracted) -> bool:
    """True when the summary or a note accounts for the field at `path`."""
    report = {r.key: r for r in extracted.sections}.get(path[0])
    if report is not None and not report.found:
        return True
    owner = {"统一社会信用代码": "单位名称", "办公面积": "办公地址", "历年培训总人次": "单位简介"}
    same_cell = (path[0], owner[path[1]]) if path[0] == "基本情况" and path[1] in owner else None
    for note in extracted.notes:
        n = note.path
        if (len(n) > 1 or len(path) == 1) and path[: len(n)] == n:
            return True
        if n == same_cell:  # read from the same cell as the field the note names
            return True
        if len(n) == 3 and n[2] == "学历" and path[:2] == n[:2] and path[2] == "职称":
            return True  # 职称学历 unreadable: both halves
    if report is None:
        return False
    field_name = next((p for p in reversed(path) if isinstance(p, str)), None)
    if path[0] == "基本情况":
        field_name = path[1]
    label = _missing_label(str(path[0]), field_name)
    return label is not None and label in report.missing


def unreported(expected: dict[str, Any], extracted: Extracted) -> list[str]:
    """Fields of `expected` that neither came back equal nor were reported; and fields that came
    back although the source does not have them."""
    want = flatten(
        {k: v for k, v in expected.items() if k not in ("认定批次", "自评分", "佐证材料")}
    )
    got = flatten(extracted.data)
    wrong = [
        f"{' → '.join(map(str, p))}: {v!r} 读成 {got.get(p)!r}"
        for p, v in want.items()
        if not _same(p, v, got.get(p)) and not reported(p, extracted)
    ]
    invented = [
        f"{' → '.join(map(str, p))}: 多读出 {v!r}"
        for p, v in got.items()
        if p not in want and not reported(p, extracted)
    ]
    return wrong + invented


@dataclass
class Tally:
    """Every field of the source, by how it came back: equal, wrong but reported, or wrong
    without a report (also counted there: a field that came back although the source lacks it)."""

    right: int = 0
    reported: int = 0
    silent: list[str] = field(default_factory=list)


def tally(expected: dict[str, Any], extracted: Extracted) -> Tally:
    want = flatten(
        {k: v for k, v in expected.items() if k not in ("认定批次", "自评分", "佐证材料")}
    )
    got = flatten(extracted.data)
    out = Tally()
    for p, v in want.items():
        if _same(p, v, got.get(p)):
            out.right += 1
        elif reported(p, extracted):
            out.reported += 1
        else:
            out.silent.append(f"{' → '.join(map(str, p))}: {v!r} 读成 {got.get(p)!r}")
    out.silent += [
        f"{' → '.join(map(str, p))}: 多读出 {v!r}"
        for p, v in got.items()
        if p not in want and not reported(p, extracted)
    ]
    return out
