"""The bundle against fair baselines: every comparison interleaved (A B A B …), ratios per pair.

Sections (``--only`` picks some; each prints min / median / max of the ratio over its pairs):

floor    ``jidi-docs bundle data/示例/申报.yaml`` vs the floor measured in the same run: Python start
         + the libraries a bundle needs, one bare soffice call on the same three documents (both
         forms, cover + contents) with an already-used profile, a ``qpdf --empty --pages`` merge.
         Target: ≤ 1.3x.
big      A bundle with 1000 evidence pages (50 PDFs, 20 JPEG scans) vs the fair naive pipeline
         (benchmarks/_naive.py: docxtpl per form, ONE soffice call, pypdf merge), both end to end
         as fresh processes. Target: ours ≥ 1.5x faster. Secondary, labelled: the naive loop with
         one soffice start per document.
soffice  LibreOffice alone, in process: (a) one call for N documents vs N calls; (b) N filled forms
         of one template in one call, merged into one document vs as N separate documents.
qpdf     Assembling the same 1000 pages: ours (merge, bookmarks, page numbers) vs qpdf's merge,
         (a) end to end: fresh processes, Python or qpdf start included; (b) in process: our
         `assemble` vs a plain merge with pikepdf (the qpdf library), both after imports.
warm     In one process: a bundle's conversion with `WarmConverter` (LibreOffice kept running,
         second bundle on) vs the one-shot converter. Target: ≥ 3x faster.

Usage: ``python benchmarks/bundle.py [--pairs 5] [--only floor,big,...]``. Needs LibreOffice and
qpdf. The machine is shared and noisy: read the ratios, not the absolute times.

Before timing, jidi_docs's modules are compiled to bytecode, as installing the wheel does (pip
compiles every module it installs; the libraries in the floor are compiled that way too). An
editable install run with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile our ~100 modules
from source in every run. The first (uncounted) run of each pair fills jidi_docs's on-disk cache
(`jidi_docs._cache`), as a user's first bundle does.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _inputs
import _naive
from _timing import Runs, cpu_count_note, interleave, process_seconds, ratio_line

HERE = Path(__file__).resolve().parent
SECTIONS = ("floor", "big", "soffice", "qpdf", "warm")
#: What a bundle imports besides the standard library.
FLOOR_IMPORTS = "import yaml, pydantic, jinja2, lxml.etree, pikepdf, PIL.Image, img2pdf"


def jidi_docs() -> list[str]:
    beside = Path(sys.executable).with_name("jidi-docs")
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "jidi_docs"]


def sequence(*steps: Callable[[], tuple[float, float]]) -> Callable[[], tuple[float, float]]:
    """One measured job made of several timed steps run in turn; wall and CPU are summed."""

    def run() -> tuple[float, float]:
        walls, cpus = zip(*(step() for step in steps), strict=True)
        return sum(walls), sum(cpus)

    return run


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def medians(runs: dict[str, Runs]) -> None:
    for r in runs.values():
        print(
            f"  {r.label:<58} median wall {statistics.median(r.wall):7.2f} s"
            f"  cpu {statistics.median(r.cpu):6.2f} s"
        )


# -- floor ----------------------------------------------------------------------------------------


def pdf_of_evidence(files: list[Path], out: Path) -> list[Path]:
    """The evidence as PDFs qpdf can read: images wrapped the way jidi_docs wraps them (untimed)."""
    from jidi_docs.pdf._evidence import load_evidence

    out.mkdir(parents=True, exist_ok=True)
    pdfs = []
    for f in files:
        if f.suffix.lower() == ".pdf":
            pdfs.append(f)
            continue
        with load_evidence(f, entry=f.stem).open() as pdf:
            pdf.save(out / f"{f.stem}.pdf")
        pdfs.append(out / f"{f.stem}.pdf")
    return pdfs


def three_documents(yaml_path: Path, out: Path) -> list[Path]:
    """The documents a bundle converts (both forms, cover + contents), made by our own code."""
    from jidi_docs.input._load import load
    from jidi_docs.pipeline._bundle import prepare

    out.mkdir(parents=True)
    job = prepare(load(yaml_path), out)
    return job.first_round(job.predict_pages(None))


def evidence_files(yaml_path: Path) -> list[Path]:
    from jidi_docs.input._load import load

    app = load(yaml_path)
    return [app.base_dir / rel for e in app.evidence for rel in e.files]


def bench_floor(tmp: Path, pairs: int) -> None:
    docs = three_documents(_inputs.EXAMPLE, tmp / "docs")
    profile = tmp / "floor-profile"
    _naive.soffice(profile, docs, tmp / "floor-pdf")  # the profile is used before any timing
    forms_and_cover = [tmp / "floor-pdf" / f"{d.stem}.pdf" for d in docs]
    evidence = pdf_of_evidence(evidence_files(_inputs.EXAMPLE), tmp / "wrapped")
    soffice_cmd = [
        shutil.which("soffice") or "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        *_naive.SOFFICE_FLAGS,
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp / "floor-pdf"),
        *map(str, docs),
    ]
    floor = sequence(
        lambda: process_seconds([sys.executable, "-c", FLOOR_IMPORTS]),
        lambda: process_seconds(soffice_cmd),
        lambda: process_seconds(
            [
                "qpdf",
                "--empty",
                "--pages",
                *map(str, [*forms_and_cover, *evidence]),
                "--",
                str(tmp / "floor.pdf"),
            ]
        ),
    )
    ours = [*jidi_docs(), "bundle", str(_inputs.EXAMPLE), "-o", str(tmp / "ours")]
    print(f"floor: the example bundle vs the floor, {pairs} pairs")
    runs = interleave(
        {
            "jidi-docs bundle data/示例/申报.yaml": lambda: process_seconds(ours),
            "floor: python + imports, one soffice call (3 docs), qpdf merge": floor,
        },
        pairs,
    )
    medians(runs)
    ours_runs, floor_runs = runs.values()
    ratio_line("jidi-docs bundle / floor", ours_runs, floor_runs, target=1.3)


# -- big --------------------------------------------------------------------------------------


def bench_big(tmp: Path, pairs: int, per_document: bool) -> None:
    app_dir = tmp / "big"
    files = _inputs.make_evidence(app_dir / "佐证材料")
    yaml_path = _inputs.application(app_dir, evidence=files)
    profile = tmp / "naive-profile"
    _naive.soffice(profile, [*three_documents(yaml_path, tmp / "big-docs")][:1], tmp / "x")
    naive = [sys.executable, str(HERE / "_naive.py"), "--profile", str(profile)]
    jobs = {
        "jidi-docs bundle (1000 evidence pages)": lambda: process_seconds(
            [*jidi_docs(), "bundle", str(yaml_path), "-o", str(fresh(tmp / "big-ours"))]
        ),
        "naive, fair: docxtpl, one soffice call, pypdf": lambda: process_seconds(
            [*naive, "--out", str(fresh(tmp / "big-naive")), str(yaml_path)]
        ),
    }
    if per_document:
        jobs["naive, one soffice per document (secondary)"] = lambda: process_seconds(
            [*naive, "--per-document", "--out", str(fresh(tmp / "big-naive1")), str(yaml_path)]
        )
    print(f"big: a bundle with 1000 evidence pages vs the naive pipeline, {pairs} pairs")
    runs = interleave(jobs, pairs)
    medians(runs)
    ours_runs, naive_runs, *rest = runs.values()
    ratio_line(
        "speed-up over the fair naive pipeline (naive / ours)",
        ours_runs,
        naive_runs,
        target=1.5,
        faster=True,
    )
    for r in rest:
        ratio_line(f"secondary: speed-up over '{r.label}'", ours_runs, r, faster=True)


# -- soffice ----------------------------------------------------------------------------------


def filled_forms(tmp: Path, count: int) -> list[Path]:
    """`count` 申报表 (附件2) filled from distinct copies of the example."""
    from jidi_docs.forms._render import render_forms_bytes
    from jidi_docs.input._load import load

    out = tmp / "forms"
    out.mkdir()
    docs = []
    for i, yaml_path in enumerate(_inputs.applications(tmp / "form-apps", count)):
        data, _ = render_forms_bytes(load(yaml_path))
        path = out / f"f{i:03d}.docx"
        path.write_bytes(data["附件2"])
        docs.append(path)
    return docs


def bench_soffice(tmp: Path, pairs: int, count: int) -> None:
    from jidi_docs.pdf._convert import SofficeConverter

    docs = filled_forms(tmp, count)
    print(f"soffice: {count} filled 申报表, in process, {pairs} pairs (same private profile)")
    with SofficeConverter(merge=False) as separate, SofficeConverter(merge=True) as merged:
        separate.convert(docs[:1], tmp / "warm-a")
        merged.convert(docs[:1], tmp / "warm-b")

        def timed(func: Callable[[], object]) -> Callable[[], tuple[float, float]]:
            def run() -> tuple[float, float]:
                start = time.perf_counter()
                func()
                return time.perf_counter() - start, 0.0

            return run

        runs = interleave(
            {
                "one call, N separate documents": timed(
                    lambda: separate.convert(docs, fresh(tmp / "one")),
                ),
                "N calls, one document each": timed(
                    lambda: [separate.convert([d], tmp / "many" / d.stem) for d in docs]
                ),
                "one call, N documents merged into one": timed(
                    lambda: merged.convert(docs, fresh(tmp / "merged"))
                ),
            },
            pairs,
        )
    medians(runs)
    one, many, merged_runs = runs.values()
    ratio_line("(a) N calls / one call (separate documents)", many, one)
    ratio_line("(b) one call: separate documents / merged document", one, merged_runs)


# -- qpdf -------------------------------------------------------------------------------------


def assemble_job(src: Path, out: Path) -> None:
    """Our assembly of every file in `src`: one bookmark per file, page numbers (a child job)."""
    from jidi_docs.pdf._assemble import Part, assemble
    from jidi_docs.pdf._evidence import load_evidence

    files = sorted(src.iterdir())
    parts = [Part(p.stem, [load_evidence(p, entry=p.stem)]) for p in files]
    assemble(parts, out, title="基准测试", author="基准测试单位", unnumbered_pages=0)


def plain_merge(pdfs: list[Path], out: Path) -> None:
    import pikepdf

    with pikepdf.new() as merged:
        for p in pdfs:
            with pikepdf.open(p) as src:
                merged.pages.extend(src.pages)
        merged.save(out)


def bench_qpdf(tmp: Path, pairs: int) -> None:
    src = tmp / "pages"
    files = _inputs.make_evidence(src)
    wrapped = pdf_of_evidence(files, tmp / "qpdf-wrapped")
    qpdf = ["qpdf", "--empty", "--pages", *map(str, wrapped), "--", str(tmp / "qpdf.pdf")]
    me = [sys.executable, __file__, "--assemble", str(src), str(tmp / "ours.pdf")]
    print(f"qpdf: assembling 1000 pages, {pairs} pairs")
    print(" (a) end to end, fresh processes (Python or qpdf start-up included)")
    runs = interleave(
        {
            "ours (python, merge + bookmarks + page numbers)": lambda: process_seconds(me),
            "qpdf --empty --pages (merge only)": lambda: process_seconds(qpdf),
        },
        pairs,
    )
    medians(runs)
    ratio_line("end to end: ours / qpdf", *runs.values())

    print(" (b) in process, imports done: our assemble vs a plain pikepdf (libqpdf) merge")

    def timed(func: Callable[[], None]) -> Callable[[], tuple[float, float]]:
        def run() -> tuple[float, float]:
            start, cpu = time.perf_counter(), time.process_time()
            func()
            return time.perf_counter() - start, time.process_time() - cpu

        return run

    runs = interleave(
        {
            "ours: assemble()": timed(lambda: assemble_job(src, tmp / "ours-in.pdf")),
            "pikepdf merge (the qpdf library)": timed(lambda: plain_merge(wrapped, tmp / "pk.pdf")),
        },
        pairs,
    )
    medians(runs)
    ratio_line("in process: ours / plain merge", *runs.values())


# -- warm -------------------------------------------------------------------------------------


class Timing:
    """Wraps a converter and records how long each `convert` call took."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.seconds: list[float] = []

    def convert(self, docs: list[Path], out_dir: Path) -> list[Path]:
        start = time.perf_counter()
        try:
            return self.inner.convert(docs, out_dir)  # type: ignore[attr-defined,no-any-return]
        finally:
            self.seconds.append(time.perf_counter() - start)


