"""Tests for jidi_docs.batch, jidi_docs.summary and the ``jidi-docs batch`` command."""

from __future__ import annotations

import csv
import logging
import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner

import jidi_docs
from jidi_docs import _fs as fs_module
from jidi_docs._fs import LEDGER_NAME
from jidi_docs.cli import app as cli_app
from jidi_docs.errors import ConversionError
from jidi_docs.pipeline._batch import MANIFEST_NAME, STAGING_NAME, batch
from jidi_docs.pipeline._chunk import _convert_together
from jidi_docs.pipeline._summary import SummaryRow, summary_table, write_summary
from pdfhelpers import as_unit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "data" / "示例" / "申报.yaml").read_text("utf-8")
EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"
EVIDENCE = sorted(set(re.findall(r"佐证材料/[^,\]\}\s]+", EXAMPLE)))


@pytest.fixture(autouse=True, params=["default", "spawn"])
def start_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every batch test with our default start method and with spawn (Windows, macOS)."""
    if request.param == "spawn":
        monkeypatch.setenv("JIDI_DOCS_START_METHOD", "spawn")
    return str(request.param)


def make_application(
    folder: Path, unit: str, *, district: str = "西湖区", evidence: bool = True
) -> Path:
    """Write an application (the contract example renamed) and its evidence files; return the YAML."""
    folder.mkdir(parents=True, exist_ok=True)
    text = as_unit(EXAMPLE, unit).replace("所属区县: 西湖区", f"所属区县: {district}")
    yaml_path = folder / "申报.yaml"
    yaml_path.write_text(text, "utf-8")
    if evidence:
        for rel in EVIDENCE:
            path = folder / rel
            path.parent.mkdir(exist_ok=True)
            if rel.endswith(".pdf"):
                pdf = pikepdf.new()
                pdf.add_blank_page(page_size=(595, 842))
                pdf.save(path)
            else:
                Image.new("RGB", (400, 300), "white").save(path)
    return yaml_path


def make_folder(root: Path, good: int, *, evidence: bool = True) -> list[Path]:
    """Write `good` valid applications in districts 西湖区/上城区 plus three bad ones."""
    paths = []
    for i in range(good):
        district = "西湖区" if i % 2 else "上城区"
        paths.append(
            make_application(
                root / f"a{i:02d}", f"杭州单位{i:02d}有限公司", district=district, evidence=evidence
            )
        )
    (root / "bad-syntax.yaml").write_text("基本情况: [\n", "utf-8")
    (root / "bad-empty.yml").write_text("", "utf-8")
    bad = make_application(root / "bad-district", "杭州坏单位有限公司", evidence=False)
    bad.write_text(bad.read_text("utf-8").replace("所属区县: 西湖区", "所属区县: 火星区"), "utf-8")
    return paths


def docx_files(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.docx"))}


# -- the 汇总表 -----------------------------------------------------------------------------


def test_summary_table_sorts_by_the_batchs_districts_then_pinyin_and_puts_unreadable_last() -> None:
    rows = [
        SummaryRow("c.yaml", "乙公司", "西湖区", conditions={"场地": "符合"}, district_rank=0),
        SummaryRow("bad.yaml", ok=False, error="YAML 格式错误"),
        SummaryRow("a.yaml", "甲公司", "西湖区", conditions={"场地": "不符合"}, district_rank=0),
        SummaryRow(
            "b.yaml", "丙公司", "上城区", figures={"总分": Decimal("90.5")}, district_rank=5
        ),
    ]

    headers, body = summary_table(rows)

    assert headers == [
        *("序号", "文件", "单位名称", "所属区县", "联系人", "电话", "讲师数量"),
        *("本科及以上占比（%）", "跨境电商培训人次", "历年培训总人次", "自评总分", "场地"),
        *("预审结果", "生成结果", "备注", "错误信息"),
    ]
    column = {h: i for i, h in enumerate(headers)}
    # 西湖区 comes first in this 认定批次's list; 甲 (jia) before 乙 (yi) in pinyin order
    assert [r[column["文件"]] for r in body] == ["a.yaml", "c.yaml", "b.yaml", "bad.yaml"]
    assert [r[column["序号"]] for r in body] == [1, 2, 3, 4]
    assert [r[column["预审结果"]] for r in body] == ["不符合 1", "符合", None, None]
    assert body[-1][-3:] == ["失败", None, "YAML 格式错误"]
    assert body[2][column["自评总分"]] == Decimal("90.5")
    assert body[2][column["场地"]] is None  # no condition reported for b.yaml


def test_an_error_in_the_table_is_one_line_without_the_batch_folder() -> None:
    rows = [
        SummaryRow(
            "甲/申报.yaml",
            ok=False,
            error="/data/各单位/甲/申报.yaml 第 3 行：日期无法识别\n  • 第二个问题",
        )
    ]

    _, body = summary_table(rows, roots=[Path("/data/各单位")])

    assert body[0][-1] == "甲/申报.yaml 第 3 行：日期无法识别"


def test_summary_table_orders_units_within_a_district_by_name() -> None:
    rows = [SummaryRow("2.yaml", "B公司", "西湖区"), SummaryRow("1.yaml", "A公司", "西湖区")]

    _, body = summary_table(rows)

    assert [r[2] for r in body] == ["A公司", "B公司"]


# -- forms only: failures, summary, incremental, determinism --------------------------------


def test_batch_of_30_with_3_bad_writes_27_outputs_reports_3_and_exits_3(tmp_path: Path) -> None:
    make_folder(tmp_path / "in", 27)
    out = tmp_path / "out"

    result = CliRunner().invoke(
        cli_app, ["batch", str(tmp_path / "in"), "-o", str(out), "-j", "2", "--no-pdf"]
    )

    assert result.exit_code == 3, result.output
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 27
    for folder in folders:
        forms = sorted(folder.glob("*.docx"))
        assert len(forms) == 2
        document = docx.Document(str(forms[1]))
        text = "\n".join(
            [p.text for p in document.paragraphs]
            + [c.text for t in document.tables for c in t._cells]
        )
        assert folder.name in text  # the 申报表 names this folder's applicant
        assert (folder / MANIFEST_NAME).is_file()
    assert not (out / STAGING_NAME).exists()
    for name in ("bad-syntax.yaml", "bad-empty.yml", "bad-district/申报.yaml"):
        assert name in result.output
    assert "[30/30]" in result.output  # plain progress lines when not on a terminal

    ws = openpyxl.load_workbook(out / "汇总表.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 31
    headers = rows[0]
    assert headers[:3] == ("序号", "区县", "单位名称")
    assert ws.freeze_panes == "A2"
    result_col, district_col = headers.index("生成结果"), headers.index("区县")
    assert sum(r[result_col] == "失败" for r in rows[1:]) == 3
    order = jidi_docs.get_profile("杭州-2021").districts
    ranks = [order.index(r[district_col]) for r in rows[1:] if r[district_col] in order]
    assert ranks == sorted(ranks)  # the 认定批次's own order of districts
    with (out / "汇总.csv").open(encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.reader(f))
    assert len(csv_rows) == 31
    file_col, error_col = csv_rows[0].index("文件"), csv_rows[0].index("错误信息")
    failed = {r[file_col]: r[error_col] for r in csv_rows[1:] if r[error_col]}
    assert "火星区" in failed["bad-district/申报.yaml"]
    assert "YAML" in failed["bad-syntax.yaml"]
    # The paper sheet shows an unreadable application by its file, the error in 备注.
    remarks = {r[2]: r[headers.index("备注")] for r in rows[1:] if r[result_col] == "失败"}
    assert "YAML" in remarks["bad-syntax.yaml"]


def test_rerun_rebuilds_nothing_and_touching_evidence_rebuilds_only_that_application(
    tmp_path: Path,
) -> None:
    apps = make_folder(tmp_path / "in", 4)
    out = tmp_path / "out"
    first = batch([tmp_path / "in"], out, jobs=2, pdf=False)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")}

    second = batch([tmp_path / "in"], out, jobs=2, pdf=False)
    touched = apps[2].parent / EVIDENCE[0]
    os.utime(touched, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    third = batch([tmp_path / "in"], out, jobs=2, pdf=False)
    forced = batch([tmp_path / "in"], out, jobs=2, pdf=False, force=True)

    assert len(first.built) == 4
    assert first.exit_code == 3
    assert second.built == []
    assert len(second.skipped) == 4
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")} != stamps  # third rebuilt one
    assert [i.source for i in third.built] == [apps[2].resolve()]
    assert len(third.skipped) == 3
    assert len(forced.built) == 4


def test_two_runs_give_byte_identical_docx_files(tmp_path: Path) -> None:
    make_folder(tmp_path / "in", 3)

    batch([tmp_path / "in"], tmp_path / "one", jobs=2, pdf=False)
    batch([tmp_path / "in"], tmp_path / "two", jobs=1, pdf=False)

    one, two = docx_files(tmp_path / "one"), docx_files(tmp_path / "two")
    assert len(one) == 6
    assert one == two


def test_applications_sharing_a_folder_name_get_distinct_folders(tmp_path: Path) -> None:
    # Two units whose names differ only where a folder name cannot hold the character.
    make_application(tmp_path / "in" / "x", "杭州/同名:公司", evidence=False)
    make_application(tmp_path / "in" / "y", "杭州_同名_公司", evidence=False)
    make_application(tmp_path / "in" / "z", "杭州别名公司", evidence=False)

    result = batch([tmp_path / "in"], tmp_path / "out", jobs=1, pdf=False)

    folders = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert result.exit_code == 0
    assert [i.status for i in result.items] == ["built"] * 3
    assert folders == ["杭州_同名_公司-x_申报", "杭州_同名_公司-y_申报", "杭州别名公司"]


def test_a_folder_without_applications_is_a_user_error_with_exit_1(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    result = CliRunner().invoke(
        cli_app, ["batch", str(tmp_path / "empty"), "--no-pdf", "-o", str(tmp_path / "out")]
    )

    assert result.exit_code == 1
    assert "没有找到申报文件" in result.output


def test_all_applications_failing_exits_1(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.yaml").write_text("基本情况: [\n", "utf-8")

    result = CliRunner().invoke(
        cli_app, ["batch", str(tmp_path / "in"), "--no-pdf", "-o", str(tmp_path / "out")]
    )

    assert result.exit_code == 1
    assert "失败 1 份" in result.output


# -- conversion failures stay per application ----------------------------------------------


class FlakyConverter:
    """Fails any call that includes a document named ``broken``; records every call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def convert(self, docs: list[Path], out_dir: Path) -> list[Path]:
        self.calls.append([d.name for d in docs])
        if any(d.stem == "broken" for d in docs):
            raise ConversionError("LibreOffice 没有为 broken.docx 生成有效的 PDF。")
        out_dir.mkdir(parents=True, exist_ok=True)
        return [out_dir / f"{i}-{d.stem}.pdf" for i, d in enumerate(docs)]


