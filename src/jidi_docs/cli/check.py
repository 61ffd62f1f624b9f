"""``jidi-docs check``: validate an application, then 预审 it against its 认定批次.

Exit codes: 0 valid and no condition 不符合 (需注意 alone still 0) · 1 invalid input · 3 valid but
some condition 不符合.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import _platform
from ..errors import InputError, UserError, ValidationFailed
from ..forms import fmt_number
from ..input import application_file, load
from ..review import REPORT_SUFFIXES, check, to_text, write_report
from ._common import (
    ForceOption,
    ProfileOption,
    app,
    exit_with,
    handle_errors,
    print_app_warnings,
)

#: Exit code when the input is valid but some condition is 不符合.
EXIT_NOT_MET = 3


def _report_path(value: Optional[Path]) -> Optional[Path]:  # noqa: UP045
    if value is not None and value.suffix.lower() not in REPORT_SUFFIXES:
        raise typer.BadParameter("报告文件的扩展名只能是 .md（Markdown）或 .html（网页）。")
    return value


def _error_json(error: UserError) -> str:
    """The JSON printed for scripts when the input is invalid (the Chinese message goes to stderr)."""
    issues = error.issues if isinstance(error, (ValidationFailed, InputError)) else []
    payload = {
        "valid": False,
        "message": str(error).splitlines()[0],
        "issues": [
            {
                "file": i.file,
                "line": i.line,
                "column": i.column,
                "field": i.field,
                "message": i.message,
            }
            for i in issues
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


@app.command("check")
@handle_errors
def check_cmd(
    file: Annotated[
        Path, typer.Argument(metavar="文件", help="申报 YAML 文件或申报文件夹", show_default=False)
    ],
    profile: ProfileOption = None,
    report: Annotated[
        Optional[Path],  # noqa: UP045  (Typer needs Optional on Python 3.10)
        typer.Option(
            "--report",
            "-r",
            metavar="文件",
            help="把预审报告写入文件：.md（Markdown）或 .html（网页）",
            callback=_report_path,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="以 JSON 输出预审结果（供脚本使用）")
    ] = False,
    force: ForceOption = False,
) -> None:
    """检查申报 YAML 是否填写正确，并对照认定条件和评价表预审。

    退出码：0 填写正确且没有不符合的条件（只有“需注意”也算通过）；1 填写有误；
    3 填写正确但有条件不符合。

    例子：jidi-docs check 我的申报
    """
    try:
        application = load(file, profile=profile)
    except UserError as error:
        if as_json:
            typer.echo(_error_json(error))
        elif isinstance(error, ValidationFailed):  # blanks of a fresh `init` folder: one line
            from ..pipeline import summarize_unfilled

            raise summarize_unfilled(error, application_file(file)) from None
        raise
    print_app_warnings(application)
    result = check(application)

    if as_json:
        payload = {"valid": True, **result.model_dump(mode="json")}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        # Plain lines, no rich: the 预审 reads the same on every console (a Chinese Windows
        # console draws box characters two cells wide), and `check` ends ~50 ms sooner.
        lines = [f"{file}：填写正确。"]
        for name, value in result.figures.items():
            lines.append(f"  {name}：{fmt_number(value) if value is not None else '—'}")
        lines += [f"  {c.name}小计：{fmt_number(c.subtotal)}" for c in result.categories]
        lines += [f"  总分：{fmt_number(result.total_score)}", ""]
        plain = not _platform.can_show("✔⚠✘", sys.stdout)
        width = shutil.get_terminal_size().columns
        lines += [to_text(result, plain_marks=plain, width=width), "", result.summary]
        typer.echo("\n".join(lines))

    if report is not None:
        written = write_report(result, report, force=force)
        # stdout stays pure JSON for scripts; the note goes to stderr then.
        typer.echo(f"已写入预审报告 {written}", err=as_json)

    exit_with(0 if result.passed else EXIT_NOT_MET)
