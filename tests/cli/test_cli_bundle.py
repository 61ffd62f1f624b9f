"""Test the ``jidi-docs bundle`` command (jidi_docs.cli.bundle), run in-process."""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path

import docx
import pikepdf
import pytest
from typer.testing import CliRunner

from jidi_docs.cli import app
from jidi_docs.cli._ahead import start_ahead
from jidi_docs.pipeline._bundle import BUNDLE_NAME
from pdfhelpers import (
    BAD_ENTRY,
    BAD_FILE,
    FakeConverter,
    add_evidence,
    bad_evidence_cases,
    copy_example,
    make_encrypted_pdf,
    make_pdf,
    outside_path_cases,
    pdf_text,
    require_ghostscript,
    require_soffice,
)

runner = CliRunner()
BAD = bad_evidence_cases()
OUTSIDE = outside_path_cases()
LAST_INDICATOR = "人才培育及输送情况反馈"


#: The bundle of the example's unit: <单位名称>-申报材料.pdf.
EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"
BUNDLE_FILE = f"{EXAMPLE_UNIT}-{BUNDLE_NAME}"


@pytest.fixture
def app_dir(tmp_path):
    return copy_example(tmp_path / "申报")


@pytest.fixture
def fake(monkeypatch):
    """Replace LibreOffice with `FakeConverter` inside the bundle step; return the converters made."""
    made: list[FakeConverter] = []

    def factory(*args, **kwargs):
        made.append(FakeConverter())
        return made[-1]

    for module in ("jidi_docs.pipeline._bundle", "jidi_docs.pdf"):  # the CLI takes the public one
        monkeypatch.setattr(importlib.import_module(module), "SofficeConverter", factory)
    return made


def one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text)


def pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@pytest.mark.parametrize("existing", [False, True], ids=["empty-out-dir", "previous-bundle"])
@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_evidence_exits_1_with_chinese_message_and_writes_nothing(
    app_dir, tmp_path, fake, case, existing
):
    write_bad, message = BAD[case]
    write_bad(app_dir.parent)
    add_evidence(app_dir, BAD_ENTRY, "创新工作", BAD_FILE)
    out = tmp_path / "out"
    if existing:
        out.mkdir()
        (out / BUNDLE_FILE).write_bytes(b"previous bundle")

    result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(out)])

    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("错误：")
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert [c.calls for c in fake] == [[]]  # started ahead, but nothing converted
    if existing:
        assert [p.name for p in out.iterdir()] == [BUNDLE_FILE]
        assert (out / BUNDLE_FILE).read_bytes() == b"previous bundle"
    else:
        assert not out.exists()


@pytest.mark.parametrize("case", list(OUTSIDE), ids=list(OUTSIDE))
def test_outside_paths_need_allow_outside_paths(app_dir, tmp_path, fake, case):
    write_outside, message = OUTSIDE[case]
    add_evidence(app_dir, BAD_ENTRY, LAST_INDICATOR, write_outside(app_dir.parent))
    out = tmp_path / "out"

    refused = runner.invoke(app, ["bundle", str(app_dir), "-o", str(out)])
    allowed = runner.invoke(app, ["bundle", str(app_dir), "-o", str(out), "--allow-outside-paths"])

    assert refused.exit_code == 1
    assert re.search(message, refused.stderr), refused.stderr
    assert allowed.exit_code == 0, allowed.output
    assert allowed.stdout == f"已生成 {out / BUNDLE_FILE}\n"
    assert re.sub(r"\s", "", pdf_text(out / BUNDLE_FILE)[-1]).startswith("OUTSIDE1")


def test_missing_file_error_lists_every_missing_file(app_dir, tmp_path, fake):
    add_evidence(app_dir, "甲", "创新工作", "佐证材料/没有一.pdf")
    add_evidence(app_dir, "乙", "创新工作", ["佐证材料/营业执照.pdf", "佐证材料/没有二.jpg"])

    result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(tmp_path / "out")])

    assert result.exit_code == 1
    err = one_line(result.stderr)
    assert "共有 2 处问题，申报材料未生成" in err
    assert "佐证材料「甲」的文件 佐证材料/没有一.pdf：文件不存在" in err
    assert "佐证材料「乙」的文件 佐证材料/没有二.jpg：文件不存在" in err
    assert "--allow-missing" in err
    assert not (tmp_path / "out").exists()


def test_truncated_pdf_builds_with_a_warning_on_stderr(app_dir, tmp_path, fake):
    whole = make_pdf(tmp_path / "whole.pdf", 3).read_bytes()
    (app_dir.parent / BAD_FILE).write_bytes(whole[: whole.rindex(b"xref")])
    add_evidence(app_dir, BAD_ENTRY, LAST_INDICATOR, BAD_FILE)

    result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    assert f"提示：佐证材料「{BAD_ENTRY}」的文件 " in result.stderr
    assert "PDF 有损坏，已尽量修复并读出 3 页，请核对页面是否完整。" in one_line(result.stderr)
    assert pages(tmp_path / "out" / BUNDLE_FILE) == 2 + 6 + 14 + 3


def test_pdf_encrypted_without_password_is_included(app_dir, tmp_path, fake):
    make_encrypted_pdf(app_dir.parent / BAD_FILE, user_password="")
    add_evidence(app_dir, BAD_ENTRY, LAST_INDICATOR, BAD_FILE)

    result = runner.invoke(
        app, ["bundle", str(app_dir), "-o", str(tmp_path / "out"), "--date", "2021-08-10"]
    )

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert pages(tmp_path / "out" / BUNDLE_FILE) == 2 + 6 + 14 + 2


