"""The Chinese fonts each operating system has, and which of them stands in for each style.

Data, chosen by the platform's name (`jidi_docs._platform` passes it): the font replacement
table (`jidi_docs.pdf._fonts`) must name only fonts the system has, and must leave those alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

#: Windows' Chinese fonts, each with the other name Windows lists it under: those of every
#: Windows 10/11, and the Chinese (Simplified) Supplemental Fonts (a Feature on Demand that comes
#: with the Chinese language, so not on every Windows), found by their files in the fonts folder.
_WINDOWS_BASE = {
    "SimSun": "宋体",
    "NSimSun": "新宋体",
    "Microsoft YaHei": "微软雅黑",
    "Microsoft YaHei UI": "",
}
_WINDOWS_SUPPLEMENTAL = {
    "SimHei": ("黑体", "simhei.ttf"),
    "FangSong": ("仿宋", "simfang.ttf"),
    "KaiTi": ("楷体", "simkai.ttf"),
    "DengXian": ("等线", "Deng.ttf"),
}


def _windows_font_folders(environ: Mapping[str, str]) -> list[Path]:
    """The user's (when `environ` names it) and the machine's font folders on Windows."""
    folders = []
    local = environ.get("LOCALAPPDATA")
    if local:  # fonts a user installed for themselves (Windows 10 1809 and later)
        folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    folders.append(
        Path(environ.get("WINDIR") or environ.get("SystemRoot") or r"C:\Windows") / "Fonts"
    )
    return folders


def font_folders(environ: Mapping[str, str], home: Path) -> list[Path]:
    """The usual font folders of every OS, those of this one among them (the others are not
    there): Windows' (`environ` names them), macOS's (the user's under `home`), Linux's."""
    return [
        *_windows_font_folders(environ),
        home / "Library" / "Fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        Path("/System/Library/Fonts/Supplemental"),
        Path("/usr/share/fonts"),
    ]


def system_cjk_fonts(platform: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The Chinese fonts `platform` has without anyone installing them, each with its other
    (Chinese) name, or ""; for Windows, those of this computer (`environ` names its folders).

    Sources: Microsoft's font lists ("Windows 11 font list", and the Chinese (Simplified)
    Supplemental Fonts among the Features on Demand); Apple's "Fonts included with macOS";
    Debian's ``fonts-noto-cjk`` for Linux (installed by the install script).
    """
    if platform == "win32":
        folders = _windows_font_folders(environ)
        found = dict(_WINDOWS_BASE)
        for family, (chinese, file) in _WINDOWS_SUPPLEMENTAL.items():
            if any((folder / file).is_file() for folder in folders):
                found[family] = chinese
        return found
    if platform == "darwin":
        return {"Songti SC": "宋体-简", "Heiti SC": "黑体-简"}
    return {"Noto Serif CJK SC": "", "Noto Sans CJK SC": ""}


def cjk_faces(platform: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The installed Simplified-Chinese font of each style form fonts come in, on `platform`
    (``win32``, ``darwin`` or ``linux``).

    Styles: ``serif`` (宋体, 方正小标宋简体 …), ``fangsong``, ``kai`` and ``sans`` (黑体, 微软雅黑 …).
    Only fonts the system has (`system_cjk_fonts`), so the table never names a missing font:

    - Windows: SimHei, FangSong and KaiTi where the Chinese supplemental fonts are installed;
      otherwise 黑体 becomes Microsoft YaHei and 仿宋/楷体 SimSun (serif, the nearer shape).
    - macOS: of its Chinese fonts only Songti SC and Heiti SC come with the system (STFangsong
      and Kaiti SC are downloads in Font Book), so 仿宋 and 楷体 become Songti SC.
    - Linux: Noto CJK SC (``fonts-noto-cjk``).
    """
    if platform == "win32":
        have = system_cjk_fonts(platform, environ)
        return {
            "serif": "SimSun",
            "fangsong": "FangSong" if "FangSong" in have else "SimSun",
            "kai": "KaiTi" if "KaiTi" in have else "SimSun",
            "sans": "SimHei" if "SimHei" in have else "Microsoft YaHei",
        }
    if platform == "darwin":
        songti = "Songti SC"
        return {"serif": songti, "fangsong": songti, "kai": songti, "sans": "Heiti SC"}
    serif = "Noto Serif CJK SC"
    return {"serif": serif, "fangsong": serif, "kai": serif, "sans": "Noto Sans CJK SC"}
