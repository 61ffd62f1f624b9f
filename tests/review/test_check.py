"""Test the jidi_docs.check module: the 预审 of an application against its 认定批次."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
from PIL import Image

from jidi_docs.errors import ValidationFailed
from jidi_docs.forms._render import render
from jidi_docs.input._load import get_profile, loads, validate
from jidi_docs.input._yaml import parse_yaml
from jidi_docs.review._check import CONDITION_KEYS, FAIL, OK, WARN, CheckReport, check
from jidi_docs.schema._model import Application

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
TEST_PROFILE = Path(__file__).resolve().parents[1] / "data" / "profiles" / "测试-2021春.yaml"

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(first17: str) -> str:
    """Return a 统一社会信用代码 with its GB 32100-2015 check character appended."""
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(first17, _CODE_WEIGHTS, strict=True))
    return first17 + _CODE_CHARS[(31 - total % 31) % 31]


def example_data() -> dict[str, Any]:
    """The contract example as plain data (scalars are strings, as the loader keeps them)."""
    return copy.deepcopy(parse_yaml(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE)).data)


def clean_data() -> dict[str, Any]:
    """The example with its one 需注意 (a 大专 lecturer) removed: every condition is 符合."""
    data = example_data()
    data["讲师"][3]["学历"] = "本科"
    return data


def _one_page() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


#: A real one-page PDF: `check` opens every evidence file as the bundle does.
_ONE_PAGE = _one_page()


def make_evidence(data: dict[str, Any], folder: Path) -> None:
    """Create every evidence file `data` names, under `folder`, with a little content."""
    for entry in data["佐证材料"]:
        files = entry["文件"] if isinstance(entry["文件"], list) else [entry["文件"]]
        for rel in files:
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_ONE_PAGE)


def build(data: dict[str, Any], folder: Path, *, profile: Any = None) -> Application:
    """Validate `data` as if loaded from `folder`/申报.yaml, with its evidence files present."""
    make_evidence(data, folder)
    return validate(data, profile=profile, source=folder / "申报.yaml")


def statuses(report: CheckReport) -> dict[str, str]:
    return {c.key: c.status for c in report.conditions}


# ---------------------------------------------------------------------------------------------
# The contract example and the clean baseline
# ---------------------------------------------------------------------------------------------


def test_contract_example_meets_every_condition_with_one_note_on_education(tmp_path: Path) -> None:
    app = build(example_data(), tmp_path)

    report = check(app)

    assert report.passed
    assert [c.key for c in report.conditions] == list(CONDITION_KEYS)
    assert {k: s for k, s in statuses(report).items() if s != OK} == {"lecturer_education": WARN}
    assert "吴十（大专）" in report.condition("lecturer_education").reason
    assert report.counts == {OK: 17, WARN: 1, FAIL: 0}


def test_contract_example_report_has_the_derived_figures_and_the_score_table(
    tmp_path: Path,
) -> None:
    report = check(build(example_data(), tmp_path))

    assert report.figures["讲师数量"] == 4
    assert report.figures["具有大学本科及以上学历讲师数量"] == 3
    assert report.figures["占比（%）"] == Decimal(75)
    assert report.figures["管理人员数量"] == 4
    assert report.figures["涉及平台数量"] == 6
    assert report.figures["跨境电商培训人次"] == 56 + 42 + 60 + 80
    assert [(r.indicator, r.max_points, r.score) for r in report.score_rows][:3] == [
        ("培训场地及环境", 10, 10),
        ("日常管理", 5, 5),
        ("财务情况", 5, 4),
    ]
    assert [(c.name, c.max_points, c.subtotal) for c in report.categories] == [
        ("基础条件", 25, 24),
        ("专业匹配", 30, 27),
        ("人才输送", 30, 27),
        ("品牌建设", 10, 8),
        ("单位业绩", 5, 4),
    ]
    assert report.total_score == 90
    assert report.max_total == 100
    assert report.batch == "杭州-2021"


def test_clean_baseline_meets_every_condition(tmp_path: Path) -> None:
    report = check(build(clean_data(), tmp_path))

    assert set(statuses(report).values()) == {OK}
    assert report.summary == f"预审结果：{len(CONDITION_KEYS)} 项符合，0 项需注意，0 项不符合。"


def test_report_serialises_to_json_with_numbers_and_statuses(tmp_path: Path) -> None:
    report = check(build(example_data(), tmp_path))

    data = json.loads(report.model_dump_json())

    assert data["passed"] is True
    assert data["total_score"] == 90
    assert data["deadline"] == "2021-08-17"
    assert data["figures"]["占比（%）"] == 75
    assert data["counts"] == {"符合": 17, "需注意": 1, "不符合": 0}
    assert data["conditions"][1] == {
        "key": "district",
        "title": "所属区县在认定范围内",
        "status": "符合",
        "reason": "所属区县为西湖区。",
    }
    assert CheckReport.model_validate_json(report.model_dump_json()).conditions == report.conditions


# ---------------------------------------------------------------------------------------------
# Each application breaks exactly one condition
# ---------------------------------------------------------------------------------------------


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _drop_evidence_for(indicator: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["佐证材料"] = [e for e in data["佐证材料"] if e["指标"] != indicator]

    return change


def _set_trainees(data: dict[str, Any]) -> None:
    # 56 + 42 + 60 + 41 = 199, one below the threshold of 200.
    data["培训活动"][3]["培训人次"] = "41"


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "credit_code_division",
        _set(("基本情况", "统一社会信用代码"), credit_code("91330206MA2AAAAAA")),
        FAIL,
        "行政区划码为 330206，不是以 3301 开头",
    ),
    (
        "legal_person",
        _set(("基本情况", "统一社会信用代码"), credit_code("92330106MA2AAAAAA")),
        WARN,
        "“92”（个体工商户），不是独立法人",
    ),
    (
        "venue",
        _set(("基本情况", "培训场地"), [{"地址": "小会议室", "可容纳人数": "19"}]),
        FAIL,
        "最大的培训场地（小会议室）只能容纳 19 人，少于 20 人",
    ),
    (
        "office",
        _set(("基本情况", "办公面积"), "19.5"),
        FAIL,
        "办公面积 19.5 平方米，小于 20 平方米",
    ),
    (
        "fulltime_lecturers",
        _set(("讲师", 2, "专兼职"), "兼职"),
        FAIL,
        "专职讲师 2 名（讲师共 4 名），少于 3 名",
    ),
    (
        "lecturer_education",
        _set(("讲师", 0, "学历"), "中专"),
        WARN,
        "1 名讲师低于本科学历：钱七（中专）",
    ),
    (
        "total_trainees",
        _set(("基本情况", "历年培训总人次"), "1000"),
        FAIL,
        "历年培训总人次 1000，没有超过 1000",
    ),
    ("crossborder_trainees", _set_trainees, FAIL, "4 期培训活动共 199 人次，少于 200 人次"),
    (
        "training_hours",
        _set(("培训活动", 1, "学时数"), "19.5"),
        FAIL,
        "1 期培训少于 20 学时：培训活动第 2 项“速卖通店铺视觉与详情页设计” 19.5 学时",
    ),
    (
        "training_lecturers",
        _set(("培训活动", 0, "讲师"), "钱七、郑十一"),
        WARN,
        "郑十一（培训活动第 1 项）",
    ),
    (
        "reg_date",
        _set(("基本情况", "注册时间"), "2021-08-18"),
        FAIL,
        "注册时间 2021 年 8 月 18 日，晚于申报截止日期 2021 年 8 月 17 日",
    ),
    (
        "activity_dates",
        _set(("对接调研活动", 1, "时间"), "2021-08-16 ~ 2021-08-18"),
        FAIL,
        "对接调研活动第 2 项“跨境电商产业带考察调研”（2021-08-16 ~ 2021-08-18）",
    ),
    (
        "qualifications",
        _set(("企业资质", 0, "有效期"), "2021-08-16"),
        FAIL,
        "“民办学校办学许可证”有效期至 2021 年 8 月 16 日",
    ),
    (
        "evidence_coverage",
        _drop_evidence_for("创新工作"),
        FAIL,
        "1 个评价指标没有佐证材料：创新工作",
    ),
]


@pytest.mark.parametrize(("key", "change", "status", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_application_breaking_one_condition_fails_exactly_that_condition(
    tmp_path: Path,
    key: str,
    change: Callable[[dict[str, Any]], None],
    status: str,
    reason: str,
) -> None:
    data = clean_data()
    change(data)

    report = check(build(data, tmp_path))

    assert {k: s for k, s in statuses(report).items() if s != OK} == {key: status}
    assert reason in report.condition(key).reason
    assert report.passed is (status != FAIL)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (_set(("基本情况", "历年培训总人次"), "1001"), "total_trainees"),
        (_set(("基本情况", "办公面积"), "20"), "office"),
        (_set(("基本情况", "注册时间"), "2021-08-17"), "reg_date"),
        (_set(("企业资质", 0, "有效期"), "2021-08-17"), "qualifications"),
        (_set(("企业资质", 0, "有效期"), "长期"), "qualifications"),
        (_set(("培训活动", 1, "学时数"), "20"), "training_hours"),
    ],
)
def test_values_on_the_threshold_meet_the_condition(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], key: str
) -> None:
    data = clean_data()
    change(data)

    report = check(build(data, tmp_path))

    assert report.condition(key).status == OK


def test_missing_evidence_file_fails_the_files_condition_naming_the_file(tmp_path: Path) -> None:
    app = build(clean_data(), tmp_path)
    (tmp_path / "佐证材料" / "品牌建设.pdf").unlink()

    report = check(app)

    assert {k: s for k, s in statuses(report).items() if s != OK} == {"evidence_files": FAIL}
    assert (
        "「品牌建设报道」的 佐证材料/品牌建设.pdf 不存在"
        in report.condition("evidence_files").reason
    )


def test_evidence_path_outside_the_folder_fails_the_files_condition(tmp_path: Path) -> None:
    data = clean_data()
    make_evidence(data, tmp_path / "申报")
    data["佐证材料"][0]["文件"] = "../外面.pdf"
    (tmp_path / "外面.pdf").write_bytes(b"%PDF-1.4\n")

    report = check(validate(data, source=tmp_path / "申报" / "申报.yaml"))

    result = report.condition("evidence_files")
    assert result.status == FAIL
    assert "「..」指向了申报文件所在文件夹" in result.reason


def test_evidence_is_looked_up_in_the_given_base_dir(tmp_path: Path) -> None:
    data = clean_data()
    make_evidence(data, tmp_path / "材料")
    app = validate(data, source=tmp_path / "别处" / "申报.yaml")

    assert check(app).condition("evidence_files").status == FAIL
    assert check(app, base_dir=tmp_path / "材料").condition("evidence_files").status == OK


def test_district_outside_the_batch_fails_when_the_model_did_not_enforce_it(
    tmp_path: Path,
) -> None:
    # A plain Application (not built by model_for) accepts any district; check still catches it.
    data = clean_data()
    make_evidence(data, tmp_path)
    data["基本情况"]["所属区县"] = "鄞州区"
    app = Application.model_validate(data)

    report = check(app, base_dir=tmp_path)

    assert {k: s for k, s in statuses(report).items() if s != OK} == {"district": FAIL}
    assert "“鄞州区”不在本批次的认定范围内" in report.condition("district").reason


def test_score_over_its_maximum_fails_the_score_condition(tmp_path: Path) -> None:
    data = clean_data()
    make_evidence(data, tmp_path)
    data["自评分"]["日常管理"] = "6"
    app = Application.model_validate(data)

    report = check(app, base_dir=tmp_path)

    assert {k: s for k, s in statuses(report).items() if s != OK} == {"scores": FAIL}
    assert "日常管理 6 分（分值 5 分）" in report.condition("scores").reason
    assert "基础条件小计 25 分（分值 25 分）" not in report.condition("scores").reason
    assert report.total_score == 91


def test_category_subtotal_over_its_points_is_named(tmp_path: Path) -> None:
    data = clean_data()
    make_evidence(data, tmp_path)
    data["自评分"].update(
        {"培训场地及环境": "12", "日常管理": "5", "财务情况": "5", "办公条件": "5"}
    )
    app = Application.model_validate(data)

    reason = check(app, base_dir=tmp_path).condition("scores").reason

    assert "培训场地及环境 12 分（分值 10 分）" in reason
    assert "基础条件小计 27 分（分值 25 分）" in reason


def test_blank_score_is_a_note_naming_the_indicator(tmp_path: Path) -> None:
    data = clean_data()
    data["自评分"]["创新工作"] = None

    report = check(build(data, tmp_path))

    assert {k: s for k, s in statuses(report).items() if s != OK} == {"scores": WARN}
    assert "以下指标未填自评分：创新工作；目前总分 82 分" in report.condition("scores").reason


def test_missing_optional_figures_are_notes_not_failures(tmp_path: Path) -> None:
    data = clean_data()
    del data["基本情况"]["统一社会信用代码"]
    del data["基本情况"]["办公面积"]
    del data["基本情况"]["历年培训总人次"]

    report = check(build(data, tmp_path))

    assert report.passed
    assert {k: s for k, s in statuses(report).items() if s != OK} == {
        "credit_code_division": WARN,
        "legal_person": WARN,
        "office": WARN,
        "total_trainees": WARN,
    }


def test_long_lists_in_reasons_are_cut_with_a_count(tmp_path: Path) -> None:
    data = clean_data()
    row = dict(data["培训活动"][0], 学时数="8")
    data["培训活动"] = [dict(row, 授课主题=f"短课{n}") for n in range(1, 31)]

    reason = check(build(data, tmp_path)).condition("training_hours").reason

    assert reason.startswith("30 期培训少于 20 学时：")
    assert "短课10" in reason
    assert "短课11" not in reason
    assert reason.endswith("等 30 项。")


# ---------------------------------------------------------------------------------------------
# A second profile: other thresholds, deadline, indicators and maxima
# ---------------------------------------------------------------------------------------------

SPRING_SCORES = {
    "培训场地及环境": "18",
    "办公条件": "9",
    "教师管理系统": "25",
    "课程体系": "8",
    "人才培育情况": "26",
}
SPRING_EVIDENCE_GROUPS = {
    "日常管理": "培训场地及环境",
    "财务情况": "办公条件",
    "人才培养体系": "课程体系",
    "人才输送情况": "人才培育情况",
    "创新工作": "人才培育情况",
    "人才培育及输送情况反馈": "人才培育情况",
}


def spring_data() -> dict[str, Any]:
    """The clean baseline, with 自评分 and 佐证材料 filed under the test profile's indicators."""
    data = clean_data()
    data["认定批次"] = "测试-2021春"
    data["自评分"] = dict(SPRING_SCORES)
    for entry in data["佐证材料"]:
        entry["指标"] = SPRING_EVIDENCE_GROUPS.get(entry["指标"], entry["指标"])
    return data


