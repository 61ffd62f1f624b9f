"""A batch chunk's bundles built in parts, LibreOffice converting one part while the next is
prepared (jidi_docs.pipeline._chunk), with a stand-in converter."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest

from jidi_docs.errors import ConversionError
from jidi_docs.input._load import load
from jidi_docs.pipeline._chunk import build_pdf_chunk, part_size
from jidi_docs.pipeline._plan import Job, Options
from pdfhelpers import (
    FakeConverter,
    copy_example,
    example_evidence_pages,
    forget_page_counts,
    pdf_text,
)

EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"
OPTIONS = Options(True, None, False, False, dt.date(2026, 3, 1))


@pytest.fixture(autouse=True)
def _no_remembered_pages():
    """Each test predicts page counts afresh: no memory of earlier tests' conversions."""
    forget_page_counts()
    yield
    forget_page_counts()


class BackgroundConverter(FakeConverter):
    """Like a running LibreOffice: `submit` returns at once, `collect` gives the PDFs in the
    order they were submitted; a third `submit` before the first is collected is an error (the
    real one would wait for a collect that never comes)."""

    background = True

    def __init__(self, pages: dict[str, int] | None = None, fail_unit: str = "") -> None:
        super().__init__(pages)
        self.fail_unit = fail_unit
        self.held: list[tuple[list[Path], Path]] = []
        self.events: list[str] = []
        #: The contents lines (title, tab, pages) of the last cover converted, by unit.
        self.contents: dict[str, list[str]] = {}

    def submit(self, docs: list[Path], out_dir: Path) -> object:
        assert len(self.held) < 2, "a third job submitted before the first was collected"
        self.events.append("submit")
        self.held.append((list(docs), out_dir))
        return self.held[-1]

    def collect(self, submitted: object) -> list[Path]:
        assert self.held, "nothing submitted"
        assert submitted is self.held[0], "collected out of order"
        docs, out_dir = self.held.pop(0)
        self.events.append("collect")
        return self.convert(docs, out_dir)

    def convert(self, docs, out_dir: Path) -> list[Path]:
        if self.fail_unit and any(self.fail_unit in _body(Path(d)) for d in docs):
            self.calls.append([Path(d).name for d in docs])
            raise ConversionError(f"LibreOffice 没有为 {self.fail_unit} 的文档生成有效的 PDF。")
        for doc in map(Path, docs):
            if doc.stem == "封面与目录":
                unit = re.search(r"杭州[^<]*?公司", _body(doc))
                assert unit is not None
                paragraphs = [p.text for p in docx.Document(str(doc)).paragraphs]
                self.contents[unit.group()] = [t for t in paragraphs if "\t" in t]
        return super().convert(docs, out_dir)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _body(doc: Path) -> str:
    with zipfile.ZipFile(doc) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def applications(root: Path, units: list[str]) -> list[Job]:
    jobs = []
    for n, unit in enumerate(units):
        yaml_path = copy_example(root / "in" / f"a{n}")
        yaml_path.write_text(yaml_path.read_text("utf-8").replace(EXAMPLE_UNIT, unit), "utf-8")
        jobs.append(Job(yaml_path, root / "out" / unit, f"digest{n}"))
    return jobs


def build(tmp_path: Path, jobs: list[Job], conv: FakeConverter):
    staging = tmp_path / "staging"
    staging.mkdir()
    return build_pdf_chunk(jobs, OPTIONS, staging, conv, lambda source, _: load(source))


def test_parts_overlap_and_covers_laid_out_again_ride_with_the_next_part(tmp_path: Path) -> None:
    units = [f"杭州分批{n}公司" for n in range(5)]
    jobs = applications(tmp_path, units)
    conv = BackgroundConverter(pages={"附件2": 7})  # the prediction (4 pages) is wrong at first

    built = build(tmp_path, jobs, conv)

    assert part_size(conv, 5) == 2
    assert [b.error for b in built] == [""] * 5
    one = ["附件2.docx", "附件1.docx", "封面与目录.docx"]
    # Part 2 was prepared and handed over while part 1 converted, so it was laid out with the
    # same wrong count; part 3 came after part 1's real counts were known and took part 1's
    # covers laid out again along; part 2's covers went last.
    cover = "封面与目录.docx"
    assert conv.calls == [one * 2, one * 2, one + [cover] * 2, [cover] * 2]
    assert (
        conv.events
        == ["submit", "submit", "collect", "submit", "collect", "submit"] + ["collect"] * 2
    )
    evidence = example_evidence_pages(jobs[0].source)
    for job, b in zip(jobs, built, strict=True):
        unit = job.out_dir.name
        bundle = job.out_dir / f"{unit}-申报材料.pdf"
        assert bundle in b.outputs
        assert (job.out_dir / ".jidi-docs.json").is_file()
        with pikepdf.open(bundle) as pdf:
            assert len(pdf.pages) == 2 + 7 + 2 + evidence
        assert [line.split("\t")[1] for line in conv.contents[unit][:3]] == ["1–7", "8–9", "10–23"]
        assert [t[:6] for t in map(squeeze, pdf_text(bundle)[:4])] == [
            "FRONT1",
            "FRONT2",
            "FORM21",
            "FORM22",
        ]


def test_an_unconvertible_application_fails_alone_and_the_rest_of_its_part_is_built(
    tmp_path: Path,
) -> None:
    units = [f"杭州分批{n}公司" for n in range(4)]
    jobs = applications(tmp_path, units)
    conv = BackgroundConverter(fail_unit=units[2])

    built = build(tmp_path, jobs, conv)

    assert [bool(b.error) for b in built] == [False, False, True, False]
    assert units[2] in built[2].error
    assert not jobs[2].out_dir.exists()
    for job in (jobs[0], jobs[1], jobs[3]):
        assert (job.out_dir / f"{job.out_dir.name}-申报材料.pdf").is_file()


def test_a_one_shot_converter_gets_the_whole_chunk_in_one_call(tmp_path: Path) -> None:
    jobs = applications(tmp_path, [f"杭州一次{n}公司" for n in range(3)])
    conv = FakeConverter()

    built = build(tmp_path, jobs, conv)

    assert [b.error for b in built] == [""] * 3
    assert conv.calls == [["附件2.docx", "附件1.docx", "封面与目录.docx"] * 3]


def test_a_survey_with_warm_options_starts_the_workers_libreoffice_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jidi_docs.pipeline import _worker

    started: list[str] = []

    class Office:
        def prestart(self) -> bool:
            started.append("prestart")
            return True

    monkeypatch.setattr(_worker, "_warm_converter", lambda soffice=None, pdfa=False: Office())
    source = copy_example(tmp_path / "in")
    items = [(source, "示例")]

    cold = _worker.survey_chunk(items, OPTIONS)
    warm = _worker.survey_chunk(items, dataclasses.replace(OPTIONS, warm=True))
    forms_only = _worker.survey_chunk(items, dataclasses.replace(OPTIONS, warm=True, pdf=False))

    assert started == ["prestart"]  # only a warm survey of a batch with bundles
    assert [s.error for s in (*cold, *warm, *forms_only)] == ["", "", ""]
    assert cold[0].digest == warm[0].digest
