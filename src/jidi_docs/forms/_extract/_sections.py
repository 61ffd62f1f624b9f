"""What the 申报表 (附件2) holds, as read from the official text: headings, labels, columns.

Every label is kept in `norm` form (no spaces, half-width brackets), so ``单 位 名 称``,
``总面积\\n（平方米）`` and ``专职／兼职`` all match. A list section is recognised by its heading
(``三、专兼职讲师``) or by a header row holding one of its marker columns (``授课主题`` …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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

    def column(self, header: str) -> Column | None:
        h = norm(header)
        return next((c for c in self.columns if h in c.labels), None)


_NO = Column("", ("序号", "编号", "No.", "NO."), on_form=False)

LISTS = (
    ListSection(
        "管理运营团队",
        "二、管理运营团队",
        ("管理运营团队", "管理团队", "运营团队"),
        (
            _NO,
            Column("姓名", ("姓名",)),
            Column("职务", ("职务",), marker=True),
            Column("学历", ("学历",)),
            Column("部门", ("部门",), marker=True),
            Column("岗位", ("岗位",), marker=True),
        ),
    ),
    ListSection(
        "讲师",
        "三、专兼职讲师",
        ("专兼职讲师", "讲师", "讲师队伍", "专兼职讲师情况"),
        (
            _NO,
            Column("姓名", ("讲师姓名", "姓名")),
            Column("专兼职", ("专职/兼职", "专兼职", "专职或兼职"), marker=True),
            Column("职称学历", ("职称学历", "职称/学历", "职称、学历"), marker=True),
            Column("职称", ("职称",), on_form=False),
            Column("学历", ("学历", "最高学历"), on_form=False),
            Column("研发平台", ("研发平台", "研发平台名称"), marker=True),
            Column("联系电话", ("联系电话", "电话", "手机", "手机号码")),
            Column("备注", ("备注",)),
        ),
    ),
    ListSection(
        "培训活动",
        "四、已开展的跨境电商培训活动",
        ("已开展的跨境电商培训活动", "跨境电商培训活动", "培训活动"),
        (
            _NO,
            Column("时间", ("时间", "培训时间", "日期")),
            Column("地点", ("地点", "培训地点")),
            Column("授课主题", ("授课主题", "培训主题", "课程主题"), marker=True),
            Column("讲师", ("讲师", "授课讲师")),
            Column("培训人次", ("培训人次",), marker=True),
            Column("学时数", ("学时数", "学时"), marker=True),
        ),
    ),
    ListSection(
        "对接调研活动",
        "五、已开展的企业人才对接和考察调研活动",
        (
            "已开展的企业人才对接和考察调研活动",
            "企业人才对接和考察调研活动",
            "对接调研活动",
        ),
        (
            _NO,
            Column("时间", ("时间", "活动时间", "日期")),
            Column("地点", ("地点", "活动地点")),
            Column("活动主题", ("活动主题",), marker=True),
            Column("参与人次", ("参与人次",), marker=True),
            Column("备注", ("备注",)),
        ),
    ),
    ListSection(
        "品牌创新活动",
        "六、已开展的品牌建设和创新活动",
        ("已开展的品牌建设和创新活动", "品牌建设和创新活动", "品牌创新活动"),
        (
            _NO,
            Column("时间", ("时间", "日期")),
            Column("特色创新活动内容", ("特色创新活动内容", "创新活动内容"), marker=True),
            Column("社会影响力情况", ("社会影响力情况", "社会影响力"), marker=True),
            Column("备注", ("备注",)),
        ),
    ),
    ListSection(
        "企业荣誉",
        "七、企业荣誉",
        ("企业荣誉",),
        (
            _NO,
            Column("荣誉名称", ("荣誉名称",), marker=True),
            Column("签发单位", ("签发单位", "颁发单位"), marker=True),
            Column("时间", ("时间", "获得时间", "日期")),
            Column("备注", ("备注",)),
        ),
    ),
    ListSection(
        "企业资质",
        "八、企业资质",
        ("企业资质",),
        (
            _NO,
            Column("资质名称", ("资质名称",), marker=True),
            Column("资质登记", ("资质登记", "资质等级", "登记号"), marker=True),
            Column("发证单位", ("发证单位", "发证机关"), marker=True),
            Column("有效期", ("有效期", "有效期至"), marker=True),
        ),
    ),
)

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
BASIC_ORDER = (
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
)

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
