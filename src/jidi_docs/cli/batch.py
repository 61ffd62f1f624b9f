"""``jidi-docs batch``: build a folder of applications in parallel, with the 汇总表."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..errors import BatchInterrupted
from ..pipeline import BatchResult, ProgressEvent, batch
from ._common import (
    CoverDateOption,
    FromYamlOption,
    ImageDpiOption,
    ImageQualityOption,
    MaxSizeOption,
    OnePerPageOption,
    ProfileOption,
    SofficeOption,
    app,
    bullet,
    err_console,
    exit_with,
    handle_errors,
    image_options,
    out_console,
    stdout_is_terminal,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_STATUS = {
    "built": "已生成",
    "skipped": "未变化，跳过",
    "failed": "失败",
    "left_out": "未生成（副本或重复）",
    "unfinished": "未完成",
}


def _line(event: ProgressEvent) -> str:
    """``[3/20] 已生成：甲/申报.yaml（预审：不符合 2）``: what happened, and how the 预审 went."""
    item = event.item
    row = item.row
    notes = []
    if row is not None and row.review_text:
        notes.append(f"预审：{row.review_text}")
    if row is not None and row.kept_forms:
        notes.append("用的是手工修改的表格")
    shown = f"（{'，'.join(notes)}）" if notes else ""
    return f"[{event.done}/{event.total}] {_STATUS[item.status]}：{item.display}{shown}"


@contextlib.contextmanager
def _reporter(terminal: bool) -> Iterator[Callable[[ProgressEvent], None]]:
    """Yield a progress callback: one line per application (above a rich bar on a terminal)."""
    if not terminal:

        def line(event: ProgressEvent) -> None:
            out_console.print(_line(event), markup=False)

        yield line
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=out_console, transient=True) as bar:
        task = bar.add_task("正在检查申报文件…", total=None)

        def update(event: ProgressEvent) -> None:
            bar.console.print(_line(event), markup=False)
            bar.update(
                task, total=event.total, completed=event.done, description=event.item.display
            )

        yield update


def _report(result: BatchResult) -> None:
    built, skipped, failed = len(result.built), len(result.skipped), len(result.failed)
    left = len(result.left_out)
    also = f"，副本或重复未生成 {left} 份" if left else ""
    out_console.print(
        f"完成：共 {len(result.items)} 份申报，生成 {built} 份，未变化跳过 {skipped} 份，"
        f"失败 {failed} 份{also}。",
        markup=False,
    )
    if result.left_out:
        err_console.print("[yellow]以下文件没有生成：[/yellow]", markup=True)
        for item in result.left_out:
            err_console.print(
                f"  {bullet(err_console.file)} {item.display}：{item.reason}", markup=False
            )
    if result.hidden:
        err_console.print(
            f"[yellow]提示：[/yellow]跳过了隐藏文件或文件夹（名称以“.”开头）里的 "
            f"{len(result.hidden)} 个 YAML 文件：{'、'.join(result.hidden)}",
            markup=True,
        )
    # A note several applications share (the cover date after the deadline …) is said once.
    shared: dict[str, list[str]] = {}
    for item in result.items:
        for note in item.warnings:
            shared.setdefault(note, []).append(item.display)
    for note, displays in shared.items():
        who = displays[0] if len(displays) == 1 else f"{len(displays)} 份申报"
        err_console.print(f"[yellow]提示：[/yellow]{who}：{note}", markup=True)
    if result.failed:
        err_console.print("[bold red]以下申报未能生成：[/bold red]", markup=True)
        for item in result.failed:
            err_console.print(f"  {bullet(err_console.file)} {item.display}：", markup=False)
            for text in item.error.splitlines():
                err_console.print(f"      {text}", markup=False)
    if result.summary is not None:
        out_console.print(
            f"汇总表：{result.summary[0]}（另有 {result.summary[1].name}）", markup=False
        )


@app.command("batch")
@handle_errors
def batch_cmd(
    folders: Annotated[
        list[Path],
        typer.Argument(
            metavar="文件夹",
            help="申报文件夹（递归查找 *.yaml、*.yml）或申报 YAML 文件",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="文件夹", help="输出文件夹")] = Path(
        "输出"
    ),
    jobs: Annotated[
        Optional[int],  # noqa: UP045  (Typer needs Optional on Python 3.10)
        typer.Option("--jobs", "-j", min=1, metavar="数量", help="并行进程数，默认为 CPU 核数"),
    ] = None,
    no_pdf: Annotated[
        bool, typer.Option("--no-pdf", help="只生成评价表和申报表，不生成申报材料 PDF")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="全部重新生成，即使输入没有变化；也覆盖不是 jidi-docs 生成的同名文件"
        ),
    ] = False,
    allow_missing: Annotated[
        bool, typer.Option("--allow-missing", help="佐证材料文件缺失时仍生成，目录中标注“缺”")
    ] = False,
    allow_outside_paths: Annotated[
        bool, typer.Option("--allow-outside-paths", help="允许佐证材料位于申报文件所在文件夹之外")
    ] = False,
    pdfa: Annotated[
        bool,
        typer.Option(
            "--pdfa", help="申报材料生成 PDF/A-2b 归档格式（报送平台常要求；需要 Ghostscript）"
        ),
    ] = False,
    date: CoverDateOption = None,
    from_yaml: FromYamlOption = False,
    image_dpi: ImageDpiOption = 200,
    image_quality: ImageQualityOption = 85,
    one_per_page: OnePerPageOption = False,
    max_size: MaxSizeOption = 50,
    profile: ProfileOption = None,
    soffice: SofficeOption = None,
) -> None:
    """批量生成：一个文件夹中的全部申报，每个单位一个输出文件夹，另附汇总表。

    输出文件夹里的申报表、评价表在生成后用 Word 改过时，申报材料用改过的那一份
    （会提示，汇总表“备注”栏注明）；加 --from-yaml 则按申报 YAML 重新生成。

    退出码：0 全部成功；3 部分失败（已列出）；1 全部失败或无法开始。

    例子：jidi-docs batch 各单位申报 -o 输出 -j 2
    """
    images = image_options(image_dpi, image_quality, one_per_page)
    try:
        with _reporter(stdout_is_terminal()) as progress:
            result = batch(
                folders,
                out,
                jobs=jobs,
                pdf=not no_pdf,
                force=force,
                progress=progress,
                profile=profile,
                allow_missing=allow_missing,
                allow_outside_paths=allow_outside_paths,
                soffice=soffice,
                pdfa=pdfa,
                from_yaml=from_yaml,
                images=images,
                max_mb=max_size or None,
                date=date,
            )
    except BatchInterrupted as stopped:
        _report(stopped.result)
        done = len(stopped.result.items) - len(stopped.result.unfinished)
        err_console.print(
            f"已中断：已完成 {done} 份，未完成 {len(stopped.result.unfinished)} 份"
            "（汇总表中标为“未完成”；再次运行同一命令会接着生成，已完成的不再重做）。",
            markup=False,
        )
        raise typer.Exit(130) from None
    _report(result)
    exit_with(result.exit_code)
