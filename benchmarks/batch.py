"""Benchmark ``jidi_docs.batch`` against a naive loop, in applications per second.

Prints, in one run on the same generated applications:

(a) jidi_docs with one worker (``jobs=1``) vs a naive loop (docxtpl loads the template for every
    document, one soffice process per document, pypdf merges forms and evidence), forms only and
    with bundles;
(b) jidi_docs with two workers vs one.

Usage: ``PYTHONPATH=src python benchmarks/batch.py [--count 100] [--skip-naive-pdf]``.
The machine is noisy: compare the ratios of one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import img2pdf
import pikepdf
from docxtpl import DocxTemplate
from PIL import Image
from pypdf import PdfWriter

from jidi_docs._resources import template_path
from jidi_docs.pipeline._batch import batch
from jidi_docs.forms._context import form1_context, form2_context
from jidi_docs.input._load import load

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "data" / "示例" / "申报.yaml").read_text("utf-8")
EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"
EVIDENCE = sorted(set(re.findall(r"佐证材料/[^,\]\}\s]+", EXAMPLE)))


def generate(root: Path, count: int) -> list[Path]:
    """Write `count` applications (the contract example, renamed) with one-page evidence."""
    paths = []
    for i in range(count):
        folder = root / f"app{i:03d}"
        folder.mkdir(parents=True)
        yaml_path = folder / "申报.yaml"
        yaml_path.write_text(EXAMPLE.replace(EXAMPLE_UNIT, f"杭州基准测试{i:03d}有限公司"), "utf-8")
        for rel in EVIDENCE:
            path = folder / rel
            path.parent.mkdir(exist_ok=True)
            if rel.endswith(".pdf"):
                pdf = pikepdf.new()
                pdf.add_blank_page(page_size=(595, 842))
                pdf.save(path)
            else:
                Image.new("RGB", (1200, 900), "white").save(path, quality=85)
        paths.append(yaml_path)
    return paths


def naive(paths: list[Path], out: Path, *, pdf: bool) -> None:
    """The loop a user would write: no template reuse, one soffice per document, pypdf merge."""
    soffice = shutil.which("soffice")
    for path in paths:
        app = load(path)
        folder = out / path.parent.name
        folder.mkdir(parents=True)
        docs = []
        for key, ctx in (("附件2", form2_context(app)), ("附件1", form1_context(app))):
            tpl = DocxTemplate(str(template_path(key)))
            tpl.render(ctx, autoescape=True)
            doc = folder / f"{key}.docx"
            tpl.save(str(doc))
            docs.append(doc)
        if not pdf:
            continue
        pdfs = []
        for doc in docs:
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(
                    [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                     "--convert-to", "pdf", "--outdir", str(folder), str(doc)],
                    check=True, capture_output=True,
                )
            pdfs.append(folder / f"{doc.stem}.pdf")
        writer = PdfWriter()
        for p in pdfs:
            writer.append(str(p))
        for entry in app.evidence:
            for rel in entry.files:
                f = app.base_dir / rel
                if f.suffix.lower() == ".pdf":
                    writer.append(str(f), outline_item=entry.name)
                else:
                    img = folder / f"{f.stem}.pdf"
                    img.write_bytes(img2pdf.convert(str(f)))
                    writer.append(str(img), outline_item=entry.name)
        with (folder / "申报材料.pdf").open("wb") as fh:
            writer.write(fh)


def timed(label: str, func, count: int) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    rate = count / seconds
    print(f"  {label:<28} {seconds:8.2f} s  {rate:7.2f} 份/秒", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--skip-naive-pdf", action="store_true",
                        help="skip the slowest measurement (one soffice start per document)")
    args = parser.parse_args()
    n = args.count
    with tempfile.TemporaryDirectory(prefix="jidi-bench-") as tmp:
        tmp_path = Path(tmp)
        paths = generate(tmp_path / "in", n)
        # Warm-up: start the worker server and compile the templates before any timing.
        batch([paths[0]], tmp_path / "warm", jobs=2, pdf=False)
        print(f"{n} 份申报（每份 2 张表、12 个单页佐证材料）")

        def run(name: str, jobs: int, pdf: bool) -> float:
            out = tmp_path / name
            return timed(name, lambda: batch([tmp_path / "in"], out, jobs=jobs, pdf=pdf,
                                             force=True), n)

        print("仅表格（--no-pdf）:")
        naive_forms = timed("naive loop", lambda: naive(paths, tmp_path / "naive-forms", pdf=False), n)
        j1_forms = run("jidi_docs -j 1", 1, False)
        j2_forms = run("jidi_docs -j 2", 2, False)
        print("含申报材料 PDF:")
        naive_pdf = None
        if not args.skip_naive_pdf:
            naive_pdf = timed("naive loop", lambda: naive(paths, tmp_path / "naive-pdf", pdf=True), n)
        j1_pdf = run("jidi_docs -j 1 (pdf)", 1, True)
        j2_pdf = run("jidi_docs -j 2 (pdf)", 2, True)

        print("比值:")
        print(f"  (a) 仅表格   -j 1 / naive = {j1_forms / naive_forms:.2f}x  (目标 ≥ 2x)")
        if naive_pdf is not None:
            print(f"  (a) 含 PDF   -j 1 / naive = {j1_pdf / naive_pdf:.2f}x  (目标 ≥ 5x)")
        print(f"  (b) 仅表格   -j 2 / -j 1  = {j2_forms / j1_forms:.2f}x  (目标 ≥ 1.6x)")
        print(f"  (b) 含 PDF   -j 2 / -j 1  = {j2_pdf / j1_pdf:.2f}x  (目标 ≥ 1.6x)")
    sys.exit(0)


if __name__ == "__main__":
    main()