def test_second_profile_changes_the_outcome(tmp_path: Path) -> None:
    profile = get_profile(TEST_PROFILE)
    app = build(spring_data(), tmp_path, profile=profile)

    report = check(app)

    assert report.batch == "测试-2021春"
    assert {k: s for k, s in statuses(report).items() if s != OK} == {
        "fulltime_lecturers": FAIL,
        "crossborder_trainees": FAIL,
        "training_hours": FAIL,
        "activity_dates": FAIL,
    }
    assert (
        "专职讲师 3 名（讲师共 4 名），少于 4 名" in report.condition("fulltime_lecturers").reason
    )
    assert "共 238 人次，少于 300 人次" in report.condition("crossborder_trainees").reason
    assert "“TikTok Shop 短视频带货” 20 学时" in report.condition("training_hours").reason
    assert "晚于申报截止日期 2021 年 5 月 10 日" in report.condition("activity_dates").reason
    assert "TikTok Shop 短视频带货" in report.condition("activity_dates").reason
    # Met, but judged against this profile's thresholds:
    assert "可容纳 60 人，不少于 50 人" in report.condition("venue").reason
    assert "办公面积 260 平方米，不小于 100 平方米" in report.condition("office").reason
    assert "历年培训总人次 3260，超过 3000" in report.condition("total_trainees").reason
    assert report.condition("credit_code_division").reason.endswith("属于 330106 开头的本地区划。")
    assert [(c.name, c.max_points, c.subtotal) for c in report.categories] == [
        ("基础条件", 30, 27),
        ("师资力量", 40, 33),
        ("培训成效", 30, 26),
    ]
    assert report.total_score == 86


