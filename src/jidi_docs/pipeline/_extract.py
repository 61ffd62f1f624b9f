"""`extract` for a file of any Word format: .doc and .wps go through LibreOffice first.

The reading itself is `jidi_docs.forms._extract`; converting needs `jidi_docs.pdf`, a later
stage, so the two meet here.
"""

from __future__ import annotations

from pathlib import Path

from .. import _platform
from ..errors import InputError, Issue
from ..forms import CONVERTIBLE, Extracted
from ..forms import extract as _extract
from ..forms import extract_to_file as _extract_to_file
from ..pdf import SofficeConverter, is_available

__all__ = ["extract", "extract_to_file"]


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

    `soffice` names the LibreOffice program (see `jidi_docs.pdf._convert.find_soffice`).

    Raises:
        InputError: the file is missing, not a Word document, or not a 申报表.
        ConversionError: a .doc/.wps could not be converted (LibreOffice missing or failed).
    """
    if Path(path).suffix.lower() not in CONVERTIBLE:
        return _extract(path)
    with _converter(path, soffice) as converter:
        return _extract(path, converter=converter)


def extract_to_file(
    path: str | Path,
    out_path: str | Path,
    *,
    overwrite: bool = False,
    soffice: str | Path | None = None,
) -> tuple[Path, Extracted]:
    """Read the 申报表 at `path` (any Word format) and write its YAML to `out_path`.

    `soffice` names the LibreOffice program (see `jidi_docs.pdf._convert.find_soffice`).

    Raises:
        InputError: the document cannot be read, or `out_path` exists and `overwrite` is False.
        ConversionError: a .doc/.wps could not be converted.
    """
    if Path(path).suffix.lower() not in CONVERTIBLE:
        return _extract_to_file(path, out_path, overwrite=overwrite)
    with _converter(path, soffice) as converter:
        return _extract_to_file(path, out_path, overwrite=overwrite, converter=converter)
