"""What the 申报表 (附件2) holds, as read from the official text: headings, labels, columns.

Every label is kept in `norm` form (no spaces, half-width brackets), so ``单 位 名 称``,
``总面积\\n（平方米）`` and ``专职／兼职`` all match. A list section is recognised by its heading
(``三、专兼职讲师``) or by a header row holding one of its marker columns (``授课主题`` …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ...schema import Registry, registry
from ...schema import Section as RegistrySection
from ._cells import norm

__all__ = [
    "BASIC",
    "BASIC_LABELS",
    "BASIC_ORDER",
    "BASIC_REQUIRED",
    "LISTS",
    "OFFICE",
    "OPINION",
    "Column",
    "ListSection",
    "basic_label",
    "heading_of",
    "is_note",
    "list_sections",
]

BASIC = "基本情况"
OPINION = "申报单位审核意见"
#: 十、综试办审核意见 is the office's: read when filled in, never reported as missing.
OFFICE = "综试办审核意见"


@dataclass(frozen=True)
class Column:
    """A column of a list: the YAML key it fills and the header texts that name it."""

    key: str
    labels: tuple[str, ...]
    marker: bool = False  # a header only this section has
    on_form: bool = True  # one of the official form's columns (reported when missing)


@dataclass(frozen=True)
class ListSection:
    key: str
    title: str  # the heading on the official form
    headings: tuple[str, ...]
    columns: tuple[Column, ...]
    order: tuple[str, ...] = ()  # the YAML keys of a row, in the contract's order

    def column(self, header: str) -> Column | None:
        h = norm(header)
        return next((c for c in self.columns if h in c.labels), None)


_NO = Column("", ("序号", "编号", "No.", "NO."), on_form=False)


def _labels(*texts: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(norm(t) for t in texts))


def _list_section(section: RegistrySection) -> ListSection:
    """A list of the form, from its registry section: headings, headers, marker columns.

    Two columns with the same form headers (职称 and 学历 under ``职称／学历``) are one cell on
    the form, read under the key of their joined labels (``职称学历``); each may also come as a
    column of its own in a form typed by hand.
    """
    columns = [_NO]
    for c in section.columns:
        group = [
            d for d in section.columns if c.form_headers_ and d.form_headers_ == c.form_headers_
        ]
        if len(group) > 1:
            key = "".join(d.label for d in group)
            if all(col.key != key for col in columns):
                marker = any(d.label in section.form_markers for d in group)
                columns.append(Column(key, _labels(*c.form_headers), marker=marker))
            columns.append(Column(c.label, _labels(c.label, *c.header_aliases), on_form=False))
        else:
            labels = _labels(*c.form_headers, c.label, *c.header_aliases)
            columns.append(Column(c.label, labels, marker=c.label in section.form_markers))
    return ListSection(
        section.key,
        section.heading or section.key,
        _labels(*section.form_headings) or (section.key,),
        tuple(columns),
        tuple(section.labels),
    )


@cache
def list_sections(reg: Registry) -> tuple[ListSection, ...]:
    """The lists of the 申报表 (二 to 八) as `extract` reads them, from the registry."""
    return tuple(_list_section(s) for s in reg.form_sections)


LISTS = list_sections(registry())

#: 基本情况 labels (in `norm` form, brackets and what is inside them removed) → field.
#: None: a figure the program computes (讲师数量 …), read past.
BASIC_LABELS: dict[str, str | None] = {
    "单位名称": "单位名称",
    "申报单位": "单位名称",
    "统一社会信用代码": "统一社会信用代码",
    "注册地": "注册地",
    "注册地址": "注册地",
    "所属区县": "所属区县",
    "所属区县市": "所属区县",
    "法定代表人": "法定代表人",
    "注册时间": "注册时间",
    "成立时间": "注册时间",
    "联系人": "联系人",
    "电话": "电话",
    "联系电话": "电话",
    "办公地址": "办公地址",
    "办公面积": "办公面积",
    "总面积": "总面积",
    "培训场地及可容纳人数": "培训场地",
    "培训场地及容纳人数": "培训场地",
    "培训场地": "培训场地",
    "涉及平台数量": "涉及平台",
    "涉及平台": "涉及平台",
    "单位简介": "单位简介",
    "讲师数量": None,
    "具有大学本科及以上学历讲师数量": None,
    "本科及以上学历讲师数量": None,
    "占比": None,
    "管理人员数量": None,
}

#: The labels the official form has, by field: reported when the form lacks one.
BASIC_REQUIRED = {
    "单位名称": "单位名称",
    "注册地": "注册地",
    "所属区县": "所属区县",
    "法定代表人": "法定代表人",
    "注册时间": "注册时间",
    "联系人": "联系人",
    "电话": "电话",
    "办公地址": "办公地址",
    "总面积": "总面积（平方米）",
    "培训场地": "培训场地及可容纳人数",
    "涉及平台": "涉及平台数量",
    "单位简介": "单位简介",
}

#: The order of 基本情况's keys in the contract.
BASIC_ORDER = tuple(registry().section(BASIC).labels)

_BRACKETED = re.compile(r"\([^()]*\)")


def basic_label(text: str) -> tuple[bool, str | None]:
    """Return (is a 基本情况 label, the field it names or None for a computed figure)."""
    key = _BRACKETED.sub("", norm(text))
    if key in BASIC_LABELS:
        return True, BASIC_LABELS[key]
    return False, None


_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]?|[(][一二三四五六七八九十\d]+[)]|\d{1,2}[、.,])"
)

_HEADINGS: dict[str, str] = {
    "基本情况": BASIC,
    "单位基本情况": BASIC,
    "申报单位审核意见": OPINION,
    "审核意见": OPINION,
    "综试办审核意见": OFFICE,
    "市综试办审核意见": OFFICE,
    **{h: s.key for s in LISTS for h in s.headings},
}


def heading_of(text: str) -> str | None:
    """Return the section a heading names (``三、专兼职讲师`` → ``讲师``), or None.

    Only a short text that is a heading and nothing else counts: numbering, the heading, and
    at most a note in brackets (``（此栏请自行增添）``).
    """
    key = norm(text)
    if not key or len(key) > 60:
        return None
    numbered = _NUMBERING.match(key)
    key = key[numbered.end() :] if numbered else key
    key = _BRACKETED.sub("", key).rstrip(":")
    found = _HEADINGS.get(key)
    if found is None or (not numbered and found == OPINION and key == "审核意见"):
        return None
    return found


_NOTE = re.compile(
    r"^[(](?:请|此栏|注)|^注[:：]|^附件\d|^(?:杭州)?跨境电商人才社会培训基地认定申报表$"
)


def is_note(text: str) -> bool:
    """True for the form's notes and titles (``（请附……）``, ``（此栏请自行增添）``, ``附件2：``)."""
    return bool(_NOTE.match(norm(text)))
