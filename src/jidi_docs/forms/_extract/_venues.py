"""培训场地 in every shape people type it, each venue → 地址, 面积, 可容纳人数.

One venue per line or per row, several in one line separated by ``；`` ``;`` ``、`` (or simply
one after another), numbered (``1、`` ``（2）``) or not, with or without 面积, in the form our
template writes (``地址，面积 150 平方米，可容纳 60 人``) or loosely (``地址（150平方米，可容纳60人）``,
``地址 150㎡ 60人``). A venue whose 可容纳人数 cannot be found is not guessed: it is returned as a
problem so the caller can note it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["parse_venues"]

#: Exactly what `jidi_docs.forms._context` writes.
_TEMPLATE = re.compile(r"^(.*?)(?:，面积 (\d+(?:\.\d+)?) 平方米)?，可容纳 (\d+) 人$")

_NUMBERED = re.compile(r"^\s*(?:[（(]\s*\d{1,2}\s*[)）]|\d{1,2}\s*(?:[、,，)）]|[.．](?!\d)))\s*")
#: The end of one venue: its capacity, maybe inside a bracket.
_VENUE_END = re.compile(r"\d+\s*(?:人|座|位)\s*[)）]?")
_CAPACITY = re.compile(
    r"(?:可\s*容纳|容纳|可容|座位数?|人数)?\s*[:：]?\s*(\d+)\s*(?:人|座|位)(?!次)"
)
_AREA = re.compile(
    r"(?:面积|建筑面积|使用面积)?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(?:平方米|平米|平方|㎡|m²|m2)",
    re.IGNORECASE,
)
_EDGE = " \t，,；;、:：。（(）)-—"


def _chunks(text: str) -> list[str]:
    """Split a cell's text into one piece per venue."""
    pieces: list[str] = []
    for part in re.split(r"[\n；;]+", text):
        part = part.strip()
        start = 0
        for m in _VENUE_END.finditer(part):
            rest = part[m.end() :].strip(_EDGE)
            if rest and _VENUE_END.search(rest):
                pieces.append(part[start : m.end()])
                start = m.end()
        pieces.append(part[start:])
    return [p.strip(" \t，,、") for p in pieces if p.strip(_EDGE)]


def _clean_address(text: str) -> str:
    text = re.sub(r"[（(]\s*[，,、;；\s]*[)）]", "", text)  # a bracket left empty
    text = re.sub(r"(?:面积|可容纳|容纳)\s*[:：]?\s*$", "", text.strip())
    return text.strip(_EDGE)


def _one(piece: str) -> dict[str, str] | None:
    piece = _NUMBERED.sub("", piece, count=1).strip()
    if m := _TEMPLATE.match(piece):
        venue = {"地址": m[1].strip()}
        if m[2]:
            venue["面积"] = m[2]
        venue["可容纳人数"] = m[3]
        return venue if venue["地址"] else None
    loose = unicodedata.normalize("NFKC", piece)
    capacities = list(_CAPACITY.finditer(loose))
    if not capacities:
        return None
    cap = capacities[-1]
    rest = loose[: cap.start()] + " " + loose[cap.end() :]
    area = _AREA.search(rest)
    if area:
        rest = rest[: area.start()] + " " + rest[area.end() :]
    # The address as typed (not NFKC-folded) where it is a prefix of the piece.
    address = _clean_address(rest)
    if not address:
        return None
    typed = (
        piece[: len(address)]
        if unicodedata.normalize("NFKC", piece).startswith(address)
        else address
    )
    venue = {"地址": typed.strip(_EDGE)}
    if area:
        venue["面积"] = area[1]
    venue["可容纳人数"] = cap[1]
    return venue


def parse_venues(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Return the venues read from `text` and the pieces that could not be read."""
    venues: list[dict[str, str]] = []
    bad: list[str] = []
    for piece in _chunks(text):
        venue = _one(piece)
        if venue is None:
            bad.append(piece)
        else:
            venues.append(venue)
    return venues, bad
