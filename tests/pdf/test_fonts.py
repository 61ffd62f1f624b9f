"""LibreOffice's own font replacement table alone gives every form font its SC face.

Windows and macOS LibreOffice ignore fontconfig, so there the table in the private profile is all
there is. Here, on Linux, our fontconfig aliases are switched off to prove the table alone works.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import jidi_docs
from jidi_docs._resources import TEMPLATE_NAMES, template_path
from jidi_docs.pdf import _fonts, _soffice
from jidi_docs.pdf._convert import SofficeConverter
from jidi_docs.pipeline._bundle import bundle
from pdfhelpers import copy_example, non_sc_glyphs, pdffonts, write_docx

#: The names the issue lists, with the Noto face of their style.
FORM_FONTS = {
    "宋体": "NotoSerifCJK",
    "仿宋": "NotoSerifCJK",
    "仿宋_GB2312": "NotoSerifCJK",
    "楷体": "NotoSerifCJK",
    "黑体": "NotoSansCJK",
    "方正小标宋简体": "NotoSerifCJK",
    "SimSun": "NotoSerifCJK",
    "FangSong": "NotoSerifCJK",
    "KaiTi": "NotoSerifCJK",
    "SimHei": "NotoSansCJK",
    "微软雅黑": "NotoSansCJK",
}
TEXT = "跨境电商人才社会培训基地认定骨直角关"
OOR = "{http://openoffice.org/2001/registry}"


@pytest.fixture
def without_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice sees the system's fontconfig only: none of our aliases."""
    system = Path(_soffice.SYSTEM_FONTCONFIG)
    monkeypatch.setattr(_soffice, "write_fontconfig", lambda d: system)


def _docs(folder: Path) -> list[Path]:
    return [write_docx(folder / f"{i:02d}.docx", TEXT, font=f) for i, f in enumerate(FORM_FONTS)]


@pytest.mark.soffice
def test_every_form_font_gets_its_sc_face_from_the_table_alone(
    soffice: str, without_fontconfig: None, tmp_path: Path
) -> None:
    # Not merged: each PDF then carries the fonts of its own document only.
    with SofficeConverter(merge=False) as conv:
        pdfs = conv.convert(_docs(tmp_path), tmp_path / "out")

    for font, pdf in zip(FORM_FONTS, pdfs, strict=True):
        fonts = pdffonts(pdf)
        other = "NotoSansCJK" if FORM_FONTS[font] == "NotoSerifCJK" else "NotoSerifCJK"
        assert FORM_FONTS[font] in fonts, (font, fonts)
        assert other not in fonts, (font, fonts)
        telling, wrong = non_sc_glyphs(pdf)
        assert len(telling) >= 3, font
        assert wrong == [], font


