"""Scans as phones and scanners make them: each embeds faithfully or is refused naming the file.

The images are generated here (every format, 8- and 16-bit, grey/RGB/CMYK/palette) and checked by
decoding the image embedded in the PDF page and comparing it with the source's pixels.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from jidi_docs.errors import EvidenceError
from jidi_docs.pdf._evidence import load_evidence

SIZE = (120, 90)


def gradient(mode: str) -> Image.Image:
    """A grey-paper, dark-ink picture: mid-grey background, darker diagonal bands, a dark box."""
    grey = Image.new("L", SIZE, 0)
    grey.putdata([150 + (x * 2 + y) % 60 for y in range(SIZE[1]) for x in range(SIZE[0])])
    grey.paste(30, (20, 20, 60, 50))
    if mode == "L":
        return grey
    rgb = Image.merge("RGB", (grey, grey.point(lambda v: 255 - v), grey.rotate(180)))
    if mode == "P":
        return rgb.quantize(64)
    return rgb.convert(mode)


def grey16() -> Image.Image:
    """16-bit grey paper (about 40,000 of 65,535) with dark ink, as scanners write it."""

    def value(x: int, y: int) -> int:
        ink = 20 <= x < 60 and 20 <= y < 50
        return 5000 if ink else 40000 + (x * 97 + y * 31) % 9000

    img = Image.new("I;16", SIZE)
    img.putdata([value(x, y) for y in range(SIZE[1]) for x in range(SIZE[0])])
    return img


def as_expected(source: Image.Image) -> Image.Image:
    """What the page must show: 16-bit scaled to 8, palette and CMYK as RGB."""
    if source.mode.startswith("I;16"):
        return source.convert("I").point(lambda v: v * (255 / 65535)).convert("L")
    return source.convert("L" if source.mode == "L" else "RGB")


def embedded(pdf: pikepdf.Pdf) -> list[Image.Image]:
    """The one image of every page, decoded back, as L or RGB."""
    images = []
    for page in pdf.pages:
        (raw,) = page.get_images().values()
        pil = pikepdf.PdfImage(raw).as_pil_image()
        images.append(pil.convert("L" if pil.mode in ("L", "1", "I") else "RGB"))
    return images


def difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    diff = ImageChops.difference(a.convert(b.mode), b)
    return max(ImageStat.Stat(diff).mean)


def save(img: Image.Image, path: Path, fmt: str, **options: object) -> Path:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    img.save(path, fmt, **options)
    return path


# (name, image factory, Pillow format, save options, allowed mean difference per channel)
CASES: list[tuple[str, Callable[[], Image.Image], str, dict[str, object], float]] = [
    ("grey.png", lambda: gradient("L"), "PNG", {}, 0),
    ("rgb.png", lambda: gradient("RGB"), "PNG", {}, 0),
    ("palette.png", lambda: gradient("P"), "PNG", {}, 0),
    ("grey16.png", grey16, "PNG", {}, 1),
    ("grey.jpg", lambda: gradient("L"), "JPEG", {"quality": 95}, 0),
    ("rgb.jpg", lambda: gradient("RGB"), "JPEG", {"quality": 95}, 0),
    ("cmyk.jpg", lambda: gradient("CMYK"), "JPEG", {"quality": 95}, 3),
    ("grey.tif", lambda: gradient("L"), "TIFF", {"compression": "tiff_lzw"}, 0),
    ("grey16.tif", grey16, "TIFF", {}, 1),
    ("rgb.tif", lambda: gradient("RGB"), "TIFF", {}, 0),
    ("cmyk.tif", lambda: gradient("CMYK"), "TIFF", {}, 3),
    ("palette.tif", lambda: gradient("P"), "TIFF", {}, 0),
    ("rgb.webp", lambda: gradient("RGB"), "WEBP", {"lossless": True}, 0),
    ("photo.heic", lambda: gradient("RGB"), "HEIF", {"quality": -1}, 3),
]


@pytest.mark.parametrize(
    ("name", "make", "fmt", "options", "tolerance"), CASES, ids=[c[0] for c in CASES]
)
def test_each_format_embeds_the_pixels_it_holds(
    tmp_path: Path,
    name: str,
    make: Callable[[], Image.Image],
    fmt: str,
    options: dict[str, object],
    tolerance: float,
) -> None:
    source = make()
    path = save(source, tmp_path / name, fmt, **options)
    with Image.open(path) as written:  # what the file really holds (JPEG/HEIC are lossy)
        written.load()
        reference = as_expected(written if fmt in ("JPEG", "HEIF") else source)

    evidence = load_evidence(path, entry="扫描件")

    with evidence.open() as pdf:
        (page_image,) = embedded(pdf)
    assert evidence.page_count == 1
    assert difference(page_image, reference) <= tolerance + 0.5


def test_sixteen_bit_grey_paper_stays_grey_not_white(tmp_path: Path) -> None:
    path = save(grey16(), tmp_path / "grey16.png", "PNG")

    with load_evidence(path, entry="扫描件").open() as pdf:
        (page_image,) = embedded(pdf)

    paper, ink = page_image.getpixel((100, 80)), page_image.getpixel((30, 30))
    assert 150 < paper < 200  # type: ignore[operator]
    assert ink < 30  # type: ignore[operator]


def test_a_multi_page_tiff_gives_one_page_per_frame(tmp_path: Path) -> None:
    frames = [gradient("L"), gradient("RGB"), grey16()]
    path = tmp_path / "scanner.tif"
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])

    evidence = load_evidence(path, entry="多页扫描")

    with evidence.open() as pdf:
        pages = embedded(pdf)
    assert evidence.page_count == 3
    assert len(pages) == 3
    for page_image, frame in zip(pages, frames, strict=True):
        assert difference(page_image, as_expected(frame)) <= 1.5


TRUNCATABLE = [c for c in CASES if c[2] in ("PNG", "JPEG", "TIFF", "WEBP", "HEIF")]


@pytest.mark.parametrize(
    ("name", "make", "fmt", "options", "tolerance"), TRUNCATABLE, ids=[c[0] for c in TRUNCATABLE]
)
def test_a_truncated_image_is_refused_naming_the_file(
    tmp_path: Path,
    name: str,
    make: Callable[[], Image.Image],
    fmt: str,
    options: dict[str, object],
    tolerance: float,
) -> None:
    buf = io.BytesIO()
    if fmt == "HEIF":
        save(make(), tmp_path / "whole.heic", fmt, **options)
        data = (tmp_path / "whole.heic").read_bytes()
    else:
        make().save(buf, fmt, **options)
        data = buf.getvalue()
    path = tmp_path / f"cut-{name}"
    path.write_bytes(data[: len(data) * 6 // 10])

    with pytest.raises(EvidenceError) as err:
        load_evidence(path, entry="截断的扫描件")

    message = str(err.value)
    assert str(path) in message
    assert "不完整" in message or "已损坏" in message


def form_pdf(path: Path) -> Path:
    """A one-page PDF with a filled text field, as fillable forms come from government sites."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("name"),
            V=pikepdf.String("FILLED-42"),
            Rect=[100, 700, 400, 730],
            DA=pikepdf.String("/Helv 12 Tf 0 g"),
            F=4,
        )
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([field]))
    helv = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array([field]),
        DA=pikepdf.String("/Helv 12 Tf 0 g"),
        DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)),
    )
    pdf.save(path)
    return path


def test_a_pdf_with_form_fields_is_flattened_with_a_chinese_note(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from jidi_docs.pdf._assemble import Part, assemble

    evidence = load_evidence(form_pdf(tmp_path / "表单.pdf"), entry="申请表")
    out = tmp_path / "out.pdf"

    with caplog.at_level("WARNING", logger="jidi_docs"):  # any library warning fails the test
        assemble([Part("申请表", [evidence])], out, title="t", author="a")

    with pikepdf.open(out) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert all(a.get("/Subtype") != "/Widget" for a in pdf.pages[0].get("/Annots", []))
    assert "FILLED-42" in PdfReader(out).pages[0].extract_text()  # the value is on the page
    notes = [r.getMessage() for r in caplog.records]
    assert any("可填写的表单" in n and "申请表" in n for n in notes), notes
