"""Start-up cost of the command line, against Python importing the two libraries every command needs.

Cold processes (each run is a new interpreter), interleaved (baseline, ``--version``, ``check``,
baseline, …), 10 counted rounds after one warm-up, all in the same run. Prints the median of each
command and the min/median/max of each command's ratio to the baseline of the same round.

Targets: ``jidi-docs --version`` ≤ 1.5x and ``jidi-docs check data/示例/申报.yaml`` ≤ 4x
``python -c "import yaml, pydantic"`` (wall time, median ratio).

Usage: ``python benchmarks/startup.py [--rounds 10] [--command PATH]``; ``--command`` names the
``jidi-docs`` executable (default: the one installed beside this Python, else
``python -m jidi_docs``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from _timing import cpu_count_note, interleave, process_seconds, ratio_line

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"


def _jidi_docs() -> list[str]:
    beside = Path(sys.executable).with_name("jidi-docs")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("jidi-docs")
    return [found] if found else [sys.executable, "-m", "jidi_docs"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--command", help="the jidi-docs executable to time")
    args = parser.parse_args()
    cli = [args.command] if args.command else _jidi_docs()
    commands = {
        "python -c 'import yaml, pydantic'": [sys.executable, "-c", "import yaml, pydantic"],
        "jidi-docs --version": [*cli, "--version"],
        "jidi-docs check data/示例/申报.yaml": [*cli, "check", str(EXAMPLE)],
    }

    def job(cmd: list[str]):  # type: ignore[no-untyped-def]
        # `check` exits 3 when a condition is 不符合; the example passes, so any failure is real.
        return lambda: process_seconds(cmd)

    print(f"start-up, {args.rounds} rounds of cold processes, interleaved ({cpu_count_note()})")
    runs = interleave({k: job(v) for k, v in commands.items()}, args.rounds)
    for r in runs.values():
        print(
            f"  {r.label:<40} median wall {statistics.median(r.wall):.3f} s,"
            f" cpu {statistics.median(r.cpu):.3f} s"
        )
    base, version, check = runs.values()
    print("ratios to the baseline of the same round:")
    ratio_line("jidi-docs --version / baseline", version, base, target=1.5)
    ratio_line("jidi-docs check / baseline", check, base, target=4.0)


if __name__ == "__main__":
    main()
