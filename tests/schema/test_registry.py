"""Test the registry of the forms' sections (schema/sections.yaml) and the models built from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

import jidi_docs
from jidi_docs.schema import Column, Section, load_registry, registry, sections
from jidi_docs.schema._derive import derived_models

REGISTRY_FILE = Path(jidi_docs.schema.__file__).with_name("sections.yaml")


@pytest.mark.parametrize("key", [s.key for s in sections()] + [""])
def test_each_model_class_is_exactly_what_the_registry_derives(key: str) -> None:
    derived = derived_models()[key]
    public = getattr(jidi_docs, derived.__name__)

    assert [(n, f.alias, f.is_required()) for n, f in public.model_fields.items()] == [
        (n, f.alias, f.is_required()) for n, f in derived.model_fields.items()
    ]
    assert public.model_json_schema(by_alias=True) == derived.model_json_schema(by_alias=True)


def test_sections_are_typed_objects_in_the_forms_order() -> None:
    found = sections()

    assert all(isinstance(s, Section) for s in found)
    assert all(isinstance(c, Column) for s in found for c in s.columns)
    assert [s.heading for s in found if s.heading] == [
        "一、基本情况",
        "二、管理运营团队",
        "三、专兼职讲师",
        "四、已开展的跨境电商培训活动",
        "五、已开展的企业人才对接和考察调研活动",
        "六、已开展的品牌建设和创新活动",
        "七、企业荣誉",
        "八、企业资质",
    ]
    lecturer = registry().section("讲师")
    assert (lecturer.workbook, lecturer.column("学历").name) == ("讲师.xlsx", "education")
    assert lecturer.column("学历").required
    assert lecturer.column("联系电话").description


def test_every_column_has_a_chinese_description_and_every_filled_column_an_example() -> None:
    reg = registry()
    for owner, column in reg.columns():
        assert column.description or column.type == "栏目", (owner, column.label)
        if column.type not in ("栏目", "自评分") and column.label != "备注":
            assert column.example is not None, (owner, column.label)


def test_the_registry_is_where_the_models_take_the_education_levels_and_default_batch() -> None:
    reg = registry()

    assert reg.education_levels == ("博士", "硕士", "本科", "大专", "中专", "高中及以下")
    assert jidi_docs.Application.model_fields["batch"].default == reg.default_batch
    with pytest.raises(ValidationError):
        jidi_docs.Lecturer.model_validate({"姓名": "钱七", "专兼职": "专职", "学历": "大学"})
    assert jidi_docs.Lecturer.model_validate({"姓名": "钱", "专兼职": "专职", "学历": "中专"})


def test_a_registry_with_a_repeated_label_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    lecturer = next(s for s in data["栏目"] if s["键"] == "讲师")
    lecturer["列"].append(dict(lecturer["列"][0], 名称="name2"))
    path = tmp_path / "sections.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(ValidationError, match="列名或名称重复"):
        load_registry(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["附件2"].update(多余=1), "附件2：不认识的键 多余"),
        (
            lambda d: d["计算项"][0].update(属性="Bad-Name"),
            "计算项“讲师数量” → 属性：应为 Python 属性名",
        ),
        (
            lambda d: d["栏目"][0]["表格"]["行"][0].update(格=["单位名字"]),
            "“单位名字”既不是基本情况的栏目",
        ),
        (lambda d: d["栏目"][0]["表格"]["行"][0].update(格=[1, 2, 3, 4]), "一行写一到三格"),
        (lambda d: d["汇总表"].append("讲师人数"), "“讲师人数”既不是基本情况的栏目，也不是计算项"),
        (lambda d: d["计算项"][0].update(核对="教师"), "核对的栏目“教师”不存在"),
    ],
    ids=["unknown-key", "attribute", "layout-name", "layout-cells", "summary", "checks"],
)
def test_a_registry_with_a_wrong_layout_or_listing_is_refused_saying_where(
    tmp_path: Path, edit: Any, message: str
) -> None:
    data = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "sections.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(ValidationError, match=message):
        load_registry(path)
