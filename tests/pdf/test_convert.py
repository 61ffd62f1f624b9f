"""Test the jidi_docs.convert module: real LibreOffice runs, fonts, failures, timeouts."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import psutil
import pytest

from jidi_docs import _platform, _procs
from jidi_docs.errors import ConversionError
from jidi_docs.pdf import _convert as convert
from jidi_docs.pdf._convert import SofficeConverter, is_available
from pdfhelpers import pdf_text, pdffonts, require_soffice, ttc_cmap, used_glyph_ids, write_docx

SERIF_TTC = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SC_FACE, JP_FACE = 2, 0  # face order inside the Noto CJK collections (fc-list %{index})
#: Characters whose Simplified-Chinese and Japanese glyphs differ.
TELLING = "骨直角关"


@pytest.fixture
def converter():
    require_soffice()
    with SofficeConverter() as conv:
        yield conv


def _nothing_installed(monkeypatch, tmp_path):
    """No LibreOffice anywhere: empty PATH, no variable, the standard places point nowhere."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JIDI_DOCS_SOFFICE", raising=False)
    places = [str(tmp_path / "opt" / "libreoffice" / "program" / "soffice")]
    monkeypatch.setattr(_platform, "_standard_places", lambda platform, environ: places)
    return places


def test_is_available_follows_the_search(monkeypatch, tmp_path):
    _nothing_installed(monkeypatch, tmp_path)

    assert is_available() is False


def test_missing_soffice_lists_the_places_tried_and_the_install_step(monkeypatch, tmp_path):
    (place,) = _nothing_installed(monkeypatch, tmp_path)

    with pytest.raises(ConversionError) as info:
        SofficeConverter()

    lines = str(info.value).splitlines()
    assert lines[0] == "未找到 LibreOffice（soffice），无法把 Word 文档转换为 PDF。"
    assert lines[1:4] == ["已查找：", "  - PATH 中的 soffice、libreoffice", f"  - {place}"]
    assert lines[4] == "安装方法：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk"


@pytest.mark.soffice
def test_songti_comes_out_in_noto_serif_with_simplified_glyphs(converter, tmp_path):
    src = write_docx(tmp_path / "宋体.docx", f"申报表正文{TELLING}")

    (pdf,) = converter.convert([src], tmp_path / "out")

    fonts = pdffonts(pdf)
    assert "NotoSerifCJK" in fonts
    assert "NotoSansCJK" not in fonts
    # The Noto .ttc shares one CFF table named "…jp" among its faces, so pdffonts cannot name the
    # face; the glyph ids can: each face maps these characters to its own regional glyph.
    sc, jp = ttc_cmap(SERIF_TTC, SC_FACE), ttc_cmap(SERIF_TTC, JP_FACE)
    used = used_glyph_ids(pdf)
    for ch in TELLING:
        assert used[ch] == {sc[ord(ch)]}, ch
        assert sc[ord(ch)] != jp[ord(ch)]


@pytest.mark.soffice
def test_glyph_check_tells_japanese_forms_apart(converter, tmp_path):
    """Control for the test above: Japanese-tagged text in the JP face must not pass as SC."""
    src = write_docx(tmp_path / "jp.docx", TELLING, font="Noto Serif CJK JP", lang="ja-JP")

    (pdf,) = converter.convert([src], tmp_path / "out")

    jp = ttc_cmap(SERIF_TTC, JP_FACE)
    used = used_glyph_ids(pdf)
    assert all(used[ch] == {jp[ord(ch)]} for ch in TELLING)


@pytest.mark.soffice
@pytest.mark.parametrize(
    ("font", "face"),
    [
        ("黑体", "NotoSansCJK"),
        ("仿宋_GB2312", "NotoSerifCJK"),
        ("方正小标宋简体", "NotoSerifCJK"),
        ("Microsoft YaHei", "NotoSansCJK"),
        ("楷体_GB2312", "NotoSerifCJK"),
    ],
)
def test_form_fonts_map_to_noto_faces_of_the_same_style(converter, tmp_path, font, face):
    src = write_docx(tmp_path / "f.docx", "跨境电商人才社会培训基地", font=font)

    (pdf,) = converter.convert([src], tmp_path / "out")

    fonts = pdffonts(pdf)
    assert face in fonts
    assert "DejaVu" not in fonts


