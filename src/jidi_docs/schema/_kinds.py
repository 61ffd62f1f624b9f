"""The kinds of 佐证材料 file accepted, written once: how each is named, recognised and opened.

Every stage that meets an evidence file reads this table: the bundle (`jidi_docs.pdf`, which
sniffs, decodes and embeds the file), ``extract``'s refusal of a scan passed instead of a Word
document, and the portal (which kinds an upload may be, the file picker's ``accept``, the name a
stored upload gets). Adding a kind is one entry here; a kind Pillow cannot open by itself also
names the plug-in that teaches it (``opener``).

Files are judged by their content, never by their name: `sniff_kind` reads the magic bytes. The
extensions are only for the file picker, the stored name of an upload, and telling a user who
passed a scan to ``extract`` what the file is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EVIDENCE_KINDS",
    "HEAD_BYTES",
    "EvidenceKind",
    "accept_attribute",
    "allowed_kinds_text",
    "evidence_kind",
    "kind_labels",
    "kind_of_name",
    "sniff_kind",
]

#: Bytes of a file's start that `sniff_kind` needs. Why 1024: the PDF reference allows junk
#: before ``%PDF-`` and readers accept it within the first kilobyte, as Acrobat does.
HEAD_BYTES = 1024

#: One signature: every (offset, bytes) pair must match; offset None means "anywhere in the
#: first `HEAD_BYTES`".
Signature = tuple[tuple[int | None, bytes], ...]


@dataclass(frozen=True)
class EvidenceKind:
    """One kind of evidence file.

    Attributes:
        key: the stable identifier (``pdf``, ``jpeg`` …), as `EvidencePdf.kind` reports it.
        label: the name users know it by (``JPG``, ``HEIC``), in messages and the portal.
        extensions: lower-case, the usual one first (the name a stored upload gets).
        mime: the media type, for the portal's file picker and downloads.
        signatures: the magic bytes; any one signature recognises the kind.
        decoder: ``pdf`` (pikepdf: pages copied as they are) or ``image`` (Pillow: every frame
            decoded, then placed on A4 pages).
        embed: how an image's pixels go into the PDF when they must be re-encoded (reduced,
            turned upright, flattened; `jidi_docs.pdf._images`): ``jpeg`` (JPEG at
            ``ImageOptions.quality``), ``photo`` (the same without chroma subsampling, so
            colours stay where they were) or ``lossless`` (PNG while kept at its own
            resolution or when it has few colours, a screenshot or a form; reduced, a photo
            becomes a JPEG). A bilevel scan stays PNG and CMYK is TIFF, whatever the kind.
            ``as_is`` images may also be copied untouched by img2pdf when they need no change.
        as_is: img2pdf can embed the file's own compressed data unchanged.
        opener: ``module:function`` to call once before Pillow can open the kind (a plug-in),
            or None when Pillow reads it by itself.
    """

    key: str
    label: str
    extensions: tuple[str, ...]
    mime: str
    signatures: tuple[Signature, ...]
    decoder: Literal["pdf", "image"] = "image"
    embed: Literal["jpeg", "photo", "lossless"] = "lossless"
    as_is: bool = False
    opener: str | None = None

    def matches(self, head: bytes) -> bool:
        """Return True when a file starting with `head` is of this kind."""
        return any(
            all(
                (part in head[:HEAD_BYTES]) if at is None else head[at : at + len(part)] == part
                for at, part in signature
            )
            for signature in self.signatures
        )

    @property
    def is_image(self) -> bool:
        """True for a picture (placed on A4 pages), False for a PDF (pages kept as they are)."""
        return self.decoder == "image"


#: ISO-BMFF brands of HEIC/HEIF images (iPhone photos and others).
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")

#: The accepted kinds, in the order messages list them. Sniffing tries the fixed-offset
#: signatures first, so a JPEG whose metadata happens to contain ``%PDF-`` stays a JPEG.
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = (
    EvidenceKind("pdf", "PDF", (".pdf",), "application/pdf", (((None, b"%PDF-"),),), decoder="pdf"),
    EvidenceKind(
        "jpeg",
        "JPG",
        (".jpg", ".jpeg"),
        "image/jpeg",
        (((0, b"\xff\xd8\xff"),),),
        embed="jpeg",
        as_is=True,
    ),
    EvidenceKind("png", "PNG", (".png",), "image/png", (((0, b"\x89PNG\r\n\x1a\n"),),), as_is=True),
    EvidenceKind(
        "tiff", "TIFF", (".tif", ".tiff"), "image/tiff", (((0, b"II*\x00"),), ((0, b"MM\x00*"),))
    ),
    EvidenceKind("webp", "WebP", (".webp",), "image/webp", (((0, b"RIFF"), (8, b"WEBP")),)),
    EvidenceKind(
        "heif",
        "HEIC",
        (".heic", ".heif"),
        "image/heic",
        tuple(((4, b"ftyp"), (8, brand)) for brand in _HEIF_BRANDS),
        embed="photo",
        opener="pillow_heif:register_heif_opener",
    ),
)


def _anywhere(kind: EvidenceKind) -> bool:
    return any(at is None for signature in kind.signatures for at, _ in signature)


def sniff_kind(head: bytes) -> EvidenceKind | None:
    """Return the kind of file whose first bytes (`HEAD_BYTES` of them) are `head`, or None."""
    ordered = sorted(EVIDENCE_KINDS, key=_anywhere)  # stable: fixed offsets first
    return next((kind for kind in ordered if kind.matches(head)), None)


def evidence_kind(key: str) -> EvidenceKind:
    """Return the kind whose key is `key`.

    Raises:
        KeyError: no such kind.
    """
    for kind in EVIDENCE_KINDS:
        if kind.key == key:
            return kind
    raise KeyError(key)


def kind_of_name(name: str) -> EvidenceKind | None:
    """Return the kind a file name's extension says (``照片.HEIC`` → HEIC), or None."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return next((kind for kind in EVIDENCE_KINDS if suffix in kind.extensions), None)


def kind_labels(*, images: bool | None = None) -> list[str]:
    """Return the kinds' labels in table order: all, only the images, or only the others."""
    return [k.label for k in EVIDENCE_KINDS if images is None or k.is_image == images]


def allowed_kinds_text() -> str:
    """Return the sentence saying what is accepted, e.g. ``只接受 PDF 文件和 JPG、PNG 图片（…）``."""
    documents = "、".join(kind_labels(images=False))
    return f"只接受 {documents} 文件和 {'、'.join(kind_labels(images=True))} 图片（扫描件、照片）"


def accept_attribute() -> str:
    """Return the value of a file input's ``accept`` for the accepted kinds.

    Extensions and media types are both listed (browsers match either), and ``image/*`` too when
    any image kind is accepted: with it, phones offer the camera.
    """
    parts = [ext for kind in EVIDENCE_KINDS for ext in kind.extensions]
    parts += [kind.mime for kind in EVIDENCE_KINDS]
    if any(kind.is_image for kind in EVIDENCE_KINDS):
        parts.append("image/*")
    return ",".join(dict.fromkeys(parts))
