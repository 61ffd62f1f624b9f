"""LibreOffice's own font replacement table for the fonts of Chinese government forms.

Why: the forms ask for Windows fonts (宋体, 黑体, 方正小标宋简体, 仿宋_GB2312 …) that a Mac, a
Linux server and many Windows PCs do not have (方正小标宋简体 is never installed by default).
LibreOffice then picks a fallback of its own, which may be a sans face for 宋体 or a Japanese
one. fontconfig aliases (``fonts/fonts.conf``) work on Linux only; LibreOffice's replacement table
(Tools ▸ Options ▸ Fonts, stored as ``/org.openoffice.Office.Common/Font/Substitution`` in the
profile's ``registrymodifications.xcu``) works on every OS, so each private profile gets it.

Every entry is written with ``Always`` set, on every OS: LibreOffice applies only such entries.
The table the options dialog shows has an "Always" column and entries without it look as if
they replaced a missing font, but the lookup (``DirectFontSubstitution::FindFontSubstitute`` in
LibreOffice's ``vcl/source/font/DirectFontSubstitution.cxx``) keeps only entries flagged
``AddFontSubstituteFlags::ALWAYS``, which ``svtools::ApplyFontSubstitutionsToVcl`` sets from
``Always`` alone; an entry without it changes nothing (tests/pdf/test_fonts.py shows both with a
real LibreOffice). The Simplified-Chinese face of the same style comes from
`jidi_docs._platform.cjk_faces` (SimSun/SimHei/FangSong/KaiTi on Windows, Songti SC … on macOS,
Noto CJK SC on Linux).
"""

from __future__ import annotations

from pathlib import Path

from .. import _platform
from . import _fontindex

__all__ = ["FORM_FONTS", "substitution_table", "substitutions", "write_substitution_table"]

#: Font names found in Chinese government forms, by style (the keys of `_platform.cjk_faces`).
FORM_FONTS: dict[str, tuple[str, ...]] = {
    "serif": (
        "宋体",
        "SimSun",
        "新宋体",
        "NSimSun",
        "方正小标宋简体",
        "方正小标宋_GBK",
        "FZXiaoBiaoSong-B05S",
        "华文中宋",
        "STZhongsong",
        "华文宋体",
        "STSong",
        "标宋",
        "小标宋",
    ),
    "fangsong": ("仿宋", "仿宋_GB2312", "FangSong", "FangSong_GB2312", "华文仿宋", "STFangsong"),
    "kai": ("楷体", "楷体_GB2312", "KaiTi", "KaiTi_GB2312", "华文楷体", "STKaiti"),
    "sans": (
        "黑体",
        "SimHei",
        "微软雅黑",
        "Microsoft YaHei",
        "Microsoft YaHei UI",
        "华文黑体",
        "STHeiti",
        "等线",
        "DengXian",
        "方正黑体简体",
        "方正黑体_GBK",
    ),
}

_SUBSTITUTION = "/org.openoffice.Office.Common/Font/Substitution"


def substitutions(platform: str | None = None) -> dict[str, str]:
    """Form font → installed Simplified-Chinese font of the same style, on `platform`
    (``win32``, ``darwin``, ``linux``; default: this OS).

    A font the system has under either of its names (SimHei/黑体, 微软雅黑 on Windows) is left
    alone, and so is one installed on this computer (a real 方正小标宋简体: the family names in
    the font folders, `jidi_docs.pdf._fontindex`; on Windows and macOS, where fontconfig's
    aliases do not apply): every entry is applied always, so one for it would replace the real
    font.
    """
    platform = platform or _platform.name()
    faces = _platform.cjk_faces(platform)
    system = _platform.system_cjk_fonts(platform)
    have = {*system, *system.values()} - {""}
    if platform in ("win32", "darwin"):
        have |= _fontindex.installed_families()
    return {
        name: faces[style]
        for style, names in FORM_FONTS.items()
        for name in names
        if name != faces[style] and name not in have
    }


def _escape(text: str) -> str:
    """`text` as XML character data. Why not ``xml.sax.saxutils``: it imports urllib (50 ms)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _prop(name: str, value: str) -> str:
    return f'<prop oor:name="{name}" oor:op="fuse"><value>{_escape(value)}</value></prop>'


def write_substitution_table(profile: Path, *, platform: str | None = None) -> Path:
    """Write the replacement table for `platform` (default: this OS) into the LibreOffice profile
    folder `profile`; return the file.

    Call it before LibreOffice first starts with the profile: LibreOffice keeps what it finds and
    adds its defaults around it.
    """
    xcu = profile / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir(parents=True, exist_ok=True)
    xcu.write_text(substitution_table(platform), encoding="utf-8")
    return xcu


def substitution_table(platform: str | None = None) -> str:
    """The ``registrymodifications.xcu`` holding only the replacement table, for `platform`."""
    pairs = "\n".join(
        f'<item oor:path="{_SUBSTITUTION}/FontPairs"><node oor:name="_{i}" oor:op="replace">'
        + _prop("Always", "true")
        + _prop("OnScreenOnly", "false")
        + _prop("ReplaceFont", name)
        + _prop("SubstituteFont", face)
        + "</node></item>"
        for i, (name, face) in enumerate(substitutions(platform).items())
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
        ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f'<item oor:path="{_SUBSTITUTION}">{_prop("Replacement", "true")}</item>\n'
        f"{pairs}\n"
        "</oor:items>\n"
    )
