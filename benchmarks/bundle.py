"""Measure the bundle building blocks against their targets, on inputs generated in a temp dir.

(a) LibreOffice: seconds per document converting 20 .docx in one soffice start vs 20 starts
    (target: one start at least 4x faster per document).
(b) Assembly of 1000 evidence pages (50 PDFs + 20 JPEG scans, ~40 MB): our assembler (merge +
    bookmarks + page numbers) vs ``qpdf --empty --pages … -- out.pdf`` (target: within 2x of qpdf's
    wall time, peak memory under 3x the input size), plus the same work done with pypdf, for the
    choice explained in jidi_docs.pdf._assemble. qpdf merges the same content: the 50 PDFs and the 20
    scans, which it cannot read, wrapped into PDFs by img2pdf beforehand (untimed).

Two views, both printed: end to end (a fresh process, Python start-up and imports included, as a
user runs it), and in process (imports done, the job timed after one warm-up run, peak measured
as the growth of the process's high-water mark). qpdf is a C++ binary: its start-up is measured
with ``qpdf --version`` and reported beside it.

Every end-to-end run is a fresh subprocess measured by a fresh parent with
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, so peaks never mix. Compare ratios within one
run; absolute times vary between runs on a noisy machine.

Usage: ``PYTHONPATH=src python benchmarks/bundle.py [--repeat 3] [--skip-soffice]``
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_PDFS, N_JPEGS, TOTAL_PAGES = 50, 20, 1000


# -- input generation ---------------------------------------------------------------------------


def make_inputs(root: Path) -> tuple[list[Path], list[Path]]:
    """Write 50 PDFs (980 pages, a noise image per file) and 20 ~1 MB JPEG scans; return both lists."""
    import pikepdf
    from PIL import Image

    rng = random.Random(7)
    pdf_pages = TOTAL_PAGES - N_JPEGS
    per_file = [pdf_pages // N_PDFS + (1 if i < pdf_pages % N_PDFS else 0) for i in range(N_PDFS)]
    pdfs = []
    for i, pages in enumerate(per_file):
        noise = Image.frombytes("RGB", (600, 560), rng.randbytes(600 * 560 * 3))
        buf = io.BytesIO()
        noise.save(buf, "JPEG", quality=95)
        pdf = pikepdf.new()
        image = pdf.make_stream(
            buf.getvalue(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=600,
            Height=560,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
        for n in range(pages):
            content = f"q 420 0 0 300 90 400 cm /Im0 Do Q BT /F1 14 Tf 72 760 Td (file {i} page {n + 1}) Tj ET"
            pdf.pages.append(
                pikepdf.Page(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Page,
                        MediaBox=[0, 0, 595, 842],
                        Contents=pdf.make_stream(content.encode()),
                        Resources=pikepdf.Dictionary(
                            XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(F1=font)
                        ),
                    )
                )
            )
        path = root / f"evidence{i:02d}.pdf"
        pdf.save(path)
        pdfs.append(path)
    jpegs = []
    for i in range(N_JPEGS):
        img = Image.frombytes("RGB", (1000, 850), rng.randbytes(1000 * 850 * 3))
        path = root / f"scan{i:02d}.jpg"
        img.save(path, "JPEG", quality=95)
        jpegs.append(path)
    return pdfs, jpegs


def make_docx(root: Path, n: int) -> list[Path]:
    """Write `n` two-page .docx files typeset in 宋体."""
    import docx
    from docx.oxml.ns import qn

    docs = []
    for i in range(n):
        document = docx.Document()
        for k in range(60):
            run = document.add_paragraph().add_run(
                f"第{i}号文档 第{k}段：杭州跨境电商人才社会培训基地认定申报材料。"
            )
            run.font.name = "宋体"
            run._element.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:eastAsia"), "宋体")
        path = root / f"doc{i:02d}.docx"
        document.save(path)
        docs.append(path)
    return docs


# -- the measured jobs (run as child processes) -------------------------------------------------


def job_assemble(src: Path, out: Path) -> None:
    """Our assembler over every input: one bookmark per file, grouped in two parts."""
    from jidi_docs.pdf._assemble import Part, assemble
    from jidi_docs.pdf._evidence import load_evidence

    pdfs = sorted(src.glob("evidence*.pdf"))
    jpegs = sorted(src.glob("scan*.jpg"))
    parts = [
        Part("PDF 材料", children=[Part(p.stem, [load_evidence(p, entry=p.stem)]) for p in pdfs]),
        Part("扫描件", children=[Part(p.stem, [load_evidence(p, entry=p.stem)]) for p in jpegs]),
    ]
    result = assemble(parts, out, title="基准测试", author="基准测试单位", unnumbered_pages=0)
    assert result.page_count == TOTAL_PAGES, result.page_count


def job_assemble_bare(src: Path, out: Path) -> None:
    """`job_assemble` without running the package ``__init__`` (which imports the whole public API).

    Why: it shows what the assembly costs a process that imports only what it needs, as a lazy
    ``jidi_docs/__init__.py`` would allow.
    """
    import types

    package = types.ModuleType("jidi_docs")
    package.__path__ = [str(Path(__file__).resolve().parents[1] / "src" / "jidi_docs")]
    sys.modules["jidi_docs"] = package
    job_assemble(src, out)


def job_assemble_pypdf(src: Path, out: Path) -> None:
    """The same work with pypdf: merge, a bookmark per file, page numbers appended per page."""
    import img2pdf
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    parent_pdf = writer.add_outline_item("PDF 材料", 0)
    for p in sorted(src.glob("evidence*.pdf")):
        start = len(writer.pages)
        writer.append(PdfReader(p), import_outline=False)
        writer.add_outline_item(p.stem, start, parent=parent_pdf)
    layout = img2pdf.get_layout_fun(
        pagesize=(595.28, 841.89), border=(42.5, 42.5), fit=img2pdf.FitMode.into
    )
    parent_img = writer.add_outline_item("扫描件", len(writer.pages))
    for p in sorted(src.glob("scan*.jpg")):
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(img2pdf.convert(str(p), layout_fun=layout))))
        writer.add_outline_item(p.stem, start, parent=parent_img)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for n, page in enumerate(writer.pages, 1):
        res = page["/Resources"].get_object()
        fonts = res.get("/Font")
        if fonts is None:
            res[NameObject("/Font")] = fonts = DictionaryObject()
        fonts = fonts.get_object()
        fonts[NameObject("/JidiPN")] = font
        pre, post = DecodedStreamObject(), DecodedStreamObject()
        pre.set_data(b"q\n")
        post.set_data(f"Q\nBT /JidiPN 10.5 Tf 280 22 Td (\x97 {n} \x97) Tj ET\n".encode("latin-1"))
        old = page.get("/Contents")
        arr = ArrayObject([writer._add_object(pre)])
        if isinstance(old, ArrayObject):
            arr.extend(old)
        elif old is not None:
            arr.append(
                old.indirect_reference
                if hasattr(old, "indirect_reference") and old.indirect_reference
                else old
            )
        arr.append(writer._add_object(post))
        page[NameObject("/Contents")] = arr
    writer.add_metadata({"/Title": "基准测试", "/Author": "基准测试单位"})
    with out.open("wb") as f:
        writer.write(f)


# -- measuring ----------------------------------------------------------------------------------


def measure(cmd: list[str]) -> tuple[float, float]:
    """Return (wall seconds, peak MiB) of `cmd`, run under a fresh measuring parent."""
    probe = subprocess.run(
        [sys.executable, __file__, "--measure", "--", *cmd],
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(probe.stdout.strip().splitlines()[-1])
    return data["seconds"], data["maxrss_kib"] / 1024


def _measure_main(cmd: list[str]) -> None:
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "maxrss_kib": rss}))


def median_of(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [measure(cmd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def bench_soffice(root: Path, repeat: int) -> None:
    from jidi_docs.pdf._convert import SofficeConverter

    docs = make_docx(root, 20)
    with SofficeConverter() as conv:
        conv.convert(docs[:1], root / "warm")  # profile creation is a one-off cost; keep it out
        batch, single = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            conv.convert(docs, root / "one")
            batch.append(time.perf_counter() - t)
            t = time.perf_counter()
            for d in docs:
                conv.convert([d], root / "many")
            single.append(time.perf_counter() - t)
    b, s = statistics.median(batch) / len(docs), statistics.median(single) / len(docs)
    print("(a) LibreOffice, 20 .docx (2 pages each), same private profile")
    print(f"    one start for all 20: {b:.3f} s/document")
    print(f"    20 separate starts:   {s:.3f} s/document")
    print(f"    ratio: {s / b:.1f}x  (target ≥ 4x: {'met' if s / b >= 4 else 'NOT met'})")


def wrap_scans(jpegs: list[Path], out_dir: Path) -> list[Path]:
    """Return the scans wrapped into one-page A4 PDFs the way jidi_docs does, for qpdf (untimed)."""
    from jidi_docs.pdf._evidence import load_evidence

    out_dir.mkdir()
    wrapped = []
    for p in jpegs:
        with load_evidence(p, entry=p.stem).open() as pdf:
            pdf.save(out_dir / f"{p.stem}.pdf")
        wrapped.append(out_dir / f"{p.stem}.pdf")
    return wrapped


def _hwm_kib() -> int:
    with Path("/proc/self/status").open() as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def job_inprocess(src: Path, out: Path, repeat: int) -> None:
    """Import, run our assembly once to warm up, then time `repeat` runs; print JSON."""
    import jidi_docs.pdf._assemble
    import jidi_docs.pdf._evidence  # noqa: F401

    before = _hwm_kib()
    times = []
    for _ in range(repeat + 1):
        t = time.perf_counter()
        job_assemble(src, out)
        times.append(time.perf_counter() - t)
    print(
        json.dumps(
            {
                "seconds": statistics.median(times[1:]),
                "first": times[0],
                "growth_kib": _hwm_kib() - before,
                "base_kib": before,
            }
        )
    )


def bench_assemble(root: Path, repeat: int) -> None:
    src = root / "inputs"
    src.mkdir()
    pdfs, jpegs = make_inputs(src)
    wrapped = wrap_scans(jpegs, root / "wrapped")
    size_mib = sum(p.stat().st_size for p in [*pdfs, *jpegs]) / 2**20
    me = [sys.executable, __file__]
    qpdf_args = [
        "qpdf",
        "--empty",
        "--pages",
        *map(str, [*pdfs, *wrapped]),
        "--",
        str(root / "qpdf.pdf"),
    ]
    q_t, q_m = median_of(qpdf_args, repeat)
    qs_t, qs_m = median_of(["qpdf", "--version"], repeat)
    o_t, o_m = median_of([*me, "--job", "assemble", str(src), str(root / "ours.pdf")], repeat)
    b_t, b_m = median_of([*me, "--job", "assemble-bare", str(src), str(root / "bare.pdf")], repeat)
    p_t, p_m = median_of(
        [*me, "--job", "assemble-pypdf", str(src), str(root / "pypdf.pdf")], repeat
    )
    # Interpreter start + imports alone: a fixed cost qpdf (a C++ binary) does not pay. Importing
    # jidi_docs.assemble runs the package __init__, which imports the whole public API.
    i_t, i_m = median_of(
        [sys.executable, "-c", "import jidi_docs.pdf._assemble, jidi_docs.pdf._evidence"], repeat
    )
    t_t, t_m = median_of([sys.executable, "-c", "import pikepdf, img2pdf, PIL.Image"], repeat)
    probe = subprocess.run(
        [*me, "--job", "inprocess", str(src), str(root / "inproc.pdf"), str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    inproc = json.loads(probe.stdout.strip().splitlines()[-1])
    n_t, n_m = inproc["seconds"], inproc["growth_kib"] / 1024
    print(
        f"(b) assembling {TOTAL_PAGES} pages from {N_PDFS} PDFs + {N_JPEGS} JPEG scans, input {size_mib:.1f} MiB"
        f" (medians of {repeat})"
    )
    print("    end to end (fresh process each):")
    print(
        f"      qpdf --empty --pages, same content:    {q_t:.2f} s, {q_m:.0f} MiB peak"
        f"  (qpdf --version alone: {qs_t:.3f} s, {qs_m:.0f} MiB)"
    )
    print(f"      ours, pikepdf (+bookmarks, numbers):   {o_t:.2f} s, {o_m:.0f} MiB peak")
    print(
        f"      ours without the package __init__:     {b_t:.2f} s, {b_m:.0f} MiB peak"
        f"  ({b_t / q_t:.2f}x qpdf, {b_m / size_mib:.2f}x input)"
    )
    print(f"      same work with pypdf:                  {p_t:.2f} s, {p_m:.0f} MiB peak")
    print(f"      python + `import jidi_docs.pdf._assemble`:   {i_t:.2f} s, {i_m:.0f} MiB peak")
    print(f"      python + pikepdf, img2pdf, PIL only:   {t_t:.2f} s, {t_m:.0f} MiB peak")
    print(
        f"      time ours/qpdf: {o_t / q_t:.2f}x (target <= 2x: {'met' if o_t / q_t <= 2 else 'NOT met'});"
        f" pypdf/qpdf: {p_t / q_t:.2f}x"
    )
    print(
        f"      memory ours/input: {o_m / size_mib:.2f}x (target < 3x: {'met' if o_m / size_mib < 3 else 'NOT met'});"
        f" pypdf/input: {p_m / size_mib:.2f}x"
    )
    print("    in process (imports done, warm):")
    print(
        f"      ours: {n_t:.2f} s (first run {inproc['first']:.2f} s), peak grows {n_m:.0f} MiB"
        f" over {inproc['base_kib'] / 1024:.0f} MiB after imports"
    )
    print(
        f"      time ours/qpdf end to end: {n_t / q_t:.2f}x; net of qpdf's own start-up: {n_t / (q_t - qs_t):.2f}x"
    )
    print(
        f"      memory growth/input: {n_m / size_mib:.2f}x; growth + third-party imports:"
        f" {(n_m + t_m) / size_mib:.2f}x"
    )
    print(
        f"    output sizes: ours {(root / 'ours.pdf').stat().st_size / 2**20:.1f} MiB,"
        f" pypdf {(root / 'pypdf.pdf').stat().st_size / 2**20:.1f} MiB,"
        f" qpdf {(root / 'qpdf.pdf').stat().st_size / 2**20:.1f} MiB"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        _measure_main(sys.argv[3:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--job":
        job, src, out = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        if job == "inprocess":
            job_inprocess(src, out, int(sys.argv[5]))
            return
        jobs = {
            "assemble": job_assemble,
            "assemble-bare": job_assemble_bare,
            "assemble-pypdf": job_assemble_pypdf,
        }
        jobs[job](src, out)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-soffice", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1] / "src"))
    root = Path(tempfile.mkdtemp(prefix="jidi-bench-"))
    try:
        if not args.skip_soffice:
            bench_soffice(root, args.repeat)
        bench_assemble(root, args.repeat)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
