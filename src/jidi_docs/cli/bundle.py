"""``jidi-docs bundle``: the whole submission as one PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..input._load import load
from ..pipeline._bundle import bundle
from ._common import ForceOption, ProfileOption, app, handle_errors, out_console, print_app_warnings


@app.command("bundle")
@handle_errors
def bundle_cmd(
    file: Annotated[
        Path, typer.Argument(metavar="文件", help="申报 YAML 文件或申报文件夹", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="文件夹", help="输出文件夹")] = Path(
        "输出"
    ),
    profile: ProfileOption = None,
    allow_missing: Annotated[
        bool, typer.Option("--allow-missing", help="佐证材料文件缺失时仍然生成，目录中标“缺”")
    ] = False,
    allow_outside_paths: Annotated[
        bool,
        typer.Option("--allow-outside-paths", help="允许引用申报文件所在文件夹之外的佐证材料"),
    ] = False,
    force: ForceOption = False,
) -> None:
    """生成申报材料.pdf：封面、目录、申报表、评价表和全部佐证材料，可直接打印。

    例子：jidi-docs bundle 我的申报 -o 输出
    """
    application = load(file, profile=profile)
    print_app_warnings(application)
    path = bundle(
        application,
        out,
        allow_missing=allow_missing,
        allow_outside_paths=allow_outside_paths,
        force=force,
    )
    out_console.print(f"已生成 {path}", markup=False)
