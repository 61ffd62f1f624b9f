"""Measure reading a large legitimate application: time and peak memory against the file's size.

Generates the example application with N lecturer rows (default 20,000, ~4.5 MB) and loads it in a
fresh process (`jidi_docs.input._load.load`: read, parse, validate), reporting wall time and the
peak resident memory above the interpreter with its imports done. The target is a peak below
10x the file's size. Also times refusing a 9x9 alias bomb.

Usage: ``PYTHONPATH=src python benchmarks/large_input.py [--rows 20000]``.
The machine is noisy: compare figures of one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "data" / "示例" / "申报.yaml").read_text("utf-8")

ROW = (
    "  - {{姓名: 讲师{i:05d}, 专兼职: 专职, 职称: 高级电子商务师, 学历: 本科, "
    "研发平台: 亚马逊, 联系电话: '138{i:08d}', 备注: 第 {i} 位讲师}}\n"
)

PROBE = r"""
import json, resource, sys, time
from pathlib import Path
from jidi_docs.input._load import load
from jidi_docs.errors import JidiDocsError

load(Path(sys.argv[2]))  # imports and the profile's models, a fixed cost, out of the figures

def peak():
    # VmHWM: this process's own peak. ru_maxrss would also count the peak of the process that
    # started it (Linux keeps it across exec), e.g. a large pytest process.
    try:
        with open("/proc/self/status") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

before = peak()
start = time.perf_counter()
try:
    load(Path(sys.argv[1]))
    outcome = "loaded"
except JidiDocsError as e:
    outcome = "refused: " + str(e)[:80]
print(json.dumps({"seconds": time.perf_counter() - start, "before": before,
                  "peak": peak(), "outcome": outcome}))
"""


def large_application(rows: int) -> str:
    """Return the example application with its 讲师 list replaced by `rows` generated rows."""
    head, rest = EXAMPLE.split("讲师:\n", 1)
    tail = rest[rest.index("\n\n") :]
    return head + "讲师:\n" + "".join(ROW.format(i=i) for i in range(rows)) + tail


def alias_bomb(levels: int = 9) -> str:
    """Return the example application with `levels` anchors of 9 aliases each appended."""
    lines = ["炸弹:", "  l0: &l0 [" + ", ".join(["哈"] * 9) + "]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return EXAMPLE + "\n" + "\n".join(lines) + "\n"


def measure(path: Path) -> dict[str, object]:
    """Load `path` in a fresh interpreter and return its time and peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(ROOT / "data" / "示例" / "申报.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (
            (f"{args.rows} 行讲师", large_application(args.rows)),
            ("9x9 别名炸弹", alias_bomb()),
        ):
            path = Path(tmp) / "申报.yaml"
            path.write_text(text, "utf-8")
            size = path.stat().st_size
            r = measure(path)
            before, peak = float(str(r["before"])), float(str(r["peak"]))
            print(
                f"{name}: file {size / 1e6:.2f} MB, {float(str(r['seconds'])):.2f} s, "
                f"peak {peak / 1e6:.0f} MB = example loaded {before / 1e6:.0f} MB "
                f"+ {(peak - before) / 1e6:.1f} MB ({(peak - before) / size:.1f}x the file); "
                f"{str(r['outcome'])[:120]}"
            )


if __name__ == "__main__":
    main()
