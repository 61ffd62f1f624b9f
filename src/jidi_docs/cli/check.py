"""``jidi-docs check``: validate an application and show its derived figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..context import fmt_number
from ..load import load
from ._common import app, handle_errors, out_console, print_app_warnings
from .forms import ProfileOption


@app.command("check")
@handle_errors
def check_cmd(
    file: Annotated[Path, typer.Argument(help="申报 YAML 文件", show_default=False)],
    profile: ProfileOption = None,
) -> None:
    """检查申报 YAML 是否填写正确，并显示程序计算的数字。"""
    a = load(file, profile=profile)
    print_app_warnings(a)
    ratio = a.bachelor_ratio
    rows = [
        ("讲师数量", str(a.lecturer_count)),
        ("具有大学本科及以上学历讲师数量", str(a.bachelor_count)),
        ("占比（%）", fmt_number(ratio) if ratio is not None else "—"),
        ("管理人员数量", str(a.manager_count)),
        ("涉及平台数量", str(a.platform_count)),
        *((f"{name}小计", fmt_number(v)) for name, v in a.category_subtotals.items()),
        ("总分", fmt_number(a.total_score)),
    ]
    out_console.print(f"{file}：填写正确。", markup=False)
    for name, value in rows:
        out_console.print(f"  {name}：{value}", markup=False)
