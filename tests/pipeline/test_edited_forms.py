"""Forms edited by hand since they were generated: bundle and batch use them, or rebuild on request."""

from __future__ import annotations

import logging
from pathlib import Path

import docx
import openpyxl
import pytest

from jidi_docs._fs import LEDGER_NAME
from jidi_docs.input._load import load
from jidi_docs.pipeline._batch import batch
from jidi_docs.pipeline._bundle import bundle
from pdfhelpers import FakeConverter, copy_example

UNIT = "杭州示例跨境电商职业培训学校有限公司"
FORM2 = f"{UNIT}-附件2-申报表.docx"
FORM1 = f"{UNIT}-附件1-评价表.docx"


def edit(form: Path, text: str = "手工补充的说明") -> bytes:
    """Edit `form` as Word would (a paragraph added); return the edited bytes."""
    document = docx.Document(str(form))
    document.add_paragraph(text)
    document.save(str(form))
    return form.read_bytes()


def notices(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The notices about forms (not the cover date's: the example's deadline is long past)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "封面日期" not in r.getMessage()
    ]


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """The example copied into `in/`, bundled once into `out/`; returns (its YAML, out)."""
    yaml_path = copy_example(tmp_path / "in")
    out = tmp_path / "out"
    bundle(load(yaml_path), out, converter=FakeConverter())
    return yaml_path, out


def test_an_edited_form_goes_into_the_bundle_as_edited_and_stays_in_place(
    built: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    yaml_path, out = built
    edited = edit(out / FORM2)
    ledger = (out / LEDGER_NAME).read_text("utf-8")
    conv = FakeConverter()

    with caplog.at_level(logging.WARNING, logger="jidi_docs"):
        bundle(load(yaml_path), out, converter=conv)

    assert conv.docs["附件2.docx"] == edited  # what LibreOffice got is the user's edit
    assert (out / FORM2).read_bytes() == edited
    assert not list(out.glob("*修改备份*"))
    # The ledger still holds the generated form's hash: the next run sees the edit again.
    assert f'"{FORM2}": ' in (out / LEDGER_NAME).read_text("utf-8")
    assert (out / LEDGER_NAME).read_text("utf-8").count(FORM2) == ledger.count(FORM2)
    (notice,) = notices(caplog)
    assert notice == (
        f"{FORM2} 在生成之后被修改过，申报材料里用的是修改后的这一份；申报 YAML 与它已不一致。"
        f'把修改写回申报 YAML：jidi-docs extract "{out / FORM2}" -o "{yaml_path.parent}"。'
        "以后要按申报 YAML 重新生成这份表格时，加 --from-yaml（修改过的这一份会另存为备份）。"
    )


def test_from_yaml_rebuilds_the_form_and_keeps_the_edit_as_a_backup(
    built: tuple[Path, Path],
) -> None:
    yaml_path, out = built
    edited = edit(out / FORM2)
    conv = FakeConverter()

    bundle(load(yaml_path), out, converter=conv, from_yaml=True)

    assert conv.docs["附件2.docx"] != edited
    assert (out / FORM2).read_bytes() == conv.docs["附件2.docx"]
    (backup,) = out.glob("*修改备份*")
    assert backup.read_bytes() == edited


def test_an_edited_score_form_is_used_and_its_notice_points_at_the_scores(
    built: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    yaml_path, out = built
    edited = edit(out / FORM1)
    conv = FakeConverter()

    with caplog.at_level(logging.WARNING, logger="jidi_docs"):
        bundle(load(yaml_path), out, converter=conv)

    assert conv.docs["附件1.docx"] == edited
    assert (out / FORM1).read_bytes() == edited
    (notice,) = notices(caplog)
    assert "评价表上改过的自评分，请照着改到申报 YAML 的「自评分」里。" in notice
    assert "extract" not in notice


def test_an_unedited_form_is_rebuilt_from_the_yaml_without_a_notice(
    built: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    yaml_path, out = built
    before = (out / FORM2).read_bytes()
    text = yaml_path.read_text("utf-8").replace("法定代表人: 张三", "法定代表人: 张三丰")
    yaml_path.write_text(text, "utf-8")
    conv = FakeConverter()

    with caplog.at_level(logging.WARNING, logger="jidi_docs"):
        bundle(load(yaml_path), out, converter=conv)

    assert (out / FORM2).read_bytes() != before
    assert notices(caplog) == []


def _remarks(summary: Path) -> list[object]:
    ws = openpyxl.load_workbook(summary).worksheets[0]
    headers = [c.value for c in ws[1]]
    column = headers.index("备注")
    return [row[column].value for row in ws.iter_rows(min_row=2)]


def test_batch_uses_an_edited_form_says_so_in_the_summary_and_rebuilds_on_request(
    tmp_path: Path,
) -> None:
    copy_example(tmp_path / "in" / "a")
    out = tmp_path / "out"
    batch(tmp_path / "in", out, jobs=1, pdf=False)
    form = out / UNIT / FORM2
    edited = edit(form)

    again = batch(tmp_path / "in", out, jobs=1, pdf=False)

    (item,) = again.items
    assert item.status == "built"  # an edited form is an input: not skipped as unchanged
    assert form.read_bytes() == edited
    assert any("在生成之后被修改过" in w for w in item.warnings)
    assert again.summary is not None
    assert _remarks(again.summary[0]) == ["附件2《申报表》用的是手工修改版（与申报 YAML 不一致）"]

    unchanged = batch(tmp_path / "in", out, jobs=1, pdf=False)

    assert unchanged.items[0].status == "skipped"
    assert unchanged.summary is not None
    assert _remarks(unchanged.summary[0]) == [
        "附件2《申报表》用的是手工修改版（与申报 YAML 不一致）"
    ]

    rebuilt = batch(tmp_path / "in", out, jobs=1, pdf=False, from_yaml=True)

    assert rebuilt.items[0].status == "built"
    assert form.read_bytes() != edited
    (backup,) = (out / UNIT).glob("*修改备份*")
    assert backup.read_bytes() == edited
    assert rebuilt.summary is not None
    assert _remarks(rebuilt.summary[0]) == [None]