def bench_warm(tmp: Path, pairs: int) -> None:
    from jidi_docs.input._load import load
    from jidi_docs.pdf import WarmConverter
    from jidi_docs.pdf._convert import SofficeConverter
    from jidi_docs.pipeline._bundle import bundle

    app = load(_inputs.EXAMPLE)
    print(f"warm: conversion time of one bundle in a running process, {pairs} pairs")
    with WarmConverter() as warm:
        start = time.perf_counter()
        bundle(app, tmp / "warm-first", converter=warm)
        print(
            f"  first bundle with WarmConverter (starts LibreOffice): "
            f"{time.perf_counter() - start:.2f} s"
        )

        def conversion(
            make: Callable[[], object], closing: bool
        ) -> Callable[[], tuple[float, float]]:
            def run() -> tuple[float, float]:
                conv = make()
                timing = Timing(conv)
                try:
                    bundle(app, fresh(tmp / "warm-out"), converter=timing)  # type: ignore[arg-type]
                finally:
                    if closing:
                        conv.close()  # type: ignore[attr-defined]
                return sum(timing.seconds), 0.0

            return run

        runs = interleave(
            {
                "one-shot SofficeConverter (a new LibreOffice each bundle)": conversion(
                    SofficeConverter, True
                ),
                "WarmConverter (LibreOffice already running)": conversion(lambda: warm, False),
            },
            pairs,
        )
    medians(runs)
    cold, warm_runs = runs.values()
    ratio_line(
        "speed-up of the conversion (one-shot / warm)", warm_runs, cold, target=3.0, faster=True
    )


