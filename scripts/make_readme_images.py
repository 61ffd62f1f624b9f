"""Make the README's pictures from the real output: pages of the forms filled from the example.

Usage: ``PYTHONPATH=src python scripts/make_readme_images.py [--out docs/images]``

Renders both forms from ``data/示例/申报.yaml``, converts them with LibreOffice, and writes the first
page of each as a PNG (poppler's ``pdftoppm``), so the pictures always show what the program makes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from jidi_docs.forms._render import render
from jidi_docs.input._load import load
from jidi_docs.pdf._convert import SofficeConverter

#: (form, page, picture name)
PICTURES = [("附件2", 1, "申报表-第1页.png"), ("附件1", 1, "评价表-第1页.png")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--dpi", type=int, default=80, help="resolution; 80 keeps each PNG small")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        print("需要 poppler-utils（pdftoppm）。", file=sys.stderr)
        return 1
    app = load(ROOT / "data" / "示例" / "申报.yaml")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docs = dict(zip(("附件1", "附件2"), render(app, work / "docx"), strict=True))
        with SofficeConverter() as converter:
            pdfs = dict(
                zip(docs, converter.convert(list(docs.values()), work / "pdf"), strict=True)
            )
        for form, page, name in PICTURES:
            stem = work / "page"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    str(args.dpi),
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(pdfs[form]),
                    str(stem),
                ],
                check=True,
            )
            target = args.out / name
            shutil.move(str(stem.with_suffix(".png")), target)
            print(f"已生成 {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