@pytest.mark.soffice
def test_allow_missing_marks_the_entry_on_the_contents_page(app_dir, tmp_path):
    require_soffice()
    add_evidence(app_dir, "缺失的证明", LAST_INDICATOR, "佐证材料/没有.pdf")
    out = tmp_path / "out"

    refused = runner.invoke(app, ["bundle", str(app_dir), "-o", str(out)])
    assert refused.exit_code == 1
    assert not out.exists()

    result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(out), "--allow-missing"])

    assert result.exit_code == 0, result.output
    text = pdf_text(out / BUNDLE_FILE)
    contents = re.sub(r"\s", "", "".join(t for t in text[1:4] if "—1—" not in re.sub(r"\s", "", t)))
    assert re.search(r"缺失的证明\.{3,}缺", contents), contents
    assert re.search(r"荣誉证书与平台合作协议\.{3,}\d+", contents)


def cover_text(fake) -> str:
    """The text of the cover document the (fake) converter received."""
    data = next(conv.docs["封面与目录.docx"] for conv in fake if "封面与目录.docx" in conv.docs)
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_date_option_sets_the_cover_date(app_dir, tmp_path, fake):
    result = runner.invoke(
        app, ["bundle", str(app_dir), "-o", str(tmp_path / "out"), "--date", "2021-08-10"]
    )

    assert result.exit_code == 0, result.output
    assert "2021年8月10日" in cover_text(fake)


def test_a_date_that_is_no_date_is_refused_before_any_work(app_dir, tmp_path, fake):
    result = runner.invoke(
        app, ["bundle", str(app_dir), "-o", str(tmp_path / "out"), "--date", "2021-02-30"]
    )

    assert result.exit_code == 2
    assert "“2021-02-30”不是日期，请写成 YYYY-MM-DD，例如 2021-08-10。" in result.stderr
    assert fake == []  # not even LibreOffice was started
    assert not (tmp_path / "out").exists()


def test_bundles_of_two_units_in_one_folder_keep_both(app_dir, tmp_path, fake):
    other = copy_example(tmp_path / "乙")
    text = other.read_text(encoding="utf-8")
    other.write_text(text.replace(EXAMPLE_UNIT, "杭州乙培训学校"), encoding="utf-8")
    out = tmp_path / "out"

    first = runner.invoke(app, ["bundle", str(app_dir), "-o", str(out)])
    second = runner.invoke(app, ["bundle", str(other), "-o", str(out)])

    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == sorted([BUNDLE_FILE, "杭州乙培训学校-申报材料.pdf"])
    assert second.stdout == f"已生成 {out / '杭州乙培训学校-申报材料.pdf'}\n"


def test_a_character_no_font_has_is_a_warning_naming_field_and_character(app_dir, tmp_path, fake):
    text = app_dir.read_text(encoding="utf-8")
    app_dir.write_text(text.replace("联系人: 李四", "联系人: 李四🚀"), encoding="utf-8")

    result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    assert "「基本情况 → 联系人」中的“🚀”（U+1F680）没有任何已安装的字体能显示" in one_line(
        result.stderr
    )


def test_pdfa_option_writes_an_identified_pdfa_bundle(app_dir, tmp_path, fake):
    require_ghostscript()
    out = tmp_path / "out"

    result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(out), "--pdfa"])

    assert result.exit_code == 0, result.output
    with pikepdf.open(out / BUNDLE_FILE) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert "/OutputIntents" in pdf.Root


@pytest.mark.soffice
def test_bundle_converts_in_the_libreoffice_it_started_first(app_dir, tmp_path, monkeypatch):
    """`jidi-docs bundle` starts LibreOffice before it reads the application; the forms and the
    cover are then converted by that LibreOffice (it logs what it converts), not a second one."""
    require_soffice()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    convert_module = importlib.import_module("jidi_docs.pdf._convert")
    logs: list[str] = []
    real_close = convert_module.SofficeConverter.close

    def close(self):
        log = self._tmp / "prestart.log"
        logs.append(log.read_text("utf-8", errors="replace") if log.exists() else "")
        real_close(self)

    monkeypatch.setattr(convert_module.SofficeConverter, "close", close)

    for n in range(2):  # the first run on a computer fills the profile cache it starts from
        result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(tmp_path / f"out{n}")])
        assert result.exit_code == 0, result.output

    assert logs[0] == ""
    assert re.search(r"m000\.docx -> .*m000\.pdf", logs[1]), logs[1]
    assert pages(tmp_path / "out1" / BUNDLE_FILE) == pages(tmp_path / "out0" / BUNDLE_FILE)


@pytest.mark.parametrize("other", [False, True], ids=["same-program", "other-program"])
def test_the_converter_started_ahead_is_used_for_the_program_asked_for(
    app_dir, tmp_path, fake, other
):
    """`jidi_docs.cli.main` starts LibreOffice before Typer parses the arguments; ``bundle``
    takes that converter when it is for the ``--soffice`` parsed, else closes it."""
    ahead: dict = {}
    start_ahead(["bundle", str(app_dir), *(["--soffice", "/别的/soffice"] if other else [])], ahead)
    (started,) = fake

    result = runner.invoke(app, ["bundle", str(app_dir), "-o", str(tmp_path / "out")], obj=ahead)

    assert result.exit_code == 0, result.output
    assert ahead == {}  # taken by the command
    if other:
        assert (started.calls, started.closed) == ([], True)
        assert len(fake[1].calls) == 1
    else:
        assert (len(fake), len(started.calls)) == (1, 1)


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_starts_no_libreoffice_ahead(app_dir, fake, flag):
    ahead: dict = {}

    start_ahead(["bundle", str(app_dir), flag], ahead)

    assert (ahead, fake) == ({}, [])
