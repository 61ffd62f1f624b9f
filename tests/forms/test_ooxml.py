"""Word opens the templates, the filled forms and the cover without repair.

Checked with an outside validator (openxml-audit, see tests/docxcheck.py) and the structural rules
no schema states, on the example and on a stress application (200 rows in every table, XML's
special characters, emoji, 150-letter words).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openxml_audit import FileFormat

import jidi_docs
from docxcheck import FORMATS, W, audit_findings, structure_problems
from jidi_docs.forms._cover import ContentsLine, build_cover_docx
from stressapp import EXAMPLE, HOSTILE, example_cover, stress_application

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").glob("*.docx"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The filled forms and covers, example and stress, by a readable name."""
    root = tmp_path_factory.mktemp("ooxml")
    out: dict[str, Path] = {}
    for name, app in (("example", jidi_docs.load(EXAMPLE)), ("stress", stress_application())):
        form1, form2 = jidi_docs.render(app, root / name)
        out[f"{name} 附件1"], out[f"{name} 附件2"] = form1, form2
    lines = [ContentsLine(0, "附件2 申报表", "1–4"), ContentsLine(1, "基本情况", "缺")]
    out["example 封面"] = example_cover(root / "cover.docx", lines)
    many = [ContentsLine(i % 3, f"{i} {HOSTILE}", f"{i}–{i + 1}") for i in range(200)]  # type: ignore[arg-type]
    out["stress 封面"] = build_cover_docx(
        root / "stress-cover.docx",
        title=f"{HOSTILE}\n{HOSTILE}",
        unit_name=HOSTILE,
        district=HOSTILE,
        contact=HOSTILE,
        phone=HOSTILE,
        date_text=HOSTILE,
        contents=many,
    )
    return out


DOCUMENTS = [
    "example 附件1",
    "example 附件2",
    "example 封面",
    pytest.param("stress 附件1", marks=pytest.mark.slow),
    pytest.param("stress 附件2", marks=pytest.mark.slow),
    pytest.param("stress 封面", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_validator_findings_and_sound_tables(path: Path) -> None:
    assert audit_findings(path) == []
    assert structure_problems(path) == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_filled_documents_have_no_validator_findings_and_sound_tables(
    outputs: dict[str, Path], name: str
) -> None:
    # The stress documents hold the example's elements many times over: the newest schema set
    # suffices for them (each set costs ~40 s on the 1400-row 附件2).
    formats = (FileFormat.MICROSOFT_365,) if name.startswith("stress") else FORMATS

    assert audit_findings(outputs[name], formats) == []
    assert structure_problems(outputs[name]) == []


def test_the_stress_forms_hold_every_row_and_the_hostile_text(outputs: dict[str, Path]) -> None:
    with zipfile.ZipFile(outputs["stress 附件2"]) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    text = "".join(t.text or "" for t in root.iter(f"{{{W}}}t"))

    assert len(root.findall(f".//{{{W}}}tbl")) == 10
    assert f"200 {HOSTILE}" in text
    assert text.count(HOSTILE) >= 7 * 200


# -- the checks themselves find what they look for ----------------------------------------------


def _mutated(path: Path, tmp_path: Path, change: str) -> Path:
    """Return a copy of `path` whose document.xml has one fault of kind `change`."""
    with zipfile.ZipFile(path) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    root = etree.fromstring(entries["word/document.xml"])
    tbl = root.find(f".//{{{W}}}tbl")
    tblpr = tbl.find(f"{{{W}}}tblPr")
    tc = tbl.find(f".//{{{W}}}tc")
    if change == "order":  # the fault the templates had: tblBorders after tblLook
        tblpr.append(tblpr.find(f"{{{W}}}tblBorders"))
    elif change == "no paragraph":
        for p in tc.findall(f"{{{W}}}p"):
            tc.remove(p)
    elif change == "span":
        tcpr = tc.find(f"{{{W}}}tcPr")
        span = etree.SubElement(tcpr, f"{{{W}}}gridSpan")
        span.set(f"{{{W}}}val", "2")
        tcpr.remove(span)
        tcpr.insert(1, span)
    elif change == "vmerge":
        etree.SubElement(tc.find(f"{{{W}}}tcPr"), f"{{{W}}}vMerge")
    elif change == "two sections":
        body = root.find(f"{{{W}}}body")
        body.insert(0, etree.fromstring(etree.tostring(body[-1])))
    entries["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    out = tmp_path / f"{change}.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    out.write_bytes(buf.getvalue())
    return out


def test_the_validator_reports_table_properties_out_of_schema_order(tmp_path: Path) -> None:
    broken = _mutated(ROOT / "templates" / "附件1.docx", tmp_path, "order")

    assert any("tblBorders" in f for f in audit_findings(broken))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("no paragraph", "does not end in a w:p"),
        ("span", "grid columns"),
        ("vmerge", "vMerge continues nothing"),
        ("two sections", "w:sectPr"),
    ],
)
def test_structure_check_reports_each_fault(tmp_path: Path, change: str, expected: str) -> None:
    broken = _mutated(ROOT / "templates" / "附件2.docx", tmp_path, change)

    problems = structure_problems(broken)

    assert problems
    assert all(expected in p for p in problems), problems
