"""Test the jidi_docs._docxmerge module and the merged conversion of SofficeConverter."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from lxml import etree

from jidi_docs.forms._docxmerge import MARK, NotMergeable, merge, signature, split
from jidi_docs.forms._render import render_forms_bytes
from jidi_docs.input._load import load
from jidi_docs.pdf import _convert as convert
from jidi_docs.pdf._convert import SofficeConverter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Names without digits: pdftotext puts spaces between Chinese characters and digits.
_TAG = "甲乙丙丁戊己庚辛壬癸"


def forms(tmp_path: Path, sizes: list[int]) -> dict[str, list[Path]]:
    """Render the example's forms with `sizes` training activities each; return paths per form."""
    base = load(EXAMPLE)
    out: dict[str, list[Path]] = {"附件1": [], "附件2": []}
    for n, size in enumerate(sizes):
        app = base.model_copy(deep=True)
        template = app.trainings[0]
        app.trainings = [
            template.model_copy(update={"topic": f"{_TAG[n]}份之{_TAG[i % 10]}{i}期"})
            for i in range(size)
        ]
        app.basic = app.basic.model_copy(update={"name": f"合并测试{_TAG[n]}号培训学校"})
        data, _ = render_forms_bytes(app)
        for key, blob in data.items():
            path = tmp_path / f"{key}-{n}.docx"
            path.write_bytes(blob)
            out[key].append(path)
    return out


def body_of(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("word/document.xml")).find(f"{W}body")


def other_template(tmp_path: Path) -> Path:
    """A document made from python-docx's default template, not ours."""
    doc = docx.Document()
    doc.add_paragraph("另一个模板")
    path = tmp_path / "other.docx"
    doc.save(str(path))
    return path


def test_documents_sharing_styles_and_parts_share_a_signature_and_others_do_not(
    tmp_path: Path,
) -> None:
    paths = forms(tmp_path, [0, 3])

    assert signature(paths["附件2"][0]) == signature(paths["附件2"][1]) is not None
    # Both forms come from one generator with the same styles: they may be merged too.
    assert signature(paths["附件1"][0]) == signature(paths["附件2"][0])
    assert signature(other_template(tmp_path)) not in (None, signature(paths["附件1"][0]))


