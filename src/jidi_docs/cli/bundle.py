"""``jidi-docs bundle``: the whole submission as one PDF."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._ahead import AHEAD, early_converter
from ._common import (
    CoverDateOption,
    ForceOption,
    FromYamlOption,
    ImageDpiOption,
    ImageQualityOption,
    MaxSizeOption,
    OnePerPageOption,
    ProfileOption,
    SofficeOption,
    app,
    handle_errors,
    image_options,
    print_app_warnings,
)

if TYPE_CHECKING:
    from ..pdf import SofficeConverter


def _converter(ctx: typer.Context, soffice: Path | None, pdfa: bool) -> SofficeConverter | None:
    """The converter started ahead (`jidi_docs.cli._ahead.start_ahead`) if it is for `soffice`,
    else a new one."""
    ahead: tuple[Path | None, SofficeConverter | None] = (ctx.obj or {}).pop(AHEAD, (None, None))
    option, converter = ahead
    if converter is not None and option == soffice:
        converter.pdfa = pdfa
        return converter
    if converter is not None:
        converter.close()
    return early_converter(soffice, pdfa)


@app.command("bundle")
@handle_errors
def bundle_cmd(
    ctx: typer.Context,
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
    date: CoverDateOption = None,
    pdfa: Annotated[
        bool,
        typer.Option("--pdfa", help="生成 PDF/A-2b 归档格式（报送平台常要求；需要 Ghostscript）"),
    ] = False,
    from_yaml: FromYamlOption = False,
    image_dpi: ImageDpiOption = 200,
    image_quality: ImageQualityOption = 85,
    one_per_page: OnePerPageOption = False,
    max_size: MaxSizeOption = 50,
    force: ForceOption = False,
    soffice: SofficeOption = None,
) -> None:
    """生成 <单位名称>-申报材料.pdf：封面、目录、申报表、评价表和全部佐证材料，可直接打印。

    输出文件夹里的申报表、评价表在生成后用 Word 改过时，申报材料用改过的那一份（会提示）；
    加 --from-yaml 则按申报 YAML 重新生成（改过的那一份另存为备份）。

    照片和扫描件按打印所需的分辨率（默认 200 dpi）缩小后放入，两张横向照片排在同一页；
    PDF 扫描件原样放入。申报材料超过 --max-size（默认 50 MB）时会提示。

    例子：jidi-docs bundle 我的申报 -o 输出
    """
    images = image_options(image_dpi, image_quality, one_per_page)
    converter = _converter(ctx, soffice, pdfa)
    with converter if converter is not None else contextlib.nullcontext():
        # Imported after LibreOffice was started: it starts while these load.
        from ..input import load
        from ..pipeline import bundle

        application = load(file, profile=profile)
        print_app_warnings(application)
        path = bundle(
            application,
            out,
            converter=converter,
            allow_missing=allow_missing,
            allow_outside_paths=allow_outside_paths,
            date=date,
            pdfa=pdfa,
            force=force,
            soffice=soffice,
            from_yaml=from_yaml,
            images=images,
            max_mb=max_size or None,
        )
    typer.echo(f"已生成 {path}")
