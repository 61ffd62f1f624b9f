"""Predict how many pages the two filled forms will have, so a bundle needs one LibreOffice start.

Why: the contents page prints where each part starts, which depends on the forms' page counts,
which only LibreOffice knows after converting them. Converting the forms first and the cover
second costs a second LibreOffice start (about a second, 40% of a bundle). Instead the cover is
laid out with predicted counts and converted in the same call as the forms; when LibreOffice
gives other counts the cover alone is converted again (`jidi_docs.pipeline._bundle`).

Predictions, best first:
1. the counts LibreOffice gave for the very same form bytes earlier in this process (a portal or
   a batch rebuilding an application);
2. the counts in the previous 申报材料.pdf in the output folder (its bookmarks give where each
   form starts), as a rebuild after a small edit usually keeps them;
3. the counts last seen in this process for any application (forms of one batch look alike);
4. the page counts of the bundled example's forms.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

__all__ = ["FormPages", "predict", "remember"]

#: Page counts of (附件2, 附件1).
FormPages = tuple[int, int]

#: Where nothing else is known: the forms of the bundled example (附件2 4 pages, 附件1 2 pages).
_DEFAULT: FormPages = (4, 2)
_MAX_REMEMBERED = 512

_by_content: OrderedDict[str, FormPages] = OrderedDict()
_last: list[FormPages] = []


def _key(forms: tuple[bytes, bytes]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for data in forms:
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def remember(forms: tuple[bytes, bytes], pages: FormPages) -> None:
    """Record that LibreOffice made `pages` pages of the forms whose .docx bytes are `forms`."""
    key = _key(forms)
    _by_content[key] = pages
    _by_content.move_to_end(key)
    while len(_by_content) > _MAX_REMEMBERED:
        _by_content.popitem(last=False)
    _last[:] = [pages]


def predict(
    forms: tuple[bytes, bytes], previous: Path | None, titles: tuple[str, str]
) -> FormPages:
    """Return the predicted page counts of the forms whose .docx bytes are `forms`.

    Args:
        forms: the filled 附件2 and 附件1 (.docx bytes).
        previous: the bundle built before into the same folder, if any.
        titles: the bookmark titles of 附件2 and 附件1 in that bundle.
    """
    known = _by_content.get(_key(forms))
    if known is not None:
        return known
    if previous is not None and previous.is_file():
        counted = _from_bundle(previous, titles)
        if counted is not None:
            return counted
    return _last[0] if _last else _DEFAULT


def _from_bundle(path: Path, titles: tuple[str, str]) -> FormPages | None:
    """Return the forms' page counts in a bundle we wrote, read from its bookmarks; None if unsure."""
    import pikepdf

    try:
        with pikepdf.open(path, access_mode=pikepdf.AccessMode.stream) as pdf:
            with pdf.open_outline() as outline:
                starts = []
                for item in outline.root:
                    dest = item.destination
                    if not isinstance(dest, pikepdf.Array) or len(dest) == 0:
                        return None
                    starts.append((item.title, pdf.pages.index(pikepdf.Page(dest[0]))))
            total = len(pdf.pages)
    except (pikepdf.PdfError, OSError, ValueError, TypeError, AttributeError):  # not ours
        return None
    names = [title for title, _ in starts]
    if titles[0] not in names or titles[1] not in names:
        return None
    bounds = [start for _, start in starts] + [total]
    counts = []
    for title in titles:
        i = names.index(title)
        counts.append(bounds[i + 1] - bounds[i])
    if min(counts) < 1:
        return None
    return counts[0], counts[1]
