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
bottom margin never covers the scan), at the resolution print needs (`jidi_docs.pdf._images`):
a JPEG that needs neither reducing, rotation nor flattening is embedded as is by img2pdf (no
re-encoding, no quality loss); EXIF orientation is applied to the pixels rather than through
``/Rotate``, because the page numbers are drawn in unrotated page space.
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
from typing import TYPE_CHECKING, Protocol

import pikepdf
from PIL import Image, UnidentifiedImageError

from .._fs import is_ours
from .._lazy import OnFirstUse
from ..errors import EvidenceError
from ..schema import HEAD_BYTES, EvidenceKind, allowed_kinds_text, evidence_kind, sniff_kind
from ._images import ImageOptions, encode, image_pages, pair_page, upright_size, verify
from ._paths import resolve_evidence_path

if TYPE_CHECKING:
    import img2pdf
else:
    # img2pdf (~50 ms to import) places images on pages: `check` only reads them.
    img2pdf = OnFirstUse("img2pdf")

__all__ = [
    "MAX_IMAGE_PIXELS",
    "EvidencePdf",
    "PageImage",
    "PairedImages",
    "decode_image",
    "load_evidence",
    "resolve_evidence_path",
]

logger = logging.getLogger(__name__)

#: Largest image accepted, in pixels; checked from the header, before any pixel is decoded.
MAX_IMAGE_PIXELS = 100_000_000

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
        page_count: number of pages it will add. A PDF is read again from `path` when opened,
            and an image placed on its pages then.
        repaired: True when the PDF was damaged and qpdf had to repair it.
        decoded: False for an image loaded with ``decode=False``: its header is checked, its
            pixels not yet (`decode_image`).
        images: how an image is reduced, encoded and laid out (`ImageOptions`); None: it
            is only checked (``check``, an upload), and placed as the defaults say if opened.
        size: an image's width and height as shown (upright), None for a PDF.
        frames: an image's frames as encoded for the page (reduced, upright), made when it was
            decoded; None when the file goes in as it is. Why keep them: decoding a phone photo
            is most of the work, and what is kept is about a tenth of the file.
    """

    entry: str | None
    path: Path
    kind: str
    page_count: int
    repaired: bool = False
    decoded: bool = True
    images: ImageOptions | None = None
    size: tuple[int, int] | None = None
    frames: tuple[bytes, ...] | None = field(default=None, repr=False)

    @property
    def reaches_bottom(self) -> bool:
        """True for a PDF, whose pages may be printed to the edge; images keep 15 mm margins."""
        return not evidence_kind(self.kind).is_image

    @property
    def is_landscape_photo(self) -> bool:
        """True for one image wider than high: it may share a page with another (`pair`)."""
        return self.size is not None and self.page_count == 1 and self.size[0] > self.size[1]

    def open(self) -> pikepdf.Pdf:
        """Return the pages as an open pikepdf document; the caller closes it."""
        if evidence_kind(self.kind).is_image:
            return pikepdf.open(io.BytesIO(image_pages(self.path, self._frames())))
        # Same call as in load_evidence: an empty user password opens "encrypted for printing" PDFs.
        return pikepdf.open(self.path, password="", access_mode=_READ)

    def _frames(self) -> tuple[bytes, ...] | None:
        """The frames as encoded for the page, when the file does not go in as it is.

        Decoded with `images` given, the image already knows (`frames`, None for a file that
        goes in as it is), so it is not decoded a second time here.
        """
        if self.frames is not None or (self.decoded and self.images is not None):
            return self.frames
        kind = evidence_kind(self.kind)
        with warnings.catch_warnings(), _open_image(self.path, kind) as img:
            warnings.simplefilter("ignore")  # checked when loaded; Pillow's notes are English
            return encode(img, kind, self.images or ImageOptions())

    def page_image(self) -> bytes | Path:
        """The one frame as encoded for the page, or the file when it goes in as it is."""
        frames = self._frames()
        return frames[0] if frames else self.path


class PageImage(Protocol):
    """Something that gives one image for a page (`EvidencePdf.page_image`)."""

    def page_image(self) -> bytes | Path:
        """The image as encoded for the page, or the file that goes in as it is."""
        ...


@dataclass(frozen=True)
class PairedImages:
    """Two landscape photos on one page, one above the other (`ImageOptions.two_per_page`)."""

    first: PageImage
    second: PageImage
    page_count: int = 1
    reaches_bottom: bool = False

    def open(self) -> pikepdf.Pdf:
        """Return the one page with both photos; the caller closes it."""
        images = [self.first.page_image(), self.second.page_image()]
        return pikepdf.open(io.BytesIO(pair_page(images)))


def load_evidence(
    path: str | PathLike[str],
    *,
    entry: str | None = None,
    decode: bool = True,
    name: str | None = None,
    images: ImageOptions | None = None,
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
        images: how an image is reduced, encoded and laid out (default: `ImageOptions()`).

    Raises:
        EvidenceError: the file is missing, empty, of a kind not accepted (by its content),
            needs a password, is damaged or truncated, has no page, or is an image over
            `MAX_IMAGE_PIXELS` (a decompression bomb); the message names the file.
    """
    path = Path(path)
    try:
        return _load(path, entry, decode=decode, images=images)
    except EvidenceError as e:
        if name is None:
            raise
        # The reason may quote the file as qpdf saw it; where it was stored is not the user's.
        reason = e.reason.replace(str(path), name)
        raise EvidenceError(reason, entry=entry, path=Path(name)) from e


