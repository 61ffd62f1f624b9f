"""Photos and scans on A4 pages at the resolution print needs: compact bundles that stay legible.

A phone photo (4032×3024, 3–6 MB) printed 18 cm wide holds 570 dpi; printers and readers need
about 200. So each image is brought down to `ImageOptions.dpi` for the size it is printed at
(Lanczos, after JPEG's own reduced-size decoding where it can), and written as a JPEG of good
quality (`ImageOptions.quality`); an image with few colours (a screenshot, a form) stays lossless,
a bilevel scan stays bilevel, and a grey scan stays grey (one channel, also when a phone saved it
as colour). An image already at or below the target is copied as it is (no loss, no time).

Layout: an image fills the printable area of a portrait A4 page (15 mm margins: the page number's
band stays clear); two landscape photos share one page, one above the other
(`ImageOptions.two_per_page`). PDFs are never touched here: their pages go in as they are.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pikepdf
from PIL import Image, ImageChops, ImageOps

from .._lazy import OnFirstUse

if TYPE_CHECKING:
    import img2pdf

    from ..schema import EvidenceKind
else:
    # img2pdf (~50 ms to import) places images on pages: `check` only reads them.
    img2pdf = OnFirstUse("img2pdf")

__all__ = [
    "A4",
    "MARGIN",
    "ImageOptions",
    "OnPreviousPage",
    "encode",
    "image_pages",
    "pair_page",
    "upright_size",
    "verify",
]

_MM = 72 / 25.4
A4 = (210 * _MM, 297 * _MM)
MARGIN = 15 * _MM
#: Space between the two photos of a shared page.
_GAP = 6 * _MM
#: The printable area of a page, in points.
_AREA = (A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN)
#: An image this much over its target size is reduced; closer to it, it is copied as it is.
_SLACK = 1.15


@dataclass(frozen=True)
class ImageOptions:
    """How images are put into the bundle.

    Attributes:
        dpi: the resolution of an image as printed; larger ones are reduced to it. 0 keeps every
            image at its own resolution.
        quality: JPEG quality (1–95) of the images that are reduced or turned upright.
        two_per_page: put two landscape photos on one page, one above the other.
    """

    dpi: int = 200
    quality: int = 85
    two_per_page: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.dpi, int) or isinstance(self.dpi, bool) or self.dpi < 0:
            raise ValueError(f"图片分辨率应是 0 或正整数（dpi），现在是 {self.dpi!r}。")
        if self.dpi and not 72 <= self.dpi <= 1200:
            raise ValueError(f"图片分辨率 {self.dpi} dpi 不合适：请在 72 到 1200 之间选择。")
        if not isinstance(self.quality, int) or not 1 <= self.quality <= 95:
            raise ValueError(f"JPEG 质量应在 1 到 95 之间，现在是 {self.quality!r}。")


def upright_size(img: Image.Image) -> tuple[int, int]:
    """The size of `img` as shown: width and height swapped when its EXIF turns it a quarter."""
    w, h = img.size
    return (h, w) if img.getexif().get(0x0112, 1) in (5, 6, 7, 8) else (w, h)


def _target(size: tuple[int, int], area: tuple[float, float], dpi: int) -> tuple[int, int] | None:
    """The pixels `size` needs to fill `area` (points) at `dpi`; None to keep it as it is."""
    if not dpi:
        return None
    w, h = size
    scale = min(area[0] / w, area[1] / h)  # points per pixel when the image fills the area
    tw, th = max(1, round(w * scale / 72 * dpi)), max(1, round(h * scale / 72 * dpi))
    return (tw, th) if w > tw * _SLACK else None


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        img.mode == "P" and "transparency" in img.info
    )


def _eight_bit(img: Image.Image) -> Image.Image:
    """Return `img` in a mode a PDF holds as is, its tones kept.

    Why: Pillow's ``convert("RGB")`` clips 16-bit and 32-bit grey at 255, which turns a 16-bit
    grey scan into a white page; the values are scaled to 8 bits instead.
    """
    if img.mode.startswith("I;16") or img.mode in ("I", "F"):
        extrema = cast("tuple[float, float]", img.getextrema())
        # The full range of the format, so grey paper stays grey; other ranges are stretched.
        full = (0.0, 1.0) if img.mode == "F" else (0.0, 65535.0)
        inside = full[0] <= extrema[0] and extrema[1] <= full[1]
        low, high = full if img.mode.startswith("I;16") or inside else extrema
        scale = 255 / (high - low) if high > low else 0.0
        source = img if img.mode == "F" else img.convert("I")
        return source.point(lambda v: (v - low) * scale).convert("L")
    if img.mode in ("RGB", "L", "CMYK", "1"):
        return img
    if _has_alpha(img):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def _looks_grey(img: Image.Image) -> bool:
    """True for a colour image of a black-and-white page (a phone's scan saved as colour)."""
    small = img.convert("RGB").resize((64, 64), Image.Resampling.BOX)
    r, g, b = small.split()
    spread = ImageChops.lighter(ImageChops.difference(r, g), ImageChops.difference(g, b))
    histogram = spread.histogram()
    return sum(histogram[12:]) <= 0.005 * 64 * 64


def _few_colours(img: Image.Image) -> bool:
    """True for a drawing, screenshot or form (few colours): JPEG would blur its edges."""
    return img.convert("RGB").resize((256, 256), Image.Resampling.NEAREST).getcolors(64) is not None


def _encode(
    frame: Image.Image, kind: EvidenceKind, target: tuple[int, int] | None, quality: int
) -> bytes:
    """Encode one upright frame, reduced to `target` when given, for img2pdf."""
    work = _eight_bit(frame)
    lossless = work.mode == "1" or (kind.embed == "lossless" and _few_colours(work))
    if target is not None and work.mode != "1":
        work = work.resize(target, Image.Resampling.LANCZOS)
    if work.mode == "RGB" and _looks_grey(work):
        work = work.convert("L")
    buf = io.BytesIO()
    if lossless or work.mode == "1":
        work.save(buf, "PNG")
    elif work.mode == "CMYK":
        work.save(buf, "TIFF", compression="tiff_adobe_deflate")  # PNG cannot hold CMYK
    elif target is None and kind.embed == "lossless":
        work.save(buf, "PNG")  # kept at its own resolution, and kept exact
    else:
        subsampling = 0 if kind.embed == "photo" else 2  # HEIC: colours stay where they were
        work.save(buf, "JPEG", quality=quality, subsampling=subsampling)
    return buf.getvalue()


def _layout() -> object:
    return img2pdf.get_layout_fun(
        pagesize=A4, border=(MARGIN, MARGIN), fit=img2pdf.FitMode.into, auto_orient=False
    )


def verify(img: Image.Image) -> None:
    """Decode every frame of `img` in full: a truncated or damaged image raises OSError here.

    A JPEG is decoded at 1/8 scale: that still reads every byte of its compressed data (a
    truncated file still fails) in a fraction of the time (Pillow's draft mode; others ignore it).
    """
    frames = getattr(img, "n_frames", 1)
    img.draft(img.mode, (max(1, img.width // 8), max(1, img.height // 8)))
    for n in range(frames):
        img.seek(n)
        img.load()
    img.seek(0)


def encode(img: Image.Image, kind: EvidenceKind, options: ImageOptions) -> tuple[bytes, ...] | None:
    """Return every frame of `img` upright, reduced and encoded for the page; None when the file
    itself goes in as it is (a JPEG or PNG within the target, upright, without transparency).

    Decoding here reads every byte of the image, so a truncated or damaged one raises OSError.
    """
    frames = getattr(img, "n_frames", 1)
    target = _target(upright_size(img), _AREA, options.dpi) if frames == 1 else None
    rotate = img.getexif().get(0x0112, 1) not in (1, None)
    plain = img.mode in ("RGB", "L", "CMYK", "P", "1") and not _has_alpha(img)
    if kind.as_is and frames == 1 and not rotate and plain and target is None:
        verify(img)
        return None
    if target is not None:
        _draft(img, target, rotate)
    out = []
    for n in range(frames):
        img.seek(n)
        img.load()
        frame = ImageOps.exif_transpose(img) if rotate else img
        out.append(_encode(frame, kind, target, options.quality))
    return tuple(out)


def image_pages(path: Path, frames: tuple[bytes, ...] | None) -> bytes:
    """Return A4 pages (PDF) showing the encoded `frames`, or the file at `path` as it is."""
    source: object = list(frames) if frames is not None else str(path)
    data: bytes = img2pdf.convert(source, layout_fun=_layout(), rotation=img2pdf.Rotation.none)
    return data


def _draft(img: Image.Image, target: tuple[int, int], rotate: bool) -> None:
    """Let a JPEG decode at the smallest scale still at least `target` (a quarter turn swaps it)."""
    w, h = target
    if rotate and upright_size(img) != img.size:
        w, h = h, w
    img.draft(img.mode, (w, h))


def pair_page(images: Sequence[bytes | Path]) -> bytes:
    """Return one A4 page with two landscape photos, one above the other, each filling its half.

    Each image is an encoded frame (`encode`) or a file that goes in as it is.
    """
    half = (_AREA[0], (_AREA[1] - _GAP) / 2)
    out = pikepdf.new()
    page = out.add_blank_page(page_size=A4)
    for n, image in enumerate(images):
        data = img2pdf.convert(str(image) if isinstance(image, Path) else image)
        with pikepdf.open(io.BytesIO(data)) as single:
            top = A4[1] - MARGIN - n * (half[1] + _GAP)
            rect = pikepdf.Rectangle(MARGIN, top - half[1], MARGIN + half[0], top)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                page.add_overlay(single.pages[0], rect)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class OnPreviousPage:
    """A source of no pages, for an entry whose photo shares the page before (`pair_page`).

    The bundle's plan points such an entry's bookmark and contents line at that page.
    """

    page_count: int = 0
    reaches_bottom: bool = False
    on_previous_page: bool = True

    def open(self) -> pikepdf.Pdf:
        """Return an empty document: the page was added with the entry before."""
        return pikepdf.new()
