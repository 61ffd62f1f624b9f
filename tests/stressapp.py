"""A stress application: the example with 200 rows in every table and hostile text in them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

import jidi_docs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"

#: XML's special characters, an emoji, a ZWJ emoji sequence and a 150-letter word.
HOSTILE = "A&B <实践> \"引号\" '单引号' 🚀 👩‍💻 " + "Supercalifragilistic" * 7 + "x" * 10

#: The tables of 附件2 and the free-text columns that receive HOSTILE.
TABLES = {
    "管理运营团队": ("姓名", "部门", "岗位"),
    "讲师": ("姓名", "职称", "备注"),
    "培训活动": ("地点", "授课主题"),
    "对接调研活动": ("地点", "活动主题", "备注"),
    "品牌创新活动": ("特色创新活动内容", "社会影响力情况", "备注"),
    "企业荣誉": ("荣誉名称", "签发单位", "备注"),
    "企业资质": ("资质名称", "资质登记", "发证单位"),
}


def example_data() -> dict[str, Any]:
    """Return the example's data, every scalar as text (as a YAML editor shows it)."""
    return yaml.load(EXAMPLE.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def stress_data(rows: int = 200) -> dict[str, Any]:
    """Return the example's data with `rows` rows per table, each text cell ending in HOSTILE."""
    data = example_data()
    for key, columns in TABLES.items():
        sample = data[key]
        data[key] = []
        for i in range(rows):
            row = copy.deepcopy(sample[i % len(sample)])
            for column in columns:
                row[column] = f"{row.get(column, '')}{i + 1} {HOSTILE}"
            data[key].append(row)
    data["基本情况"]["单位简介"] += HOSTILE
    data["申报单位审核意见"] += HOSTILE
    return data


def stress_application(rows: int = 200) -> jidi_docs.Application:
    """Return the validated stress application; evidence paths resolve as the example's do."""
    return jidi_docs.validate(stress_data(rows), source=EXAMPLE)


def example_cover(path: Path, contents: list[Any]) -> Path:
    """The example's cover and contents (`contents`: ContentsLine items) written to `path`."""
    from jidi_docs.forms._cover import build_cover_docx

    return build_cover_docx(
        path,
        title="跨境电商人才社会培训基地认定\n申报材料",
        unit_name="杭州示例跨境电商职业培训学校有限公司",
        district="西湖区",
        contact="李四",
        phone="0571-87654321",
        date_text="2021年8月10日",
        contents=contents,
    )
