"""Test jidi_docs.api.render end to end: every value of the contract example lands in its cell."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

import jidi_docs
from jidi_docs._fs import LEDGER_NAME
from jidi_docs.forms._render import form_paths

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"

#: The example's 单位名称, repeated by several assertions.
UNIT = "杭州示例跨境电商职业培训学校有限公司"

#: 附件2 table index of each list section (二 to 八) and its YAML key.
LIST_TABLES = {
    "管理运营团队": 1,
    "讲师": 2,
    "培训活动": 3,
    "对接调研活动": 4,
    "品牌创新活动": 5,
    "企业荣誉": 6,
    "企业资质": 7,
}


def rows(table: Any) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def render_example(tmp_path: Path, text: str | None = None) -> tuple[Any, Any]:
    """Render the example (or YAML `text`) and return (附件1, 附件2) opened with python-docx."""
    if text is None:
        app = jidi_docs.load(EXAMPLE)
    else:
        app = jidi_docs.loads(text, base_dir=EXAMPLE.parent)
    paths = jidi_docs.render(app, tmp_path / "out")
    return docx.Document(str(paths[0])), docx.Document(str(paths[1]))


def raw_example() -> dict[str, Any]:
    """The example as plain strings, read with PyYAML's base loader (independent of jidi_docs)."""
    return yaml.load(EXAMPLE.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    return render_example(tmp_path_factory.mktemp("forms"))


# --------------------------------------------------------------------------------------------
# file names
# --------------------------------------------------------------------------------------------


def test_render_writes_both_forms_named_after_the_unit(tmp_path: Path) -> None:
    app = jidi_docs.load(EXAMPLE)

    paths = jidi_docs.render(app, tmp_path)

    assert [p.name for p in paths] == [f"{UNIT}-附件1-评价表.docx", f"{UNIT}-附件2-申报表.docx"]
    assert list(form_paths(app, tmp_path).values()) == paths
    written = sorted(p.name for p in tmp_path.iterdir() if p.name != LEDGER_NAME)
    assert written == sorted(p.name for p in paths)


# --------------------------------------------------------------------------------------------
# 附件1 评价表
# --------------------------------------------------------------------------------------------


def test_form1_header_names_unit_and_district(forms: tuple[Any, Any]) -> None:
    form1, _ = forms

    header = rows(form1.tables[0])

    assert header == [["申报单位名称：", UNIT, "所属区、县（市）：", "西湖区"]]


EXPECTED_SCORES = [
    ("培训场地及环境", "10"),
    ("日常管理", "5"),
    ("财务情况", "4"),
    ("办公条件", "5"),
    ("教师管理系统", "14"),
    ("人才培养体系", "13"),
    ("人才培育情况", "15"),
    ("人才输送情况", "12"),
    ("创新工作", "8"),
    ("人才培育及输送情况反馈", "4"),
]


def test_form1_has_each_self_score_in_its_indicator_row_and_expert_column_blank(
    forms: tuple[Any, Any],
) -> None:
    form1, _ = forms

    body = rows(form1.tables[1])

    assert body[0] == ["序号", "内容", "评价指标", "评分标准", "佐证材料", "自评分", "专家评分"]
    assert len(body) == 1 + len(EXPECTED_SCORES) + 1
    for row, (indicator, score) in zip(body[1:-1], EXPECTED_SCORES, strict=True):
        assert row[2].split("\n")[0] == indicator
        assert row[5] == score
        assert row[6] == ""


def test_form1_total_is_90_and_expert_total_blank(forms: tuple[Any, Any]) -> None:
    form1, _ = forms

    last = rows(form1.tables[1])[-1]

    assert last[0] == "总分"
    assert last[5] == "90"
    assert last[6] == ""


def test_form1_numbers_categories_as_the_official_form(forms: tuple[Any, Any]) -> None:
    form1, _ = forms

    body = rows(form1.tables[1])[1:-1]

    assert [r[0] for r in body] == ["1", "1", "1", "1", "2", "2", "3", "3", "4", "5"]
    assert [r[1].split("\n")[0] for r in body] == [
        *["基础条件"] * 4,
        *["专业匹配"] * 2,
        *["人才输送"] * 2,
        "品牌建设",
        "单位业绩",
    ]


# --------------------------------------------------------------------------------------------
# 附件2 申报表, 一、基本情况
# --------------------------------------------------------------------------------------------


def cell_after(table: Any, label: str) -> str:
    """Return the text of the first cell to the right of the cell reading `label`."""
    for row in rows(table):
        for i, text in enumerate(row):
            if text == label:
                for other in row[i + 1 :]:
                    if other != label:
                        return other
    raise AssertionError(f"no cell labelled {label!r}")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("单位名称", f"{UNIT}\n（统一社会信用代码：91330106723456781M）"),
        ("注册地", "杭州市西湖区文三路 478 号"),
        ("所属区县", "西湖区"),
        ("法定代表人", "张三"),
        ("注册时间", "2015 年 6 月 18 日"),
        ("联系人", "李四"),
        ("电话", "0571-87654321"),
        (
            "办公地址",
            "杭州市西湖区文三路 478 号华星时代广场 A 座 1203 室\n（独立办公面积 260 平方米）",
        ),
        ("总面积\n（平方米）", "1260"),
        (
            "培训场地及可容纳人数",
            (
                "文三路 478 号 A 座 12 层 1 号教室，面积 150 平方米，可容纳 60 人\n"
                "文三路 478 号 A 座 12 层实训机房，面积 120 平方米，可容纳 45 人"
            ),
        ),
        ("讲师数量", "4"),
        ("具有大学本科及以上学历讲师数量", "3"),
        ("占比（%）", "75"),
        ("管理人员\n数量", "4"),
        # broken between names only, so that no name is cut (tests/pdf/test_form_layout.py)
        ("涉及平台数量", "6\n（亚马逊、速卖通、\neBay、Shopee、\nTikTok Shop、\nLazada）"),
        (
            "单位简介",
            (
                "本单位成立于 2015 年，专注跨境电商人才培养与输送，\n"
                "与多家跨境电商平台及服务商建立长期合作关系。\n"
                "设有运营、视觉设计、海外营销三个教研组，年均开班 30 余期。\n"
                "历年组织人才培训总人次：3260"
            ),
        ),
    ],
)
def test_form2_basic_info_cell_holds_the_value(
    forms: tuple[Any, Any], label: str, expected: str
) -> None:
    _, form2 = forms

    assert cell_after(form2.tables[0], label) == expected