@pytest.mark.soffice
def test_converts_many_documents_in_order_in_one_call(converter, tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    docs = [
        write_docx(tmp_path / f"文档{i}.docx", f"第{n}号文档") for i, n in enumerate("一二三四")
    ]
    docs.append(write_docx(tmp_path / "a" / "表.docx", "甲目录的表"))
    docs.append(write_docx(tmp_path / "b" / "表.docx", "乙目录的表"))
    starts = []
    real_popen = subprocess.Popen
    monkeypatch.setattr(
        convert.subprocess, "Popen", lambda *a, **k: starts.append(a) or real_popen(*a, **k)
    )

    pdfs = converter.convert(docs, tmp_path / "out")

    assert len(starts) == 1
    assert [p.name for p in pdfs] == [*(f"文档{i}.pdf" for i in range(4)), "表.pdf", "表-2.pdf"]
    texts = [pdf_text(p)[0].strip() for p in pdfs]
    assert texts == [*(f"第{n}号文档" for n in "一二三四"), "甲目录的表", "乙目录的表"]


@pytest.mark.soffice
def test_broken_document_is_retried_once_then_reported(converter, tmp_path, caplog):
    good = write_docx(tmp_path / "好.docx", "正常文档")
    broken = tmp_path / "坏.docx"
    broken.write_bytes(
        good.read_bytes()[:500]
    )  # a truncated zip: soffice exits 0 and writes nothing
    caplog.set_level(logging.WARNING, logger="jidi_docs.pdf._convert")

    with pytest.raises(
        ConversionError,
        match=r"^LibreOffice 没有为以下文档生成有效的 PDF（已重试一次）：.*坏\.docx",
    ):
        converter.convert([good, broken], tmp_path / "out")

    assert any("正在重试：坏.docx" in r.getMessage() for r in caplog.records)
    assert not (tmp_path / "out" / "好.pdf").exists()


def test_missing_input_document_is_reported(tmp_path):
    conv = SofficeConverter(soffice="/bin/true")

    with pytest.raises(ConversionError, match=r"^要转换的文档不存在："):
        conv.convert([tmp_path / "无.docx"], tmp_path)
    conv.close()


def test_timeout_kills_the_whole_process_group(tmp_path):
    """A hanging LibreOffice (here a stand-in that forks a sleeper) is killed with all its children."""
    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    doc = tmp_path / "x.docx"
    doc.write_bytes(b"PK")

    with (
        SofficeConverter(soffice=str(fake), timeout=1, timeout_per_document=0) as conv,
        pytest.raises(
            ConversionError, match=r"^LibreOffice 转换超时（1 秒内未完成 1 个文档），已终止。"
        ),
    ):
        conv.convert([doc], tmp_path / "out")

    child = int(pidfile.read_text())
    for _ in range(50):  # the kernel may need a moment to reap the killed sleeper
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child)


def test_close_removes_the_private_profile(tmp_path):
    conv = SofficeConverter(soffice="/bin/true")
    scratch = conv._tmp
    assert scratch.is_dir()

    conv.close()

    assert not scratch.exists()


def test_fontconfig_layers_our_aliases_over_the_system(tmp_path):
    """fc-match, run with the converter's FONTCONFIG_FILE, resolves form fonts to the SC faces."""
    with SofficeConverter(soffice="/bin/true") as conv:
        env = {**os.environ, "FONTCONFIG_FILE": str(conv._fontconfig)}
        got = {
            name: subprocess.run(
                ["fc-match", "-f", "%{family[0]}", name],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for name in (
                "宋体",
                "SimSun",
                "仿宋_GB2312",
                "黑体",
                "方正小标宋简体",
                "华文中宋",
                "KaiTi",
            )
        }

    assert got == {
        "宋体": "Noto Serif CJK SC",
        "SimSun": "Noto Serif CJK SC",
        "仿宋_GB2312": "Noto Serif CJK SC",
        "黑体": "Noto Sans CJK SC",
        "方正小标宋简体": "Noto Serif CJK SC",
        "华文中宋": "Noto Serif CJK SC",
        "KaiTi": "Noto Serif CJK SC",
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_close_kills_a_soffice_of_ours_that_outlived_its_handle(tmp_path: Path) -> None:
    # A stand-in for a LibreOffice started just as a signal interrupted Popen: it runs with our
    # profile folder in its command line, and only close() can still find it.
    conv = SofficeConverter(soffice=sys.executable)
    stray = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; time.sleep(60)",
            f"-env:UserInstallation={conv._tmp.as_uri()}/profile0",
        ]
    )
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "other"])
    # Until it has started, the stray shows our command line, not its own: wait for its own.
    deadline = time.monotonic() + 10
    while conv._tmp.as_uri() not in " ".join(psutil.Process(stray.pid).cmdline()):
        assert time.monotonic() < deadline, "the stand-in never started"
        time.sleep(0.01)
    try:
        conv.close()

        stray.wait(timeout=10)  # raises TimeoutExpired if it was not killed
        assert bystander.poll() is None
        assert not conv._tmp.exists()
    finally:
        for p in (stray, bystander):
            p.kill()
            p.wait()


