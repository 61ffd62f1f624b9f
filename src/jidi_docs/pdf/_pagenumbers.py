"""Page numbers ``— n —`` in a band at the bottom of each page, which nothing else may occupy.

Numbers follow GB/T 9704, in 10.5 pt of an embedded subset of the forms' Latin serif
(`jidi_docs.pdf._numberfont`), centred 8 mm above the bottom edge of the page as displayed (a page
with ``/Rotate`` gets its number upright). The band is 15 mm high: image scans are placed with
15 mm margins, and pages that may reach the edge (evidence PDFs) are first shrunk about their top
centre until they clear it — scaled, never covered.

Why appended content streams: ``q``/``Q`` around each page's old content plus one small stream
with one shared font object is the cheapest stamp measured (``benchmarks/bundle.py``).
"""

from __future__ import annotations

import pikepdf

from ._numberfont import number_font

__all__ = ["BAND", "number_pages"]

_MM = 72 / 25.4
_FONT_SIZE = 10.5
_NUMBER_BASELINE = 8 * _MM
#: Height of the bottom band that holds only the page number.
BAND = 15 * _MM


def number_pages(
    pdf: pikepdf.Pdf,
    unnumbered: int,
    shrink: set[int],
    *,
    stop: int | None = None,
    first: int = 1,
    font: pikepdf.Object | None = None,
) -> pikepdf.Object:
    """Draw ``— n —`` at the bottom centre of every page after the first `unnumbered` ones.

    The pages in `shrink` (0-based) are first scaled about their top centre to clear the band.
    Pages from index `stop` on are left as they are; the first numbered page gets `first`.
    Returns the font object used, which a later call on the same `pdf` can be given as `font`
    (why: the evidence pages are numbered ahead of the forms, `jidi_docs.pdf._assemble.Tail`).
    """
    spec = number_font()
    font = spec.pdf_object(pdf) if font is None else font
    opening = pdf.make_stream(b"q\n")  # one shared stream: saves the old graphics state
    shrinking: dict[bytes, pikepdf.Stream] = {}  # one stream per page frame, shared
    pages = pdf.pages if stop is None else pdf.pages[:stop]
    for index, page in enumerate(pages):
        if index < unnumbered:
            continue
        label = f"— {first + index - unnumbered} —"
        name = page.add_resource(font, pikepdf.Name.Font, prefix="JidiPN")
        a, b, c, d, e, f, visual_width, visual_height = _visual_frame(page)
        x = (visual_width - spec.width(label, _FONT_SIZE)) / 2
        if index in shrink:
            matrix = _shrink_matrix(a, b, c, d, e, f, visual_width, visual_height)
            if matrix not in shrinking:
                shrinking[matrix] = pdf.make_stream(matrix)
            page.contents_add(shrinking[matrix], prepend=True)
        stream = (
            b"Q\nq\n"
            + f"{a:g} {b:g} {c:g} {d:g} {e:.3f} {f:.3f} cm\n".encode()
            + f"BT {name} {_FONT_SIZE:g} Tf 0 g {x:.3f} {_NUMBER_BASELINE:.3f} Td (".encode()
            + spec.encode(label)
            + b") Tj ET\nQ\n"
        )
        page.contents_add(opening, prepend=True)
        page.contents_add(pdf.make_stream(stream), prepend=False)
    return font


def _shrink_matrix(
    a: float, b: float, c: float, d: float, e: float, f: float, width: float, height: float
) -> bytes:
    """Return the ``cm`` operator that scales a page, as displayed, to clear the bottom band.

    The scale is about the top centre of the displayed page, so the content keeps its top edge and
    stays centred. In user space the operator is F⁻¹·S·F, F being the visual frame (a…f).
    """
    s = (height - BAND) / height
    frame = pikepdf.Matrix(a, b, c, d, e, f)
    scale = pikepdf.Matrix(s, 0, 0, s, width * (1 - s) / 2, BAND)
    m = frame.inverse() @ scale @ frame
    return f"{m.a:.6f} {m.b:.6f} {m.c:.6f} {m.d:.6f} {m.e:.3f} {m.f:.3f} cm\n".encode()


def _visual_frame(
    page: pikepdf.Page,
) -> tuple[float, float, float, float, float, float, float, float]:
    """Return the cm matrix from upright (as displayed) page space to user space, width, height.

    Why: a page with ``/Rotate`` is displayed turned; the number must sit at the bottom of the page
    as the reader sees it, upright.
    """
    box = page.obj.get("/CropBox", page.mediabox)
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    w, h = x1 - x0, y1 - y0
    if rotate == 90:
        return 0, 1, -1, 0, x1, y0, h, w
    if rotate == 180:
        return -1, 0, 0, -1, x1, y1, w, h
    if rotate == 270:
        return 0, -1, 1, 0, x0, y1, h, w
    return 1, 0, 0, 1, x0, y0, w, h
