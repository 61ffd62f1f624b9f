"""The documents LibreOffice converts keep only the styles their content uses
(jidi_docs.forms._docxlean), and LibreOffice draws them exactly as the full documents."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from PIL import Image, ImageChops

from jidi_docs.forms._cover import ContentsLine
from jidi_docs.forms._docxlean import make_lean
from jidi_docs.forms._render import render_forms_bytes
from jidi_docs.input._load import load
from pdfhelpers import require_soffice
from stressapp import example_cover

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The example's two forms and its cover, as the bundle makes them."""
    folder = tmp_path_factory.mktemp("docs")
    data, _ = render_forms_bytes(load(EXAMPLE))
    paths = []
    for key, blob in data.items():
        paths.append(folder / f"{key}.docx")
        paths[-1].write_bytes(blob)
    cover = example_cover(
        folder / "封面.docx", [ContentsLine(0, "附件2", "1–4"), ContentsLine(1, "基本情况", "5")]
    )
    return [*paths, cover]


def _style_ids(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/styles.xml"))
    return {s.get(f"{W}styleId") for s in root.findall(f"{W}style")}


def _referenced(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        text = b"".join(z.read(n) for n in z.namelist() if n != "word/styles.xml")
    return {m.decode() for m in re.findall(rb'Style w:val="([^"]*)"', text)}


def lean_copy(doc: Path, lean: Path) -> Path:
    shutil.copyfile(doc, lean)
    assert make_lean([lean]) == [lean]
    return lean


def test_the_lean_document_keeps_what_is_used_and_every_other_part(documents, tmp_path) -> None:
    for doc in documents:
        lean = lean_copy(doc, tmp_path / doc.name)

        kept, before = _style_ids(lean), _style_ids(doc)
        assert _referenced(doc) <= kept, doc.name
        assert len(kept) < len(before) / 4, (doc.name, len(kept), len(before))
        with zipfile.ZipFile(doc) as a, zipfile.ZipFile(lean) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                if name != "word/styles.xml":
                    assert a.read(name) == b.read(name), (doc.name, name)
            # The styles each kept one is based on are kept too.
            root = etree.fromstring(b.read("word/styles.xml"))
            for ref in root.iter(f"{W}basedOn"):
                assert ref.get(f"{W}val") in kept
        docx.Document(str(lean))  # still a Word document


def test_a_styles_part_that_cannot_be_read_is_left_as_it_is(tmp_path) -> None:
    src = tmp_path / "plain.docx"
    docx.Document().save(str(src))
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(broken, "w") as b:
        for name in z.namelist():
            b.writestr(name, b"<not xml" if name == "word/styles.xml" else z.read(name))
    before = broken.read_bytes()

    make_lean([broken])

    assert broken.read_bytes() == before


def _pages(pdf: Path) -> list[Image.Image]:
    out = subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf)], check=True, capture_output=True
    ).stdout
    # pdftoppm writes the pages one after the other to stdout; split at each PNG signature.
    chunks = out.split(b"\x89PNG")[1:]
    return [Image.open(io.BytesIO(b"\x89PNG" + c)).convert("L") for c in chunks]


@pytest.mark.soffice
def test_libreoffice_draws_the_lean_copy_exactly_as_the_document(documents, tmp_path) -> None:
    soffice = require_soffice()
    pairs = []
    for doc in documents:
        lean_copy(doc, tmp_path / f"{doc.stem}-lean.docx")
        pairs.append((tmp_path / f"{doc.stem}.pdf", tmp_path / f"{doc.stem}-lean.pdf"))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, documents),
            *(str(tmp_path / f"{d.stem}-lean.docx") for d in documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )

    for full, lean in pairs:
        a, b = _pages(full), _pages(lean)
        assert len(a) == len(b) > 0, full.name
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            assert ImageChops.difference(x, y).getbbox() is None, f"{full.name} page {n + 1}"
