"""The naive pipeline the benchmarks compare against: what a careful user would script by hand.

For every application: docxtpl fills each form from the template file (loaded per form), then ONE
``soffice --convert-to pdf`` call converts every document of the run, then pypdf merges each
application's forms and evidence (images wrapped by img2pdf) with one bookmark per entry.
It makes no cover, contents or page numbers, which our bundle does: less work for the baseline.

LibreOffice runs with a private profile that is created once and reused across runs (as a user's
own profile would be), so the baseline never pays for profile creation.

``--per-document`` starts one soffice per document instead (the loop people often write first);
it is reported only as a labelled secondary line.

Run as a script (a fresh process, so Python start-up and imports count as for our command):
``python benchmarks/_naive.py --profile DIR --out DIR [--per-document] YAML ...``
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

SOFFICE_FLAGS = ["--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck"]


def soffice(profile: Path, docs: list[Path], out_dir: Path) -> None:
    """Convert `docs` to PDF in `out_dir` with one soffice process using `profile`."""
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            *SOFFICE_FLAGS,
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, docs),
        ],
        check=True,
        capture_output=True,
    )


def build(yamls: list[Path], out: Path, profile: Path, *, per_document: bool = False) -> None:
    """Build every application's forms and merged PDF into ``out/<n>/``."""
    import img2pdf
    from docxtpl import DocxTemplate
    from pypdf import PdfWriter

    from jidi_docs._resources import template_path
    from jidi_docs.forms._context import form1_context, form2_context
    from jidi_docs.input._load import load

    apps = []
    docs: list[Path] = []
    for n, path in enumerate(yamls):
        app = load(path)
        folder = out / f"{n:04d}"
        folder.mkdir(parents=True)
        forms = []
        for key, ctx in (("附件2", form2_context(app)), ("附件1", form1_context(app))):
            tpl = DocxTemplate(str(template_path(key)))
            tpl.render(ctx, autoescape=True)
            # Names unique across the run, so one soffice call can write every PDF in one folder.
            doc = folder / f"{n:04d}-{key}.docx"
            tpl.save(str(doc))
            forms.append(doc)
        docs.extend(forms)
        apps.append((app, folder, forms))
    pdf_dir = out / "pdf"
    if per_document:
        for doc in docs:
            soffice(profile, [doc], pdf_dir)
    else:
        soffice(profile, docs, pdf_dir)
    for app, folder, forms in apps:
        writer = PdfWriter()
        for doc in forms:
            writer.append(str(pdf_dir / f"{doc.stem}.pdf"), outline_item=doc.stem)
        for entry in app.evidence:
            for rel in entry.files:
                f = app.base_dir / rel
                if f.suffix.lower() == ".pdf":
                    writer.append(str(f), outline_item=entry.name)
                else:
                    wrapped = folder / f"{f.stem}.pdf"
                    wrapped.write_bytes(img2pdf.convert(str(f)))
                    writer.append(str(wrapped), outline_item=entry.name)
        with (folder / "申报材料.pdf").open("wb") as fh:
            writer.write(fh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-document", action="store_true")
    parser.add_argument("yamls", type=Path, nargs="+")
    args = parser.parse_args()
    build(args.yamls, args.out, args.profile, per_document=args.per_document)


if __name__ == "__main__":
    main()
