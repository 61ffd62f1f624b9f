"""Test the jidi_docs.schema._kinds module: the one table of evidence kinds."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from jidi_docs.schema import (
    EVIDENCE_KINDS,
    HEAD_BYTES,
    accept_attribute,
    allowed_kinds_text,
    evidence_kind,
    kind_labels,
    sniff_kind,
)


def _image(fmt: str, **options: object) -> Callable[[], bytes]:
    def make() -> bytes:
        if fmt == "HEIF":
            from pillow_heif import register_heif_opener

            register_heif_opener()
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), "teal").save(buf, fmt, **options)
        return buf.getvalue()

    return make


def _pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


#: A real file of each kind, as the program that makes such files writes it.
MAKERS: dict[str, Callable[[], bytes]] = {
    "pdf": _pdf,
    "jpeg": _image("JPEG"),
    "png": _image("PNG"),
    "tiff": _image("TIFF"),
    "webp": _image("WEBP"),
    "heif": _image("HEIF"),
}


def test_every_kind_of_the_table_has_a_sample_here() -> None:
    assert sorted(k.key for k in EVIDENCE_KINDS) == sorted(MAKERS)


@pytest.mark.parametrize("key", sorted(MAKERS))
def test_a_real_file_of_each_kind_is_recognised_by_its_content(key: str) -> None:
    head = MAKERS[key]()[:HEAD_BYTES]

    kind = sniff_kind(head)

    assert kind is not None
    assert kind.key == key
    assert kind is evidence_kind(key)


def test_a_big_endian_tiff_and_junk_before_a_pdf_header_are_recognised() -> None:
    assert sniff_kind(b"MM\x00*\x00\x00\x00\x08") is evidence_kind("tiff")
    assert sniff_kind(b"\r\n" * 100 + b"%PDF-1.7\n") is evidence_kind("pdf")
    assert sniff_kind(b"x" * HEAD_BYTES + b"%PDF-1.7\n") is None


def test_a_jpeg_whose_metadata_mentions_a_pdf_header_stays_a_jpeg() -> None:
    assert sniff_kind(b"\xff\xd8\xff\xe1 exif says %PDF-1.4 here") is evidence_kind("jpeg")


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"PK\x03\x04word",
        b"GIF89a",
        b"BM\x00\x00",
        b"RIFF\x00\x00\x00\x00WAVE",
        b"\x00ftypavif",
    ],
    ids=["empty", "zip", "gif", "bmp", "wav", "avif"],
)
def test_files_of_other_kinds_are_not_recognised(head: bytes) -> None:
    assert sniff_kind(head) is None


def test_the_sentence_of_allowed_kinds_lists_the_table_in_order() -> None:
    assert (
        allowed_kinds_text() == "只接受 PDF 文件和 JPG、PNG、TIFF、WebP、HEIC 图片（扫描件、照片）"
    )
    assert kind_labels(images=False) == ["PDF"]


def test_the_accept_attribute_names_every_extension_and_media_type_and_the_camera() -> None:
    accepted = accept_attribute().split(",")

    for kind in EVIDENCE_KINDS:
        assert kind.mime in accepted
        assert set(kind.extensions) <= set(accepted)
    assert "image/*" in accepted
    assert len(accepted) == len(set(accepted))


def test_an_unknown_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        evidence_kind("bmp")