def test_same_application_under_the_builtin_profile_meets_everything(tmp_path: Path) -> None:
    report = check(build(clean_data(), tmp_path))

    assert report.passed
    assert report.condition("training_hours").reason.startswith("4 期培训活动最少 20 学时")


def test_second_profile_changes_what_self_scores_accept() -> None:
    profile = get_profile(TEST_PROFILE)

    accepted = validate(spring_data(), profile=profile)
    with pytest.raises(ValidationFailed) as under_builtin:
        validate(dict(spring_data(), 认定批次="杭州-2021"))
    over = spring_data()
    over["自评分"]["培训场地及环境"] = "21"
    with pytest.raises(ValidationFailed) as over_max:
        validate(over, profile=profile)

    assert accepted.score("培训场地及环境") == 18
    fields = {i.field for i in under_builtin.value.issues}
    assert "自评分 → 培训场地及环境" in fields  # 18 is over 杭州-2021's 10
    assert "自评分 → 课程体系" in fields  # not an indicator of 杭州-2021
    [issue] = over_max.value.issues
    assert issue.field == "自评分 → 培训场地及环境"
    assert "20 分" in issue.message


def test_second_profile_renders_its_own_rows_in_form_1(tmp_path: Path) -> None:
    app = build(spring_data(), tmp_path / "in", profile=get_profile(TEST_PROFILE))

    form1, _ = render(app, tmp_path / "out")

    table = docx.Document(str(form1)).tables[1]
    body = [[c.text for c in row.cells] for row in table.rows[1:-1]]
    assert [row[2] for row in body] == [
        "培训场地及环境\n（20分）",
        "办公条件\n（10分）",
        "教师管理系统\n（30分）",
        "课程体系\n（10分）",
        "人才培育情况\n（30分）",
    ]
    assert [row[1] for row in body] == [
        "基础条件\n（30分）",
        "基础条件\n（30分）",
        "师资力量\n（40分）",
        "师资力量\n（40分）",
        "培训成效\n（30分）",
    ]
    assert [row[5] for row in body] == ["18", "9", "25", "8", "26"]
    assert table.rows[-1].cells[5].text == "86"
    assert "日常管理" not in "".join(row[2] for row in body)


