"""Never touch what isn't ours: refusals, backups of edited forms, write errors in Chinese."""

from __future__ import annotations

import errno
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from jidi_docs._fs import LEDGER_NAME, atomic_write_many, write_files
from jidi_docs.errors import EvidenceError, OutputError
from jidi_docs.forms._render import render
from jidi_docs.input._load import load
from jidi_docs.pipeline._batch import batch
from jidi_docs.pipeline._bundle import BUNDLE_NAME, bundle
from pdfhelpers import FakeConverter, as_unit, copy_example

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
UNIT = "杭州示例跨境电商职业培训学校有限公司"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jidi_docs", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# -- refusals -------------------------------------------------------------------------------------


def test_schema_over_the_users_application_is_refused_and_force_replaces_it(
    tmp_path: Path,
) -> None:
    target = tmp_path / "申报.yaml"
    shutil.copy(EXAMPLE, target)
    before = target.read_bytes()

    refused = cli("schema", "-o", str(target))

    assert refused.returncode == 1
    assert "不是 jidi-docs 生成的文件" in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert target.read_bytes() == before

    forced = cli("schema", "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text("utf-8").lstrip().startswith("{")

    again = cli("schema", "-o", str(target))  # now ours: replaced without --force
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("command", [["schema", "-o"], ["check", str(EXAMPLE), "--report"]])
def test_writing_onto_a_folder_is_a_chinese_message(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "报告.md"
    folder.mkdir()

    result = cli(*command, str(folder))

    assert result.returncode == 1
    assert "已有同名的文件夹" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_folder_that_is_a_file_is_refused_before_any_conversion(tmp_path: Path) -> None:
    app_dir = copy_example(tmp_path / "in").parent
    out = tmp_path / "out"
    out.write_text("我的笔记", "utf-8")
    conv = FakeConverter()

    with pytest.raises(OutputError, match="是一个文件，不是文件夹"):
        bundle(load(app_dir / "申报.yaml"), out, converter=conv)

    assert conv.calls == []
    assert out.read_text("utf-8") == "我的笔记"


def test_render_refuses_a_same_named_file_it_did_not_write(tmp_path: Path) -> None:
    app = load(EXAMPLE)
    mine = tmp_path / f"{UNIT}-附件2-申报表.docx"
    mine.write_bytes(b"my own notes")

    with pytest.raises(OutputError, match="不是 jidi-docs 生成的文件"):
        render(app, tmp_path)

    assert mine.read_bytes() == b"my own notes"
    assert not (tmp_path / f"{UNIT}-附件1-评价表.docx").exists()  # all or nothing
    assert len(render(app, tmp_path, force=True)) == 2


def test_a_form_edited_since_it_was_written_is_kept_as_a_backup(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = load(EXAMPLE)
    first = render(app, tmp_path)
    form = first[1]
    edited = docx.Document(str(form))
    edited.add_paragraph("手工补充的说明")
    edited.save(str(form))
    edited_bytes = form.read_bytes()

    with caplog.at_level("WARNING", logger="jidi_docs"):
        render(app, tmp_path)

    backups = list(tmp_path.glob("*修改备份*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == edited_bytes
    assert form.read_bytes() != edited_bytes
    assert any(
        "被修改过" in r.getMessage() and backups[0].name in r.getMessage() for r in caplog.records
    )
    render(app, tmp_path)  # unchanged since: replaced without another backup
    assert len(list(tmp_path.glob("*修改备份*"))) == 1


# -- evidence folders -----------------------------------------------------------------------------


def test_bundle_into_the_evidence_folder_is_refused_and_touches_nothing(tmp_path: Path) -> None:
    app_dir = copy_example(tmp_path / "in").parent
    evidence = app_dir / "佐证材料"
    (evidence / f"{UNIT}-{BUNDLE_NAME}").write_bytes(
        b"%PDF-1.4 a scan that happens to have this name"
    )
    before = digests(app_dir)
    conv = FakeConverter()

    with pytest.raises(OutputError, match="里放着佐证材料"):
        bundle(load(app_dir / "申报.yaml"), evidence, converter=conv)

    assert conv.calls == []
    assert digests(app_dir) == before


def test_a_file_jidi_docs_wrote_is_never_read_back_as_evidence(tmp_path: Path) -> None:
    app_dir = copy_example(tmp_path / "in").parent
    out = app_dir / "输出"
    bundle(load(app_dir / "申报.yaml"), out, converter=FakeConverter())
    yaml_path = app_dir / "申报.yaml"
    yaml_path.write_text(
        yaml_path.read_text("utf-8").replace("佐证材料/营业执照.pdf", f"输出/{UNIT}-{BUNDLE_NAME}"),
        "utf-8",
    )

    with pytest.raises(EvidenceError, match="jidi-docs 生成的文件"):
        bundle(load(yaml_path), tmp_path / "out2", converter=FakeConverter())


# -- write errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "磁盘已满"), (errno.EROFS, "只读"), (errno.EACCES, "没有写入权限")],
)
def test_a_failing_write_leaves_the_old_set_of_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    app_dir = copy_example(tmp_path / "in").parent
    app = load(app_dir / "申报.yaml")
    out = tmp_path / "out"
    bundle(app, out, converter=FakeConverter())
    before = digests(out)
    calls = {"n": 0}
    real = shutil.copyfile

    def copy_then_fail(src, dst, *args, **kwargs):  # the second file of the set fails
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(code, "simulated")
        return real(src, dst, *args, **kwargs)

    def no_link(src, dst, *args, **kwargs):  # the output folder on another drive: copied
        raise OSError(errno.EXDEV, "simulated")

    monkeypatch.setattr(shutil, "copyfile", copy_then_fail)
    monkeypatch.setattr(os, "link", no_link)
    with pytest.raises(OutputError, match=reason):
        bundle(app, out, converter=FakeConverter(pages={"附件2": 5}))

    assert digests(out) == before  # the old bundle and forms, nothing half-new, no temp file


def test_a_failing_rename_is_a_chinese_message_without_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self, target):
        raise OSError(errno.EACCES, "simulated")

    monkeypatch.setattr(pathlib.Path, "replace", refuse)
    with pytest.raises(OutputError, match="没有写入权限"):
        atomic_write_many({tmp_path / "a.txt": b"a", tmp_path / "b.txt": b"b"})
    assert list(tmp_path.iterdir()) == []


def test_the_ledger_names_only_what_was_written(tmp_path: Path) -> None:
    write_files({tmp_path / "x.txt": b"x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [LEDGER_NAME, "x.txt"]
    with pytest.raises(OutputError, match="不是 jidi-docs 生成的文件"):
        write_files({tmp_path / "y.txt": b"y", tmp_path / LEDGER_NAME: b"{}"})


# -- batch folders --------------------------------------------------------------------------------


def make_inputs(root: Path, count: int) -> list[Path]:
    text = EXAMPLE.read_text("utf-8")
    paths = []
    for i in range(count):
        folder = root / f"单位{i:02d}"
        folder.mkdir(parents=True)
        path = folder / "申报.yaml"
        path.write_text(as_unit(text, f"杭州输出位置测试{i}公司"), "utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("where", ["same", "inside-application"])
def test_batch_output_in_an_input_folder_reads_every_application(
    tmp_path: Path, where: str
) -> None:
    root = tmp_path / "D"
    make_inputs(root, 3)
    hidden = root / ".备份" / "申报.yaml"
    hidden.parent.mkdir()
    hidden.write_text("x: 1\n", "utf-8")
    out = root if where == "same" else root / "单位00"

    result = batch(root, out, pdf=False, jobs=1)

    assert [i.display for i in result.items] == [f"单位{i:02d}/申报.yaml" for i in range(3)]
    assert [i.status for i in result.items] == ["built"] * 3
    assert result.hidden == [".备份/申报.yaml"]
    again = batch(root, out, pdf=False, jobs=1)  # the outputs are not read as applications
    assert [i.status for i in again.items] == ["skipped"] * 3


def test_outputs_listed_by_an_earlier_batch_manifest_are_ours(tmp_path: Path) -> None:
    app = load(EXAMPLE)
    folder = tmp_path / UNIT
    folder.mkdir()
    old = folder / f"{UNIT}-附件2-申报表.docx"
    old.write_bytes(b"written by an earlier version")
    (folder / ".jidi-docs.json").write_text(
        '{"format": 1, "outputs": ["' + old.name + '"]}', encoding="utf-8"
    )

    render(app, folder)

    assert old.read_bytes() != b"written by an earlier version"
    assert list(folder.glob("*修改备份*")) == []


def test_a_finished_file_is_linked_into_place_and_outlives_its_source(tmp_path: Path) -> None:
    """Placing a finished file (the 40 MB bundle) costs no copy on the same drive."""
    source = tmp_path / "work" / "bundle.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.7 finished")
    target = tmp_path / "out" / "申报材料.pdf"

    write_files({target: source})

    assert source.samefile(target)  # one file, two names: nothing was copied
    source.unlink()  # the work folder is removed afterwards
    assert target.read_bytes() == b"%PDF-1.7 finished"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_scratch_file_is_written_without_a_ledger_entry(tmp_path: Path) -> None:
    scratch = tmp_path / "work" / "bundle.pdf"

    write_files({scratch: b"%PDF scratch"}, record=False)
    write_files({tmp_path / "out" / "申报材料.pdf": scratch})

    assert scratch.read_bytes() == b"%PDF scratch"
    assert not (scratch.parent / LEDGER_NAME).exists()  # nobody reads a digest there
    assert "申报材料.pdf" in (tmp_path / "out" / LEDGER_NAME).read_text("utf-8")
