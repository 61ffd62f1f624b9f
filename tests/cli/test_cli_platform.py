"""The command line as Windows and Chinese-locale users meet it, run as real subprocesses.

Windows itself is simulated: the bundle runs in a Python where ``os.killpg`` and
``signal.SIGKILL`` do not exist; a GBK console is ``PYTHONIOENCODING=gbk``; a Chinese Linux
server is the ``zh_CN.GBK`` locale, generated here with localedef.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from pdfhelpers import EXAMPLE_DIR, copy_example, pdf_text

ROOT = Path(__file__).resolve().parents[2]
UNIT = "杭州示例跨境电商职业培训学校有限公司"

#: Runs the command line after removing what Windows does not have. psutil keeps its own
#: reference to the signal module: it kills with TerminateProcess on Windows and with SIGKILL
#: here, which is its business; only our own code must do without both.
WITHOUT_POSIX_KILL = """
import os, signal, sys, types
import psutil
psutil.signal = types.SimpleNamespace(**vars(signal))
del os.killpg
del signal.SIGKILL
from jidi_docs.cli import run
sys.argv = ["jidi-docs", *sys.argv[1:]]
run()
"""


def _run(args: list, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *args], check=False, env=env, capture_output=True, timeout=300, **kwargs
    )


def _ours_left(marker: str) -> list[str]:
    """Command lines of running processes that mention `marker` (our scratch folder)."""
    left = []
    for p in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(p.info.get("cmdline") or [])
        if marker in cmdline:
            left.append(cmdline)
    return left


@pytest.mark.soffice
@pytest.mark.slow
def test_bundle_works_without_killpg_and_sigkill_and_leaves_no_libreoffice(
    soffice, tmp_path
) -> None:
    yaml_path = copy_example(tmp_path / "申报")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}

    done = _run(
        ["-c", WITHOUT_POSIX_KILL, "bundle", str(yaml_path), "-o", str(tmp_path / "出")], env
    )

    assert done.returncode == 0, done.stderr.decode()
    assert len(list((tmp_path / "出").glob("*申报材料.pdf"))) == 1
    assert _ours_left(str(scratch)) == []
    assert list(scratch.iterdir()) == []  # the private profiles are gone too


def _path_without_soffice(tmp_path: Path) -> str:
    """A PATH with every program of /usr/bin except LibreOffice's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for entry in Path("/usr/bin").iterdir():
        if entry.name not in ("soffice", "libreoffice"):
            (bin_dir / entry.name).symlink_to(entry)
    assert shutil.which("soffice", path=str(bin_dir)) is None
    return str(bin_dir)


def _logging_soffice(wrapper: Path, soffice: str, log: Path) -> Path:
    """Write `wrapper`: a LibreOffice that notes each command line in `log`, then runs."""
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{soffice}" "$@"\n', "utf-8")
    wrapper.chmod(0o755)
    return wrapper


@pytest.mark.soffice
@pytest.mark.slow
def test_bundle_uses_the_program_named_by_jidi_docs_soffice(soffice, tmp_path) -> None:
    yaml_path = copy_example(tmp_path / "申报")
    log = tmp_path / "used.log"
    wrapper = _logging_soffice(tmp_path / "我的 LibreOffice" / "soffice", soffice, log)
    env = {**os.environ, "PATH": _path_without_soffice(tmp_path), "JIDI_DOCS_SOFFICE": str(wrapper)}

    done = _run(["-m", "jidi_docs", "bundle", str(yaml_path), "-o", str(tmp_path / "出")], env)

    assert done.returncode == 0, done.stderr.decode()
    assert len(list((tmp_path / "出").glob("*申报材料.pdf"))) == 1
    assert "--convert-to" in log.read_text("utf-8")


@pytest.mark.soffice
@pytest.mark.slow
def test_libreoffice_started_ahead_is_stopped_when_the_arguments_are_wrong(
    soffice, tmp_path
) -> None:
    """``bundle`` starts LibreOffice before Typer parses the arguments; a usage error must not
    leave it running, nor its scratch folder behind."""
    yaml_path = copy_example(tmp_path / "申报")
    log = tmp_path / "used.log"
    wrapper = _logging_soffice(tmp_path / "bin" / "soffice", soffice, log)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(scratch),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "JIDI_DOCS_SOFFICE": str(wrapper),
    }
    # The first bundle on a computer fills the profile cache a LibreOffice started ahead needs.
    first = _run(["-m", "jidi_docs", "bundle", str(yaml_path), "-o", str(tmp_path / "出")], env)
    assert first.returncode == 0, first.stderr.decode()
    log.unlink()

    done = _run(["-m", "jidi_docs", "bundle", str(yaml_path), "--no-such-option"], env)

    assert done.returncode == 2, done.stderr.decode()
    (started,) = log.read_text("utf-8").splitlines()
    assert "--headless" in started
    assert "--convert-to" not in started
    assert _ours_left(str(scratch)) == []
    assert list(scratch.iterdir()) == []


