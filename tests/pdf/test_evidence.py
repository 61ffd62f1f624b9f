"""Test the jidi_docs.evidence module: kinds by content, damaged files, images on A4, path safety."""

from __future__ import annotations

import io
import logging

import docx
import pikepdf
import pytest
from PIL import Image

from jidi_docs.errors import EvidenceError
from jidi_docs.pdf._evidence import load_evidence, resolve_evidence_path
from jidi_docs.schema import sniff_kind
from pdfhelpers import (
    make_alpha_png,
    make_encrypted_pdf,
    make_jpeg,
    make_pdf,
    make_png_header,
    make_zero_page_pdf,
)

A4 = (595.28, 841.89)
MARGIN = 15 * 72 / 25.4


def image_placement(ev):
    """Return (MediaBox, image rectangle [x0, y0, x1, y1], filter, width, height, raw data) of a one-image page."""
    with ev.open() as pdf:
        page = pdf.pages[0]
        xobj = next(iter(page.Resources.XObject.values()))
        ops = pikepdf.parse_content_stream(page)
        cm = next(operands for operands, op in ops if str(op) == "cm")
        a, _, _, d, e, f = (float(v) for v in cm)
        box = [float(v) for v in page.MediaBox]
        return (
            box,
            [e, f, e + a, f + d],
            xobj.Filter,
            int(xobj.Width),
            int(xobj.Height),
            xobj.read_raw_bytes(),
        )


def test_pdf_is_accepted_with_its_page_count(tmp_path):
    path = make_pdf(tmp_path / "执照.pdf", 3)

    ev = load_evidence(path, entry="营业执照")

    assert (ev.kind, ev.page_count, ev.repaired) == ("pdf", 3, False)
    with ev.open() as pdf:
        assert len(pdf.pages) == 3


def test_pdf_with_empty_user_password_opens(tmp_path):
    path = make_encrypted_pdf(tmp_path / "加密.pdf", user_password="")

    ev = load_evidence(path, entry="租赁合同")

    assert ev.page_count == 2
    with ev.open() as pdf:
        assert pdf.is_encrypted
        assert len(pdf.pages) == 2


def test_pdf_needing_a_password_is_refused(tmp_path):
    path = make_encrypted_pdf(tmp_path / "加密.pdf", user_password="secret")

    with pytest.raises(
        EvidenceError,
        match=r"^佐证材料「租赁合同」的文件 .*加密\.pdf：PDF 已加密，需要密码才能打开。",
    ) as info:
        load_evidence(path, entry="租赁合同")

    assert info.value.entry == "租赁合同"
    assert info.value.path == path


def test_truncated_pdf_is_repaired_with_a_chinese_warning(tmp_path, caplog):
    whole = make_pdf(tmp_path / "whole.pdf", 4).read_bytes()
    cut = whole[: whole.rindex(b"xref")]  # the cross-reference table and trailer are gone
    path = tmp_path / "截断.pdf"
    path.write_bytes(cut)
    caplog.set_level(logging.WARNING, logger="jidi_docs.pdf._evidence")

    ev = load_evidence(path, entry="培训活动")

    assert ev.page_count == 4
    assert ev.repaired
    assert [r.getMessage() for r in caplog.records] == [
        f"佐证材料「培训活动」的文件 {path}：PDF 有损坏，已尽量修复并读出 4 页，请核对页面是否完整。"
    ]


def test_unreadable_pdf_is_refused(tmp_path):
    path = tmp_path / "坏.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)

    with pytest.raises(EvidenceError, match=r"PDF (已损坏，无法读取|中没有任何页面)"):
        load_evidence(path, entry="坏文件")


def test_zero_page_pdf_is_refused(tmp_path):
    path = make_zero_page_pdf(tmp_path / "空.pdf")

    with pytest.raises(EvidenceError, match=r"：PDF 中没有任何页面。请重新导出该文件。$"):
        load_evidence(path, entry="空文件")


def test_docx_renamed_pdf_is_refused_naming_allowed_kinds(tmp_path):
    path = tmp_path / "合同.pdf"
    docx.Document().save(path)

    with pytest.raises(
        EvidenceError,
        match=r"^佐证材料「合同」的文件 .*合同\.pdf：文件类型不符合要求：它实际上是 Word/Excel 文档或压缩包（按文件内容判断，与扩展名无关）。只接受 PDF 文件和 JPG、PNG、TIFF、WebP、HEIC 图片（扫描件、照片）",
    ):
        load_evidence(path, entry="合同")


def test_text_renamed_pdf_is_refused(tmp_path):
    path = tmp_path / "说明.pdf"
    path.write_text("这不是 PDF", encoding="utf-8")

    with pytest.raises(EvidenceError, match=r"文件类型不符合要求：它的内容不是 PDF 或图片"):
        load_evidence(path, entry="说明")


def test_empty_and_missing_files_are_refused(tmp_path):
    (tmp_path / "空.pdf").write_bytes(b"")

    with pytest.raises(EvidenceError, match=r"文件是空的（0 字节）"):
        load_evidence(tmp_path / "空.pdf", entry="甲")
    with pytest.raises(EvidenceError, match=r"文件不存在。"):
        load_evidence(tmp_path / "无.pdf", entry="乙")


def test_kind_is_judged_by_content_not_extension(tmp_path):
    path = make_jpeg(tmp_path / "照片.pdf", (400, 300))

    ev = load_evidence(path, entry="教室照片")

    assert ev.kind == "jpeg"
    assert sniff_kind(b"junk\n%PDF-1.4").key == "pdf"


