"""Check one 佐证材料 file and turn it into PDF pages the assembler can append.

Only the kinds of `jidi_docs.schema.EVIDENCE_KINDS` are accepted (PDFs, and scans as phones and
scanners make them: JPEG, PNG, TIFF including multi-page, WebP, HEIC/HEIF), judged by their content
(magic bytes), never by the extension: a Word file renamed ``.pdf`` is refused with a message
saying what is allowed. The table says how each kind is decoded; this module does it. Every image is decoded
completely before it is embedded, so a truncated scan is refused instead of printing grey; 16-bit,
palette and CMYK images are converted with their tones kept (a 16-bit grey scan is scaled to 8
bits, not clipped to white).

Following pypdf's rule for bad input: damaged but readable PDFs are repaired by qpdf and produce a
logged Chinese warning; empty, unreadable, password-protected or zero-page files raise
`EvidenceError`, which names the 佐证材料 entry and the file.

Images are placed on portrait A4 pages with 15 mm margins (so the page number printed later in the
bottom margin never covers the scan). A JPEG that needs neither rotation nor flattening is embedded
as is by img2pdf (no re-encoding, no quality loss); EXIF orientation is applied to the pixels rather
than through ``/Rotate``, because the page numbers are drawn in unrotated page space.
"""

from __future__ import annotations

import importlib
import io
import logging
import re
import warnings
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import cast

import img2pdf
import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

from .._fs import is_ours
from ..errors import EvidenceError
from ..schema import HEAD_BYTES, EvidenceKind, allowed_kinds_text, evidence_kind, sniff_kind
from ._paths import resolve_evidence_path

__all__ = [
    "MAX_IMAGE_PIXELS",
    "EvidencePdf",
    "decode_image",
    "load_evidence",
    "resolve_evidence_path",
]

logger = logging.getLogger(__name__)

#: Largest image accepted, in pixels; checked from the header, before any pixel is decoded.
MAX_IMAGE_PIXELS = 100_000_000

_MM = 72 / 25.4
_A4 = (210 * _MM, 297 * _MM)
_MARGIN = 15 * _MM

#: How evidence PDFs are opened. Why not pikepdf's default (mmap): a mapped file counts in full
#: towards the process's memory as soon as its pages are copied, 50 MiB for 50 MiB of evidence;
#: plain reads keep the merge at about 1 MiB over the data actually held (benchmarks/bundle.py).
_READ = pikepdf.AccessMode.stream


@dataclass(frozen=True)
class EvidencePdf:
    """One checked evidence file, ready to be appended as PDF pages.

    Attributes:
        entry: the 佐证材料 entry name the file belongs to (for messages), if any.
        path: the original file.
        kind: what the content really is: the key of its `EvidenceKind` (``pdf``, ``jpeg`` …).
        page_count: number of pages it will add.
        data: the generated PDF for an image that had to be re-encoded (turned upright or
            flattened); None otherwise: a PDF is read again from `path`, and an image embedded
            as is is wrapped again by img2pdf when opened (a few ms), so a thousand scans are
            never all held in memory at once.
        repaired: True when the PDF was damaged and qpdf had to repair it.
        decoded: False for an image loaded with ``decode=False``: its header is checked, its
            pixels not yet (`decode_image`).
    """

    entry: str | None
    path: Path
    kind: str
    page_count: int
    data: bytes | None = field(default=None, repr=False)
    repaired: bool = False
    decoded: bool = True

    @property
    def reaches_bottom(self) -> bool:
        """True for a PDF, whose pages may be printed to the edge; images keep 15 mm margins."""
        return not evidence_kind(self.kind).is_image

    def open(self) -> pikepdf.Pdf:
        """Return the pages as an open pikepdf document; the caller closes it."""
        if self.data is not None:
            return pikepdf.open(io.BytesIO(self.data))
        kind = evidence_kind(self.kind)
        if kind.is_image:
            with warnings.catch_warnings(), _open_image(self.path, kind) as img:
                warnings.simplefilter("ignore")  # checked when loaded; Pillow's notes are English
                data, _ = _image_to_pdf(img, self.path, kind)
            return pikepdf.open(io.BytesIO(data))
        # Same call as in load_evidence: an empty user password opens "encrypted for printing" PDFs.
        return pikepdf.open(self.path, password="", access_mode=_READ)


