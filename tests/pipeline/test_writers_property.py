"""Property: wherever `-o` points and whatever files are already there, no file the tool did not
write changes, and every application found is in the summary.

Placements of the output folder relative to the input and evidence folders, and files already
present there (the user's own, under the names the tool writes), are drawn by hypothesis.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import hashlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jidi_docs._fs import LEDGER_NAME
from jidi_docs.errors import OutputError
from jidi_docs.forms._render import render
from jidi_docs.input._load import load
from jidi_docs.pipeline._batch import batch
from jidi_docs.pipeline._bundle import bundle
from pdfhelpers import FakeConverter, as_unit, copy_example

ROOT = Path(__file__).resolve().parents[2]
UNIT = "杭州示例跨境电商职业培训学校有限公司"
UNITS = {"a": UNIT, "b": "杭州属性测试乙公司"}

#: Where `-o` may point, relative to the batch folder D (a and b are applications).
PLACES = ["D", "D/a", "D/a/佐证材料", "D/b", "D/新输出", "外面", "D/a/佐证材料/基本情况"]
#: Names the tool writes (and a few it does not), as they may already exist at the output.
NAMES = [
    "汇总表.xlsx",
    "汇总.csv",
    f"{UNIT}-申报材料.pdf",
    f"{UNIT}-附件1-评价表.docx",
    f"{UNIT}-附件2-申报表.docx",
    f"{UNIT}/{UNIT}-附件2-申报表.docx",
    f"{UNIT}/{UNIT}-申报材料.pdf",
    "申报.yaml",
    "笔记.txt",
]


def make_inputs(base: Path) -> Path:
    root = base / "D"
    copy_example(root / "a")
    copy_example(root / "b")
    b_yaml = root / "b" / "申报.yaml"
    b_yaml.write_text(as_unit(b_yaml.read_text("utf-8"), UNITS["b"]), "utf-8")
    return root


def snapshot(base: Path) -> dict[Path, str]:
    return {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in base.rglob("*")
        if p.is_file() and p.name != LEDGER_NAME
    }


def yaml_found(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*.yaml")
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    place=st.sampled_from(PLACES),
    existing=st.lists(st.sampled_from(NAMES), unique=True, max_size=4),
    writer=st.sampled_from(["batch", "render", "bundle"]),
)
def test_no_file_the_tool_did_not_write_changes(
    place: str, existing: list[str], writer: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root = make_inputs(base)
        out = base / place
        for name in existing:
            path = out / name
            if path.exists():  # e.g. 申报.yaml of the application itself
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"用户自己的文件 {name}".encode())
        before = snapshot(base)
        found = yaml_found(root)

        for attempt in range(2):  # a second run must not touch anything new either
            try:
                if writer == "batch":
                    with cf.ThreadPoolExecutor(1) as pool:
                        result = batch(root, out, pdf=False, executor=pool)
                    summary = out / "汇总.csv"
                    with summary.open(encoding="utf-8-sig") as fh:
                        rows = list(csv.reader(fh))[1:]
                    assert len(result.items) == len(found)
                    assert len(rows) == len(found)
                    assert sorted(i.source for i in result.items) == [p.resolve() for p in found]
                elif writer == "render":
                    render(load(root / "a"), out)
                else:
                    bundle(load(root / "a"), out, converter=FakeConverter())
            except OutputError:
                pass  # refused: then nothing may have changed (checked below)

            after = snapshot(base)
            changed = [p for p, digest in before.items() if after.get(p) != digest]
            assert changed == [], (place, existing, writer, attempt)
        shutil.rmtree(base, ignore_errors=True)