def test_a_document_with_a_footer_is_never_merged(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("正文")
    doc.sections[0].footer.paragraphs[0].text = "第 1 页"
    path = tmp_path / "footer.docx"
    doc.save(str(path))

    assert signature(path) is None


def test_merge_marks_each_part_and_keeps_each_parts_section(tmp_path: Path) -> None:
    paths = forms(tmp_path, [1, 2, 0])["附件1"]  # 附件1's body ends with a table
    out = tmp_path / "merged.docx"

    merge(paths, out)

    body = body_of(out)
    names = [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]
    assert [n for n in names if n.startswith(MARK)] == [f"{MARK}0", f"{MARK}1", f"{MARK}2"]
    inner = body.findall(f"{W}p/{W}pPr/{W}sectPr")
    assert len(inner) == 2  # parts 0 and 1 end their own section; part 2 ends the body
    assert body[-1].tag == f"{W}sectPr"
    original = etree.tostring(body_of(paths[0]).find(f"{W}sectPr"))
    assert all(etree.tostring(s) == original for s in inner)
    docx.Document(str(out))  # still a valid Word document
    # Only LibreOffice reads it: stored, not deflated, every other part as in the first form.
    with zipfile.ZipFile(out) as merged, zipfile.ZipFile(paths[0]) as first:
        assert {i.compress_type for i in merged.infolist()} == {zipfile.ZIP_STORED}
        assert merged.namelist() == first.namelist()
        for name in first.namelist():
            if name != "word/document.xml":
                assert merged.read(name) == first.read(name), name


def test_merge_refuses_documents_of_different_templates(tmp_path: Path) -> None:
    paths = forms(tmp_path, [1])

    with pytest.raises(NotMergeable):
        merge([paths["附件1"][0], other_template(tmp_path)], tmp_path / "x.docx")
    with pytest.raises(NotMergeable):
        merge([paths["附件1"][0]], tmp_path / "x.docx")


def _pdf_with_destinations(path: Path, pages: int, marks: dict[str, int]) -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    pdf.Root.Dests = pikepdf.Dictionary(
        {
            f"/{name}": pikepdf.Array([pdf.pages[i].obj, pikepdf.Name.Fit])
            for name, i in marks.items()
        }
    )
    pdf.save(path)
    return path


def test_split_cuts_the_pdf_at_the_part_marks(tmp_path: Path) -> None:
    pdf = _pdf_with_destinations(
        tmp_path / "m.pdf", 7, {f"{MARK}0": 0, f"{MARK}1": 4, f"{MARK}2": 5}
    )
    outs = [tmp_path / f"p{k}.pdf" for k in range(3)]

    split(pdf, outs)

    assert [len(pikepdf.open(p).pages) for p in outs] == [4, 1, 2]


@pytest.mark.parametrize(
    ("marks", "what"),
    [
        ({f"{MARK}0": 0, f"{MARK}2": 5}, "a mark missing"),
        ({f"{MARK}0": 0, f"{MARK}1": 5, f"{MARK}2": 4}, "marks out of order"),
        ({f"{MARK}0": 1, f"{MARK}1": 4, f"{MARK}2": 5}, "first part not on page 1"),
        ({f"{MARK}0": 0, f"{MARK}1": 4, f"{MARK}2": 4}, "an empty part"),
    ],
)
def test_split_refuses_marks_that_do_not_describe_the_parts(
    tmp_path: Path, marks: dict[str, int], what: str
) -> None:
    pdf = _pdf_with_destinations(tmp_path / "m.pdf", 7, marks)

    with pytest.raises(NotMergeable):
        split(pdf, [tmp_path / f"p{k}.pdf" for k in range(3)])


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.soffice
def test_merged_conversion_gives_each_document_the_pdf_it_gets_alone(
    tmp_path: Path, soffice: str
) -> None:
    paths = forms(tmp_path, [0, 3, 40, 1])
    docs = [*paths["附件2"], *paths["附件1"]]
    calls: list[list[str]] = []
    real_run = SofficeConverter._run

    def spy(self, docs, out_dir, profile, **kw):  # type: ignore[no-untyped-def]
        calls.append([Path(d).name for d in docs])
        return real_run(self, docs, out_dir, profile, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(SofficeConverter, "_run", spy)
        with SofficeConverter(soffice=soffice) as conv:
            merged = conv.convert(docs, tmp_path / "merged")
    with SofficeConverter(soffice=soffice, merge=False) as conv:
        alone = conv.convert(docs, tmp_path / "alone")

    assert calls == [["m000.docx"]]  # one LibreOffice call, all eight forms merged into one
    for a, b in zip(merged, alone, strict=True):
        assert len(pikepdf.open(a).pages) == len(pikepdf.open(b).pages)
        assert _text(a) == _text(b)
    assert "丙份之癸39期" in _text(merged[2]).replace(" ", "")


@pytest.mark.soffice
def test_parts_are_converted_alone_when_the_pdf_cannot_be_split(
    tmp_path: Path, soffice: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What an older LibreOffice does: it ignores the JSON export options, so no part marks.
    monkeypatch.setattr(convert, "_PDF_WITH_DESTINATIONS", "pdf")
    docs = forms(tmp_path, [1, 2])["附件2"]

    with SofficeConverter(soffice=soffice) as conv:
        pdfs = conv.convert(docs, tmp_path / "out")

    assert [("合并测试甲号" in _text(p), "合并测试乙号" in _text(p)) for p in pdfs] == [
        (True, False),
        (False, True),
    ]


def test_merge_leaves_the_inputs_untouched(tmp_path: Path) -> None:
    paths = forms(tmp_path, [1, 1])["附件2"]
    before = [p.read_bytes() for p in paths]

    merge(paths, tmp_path / "merged.docx")

    assert [p.read_bytes() for p in paths] == before