def test_a_half_filled_application_names_every_empty_section() -> None:
    text = EXAMPLE.read_text("utf-8").split("\n管理运营团队:")[0]
    app = loads(text, source="申报.yaml")

    report = check(app)

    filled = report.condition("filled")
    assert filled.status == WARN
    for section in (
        "管理运营团队",
        "培训活动",
        "企业资质",
        "申报单位审核意见",
        "自评分",
        "佐证材料",
    ):
        assert section in filled.reason
    assert report.condition("qualifications").status == WARN
    assert "未填写企业资质" in report.condition("qualifications").reason
    assert report.condition("training_lecturers").status == WARN
    assert report.condition("activity_dates").status == WARN


def test_a_truncated_photo_fails_the_files_condition_as_the_bundle_would_refuse_it(
    tmp_path: Path,
) -> None:
    data = clean_data()
    data["佐证材料"][0]["文件"] = "佐证材料/执照照片.jpg"
    app = build(data, tmp_path)
    photo = tmp_path / "佐证材料" / "执照照片.jpg"
    buf = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buf, "JPEG", quality=90)
    photo.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])  # its header is whole

    full, quick = check(app), check(app, read_evidence=False)

    assert full.condition("evidence_files").status == FAIL
    assert "「营业执照副本扫描件」的 佐证材料/执照照片.jpg：图片不完整（文件被截断）" in (
        full.condition("evidence_files").reason
    )
    assert quick.condition("evidence_files").status == OK  # it exists and is not empty


def test_the_report_lists_the_evidence_only_when_it_reads_it(tmp_path: Path) -> None:
    app = build(clean_data(), tmp_path)

    full, quick = check(app), check(app, read_evidence=False)

    assert [(e.indicator, e.name) for e in full.evidence][:2] == [
        ("基本情况", "营业执照副本扫描件"),
        ("培训场地及环境", "培训场地及授课设备清单"),
    ]
    assert full.condition("evidence_files").reason == "12 个文件都能完整读出。"
    assert quick.evidence == []
