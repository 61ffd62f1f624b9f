"""Start-up cost of the command line, against Python importing the two libraries every command needs.

Cold processes (each run is a new interpreter), interleaved (baseline, ``--version``, ``check``,
baseline, …), 10 counted rounds after one warm-up, all in the same run. Prints the median of each
command and the min/median/max of each command's ratio to the baseline of the same round.

Targets: ``jidi-docs --version`` ≤ 1.5x and ``jidi-docs check data/示例/申报.yaml`` ≤ 4x
``python -c "import yaml, pydantic"`` (wall time, median ratio).

Bytecode: the baseline's libraries were compiled to bytecode when pip installed them; an
editable install of jidi_docs is compiled on its first run and the bytecode is kept in
``__pycache__`` — unless ``PYTHONDONTWRITEBYTECODE`` is set, when every run compiles its ~35
modules again (about a sixth of ``check``'s work). The run says which case it measures.
``--cache-bytecode`` gives every command (baseline included) a private bytecode folder, filled by
the warm-up round, to measure start-up as an installed package has it. This is the default:
``pip install`` compiles a package's modules, so users start from bytecode like the baseline's
libraries do. ``--no-cache-bytecode`` measures the environment as it is instead.

Usage: ``python benchmarks/startup.py [--rounds 10] [--command PATH] [--no-cache-bytecode]``;
``--command`` names the ``jidi-docs`` executable (default: the one installed beside this
Python, else ``python -m jidi_docs``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
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
    parser.add_argument(
        "--cache-bytecode",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="give every command a private bytecode folder, filled by the warm-up round"
        " (default; --no-cache-bytecode measures the environment as it is)",
    )
    args = parser.parse_args()
    env = dict(os.environ)
    if args.cache_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="startup-pyc-")
    cli = [args.command] if args.command else _jidi_docs()
    commands = {
        "python -c 'import yaml, pydantic'": [sys.executable, "-c", "import yaml, pydantic"],
        "jidi-docs --version": [*cli, "--version"],
        "jidi-docs check data/示例/申报.yaml": [*cli, "check", str(EXAMPLE)],
    }

    def job(cmd: list[str]):  # type: ignore[no-untyped-def]
        # `check` exits 3 when a condition is 不符合; the example passes, so any failure is real.
        return lambda: process_seconds(cmd, env=env)

    print(f"start-up, {args.rounds} rounds of cold processes, interleaved ({cpu_count_note()})")
    if args.cache_bytecode:
        print("bytecode: cached in a private folder for every command, as after pip install")
    elif env.get("PYTHONDONTWRITEBYTECODE"):
        print("bytecode: PYTHONDONTWRITEBYTECODE is set, jidi_docs compiles its modules every run")
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
    if args.cache_bytecode:
        shutil.rmtree(env["PYTHONPYCACHEPREFIX"], ignore_errors=True)


if __name__ == "__main__":
    main()
