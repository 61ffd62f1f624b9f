"""``batch --pdfa``: every bundle of a batch is PDF/A-2b, checked by the PDF/A validator."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

from jidi_docs.cli import app as cli_app
from jidi_docs.errors import BundleError, UserError
from jidi_docs.pdf import _pdfa
from jidi_docs.pipeline._batch import batch
from pdfhelpers import as_unit, copy_example, font_rows, pdfa_failures, require_ghostscript

EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"


def make_applications(root: Path, units: list[str]) -> None:
    for i, unit in enumerate(units):
        yaml_path = copy_example(root / f"a{i}")
        yaml_path.write_text(as_unit(yaml_path.read_text(encoding="utf-8"), unit), encoding="utf-8")


def pdfa_id(path: Path) -> tuple[str | None, str | None]:
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        return meta.get("pdfaid:part"), meta.get("pdfaid:conformance")


@pytest.mark.soffice
def test_batch_pdfa_bundles_pass_the_validator_and_a_plain_run_is_not_taken_as_up_to_date(
    tmp_path: Path, soffice: str
) -> None:
    require_ghostscript()
    units = ["杭州归档甲公司", "杭州归档乙公司"]
    make_applications(tmp_path / "in", units)
    out = tmp_path / "out"
    bundles = [out / unit / f"{unit}-申报材料.pdf" for unit in units]

    plain = batch([tmp_path / "in"], out, jobs=1)
    assert [i.status for i in plain.items] == ["built", "built"]
    assert {pdfa_id(p) for p in bundles} == {(None, None)}

    # one worker, one application per chunk: the worker keeps LibreOffice running (warm)
    archival = batch([tmp_path / "in"], out, jobs=1, chunk_size=1, pdfa=True)

    assert [i.status for i in archival.items] == ["built", "built"], archival.failed
    for path in bundles:
        assert pdfa_id(path) == ("2", "B")
        assert pdfa_failures(path) == []
        assert all(row["emb"] == "yes" for row in font_rows(path))
    again = batch([tmp_path / "in"], out, jobs=1, pdfa=True)
    assert [i.status for i in again.items] == ["skipped", "skipped"]


def test_batch_pdfa_without_ghostscript_stops_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_applications(tmp_path / "in", ["杭州归档丙公司"])
    monkeypatch.setattr(_pdfa, "find_ghostscript", lambda: None)

    with pytest.raises(BundleError, match="sudo apt-get install ghostscript"):
        batch([tmp_path / "in"], tmp_path / "out", jobs=1, pdfa=True)
    assert not (tmp_path / "out").exists()


def test_pdfa_with_no_pdf_is_refused_in_chinese(tmp_path: Path) -> None:
    make_applications(tmp_path / "in", ["杭州归档丁公司"])

    with pytest.raises(UserError, match="--no-pdf"):
        batch([tmp_path / "in"], tmp_path / "out", pdf=False, pdfa=True)
    result = CliRunner().invoke(
        cli_app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--no-pdf", "--pdfa"]
    )
    assert result.exit_code == 1
    assert "PDF/A" in result.output
    assert "Traceback" not in result.output
