"""What PDF/A costs: ``jidi-docs bundle`` of the example with and without ``--pdfa``.

Cold processes, interleaved (plain, PDF/A, plain, …), ``--rounds`` counted rounds after one
warm-up, all in the same run. Prints the median wall time of each, the pair-by-pair ratio, and
the size of each bundle.

Usage: ``python benchmarks/pdfa.py [--rounds 5]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from _timing import cpu_count_note, interleave, process_seconds, ratio_line

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
COMMAND = [sys.executable, "-m", "jidi_docs", "bundle", str(EXAMPLE), "--date", "2021-08-10"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain, pdfa = Path(tmp, "plain"), Path(tmp, "pdfa")
        runs = interleave(
            {
                "bundle": lambda: process_seconds([*COMMAND, "-o", str(plain)]),
                "bundle --pdfa": lambda: process_seconds([*COMMAND, "-o", str(pdfa), "--pdfa"]),
            },
            args.rounds,
        )
        print(cpu_count_note())
        for name, r in runs.items():
            print(f"{name:14s} median {statistics.median(r.wall):.2f} s wall")
        ratio_line("--pdfa / plain", runs["bundle --pdfa"], runs["bundle"])
        for name, folder in (("bundle", plain), ("bundle --pdfa", pdfa)):
            (pdf,) = folder.glob("*-申报材料.pdf")
            print(f"{name:14s} {pdf.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
