"""Facts about text every stage shares: what a .docx cannot hold, and how wide text shows.

Why one module: the loader removes these characters (with a warning) and the form writer removes
them again from values that did not come through the loader; both must agree on the set. The
scaffold's comments and the 汇总 tables line text up by the same display width.
"""

from __future__ import annotations

import re

__all__ = ["MERGE_UP", "XML_FORBIDDEN", "XML_FORBIDDEN_CLASS", "display_width", "is_wide"]

#: A context value equal to this marker means "merge this table cell into the cell above".
#: `FormTemplate` turns such cells into vertical merges (w:vMerge); user text never contains it.
MERGE_UP = "\ue000"

#: Characters XML 1.0 forbids, so a .docx cannot hold them: C0 controls except tab, LF and CR,
#: lone surrogates, U+FFFE and U+FFFF. (A character class body, for building larger classes.)
XML_FORBIDDEN_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"

#: One of the characters XML 1.0 forbids.
XML_FORBIDDEN = re.compile(f"[{XML_FORBIDDEN_CLASS}]")

#: The first code point shown two cells wide: U+2E80, the start of the CJK radicals, and after it
#: the CJK symbols, kana, hangul, ideographs and full-width forms.
_WIDE_FROM = 0x2E80


def is_wide(ch: str) -> bool:
    """True when `ch` takes two Latin character cells (a CJK character or full-width form)."""
    return ord(ch) >= _WIDE_FROM


def display_width(text: str) -> int:
    """Return how many Latin character cells `text` takes: a CJK character counts as two."""
    return sum(2 if is_wide(ch) else 1 for ch in text)