def test_nothing_found_lists_the_places_tried_and_the_install_step(tmp_path) -> None:
    yaml_path = copy_example(tmp_path / "申报")
    env = {
        **os.environ,
        "PATH": _path_without_soffice(tmp_path),
        "JIDI_DOCS_SOFFICE": str(tmp_path / "没有"),
    }

    done = _run(["-m", "jidi_docs", "bundle", str(yaml_path), "-o", str(tmp_path / "出")], env)

    err = done.stderr.decode()
    assert done.returncode == 1
    assert "Traceback" not in err
    assert f"JIDI_DOCS_SOFFICE 指定的 {tmp_path / '没有'}不是 LibreOffice 程序" in err
    assert f"已查找：\n  - JIDI_DOCS_SOFFICE：{tmp_path / '没有'}\n安装方法：sudo apt-get" in err


# -- GBK console --------------------------------------------------------------------------------


def test_check_on_a_gbk_console_redirected_to_a_file(tmp_path) -> None:
    out = tmp_path / "out.txt"
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}

    with out.open("wb") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "jidi_docs", "check", "data/示例/申报.yaml"],
            check=False,
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.PIPE,
            timeout=120,
        )

    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    text = out.read_bytes().decode("gbk")  # strict: every byte is readable GBK
    assert "data/示例/申报.yaml：填写正确。" in text
    assert "√ 符合" in text


def test_errors_on_a_gbk_console_do_not_crash(tmp_path) -> None:
    bad = tmp_path / "坏.yaml"
    bad.write_text(
        (EXAMPLE_DIR / "申报.yaml")
        .read_text("utf-8")
        .replace("办公面积: 260", "办公面积: 很大", 1),
        "utf-8",
    )
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}

    done = _run(["-m", "jidi_docs", "check", str(bad)], env)

    err = done.stderr.decode("gbk")
    assert done.returncode == 1, err
    assert "Traceback" not in err
    assert "  · " in err  # the bullet GBK has, instead of •


# -- zh_CN.GBK locale ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gbk_locale(tmp_path_factory) -> dict[str, str]:
    """Environment for the zh_CN.GBK locale, generated with localedef (Debian's locales)."""
    where = tmp_path_factory.mktemp("locale")
    made = subprocess.run(
        ["localedef", "-i", "zh_CN", "-f", "GBK", str(where / "zh_CN.GBK")],
        capture_output=True,
        check=False,
    )
    if made.returncode not in (0, 1) or not (where / "zh_CN.GBK").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI 必须能生成 zh_CN.GBK 区域设置（locales 包）：{made.stderr!r}")
        pytest.skip("localedef cannot make zh_CN.GBK (install Debian's locales package)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update({"LOCPATH": str(where), "LANG": "zh_CN.GBK", "LC_ALL": "zh_CN.GBK"})
    probe = _run(["-c", "import locale; print(locale.getpreferredencoding())"], env)
    assert probe.stdout.strip() == b"GBK"
    return env


def _gbk(path: Path) -> bytes:
    """`path` as a Chinese Linux system spells it: its name in GBK bytes."""
    return str(path).encode("gbk")


def _copy_example_gbk(dest: Path) -> bytes:
    """Copy the example with every file name in GBK, as it is on such a system; return the YAML."""
    for src in sorted(EXAMPLE_DIR.rglob("*")):
        # A str path that encodes to the GBK bytes under this (UTF-8) process's file names.
        target = Path(os.fsdecode(_gbk(dest / src.relative_to(EXAMPLE_DIR))))
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(src.read_bytes())
    return _gbk(dest / "申报.yaml")


def test_check_and_render_under_the_gbk_locale(gbk_locale, tmp_path) -> None:
    yaml_path = _copy_example_gbk(tmp_path / "示例")

    checked = _run(["-m", "jidi_docs", "check", yaml_path], gbk_locale)
    rendered = _run(
        ["-m", "jidi_docs", "render", yaml_path, "-o", _gbk(tmp_path / "输出")], gbk_locale
    )

    assert checked.returncode == 0, checked.stderr.decode("gbk", "replace")
    assert "填写正确" in checked.stdout.decode("gbk")
    assert rendered.returncode == 0, rendered.stderr.decode("gbk", "replace")
    out = Path(os.fsdecode(_gbk(tmp_path / "输出")))
    names = sorted(
        os.fsencode(n.name).decode("gbk") for n in out.iterdir() if not n.name.startswith(".")
    )
    assert names == [f"{UNIT}-附件1-评价表.docx", f"{UNIT}-附件2-申报表.docx"]


@pytest.mark.soffice
@pytest.mark.slow
def test_bundle_under_the_gbk_locale(soffice, gbk_locale, tmp_path) -> None:
    yaml_path = _copy_example_gbk(tmp_path / "示例")
    out = _gbk(tmp_path / "输出")

    done = _run(["-m", "jidi_docs", "bundle", yaml_path, "-o", out], gbk_locale)

    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    bundle = Path(os.fsdecode(_gbk(tmp_path / "输出" / f"{UNIT}-申报材料.pdf")))
    text = "".join(pdf_text(bundle))
    assert UNIT in text
