"""The one public ``extract``: a filled 申报表 of any Word format read back into the YAML.

The reading itself is `jidi_docs.forms` (`read_form`); converting a .doc or .wps needs
`jidi_docs.pdf`, a later stage, so the two meet here. Writing the YAML, or merging it into an
application already there, is `extract_to_file` (`_extract_merge`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import _platform
from .._fs import backup_name, write_files
from ..errors import InputError, Issue
from ..forms import CONVERTIBLE, Extracted, read_form, to_yaml
from ..input import YamlDoc, parse_yaml, read_text
from ..pdf import SofficeConverter, is_available
from ._extract_merge import merge_into
from ._scaffold import YAML_FILE

__all__ = ["Written", "extract", "extract_to_file"]


def _converter(path: str | Path, soffice: str | Path | None) -> SofficeConverter:
    if soffice is None and not is_available():
        raise InputError(
            Issue(
                str(path),
                None,
                None,
                "",
                f"读取 {Path(path).suffix} 文件要先用 LibreOffice 把它转换成 .docx，但没有找到 "
                f"LibreOffice。请安装（{_platform.install_hint()}），或在 Word、WPS 中另存为 .docx 后再试。",
            )
        )
    return SofficeConverter(soffice=None if soffice is None else str(soffice))


def extract(path: str | Path, *, soffice: str | Path | None = None) -> Extracted:
    """Return the data of the filled 申报表 at `path` (.docx, or .doc/.wps via LibreOffice).

    The text read is what Word shows (tracked changes accepted, hidden text left out); every
    cell whose text could not be read is a note, and the summary says how each section was read
    and how many tracked changes were not yet accepted (`jidi_docs.forms.summary_lines`).
    `soffice` names the LibreOffice program for a .doc or .wps (see `jidi_docs.pdf.find_soffice`).

    Raises:
        InputError: the file is missing, not a Word document, or not a 申报表.
        ConversionError: a .doc/.wps could not be converted (LibreOffice missing or failed).
    """
    if Path(path).suffix.lower() not in CONVERTIBLE:
        return read_form(path)
    with _converter(path, soffice) as converter:
        return read_form(path, converter=converter)


@dataclass
class Written:
    """What `extract_to_file` did: the YAML written, the data read, and — when the YAML merged
    into an application already there — what was replaced, kept and backed up (in Chinese)."""

    path: Path
    extracted: Extracted
    lines: list[str] = field(default_factory=list)


def extract_to_file(
    path: str | Path,
    out_path: str | Path,
    *,
    overwrite: bool = False,
    soffice: str | Path | None = None,
) -> Written:
    """Read the 申报表 at `path` (any Word format) and write its YAML to `out_path`.

    `out_path` may be a folder (the YAML is its ``申报.yaml``). When the YAML is already there
    and holds an application, the form's values are merged into it (`_extract_merge`): 自评分,
    佐证材料 and the links to workbooks stay, the linked workbooks get the form's rows, and the
    old files are kept under backup names — also a YAML an earlier ``extract`` wrote: it may
    hold 自评分 typed in since, or values an earlier merge kept. `overwrite` replaces the YAML
    whole instead of merging (the old file is kept under a backup name too). `soffice` names the
    LibreOffice program.

    Raises:
        InputError: the document cannot be read; the YAML there is not one that can be merged
            into (and `overwrite` is False); a linked workbook cannot be read.
        ConversionError: a .doc/.wps could not be converted.
        OutputError: a file cannot be written (nothing is then changed).
    """
    out = Path(out_path)
    if out.is_dir():
        out = out / YAML_FILE
    extracted = extract(path, soffice=soffice)
    if not out.exists():
        write_files({out: to_yaml(extracted).encode("utf-8")})
        return Written(out, extracted)
    if overwrite:
        backup = backup_name(out)
        write_files({out: to_yaml(extracted).encode("utf-8")}, force=True, keep={out: backup})
        return Written(out, extracted, [f"已整个覆盖 {out.name}，原来的文件另存为 {backup.name}"])
    merge = merge_into(out, _application(out), extracted)
    files: dict[Path, bytes | Path] = {out: merge.text.encode("utf-8"), **merge.files}
    write_files(files, force=True, keep=merge.keep)
    return Written(out, extracted, merge.lines)


def _application(out: Path) -> YamlDoc:
    """The application already in `out`, or a Chinese error saying why it cannot be merged into."""
    refuse = (
        "所以没有把申报表合并进去，也没有改动它。请换一个文件名（-o），"
        "或加 --force 整个覆盖（原文件会另存为备份）。"
    )
    try:
        doc = parse_yaml(read_text(out), str(out))
    except InputError as e:
        at = f"第 {e.issue.line} 行" if e.issue.line else ""
        message = f"文件已经存在，但读不成申报 YAML（{at}{e.issue.message}），{refuse}"
        raise InputError(Issue(str(out), None, None, "", message)) from e
    if not isinstance(doc.data, dict):
        message = f"文件已经存在，但里面不是申报内容，{refuse}"
        raise InputError(Issue(str(out), None, None, "", message))
    return doc
