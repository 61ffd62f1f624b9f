"""Open the file to read: a .docx directly, a .doc or .wps after converting it to .docx.

Converting needs LibreOffice, which lives in a later stage (`jidi_docs.pdf`); the caller passes
a converter (anything with ``to_docx(path, out_dir) -> Path``), so this module never imports it.
`read_form` is the building block of the one public ``extract`` (`jidi_docs.pipeline`), which
finds LibreOffice and writes or merges the YAML.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Protocol

import docx

from ...errors import InputError, Issue
from ...schema import HEAD_BYTES, EvidenceKind, kind_of_name, sniff_kind
from ._read import extract_document
from ._result import Extracted

__all__ = ["CONVERTIBLE", "ToDocx", "read_form"]

#: Word formats read after LibreOffice converts them to .docx.
CONVERTIBLE = {".doc", ".wps", ".rtf", ".odt", ".docm", ".dot", ".dotx", ".wpt"}
#: Files that are no Word document, besides the evidence kinds (`jidi_docs.schema`).
_OTHER_NOT_WORD = {".bmp": "图片", ".gif": "图片", ".ofd": "OFD 文件"}


class ToDocx(Protocol):
    """Something that converts a Word 97–2003 / WPS document to .docx (LibreOffice)."""

    def to_docx(self, doc: Path, out_dir: Path) -> Path:
        """Return the .docx converted from `doc`, written into `out_dir`."""
        ...


def _issue(path: Path, message: str) -> InputError:
    return InputError(Issue(str(path), None, None, "", message))


def read_form(path: str | Path, *, converter: ToDocx | None = None) -> Extracted:
    """Return the data of the filled 申报表 at `path` (.docx; .doc/.wps with a `converter`).

    Call `jidi_docs.extract`, which finds LibreOffice for a .doc or .wps itself.

    Raises:
        InputError: the file is missing, not a Word document, cannot be converted or opened, or
            is not a 申报表.
    """
    path = Path(path)
    if not path.is_file():
        raise _issue(path, "文件不存在，请检查路径和文件名。")
    suffix = path.suffix.lower()
    what = _not_word(path)
    if what:
        raise _issue(
            path,
            f"这是{what}，读不出表格内容。请找到填写申报表时用的 Word 文件"
            "（.docx、.doc 或 .wps）再试；没有的话，可以用 jidi-docs init 新建申报文件夹重新填写。",
        )
    if suffix in CONVERTIBLE:
        if converter is None:
            raise _issue(
                path,
                f"这是 {suffix} 文件，需要先用 LibreOffice 转换成 .docx；"
                "请用 jidi-docs extract 命令读取，或在 Word、WPS 中另存为 .docx 后再试。",
            )
        with tempfile.TemporaryDirectory(prefix="jidi-extract-") as tmp:
            converted = converter.to_docx(path, Path(tmp))
            return _read(converted, source=str(path))
    return _read(path, source=str(path))


def _what(kind: EvidenceKind) -> str:
    return "图片" if kind.is_image else kind.label


def _not_word(path: Path) -> str | None:
    """Return what `path` is when it is a scan, a PDF or another non-Word file, else None.

    Judged by the extension first, then by the content (a scan saved as ``申报表.docx``).
    """
    suffix = path.suffix.lower()
    named = kind_of_name(path.name)
    if named is not None:
        return _what(named)
    if suffix in _OTHER_NOT_WORD:
        return _OTHER_NOT_WORD[suffix]
    try:
        with path.open("rb") as f:
            sniffed = sniff_kind(f.read(HEAD_BYTES))
    except OSError:
        return None  # python-docx says why it cannot be opened
    return _what(sniffed) if sniffed else None


def _read(path: Path, *, source: str) -> Extracted:
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for non-.docx input
        raise _issue(Path(source), f"无法作为 Word（.docx）文档打开：{exc}。") from exc
    return extract_document(document, source=source)