def _load(
    path: Path, entry: str | None, *, decode: bool, images: ImageOptions | None
) -> EvidencePdf:
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
    if kind is None or _other_document(head) is not None:
        raise EvidenceError(_not_allowed_message(head), entry=entry, path=path)
    if not kind.is_image:
        return _load_pdf(path, entry)
    return _load_image(path, entry, kind, decode=decode, images=images)


def decode_image(evidence: EvidencePdf) -> EvidencePdf:
    """Return `evidence` with every pixel decoded and checked (an image loaded without).

    Raises:
        EvidenceError: the image is truncated or damaged.
    """
    if evidence.decoded:
        return evidence
    kind = evidence_kind(evidence.kind)
    return _load_image(evidence.path, evidence.entry, kind, images=evidence.images)


#: How other documents start, and what they are. A web page or a program that carries ``%PDF-``
#: in its first kilobyte is still no PDF: readers tolerate a few stray bytes before the header
#: (the reason `sniff_kind` looks that far), not a whole other document.
_OTHER_STARTS = (
    ((b"PK\x03\x04",), "Word/Excel 文档或压缩包"),
    ((b"\xd0\xcf\x11\xe0",), "旧版 Word/Excel 文档"),
    ((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe"), "程序（可执行文件）"),
    ((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<?xml", b"<svg"), "网页文件"),
    ((b"#!",), "脚本"),
)


def _other_document(head: bytes) -> str | None:
    """What the file really is when it starts as another kind of document does, else None."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:16]
    for starts, what in _OTHER_STARTS:
        if start.startswith(starts) or start.lower().startswith(starts):  # <HTML> as <html>
            return what
    return None


def _not_allowed_message(head: bytes) -> str:
    other = _other_document(head)
    if other is not None:
        what = f"它实际上是{' ' if other[:1].isascii() else ''}{other}"
    elif head.startswith((b"GIF8", b"BM", b"RIFF")):
        what = "它是一种不受支持的图片格式"
    else:
        what = "它的内容不是 PDF 或图片"
    return (
        f"文件类型不符合要求：{what}（按文件内容判断，与扩展名无关）。"
        f"{allowed_kinds_text()}，请另存为 PDF 或图片后再用。"
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
        # qpdf's own words (English, with the file's path) go to the log, not to the user
        logger.info("qpdf cannot open %s: %s", path, e)
        raise EvidenceError(
            "PDF 已损坏，无法读取。请重新扫描或导出该文件。", entry=entry, path=path
        ) from e
    with pdf:
        try:
            pages = len(pdf.pages)
        except pikepdf.PdfError as e:
            logger.info("qpdf cannot read the pages of %s: %s", path, e)
            raise EvidenceError("PDF 已损坏，无法读取页面。", entry=entry, path=path) from e
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
    path: Path,
    entry: str | None,
    kind: EvidenceKind,
    *,
    decode: bool = True,
    images: ImageOptions | None = None,
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
        frames = None
        try:
            pages = getattr(img, "n_frames", 1)
            size = upright_size(img)
            if decode:
                with warnings.catch_warnings():  # Pillow's English notes; damage raises below
                    warnings.simplefilter("ignore")
                    # For a bundle, the one decoding also makes the frames for the page.
                    if images is None:
                        verify(img)
                    else:
                        frames = encode(img, kind, images)
        except (OSError, SyntaxError, ValueError, EOFError, img2pdf.ImageOpenError) as e:
            raise _damaged(entry, path, e) from e
    return EvidencePdf(
        entry=entry,
        path=path,
        kind=kind.key,
        page_count=pages,
        decoded=decode,
        images=images,
        size=size,
        frames=frames,
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