def load_evidence(
    path: str | PathLike[str],
    *,
    entry: str | None = None,
    decode: bool = True,
    name: str | None = None,
) -> EvidencePdf:
    """Return `path` checked and ready to append, with its page count.

    This is how the bundle opens every evidence file, and how the portal checks an upload: the
    file's kind is sniffed from its content (`jidi_docs.schema.sniff_kind`), a PDF is opened and
    its pages counted, an image has every pixel decoded.

    Args:
        path: the file.
        entry: the 佐证材料 entry it belongs to, named in messages.
        decode: False to check an image from its header only (kind, size, frames); call
            `decode_image` before appending it. Why: decoding every pixel is most of the work
            for a folder of phone photos, and a bundle does it while LibreOffice converts.
        name: how messages name the file (default: `path`), e.g. the name an upload had on the
            user's computer when `path` is where it was stored.

    Raises:
        EvidenceError: the file is missing, empty, of a kind not accepted (by its content),
            needs a password, is damaged or truncated, has no page, or is an image over
            `MAX_IMAGE_PIXELS` (a decompression bomb); the message names the file.
    """
    path = Path(path)
    try:
        return _load(path, entry, decode=decode)
    except EvidenceError as e:
        if name is None:
            raise
        # The reason may quote the file as qpdf saw it; where it was stored is not the user's.
        reason = e.reason.replace(str(path), name)
        raise EvidenceError(reason, entry=entry, path=Path(name)) from e


def _load(path: Path, entry: str | None, *, decode: bool) -> EvidencePdf:
    if not path.is_file():
        raise EvidenceError(
            "文件不存在。请检查路径是否写对（路径相对于申报文件所在的文件夹）。",
            entry=entry,
            path=path,
        )
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError as e:
        raise EvidenceError(f"文件无法读取（{e.strerror}）。", entry=entry, path=path) from e
    if not head:
        raise EvidenceError(
            f"文件是空的（0 字节）。{allowed_kinds_text()}。", entry=entry, path=path
        )
    if is_ours(path):
        raise EvidenceError(
            "这是 jidi-docs 生成的文件（申报材料或表格），不能再作为佐证材料。"
            "请引用原始的扫描件或 PDF。",
            entry=entry,
            path=path,
        )
    kind = sniff_kind(head)
    if kind is None:
        raise EvidenceError(_not_allowed_message(head), entry=entry, path=path)
    if not kind.is_image:
        return _load_pdf(path, entry)
    return _load_image(path, entry, kind, decode=decode)


def decode_image(evidence: EvidencePdf) -> EvidencePdf:
    """Return `evidence` with every pixel decoded and checked (an image loaded without).

    Raises:
        EvidenceError: the image is truncated or damaged.
    """
    if evidence.decoded:
        return evidence
    return _load_image(evidence.path, evidence.entry, evidence_kind(evidence.kind))


