"""Font files made for tests: real outlines under the family names another OS has.

Why: the font replacement table of Windows and macOS names SimSun, SimHei, Songti SC …, which
Linux does not have. Renaming a Noto CJK SC face (subset to the characters a test draws, glyph
ids kept) gives a real font LibreOffice and fontconfig see under that name, with glyphs whose
shape (serif or sans, Simplified Chinese) can be checked on the page.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

NOTO = Path("/usr/share/fonts/opentype/noto")
#: Face order inside the Noto CJK collections (fc-list %{index}).
SC_FACE = 2
#: Windows language id of names in Simplified Chinese (PRC).
ZH_CN = 0x804


def make_font(
    folder: Path, family: str, *, shape: str, text: str, chinese: str = "", face: int = SC_FACE
) -> Path:
    """Write ``<family>.otf`` into `folder`: the Noto `shape` (``Serif``/``Sans``) CJK face
    `face` reduced to `text`, named `family` (and `chinese` in Simplified Chinese, as Windows
    fonts carry both names); return its path."""
    font = TTFont(NOTO / f"Noto{shape}CJK-Regular.ttc", fontNumber=face)
    options = subset.Options()
    options.retain_gids = True  # glyph ids stay those of the collection (tests compare them)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    ps = family.replace(" ", "")
    name = font["name"]
    name.names = [n for n in name.names if n.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    for name_id, value in ((1, family), (2, "Regular"), (3, f"{ps}-test"), (4, family), (6, ps)):
        name.setName(value, name_id, 3, 1, 0x409)
    if chinese:
        name.setName(chinese, 1, 3, 1, ZH_CN)
        name.setName(chinese, 4, 3, 1, ZH_CN)
    cff = font["CFF "].cff
    cff.fontNames = [ps]
    for fd in cff.topDictIndex[0].FDArray:  # LibreOffice names the embedded font after these
        fd.FontName = f"{ps}-{fd.FontName.rsplit('-', 1)[-1]}"
    path = folder / f"{ps}.otf"
    font.save(path)
    return path


def fontconfig_without_aliases(folder: Path, font_dirs: list[Path]) -> Path:
    """Write a fontconfig file that knows the fonts in `font_dirs` and nothing else: no alias,
    no substitution rule, no system configuration; return it."""
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>{dirs}<cachedir>{folder / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return conf
