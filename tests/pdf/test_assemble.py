"""Test the jidi_docs.assemble module: page order, bookmarks, page numbers, metadata, atomic writes."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pypdf
import pytest
from PIL import Image

from jidi_docs._fs import LEDGER_NAME
from jidi_docs.errors import BundleError, OutputError
from jidi_docs.forms._cover import ContentsLine
from jidi_docs.pdf._assemble import Part, PdfFile, assemble, contents_lines, merge_tail, plan
from jidi_docs.pdf._evidence import load_evidence
from pdfhelpers import bottom_text, font_rows, make_jpeg, make_pdf, pdf_text


@pytest.fixture
def bundle_parts(tmp_path):
    """Cover+contents (2 pages), a 3-page form, evidence in two indicators with one missing entry."""
    front = make_pdf(tmp_path / "front.pdf", 2, label="FRONT")
    scan = make_jpeg(tmp_path / "scan.jpg", (800, 600))
    return [
        Part("封面", [PdfFile.of(front, pages=range(1))], in_contents=False),
        Part("目录", [PdfFile.of(front, pages=range(1, 2))], in_contents=False),
        Part("申报表", [PdfFile.of(make_pdf(tmp_path / "form.pdf", 3, label="FORM"))]),
        Part(
            "佐证材料",
            children=[
                Part(
                    "基本情况",
                    children=[
                        Part(
                            "营业执照",
                            [
                                load_evidence(
                                    make_pdf(tmp_path / "lic.pdf", 2, label="LIC"), entry="营业执照"
                                ),
                                load_evidence(scan, entry="营业执照"),
                            ],
                        ),
                        Part("房屋租赁合同", []),
                    ],
                ),
                Part(
                    "办公条件", children=[Part("教室照片", [load_evidence(scan, entry="教室照片")])]
                ),
            ],
        ),
    ]


def outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """Return (level, title, 0-based page index) for every bookmark, depth first."""
    found = []

    def walk(items, level):
        for item in items:
            page = pikepdf.Page(item.destination[0])
            found.append((level, item.title, pdf.pages.index(page)))
            walk(item.children, level + 1)

    with pdf.open_outline() as o:
        walk(o.root, 0)
    return found


def test_contents_lines_give_printed_ranges_and_mark_missing_items(bundle_parts):
    lines = contents_lines(bundle_parts, unnumbered_pages=2)

    assert lines == [
        ContentsLine(0, "申报表", "1–3"),
        ContentsLine(0, "佐证材料", "4–7"),
        ContentsLine(1, "基本情况", "4–6"),
        ContentsLine(2, "营业执照", "4–6"),
        ContentsLine(2, "房屋租赁合同", "缺"),
        ContentsLine(1, "办公条件", "7"),
        ContentsLine(2, "教室照片", "7"),
    ]


def test_assembled_pdf_has_all_pages_in_order_with_numbers_after_the_front(bundle_parts, tmp_path):
    out = tmp_path / "申报材料.pdf"

    result = assemble(
        bundle_parts,
        out,
        title="跨境电商培训基地申报材料",
        author="杭州示例培训学校",
        unnumbered_pages=2,
    )

    assert result.page_count == 9
    pages = [re.sub(r"\s+", " ", t).strip() for t in pdf_text(out)]
    assert pages == [
        "FRONT 1",
        "FRONT 2",
        "FORM 1 —1—",
        "FORM 2 —2—",
        "FORM 3 —3—",
        "LIC 1 —4—",
        "LIC 2 —5—",
        "—6—",
        "—7—",
    ]


def test_page_number_reads_back_at_the_bottom_centre(bundle_parts, tmp_path):
    out = tmp_path / "b.pdf"
    assemble(bundle_parts, out, title="t", author="a", unnumbered_pages=2)

    # -x/-y/-W/-H crop: only the bottom 15 mm, middle third of an A4 page.
    text = subprocess.run(
        [
            "pdftotext",
            "-f",
            "5",
            "-l",
            "5",
            "-x",
            "198",
            "-y",
            "800",
            "-W",
            "200",
            "-H",
            "42",
            str(out),
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    assert re.sub(r"\s", "", text) == "—3—"


def test_bookmarks_mirror_the_tree_and_point_at_first_pages(bundle_parts, tmp_path):
    out = tmp_path / "b.pdf"
    assemble(bundle_parts, out, title="t", author="a", unnumbered_pages=2)

    with pikepdf.open(out) as pdf:
        marks = outline(pdf)

    assert marks == [
        (0, "封面", 0),
        (0, "目录", 1),
        (0, "申报表", 2),
        (0, "佐证材料", 5),
        (1, "基本情况", 5),
        (2, "营业执照", 5),
        (1, "办公条件", 8),
        (2, "教室照片", 8),
    ]


def test_output_passes_qpdf_check_and_carries_metadata(bundle_parts, tmp_path):
    out = tmp_path / "b.pdf"
    assemble(bundle_parts, out, title="跨境电商培训基地申报材料", author="杭州示例培训学校")

    check = subprocess.run(
        ["qpdf", "--check", str(out)], capture_output=True, text=True, check=False
    )
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout

    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    assert re.search(r"^Title:\s+跨境电商培训基地申报材料$", info, re.MULTILINE)
    assert re.search(r"^Author:\s+杭州示例培训学校$", info, re.MULTILINE)


def test_identical_images_are_stored_once(bundle_parts, tmp_path):
    out = tmp_path / "b.pdf"

    result = assemble(bundle_parts, out, title="t", author="a")

    assert result.deduplicated == 1
    with pikepdf.open(out) as pdf:
        images = {
            xobj.objgen
            for page in pdf.pages
            for xobj in page.Resources.get("/XObject", {}).values()
        }
    assert len(images) == 1


def test_numbers_sit_upright_at_the_bottom_of_rotated_pages(tmp_path):
    src = make_pdf(tmp_path / "rot.pdf", 2)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.pages[1].Rotate = 270
        pdf.save(src)
    out = tmp_path / "b.pdf"

    assemble([Part("x", [PdfFile.of(src)])], out, title="t", author="a", unnumbered_pages=0)

    # Displayed pages are landscape (842 x 595); crop the bottom band, middle third.
    for n in (1, 2):
        text = subprocess.run(
            [
                "pdftotext",
                "-f",
                str(n),
                "-l",
                str(n),
                "-x",
                "280",
                "-y",
                "555",
                "-W",
                "280",
                "-H",
                "40",
                str(out),
                "-",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert re.sub(r"\s", "", text) == f"—{n}—"


def test_failure_leaves_no_partial_file(tmp_path):
    src = make_pdf(tmp_path / "a.pdf", 1)
    source = PdfFile.of(src)
    src.write_bytes(b"not a pdf any more")
    out = tmp_path / "b.pdf"

    with pytest.raises(BundleError, match=r"^合并「甲」时无法读取 PDF："):
        assemble([Part("甲", [source])], out, title="t", author="a")

    assert list(tmp_path.iterdir()) == [src]


def test_existing_bundle_is_replaced_whole(tmp_path):
    out = tmp_path / "b.pdf"
    out.write_bytes(b"old")

    parts = [Part("甲", [PdfFile.of(make_pdf(tmp_path / "a.pdf", 2))])]
    with pytest.raises(OutputError, match="不是 jidi-docs 生成的文件"):
        assemble(parts, out, title="t", author="a")
    assert out.read_bytes() == b"old"

    assemble(parts, out, title="t", author="a", force=True)
    assemble(parts, out, title="t", author="a")  # ours now: replaced without force

    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [LEDGER_NAME, "a.pdf", "b.pdf"]


def test_page_slice_outside_the_file_is_refused(tmp_path):
    src = make_pdf(tmp_path / "a.pdf", 2)

    with pytest.raises(BundleError, match=r"只有 2 页，无法取第 2–3 页"):
        PdfFile.of(src, pages=range(1, 3))


def test_plan_counts_numbers_from_one_after_the_unnumbered_pages(tmp_path):
    src = PdfFile.of(make_pdf(tmp_path / "a.pdf", 4))

    planned = plan([Part("封面", [PdfFile(src.path, 1)]), Part("正文", [src])], unnumbered_pages=1)

    assert [(p.first_index, p.first_number, p.pages_text) for p in planned] == [
        (0, None, "缺"),
        (1, 1, "1–4"),
    ]


# -- page labels, the embedded number font, the clear number band ------------------------------


def test_viewer_labels_equal_the_printed_numbers(bundle_parts, tmp_path):
    out = tmp_path / "b.pdf"
    front = make_pdf(tmp_path / "front3.pdf", 3, label="FRONT")
    parts = [
        Part("封面", [PdfFile.of(front, pages=range(1))], in_contents=False),
        Part("目录", [PdfFile.of(front, pages=range(1, 3))], in_contents=False),
        *bundle_parts[2:],
    ]

    assemble(parts, out, title="t", author="a", unnumbered_pages=3)

    labels = pypdf.PdfReader(out).page_labels
    printed = [re.fullmatch(r".*—(\d+)—", re.sub(r"\s", "", t)) for t in pdf_text(out)]
    assert labels[:3] == ["封面", "目录-1", "目录-2"]
    assert labels[3:] == [m.group(1) for m in printed[3:] if m]
    assert len(labels) == len(printed) == 10


def test_a_one_page_contents_is_labelled_without_a_number(bundle_parts, tmp_path):
    out = tmp_path / "b.pdf"

    assemble(bundle_parts, out, title="t", author="a", unnumbered_pages=2)

    assert pypdf.PdfReader(out).page_labels[:4] == ["封面", "目录", "1", "2"]


def test_every_font_is_embedded_and_the_numbers_map_to_unicode(bundle_parts, tmp_path):
    out = tmp_path / "b.pdf"
    assemble(bundle_parts[2:], out, title="t", author="a", unnumbered_pages=0)
    # The test sources draw in unembedded Helvetica; keep only the pages' number font.
    with pikepdf.open(out, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.Font
            for key in [k for k in fonts if not k.startswith("/JidiPN")]:
                del fonts[key]
        pdf.save(out)

    rows = font_rows(out)

    assert len(rows) == 1, rows
    font = rows[0]
    assert re.fullmatch(r"[A-Z]{6}\+\w+", font["name"])
    assert [font[k] for k in ("type", "encoding", "emb", "sub", "uni")] == [
        "TrueType",
        "WinAnsi",
        "yes",
        "yes",
        "yes",
    ]


def full_bleed_pdf(path, *, size=(595, 842), rotate=0):
    """A page filled edge to edge with mid grey, like a scan printed to the page edge."""
    pdf = pikepdf.new()
    w, h = size
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, w, h],
            Resources=pikepdf.Dictionary(),
            Contents=pdf.make_stream(f"0.5 g 0 0 {w} {h} re f".encode()),
        )
    )
    if rotate:
        page.Rotate = rotate
    pdf.pages.append(page)
    pdf.save(path)
    return path


def band_and_body(png_path):
    """Return (dark pixel boxes in the bottom 15 mm, grey fraction of the 5 mm just above it)."""
    img = Image.open(png_path).convert("L")
    w, h = img.size
    band = round(15 / 25.4 * 72)  # rendered at 72 dpi: 1 px = 1 pt
    low = img.crop((0, h - band, w, h))
    above = img.crop((0, h - band - 14, w, h - band))
    dark = low.point(lambda v: 255 if v < 200 else 0).getbbox()
    grey = sum(above.histogram()[101:160]) / (above.width * above.height)
    return dark, grey, (w, h, band)


@pytest.mark.parametrize(
    ("size", "rotate"),
    [((595, 842), 0), ((842, 595), 0), ((595, 842), 90), ((595, 842), 270)],
    ids=["portrait", "landscape", "rotate90", "rotate270"],
)
def test_evidence_is_shrunk_so_the_band_holds_only_the_number(tmp_path, size, rotate):
    src = full_bleed_pdf(tmp_path / "bleed.pdf", size=size, rotate=rotate)
    out = tmp_path / "b.pdf"
    evidence = load_evidence(src, entry="满版扫描件")
    assemble([Part("x", [evidence])], out, title="t", author="a", unnumbered_pages=0)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-singlefile", str(out), str(tmp_path / "page")],
        check=True,
    )

    dark, grey, (w, _h, band) = band_and_body(tmp_path / "page.png")

    assert dark is not None, "no page number in the band"
    left, top, right, bottom = dark
    # Only the number: a short centred run of glyphs, about 8 mm above the edge.
    assert abs((left + right) / 2 - w / 2) < 3
    assert right - left < 40
    assert band - bottom >= 20  # baseline 8 mm = 22.7 pt above the edge
    assert top >= band - 35
    assert bottom_text(out, 1) == "—1—"
    # The page's content is still there, scaled, right above the band.
    assert grey > 0.8


def test_image_pages_and_forms_are_not_shrunk(tmp_path):
    scan = load_evidence(make_jpeg(tmp_path / "scan.jpg", (800, 600)), entry="照片")
    form = PdfFile.of(make_pdf(tmp_path / "form.pdf", 1))
    out = tmp_path / "b.pdf"

    assemble([Part("x", [scan, form])], out, title="t", author="a", unnumbered_pages=0)

    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            streams = [c.read_bytes() for c in page.obj.Contents]
            assert not any(s.rstrip().endswith(b" cm") and len(s) < 80 for s in streams[:2])


def _shown(path):
    """Everything a reader sees of a bundle: page texts, bookmarks, page labels, and what each
    page draws (its content streams: the shrinking and the number stamp included)."""
    with pikepdf.open(path) as pdf:
        marks = outline(pdf)
        labels = repr(pdf.Root.get("/PageLabels"))
        drawn = []
        for page in pdf.pages:
            contents = page.obj.Contents
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            # The number font's resource name is random: /JidiPN<random>.
            drawn.append(
                re.sub(rb"/JidiPN[^\s/]*", b"/JidiPN", b"".join(c.read_bytes() for c in streams))
            )
    return [re.sub(r"\s+", " ", t).strip() for t in pdf_text(path)], marks, labels, drawn


def test_evidence_merged_ahead_gives_the_same_bundle(bundle_parts, tmp_path):
    """The evidence merged and numbered while the forms convert (`merge_tail`), then the front
    put before it, reads exactly as the bundle merged in one go."""
    plain, ahead = tmp_path / "plain.pdf", tmp_path / "ahead.pdf"
    assemble(bundle_parts, plain, title="t", author="a", unnumbered_pages=2)

    # Numbered pages before the evidence: the 3-page form.
    tail = merge_tail(bundle_parts[-1:], first_number=4)
    result = assemble(bundle_parts, ahead, title="t", author="a", unnumbered_pages=2, tail=tail)

    assert result.page_count == 9
    assert len(tail.pdf.pages) == 9  # it was used: the front pages were put before its own
    assert _shown(ahead) == _shown(plain)
    assert result.deduplicated == 1  # the scan used twice in the evidence, stored once
    assert _images(ahead) == 1
    assert _shown(ahead)[0][5:] == ["LIC 1 —4—", "LIC 2 —5—", "—6—", "—7—"]
    subprocess.run(["qpdf", "--check", str(ahead)], check=True, capture_output=True)


@pytest.mark.parametrize("first_number", [3, 5], ids=["forms-came-out-longer", "shorter"])
def test_evidence_merged_ahead_for_other_page_counts_is_not_used(
    bundle_parts, tmp_path, first_number
):
    plain, ahead = tmp_path / "plain.pdf", tmp_path / "ahead.pdf"
    assemble(bundle_parts, plain, title="t", author="a", unnumbered_pages=2)
    tail = merge_tail(bundle_parts[-1:], first_number=first_number)

    assemble(bundle_parts, ahead, title="t", author="a", unnumbered_pages=2, tail=tail)

    assert len(tail.pdf.pages) == 4  # not used: everything was merged anew
    assert _shown(ahead) == _shown(plain)


def _images(path) -> int:
    """How many distinct image objects the pages of `path` draw."""
    with pikepdf.open(path) as pdf:
        return len(
            {
                xobj.objgen
                for page in pdf.pages
                for xobj in page.Resources.get("/XObject", {}).values()
            }
        )


def test_an_image_in_front_equal_to_one_in_the_evidence_merged_ahead_is_stored_once(
    bundle_parts, tmp_path
):
    scan = tmp_path / "scan.jpg"
    parts = [*bundle_parts[:3], Part("附图", [load_evidence(scan, entry="附图")]), bundle_parts[3]]
    plain, ahead = tmp_path / "plain.pdf", tmp_path / "ahead.pdf"
    merged = assemble(parts, plain, title="t", author="a", unnumbered_pages=2)

    # Numbered pages before the evidence: the 3-page form and the page with the image.
    tail = merge_tail(parts[-1:], first_number=5)
    result = assemble(parts, ahead, title="t", author="a", unnumbered_pages=2, tail=tail)

    assert len(tail.pdf.pages) == 10  # used
    assert _shown(ahead) == _shown(plain)
    assert (_images(ahead), _images(plain)) == (1, 1)
    assert result.deduplicated == merged.deduplicated == 2
