"""Measure how fast ``jidi-docs batch`` stops on SIGINT, and how many applications it finishes after.

Starts ``jidi-docs batch --no-pdf -j 2`` over N generated applications, sends SIGINT to the
parent process alone once two applications are published, and reports per run the time to exit,
the applications published after the signal (each worker may finish the one it is on) and
whether "Exception ignored" or a traceback reached stderr.

Usage: ``PYTHONPATH=src python benchmarks/interrupt.py [--runs 5] [--count 60]``.
The machine is noisy: compare figures of one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "data" / "示例" / "申报.yaml").read_text("utf-8")
UNIT = "杭州示例跨境电商职业培训学校有限公司"


def published(out: Path) -> int:
    return sum(1 for _ in out.glob("*/.jidi-docs.json"))


def one_run(count: int) -> tuple[float, int, bool]:
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp) / "in", Path(tmp) / "out"
        for i in range(count):
            folder = root / f"u{i:03d}"
            folder.mkdir(parents=True)
            text = EXAMPLE.replace(UNIT, f"杭州中断测试{i:03d}公司")
            (folder / "申报.yaml").write_text(text, "utf-8")
        cmd = [sys.executable, "-m", "jidi_docs", "batch", str(root), "-o", str(out)]
        proc = subprocess.Popen(
            [*cmd, "-j", "2", "--no-pdf"],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        while published(out) < 2:
            time.sleep(0.01)
        at_signal = published(out)
        os.kill(proc.pid, signal.SIGINT)
        sent = time.monotonic()
        _, err = proc.communicate()
        latency = time.monotonic() - sent
        noisy = "Exception ignored" in err or "Traceback" in err
        return latency, published(out) - at_signal, noisy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=60)
    args = parser.parse_args()
    results = [one_run(args.count) for _ in range(args.runs)]
    for latency, after, noisy in results:
        print(
            f"stopped in {latency:.2f} s, {after} application(s) published after SIGINT, noise: {noisy}"
        )
    latencies = [r[0] for r in results]
    print(f"median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s")


if __name__ == "__main__":
    main()