def compile_package() -> None:
    """Compile jidi_docs's modules to bytecode, as a wheel install does (see the docstring)."""
    import compileall

    import jidi_docs

    compileall.compile_dir(Path(jidi_docs.__file__).parent, quiet=1)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--assemble":
        assemble_job(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--documents", type=int, default=10, help="documents in 'soffice'")
    parser.add_argument(
        "--skip-per-document",
        action="store_true",
        help="leave out the slow secondary naive loop in 'big'",
    )
    args = parser.parse_args()
    chosen = args.only.split(",")
    print(f"bundle benchmarks ({cpu_count_note()})")
    compile_package()
    with tempfile.TemporaryDirectory(prefix="jidi-bench-") as tmp:
        root = Path(tmp)
        for name in chosen:
            section = root / name
            section.mkdir()
            if name == "floor":
                bench_floor(section, args.pairs)
            elif name == "big":
                bench_big(section, args.pairs, not args.skip_per_document)
            elif name == "soffice":
                bench_soffice(section, args.pairs, args.documents)
            elif name == "qpdf":
                bench_qpdf(section, args.pairs)
            elif name == "warm":
                bench_warm(section, args.pairs)
            else:
                parser.error(f"unknown section {name!r}; choose from {', '.join(SECTIONS)}")


if __name__ == "__main__":
    main()
