"""``jidi-docs init`` (a new application folder) and ``jidi-docs extract`` (a filled 申报表 → YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..input import EVIDENCE_DIR, label
from ..pipeline import YAML_FILE, created_lines, init
from ._common import (
    ProfileOption,
    SofficeOption,
    app,
    bullet,
    err_console,
    handle_errors,
    out_console,
)


@app.command("init")
@handle_errors
def init_cmd(
    folder: Annotated[
        Path, typer.Argument(metavar="文件夹", help="新建的申报文件夹", show_default=False)
    ],
    profile: ProfileOption = None,
) -> None:
    """新建申报文件夹：申报.yaml（每一栏都有说明）、名单 Excel 表格和佐证材料文件夹。已有的文件不会被覆盖。

    例子：jidi-docs init 我的申报
    """
    result = init(folder, profile=profile)
    for line in created_lines(result):
        out_console.print(line, markup=False)
    yaml_path = folder / YAML_FILE
    out_console.print(
        f"\n下一步：打开 {yaml_path} 逐栏填写，名单填在同一文件夹的 Excel 表格里；"
        f"\n佐证材料（PDF、照片、扫描件）放进 {folder / EVIDENCE_DIR} 里对应评价指标的文件夹；"
        f"\n然后运行 jidi-docs check {folder} 检查还有哪些没有填写。",
        markup=False,
    )


@app.command("extract")
@handle_errors
def extract_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="文件",
            help="已填写的附件2《申报表》（.docx、.doc 或 .wps）",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="文件", help="写出的申报 YAML 文件，或已有的申报文件夹"
        ),
    ] = Path(YAML_FILE),
    force: Annotated[
        bool,
        typer.Option("--force", help="不合并，整个覆盖已有的 YAML 文件（原文件另存为备份）"),
    ] = False,
    soffice: SofficeOption = None,
) -> None:
    """从已填写的附件2《申报表》（Word）读出内容，写成申报 YAML。

    -o 指向已有的申报文件夹或申报.yaml 时，申报表中的内容合并进去：自评分、佐证材料和
    Excel 表格的链接保留，表格按申报表更新；改动前的文件都另存为备份。

    退出码：0 读完；3 申报表的某一栏没有找到（其余内容照样写出，请看提示）。

    例子：jidi-docs extract 去年的申报表.docx -o 我的申报/申报.yaml
    """
    # Imported here: reading a .docx (python-docx, lxml) is only needed by this command.
    from ..forms import summary_lines
    from ..pipeline import extract_to_file

    written = extract_to_file(file, out, overwrite=force, soffice=soffice)
    path, extracted = written.path, written.extracted
    out_console.print(f"已写入 {path}", markup=False)
    for line in written.lines:
        out_console.print(f"  {line}", markup=False)
    out_console.print("读取结果：", markup=False)
    for line in summary_lines(extracted):
        out_console.print(f"  {line}", markup=False)
    if extracted.notes:
        err_console.print(
            f"[yellow]提示：[/yellow]有 {len(extracted.notes)} 处内容未能读取，"
            f"已在 {path} 中以“← 未能读取”注释标出，请手工填写：",
            markup=True,
        )
        for note in extracted.notes:
            err_console.print(
                f"  {bullet(err_console.file)} {label(note.path)}：{note.text}（{note.reason}）",
                markup=False,
            )
    if not written.lines:  # a new YAML: 自评分 and 佐证材料 are still to fill in
        out_console.print(
            "申报表里没有自评分和佐证材料清单，请在 YAML 中补充；然后运行 jidi-docs check 检查。",
            markup=False,
        )
    if extracted.not_found:
        names = "、".join(s.title for s in extracted.not_found)
        err_console.print(
            f"[bold red]注意：[/bold red]没有找到 {names}；请对照申报表核对，在 YAML 中补上。",
            markup=True,
        )
        raise typer.Exit(code=3)
