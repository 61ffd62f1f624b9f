"""Property test of jidi_docs.render: any Unicode in any text field gives a valid .docx holding it."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jidi_docs
from jidi_docs._fs import LEDGER_NAME
from jidi_docs.forms._format import names_without_lines

#: What may legitimately disappear: characters XML 1.0 forbids and the internal merge marker.
DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\ue000]")

TRICKY = [
    "&",
    "<",
    ">",
    '"',
    "'",
    "{{ b.name }}",
    "{% if x %}",
    "{#",
    "\n",
    "\t",
    "🚀",
    "\x0b",
    "\u200b",
    "\u2028",
    "\r\n",
    " 前后空格 ",
    "ü",
    "\U0002a6a5",
    "]]>",
    "&amp;",
]

#: What the models treat as empty (spaces of every kind, zero-width characters).
BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*")

text = (
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8),
            st.sampled_from(TRICKY),
        ),
        min_size=1,
        max_size=4,
    )
    .map("".join)
    .filter(lambda s: not BLANK.fullmatch(s))
)  # blank required text is refused


def expected(value: str) -> str:
    return DROPPED.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def application(t: list[str]) -> jidi_docs.Application:
    """An application whose every free-text field is one of the generated strings."""
    data: dict[str, Any] = {
        "基本情况": {
            "单位名称": t[0],
            "注册地": t[1],
            "所属区县": "西湖区",
            "法定代表人": t[2],
            "注册时间": "2015-06-18",
            "联系人": t[3],
            "电话": "0571-87654321",
            "办公地址": t[4],
            "总面积": "100",
            "培训场地": [{"地址": t[5], "可容纳人数": "30"}],
            "涉及平台": [t[6]],
            "单位简介": t[7],
        },
        "管理运营团队": [{"姓名": t[8], "职务": t[9], "部门": t[10], "岗位": t[11]}],
        "讲师": [
            {
                "姓名": t[12],
                "专兼职": "专职",
                "职称": t[13],
                "学历": "本科",
                "研发平台": t[14],
                "备注": t[15],
            }
        ],
        "培训活动": [
            {
                "时间": "2021-03-01",
                "地点": t[16],
                "授课主题": t[17],
                "讲师": t[18],
                "培训人次": "20",
                "学时数": "20",
            }
        ],
        "对接调研活动": [
            {"时间": "2021-04-01", "地点": t[19], "活动主题": t[20], "参与人次": "5", "备注": t[21]}
        ],
        "品牌创新活动": [
            {
                "时间": "2021-05-01",
                "特色创新活动内容": t[22],
                "社会影响力情况": t[23],
                "备注": t[24],
            }
        ],
        "企业荣誉": [{"荣誉名称": t[25], "签发单位": t[26], "时间": "2021-06-01", "备注": t[27]}],
        "企业资质": [{"资质名称": t[28], "资质登记": t[29], "发证单位": t[30], "有效期": "长期"}],
        "申报单位审核意见": t[31],
    }
    return jidi_docs.validate(data)


def document_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text, min_size=32, max_size=32))
def test_any_unicode_in_every_text_field_renders_a_valid_docx_containing_it(
    texts: list[str],
) -> None:
    app = application(texts)

    with tempfile.TemporaryDirectory() as out:
        paths = jidi_docs.render(app, out)
        form1, form2 = (document_text(p) for p in paths)
        names = [p.name for p in Path(out).iterdir() if p.name != LEDGER_NAME]

    assert len(names) == 2
    assert expected(texts[0]).rstrip("\n") in form1
    # Cells of names (研发平台) may end a line after a separator (、；/): the value is there,
    # with those line breaks taken out again as extract does.
    unwrapped = names_without_lines(form2)
    missing = [t for t in texts if expected(t).rstrip("\n") not in form2 + "\n" + unwrapped]
    assert missing == []
