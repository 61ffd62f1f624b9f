"""Ctrl-C during a batch: workers stop between applications, quietly, nothing is half-written, and
what finished is reported and summed up in the 汇总表."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

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
        shown, err = proc.communicate(timeout=60)  # a hang, not a speed check
        latency = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert proc.returncode == 130, err
    assert "Exception ignored" not in err
    assert "Traceback" not in err
    done = finished(out)
    # What finished is printed as it finished, each with its 预审; then the tally.
    lines = [ln for ln in shown.splitlines() if ln.startswith("[")]
    assert len(lines) == done, shown
    assert all(
        re.fullmatch(
            r"\[\d+/60\] 已生成：u\d\d/申报\.yaml（预审：(符合|需注意 \d+|不符合 \d+)）", ln
        )
        for ln in lines
    )
    assert f"已中断：已完成 {done} 份，未完成 {60 - done} 份" in err
    # The 汇总表 of what finished: every application has its row, the rest marked 未完成.
    ws = openpyxl.load_workbook(out / "汇总表.xlsx").worksheets[0]
    outcomes = [row[7] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert (outcomes.count("成功"), outcomes.count("未完成")) == (done, 60 - done)
    # Each of the two workers may finish the application it was on, not the rest of its chunk
    # (chunks here hold 15 applications); one more for a manifest written as the signal came.
    assert finished(out) <= at_signal + 3, (finished(out), at_signal, latency)
    for folder in out.iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            assert (folder / MANIFEST).is_file()  # nothing half-published