# --------------------------------------------------------------------------------------------
# 附件2, 二 to 九
# --------------------------------------------------------------------------------------------

EXPECTED_LISTS = {
    "管理运营团队": [
        ["序号", "姓名", "职务", "学历", "部门", "岗位"],
        ["1", "张三", "校长", "硕士", "校长室", "全面管理"],
        ["2", "李四", "办公室主任", "本科", "办公室", "行政与申报"],
        ["3", "王五", "教务主任", "本科", "教务部", "课程与排课"],
        ["4", "赵六", "就业主管", "大专", "就业服务部", "企业对接"],
    ],
    "讲师": [
        ["序号", "讲师姓名", "专职/兼职", "职称学历", "研发平台", "联系电话", "备注"],
        ["1", "钱七", "专职", "高级电子商务师／本科", "亚马逊", "13800001111", ""],
        ["2", "孙八", "专职", "讲师／硕士", "速卖通", "13800002222", ""],
        ["3", "周九", "专职", "电子商务师／本科", "Shopee", "13800003333", ""],
        ["4", "吴十", "兼职", "运营总监／大专", "TikTok Shop", "13800004444", "平台服务商外聘"],
    ],
    "培训活动": [
        ["序号", "时间", "地点", "授课主题", "讲师", "培训人次", "学时数"],
        ["1", "2020.07.06—2020.07.10", "本校 1 号教室", "亚马逊欧洲站运营实战", "钱七", "56", "30"],
        [
            "2",
            "2020.10.12—2020.10.15",
            "本校实训机房",
            "速卖通店铺视觉与详情页设计",
            "孙八",
            "42",
            "24",
        ],
        [
            "3",
            "2021.03.22—2021.03.26",
            "本校 1 号教室",
            "Shopee & Lazada 东南亚市场入门",
            "周九",
            "60",
            "30",
        ],
        [
            "4",
            "2021.05.17—2021.05.19",
            "西湖区跨境电商产业园",
            "TikTok Shop 短视频带货",
            "吴十",
            "80",
            "20",
        ],
    ],
    "对接调研活动": [
        ["序号", "时间", "地点", "活动主题", "参与人次", "备注"],
        ["1", "2020.11.20", "杭州国际博览中心", "跨境电商企业人才双选会", "320", "参会企业 46 家"],
        ["2", "2021.04.09", "义乌", "跨境电商产业带考察调研", "35", ""],
    ],
    "品牌创新活动": [
        ["序号", "时间", "特色创新活动内容", "社会影响力情况", "备注"],
        ["1", "2021.01.15", "“跨境电商直播实训营”校企共建模式", "杭州日报专题报道", ""],
    ],
    "企业荣誉": [
        ["序号", "荣誉名称", "签发单位", "时间", "备注"],
        ["1", "杭州市跨境电商人才培训优秀机构", "杭州市跨境电商协会", "2020.12.28", ""],
    ],
    "企业资质": [
        ["序号", "资质名称", "资质登记", "发证单位", "有效期"],
        ["1", "民办学校办学许可证", "教民 133010670000123 号", "杭州市西湖区教育局", "2025.06.30"],
    ],
}


