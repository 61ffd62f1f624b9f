"""Shared timing helpers for the benchmark scripts: interleaved runs and ratio statistics.

Why interleaved: the machine is shared and its speed drifts by 2x within a minute. Running the
commands in turn (A B A B …) and taking the ratio of each pair keeps a comparison valid when the
absolute times are not; we print the minimum, median and maximum of those ratios.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Runs", "interleave", "process_seconds", "ratio_line", "spread"]


@dataclass
class Runs:
    """The wall and CPU seconds of every run of one measured thing."""

    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def process_seconds(cmd: Sequence[str], **kwargs: object) -> tuple[float, float]:
    """Run `cmd` as a fresh process; return (wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        list(cmd), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs
    )  # type: ignore[call-overload]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def interleave(
    jobs: dict[str, Callable[[], tuple[float, float]]], rounds: int, *, warmup: int = 1
) -> dict[str, Runs]:
    """Run every job once per round, in turn, `rounds` times after `warmup` uncounted rounds.

    Each job returns (wall, cpu) seconds of one run.
    """
    runs = {name: Runs(name) for name in jobs}
    for n in range(warmup + rounds):
        for name, job in jobs.items():
            wall, cpu = job()
            if n >= warmup:
                runs[name].wall.append(wall)
                runs[name].cpu.append(cpu)
        print(".", end="", flush=True)
    print(flush=True)
    return runs


def spread(values: Sequence[float]) -> str:
    """``min / median / max`` of `values`."""
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def ratio_line(
    label: str,
    a: Runs,
    b: Runs,
    *,
    target: float | None = None,
    faster: bool = False,
    cpu: bool = True,
) -> float:
    """Print the pair-by-pair ratio a/b (or b/a when `faster`) of wall and CPU time; return its median.

    With `target`, say whether the median wall ratio meets it: at most `target` for a/b, at least
    `target` for b/a ("x faster"). `cpu=False` leaves the CPU ratio out, for commands whose
    grandchildren (LibreOffice started by worker processes) the CPU accounting does not reach.
    """
    pairs = list(zip(a.wall, b.wall, strict=True))
    wall = [(y / x) if faster else (x / y) for x, y in pairs]
    cpu_pairs = list(zip(a.cpu, b.cpu, strict=True)) if cpu else []
    cpu_ratios = [(y / x) if faster else (x / y) for x, y in cpu_pairs if x > 0 and y > 0]
    med = statistics.median(wall)
    verdict = ""
    if target is not None:
        met = med >= target if faster else med <= target
        sign = "≥" if faster else "≤"
        verdict = f"   target {sign} {target}x: {'met' if met else 'NOT met'}"
    cpu_text = f"; cpu {spread(cpu_ratios)}" if cpu_ratios else ""
    print(f"  {label}\n      wall ratio min/median/max {spread(wall)}{cpu_text}{verdict}")
    return med


def cpu_count_note() -> str:
    """One line naming the processors and the load, to read the absolute figures by."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs, load average {load:.1f}"
