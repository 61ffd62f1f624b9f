"""How every LibreOffice of ours runs: its flags, environment, fonts and (cached) profile, and
what we say when there is none.

Why a cached profile: LibreOffice's first start with an empty profile sets it up (extension
registry, render tests …), about 10% more CPU than a start with a used one. What matters of the
first profile made on a computer is kept (`jidi_docs._cache`, keyed by the LibreOffice program and
the font replacement table) and later profiles start as copies of it; each run still has its own
folder. A LibreOffice started ahead (`SofficeConverter.prestart`) needs such a copy.

Why a fontconfig file: the forms use Windows fonts (宋体, 仿宋_GB2312, 黑体, 方正小标宋简体 …). Without
an alias, fontconfig picks Noto *Sans* CJK for 宋体; our ``fonts/fonts.conf`` maps each one to the Noto
CJK **SC** face of the same style (serif or sans). It is layered over the system configuration via
``FONTCONFIG_FILE``, for the soffice process only.

Why a temporary folder of our own: LibreOffice keeps a folder there (``lu….tmp``) and removes it
only when it exits by itself; one we stop (started ahead, a timeout, Ctrl-C) would leave it in the
user's temporary folder. In the converter's scratch folder, `SofficeConverter.close` removes it.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import shutil
from pathlib import Path

from .. import _cache, _platform
from . import _fonts

__all__ = [
    "FLAGS",
    "SOCKETS",
    "environment",
    "missing_message",
    "seed_profile",
    "store_profile",
    "write_fontconfig",
]

#: How every soffice of ours runs: no window, no recovery or start dialogs, no lock check.
FLAGS = ("--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck")

#: In the name of the request socket a LibreOffice listens on, and leaves behind when it is
#: killed (Linux, macOS: ``/tmp/OSL_PIPE_<user>_SingleOfficeIPC_<hash>``).
SOCKETS = "SingleOfficeIPC"

SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"
#: The `jidi_docs._cache` kind of the used LibreOffice profile new profiles are copied from.
_PROFILES = "soffice-profile"
#: What of a used profile saves a new one its set-up: settings, extension registry, render tests
#: done (LibreOffice makes the rest, ~40 folders, faster than we copy and delete them).
_PROFILE_KEPT = (
    "user/registrymodifications.xcu",
    "user/extensions",
    "user/GraphicsRenderTests.log",
)


def environment(fontconfig: Path, scratch: Path) -> dict[str, str]:
    """Our environment, with `fontconfig` as the fontconfig file and `scratch` (made here) as
    the temporary folder."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(fontconfig)
    scratch.mkdir(exist_ok=True)
    for name in ("TMPDIR", "TMP", "TEMP"):  # Unix reads the first, Windows the others
        env[name] = str(scratch)
    return env


def _profile_key(soffice: str) -> str:
    """The cache entry of a used profile: LibreOffice's program files and our font table."""
    program = Path(soffice).resolve()
    stamps = [_fonts.substitution_table()]
    for path in (program, program.with_name("soffice.bin")):
        with contextlib.suppress(OSError):
            info = path.stat()
            stamps.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return _cache.key(*stamps)


def seed_profile(soffice: str, profile: Path) -> bool:
    """Make `profile` a copy of the cached used profile of `soffice`; False when there is none."""
    seed = _cache.folder(_PROFILES, _profile_key(soffice))
    if seed is None:
        return False
    try:
        shutil.copytree(seed, profile)
    except (OSError, shutil.Error):
        shutil.rmtree(profile, ignore_errors=True)
        return False
    return True


def store_profile(soffice: str, profile: Path) -> None:
    """Keep what matters of `profile`, just set up by `soffice`, for later profiles."""
    _cache.store_folder(_PROFILES, _profile_key(soffice), profile, only=_PROFILE_KEPT)


def write_fontconfig(directory: Path) -> Path:
    """Write a fontconfig file layering our CJK aliases over the system config; return it."""
    ours = directory / "jidi-fonts.conf"
    ours.write_text(
        importlib.resources.files("jidi_docs").joinpath("fonts/fonts.conf").read_text("utf-8"),
        encoding="utf-8",
    )
    main = directory / "fonts.conf"
    main.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f'  <include ignore_missing="yes">{SYSTEM_FONTCONFIG}</include>\n'
        f"  <include>{ours}</include>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return main


def missing_message(search: _platform.SofficeSearch) -> str:
    """The Chinese message for LibreOffice not found: the places tried and how to install it."""
    if search.chosen is not None:
        head = f"{search.chosen}不是 LibreOffice 程序（soffice）。请检查路径，"
        head += "可以指定 soffice 程序本身、LibreOffice 的安装文件夹或 LibreOffice.app。"
    else:
        head = "未找到 LibreOffice（soffice），无法把 Word 文档转换为 PDF。"
    tried = "\n".join(f"  - {place}" for place in search.tried)
    return f"{head}\n已查找：\n{tried}\n安装方法：{_platform.install_hint()}"
