"""Test jidi_docs.load and jidi_docs._yaml: a catalogue of bad inputs, each with its message and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import jidi_docs
from jidi_docs.errors import InputError, Issue, UserError, ValidationFailed

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
SOURCE = "申报.yaml"


def edit(old: str, new: str) -> str:
    """Return the example with the first `old` replaced by `new` (which must be there)."""
    assert old in TEXT, old
    return TEXT.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of `text` where `needle` first occurs."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def only_issue(text: str) -> Issue:
    """Load `text` and return its one problem (InputError or ValidationFailed with one issue)."""
    with pytest.raises(UserError) as info:
        jidi_docs.loads(text, source=SOURCE)
    error = info.value
    if isinstance(error, ValidationFailed):
        assert len(error.issues) == 1, error.issues
        return error.issues[0]
    assert isinstance(error, InputError), error
    return error.issue


@dataclass(frozen=True)
class Bad:
    """One bad input: the text, where its problem is (line of `at`), and the expected message."""

    text: str
    at: str | None
    field: str
    message: str


CATALOGUE: dict[str, Bad] = {
    # -- YAML syntax ----------------------------------------------------------------------------
    "tab indentation": Bad(
        edit("  单位名称:", "\t单位名称:"),
        "\t单位名称",
        "",
        "YAML 格式错误：不能用 Tab 键缩进，请改用空格。",
    ),
    "unclosed quote is shown where it opens": Bad(
        edit("法定代表人: 张三", '法定代表人: "张三'), '"张三', "", "YAML 格式错误：引号没有闭合。"
    ),
    "missing colon is shown at its own line": Bad(
        edit("  法定代表人: 张三", "  法定代表人 张三"),
        "法定代表人 张三",
        "",
        "YAML 格式错误：这一行缺少“:”：栏目名后面要写半角冒号和一个空格，例如“法定代表人: 张三”。",
    ),
    "colon inside an unquoted value": Bad(
        edit("  法定代表人: 张三", "  法定代表人: 张: 三"),
        "张: 三",
        "",
        "YAML 格式错误：这里不能出现“: ”。如果值里本身含有冒号，请用引号把整个值括起来。",
    ),
    "bad escape in double quotes": Bad(
        edit("法定代表人: 张三", '法定代表人: "张\\q三"'),
        "张\\q",
        "",
        "YAML 格式错误：双引号里的反斜杠转义无效；写路径或反斜杠时请改用单引号。",
    ),
    "undefined alias": Bad(
        edit("法定代表人: 张三", "法定代表人: *x"),
        "*x",
        "基本情况 → 法定代表人",
        "YAML 格式错误：引用了未定义的锚点（*x）。",
    ),
    "value starting with an asterisk": Bad(
        edit("法定代表人: 张三", "法定代表人: *张三"),
        "*张三",
        "",
        "YAML 格式错误：以“*”或“&”开头的值会被当作锚点，请用引号把整个值括起来。",
    ),
    "python object tag": Bad(
        edit("法定代表人: 张三", "法定代表人: !!python/object/apply:os.system [ls]"),
        "!!python",
        "基本情况 → 法定代表人",
        "不支持 YAML 标签 !!python/object/apply:os.system：请去掉以“!”开头的标签，直接写值。",
    ),
    "duplicate key": Bad(
        edit("  注册时间: 2015-06-18", "  法定代表人: 王五\n  注册时间: 2015-06-18"),
        "法定代表人: 王五",
        "基本情况 → 法定代表人",
        f"栏目重复：第 {line_of(TEXT, '法定代表人: 张三')} 行已经写过“法定代表人”，请只保留一个。",
    ),
    "two documents": Bad(
        TEXT + "---\n其他: 1\n",
        "---\n其他: 1",
        "",
        "文件里有多个 YAML 文档（用 --- 分隔），只能有一个。",
    ),
    "top-level list": Bad(
        "- 单位名称\n- 张三\n", "- 单位名称", "", "文件的最外层应是“栏目: 值”的映射，现在是列表。"
    ),
    "top-level text": Bad(
        "申报材料\n", "申报材料", "", "文件的最外层应是“栏目: 值”的映射，现在是一段文字。"
    ),
    "empty text": Bad("", None, "", "文件是空的：没有任何内容。"),
    "comments only": Bad("# 申报\n\n", None, "", "文件是空的：没有任何内容。"),
    # -- keys -----------------------------------------------------------------------------------
    "unknown key with suggestion": Bad(
        edit("  联系人: 李四", "  联系人: 李四\n  注册地址: 杭州"),
        "注册地址",
        "基本情况 → 注册地址",
        "没有“注册地址”这一栏。是不是“注册地”？这里可用的栏目有：单位名称、统一社会信用代码、注册地、"
        "所属区县、法定代表人、注册时间、联系人、电话、办公地址、办公面积、总面积、培训场地、涉及平台、"
        "历年培训总人次、单位简介。",
    ),
    "unknown self-score indicator": Bad(
        edit("  财务情况: 4", "  财务: 4"),
        "财务: 4",
        "自评分 → 财务",
        "没有“财务”这一栏。是不是“财务情况”？这里可用的栏目有：培训场地及环境、日常管理、财务情况、办公条件、"
        "教师管理系统、人才培养体系、人才培育情况、人才输送情况、创新工作、人才培育及输送情况反馈。",
    ),
    "typed 讲师数量": Bad(
        edit("  历年培训总人次", "  讲师数量: 4\n  历年培训总人次"),
        "讲师数量: 4",
        "基本情况 → 讲师数量",
        "“讲师数量”由程序根据讲师名单的人数自动计算，不用填写，请删除这一行。",
    ),
    "typed 总分": Bad(
        edit("申报单位审核意见:", "总分: 90\n申报单位审核意见:"),
        "总分: 90",
        "总分",
        "“总分”由程序根据各项自评分之和自动计算，不用填写，请删除这一行。",
    ),
    # -- wrong types ----------------------------------------------------------------------------
    "text where a count belongs": Bad(
        edit("可容纳人数: 60", "可容纳人数: 六十"),
        "可容纳人数: 六十",
        "基本情况 → 培训场地 → 第 1 项 → 可容纳人数",
        "应是整数，现在是“六十”。",
    ),
    "fraction where a count belongs": Bad(
        edit("培训人次: 42", "培训人次: 42.5"),
        "42.5",
        "培训活动 → 第 2 项 → 培训人次",
        "应是整数，现在是“42.5”。",
    ),
    "text where an area belongs": Bad(
        edit("总面积: 1260", "总面积: 1,260"),
        "1,260",
        "基本情况 → 总面积",
        "应是数字，现在是“1,260”。",
    ),
    "text where a list belongs": Bad(
        edit("涉及平台: [亚马逊, 速卖通, eBay, Shopee, TikTok Shop, Lazada]", "涉及平台: 亚马逊"),
        "涉及平台: 亚马逊",
        "基本情况 → 涉及平台",
        "应是列表（每一项另起一行，以“- ”开头），现在是“亚马逊”。",
    ),
    "text where a mapping belongs": Bad(
        edit("管理运营团队:\n", "管理运营团队:\n  - 张三\n"),
        "  - 张三",
        "管理运营团队 → 第 1 项",
        "应是“栏目: 值”的映射（下一级栏目缩进两格），现在是“张三”。",
    ),
    "list where text belongs": Bad(
        edit("法定代表人: 张三", "法定代表人: [张三, 王五]"),
        "[张三, 王五]",
        "基本情况 → 法定代表人",
        "应是一段文字，现在是列表。",
    ),
    "empty required text": Bad(
        edit("法定代表人: 张三", "法定代表人: ''"),
        "法定代表人: ''",
        "基本情况 → 法定代表人",
        "不能为空。",
    ),
    "missing required key is shown at its section": Bad(
        edit("  法定代表人: 张三\n", ""),
        "基本情况:",
        "基本情况 → 法定代表人",
        "是必填栏目，不能缺少。",
    ),
    # -- enums ----------------------------------------------------------------------------------
    "所属区县 not of 2021": Bad(
        edit("所属区县: 西湖区", "所属区县: 下城区"),
        "下城区",
        "基本情况 → 所属区县",
        "“下城区”不在可选范围内。是不是“上城区”？只能是：上城区、拱墅区、西湖区、滨江区、萧山区、余杭区、"
        "临平区、钱塘区、富阳区、临安区、桐庐县、淳安县、建德市。",
    ),
    "学历 synonym": Bad(
        edit("学历: 硕士, 研发平台: 速卖通", "学历: 研究生, 研发平台: 速卖通"),
        "研究生",
        "讲师 → 第 2 项 → 学历",
        "“研究生”不在可选范围内。是不是“硕士”？只能是：博士、硕士、本科、大专、中专、高中及以下。",
    ),
    "管理人员 学历": Bad(
        edit("学历: 大专, 部门: 就业服务部", "学历: 初中, 部门: 就业服务部"),
        "初中",
        "管理运营团队 → 第 4 项 → 学历",
        "“初中”不在可选范围内。是不是“高中及以下”？只能是：博士、硕士、本科、大专、中专、高中及以下。",
    ),
    "专兼职": Bad(
        edit("专兼职: 兼职", "专兼职: 外聘"),
        "外聘",
        "讲师 → 第 4 项 → 专兼职",
        "“外聘”不在可选范围内。是不是“兼职”？只能是：专职、兼职。",
    ),
    "佐证材料 indicator": Bad(
        edit("指标: 办公条件", "指标: 办公"),
        "指标: 办公",
        "佐证材料 → 第 2 项 → 指标",
        "“办公”不在可选范围内。是不是“办公条件”？只能是：基本情况、培训场地及环境、日常管理、财务情况、"
        "办公条件、教师管理系统、人才培养体系、人才培育情况、人才输送情况、创新工作、人才培育及输送情况反馈。",
    ),
    "unknown 认定批次": Bad(
        edit("认定批次: 杭州-2021", "认定批次: 杭州-2099"),
        "杭州-2099",
        "认定批次",
        "没有名为“杭州-2099”的认定批次。可用的有：杭州-2021；也可以用 --profile 指定自己的批次文件（.yaml）。",
    ),
    # -- limits ---------------------------------------------------------------------------------
    "自评分 over its maximum": Bad(
        edit("  财务情况: 4", "  财务情况: 6"),
        "财务情况: 6",
        "自评分 → 财务情况",
        "自评分不能超过该指标的分值 5 分，现在是 6。允许 0 到 5。",
    ),
    "negative 自评分": Bad(
        edit("  创新工作: 8", "  创新工作: -1"),
        "创新工作: -1",
        "自评分 → 创新工作",
        "不能小于 0，现在是 -1。",
    ),
    "自评分 not a number": Bad(
        edit("  日常管理: 5", "  日常管理: .nan"),
        "日常管理: .nan",
        "自评分 → 日常管理",
        "应是数字，现在是“.nan”。",
    ),
    "negative count": Bad(
        edit("培训人次: 56", "培训人次: -5"),
        "培训人次: -5",
        "培训活动 → 第 1 项 → 培训人次",
        "不能小于 0，现在是 -5。",
    ),
    "count written with a digit separator": Bad(
        edit("培训人次: 56", "培训人次: 1_000"),
        "培训人次: 1_000",
        "培训活动 → 第 1 项 → 培训人次",
        "应是整数，现在是“1_000”。",
    ),
    "area in exponent notation": Bad(
        edit("总面积: 1260", "总面积: 1.26e3"),
        "总面积: 1.26e3",
        "基本情况 → 总面积",
        "应是数字，现在是“1.26e3”。",
    ),
    "negative area": Bad(
        edit("总面积: 1260", "总面积: -3"),
        "总面积: -3",
        "基本情况 → 总面积",
        "不能小于 0，现在是 -3。",
    ),
    "negative 参与人次": Bad(
        edit("参与人次: 35", "参与人次: -35"),
        "-35",
        "对接调研活动 → 第 2 项 → 参与人次",
        "不能小于 0，现在是 -35。",
    ),
    # -- formats --------------------------------------------------------------------------------
    "credit code check character": Bad(
        edit("91330106723456781M", "91330106723456781N"),
        "91330106723456781N",
        "基本情况 → 统一社会信用代码",
        "统一社会信用代码“91330106723456781N”的校验位不对（按 GB 32100-2015 应为 M），请核对是否抄错。",
    ),
    "credit code length": Bad(
        edit("91330106723456781M", "9133010672345678"),
        "9133010672345678",
        "基本情况 → 统一社会信用代码",
        "统一社会信用代码应为 18 位，现在是 16 位。",
    ),
    "a date that does not exist": Bad(
        edit("注册时间: 2015-06-18", "注册时间: 2021-02-30"),
        "2021-02-30",
        "基本情况 → 注册时间",
        "“2021-02-30”不是一个存在的日期。",
    ),
    "range ending before it starts": Bad(
        edit("2020-10-12 ~ 2020-10-15", "2020-10-15 ~ 2020-10-12"),
        "2020-10-15 ~",
        "培训活动 → 第 2 项 → 时间",
        "时间段“2020-10-15 ~ 2020-10-12”的结束日期早于开始日期。",
    ),
    "时间 9:30 is quoted as typed, not as 570": Bad(
        edit("时间: 2020-11-20", "时间: 9:30"),
        "时间: 9:30",
        "对接调研活动 → 第 1 项 → 时间",
        "时间“9:30”无法识别，应写成 YYYY-MM-DD（例如 2021-08-17）；时间段写成 开始 ~ 结束（例如 2020-07-06 ~ 2020-07-10）。",
    ),
    "有效期 neither a date nor 长期": Bad(
        edit("有效期: 2025-06-30", "有效期: 永久"),
        "永久",
        "企业资质 → 第 1 项 → 有效期",
        "日期“永久”无法识别，应写成 YYYY-MM-DD（例如 2021-08-17）；时间段写成 开始 ~ 结束（例如 2020-07-06 ~ 2020-07-10）；长期有效的写“长期”。",
    ),
    "bad landline": Bad(
        edit("电话: 0571-87654321", "电话: 12345"),
        "电话: 12345",
        "基本情况 → 电话",
        "电话号码“12345”格式不对：手机号写 11 位（如 13800001111），座机写区号-号码（如 0571-87654321，"
        "分机可写 -123）。",
    ),
    "mobile one digit short": Bad(
        edit("联系电话: 13800002222", "联系电话: 1380000222"),
        "1380000222",
        "讲师 → 第 2 项 → 联系电话",
        "电话号码“1380000222”格式不对：手机号写 11 位（如 13800001111），座机写区号-号码（如 0571-87654321，"
        "分机可写 -123）。",
    ),
}


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_bad_input_is_reported_in_chinese_at_its_line(case: str) -> None:
    bad = CATALOGUE[case]

    issue = only_issue(bad.text)

    assert issue.message == bad.message
    assert issue.field == bad.field
    assert issue.file == SOURCE
    expected_line = line_of(bad.text, bad.at) if bad.at is not None else None
    assert issue.line == expected_line


def test_catalogue_holds_at_least_25_bad_inputs() -> None:
    assert len(CATALOGUE) >= 25


def test_column_points_at_the_value() -> None:
    text = edit("培训人次: 56", "培训人次: -5")

    issue = only_issue(text)

    line = text.splitlines()[issue.line - 1]
    assert line[issue.column - 1 :].startswith("-5")


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = edit("  财务情况: 4", "  财务情况: 6")
    text = text.replace("所属区县: 西湖区", "所属区县: 西湖")
    text = text.replace("专兼职: 兼职", "专兼职: 外聘")

    with pytest.raises(ValidationFailed) as info:
        jidi_docs.loads(text, source=SOURCE)

    issues = info.value.issues
    assert [i.field for i in issues] == [
        "基本情况 → 所属区县",
        "讲师 → 第 4 项 → 专兼职",
        "自评分 → 财务情况",
    ]
    assert [i.line for i in issues] == sorted(i.line for i in issues)
    assert str(info.value).startswith(f"{SOURCE} 有 3 处错误：\n")


def test_issue_text_names_file_line_column_and_field() -> None:
    text = edit("  财务情况: 4", "  财务情况: 6")
    line = line_of(text, "财务情况: 6")

    issue = only_issue(text)

    assert str(issue) == (
        f"{SOURCE} 第 {line} 行第 9 列：「自评分 → 财务情况」自评分不能超过该指标的分值 5 分，现在是 6。允许 0 到 5。"
    )


# --------------------------------------------------------------------------------------------
# files: encodings, empty, missing, a directory
# --------------------------------------------------------------------------------------------


def load_error(path: Path) -> Issue:
    with pytest.raises(InputError) as info:
        jidi_docs.load(path)
    return info.value.issue


def test_gbk_file_is_refused_with_a_hint_at_its_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "申报.yaml"
    path.write_bytes("认定批次: 杭州-2021\n".encode() + "基本情况: 中文\n".encode("gbk"))

    issue = load_error(path)

    assert issue.line == 2
    assert (
        issue.message
        == "文件不是 UTF-8 编码，看起来是 GBK/GB2312 编码，请在编辑器中另存为 UTF-8 编码。"
    )


def test_an_ansi_file_from_notepad_is_read_as_gbk_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "申报.yaml"
    path.write_bytes(EXAMPLE.read_text("utf-8").encode("gbk"))

    app = jidi_docs.load(path)

    assert app.basic.name == jidi_docs.load(EXAMPLE).basic.name
    assert [w.message for w in app.warnings] == [
        "文件是 GBK 编码（记事本的“ANSI”），已按 GBK 读取；建议在编辑器中另存为 UTF-8 编码。"
    ]
    assert str(app.warnings[0]).startswith(str(path))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_refused_naming_its_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "申报.yaml"
    path.write_bytes(TEXT.encode(encoding))

    issue = load_error(path)

    assert issue.line is None
    assert issue.message == "文件是 UTF-16 编码，请在编辑器中另存为 UTF-8 编码。"


def test_utf8_with_bom_and_crlf_loads_like_the_example(tmp_path: Path) -> None:
    path = tmp_path / "申报.yaml"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8-sig"))

    app = jidi_docs.load(path)

    assert app.basic.name == "杭州示例跨境电商职业培训学校有限公司"
    assert app.basic.intro is not None
    assert "\r" not in app.basic.intro


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "申报.yaml"
    path.write_bytes(b"")

    issue = load_error(path)

    assert (issue.file, issue.line, issue.message) == (
        str(path),
        None,
        "文件是空的：没有任何内容。",
    )


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "没有.yaml"

    issue = load_error(path)

    assert (issue.file, issue.line, issue.message) == (
        str(path),
        None,
        "文件不存在，请检查路径和文件名。",
    )


def test_directory_without_application_file_is_refused(tmp_path: Path) -> None:
    issue = load_error(tmp_path)

    assert (issue.line, issue.message) == (
        None,
        "这是一个文件夹，里面没有 申报.yaml。请给出申报 YAML 文件，或先用 jidi-docs init 新建申报文件夹。",
    )


def test_directory_with_application_file_loads_it(tmp_path: Path) -> None:
    (tmp_path / "申报.yaml").write_text(EXAMPLE.read_text("utf-8"), encoding="utf-8")

    assert jidi_docs.load(tmp_path).source == tmp_path / "申报.yaml"


def test_validate_of_plain_data_reports_field_without_position() -> None:
    data = {"基本情况": {"单位名称": "某培训学校"}}

    with pytest.raises(ValidationFailed) as info:
        jidi_docs.validate(data)

    first = info.value.issues[0]
    assert (first.file, first.line, first.column) == (None, None, None)
    assert first.field == "基本情况 → 注册地"
    assert first.message == "是必填栏目，不能缺少。"


# --------------------------------------------------------------------------------------------
# YAML 1.1 traps: values stay exactly as typed
# --------------------------------------------------------------------------------------------


def test_yaml_11_implicit_types_do_not_change_text() -> None:
    text = edit("电话: 0571-87654321", "电话: 057187654321")
    text = text.replace("备注: 平台服务商外聘", "备注: no")
    text = text.replace("备注: 参会企业 46 家", "备注: 9:30")
    text = text.replace("资质登记: 教民 133010670000123 号", "资质登记: 0571000123")
    text = text.replace("研发平台: 亚马逊", "研发平台: on")
    text = text.replace("研发平台: 速卖通", "研发平台: yes")
    text = text.replace("职务: 校长", "职务: 2021-08-17")
    text = text.replace("岗位: 全面管理", "岗位: 0x1F")

    app = jidi_docs.loads(text)

    assert app.basic.phone == "057187654321"
    assert app.lecturers[0].phone == "13800001111"
    assert app.lecturers[0].platform == "on"
    assert app.lecturers[1].platform == "yes"
    assert app.lecturers[3].note == "no"
    assert app.matchmakings[0].note == "9:30"
    assert app.qualifications[0].registration == "0571000123"
    assert app.managers[0].title == "2021-08-17"
    assert app.managers[0].post == "0x1F"


def test_no_tag_constructs_an_object(tmp_path: Path) -> None:
    marker = tmp_path / "created"
    text = edit(
        "法定代表人: 张三", f'法定代表人: !!python/object/apply:os.system ["touch {marker}"]'
    )

    with pytest.raises(InputError):
        jidi_docs.loads(text)

    assert not marker.exists()


def test_forbidden_characters_are_a_warning_not_an_error() -> None:
    text = edit("法定代表人: 张三", "法定代表人: 张\x0b三\x07")

    app = jidi_docs.loads(text, source=SOURCE)

    assert app.basic.legal_rep == "张三"
    assert [(w.file, w.line, w.message) for w in app.warnings] == [
        (SOURCE, line_of(text, "法定代表人"), "删除了 Word 文档不能容纳的控制字符 U+0007、U+000B。")
    ]


def test_plain_empty_value_is_blank_but_quoted_empty_is_text() -> None:
    blank = jidi_docs.loads(edit("备注: 平台服务商外聘", "备注: "))
    quoted = jidi_docs.loads(edit("备注: 平台服务商外聘", "备注: ''"))

    assert blank.lecturers[3].note is None
    assert quoted.lecturers[3].note == ""


def test_evidence_paths_are_relative_to_the_yaml_folder() -> None:
    app = jidi_docs.load(EXAMPLE)

    assert app.source == EXAMPLE
    assert app.base_dir == EXAMPLE.parent


def test_user_errors_are_value_errors_for_callers_that_know_only_builtins() -> None:
    with pytest.raises(ValueError, match="自评分不能超过"):
        jidi_docs.loads(edit("  财务情况: 4", "  财务情况: 6"))


def test_a_missing_top_level_key_is_named_once() -> None:
    with pytest.raises(jidi_docs.ValidationFailed) as exc:
        jidi_docs.loads("认定批次: 杭州-2021\n")

    assert str(exc.value) == (
        "<文本> 有 1 处错误：\n  • <文本> 第 1 行第 1 列：「基本情况」是必填栏目，不能缺少。"
    )


def test_validate_names_data_without_a_file_one_way() -> None:
    with pytest.raises(jidi_docs.ValidationFailed) as exc:
        jidi_docs.validate({})

    assert str(exc.value) == "<输入> 有 1 处错误：\n  • <输入>：「基本情况」是必填栏目，不能缺少。"
