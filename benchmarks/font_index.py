"""Measure the missing-character check's font index without fontconfig: cold against cached.

On Windows and macOS there is no fontconfig, so `jidi_docs.pdf._fontindex` reads the font
folders itself (characters for the missing-character check, family names for the font table). Cold: an empty cache, every font file read with fontTools (what every run did before
the cache). Cached: the index of a previous run, each file only looked at (size and time).
Both read this machine's font folders (`font_folders`: LibreOffice's and the system's), in
turn (cold, cached, cold, …); the ratio of each pair is printed as min/median/max.

Usage: ``PYTHONPATH=src python benchmarks/font_index.py [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from _timing import Runs, cpu_count_note, interleave, ratio_line, spread
from jidi_docs.pdf import _fontindex


def _timed(cache: Path, *, cold: bool) -> tuple[float, float]:
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    os.environ["XDG_CACHE_HOME"] = str(cache)
    wall, cpu = time.perf_counter(), time.process_time()
    index = _fontindex.folder_index(_fontindex.font_folders())
    assert index.families
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = _fontindex.font_files(_fontindex.font_folders())
    size = sum(s for s, _ in files.values()) / 2**20
    print(f"{len(files)} font files, {size:.0f} MiB; {cpu_count_note()}")
    with tempfile.TemporaryDirectory() as tmp:
        cold_cache, warm_cache = Path(tmp, "cold"), Path(tmp, "warm")
        _timed(warm_cache, cold=True)  # fills the cached run's index
        runs: dict[str, Runs] = interleave(
            {
                "cold": lambda: _timed(cold_cache, cold=True),
                "cached": lambda: _timed(warm_cache, cold=False),
            },
            args.rounds,
            warmup=0,
        )
    for name, r in runs.items():
        print(f"  {name}: wall s {spread(r.wall)}; cpu s {spread(r.cpu)}")
    ratio_line("cached run, x faster than cold", runs["cached"], runs["cold"], faster=True)


if __name__ == "__main__":
    main()