@pytest.mark.parametrize("section", list(EXPECTED_LISTS))
def test_form2_list_section_has_one_row_per_item_cell_by_cell(
    forms: tuple[Any, Any], section: str
) -> None:
    _, form2 = forms

    table = rows(form2.tables[LIST_TABLES[section]])

    assert table == EXPECTED_LISTS[section]


def test_form2_opinion_fills_section_nine_and_leaves_ten_blank(forms: tuple[Any, Any]) -> None:
    _, form2 = forms

    nine = rows(form2.tables[8])
    ten = rows(form2.tables[9])

    assert nine[0] == ["经审核，本单位所报材料真实、准确、完整。"]
    assert nine[1][0].startswith("法定代表人（签章）：")
    assert ten[0] == [""]
    assert ten[1][0].startswith("市综试办（公章）：")


def test_every_text_value_of_the_example_appears_in_a_form(forms: tuple[Any, Any]) -> None:
    """Sweep the raw YAML: no typed value (except 佐证材料, 自评分 and dates) is lost."""
    form1, form2 = forms
    text = "\n".join(
        c.text for d in (form1, form2) for t in d.tables for r in t.rows for c in r.cells
    )
    data = raw_example()
    skipped = {"认定批次", "佐证材料", "自评分"}
    date_keys = {"时间", "注册时间", "有效期"}

    def walk(value: Any, key: str) -> list[str]:
        if isinstance(value, dict):
            return [s for k, v in value.items() if k not in date_keys for s in walk(v, k)]
        if isinstance(value, list):
            return [s for v in value for s in walk(v, key)]
        return [value.rstrip("\n")]

    values = [s for k, v in data.items() if k not in skipped for s in walk(v, k)]

    assert len(values) > 100
    missing = [v for v in values if v not in text]
    assert missing == []


# --------------------------------------------------------------------------------------------
# row counts: 0, 1 and 300 items
# --------------------------------------------------------------------------------------------

ITEM = {
    "管理运营团队": {
        "姓名": "管{n}",
        "职务": "职务{n}",
        "学历": "本科",
        "部门": "部{n}",
        "岗位": "岗{n}",
    },
    "讲师": {"姓名": "师{n}", "专兼职": "专职", "学历": "硕士", "联系电话": "13800001111"},
    "培训活动": {
        "时间": "2021-03-01",
        "地点": "地{n}",
        "授课主题": "题{n}",
        "讲师": "师{n}",
        "培训人次": "{n}",
        "学时数": "20",
    },
    "对接调研活动": {"时间": "2021-04-01", "地点": "地{n}", "活动主题": "会{n}", "参与人次": "{n}"},
    "品牌创新活动": {"时间": "2021-05-01", "特色创新活动内容": "创{n}"},
    "企业荣誉": {"荣誉名称": "荣{n}", "签发单位": "发{n}", "时间": "2021-06-01"},
    "企业资质": {"资质名称": "资{n}", "发证单位": "证{n}", "有效期": "长期"},
}


#: A column of each list table that holds a per-item value, and that value's pattern.
LAST_CELL = {
    "管理运营团队": (1, "管{n}"),
    "讲师": (1, "师{n}"),
    "培训活动": (2, "地{n}"),
    "对接调研活动": (2, "地{n}"),
    "品牌创新活动": (2, "创{n}"),
    "企业荣誉": (1, "荣{n}"),
    "企业资质": (1, "资{n}"),
}


def with_lists(n: int) -> str:
    data = raw_example()
    for section, item in ITEM.items():
        data[section] = [
            {k: v.format(n=i) for k, v in copy.deepcopy(item).items()} for i in range(1, n + 1)
        ]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("n", [0, 1, 300])
