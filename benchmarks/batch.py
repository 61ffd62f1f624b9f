"""A batch of applications with bundles against the fair naive pipeline, interleaved (A B A B …).

(a) ``jidi-docs batch -j 1`` (fresh output each run) vs the fair naive pipeline
    (benchmarks/_naive.py: docxtpl per form, ONE soffice call for every document, pypdf merge per
    application), both end to end as fresh processes; min / median / max of the speed-up over the
    pairs. Target: ≥ 2.5x. ``--per-document`` adds the naive loop with one soffice start per
    document as a labelled secondary line (slow).
(b) Python work per application: the same batch run in this process, by the same route as one
    worker of ``-j 1`` (LibreOffice kept running, converting one part of a chunk while the next is
    prepared): the CPU time of this process (LibreOffice is another process), and the wall time
    with the waits for LibreOffice taken out; the profile of that Python work is printed.
    Target: ≤ 0.12 s per application.

Usage: ``python benchmarks/batch.py [--apps 100] [--pairs 5] [--per-document]``. At 100
applications a pair takes one to three minutes on a loaded 2-core machine: ``--pairs 3`` keeps
(a) within about ten minutes. The machine is noisy: compare the ratios of one run, not absolute
times across runs.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _inputs
import _naive
from _timing import cpu_count_note, interleave, process_seconds, ratio_line

HERE = Path(__file__).resolve().parent


def jidi_docs() -> list[str]:
    beside = Path(sys.executable).with_name("jidi-docs")
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "jidi_docs"]


def fresh(folder: Path) -> Path:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return folder


def compare(tmp: Path, yamls: list[Path], pairs: int, per_document: bool) -> None:
    profile = tmp / "naive-profile"
    # Use the naive pipeline's profile once before timing (as a user's own profile would be).
    _naive.build(yamls[:1], fresh(tmp / "naive-warm"), profile)
    naive = [sys.executable, str(HERE / "_naive.py"), "--profile", str(profile)]
    inputs = tmp / "in"
    jobs = {
        "jidi-docs batch -j 1": lambda: process_seconds(
            [*jidi_docs(), "batch", str(inputs), "-o", str(fresh(tmp / "ours")), "-j", "1"]
        ),
        "naive, fair: docxtpl, one soffice call, pypdf": lambda: process_seconds(
            [*naive, "--out", str(fresh(tmp / "naive")), *map(str, yamls)]
        ),
    }
    if per_document:
        jobs["naive, one soffice per document (secondary)"] = lambda: process_seconds(
            [*naive, "--per-document", "--out", str(fresh(tmp / "naive1")), *map(str, yamls)]
        )
    print(f"(a) {len(yamls)} applications with bundles, {pairs} pairs, end to end")
    runs = interleave(jobs, pairs)
    for r in runs.values():
        wall = statistics.median(r.wall)
        print(f"  {r.label:<48} median wall {wall:7.1f} s ({len(yamls) / wall:.2f} 份/秒)")
    ours, fair, *rest = runs.values()
    ratio_line(
        "speed-up over the fair naive pipeline (naive / ours)",
        ours,
        fair,
        target=2.5,
        faster=True,
        cpu=False,
    )
    for r in rest:
        ratio_line(f"secondary: speed-up over '{r.label}'", ours, r, faster=True, cpu=False)


class InThisThread(cf.Executor):
    """Runs each task at once in the calling thread, so one profiler sees all the work."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        future: cf.Future[object] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001  (the future carries it, as a pool's would)
            future.set_exception(exc)
        return future


def python_work(tmp: Path, count: int) -> None:
    """Run the batch in this process as a ``-j 1`` worker does; print the Python work's figures."""
    import dataclasses

    from jidi_docs.pdf._convert import SofficeConverter
    from jidi_docs.pdf._warm import WarmConverter
    from jidi_docs.pipeline import _batch, _worker

    waiting: list[float] = []

    def timed(cls: type, name: str) -> object:
        original = getattr(cls, name)

        def run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                waiting.append(time.perf_counter() - start)

        setattr(cls, name, run)
        return original

    build_chunk = _batch.build_chunk  # type: ignore[attr-defined]  # patched below, restored after

    def as_own_pool(jobs, options, staging):  # type: ignore[no-untyped-def]
        # Our own pool keeps LibreOffice running in each worker; this executor is not "ours".
        return build_chunk(jobs, dataclasses.replace(options, warm=True), staging)

    # Waiting for LibreOffice: the one-shot run (retries), and the running office's answer.
    originals = [
        (SofficeConverter, "_run", timed(SofficeConverter, "_run")),
        (WarmConverter, "_end", timed(WarmConverter, "_end")),
    ]
    _batch.build_chunk = as_own_pool  # type: ignore[attr-defined]
    yamls = sorted((tmp / "in").rglob("申报.yaml"))
    pool = InThisThread()
    try:
        _batch.batch(yamls[:2], fresh(tmp / "warmup"), executor=pool, jobs=1)  # imports, caches
        waiting.clear()
        start, cpu = time.perf_counter(), time.process_time()
        result = _batch.batch(yamls, fresh(tmp / "inproc"), executor=pool, jobs=1)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
        soffice = sum(waiting)
        profiler = cProfile.Profile()
        profiler.enable()
        _batch.batch(yamls[:20], fresh(tmp / "profiled"), executor=pool, jobs=1)
        profiler.disable()
    finally:
        _batch.build_chunk = build_chunk  # type: ignore[attr-defined]
        for cls, name, original in originals:
            setattr(cls, name, original)
        _worker._close_warm()
    assert len(result.built) == count, [i.error for i in result.failed]
    per_app = (total - soffice) / count
    print(f"(b) Python work per application, in process ({count} applications, one worker)")
    verdict = "met" if cpu / count <= 0.12 else "NOT met"
    print(
        f"  Python CPU time per application (this process; LibreOffice is another): "
        f"{cpu / count:.3f} s   target ≤ 0.12 s: {verdict}"
    )
    print(
        f"  whole batch {total:.1f} s, of which waiting for LibreOffice {soffice:.1f} s"
        f" ({len(waiting)} waits)"
    )
    print(
        f"  wall time per application with the LibreOffice waits taken out: {per_app:.3f} s"
        " (grows with the machine's load)"
    )
    print(
        "  profile of the Python work for 20 of them (cumulative seconds, profiler overhead included):"
    )
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(r"jidi_docs", 25)
    print("\n".join("    " + line for line in text.getvalue().splitlines()[6:40]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", "--count", dest="count", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument(
        "--per-document",
        action="store_true",
        help="add the naive loop with one soffice start per document (slow)",
    )
    parser.add_argument("--only", choices=("compare", "python"), default=None)
    args = parser.parse_args()
    print(f"batch benchmarks ({cpu_count_note()}; {args.count} applications, {args.pairs} pairs)")
    with tempfile.TemporaryDirectory(prefix="jidi-bench-") as tmp:
        root = Path(tmp)
        yamls = _inputs.applications(root / "in", args.count)
        if args.only in (None, "python"):
            python_work(root, args.count)
        if args.only in (None, "compare"):
            compare(root, yamls, args.pairs, args.per_document)


if __name__ == "__main__":
    main()
