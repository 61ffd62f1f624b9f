"""The page-number font: a serif TrueType font cut down to the digits, the space and the em dash.

Why: a print shop's preflight (and PDF/A) wants every font embedded; the standard Helvetica the
numbers used to be set in is not. Subsetting with fontTools keeps the embedded program to about
2 KB. The face is the Latin serif LibreOffice sets the forms' digits in (Liberation Serif, metric
twin of Times New Roman), found through fontconfig or in LibreOffice's own font folder, so the
numbers match the forms.

Why an on-disk cache (`jidi_docs._cache`, keyed by the font file's path, size and time): importing
fontTools and subsetting cost about 0.4 s of CPU, a fifth of our own work in a bundle.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf

from .. import _cache
from ..errors import BundleError
from ._fontindex import font_folders

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

__all__ = ["NumberFont", "font_folders", "number_font"]

#: Every character a page number ``— 12 —`` uses.
TEXT = "0123456789 —"
#: Faces tried in order: what LibreOffice puts for Times New Roman, the name itself, a fallback.
_FAMILIES = ("Liberation Serif", "Times New Roman", "DejaVu Serif")
_FILES = ("LiberationSerif-Regular.ttf", "times.ttf", "Times New Roman.ttf", "DejaVuSerif.ttf")
#: Single-byte codes of the font (WinAnsiEncoding: the em dash is 0x97).
_FIRST, _LAST = 32, 151


@dataclass(frozen=True)
class NumberFont:
    """A subset TrueType program and the metrics a PDF font dictionary needs (1/1000 em)."""

    name: str
    program: bytes
    widths: dict[str, int]
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def width(self, text: str, size: float) -> float:
        """Return the advance width of `text` at `size` points."""
        return sum(self.widths[c] for c in text) * size / 1000

    def encode(self, text: str) -> bytes:
        """Return `text` in the font's encoding (WinAnsi)."""
        return text.encode("cp1252")

    def pdf_object(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """Return a new indirect /TrueType font dictionary in `pdf`, the program embedded."""
        program = pdf.make_stream(self.program)
        program.Length1 = len(self.program)
        descriptor = pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/" + self.name),
            Flags=2 | 32,  # serif, non-symbolic (its glyphs are found through WinAnsi names)
            FontBBox=list(self.bbox),
            ItalicAngle=0,
            Ascent=self.ascent,
            Descent=self.descent,
            CapHeight=self.cap_height,
            StemV=80,
            FontFile2=program,
        )
        codes = bytes(range(_FIRST, _LAST + 1)).decode("cp1252", errors="replace")
        return pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.TrueType,
                BaseFont=pikepdf.Name("/" + self.name),
                FirstChar=_FIRST,
                LastChar=_LAST,
                Widths=[self.widths.get(c, 0) for c in codes],
                Encoding=pikepdf.Name.WinAnsiEncoding,
                FontDescriptor=pdf.make_indirect(descriptor),
                ToUnicode=pdf.make_stream(self._to_unicode()),
            )
        )

    def _to_unicode(self) -> bytes:
        pairs = "".join(f"<{self.encode(c).hex().upper()}> <{ord(c):04X}>\n" for c in TEXT)
        return (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
            f"{len(TEXT)} beginbfchar\n{pairs}endbfchar\n"
            "endcmap\nCMapName currentdict /CIDFont defineresource pop\nend\nend\n"
        ).encode("ascii")


def _fontconfig_files() -> Iterator[Path]:
    """Yield the files fontconfig gives for each family it really has (not a substitute)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return
    for family in _FAMILIES:
        try:
            out = subprocess.run(
                [fc_match, "-f", "%{family}\n%{file}", f"{family}:style=Regular"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        families, _, file = out.partition("\n")
        if family in families.split(",") and file:
            yield Path(file)


def _folder_files() -> list[Path]:
    """Return candidate files in the font folders (`font_folders`)."""
    return [folder / name for folder in font_folders() for name in _FILES]


def _subset(path: Path) -> NumberFont | None:
    """Return the subset of the font at `path`, or None when it is no TrueType with our glyphs."""
    from fontTools.ttLib import TTFont, TTLibError  # 0.3 s to import: only on a cache miss

    try:
        font = TTFont(str(path), recalcTimestamp=False, fontNumber=0)
    except (OSError, TTLibError):
        return None
    with font:
        return _subset_of(font, path)


def _subset_of(font: TTFont, path: Path) -> NumberFont | None:
    from fontTools import subset

    cmap = font.getBestCmap() or {}
    if "glyf" not in font or any(ord(c) not in cmap for c in TEXT):
        return None
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = [1, 2, 3, 4, 6]
    options.drop_tables += ["DSIG", "GSUB", "GPOS", "GDEF", "kern", "morx", "feat", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=TEXT)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    program = out.getvalue()

    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = {c: round(font["hmtx"][cmap[ord(c)]][0] * scale) for c in TEXT}
    head, os2 = font["head"], font["OS/2"]
    base = font["name"].getDebugName(6) or path.stem
    digest = hashlib.sha256(program).digest()
    tag = "".join(chr(65 + b % 26) for b in digest[:6])
    return NumberFont(
        name=f"{tag}+{base.replace(' ', '')}",
        program=program,
        widths=widths,
        bbox=(
            round(head.xMin * scale),
            round(head.yMin * scale),
            round(head.xMax * scale),
            round(head.yMax * scale),
        ),
        ascent=round(os2.sTypoAscender * scale),
        descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
    )


@lru_cache(maxsize=1)
def number_font() -> NumberFont:
    """Return the page-number font, subset once per process.

    Raises:
        BundleError: none of the serif fonts LibreOffice installs is on this computer.
    """
    for path in _candidates():
        try:
            stat = path.stat()
        except OSError:
            continue
        name = _cache.key("number-font", TEXT, str(path), str(stat.st_size), str(stat.st_mtime_ns))
        font = _from_json(_cache.read("fonts", name))
        if font is None:
            font = _subset(path)
            if font is not None:
                _cache.write("fonts", name, _to_json(font))
        if font is not None:
            return font
    raise BundleError(
        "找不到页码所用的字体（Liberation Serif、Times New Roman 或 DejaVu Serif 之一）。"
        "这些字体随 LibreOffice 一起安装；请重新安装 LibreOffice，"
        "Debian/Ubuntu 上也可以运行 sudo apt-get install fonts-liberation2。"
    )


def _candidates() -> Iterator[Path]:
    yield from _fontconfig_files()
    yield from _folder_files()


def _to_json(font: NumberFont) -> bytes:
    fields = dataclasses.asdict(font)
    fields["program"] = base64.b64encode(font.program).decode("ascii")
    return json.dumps(fields).encode("utf-8")


def _from_json(data: bytes | None) -> NumberFont | None:
    """The font stored by `_to_json`, or None for no entry or a damaged one."""
    if data is None:
        return None
    try:
        fields: dict[str, Any] = json.loads(data)
        fields["program"] = base64.b64decode(fields["program"], validate=True)
        fields["bbox"] = tuple(fields["bbox"])
        font = NumberFont(**fields)
        font.width(TEXT, 1)
    except (ValueError, TypeError, KeyError):
        return None
    return font
