"""Tests of jidi_docs.extract: a filled 申报表 (.docx) read back into the YAML contract."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jidi_docs
from jidi_docs import extract
from jidi_docs.errors import InputError
from jidi_docs.forms._extract import to_yaml, yaml_scalar
from jidi_docs.forms._render import render
from jidi_docs.input._yaml import parse_yaml
from jidi_docs.pipeline import extract_to_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"

#: Everything 附件2 holds; 认定批次, 自评分 and 佐证材料 are not on that form.
NOT_ON_FORM2 = {"batch", "scores", "evidence"}


def comparable(app: jidi_docs.Application) -> dict[str, Any]:
    """The application's data as the form shows it (单位简介's final line break is not kept)."""
    data = app.model_dump(exclude=NOT_ON_FORM2)
    if data["basic"]["intro"] is not None:
        data["basic"]["intro"] = data["basic"]["intro"].rstrip("\n") or None
    return data


def round_trip(app: jidi_docs.Application, out_dir: Path) -> jidi_docs.Application:
    form2 = render(app, out_dir)[1]
    extracted = extract(form2)
    assert extracted.notes == []
    return jidi_docs.loads(to_yaml(extracted), source="读回.yaml")


def test_round_trip_gives_back_the_contract_example(tmp_path: Path) -> None:
    app = jidi_docs.load(EXAMPLE)

    back = round_trip(app, tmp_path)

    assert comparable(back) == comparable(app)
    assert back.basic.credit_code == "91330106723456781M"
    assert [v.capacity for v in back.basic.venues] == [60, 45]
    assert back.basic.total_trainees == 3260
    assert back.lecturers[3].title == "运营总监"
    assert str(back.trainings[0].time) == "2020-07-06 ~ 2020-07-10"


# ---------------------------------------------------------------------------------------------
# Generated applications
# ---------------------------------------------------------------------------------------------

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

TRICKY = [
    "A & B <培训> \"引号\" '单引号'",
    "no",
    "9:30",
    "0571",
    "{{ 变量 }}",
    "{% if x %}",
    "# 不是注释",
    "- 以横线开头",
    "冒号: 在中间",
    "a, b, [c], {d}",
    "null",
    "~",
    "表情😀与符号©",
    "Yes",
    "1e3",
    "@某人 `代码`",
    "%百分号",
    "全角　空格",
]
CJK = "杭州跨境电商人才培训基地运营视觉设计海外营销直播实训平台服务企业对接调研品牌创新荣誉资质"
EDU = ["博士", "硕士", "本科", "大专", "中专", "高中及以下"]
DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区"]


def credit_code(rng: random.Random) -> str:
    body = "9133" + "".join(rng.choice(_CODE_CHARS) for _ in range(13))
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(body, _CODE_WEIGHTS, strict=True))
    return body + _CODE_CHARS[(31 - total % 31) % 31]


def text(rng: random.Random, *, tricky: bool = True) -> str:
    if tricky and rng.random() < 0.3:
        return rng.choice(TRICKY)
    return "".join(rng.choice(CJK) for _ in range(rng.randint(2, 14)))


def opt(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.6 else None


def day(rng: random.Random) -> str:
    return f"{rng.randint(2015, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def period(rng: random.Random) -> str:
    start = day(rng)
    if rng.random() < 0.5:
        return start
    y, m, d = (int(x) for x in start.split("-"))
    return f"{start} ~ {y}-{m:02d}-{min(d + rng.randint(1, 3), 28):02d}"


def number(rng: random.Random) -> str:
    return rng.choice([str(rng.randint(1, 500)), f"{rng.randint(1, 99)}.5"])


def phone(rng: random.Random) -> str:
    return rng.choice(
        [f"138{rng.randint(10000000, 99999999)}", f"0571-{rng.randint(20000000, 89999999)}"]
    )


def clean(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None}


def generated_application(seed: int) -> dict[str, Any]:
    """A valid application with tricky text, optional fields left out and lists of 0–6 rows."""
    rng = random.Random(seed)
    n = lambda hi=6: rng.randint(0, hi)
    lecturers = [
        clean(
            {
                "姓名": text(rng),
                "专兼职": rng.choice(["专职", "兼职"]),
                "职称": opt(rng, text(rng)),
                "学历": rng.choice(EDU),
                "研发平台": opt(rng, text(rng)),
                "联系电话": opt(rng, phone(rng)),
                "备注": opt(rng, text(rng) + rng.choice(["", "\n第二行"])),
            }
        )
        for _ in range(n())
    ]
    intro_lines = [text(rng) for _ in range(rng.randint(1, 3))]
    return {
        "基本情况": clean(
            {
                "单位名称": text(rng),
                "统一社会信用代码": opt(rng, credit_code(rng)),
                "注册地": text(rng),
                "所属区县": rng.choice(DISTRICTS),
                "法定代表人": text(rng),
                "注册时间": day(rng),
                "联系人": text(rng),
                "电话": phone(rng),
                "办公地址": text(rng),
                "办公面积": opt(rng, number(rng)),
                "总面积": number(rng),
                "培训场地": [
                    clean(
                        {
                            "地址": text(rng, tricky=False),
                            "面积": opt(rng, number(rng)),
                            "可容纳人数": str(rng.randint(10, 200)),
                        }
                    )
                    for _ in range(n(3))
                ],
                "涉及平台": list(dict.fromkeys(text(rng, tricky=False) for _ in range(n(5)))),
                "历年培训总人次": opt(rng, str(rng.randint(0, 9999))),
                "单位简介": opt(rng, "\n".join(intro_lines)),
            }
        ),
        "管理运营团队": [
            clean(
                {
                    "姓名": text(rng),
                    "职务": opt(rng, text(rng)),
                    "学历": opt(rng, rng.choice(EDU)),
                    "部门": opt(rng, text(rng)),
                    "岗位": opt(rng, text(rng)),
                }
            )
            for _ in range(n())
        ],
        "讲师": lecturers,
        "培训活动": [
            {
                "时间": period(rng),
                "地点": text(rng),
                "授课主题": text(rng),
                "讲师": "、".join(text(rng, tricky=False) for _ in range(rng.randint(1, 2))),
                "培训人次": str(rng.randint(0, 300)),
                "学时数": number(rng),
            }
            for _ in range(n())
        ],
        "对接调研活动": [
            clean(
                {
                    "时间": period(rng),
                    "地点": text(rng),
                    "活动主题": text(rng),
                    "参与人次": str(rng.randint(0, 500)),
                    "备注": opt(rng, text(rng)),
                }
            )
            for _ in range(n())
        ],
        "品牌创新活动": [
            clean(
                {
                    "时间": period(rng),
                    "特色创新活动内容": text(rng),
                    "社会影响力情况": opt(rng, text(rng)),
                    "备注": opt(rng, text(rng)),
                }
            )
            for _ in range(n(3))
        ],
        "企业荣誉": [
            clean(
                {
                    "荣誉名称": text(rng),
                    "签发单位": text(rng),
                    "时间": period(rng),
                    "备注": opt(rng, text(rng)),
                }
            )
            for _ in range(n(3))
        ],
        "企业资质": [
            clean(
                {
                    "资质名称": text(rng),
                    "资质登记": opt(rng, text(rng)),
                    "发证单位": text(rng),
                    "有效期": rng.choice(["长期", day(rng)]),
                }
            )
            for _ in range(n(3))
        ],
        **({"申报单位审核意见": text(rng) + "\n" + text(rng)} if rng.random() < 0.7 else {}),
        **({"综试办审核意见": text(rng) + "\n" + text(rng)} if rng.random() < 0.3 else {}),
    }


@pytest.mark.parametrize("seed", range(20))
def test_round_trip_gives_back_generated_applications(seed: int, tmp_path: Path) -> None:
    app = jidi_docs.validate(generated_application(seed))

    back = round_trip(app, tmp_path)

    assert comparable(back) == comparable(app)


def test_generated_applications_cover_empty_lists_and_tricky_text() -> None:
    apps = [generated_application(seed) for seed in range(20)]
    flat = repr(apps)

    assert any(a["讲师"] == [] for a in apps)
    assert any("综试办审核意见" in a for a in apps)
    assert any(len(a["培训活动"]) >= 5 for a in apps)
    assert sum(t in flat for t in TRICKY) >= 12


# ---------------------------------------------------------------------------------------------
# Hand-filled forms
# ---------------------------------------------------------------------------------------------


def _set(cell: Any, value: str) -> None:
    cell.text = value


def hand_filled(tmp_path: Path) -> Path:
    """附件2 as someone typed it in Word: loose dates, units, an unreadable 学历 and 场地."""
    form2 = render(jidi_docs.load(EXAMPLE), tmp_path)[1]
    d = docx.Document(str(form2))
    basic, _managers, lecturers, trainings = d.tables[:4]
    _set(basic.rows[0].cells[1], "杭州手填培训学校")
    _set(basic.rows[2].cells[4], "2015年6月18日")
    _set(basic.rows[4].cells[4], "1260平方米")
    _set(basic.rows[5].cells[1], "1号教室，面积150平方米，可容纳60人\n楼下大厅若干")
    _set(basic.rows[7].cells[4], "3（亚马逊、速卖通）")
    _set(lecturers.rows[1].cells[3], "高级电子商务师/本科")
    _set(lecturers.rows[2].cells[3], "讲师/研究生")
    _set(trainings.rows[1].cells[1], "2020.7.6-7.10")
    _set(trainings.rows[1].cells[5], "56人")
    out = tmp_path / "手填.docx"
    d.save(str(out))
    return out


def test_hand_typed_cells_are_read_in_their_loose_forms(tmp_path: Path) -> None:
    data = extract(hand_filled(tmp_path)).data

    basic = data["基本情况"]
    assert basic["单位名称"] == "杭州手填培训学校"
    assert "统一社会信用代码" not in basic
    assert basic["注册时间"] == "2015-06-18"
    assert basic["总面积"] == "1260"
    assert basic["培训场地"] == [{"地址": "1号教室", "面积": "150", "可容纳人数": "60"}]
    assert basic["涉及平台"] == ["亚马逊", "速卖通"]
    assert data["讲师"][0]["职称"] == "高级电子商务师"
    assert data["讲师"][0]["学历"] == "本科"
    assert data["培训活动"][0]["时间"] == "2020-07-06 ~ 2020-07-10"
    assert data["培训活动"][0]["培训人次"] == "56"


def test_unreadable_cells_become_commented_lines_with_a_note(tmp_path: Path) -> None:
    extracted = extract(hand_filled(tmp_path))

    text = to_yaml(extracted)

    assert "  # 培训场地: 楼下大厅若干    ← 未能读取：读不出“地址、面积、可容纳人数”" in text
    assert "    # 学历: 讲师/研究生    ← 未能读取：读不出学历" in text
    lecturer = parse_yaml(text).data["讲师"][1]
    assert lecturer == {
        "姓名": "孙八",
        "专兼职": "专职",
        "研发平台": "速卖通",
        "联系电话": "13800002222",
    }


def test_extracted_yaml_with_notes_still_parses_and_names_what_to_fill(tmp_path: Path) -> None:
    written = extract_to_file(hand_filled(tmp_path), tmp_path / "申报.yaml")
    path, extracted = written.path, written.extracted

    with pytest.raises(jidi_docs.ValidationFailed) as err:
        jidi_docs.load(path)

    assert [n.path for n in extracted.notes] == [
        ("基本情况", "培训场地"),
        ("基本情况", "涉及平台"),
        ("讲师", 1, "学历"),
    ]
    assert [i.field for i in err.value.issues] == ["讲师 → 第 2 项 → 学历"]
    assert err.value.issues[0].message == "是必填栏目，不能缺少。"


def test_extract_refuses_to_overwrite_an_existing_yaml(tmp_path: Path) -> None:
    form2 = render(jidi_docs.load(EXAMPLE), tmp_path)[1]
    target = tmp_path / "申报.yaml"
    target.write_text("已有内容\n", encoding="utf-8")

    with pytest.raises(InputError, match="文件已经存在"):
        extract_to_file(form2, target)

    assert target.read_text(encoding="utf-8") == "已有内容\n"


def test_a_document_that_is_not_a_form2_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "其他.docx"
    d = docx.Document()
    d.add_paragraph("会议纪要")
    d.add_table(rows=2, cols=2).cell(0, 0).text = "时间"
    d.save(str(other))

    with pytest.raises(InputError, match="看起来不是申报表"):
        extract(other)


def test_form1_is_not_mistaken_for_form2(tmp_path: Path) -> None:
    form1 = render(jidi_docs.load(EXAMPLE), tmp_path)[0]

    with pytest.raises(InputError, match="不是申报表"):
        extract(form1)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_yaml_scalar_reads_back_as_the_same_string(value: str) -> None:
    from jidi_docs.input._yaml import clean_text

    value, _ = clean_text(value)
    value = value.replace("\r", "")

    data = parse_yaml(f"k: {yaml_scalar(value)}\nl: [{yaml_scalar(value)}]\n").data

    assert data == {"k": value, "l": [value]}
