"""Compact bundles (jidi_docs.pdf._images): photos at the resolution print needs, still legible."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from pathlib import Path

import docx
import pikepdf
import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from jidi_docs.input import load
from jidi_docs.pdf import ImageOptions, make_pdfa
from jidi_docs.pipeline._bundle import bundle
from pdfhelpers import (
    FakeConverter,
    make_jpeg,
    make_pdf,
    make_photo,
    pdf_text,
    pdfa_failures,
    require_ghostscript,
    require_soffice,
    run_jidi_docs,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
MM = 72 / 25.4
#: The printable width of an evidence page (A4 less 15 mm margins), in inches.
AREA_WIDTH_IN = 180 / 25.4
#: The height of one half of a shared page (printable height less a 6 mm gap, halved), in inches.
HALF_HEIGHT_IN = (267 - 6) / 2 / 25.4
#: The cover's date, and a size limit low enough to hear the notice.
OPTIONS = ["--date", "2021-08-10", "--max-size", "1"]


def folder_application(folder: Path) -> Path:
    """The example without its 佐证材料 list, in `folder`: evidence comes from the folders."""
    text = EXAMPLE.read_text("utf-8")
    (folder / "佐证材料").mkdir(parents=True, exist_ok=True)
    path = folder / "申报.yaml"
    path.write_text(text[: text.index("佐证材料:   #")] + "佐证材料: []\n", "utf-8")
    return path


def put(folder: Path, indicator: str, files: dict[str, Path]) -> None:
    target = folder / "佐证材料" / indicator
    target.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        shutil.copyfile(source, target / name)


def images_of(obj: pikepdf.Object) -> list[pikepdf.PdfImage]:
    """Every image drawn by a page or form XObject, forms followed."""
    found = []
    for x in obj.get("/Resources", {}).get("/XObject", {}).values():
        if x.get("/Subtype") == "/Image":
            found.append(pikepdf.PdfImage(x))
        elif x.get("/Subtype") == "/Form":
            found += images_of(x)
    return found


def psnr(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("L"), b.convert("L"))
    mse = sum(v * v * n for v, n in enumerate(diff.histogram())) / (a.width * a.height)
    return 10 * math.log10(255 * 255 / mse) if mse else 99.0


def edge_energy(img: Image.Image) -> float:
    """The mean of an edge filter: how much fine detail (strokes of text) an image holds."""
    return ImageStat.Stat(img.convert("L").filter(ImageFilter.FIND_EDGES)).mean[0]


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """20 phone photos of certificates, 4032×3024 pixels, about 4 MB each."""
    folder = tmp_path_factory.mktemp("photos")
    return [make_photo(folder / f"照片{n + 1:02d}.jpg", n) for n in range(20)]


@pytest.mark.soffice
@pytest.mark.slow
def test_twenty_phone_photos_make_a_bundle_under_15_mb_whose_text_stays_legible(
    photos: list[Path], tmp_path: Path
) -> None:
    require_soffice()
    app = folder_application(tmp_path / "我的申报")
    put(app.parent, "培训场地及环境", {p.name: p for p in photos})
    out = tmp_path / "输出"

    done = run_jidi_docs("bundle", app.parent, "-o", out, *OPTIONS)

    assert done.returncode == 0, done.stderr
    (path,) = out.glob("*-申报材料.pdf")
    size = path.stat().st_size
    assert sum(p.stat().st_size for p in photos) > 80 * 2**20  # what went in
    assert size <= 15 * 2**20, size
    assert "超过 1 MB：报送平台常常限制上传文件的大小" in done.stderr  # the size notice
    with pikepdf.open(path) as pdf:
        with pdf.open_outline() as outline:
            marks = {
                item.title: pdf.pages.index(pikepdf.Page(item.destination[0]))
                for group in outline.root
                for indicator in group.children
                for item in indicator.children
            }
        # Two landscape photos a page, each entry's bookmark on its page.
        assert marks["照片01"] == marks["照片02"] == marks["照片03"] - 1
        assert marks["照片20"] == marks["照片01"] + 9
        first = marks["照片01"]
        for image in images_of(pdf.pages[first].obj):
            dpi = image.height / HALF_HEIGHT_IN  # each fills the height of its half
            assert 190 <= dpi <= 260, dpi
    rendered = tmp_path / "page"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            f"{first + 1}",
            "-l",
            f"{first + 1}",
            path,
            rendered,
        ],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    page = Image.open(png).convert("RGB")
    # The page number's band (the bottom 15 mm) holds the number alone: the photos clear it.
    band = page.crop((0, page.height - round(15 / 25.4 * 200), page.width, page.height))
    drawn = ImageChops.invert(band.convert("L").point(lambda v: 255 if v > 250 else 0)).getbbox()
    assert drawn is not None
    assert drawn[2] - drawn[0] < page.width // 5, drawn  # "— 7 —", centred, nothing else
    top = page.crop((0, 0, page.width, page.height // 2))
    box = ImageChops.invert(top.convert("L").point(lambda v: 255 if v > 250 else 0)).getbbox()
    assert box is not None
    shown = top.crop(box)
    assert abs(shown.width / shown.height - 4 / 3) < 0.02  # the whole photo, undistorted
    # The reference: the original reduced by Pillow to the size it has on the printed page.
    reference = Image.open(photos[0]).convert("RGB").resize(shown.size, Image.Resampling.LANCZOS)
    blurred = [im.filter(ImageFilter.GaussianBlur(1)) for im in (shown, reference)]
    assert psnr(*blurred) >= 30  # the same picture, in place
    # Fine detail kept: the strokes of the 1.4 mm text. A 100 dpi copy keeps about 40%.
    assert edge_energy(shown) >= 0.8 * edge_energy(reference)


def _bundle(app: Path, out: Path, images: ImageOptions | None = None) -> pikepdf.Pdf:
    return pikepdf.open(bundle(load(app), out, converter=FakeConverter(), images=images))


def test_a_grey_scan_stays_grey_and_a_colour_photo_of_a_grey_page_becomes_grey(
    tmp_path: Path,
) -> None:
    app = folder_application(tmp_path / "a")
    grey = tmp_path / "灰度扫描.jpg"
    Image.linear_gradient("L").resize((2480, 3508)).save(grey, "JPEG", quality=90)
    colour = tmp_path / "彩色拍的黑白页.jpg"
    Image.linear_gradient("L").resize((3024, 4032)).convert("RGB").save(colour, "JPEG")
    put(app.parent, "基本情况", {"灰度扫描.jpg": grey, "彩色拍的黑白页.jpg": colour})

    with _bundle(app, tmp_path / "out") as pdf:
        images = [im for page in pdf.pages for im in images_of(page.obj)]

    colour_spaces = {str(im.obj.ColorSpace) for im in images}
    assert colour_spaces == {"/DeviceGray"}
    assert all(im.width <= 1500 for im in images)  # reduced: 180 mm at 200 dpi is 1417 px


def test_a_small_photo_and_a_scanned_pdf_go_in_untouched(tmp_path: Path) -> None:
    app = folder_application(tmp_path / "a")
    small = make_jpeg(tmp_path / "小照片.jpg", (1000, 750))
    scan = make_pdf(tmp_path / "扫描件.pdf", 2, label="SCAN")
    put(app.parent, "办公条件", {"小照片.jpg": small, "扫描件.pdf": scan})

    path = bundle(load(app), tmp_path / "out", converter=FakeConverter())

    with pikepdf.open(path) as pdf:
        raw = [bytes(im.obj.read_raw_bytes()) for page in pdf.pages for im in images_of(page.obj)]
    assert small.read_bytes() in raw  # copied as it is: no second JPEG generation
    text = "".join(pdf_text(path))
    assert "SCAN 1" in text  # the PDF's pages, as they were
    assert "SCAN 2" in text


def test_one_per_page_on_request_and_portrait_photos_each_get_a_page(tmp_path: Path) -> None:
    app = folder_application(tmp_path / "a")
    land = make_jpeg(tmp_path / "横.jpg", (1600, 1200))
    tall = make_jpeg(tmp_path / "竖.jpg", (1200, 1600))
    put(app.parent, "培训场地及环境", {"1横.jpg": land, "2横.jpg": land})
    put(app.parent, "日常管理", {"1竖.jpg": tall, "2竖.jpg": tall})

    with _bundle(app, tmp_path / "two") as pdf:
        paired = len(pdf.pages)
    with _bundle(app, tmp_path / "one", ImageOptions(two_per_page=False)) as pdf:
        apart = len(pdf.pages)

    assert apart - paired == 1  # only the two landscape photos shared a page


def test_the_contents_point_a_photo_that_shares_a_page_at_that_page(tmp_path: Path) -> None:
    app = folder_application(tmp_path / "a")
    land = make_jpeg(tmp_path / "横.jpg", (1600, 1200))
    put(app.parent, "培训场地及环境", {f"教室{n}.jpg": land for n in (1, 2, 3)})
    conv = FakeConverter()

    bundle(load(app), tmp_path / "out", converter=conv)

    contents = conv.docs["封面与目录.docx"]
    lines = [p.text for p in docx.Document(io.BytesIO(contents)).paragraphs if "教室" in p.text]
    numbers = [line.rsplit("\t", 1)[-1] for line in lines]
    assert [line.split("\t")[0] for line in lines] == ["教室1", "教室2", "教室3"]
    assert numbers[0] == numbers[1] != numbers[2]
    assert int(numbers[2]) == int(numbers[0]) + 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dpi": 50}, "图片分辨率 50 dpi 不合适"),
        ({"dpi": -1}, "图片分辨率应是 0 或正整数"),
        ({"quality": 0}, "JPEG 质量应在 1 到 95 之间"),
    ],
)
def test_image_options_refuse_values_that_make_no_sense(
    options: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ImageOptions(**options)


def test_a_bundle_of_reduced_and_shared_photos_passes_the_pdfa_validator(tmp_path: Path) -> None:
    require_ghostscript()
    app = folder_application(tmp_path / "a")
    put(app.parent, "培训场地及环境", {"1.jpg": make_photo(tmp_path / "p1.jpg", 1, (2000, 1500))})
    put(app.parent, "培训场地及环境", {"2.jpg": make_photo(tmp_path / "p2.jpg", 2, (2000, 1500))})
    grey = tmp_path / "灰度.png"
    Image.linear_gradient("L").resize((2480, 3508)).save(grey)
    put(app.parent, "基本情况", {"灰度.png": grey})
    path = bundle(load(app), tmp_path / "out", converter=FakeConverter())
    out = tmp_path / "pdfa.pdf"

    make_pdfa(path, out, title="标题", author="单位")

    assert pdfa_failures(out) == []


def test_one_bundle_decodes_each_image_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo that goes in as it is was decoded again when its page was made; now the check's
    decoding (which found it needs no change) is the only one, as for a reduced photo."""
    from jidi_docs.pdf import _evidence

    app = folder_application(tmp_path / "a")
    small = make_jpeg(tmp_path / "小照片.jpg", (1000, 750))
    put(
        app.parent,
        "办公条件",
        {"小照片.jpg": small, "大照片.jpg": make_photo(tmp_path / "p.jpg", 1)},
    )
    decoded: list[str] = []
    real = _evidence.encode

    def encode(img, kind, options):  # type: ignore[no-untyped-def]
        decoded.append(Path(img.filename).name)
        return real(img, kind, options)

    monkeypatch.setattr(_evidence, "encode", encode)

    path = bundle(load(app), tmp_path / "out", converter=FakeConverter())

    assert sorted(decoded) == ["大照片.jpg", "小照片.jpg"]
    with pikepdf.open(path) as pdf:
        raw = [bytes(im.obj.read_raw_bytes()) for page in pdf.pages for im in images_of(page.obj)]
    assert small.read_bytes() in raw  # still copied as it is