def test_each_list_table_has_as_many_rows_as_items_and_one_blank_row_when_empty(
    tmp_path: Path, n: int
) -> None:
    _, form2 = render_example(tmp_path, with_lists(n))

    for section, index in LIST_TABLES.items():
        table = rows(form2.tables[index])
        body = table[1:]
        assert len(body) == max(n, 1), section
        if n == 0:
            assert all(c == "" for c in body[0]), section
        else:
            assert [r[0] for r in body] == [str(i) for i in range(1, n + 1)], section
            column, template = LAST_CELL[section]
            assert [r[column] for r in body] == [template.format(n=i) for i in range(1, n + 1)]


def test_derived_figures_follow_the_lists(tmp_path: Path) -> None:
    _, form2 = render_example(tmp_path, with_lists(300))

    basic = form2.tables[0]

    assert cell_after(basic, "讲师数量") == "300"
    assert cell_after(basic, "具有大学本科及以上学历讲师数量") == "300"
    assert cell_after(basic, "占比（%）") == "100"
    assert cell_after(basic, "管理人员\n数量") == "300"


def test_ratio_is_blank_without_lecturers(tmp_path: Path) -> None:
    _, form2 = render_example(tmp_path, with_lists(0))

    basic = form2.tables[0]

    assert cell_after(basic, "讲师数量") == "0"
    assert cell_after(basic, "占比（%）") == ""


# --------------------------------------------------------------------------------------------
# values exactly as typed
# --------------------------------------------------------------------------------------------


def test_yaml_11_lookalikes_reach_the_form_exactly_as_typed(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("电话: 0571-87654321", "电话: 057187654321")
    text = text.replace("备注: 平台服务商外聘", "备注: no")
    text = text.replace("备注: 参会企业 46 家", "备注: 9:30")
    text = text.replace("资质登记: 教民 133010670000123 号", "资质登记: 0571000123")
    text = text.replace("研发平台: 亚马逊", "研发平台: on")
    text = text.replace("研发平台: 速卖通", "研发平台: yes")
    text = text.replace("职称: 讲师", "职称: 1e3")

    _, form2 = render_example(tmp_path, text)

    assert cell_after(form2.tables[0], "电话") == "057187654321"
    lecturers = rows(form2.tables[2])
    assert lecturers[1][4] == "on"
    assert lecturers[1][5] == "13800001111"
    assert lecturers[2][4] == "yes"
    assert lecturers[2][3] == "1e3／硕士"
    assert lecturers[4][6] == "no"
    assert rows(form2.tables[4])[1][5] == "9:30"
    assert rows(form2.tables[7])[1][2] == "0571000123"


def test_markup_and_template_syntax_appear_literally(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("岗位: 全面管理", "岗位: '{{ b.name }} {% if 1 %}x{% endif %}'")
    text = text.replace("岗位: 企业对接", '岗位: "<w:t>&amp; \' \\" 🚀"')

    _, form2 = render_example(tmp_path, text)

    managers = rows(form2.tables[1])
    assert managers[1][5] == "{{ b.name }} {% if 1 %}x{% endif %}"
    assert managers[4][5] == "<w:t>&amp; ' \" 🚀"


def test_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("岗位: 全面管理", "岗位: 全面\x0b管理")
    app = jidi_docs.loads(text, source="申报.yaml")

    paths = jidi_docs.render(app, tmp_path)

    assert [(w.line, w.message) for w in app.warnings] == [
        (36, "删除了 Word 文档不能容纳的控制字符 U+000B。")
    ]
    assert rows(docx.Document(str(paths[1])).tables[1])[1][5] == "全面管理"


def test_both_forms_print_the_titles_of_the_application_s_own_batch(tmp_path: Path) -> None:
    builtin = Path(jidi_docs.schema.__file__).parent / "profiles" / "杭州-2021.yaml"
    data = yaml.safe_load(builtin.read_text(encoding="utf-8"))
    data["名称"] = "某市-2022"
    data["申报表标题"] = "某市跨境电商人才培训基地认定申报表"
    data["评价表标题"] = "某市跨境电商人才培训基地认定评价表"
    profile = tmp_path / "某市-2022.yaml"
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    app = jidi_docs.load(EXAMPLE, profile=profile)

    form1, form2 = (docx.Document(str(p)) for p in jidi_docs.render(app, tmp_path / "out"))

    assert form1.paragraphs[1].text == "某市跨境电商人才培训基地认定评价表"
    assert form2.paragraphs[1].text == "某市跨境电商人才培训基地认定申报表"
    assert form2.paragraphs[1].style.name == "Form Title"  # type: ignore[union-attr]
    default = [docx.Document(str(p)) for p in jidi_docs.render(EXAMPLE, tmp_path / "default")]
    assert default[1].paragraphs[1].text == "跨境电商人才社会培训基地认定申报表"