def test_plain_jpeg_is_embedded_without_reencoding_inside_a4_margins(tmp_path):
    path = make_jpeg(tmp_path / "照片.jpg", (1600, 1200))

    ev = load_evidence(path, entry="教室照片")

    box, rect, filt, w, h, raw = image_placement(ev)
    assert box == pytest.approx([0, 0, *A4], abs=0.01)
    assert (filt, w, h) == (pikepdf.Name.DCTDecode, 1600, 1200)
    assert raw == path.read_bytes()
    assert rect[0] == pytest.approx(MARGIN, abs=0.01)
    assert rect[2] == pytest.approx(A4[0] - MARGIN, abs=0.01)
    assert rect[1] >= MARGIN - 0.01
    assert rect[3] <= A4[1] - MARGIN + 0.01


@pytest.mark.parametrize(
    ("orientation", "expected_size"), [(6, (300, 400)), (8, (300, 400)), (3, (400, 300))]
)
def test_exif_orientation_is_applied_to_the_pixels(tmp_path, orientation, expected_size):
    path = make_jpeg(tmp_path / "旋转.jpg", (400, 300), orientation=orientation)

    ev = load_evidence(path, entry="旋转照片")

    _, _, _, w, h, raw = image_placement(ev)
    assert (w, h) == expected_size
    with ev.open() as pdf:
        assert "/Rotate" not in pdf.pages[0]
    # The red half (left in the stored pixels) ends up where the orientation puts it.
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    red_corner = {6: (150, 10), 8: (150, 390), 3: (390, 150)}[orientation]
    r, _, b = img.getpixel(red_corner)
    assert r > 200
    assert b < 60


def test_alpha_png_is_flattened_onto_white(tmp_path):
    path = make_alpha_png(tmp_path / "印章.png", (200, 200))

    ev = load_evidence(path, entry="印章")

    assert ev.kind == "png"
    with ev.open() as pdf:
        xobj = next(iter(pdf.pages[0].Resources.XObject.values()))
        assert "/SMask" not in xobj
        pixels = pikepdf.PdfImage(xobj).as_pil_image().convert("RGB")
    assert pixels.getpixel((5, 5)) == (255, 255, 255)
    assert pixels.getpixel((100, 100)) == (0, 0, 0)


def test_image_over_100_megapixels_is_refused_before_decoding(tmp_path):
    path = make_png_header(tmp_path / "巨幅.png", 20_000, 10_000)

    with pytest.raises(EvidenceError, match=r"图片太大：约 200 百万像素，上限为 100 百万像素。"):
        load_evidence(path, entry="巨幅扫描")


def test_image_just_over_the_limit_below_pillows_bomb_error_is_refused(tmp_path):
    path = make_png_header(tmp_path / "大图.png", 10_001, 10_000)

    with pytest.raises(EvidenceError, match=r"图片太大：10001×10000"):
        load_evidence(path, entry="大图")


# -- path safety --------------------------------------------------------------------------------


def test_relative_path_resolves_inside_base(tmp_path):
    (tmp_path / "佐证材料").mkdir()
    target = make_pdf(tmp_path / "佐证材料" / "执照.pdf", 1)

    assert resolve_evidence_path(tmp_path, "佐证材料/执照.pdf") == target.resolve()
    assert resolve_evidence_path(tmp_path, "佐证材料\\执照.pdf") == target.resolve()
    assert resolve_evidence_path(tmp_path, "佐证材料/../佐证材料/执照.pdf") == target.resolve()


@pytest.mark.parametrize("rel", ["/etc/passwd", "C:\\材料\\执照.pdf"])
def test_absolute_paths_are_refused(tmp_path, rel):
    with pytest.raises(EvidenceError, match=r"不能使用绝对路径"):
        resolve_evidence_path(tmp_path, rel, entry="执照")


def test_dotdot_escape_is_refused_unless_allowed(tmp_path):
    base = tmp_path / "申报"
    base.mkdir()
    outside = make_pdf(tmp_path / "外部.pdf", 1)

    with pytest.raises(EvidenceError, match=r"路径用「\.\.」指向了申报文件所在文件夹"):
        resolve_evidence_path(base, "../外部.pdf")

    assert resolve_evidence_path(base, "../外部.pdf", allow_outside=True) == outside.resolve()


def test_symlink_leading_outside_is_refused_unless_allowed(tmp_path):
    base = tmp_path / "申报"
    base.mkdir()
    outside = make_pdf(tmp_path / "外部.pdf", 1)
    (base / "链接.pdf").symlink_to(outside)

    with pytest.raises(EvidenceError, match=r"这是一个指向申报文件所在文件夹.*之外的符号链接"):
        resolve_evidence_path(base, "链接.pdf")

    assert resolve_evidence_path(base, "链接.pdf", allow_outside=True) == outside.resolve()


def test_symlink_inside_base_is_fine(tmp_path):
    target = make_pdf(tmp_path / "真.pdf", 1)
    (tmp_path / "链接.pdf").symlink_to(target)

    assert resolve_evidence_path(tmp_path, "链接.pdf") == target.resolve()


def test_messages_name_the_file_as_the_caller_names_it(tmp_path):
    stored = make_pdf(tmp_path / "0f3a.pdf", 1)
    stored.write_bytes(stored.read_bytes()[:0] + b"%PDF-1.4\n% nothing else")

    with pytest.raises(EvidenceError) as err:
        load_evidence(stored, name="租赁合同.pdf")

    assert str(err.value).startswith("佐证材料的文件 租赁合同.pdf：PDF 已损坏，无法读取")
    assert err.value.path.name == "租赁合同.pdf"
    assert err.value.reason.startswith("PDF 已损坏，无法读取")
    assert "0f3a" not in str(err.value)
