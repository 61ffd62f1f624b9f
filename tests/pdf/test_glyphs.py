"""Characters no installed font can draw are reported with their field, never dropped silently."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import jidi_docs
from fontfiles import make_font
from jidi_docs.pdf import _fontindex, _glyphs
from jidi_docs.pdf._glyphs import Coverage, installed_coverage, undrawable_warnings
from stressapp import example_data, stress_data


def app_with(**basic: str) -> jidi_docs.Application:
    data = example_data()
    data["基本情况"].update(basic)
    return jidi_docs.validate(data)


def test_coverage_ranges_answer_membership():
    cover = Coverage([(0x41, 0x5A), (0x4E00, 0x9FFF), (0x50, 0x60)])

    assert "A" in cover
    assert "`" in cover  # 0x60, merged into the first range
    assert "中" in cover
    assert "a" not in cover
    assert "🚀" not in cover


def test_each_undrawable_character_is_named_with_its_fields():
    app = app_with(单位名称="星辰🚀公司", 联系人="李四👩‍💻")
    fonts = Coverage([(0x20, 0x7E), (0x3000, 0x9FFF), (0xFF00, 0xFFEF), (0x2010, 0x2030)])

    warnings = [w for w in undrawable_warnings(app, fonts) if "U+1F" in w]

    assert warnings[0].startswith(
        "「基本情况 → 单位名称」中的“🚀”（U+1F680）没有任何已安装的字体能显示"
    )
    assert warnings[1].startswith("「基本情况 → 联系人」中的“👩”（U+1F469）")
    assert warnings[2].startswith("「基本情况 → 联系人」中的“💻”（U+1F4BB）")
    assert len(warnings) == 3  # the zero-width joiner between them draws nothing by design


def test_a_character_in_many_fields_is_one_warning_naming_three_and_the_count():
    data = stress_data(10)
    app = jidi_docs.validate(data)
    fonts = Coverage([(0, 0x1F000)])

    warnings = undrawable_warnings(app, fonts)

    rocket = [w for w in warnings if "🚀" in w]
    assert len(rocket) == 1
    assert rocket[0].count("「") == 3
    assert "等 " in rocket[0]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_installed_fonts_are_read_from_fontconfig_and_agree_with_fc_list():
    fonts = installed_coverage()

    for char in ("中", "A", "—", "🚀", "𠀀"):
        listed = subprocess.run(
            ["fc-list", f":charset={ord(char):x}", "family"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert (char in fonts) == bool(listed), char


def test_without_fontconfig_the_font_folders_are_read(monkeypatch):
    monkeypatch.setattr(_glyphs.shutil, "which", lambda name, **kwargs: None)
    _glyphs.installed_coverage.cache_clear()
    try:
        fonts = installed_coverage()
    finally:
        _glyphs.installed_coverage.cache_clear()

    assert "中" in fonts  # Noto CJK, as LibreOffice uses it
    assert "🚀" not in fonts


LIBERATION = Path("/usr/share/fonts/truetype/liberation2")


def test_without_fontconfig_a_second_run_reads_no_font_file_and_a_changed_one_again(
    tmp_path, monkeypatch
):
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in ("LiberationSans-Regular.ttf", "LiberationMono-Regular.ttf"):
        shutil.copyfile(LIBERATION / name, folder / name)
    (folder / "README.txt").write_text("not a font", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    read: list[str] = []
    real = _fontindex._read
    monkeypatch.setattr(_fontindex, "_read", lambda path: read.append(path.name) or real(path))

    def coverage() -> Coverage:
        return Coverage(_fontindex.folder_index([folder]).ranges)

    first = coverage()
    after_first, read[:] = sorted(read), []
    second = coverage()
    after_second = list(read)
    make_font(tmp_path, "Changed", shape="Sans", text="中文", chinese="改过")
    (tmp_path / "Changed.otf").replace(folder / "LiberationMono-Regular.ttf")  # new content
    third = coverage()
    families = _fontindex.folder_index([folder]).families

    assert after_first == ["LiberationMono-Regular.ttf", "LiberationSans-Regular.ttf"]
    assert after_second == []  # all from the cache
    assert read == ["LiberationMono-Regular.ttf"]  # only the changed file
    assert "A" in first
    assert "A" in second
    assert ("中" in first, "中" in second, "中" in third) == (False, False, True)
    assert "A" in third  # the unchanged file still counts, from the cache
    assert families == {"Liberation Sans", "Changed", "改过"}  # every language's family name
