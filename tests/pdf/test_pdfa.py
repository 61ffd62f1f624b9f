"""PDF/A-2b: the bundle passes a PDF/A validator, and the checks refuse what breaks the rules."""

from __future__ import annotations

import pikepdf
import pypdf
import pytest

from jidi_docs.errors import BundleError
from jidi_docs.forms._render import render
from jidi_docs.input._load import load
from jidi_docs.pdf import _pdfa
from jidi_docs.pdf._convert import SofficeConverter
from jidi_docs.pdf._pdfa import make_pdfa, pdfa_problems
from jidi_docs.pipeline._bundle import bundle
from pdfhelpers import (
    copy_example,
    font_rows,
    make_pdf,
    pdfa_failures,
    require_ghostscript,
    require_soffice,
)


def hostile_pdf(path):
    """A PDF breaking PDF/A in every way checked: unembedded font, CMYK, half-transparent fill
    without a group, a JavaScript open action, no output intent, no XMP."""
    make_pdf(path, 1, label="HOSTILE")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.Resources.ExtGState = pikepdf.Dictionary(GS1=pikepdf.Dictionary(ca=0.5))
        page.contents_add(pdf.make_stream(b"q /GS1 gs 0 1 1 0 k 100 100 200 200 re f Q"))
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
        pdf.save(path)
    return path


def test_checks_name_every_broken_rule(tmp_path):
    with pikepdf.open(hostile_pdf(tmp_path / "h.pdf")) as pdf:
        problems = pdfa_problems(pdf)

    assert problems == [
        "缺少 PDF/A 输出意图（OutputIntent）",
        "XMP 元数据中没有 PDF/A-2b 标识（pdfaid）",
        "有字体未嵌入：Helvetica",
        "含有 JavaScript",
        "第 1 页使用了透明效果但没有透明组",
    ]


def test_hostile_evidence_comes_out_conforming(tmp_path):
    require_ghostscript()
    out = tmp_path / "a.pdf"

    make_pdfa(hostile_pdf(tmp_path / "h.pdf"), out, title="标题 <&>", author="单位")

    assert pdfa_failures(out) == []
    with pikepdf.open(out) as pdf:
        assert pdfa_problems(pdf) == []
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "标题 <&>"
        assert "/OpenAction" not in pdf.Root or "/JS" not in pdf.Root.OpenAction
    assert all(row["emb"] == "yes" for row in font_rows(out))


def test_a_failing_conversion_is_refused_with_the_reason(tmp_path, monkeypatch):
    require_ghostscript()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is no PDF at all")

    with pytest.raises(BundleError, match="Ghostscript 无法把申报材料转换为 PDF/A"):
        make_pdfa(broken, tmp_path / "a.pdf", title="t", author="a")
    assert not (tmp_path / "a.pdf").exists()


def test_without_ghostscript_pdfa_is_refused_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr(_pdfa, "find_ghostscript", lambda: None)

    with pytest.raises(BundleError, match="sudo apt-get install ghostscript"):
        make_pdfa(make_pdf(tmp_path / "p.pdf", 1), tmp_path / "a.pdf", title="t", author="a")


@pytest.fixture(scope="module")
def example_pdfa(tmp_path_factory):
    require_soffice()
    require_ghostscript()
    root = tmp_path_factory.mktemp("pdfa")
    return bundle(copy_example(root / "示例"), root / "out", pdfa=True, date="2021-08-10")


@pytest.mark.soffice
def test_example_bundle_passes_the_pdfa_validator(example_pdfa):
    assert pdfa_failures(example_pdfa) == []


@pytest.mark.soffice
def test_example_bundle_is_identified_embedded_unencrypted_and_keeps_labels(example_pdfa):
    rows = font_rows(example_pdfa)
    reader = pypdf.PdfReader(example_pdfa)

    assert rows
    assert all(row["emb"] == "yes" for row in rows), rows
    assert not reader.is_encrypted
    assert reader.page_labels[:4] == ["封面", "目录", "1", "2"]  # the contents on one page
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == [
        "封面",
        "目录",
        "附件2 跨境电商人才社会培训基地认定申报表",
        "附件1 跨境电商人才社会培训基地认定评价表",
        "佐证材料",
    ]
    with pikepdf.open(example_pdfa) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1"
        assert int(intent.DestOutputProfile.N) == 3
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert pdfa_problems(pdf) == []


@pytest.mark.soffice
def test_libreoffice_writes_the_forms_as_pdfa_when_asked(tmp_path):
    require_soffice()
    app = load(copy_example(tmp_path / "示例"))
    forms = render(app, tmp_path / "forms")
    with SofficeConverter(pdfa=True) as conv:
        pdfs = conv.convert(forms, tmp_path / "pdf")

    for pdf_path in pdfs:
        with pikepdf.open(pdf_path) as pdf:
            meta = pdf.open_metadata()
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
            assert "/OutputIntents" in pdf.Root


def _flate_ending_in_cr() -> tuple[bytes, bytes]:
    """Return content-stream bytes whose default zlib compression ends in a carriage return."""
    import zlib

    for n in range(100_000):
        data = f"BT /F1 12 Tf 72 {n} Td (x{n}) Tj ET\n".encode()
        packed = zlib.compress(data)
        if packed.endswith(b"\r"):
            return data, packed
    raise AssertionError("no sample found")


def test_no_stored_stream_ends_in_a_carriage_return(tmp_path) -> None:
    """PDF/A counts /Length up to the EOL before ``endstream``; a stored CR there reads as part
    of a CR LF marker. Before the fix the validator refused such a file now and then."""
    data, packed = _flate_ending_in_cr()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    plain = pdf.make_stream(b"q Q\r")
    flate = pdf.make_stream(b"")
    flate.write(packed, filter=pikepdf.Name.FlateDecode)
    # compressed as it is, it would end in a CR: the writer must not be left to compress it
    later = pdf.make_stream(data)
    pdf.pages[0].Contents = pikepdf.Array([plain, flate, later])
    before = tmp_path / "before.pdf"
    pdf.save(before, compress_streams=False)
    assert any(f.startswith("PDFA2B-STREAM-LENGTH") for f in pdfa_failures(before))

    _pdfa._settle_stream_ends(pdf)
    after = tmp_path / "after.pdf"
    pdf.save(after, compress_streams=True)

    assert not any(f.startswith("PDFA2B-STREAM-LENGTH") for f in pdfa_failures(after))
    with pikepdf.open(after) as back:
        streams = [o for o in back.objects if isinstance(o, pikepdf.Stream)]
        assert all(not s.read_raw_bytes().endswith(b"\r") for s in streams)
        assert [s.read_bytes() for s in back.pages[0].Contents] == [b"q Q\r", data, data]
