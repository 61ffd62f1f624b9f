"""Store identical images and embedded font programs of a merged PDF once.

Why: the same image or font program copied from several sources, or the same file used by two
evidence entries, would otherwise be stored as often as it is used. Streams are grouped by size,
then by content hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["StreamIndex", "deduplicate_streams"]

Streams = dict[int, dict[tuple[int, int], pikepdf.Object]]


@dataclass
class StreamIndex:
    """The distinct streams a `deduplicate_streams` pass kept, by length, for a later pass.

    Why: a big bundle's evidence is merged and deduplicated while LibreOffice converts the
    forms (`jidi_docs.pdf._assemble.merge_tail`); the pass over the pages put in front of it
    then compares their streams with these instead of walking the thousand pages again.
    """

    by_length: Streams = field(default_factory=dict)


def _iter_resource_streams(
    pages: Iterable[pikepdf.Page],
) -> Iterator[tuple[pikepdf.Dictionary, str, pikepdf.Object]]:
    """Yield (holder dict, key, stream) for page images/forms and embedded font programs."""
    seen_dicts: set[tuple[int, int]] = set()
    for page in pages:
        res = page.obj.get("/Resources")
        if res is None:
            continue
        xobjects = res.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary) and _first_visit(xobjects, seen_dicts):
            for key in list(xobjects.keys()):
                obj = xobjects[key]
                if isinstance(obj, pikepdf.Stream):
                    yield xobjects, key, obj
        fonts = res.get("/Font")
        if fonts is not None:
            for key in list(fonts.keys()):
                font = fonts[key]
                for desc in _font_descriptors(font):
                    if not _first_visit(desc, seen_dicts):
                        continue
                    for fkey in ("/FontFile", "/FontFile2", "/FontFile3"):
                        stream = desc.get(fkey)
                        if isinstance(stream, pikepdf.Stream):
                            yield desc, fkey, stream


def _font_descriptors(font: pikepdf.Object) -> list[pikepdf.Dictionary]:
    if not isinstance(font, pikepdf.Dictionary):
        return []
    found = []
    for holder in [font, *font.get("/DescendantFonts", [])]:
        desc = holder.get("/FontDescriptor") if isinstance(holder, pikepdf.Dictionary) else None
        if isinstance(desc, pikepdf.Dictionary):
            found.append(desc)
    return found


def _first_visit(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    if not obj.is_indirect:
        return True
    key = obj.objgen
    if key in seen:
        return False
    seen.add(key)
    return True


def deduplicate_streams(
    pdf: pikepdf.Pdf,
    *,
    pages: Iterable[pikepdf.Page] | None = None,
    also: StreamIndex | None = None,
    index: StreamIndex | None = None,
) -> int:
    """Point every reference to a duplicate image/font stream at one shared copy; return how many.

    Args:
        pdf: the merged PDF.
        pages: only the streams these pages of `pdf` use (default: every page).
        also: the streams an earlier pass over other pages of `pdf` kept; a stream equal to one
            of them is replaced by it (and they themselves are left as they are).
        index: filled with the streams this pass kept, for a later pass's `also`.

    Why grouped by length first: hashing is then limited to streams that could be equal, so the
    common case (all different) costs one length lookup per stream.
    """
    refs = list(_iter_resource_streams(pdf.pages if pages is None else pages))
    # Many references share one stream (every page of a scan batch uses the same image);
    # group distinct streams only, by length, so equal content is hashed at most once each.
    by_len: Streams = {n: dict(kept) for n, kept in (also.by_length if also else {}).items()}
    for _, _, stream in refs:
        if stream.is_indirect:
            by_len.setdefault(int(stream.get("/Length", -1)), {})[stream.objgen] = stream
    replacement: dict[tuple[int, int], pikepdf.Object] = {}
    for streams in by_len.values():
        if len(streams) < 2:
            continue
        canonical: dict[tuple[str, bytes], pikepdf.Object] = {}
        for objgen, stream in streams.items():
            meta = repr(
                sorted((k, repr(v)) for k, v in stream.stream_dict.items() if k != "/Length")
            )
            first = canonical.setdefault(
                (meta, hashlib.sha256(stream.read_raw_bytes()).digest()), stream
            )
            if first.objgen != objgen:
                replacement[objgen] = first
    replaced = 0
    for holder, key, stream in refs:
        target = replacement.get(stream.objgen) if stream.is_indirect else None
        if target is not None:
            holder[key] = target
            replaced += 1
    if index is not None:
        index.by_length = {
            n: {g: st for g, st in streams.items() if g not in replacement}
            for n, streams in by_len.items()
        }
    return replaced