def test_one_unconvertible_document_fails_only_its_own_application(tmp_path: Path) -> None:
    conv = FlakyConverter()
    groups = {0: [Path("a1.docx"), Path("a2.docx")], 1: [Path("broken.docx")], 2: [Path("c.docx")]}

    result = _convert_together(conv, groups, tmp_path)

    assert conv.calls[0] == ["a1.docx", "a2.docx", "broken.docx", "c.docx"]
    assert conv.calls[1:] == [["a1.docx", "a2.docx"], ["broken.docx"], ["c.docx"]]
    assert isinstance(result[1], ConversionError)
    assert [p.name for p in result[0]] == ["0-a1.pdf", "1-a2.pdf"]
    assert [p.name for p in result[2]] == ["0-c.pdf"]


# -- with LibreOffice -----------------------------------------------------------------------


@pytest.mark.soffice
def test_bundles_are_built_and_missing_evidence_fails_only_that_application(
    tmp_path: Path, soffice: str
) -> None:
    make_application(tmp_path / "in" / "a", "杭州甲公司")
    make_application(tmp_path / "in" / "b", "杭州乙公司")
    lacking = make_application(tmp_path / "in" / "c", "杭州丙公司")
    (lacking.parent / EVIDENCE[0]).unlink()

    result = batch([tmp_path / "in"], tmp_path / "out", jobs=2)

    assert result.exit_code == 3
    assert [i.display for i in result.failed] == ["c/申报.yaml"]
    assert EVIDENCE[0].split("/")[1] in result.failed[0].error
    for unit in ("杭州甲公司", "杭州乙公司"):
        with pikepdf.open(tmp_path / "out" / unit / f"{unit}-申报材料.pdf") as pdf:
            # cover + contents + 申报表 + 评价表 + 12 one-page evidence files
            assert len(pdf.pages) >= 1 + 1 + 2 + 1 + 12
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "out" / unit / f"{unit}-申报材料.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert unit in text
    assert not (tmp_path / "out" / "杭州丙公司").exists()


