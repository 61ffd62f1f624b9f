"""Fill a folder made by ``jidi-docs init`` the way a user would (shared by several tests)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from jidi_docs.pipeline._scaffold import TABLE_FILES, YAML_FILE

BASIC = {
    "单位名称": "杭州新建跨境电商培训中心有限公司",
    "注册地": "杭州市滨江区江南大道 1 号",
    "所属区县": "滨江区",
    "法定代表人": "陈一",
    "注册时间": "2018-03-05",
    "联系人": "林二",
    "电话": "0571-88886666",
    "办公地址": "杭州市滨江区江南大道 1 号 5 楼",
    "办公面积": "80",
    "总面积": "600",
    "地址": "江南大道 1 号 5 楼教室",
    "可容纳人数": "40",
}

ROWS = {
    "讲师": [
        {"姓名": "钱七", "专兼职": "专职", "学历": "本科", "联系电话": 13800001111},
        {"姓名": "孙八", "专兼职": "兼职", "学历": "硕士", "职称": "讲师"},
    ],
    "管理运营团队": [{"姓名": "陈一", "职务": "总经理", "学历": "本科"}],
    "培训活动": [
        {
            "时间": "2021-03-22 ~ 2021-03-26",
            "地点": "5 楼教室",
            "授课主题": "亚马逊入门",
            "讲师": "钱七",
            "培训人次": 36,
            "学时数": 30,
        },
    ],
}


def fill_scaffold(folder: Path) -> None:
    """Fill a fresh folder the way a user would: blanks in the YAML, rows in the workbooks."""
    yaml_path = folder / YAML_FILE
    text = yaml_path.read_text(encoding="utf-8")
    for key, value in BASIC.items():
        text, n = re.subn(
            rf"^(\s*(?:- )?{key}:)\s*(#.*)?$",
            rf"\1 {value}   \2",
            text,
            count=1,
            flags=re.MULTILINE,
        )
        assert n == 1, key
    text = text.replace("  培训场地及环境:", "  培训场地及环境: 8")
    yaml_path.write_text(text, encoding="utf-8")
    for key, rows in ROWS.items():
        path = folder / TABLE_FILES[key]
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        headers = [c.value for c in ws[1]]
        for row in rows:
            ws.append([row.get(h) for h in headers])
        wb.save(path)
