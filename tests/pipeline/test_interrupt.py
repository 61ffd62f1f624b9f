"""Ctrl-C during a batch: workers stop between applications, quietly, and nothing is half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pdfhelpers import as_unit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "data" / "示例" / "申报.yaml").read_text("utf-8")
UNIT = "杭州示例跨境电商职业培训学校有限公司"
MANIFEST = ".jidi-docs.json"


def finished(out: Path) -> int:
    return sum(1 for p in out.glob(f"*/{MANIFEST}"))


def test_sigint_stops_workers_between_applications_without_noise(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for i in range(60):
        folder = root / f"u{i:02d}"
        folder.mkdir(parents=True)
        (folder / "申报.yaml").write_text(as_unit(EXAMPLE, f"杭州中断{i:02d}公司"), "utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jidi_docs",
            "batch",
            str(root),
            "-o",
            str(out),
            "-j",
            "2",
            "--no-pdf",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while finished(out) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "no application was built"
            time.sleep(0.02)
        assert proc.poll() is None, "the batch finished before it could be interrupted"
        at_signal = finished(out)
        os.kill(proc.pid, signal.SIGINT)  # the parent alone: it must stop its workers itself
        sent = time.monotonic()
        _, err = proc.communicate(timeout=60)  # a hang, not a speed check
        latency = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert proc.returncode == 130, err
    assert "已取消" in err
    assert "Exception ignored" not in err
    assert "Traceback" not in err
    # Each of the two workers may finish the application it was on, not the rest of its chunk
    # (chunks here hold 15 applications); one more for a manifest written as the signal came.
    assert finished(out) <= at_signal + 3, (finished(out), at_signal, latency)
    for folder in out.iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            assert (folder / MANIFEST).is_file()  # nothing half-published
