"""Test jidi_docs.pdf.WarmConverter: one LibreOffice across jobs, restarts, fallback (real runs)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import docx
import pikepdf
import pytest

from jidi_docs import _platform
from jidi_docs.errors import ConversionError
from jidi_docs.pdf import WarmConverter
from jidi_docs.pdf._convert import SofficeConverter
from jidi_docs.pdf._warm import _has_uno, uno_python
from pdfhelpers import pdf_text, pdfa_failures

pytestmark = pytest.mark.soffice


@pytest.fixture(scope="module")
def with_uno(soffice: str) -> str:
    """A Python with LibreOffice's uno module; CI installs python3-uno, so it never skips there."""
    python = uno_python(soffice)
    if python is None:
        if os.environ.get("CI"):
            pytest.fail("CI 环境必须安装 python3-uno（见 scripts/install_system_deps.sh）")
        pytest.skip("no Python with the uno module (apt-get install python3-uno)")
    return python


@pytest.fixture
def warm(with_uno):
    with WarmConverter() as conv:
        yield conv


def make_docs(folder: Path, texts: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts):
        document = docx.Document()
        document.add_paragraph(text)
        path = folder / f"doc{i}.docx"
        document.save(path)
        paths.append(path)
    return paths


def office_pids(conv: WarmConverter) -> list[int]:
    """Processes whose command line names the converter's scratch folder (its LibreOffice)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(conv._tmp).encode() in cmdline:
                pids.append(int(entry.name))
    return pids


def test_jobs_share_one_libreoffice_and_each_gets_its_own_pdfs(warm, tmp_path):
    first = warm.convert(make_docs(tmp_path / "a", ["甲一", "甲二"]), tmp_path / "out-a")
    second = warm.convert(make_docs(tmp_path / "b", ["乙一"]), tmp_path / "out-b")

    assert warm.starts == 1
    assert [p.name for p in first] == ["doc0.pdf", "doc1.pdf"]
    assert [pdf_text(p)[0].strip() for p in [*first, *second]] == ["甲一", "甲二", "乙一"]


def test_a_crashed_libreoffice_is_started_again(warm, tmp_path):
    warm.convert(make_docs(tmp_path / "a", ["第一次"]), tmp_path / "out-a")
    assert warm._office is not None
    os.killpg(warm._office.pid, signal.SIGKILL)

    (pdf,) = warm.convert(make_docs(tmp_path / "b", ["崩溃之后"]), tmp_path / "out-b")

    assert pdf_text(pdf)[0].strip() == "崩溃之后"
    assert warm.starts == 2


def test_a_job_over_its_time_is_stopped_and_the_next_one_runs(warm, tmp_path):
    warm.convert(make_docs(tmp_path / "a", ["预热"]), tmp_path / "out-a")
    warm.timeout, warm.timeout_per_document = 0.001, 0.0

    with pytest.raises(ConversionError, match="超时"):
        warm.convert(make_docs(tmp_path / "b", ["太慢"]), tmp_path / "out-b")
    assert not warm.running

    warm.timeout, warm.timeout_per_document = 120.0, 30.0
    (pdf,) = warm.convert(make_docs(tmp_path / "c", ["又可以了"]), tmp_path / "out-c")
    assert pdf_text(pdf)[0].strip() == "又可以了"
    assert warm.starts == 2


def test_jobs_from_two_threads_run_one_after_the_other(warm, tmp_path):
    results: dict[int, list[Path]] = {}

    def job(n: int) -> None:
        docs = make_docs(tmp_path / f"in{n}", [f"线程{n}-{k}" for k in range(3)])
        results[n] = warm.convert(docs, tmp_path / f"out{n}")

    threads = [threading.Thread(target=job, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    for n in (1, 2):
        texts = [pdf_text(p)[0].replace(" ", "").strip() for p in results[n]]
        assert texts == [f"线程{n}-{k}" for k in range(3)]
    assert warm.starts == 1


def test_close_stops_libreoffice(with_uno, tmp_path):
    conv = WarmConverter()
    conv.convert(make_docs(tmp_path, ["关闭"]), tmp_path / "out")
    assert office_pids(conv)

    conv.close()

    assert office_pids(conv) == []
    assert not conv._tmp.exists()


def test_without_a_uno_python_it_converts_one_shot_with_a_warning(soffice, tmp_path, caplog):
    # This interpreter (the test venv) has no uno module: the driver cannot start.
    with caplog.at_level(logging.WARNING), WarmConverter(python=sys.executable) as conv:
        (pdf,) = conv.convert(make_docs(tmp_path, ["单次转换"]), tmp_path / "out")

    assert pdf_text(pdf)[0].strip() == "单次转换"
    assert "改为单次转换" in caplog.text


def _rules(failures: list[str]) -> set[str]:
    """The PDF/A rules broken, without the object numbers each message names."""
    return {failure.split(":")[0] for failure in failures}


def _pdfa_part(path: Path) -> str | None:
    with pikepdf.open(path) as pdf:
        part: str | None = pdf.open_metadata().get("pdfaid:part")
        return part


def test_pdfa_is_exported_by_the_running_office_and_can_change_between_jobs(
    with_uno: str, tmp_path: Path
) -> None:
    docs = make_docs(tmp_path / "in", ["归档格式"])
    with WarmConverter(pdfa=True) as conv:
        (archival,) = conv.convert(docs, tmp_path / "a")
        with conv.exporting(pdfa=False):
            (plain,) = conv.convert(docs, tmp_path / "b")
        (again,) = conv.convert(docs, tmp_path / "c")
        starts = conv.starts

    with SofficeConverter(pdfa=True) as cold:
        (one_shot,) = cold.convert(docs, tmp_path / "d")

    assert starts == 1  # all three through the one running office, not the one-shot fallback
    assert [_pdfa_part(p) for p in (archival, plain, again)] == ["2", None, "2"]
    # The validator finds in the running office's PDF/A what it finds in the one-shot
    # conversion's (LibreOffice's CFF fonts; the bundle's Ghostscript pass fixes those).
    assert _rules(pdfa_failures(archival)) == _rules(pdfa_failures(one_shot))


@pytest.mark.parametrize("order", ["first-in-first", "last-first"])
def test_a_second_job_waits_in_the_running_office_and_each_gets_its_pdfs(warm, tmp_path, order):
    first = warm.submit(make_docs(tmp_path / "a", ["甲一", "甲二"]), tmp_path / "out-a")
    second = warm.submit(make_docs(tmp_path / "b", ["乙一"]), tmp_path / "out-b")
    assert len(warm._queue) == 2  # both handed over before either was collected

    if order == "first-in-first":
        pdfs = [*warm.collect(first), *warm.collect(second)]
    else:  # the second's answer comes after the first's, which is kept for its own collect
        later = warm.collect(second)
        pdfs = [*warm.collect(first), *later]

    assert [pdf_text(p)[0].strip() for p in pdfs] == ["甲一", "甲二", "乙一"]
    assert warm.starts == 1
    assert not warm._queue


def test_a_job_over_its_time_stops_the_office_and_the_job_behind_it_is_converted_again(
    warm, tmp_path
):
    warm.convert(make_docs(tmp_path / "w", ["预热"]), tmp_path / "out-w")
    warm.timeout, warm.timeout_per_document = 0.001, 0.0
    slow = warm.submit(make_docs(tmp_path / "a", ["太慢"]), tmp_path / "out-a")
    warm.timeout, warm.timeout_per_document = 120.0, 30.0
    behind = warm.submit(make_docs(tmp_path / "b", ["排在后面"]), tmp_path / "out-b")

    with pytest.raises(ConversionError, match="超时"):
        warm.collect(slow)
    (pdf,) = warm.collect(behind)

    assert pdf_text(pdf)[0].strip() == "排在后面"
    assert warm.starts == 2  # the job behind was converted again in a new office


def test_prestart_starts_libreoffice_in_the_background_for_the_first_job(with_uno, tmp_path):
    with WarmConverter() as conv:
        assert conv.prestart()
        assert not conv.prestart()  # already starting
        conv._starter.join(timeout=120)
        assert conv.running
        (pdf,) = conv.convert(make_docs(tmp_path, ["先启动"]), tmp_path / "out")
        assert pdf_text(pdf)[0].strip() == "先启动"
        assert conv.starts == 1


def test_close_right_after_prestart_leaves_no_libreoffice(with_uno, tmp_path):
    conv = WarmConverter()
    assert conv.prestart()

    conv.close()

    assert conv._starter is not None
    conv._starter.join(timeout=120)
    assert office_pids(conv) == []
    assert not conv.running


def test_without_a_uno_python_prestart_does_nothing(soffice, monkeypatch, caplog):
    monkeypatch.setattr("jidi_docs.pdf._warm.uno_python", lambda soffice=None: None)
    with caplog.at_level(logging.WARNING), WarmConverter() as conv:
        assert not conv.prestart()
        assert conv._starter is None
    assert f"未找到带 uno 模块的 Python（{_platform.uno_python_hint()}）" in caplog.text


# -- LibreOffice's own Python: a launcher ------------------------------------------------------

#: LibreOffice's Python on Windows and macOS, rebuilt as a script: it puts the folder with
#: ``uno`` on PYTHONPATH (after its own, before the caller's), then runs the real interpreter
#: with the arguments it was given. Source: LibreOffice core ``pyuno/zipcore/python.cxx``
#: (``wmain``: SetEnvironmentVariableW PYTHONPATH = program;python-core/lib;…;<old value>,
#: PYTHONHOME = python-core, then CreateProcessW of python-core\bin\python.exe with argv[1:])
#: and ``pyuno/zipcore/python.sh`` (export PYTHONPATH=…, PYTHONHOME=…; exec python.bin "$@").
LAUNCHER = """#!/bin/sh
PYTHONPATH="{uno_dir}${{PYTHONPATH:+:$PYTHONPATH}}"
export PYTHONPATH
exec "{real}" "$@"
"""


@pytest.fixture
def launcher(with_uno, soffice, tmp_path, monkeypatch):
    """LibreOffice's install folder: program/soffice (the real one) and program/python, the
    launcher, whose real interpreter (this test's) has no uno of its own."""
    monkeypatch.delenv("JIDI_DOCS_UNO_PYTHON", raising=False)
    probe = subprocess.run(
        [with_uno, "-c", "import uno; print(uno.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    uno_file = Path(probe.stdout.strip())
    uno_dir = tmp_path / "uno"
    uno_dir.mkdir()
    (uno_dir / "uno.py").symlink_to(uno_file)
    program = tmp_path / "LibreOffice" / "program"
    program.mkdir(parents=True)
    (program / "soffice").write_text(f'#!/bin/sh\nexec "{soffice}" "$@"\n', encoding="utf-8")
    (program / "soffice").chmod(0o755)
    python = program / "python"
    python.write_text(LAUNCHER.format(uno_dir=uno_dir, real=sys.executable), encoding="utf-8")
    python.chmod(0o755)
    return program / "soffice", python


def test_libreoffice_s_python_launcher_is_found_and_converts(launcher, tmp_path):
    soffice, python = launcher
    plain = subprocess.run([sys.executable, "-c", "import uno"], capture_output=True, check=False)
    isolated = subprocess.run(
        [str(python), "-I", "-c", "import uno"], capture_output=True, check=False
    )
    assert plain.returncode != 0  # the real interpreter has no uno of its own
    assert isolated.returncode != 0  # -I drops the launcher's PYTHONPATH: the old probe failed
    assert _has_uno(str(python))

    uno_python.cache_clear()
    try:
        found = uno_python(str(soffice))
    finally:
        uno_python.cache_clear()

    assert found == str(python)
    with WarmConverter(python=found, soffice=str(soffice)) as conv:
        (pdf,) = conv.convert(make_docs(tmp_path / "in", ["启动器"]), tmp_path / "out")
        assert conv.starts == 1  # the running office, not the one-shot fallback
    assert pdf_text(pdf)[0].strip() == "启动器"


def test_a_closed_warm_converter_starts_no_libreoffice(with_uno, tmp_path):
    conv = WarmConverter()
    conv.close()

    assert not conv.prestart()
    with pytest.raises(ConversionError, match="已关闭"):
        conv.convert(make_docs(tmp_path, ["关闭以后"]), tmp_path / "out")
    assert office_pids(conv) == []
