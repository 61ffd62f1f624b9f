"""Take out of a source PDF's pages whatever a viewer could run, open or launch.

Evidence PDFs come from outside, and the bundle built from them is opened by the office: a
page of a hostile evidence file must not bring JavaScript, an action that launches a program,
opens a web address, submits a form or imports data, an embedded file, or an XFA form along.

What a copied page can carry, and what is done with it:
- the page's own additional actions (``/AA``: run on opening or closing the page): removed;
- annotations that are themselves active or hold files (``/FileAttachment``, ``/Sound``,
  ``/Movie``, ``/Screen``, ``/RichMedia``, ``/3D``): removed;
- any annotation's action (``/A``) and additional actions (``/AA``): removed, except a plain
  ``/GoTo`` to a place in the document; a link left without a destination is removed;
- a form field's widget keeps its look (``/AP``) but loses its link to the field (``/Parent``),
  whose own actions and scripts would otherwise be copied along with it.

The document-level carriers (``/OpenAction``, the ``/JavaScript`` and ``/EmbeddedFiles`` name
trees, ``/AcroForm`` with its ``/XFA``) never reach the bundle: it is a new document that takes
pages only. The page's own content is unchanged; a removed annotation's icon (an attachment's
pin, a media frame) goes with it.
"""

from __future__ import annotations

import pikepdf

__all__ = ["make_inert"]

#: Annotations that play media, hold a file or run 3D/rich-media scripts.
_ACTIVE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
)


def make_inert(pdf: pikepdf.Pdf) -> int:
    """Remove every active element from the pages of `pdf` (in memory); return how many."""
    removed = 0
    for page in pdf.pages:
        page_dict = page.obj
        if "/AA" in page_dict:
            del page_dict["/AA"]
            removed += 1
        annots = page_dict.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            if annots is not None:
                del page_dict["/Annots"]
                removed += 1
            continue
        kept = pikepdf.Array()
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                removed += 1
                continue
            removed += _disarm(annot)
            subtype = annot.get("/Subtype")
            dead_link = subtype == "/Link" and "/A" not in annot and "/Dest" not in annot
            if subtype in _ACTIVE_ANNOTATIONS or dead_link:
                removed += 1
                continue
            kept.append(annot)
        page_dict.Annots = kept
    return removed


def _disarm(annot: pikepdf.Dictionary) -> int:
    """Strip one annotation's actions (keeping an in-document /GoTo); return how many."""
    removed = 0
    for key in ("/AA", "/Parent"):
        if key in annot:
            del annot[key]
            removed += key == "/AA"
    action = annot.get("/A")
    if action is not None and not _is_goto(action):
        del annot["/A"]
        removed += 1
    return removed


def _is_goto(action: pikepdf.Object) -> bool:
    """True for a lone go-to-a-page action (no chained /Next, no other document)."""
    return (
        isinstance(action, pikepdf.Dictionary)
        and action.get("/S") == "/GoTo"
        and "/Next" not in action
    )
