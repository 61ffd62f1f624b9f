"""The font replacement table each OS gets, applied by a real LibreOffice (issue: Windows/macOS).

LibreOffice applies a pair of its replacement table only when the pair is flagged ``Always``:
``DirectFontSubstitution::FindFontSubstitute`` (LibreOffice core,
``vcl/source/font/DirectFontSubstitution.cxx`` lines 40-53 at 7d31c6987b57, the ``find_if`` on
line 46 keeps entries with ``AddFontSubstituteFlags::ALWAYS`` only), and that flag is set from
the pair's ``Always`` alone (``svtools/source/config/fontsubstconfig.cxx``,
``ApplyFontSubstitutionsToVcl``). This lookup is vcl's own, the same on every OS, so it is tested
here for real.

What is simulated is the OS's fonts: Windows' SimSun, SimHei, FangSong, KaiTi, Microsoft YaHei
and macOS' Songti SC and Heiti SC are real font files made from Noto CJK SC under those names
(`fontfiles.make_font`), in a fontconfig without any alias or substitution rule, so only
LibreOffice's own matching and the table decide. A form font the user installed (方正小标宋简体)
is found by its family name in the fonts folder and left out of the table. Which fonts each OS has: Microsoft's "Windows 11
font list" (https://learn.microsoft.com/en-us/typography/fonts/windows_11_font_list) and
"Language and region Features on Demand"
(https://learn.microsoft.com/en-us/windows-hardware/manufacture/desktop/features-on-demand-language-fod:
the Chinese (Simplified) Supplemental Fonts are DengXian, FangSong, KaiTi, SimHei); Apple's
"Fonts included with macOS" lists (Songti SC, Heiti SC installed; STFangsong, Kaiti SC as
downloads), as summarised in W3C's https://w3c.github.io/clreq/others/system-font-mappings.html.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from fontfiles import fontconfig_without_aliases, make_font
from jidi_docs.pdf import _fontindex, _fonts, _soffice
from pdfhelpers import pdffonts, write_docx

pytestmark = [pytest.mark.soffice, pytest.mark.slow]

#: Drawn in every document: 骨直角关 have Simplified-Chinese forms unlike the Japanese ones.
TEXT = "跨境电商人才社会培训基地认定骨直角关"
#: The fonts the forms ask for that this test follows.
ASKED = ["宋体", "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体"]
#: Stand-ins for the OS fonts: family → (Noto shape, Chinese name, file name on that OS).
STANDINS = {
    "SimSun": ("Serif", "宋体", "simsun.otf"),
    "Microsoft YaHei": ("Sans", "微软雅黑", "msyh.otf"),
    "SimHei": ("Sans", "黑体", "simhei.ttf"),
    "FangSong": ("Serif", "仿宋", "simfang.ttf"),
    "KaiTi": ("Serif", "楷体", "simkai.ttf"),
    "Songti SC": ("Serif", "宋体-简", "Songti.otf"),
    "Heiti SC": ("Sans", "黑体-简", "Heiti.otf"),
    # Installed by the user; a sans stand-in, so its page tells it from SimSun's.
    "FZXiaoBiaoSong-B05S": ("Sans", "方正小标宋简体", "FZXBSJW.TTF"),
}
#: Each system: its platform code and the Chinese fonts it has.
SYSTEMS = {
    "windows-other": ("win32", ["SimSun", "Microsoft YaHei"]),
    "macos": ("darwin", ["Songti SC", "Heiti SC"]),
    # Chinese Windows (with the supplemental fonts) where the user installed 方正小标宋简体
    "windows-zh": (
        "win32",
        ["SimSun", "Microsoft YaHei", "SimHei", "FangSong", "KaiTi", "FZXiaoBiaoSong-B05S"],
    ),
}


@dataclass
class Result:
    """What one document came out as: the embedded fonts' names and the first page's pixels."""

    fonts: list[str]
    page: bytes


def _convert(folder: Path, docs: list[Path], fontconfig: Path, table: str | None) -> list[Result]:
    """Convert `docs` with LibreOffice in a fresh profile holding `table` (or none)."""
    profile = folder / "profile"
    if table is not None:
        xcu = profile / "user" / "registrymodifications.xcu"
        xcu.parent.mkdir(parents=True)
        xcu.write_text(table, encoding="utf-8")
    out = folder / "out"
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig)}
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            *_soffice.FLAGS,
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docs),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    results = []
    for doc in docs:
        pdf = out / f"{doc.stem}.pdf"
        names = [line.split()[0] for line in pdffonts(pdf).splitlines()[2:]]
        png = out / doc.stem
        subprocess.run(
            ["pdftoppm", "-r", "72", "-gray", "-png", "-singlefile", str(pdf), str(png)],
            check=True,
        )
        with Image.open(f"{png}.png") as image:
            page = image.tobytes()
        results.append(Result([n.partition("+")[2] or n for n in names], page))
    return results


@pytest.fixture(scope="module")
def standins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("standins")
    for family, (shape, chinese, file) in STANDINS.items():
        made = make_font(folder, family, shape=shape, text=TEXT, chinese=chinese)
        made.rename(folder / file)
    return folder


@pytest.fixture(scope="module")
def references(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """The same text asked for in Noto CJK SC itself (serif, sans), and in Japanese (control)."""
    del soffice
    folder = tmp_path_factory.mktemp("references")
    asked = {
        "serif": ("Noto Serif CJK SC", "zh-CN"),
        "sans": ("Noto Sans CJK SC", "zh-CN"),
        "serif-ja": ("Noto Serif CJK JP", "ja-JP"),
    }
    docs = [
        write_docx(folder / f"{key}.docx", TEXT, font=font, lang=lang)
        for key, (font, lang) in asked.items()
    ]
    conf = fontconfig_without_aliases(folder, [Path("/usr/share/fonts/opentype/noto")])
    return dict(zip(asked, _convert(folder / "run", docs, conf, None), strict=True))


def test_the_page_check_tells_serif_sans_and_japanese_forms_apart(references) -> None:
    """Control: the rendered pages differ by shape and by regional form, so comparing a page
    with a reference can fail."""
    pages = [references[k].page for k in ("serif", "sans", "serif-ja")]

    assert len(set(pages)) == 3


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_the_table_maps_every_form_font_to_a_simplified_chinese_font_of_its_shape(
    system: str,
    standins: Path,
    references: dict[str, Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    platform, families = SYSTEMS[system]
    windir = tmp_path / "Windows"  # the fonts folder the Windows table is chosen from
    (windir / "Fonts").mkdir(parents=True)
    for family in families:
        file = STANDINS[family][2]
        (windir / "Fonts" / file).symlink_to(standins / file)
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _fontindex.installed_families.cache_clear()  # the fonts installed are this test's
    conf = fontconfig_without_aliases(
        tmp_path, [windir / "Fonts", Path("/usr/share/fonts/opentype/noto")]
    )
    docs = [write_docx(tmp_path / f"d{i}.docx", TEXT, font=name) for i, name in enumerate(ASKED)]
    table = _fonts.substitution_table(platform)
    pairs = _fonts.substitutions(platform)
    always_on, always_off = (f'"Always" oor:op="fuse"><value>{v}<' for v in ("true", "false"))
    never = table.replace(always_on, always_off)  # the table as written before, on these OSes

    always = _convert(tmp_path / "always", docs, conf, table)
    not_always = _convert(tmp_path / "not-always", docs, conf, never)
    no_table = _convert(tmp_path / "none", docs, conf, None)

    by_chinese = {STANDINS[f][1]: f for f in families}
    for name, got in zip(ASKED, always, strict=True):
        family = pairs.get(name) or by_chinese[name]  # not in the table: the system has it
        assert family in families, (name, family)  # the table names only fonts there
        shape = STANDINS[family][0].lower()
        assert got.fonts == [f"{family.replace(' ', '')}-Proportional"], (name, got.fonts)
        assert got.page == references[shape].page, (name, family)
    # A pair without Always does nothing: exactly the result of no table at all …
    assert not_always == no_table
    fz = ASKED.index("方正小标宋简体")
    if "方正小标宋简体" in by_chinese:  # installed: left alone, LibreOffice uses the real one
        assert "方正小标宋简体" not in pairs
        assert always[fz] == no_table[fz]
    else:  # … and no table is not the forms' fonts
        assert always[fz] != no_table[fz]
    assert table.count(always_on) == len(pairs)  # every pair is written with Always