@pytest.mark.soffice
def test_later_profiles_start_as_copies_of_the_first(tmp_path, monkeypatch):
    require_soffice()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src = write_docx(tmp_path / "宋体.docx", "申报表正文")
    seen = []  # at each LibreOffice start: profile set up already? font table in it?
    real_popen = subprocess.Popen

    def popen(cmd, *a, **k):
        uri = cmd[1].removeprefix("-env:UserInstallation=")
        user = Path(url2pathname(urlparse(uri).path)) / "user"
        table = (user / "registrymodifications.xcu").read_text("utf-8")
        seen.append(((user / "extensions").is_dir(), "方正小标宋简体" in table))
        return real_popen(cmd, *a, **k)

    monkeypatch.setattr(convert.subprocess, "Popen", popen)
    pdfs = []
    for n in range(2):
        with SofficeConverter() as conv:
            pdfs += conv.convert([src], tmp_path / f"out{n}")

    monkeypatch.undo()

    assert seen == [(False, True), (True, True)]
    assert len(list((tmp_path / "cache" / "jidi-docs" / "soffice-profile").iterdir())) == 1
    assert [pdf_text(p)[0].strip() for p in pdfs] == ["申报表正文", "申报表正文"]


def _ours(conv: SofficeConverter) -> list[str]:
    """The names of the running processes started with `conv`'s scratch folder."""
    import psutil

    marker = conv._tmp.as_uri()
    found = []
    for p in psutil.process_iter(["cmdline", "name"]):
        if any(marker in part for part in p.info.get("cmdline") or []):
            found.append(p.info["name"])
    return found


@pytest.mark.soffice
def test_a_prestarted_libreoffice_converts_the_first_call(tmp_path, monkeypatch):
    require_soffice()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src = write_docx(tmp_path / "表.docx", "先启动的 LibreOffice 转换")
    with SofficeConverter() as first:  # a user's first run: fills the profile cache
        assert first.prestart() is False  # nothing cached to start from yet
        assert _ours(first) == []
        first.convert([src], tmp_path / "first")

    with SofficeConverter() as conv:
        assert conv.prestart() is True
        assert _ours(conv)  # running (as the launcher script, oosplash or soffice.bin)
        time.sleep(0.5)  # it is starting up while the caller prepares its documents
        (pdf,) = conv.convert([src], tmp_path / "out")

        # The conversion was done by the LibreOffice started ahead (it logs what it converts).
        log = (conv._tmp / "prestart.log").read_text("utf-8", errors="replace")
        assert "d0000.docx ->" in log
        assert conv.prestart() is False  # once per converter, before its first conversion
    assert _ours(conv) == []  # stopped after converting (in the background), gone at close
    assert pdf_text(pdf)[0].strip() == "先启动的 LibreOffice 转换"


@pytest.mark.soffice
def test_close_stops_a_prestarted_libreoffice_and_no_conversion_starts_after(tmp_path, monkeypatch):
    require_soffice()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src = write_docx(tmp_path / "表.docx", "正文")
    with SofficeConverter() as first:
        first.convert([src], tmp_path / "first")
    sockets = set(Path("/tmp").glob("OSL_PIPE_*"))  # where LibreOffice puts its request socket
    conv = SofficeConverter()
    assert conv.prestart() is True
    assert _ours(conv)
    for _ in range(100):  # until it listens for requests
        ours = set(Path("/tmp").glob("OSL_PIPE_*")) - sockets
        if ours:
            break
        time.sleep(0.1)
    assert ours

    conv.close()

    assert _ours(conv) == []
    assert not conv._tmp.exists()
    assert not any(s.exists() for s in ours)  # a killed LibreOffice leaves it: removed too
    # A thread still converting when the converter is closed gets an error, not a new start.
    with pytest.raises(ConversionError, match=r"^LibreOffice 转换已停止：转换器已关闭。"):
        conv.convert([src], tmp_path / "out")
    assert not conv._tmp.exists()


def test_a_tree_is_killed_children_first(monkeypatch):
    """A launcher waiting for its child (soffice → soffice.bin) is killed after the child, so it
    collects the child itself: a child orphaned first waits for the system's init to reap it."""
    import psutil

    marker = "jidi-kill-order-test"
    # A parent that starts the child, waits for it, then lives on; both carry the marker.
    launcher = (
        "import subprocess, sys, time\n"
        "subprocess.run([sys.executable, '-c', 'import time; time.sleep(60)', sys.argv[1]])\n"
        "time.sleep(60)"
    )
    parent = subprocess.Popen([sys.executable, "-c", launcher, marker])
    try:
        for _ in range(100):  # until the child runs
            children = psutil.Process(parent.pid).children()
            if children:
                break
            time.sleep(0.05)
        (child,) = children
        order = []
        real_kill = psutil.Process.kill
        monkeypatch.setattr(psutil.Process, "kill", lambda p: order.append(p.pid) or real_kill(p))

        assert _procs.kill_matching(marker) == 2

        assert order == [child.pid, parent.pid]
        assert parent.wait(timeout=10) is not None
    finally:
        parent.kill()
        parent.wait()