def _soffice_pids(marker: str) -> list[str]:
    found = subprocess.run(
        ["pgrep", "-f", marker], capture_output=True, text=True, check=False
    ).stdout
    return found.split()


@pytest.mark.soffice
def test_sigint_mid_batch_leaves_no_partial_file_and_no_soffice(
    tmp_path: Path, soffice: str
) -> None:
    for i in range(8):
        make_application(tmp_path / "in" / f"u{i}", f"杭州中断测试{i}公司")
    scratch = tmp_path / "scratch"  # soffice's private profile lives here, so pgrep is scoped
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT / "src")}
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jidi_docs",
            "batch",
            str(tmp_path / "in"),
            "-o",
            str(out),
            "-j",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _soffice_pids(str(scratch)) and proc.poll() is None:
            assert time.monotonic() < deadline, "soffice never started"
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be interrupted"

        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    assert proc.returncode == 130, err
    assert "已中断：已完成 " in err
    assert _soffice_pids(str(scratch)) == []
    assert not (out / STAGING_NAME).exists()
    ours = (MANIFEST_NAME, LEDGER_NAME)  # the records of what was written; no temporary file
    assert [p for p in out.rglob("*") if p.name.startswith(".") and p.name not in ours] == []
    for folder in (p for p in out.iterdir() if p.is_dir()):
        assert (folder / MANIFEST_NAME).is_file()  # the manifest is written last
        for path in folder.glob("*.docx"):
            docx.Document(str(path))
        for path in folder.glob("*.pdf"):
            with pikepdf.open(path) as pdf:
                assert len(pdf.pages) > 0
    # The 汇总表 of what finished: every application has its row, those not done marked 未完成.
    outcomes = [
        r[7]
        for r in openpyxl.load_workbook(out / "汇总表.xlsx").active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert len(outcomes) == 8
    assert set(outcomes) <= {"成功", "未完成"}
    assert list(scratch.iterdir()) == [] or all(
        not p.name.startswith("jidi-soffice-") for p in scratch.iterdir()
    )


def test_the_workbook_prints_a4_landscape_with_the_header_on_every_page(
    tmp_path: Path,
) -> None:
    rows = [
        SummaryRow("a.yaml", "甲公司", "西湖区", conditions={"场地": "需注意"}, district_rank=0),
        SummaryRow(
            "b.yaml", "乙公司", ok=False, error="第一行：\n  • 第 3 行 日期无法识别\n  • 另一处"
        ),
    ]

    xlsx, _ = write_summary(rows, tmp_path)

    wb = openpyxl.load_workbook(xlsx)
    ws = wb["汇总"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.print_title_rows == "$1:$1"
    assert "汇总表" in ws.oddHeader.center.text
    assert "生成日期" in ws.oddHeader.right.text
    headers = [c.value for c in ws[1]]
    assert headers[-3:] == ["预审结果", "生成结果", "备注"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert values[0][-3:] == ["需注意 1", "成功", None]
    assert values[1][2] == "乙公司"
    assert values[1][-1] == "第一行：第 3 行 日期无法识别（另有 1 处）"
    details = [[c.value for c in row] for row in wb["错误详情"].iter_rows()]
    assert details[1:] == [
        [2, "乙公司", "b.yaml", "第一行："],
        [None, None, None, "• 第 3 行 日期无法识别"],
        [None, None, None, "• 另一处"],
    ]


def test_a_failed_application_keeps_its_unit_and_district_in_the_summary(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = EXAMPLE.replace("注册时间: 2015-06-18", "注册时间: 明年")
    (folder / "申报.yaml").write_text(text, encoding="utf-8")

    result = batch([folder], tmp_path / "out", jobs=1, pdf=False)

    row = result.items[0].row
    assert result.items[0].status == "failed"
    assert row is not None
    assert (row.unit, row.district) == (EXAMPLE_UNIT, "西湖区")
    assert (row.figures["联系人"], row.figures["电话"]) == ("李四", "0571-87654321")


@pytest.mark.soffice
def test_a_long_batch_keeps_libreoffice_running_and_leaves_none_behind(
    tmp_path: Path, soffice: str
) -> None:
    for i in range(3):
        make_application(tmp_path / "in" / f"w{i}", f"杭州常驻测试{i}公司")
    scratch = tmp_path / "scratch"  # every LibreOffice profile of the run lives here
    scratch.mkdir()
    code = (
        "import sys; from jidi_docs.pipeline._batch import batch; "
        "r = batch([sys.argv[1]], sys.argv[2], jobs=1, chunk_size=1); "
        "print(len(r.built), r.exit_code)"
    )
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "in"), str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )

    assert done.stdout.split() == ["3", "0"], done.stderr
    assert _soffice_pids(str(scratch)) == []
    for i in range(3):
        folder = tmp_path / "out" / f"杭州常驻测试{i}公司"
        text = subprocess.run(
            ["pdftotext", str(folder / f"杭州常驻测试{i}公司-申报材料.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f"杭州常驻测试{i}公司" in text.replace(" ", "")


# -- Windows: files held open, scripts without the main guard ---------------------------------


@pytest.mark.parametrize("winerror", [5, 32])
def test_an_open_summary_keeps_the_built_applications_and_is_written_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, winerror
) -> None:
    """Windows refuses to replace a file Excel holds open: with ERROR_ACCESS_DENIED (5) when the
    file system refuses the rename over an open file ([MS-FSCC] FileRenameInformation,
    https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-fscc/), with
    ERROR_SHARING_VIOLATION (32) when the file is opened without sharing ("System Error Codes
    (0-499)", https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--0-499-).
    Python sets `winerror` on Windows only, so a PermissionError subclass carries it here."""
    held = type("WindowsError", (PermissionError,), {"winerror": winerror})
    make_folder(tmp_path / "in", 2)
    out = tmp_path / "out"
    batch([tmp_path / "in"], out, jobs=2, pdf=False)
    old_summary = (out / "汇总表.xlsx").read_bytes()
    real_replace = fs_module.os.replace

    def replace(src: object, dst: object) -> None:
        if Path(str(dst)).name in ("汇总表.xlsx", "汇总.csv"):
            raise held(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(fs_module.os, "replace", replace)
    caplog.set_level(logging.WARNING, logger="jidi_docs")

    result = batch([tmp_path / "in"], out, jobs=2, pdf=False, force=True)

    assert len(result.built) == 2
    assert all(item.outputs and item.outputs[0].is_file() for item in result.built)
    xlsx, csv_path = result.summary
    assert re.fullmatch(r"汇总表-\d{8}-\d{6}\.xlsx", xlsx.name)
    assert re.fullmatch(r"汇总-\d{8}-\d{6}\.csv", csv_path.name)
    assert len(list(openpyxl.load_workbook(xlsx).active.iter_rows())) == 6
    assert (out / "汇总表.xlsx").read_bytes() == old_summary  # the open one is left alone
    notes = [r.getMessage() for r in caplog.records]
    assert (
        f"「{out / '汇总表.xlsx'}」正被其他程序占用（多半是在 Excel 或 WPS 中打开着），无法替换。"
        "请先在 Excel 或 WPS 中关闭它，再重试；若并没有打开它，请检查是否有写入权限。"
        f"本次的汇总表已另存为 {xlsx.name}。" in notes
    )


SCRIPT = """
from jidi_docs import batch

{indent}result = batch([r"{src}"], r"{out}", jobs=2, pdf=False)
{indent}print("built", len(result.built))
"""


@pytest.mark.parametrize("guarded", [False, True])
def test_a_script_without_the_main_guard_is_told_to_add_it(
    tmp_path: Path, guarded: bool, start_method: str
) -> None:
    make_application(tmp_path / "in" / "a", "杭州脚本测试公司", evidence=False)
    script = SCRIPT.format(
        indent="    " if guarded else "", src=tmp_path / "in", out=tmp_path / "out"
    )
    if guarded:
        script = script.replace("\n    result", "\nif __name__ == '__main__':\n    result", 1)
    (tmp_path / "run.py").write_text(script, "utf-8")

    done = subprocess.run(
        [sys.executable, str(tmp_path / "run.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    if guarded:
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "built 1"
    else:
        assert done.returncode == 1
        assert "在脚本里加上 if __name__ == '__main__':" in done.stderr
        assert "内存" not in done.stderr
        assert not (tmp_path / "out").exists()


def test_each_run_stages_in_a_folder_of_its_own(tmp_path: Path) -> None:
    make_folder(tmp_path / "in", 2)
    out = tmp_path / "out"
    other = out / STAGING_NAME / "run-other"  # a run still at work in the same output folder
    other.mkdir(parents=True)
    (other / "表.docx").write_bytes(b"half-built")

    result = batch([tmp_path / "in"], out, jobs=2, pdf=False)

    assert len(result.built) == 2
    assert [p.name for p in (out / STAGING_NAME).iterdir()] == ["run-other"]
    assert (other / "表.docx").read_bytes() == b"half-built"
