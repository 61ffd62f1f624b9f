"""``jidi-docs render`` and ``jidi-docs schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .._fs import atomic_write
from ._common import ForceOption, ProfileOption, app, handle_errors, print_app_warnings

__all__ = ["ProfileOption"]  # kept importable from here for scripts written against it


@app.command("render")
@handle_errors
def render_cmd(
    file: Annotated[
        Path, typer.Argument(metavar="文件", help="申报 YAML 文件或申报文件夹", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="文件夹", help="输出文件夹")] = Path(
        "输出"
    ),
    profile: ProfileOption = None,
    force: ForceOption = False,
) -> None:
    """填写附件1《评价表》和附件2《申报表》（Word 文档）。

    例子：jidi-docs render 我的申报 -o 输出
    """
    from ..forms import render
    from ..input import load

    application = load(file, profile=profile)
    print_app_warnings(application)
    for path in render(application, out, force=force):
        typer.echo(f"已生成 {path}")


@app.command("schema")
@handle_errors
def schema_cmd(
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", "-o", metavar="文件", help="写入文件；不写则输出到屏幕"),
    ] = None,
    profile: ProfileOption = None,
    force: ForceOption = False,
) -> None:
    """输出申报 YAML 的 JSON Schema，供 VS Code 等编辑器自动补全和检查。

    例子：jidi-docs schema -o 申报.schema.json
    """
    from ..input import json_schema

    text = json.dumps(json_schema(profile), ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
    else:
        with atomic_write(out, force=force) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"已写入 {out}")