def _not_allowed_message(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        what = "它实际上是 Word/Excel 文档或压缩包"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        what = "它实际上是旧版 Word/Excel 文档"
    elif head.startswith((b"GIF8", b"BM", b"RIFF")):
        what = "它是一种不受支持的图片格式"
    else:
        what = "它的内容不是 PDF 或图片"
    return (
        f"文件类型不符合要求：{what}（按文件内容判断，与扩展名无关）。"
        f"{allowed_kinds_text()}，请另存为 PDF 后再引用。"
    )


def _load_pdf(path: Path, entry: str | None) -> EvidencePdf:
    try:
        pdf = pikepdf.open(path, password="", access_mode=_READ)
    except pikepdf.PasswordError as e:
        raise EvidenceError(
            "PDF 已加密，需要密码才能打开。请提供未加密的版本（例如用阅读器「打印为 PDF」另存一份）。",
            entry=entry,
            path=path,
        ) from e
    except pikepdf.PdfError as e:
        raise EvidenceError(
            f"PDF 已损坏，无法读取（{e}）。请重新扫描或导出该文件。", entry=entry, path=path
        ) from e
    with pdf:
        try:
            pages = len(pdf.pages)
        except pikepdf.PdfError as e:
            raise EvidenceError(f"PDF 已损坏，无法读取页面（{e}）。", entry=entry, path=path) from e
        repaired = bool(pdf.get_warnings())
    if pages == 0:
        raise EvidenceError("PDF 中没有任何页面。请重新导出该文件。", entry=entry, path=path)
    if repaired:
        logger.warning(
            "佐证材料「%s」的文件 %s：PDF 有损坏，已尽量修复并读出 %d 页，请核对页面是否完整。",
            entry,
            path,
            pages,
        )
    return EvidencePdf(entry=entry, path=path, kind="pdf", page_count=pages, repaired=repaired)


def _open_image(path: Path, kind: EvidenceKind) -> Image.Image:
    if kind.opener:  # a Pillow plug-in, imported only when a file of its kind is met
        module, _, function = kind.opener.partition(":")
        getattr(importlib.import_module(module), function)()
    # Pillow warns above ~89 MP and refuses above ~179 MP; our own limit is checked after,
    # from the header alone, so its bomb warning is not ours to pass on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the bomb warning, corrupt EXIF …: English, not ours
        return Image.open(path)


def _damaged(entry: str | None, path: Path, e: BaseException) -> EvidenceError:
    truncated = "truncated" in str(e) or isinstance(e, EOFError)
    what = "图片不完整（文件被截断）" if truncated else "图片已损坏"
    return EvidenceError(
        f"{what}，无法完整读出，没有放进申报材料。请重新扫描或重新导出该文件。",
        entry=entry,
        path=path,
    )


def _load_image(
    path: Path, entry: str | None, kind: EvidenceKind, *, decode: bool = True
) -> EvidencePdf:
    try:
        img = _open_image(path, kind)
    except Image.DecompressionBombError as e:
        found = re.search(r"\((\d+) pixels\)", str(e))
        raise _too_big(entry, path, None, int(found.group(1)) if found else None) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as e:
        raise _damaged(entry, path, e) from e
    with img:
        w, h = img.size
        if w * h > MAX_IMAGE_PIXELS:
            raise _too_big(entry, path, (w, h))
        if w == 0 or h == 0:
            raise EvidenceError("图片的宽或高为 0。", entry=entry, path=path)
        if not decode:
            try:
                pages = getattr(img, "n_frames", 1)
            except (OSError, SyntaxError, ValueError, EOFError) as e:
                raise _damaged(entry, path, e) from e
            return EvidencePdf(
                entry=entry, path=path, kind=kind.key, page_count=pages, decoded=False
            )
        try:
            with warnings.catch_warnings():  # Pillow's English notes; damage raises below
                warnings.simplefilter("ignore")
                data, reencoded = _image_to_pdf(img, path, kind, decode=True)
            pages = getattr(img, "n_frames", 1)
        except (OSError, SyntaxError, ValueError, EOFError, img2pdf.ImageOpenError) as e:
            raise _damaged(entry, path, e) from e
    return EvidencePdf(
        entry=entry, path=path, kind=kind.key, page_count=pages, data=data if reencoded else None
    )


def _too_big(
    entry: str | None, path: Path, size: tuple[int, int] | None, pixels: int | None = None
) -> EvidenceError:
    if size:
        dims = f"{size[0]}×{size[1]}（约 {size[0] * size[1] / 1e6:.0f} 百万像素）"
    elif pixels:
        dims = f"约 {pixels / 1e6:.0f} 百万像素"
    else:
        dims = "远超上限"
    return EvidenceError(
        f"图片太大：{dims}，上限为 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素。"
        "请把扫描分辨率降到 300 dpi 左右后重新保存。",
        entry=entry,
        path=path,
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
    if img.mode in ("RGB", "L", "CMYK"):
        return img
    return img.convert("RGB")


def _frame_bytes(frame: Image.Image, kind: EvidenceKind) -> bytes:
    """Encode one upright, flattened frame for img2pdf: JPEG for photos, lossless otherwise."""
    has_alpha = frame.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        frame.mode == "P" and "transparency" in frame.info
    )
    if has_alpha:
        rgba = frame.convert("RGBA")
        work = Image.new("RGB", rgba.size, "white")
        work.paste(rgba, mask=rgba.getchannel("A"))
    else:
        work = _eight_bit(frame)
    buf = io.BytesIO()
    if kind.embed == "jpeg":
        work.save(buf, "JPEG", quality=92)
    elif kind.embed == "photo":  # no chroma subsampling, so colours stay where they were
        work.save(buf, "JPEG", quality=95, subsampling=0)
    elif work.mode == "CMYK":
        work.save(buf, "TIFF", compression="tiff_adobe_deflate")  # PNG cannot hold CMYK
    else:
        work.save(buf, "PNG")
    return buf.getvalue()


def _image_to_pdf(
    img: Image.Image, path: Path, kind: EvidenceKind, *, decode: bool = False
) -> tuple[bytes, bool]:
    """Return A4 PDF pages showing `img` (every frame), and whether it had to be re-encoded.

    With `decode`, every frame is decoded in full first: a truncated or damaged image raises
    here (OSError) instead of being embedded with a grey lower half.
    """
    frames = getattr(img, "n_frames", 1)
    if decode:
        if kind.as_is and frames == 1 and img.getexif().get(0x0112, 1) in (1, None):
            # Embedded as is, so its pixels are not used: a JPEG decoded at 1/8 scale still reads
            # every byte of the compressed data (a truncated file still fails) in half the time
            # (Pillow's draft mode; other formats ignore it).
            img.draft(img.mode, (max(1, img.width // 8), max(1, img.height // 8)))
        for n in range(frames):
            img.seek(n)
            img.load()
        img.seek(0)
    orientation = img.getexif().get(0x0112, 1)
    rotate = orientation not in (1, None)
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    plain_mode = img.mode in ("RGB", "L", "CMYK", "P", "1")
    layout = img2pdf.get_layout_fun(
        pagesize=_A4, border=(_MARGIN, _MARGIN), fit=img2pdf.FitMode.into, auto_orient=False
    )
    if kind.as_is and frames == 1 and not rotate and not has_alpha and plain_mode:
        # Fast path: img2pdf copies the JPEG (or PNG) data into the PDF untouched.
        data = img2pdf.convert(str(path), layout_fun=layout, rotation=img2pdf.Rotation.none)
        return data, False
    pages = []
    for n in range(frames):
        img.seek(n)
        img.load()
        frame = ImageOps.exif_transpose(img) if rotate else img
        pages.append(_frame_bytes(frame, kind))
    data = img2pdf.convert(pages, layout_fun=layout, rotation=img2pdf.Rotation.none)
    return data, True
