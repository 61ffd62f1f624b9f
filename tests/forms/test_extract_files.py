"""Test jidi_docs.forms._extract._files: which files extract refuses, by the table of evidence kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from jidi_docs import extract
from jidi_docs.errors import InputError
from jidi_docs.schema import EVIDENCE_KINDS
from pdfhelpers import make_jpeg, make_pdf

TAIL = "读不出表格内容。请找到填写申报表时用的 Word 文件"


@pytest.mark.parametrize(
    ("extension", "what"),
    [(ext, "图片" if k.is_image else k.label) for k in EVIDENCE_KINDS for ext in k.extensions]
    + [(".bmp", "图片"), (".ofd", "OFD 文件")],
)
def test_a_scan_or_pdf_passed_by_its_extension_is_refused_saying_what_it_is(
    tmp_path: Path, extension: str, what: str
) -> None:
    path = tmp_path / f"申报表{extension}"
    path.write_bytes(b"whatever is inside")

    with pytest.raises(InputError, match=f"：这是{what}，{TAIL}"):
        extract(path)


def test_a_pdf_saved_under_a_word_name_is_refused_by_its_content(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "申报表.docx", 1)

    with pytest.raises(InputError, match=f"申报表.docx：这是PDF，{TAIL}"):
        extract(path)


def test_a_photo_saved_under_a_word_name_is_refused_by_its_content(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "拍的申报表.docx", (40, 30))

    with pytest.raises(InputError, match=f"拍的申报表.docx：这是图片，{TAIL}"):
        extract(path)