@pytest.mark.soffice
def test_control_without_the_table_serif_fonts_come_out_sans(
    soffice: str, without_fontconfig: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above can fail: with neither mapping, 宋体 falls back to a sans face."""
    monkeypatch.setattr(_fonts, "write_substitution_table", lambda p: p.mkdir(parents=True))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no used profile to copy

    with SofficeConverter(merge=False) as conv:
        (pdf,) = conv.convert(_docs(tmp_path)[:1], tmp_path / "out")

    assert "NotoSerifCJK" not in pdffonts(pdf)


@pytest.fixture(scope="module")
def bundle_without_fontconfig(
    soffice: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    del soffice
    tmp = tmp_path_factory.mktemp("bundle")
    system = Path(_soffice.SYSTEM_FONTCONFIG)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_soffice, "write_fontconfig", lambda d: system)
        app = jidi_docs.load(copy_example(tmp / "申报"))
        yield bundle(app, tmp / "out")


@pytest.mark.soffice
@pytest.mark.slow
def test_the_bundle_embeds_simplified_chinese_fonts_only(bundle_without_fontconfig: Path) -> None:
    fonts = pdffonts(bundle_without_fontconfig)
    cjk = [line.split()[0] for line in fonts.splitlines()[2:] if "CJK" in line]

    assert any("NotoSerifCJK" in name for name in cjk)  # 宋体, 方正小标宋简体
    assert any("NotoSansCJK" in name for name in cjk)  # 黑体
    assert "Droid" not in fonts
    telling, wrong = non_sc_glyphs(bundle_without_fontconfig)
    assert len(telling) >= 50
    assert wrong == []


def _pairs(xcu: Path) -> dict[str, tuple[str, str]]:
    pairs = {}
    for node in ET.parse(xcu).getroot().iter("node"):
        props = {p.get(f"{OOR}name"): p.findtext("value") for p in node.iter("prop")}
        pairs[props["ReplaceFont"]] = (props["SubstituteFont"], props["Always"])
    return pairs


@pytest.mark.parametrize(
    ("platform", "songti", "heiti", "fangsong"),
    [
        ("darwin", "Songti SC", "Heiti SC", "Songti SC"),
        ("linux", "Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK SC"),
    ],
)
def test_the_table_names_the_fonts_each_os_has_and_every_pair_applies_always(
    tmp_path: Path, platform: str, songti: str, heiti: str, fangsong: str
) -> None:
    """macOS: only Songti SC and Heiti SC are installed with the system (Apple, "Fonts
    included with macOS"; STFangsong and Kaiti SC are Font Book downloads), so 仿宋/楷体 get
    Songti SC. ``Always`` on every pair: LibreOffice applies no other (see test_font_table)."""
    xcu = _fonts.write_substitution_table(tmp_path / "profile", platform=platform)

    pairs = _pairs(xcu)
    assert xcu == tmp_path / "profile" / "user" / "registrymodifications.xcu"
    assert pairs["方正小标宋简体"] == (songti, "true")
    assert pairs["黑体"] == (heiti, "true")
    assert pairs["仿宋_GB2312"] == (fangsong, "true")
    assert pairs["楷体"] == (fangsong, "true")
    assert {always for _, always in pairs.values()} == {"true"}


@pytest.mark.parametrize("supplemental", [True, False])
def test_windows_targets_depend_on_the_chinese_supplemental_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, supplemental: bool
) -> None:
    """Simulated Windows fonts folder. Source: Microsoft, "Language and region Features on
    Demand" (learn.microsoft.com/en-us/windows-hardware/manufacture/desktop/
    features-on-demand-language-fod): the Chinese (Simplified) Supplemental Fonts are DengXian,
    FangSong, KaiTi and SimHei; SimSun and Microsoft YaHei are in every Windows 10/11
    ("Windows 11 font list", learn.microsoft.com/en-us/typography/fonts/windows_11_font_list).
    File names simhei.ttf, simfang.ttf, simkai.ttf, Deng.ttf as Windows installs them."""
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    if supplemental:
        for name in ("simhei.ttf", "simfang.ttf", "simkai.ttf", "Deng.ttf"):
            (fonts / name).write_bytes(b"")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)

    pairs = _pairs(_fonts.write_substitution_table(tmp_path / "profile", platform="win32"))

    for kept in ("宋体", "SimSun", "微软雅黑", "Microsoft YaHei", "新宋体"):
        assert kept not in pairs  # every Windows has them: an Always pair would replace them
    assert pairs["方正小标宋简体"] == ("SimSun", "true")
    if supplemental:
        assert pairs["仿宋_GB2312"] == ("FangSong", "true")
        assert pairs["楷体_GB2312"] == ("KaiTi", "true")
        assert pairs["方正黑体简体"] == ("SimHei", "true")
        for kept in ("黑体", "SimHei", "仿宋", "FangSong", "楷体", "KaiTi", "等线", "DengXian"):
            assert kept not in pairs
    else:
        assert pairs["仿宋_GB2312"] == ("SimSun", "true")
        assert pairs["楷体"] == ("SimSun", "true")
        assert pairs["黑体"] == ("Microsoft YaHei", "true")
        assert pairs["SimHei"] == ("Microsoft YaHei", "true")


def test_every_east_asian_font_of_the_templates_has_an_entry() -> None:
    used = set()
    for name in TEMPLATE_NAMES:
        with zipfile.ZipFile(template_path(name)) as z:
            for part in ("word/document.xml", "word/styles.xml"):
                used.update(re.findall(r'w:eastAsia="([^"]+)"', z.read(part).decode("utf-8")))
    used -= {"zh-CN"}  # w:lang, not a font
    known = {name for names in _fonts.FORM_FONTS.values() for name in names}

    assert used
    assert used <= known
