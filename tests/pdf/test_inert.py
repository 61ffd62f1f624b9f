"""Bundles built from hostile evidence carry no script, action, attachment or XFA form.

Each evidence PDF is built with pikepdf to carry one way of running code or opening something
(`pdfhelpers.HOSTILE_CARRIERS`); the test first shows the carrier is found in the evidence, then
that nothing of the kind is left in the bundle while the page's text is. The CLI's ``bundle``,
``batch`` and the portal's bundle job all assemble through the same merge, each tested on the
same evidence.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

from jidi_docs.cli import app as cli_app
from jidi_docs.pdf._assemble import Part, PdfFile, assemble
from jidi_docs.pdf._evidence import load_evidence
from jidi_docs.pdf._inert import make_inert
from jidi_docs.pipeline._batch import batch
from pdfhelpers import (
    HOSTILE_CARRIERS,
    active_content,
    copy_example,
    make_hostile_pdf,
    make_pdf,
    pdf_text,
    set_evidence,
)

INDICATORS = ("基本情况", "办公条件", "培训场地及环境", "日常管理", "财务情况")


@pytest.mark.parametrize("carrier", HOSTILE_CARRIERS)
def test_a_hostile_evidence_page_comes_into_the_bundle_without_what_it_carries(
    tmp_path: Path, carrier: str, caplog: pytest.LogCaptureFixture
) -> None:
    evidence = make_hostile_pdf(tmp_path / f"{carrier}.pdf", carrier)
    assert active_content(evidence), "the evidence carries nothing: the test would prove nothing"
    cover = make_pdf(tmp_path / "cover.pdf", 1, label="cover")
    parts = [
        Part("封面", [PdfFile.of(cover)], in_contents=False),
        Part("佐证材料", [load_evidence(evidence, entry="营业执照")]),
    ]

    with caplog.at_level(logging.WARNING, logger="jidi_docs"):
        result = assemble(parts, tmp_path / "out.pdf", title="t", author="a")

    assert active_content(result.path) == []
    assert result.page_count == 2
    assert f"hostile {carrier}" in pdf_text(result.path)[1]
    if carrier not in (
        "open-action-javascript",
        "javascript-name-tree",
        "embedded-files-name-tree",
    ):
        # what sat on the page was taken off it, and the office is told (document-level
        # carriers never come along: the bundle takes pages only)
        assert "已去除" in caplog.text


def test_a_link_to_a_place_in_the_document_is_kept(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "two.pdf", 2)
    with pikepdf.open(path) as pdf:
        target = pdf.pages[1].obj
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[0, 0, 10, 10],
            A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([target, pikepdf.Name.Fit])),
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(link)])

        assert make_inert(pdf) == 0
        assert pdf.pages[0].obj.Annots[0].A.S == "/GoTo"


@pytest.fixture
def hostile_example(tmp_path: Path) -> Path:
    """The example application whose evidence is the hostile PDFs (one entry each)."""
    yaml_path = copy_example(tmp_path / "申报")
    folder = yaml_path.parent / "佐证材料"
    entries = []
    for n, carrier in enumerate(HOSTILE_CARRIERS):
        make_hostile_pdf(folder / f"{carrier}.pdf", carrier)
        entries.append((carrier, INDICATORS[n % len(INDICATORS)], f"佐证材料/{carrier}.pdf"))
    return set_evidence(yaml_path, entries)


def assert_clean_bundle(pdf: Path) -> None:
    assert active_content(pdf) == []
    text = "\n".join(pdf_text(pdf))
    for carrier in HOSTILE_CARRIERS:
        assert f"hostile {carrier}" in text


@pytest.mark.soffice
@pytest.mark.slow
def test_the_bundle_and_batch_commands_build_inert_bundles_from_hostile_evidence(
    soffice: str, hostile_example: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli_app, ["bundle", str(hostile_example), "-o", str(tmp_path / "b")]
    )
    assert result.exit_code == 0, result.output
    [single] = (tmp_path / "b").glob("*申报材料.pdf")
    assert_clean_bundle(single)

    batched = batch([hostile_example.parent], tmp_path / "batch", jobs=1, pdf=True)

    assert [item.status for item in batched.items] != ["failed"], batched.items
    [from_batch] = (tmp_path / "batch").rglob("*申报材料.pdf")
    assert_clean_bundle(from_batch)
