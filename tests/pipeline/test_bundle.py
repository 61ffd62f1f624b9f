"""Test jidi_docs.bundle: the whole submission as one PDF, with real LibreOffice and with a stand-in."""

from __future__ import annotations

import importlib
import io
import logging
import os
import re
import stat
import subprocess
import threading
from pathlib import Path

import docx
import pikepdf
import pypdf
import pytest

from jidi_docs._fs import LEDGER_NAME
from jidi_docs.errors import ConversionError, EvidenceError
from jidi_docs.forms._render import render
from jidi_docs.input._load import load
from jidi_docs.pdf import ImageOptions
from jidi_docs.pdf._convert import SofficeConverter
from jidi_docs.pipeline._bundle import BUNDLE_NAME, bundle, evidence_files, prepare
from pdfhelpers import (
    BAD_ENTRY,
    BAD_FILE,
    FakeConverter,
    add_evidence,
    bad_evidence_cases,
    bottom_text,
    copy_example,
    example_evidence_pages,
    forget_page_counts,
    image_digests,
    make_encrypted_pdf,
    make_jpeg,
    make_pdf,
    outside_path_cases,
    pdf_text,
    require_soffice,
    set_evidence,
)

UNIT = "杭州示例跨境电商职业培训学校有限公司"
BAD = bad_evidence_cases()
OUTSIDE = outside_path_cases()
bundle_module = importlib.import_module("jidi_docs.pipeline._bundle")


#: The bundle of the example's unit: <单位名称>-申报材料.pdf.
BUNDLE_FILE = f"杭州示例跨境电商职业培训学校有限公司-{BUNDLE_NAME}"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline(path: Path) -> list[tuple[int, str, int]]:
    """Return (level, title, 0-based page index) of every bookmark of `path`, depth first."""
    found = []
    with pikepdf.open(path) as pdf:

        def walk(items, level):
            for item in items:
                found.append(
                    (level, item.title, pdf.pages.index(pikepdf.Page(item.destination[0])))
                )
                walk(item.children, level + 1)

        with pdf.open_outline() as o:
            walk(o.root, 0)
    return found


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


# -- the contract example, through real LibreOffice -----------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example bundle built with LibreOffice, and the two forms converted on their own."""
    require_soffice()
    root = tmp_path_factory.mktemp("example")
    yaml_path = copy_example(root / "示例")
    app = load(yaml_path)
    out = root / "输出"
    path = bundle(app, out)
    # The forms converted separately, by the same route as `jidi-docs render` + LibreOffice:
    # their page counts are what the bundle must contain, found without the bundle's help.
    forms = render(app, root / "forms")
    with SofficeConverter() as conv:
        form_pdfs = conv.convert(forms, root / "forms-pdf")
    return {
        "yaml": yaml_path,
        "out": out,
        "path": path,
        "form_pages": {p.stem.split("-")[1]: page_count(p) for p in form_pdfs},
        "outline": outline(path),
        "text": pdf_text(path),
    }


@pytest.mark.soffice
def test_example_viewer_labels_are_the_printed_numbers(example):
    labels = pypdf.PdfReader(example["path"]).page_labels
    front = front_pages(example)

    assert labels[0] == "封面"
    assert labels[1:front] == (["目录"] if front == 2 else [f"目录-{i}" for i in range(1, front)])
    for i in range(front, len(labels)):
        assert bottom_text(example["path"], i + 1) == f"—{labels[i]}—"


def front_pages(example) -> int:
    """Cover + contents: the pages before the one numbered — 1 —."""
    numbered = [
        i for i in range(1, len(example["text"]) + 1) if bottom_text(example["path"], i) == "—1—"
    ]
    assert len(numbered) == 1, numbered
    return numbered[0] - 1


@pytest.mark.soffice
def test_example_page_count_is_cover_contents_forms_and_evidence(example):
    evidence = example_evidence_pages(example["yaml"])
    forms = example["form_pages"]["附件2"] + example["form_pages"]["附件1"]
    front = front_pages(example)

    assert evidence == 14  # 11 entries, two 2-page PDFs, one entry with a PDF and a JPG
    assert front in (2, 3)  # one cover page, then the contents (1 or 2 pages)
    assert page_count(example["path"]) == front + forms + evidence
    assert "目" in example["text"][1]
    assert "录" in example["text"][1]


@pytest.mark.soffice
def test_every_page_after_the_front_is_numbered_from_one(example):
    front = front_pages(example)
    total = len(example["text"])

    numbers = [bottom_text(example["path"], i) for i in range(1, total + 1)]

    assert numbers[:front] == [""] * front
    assert numbers[front:] == [f"—{n}—" for n in range(1, total - front + 1)]


@pytest.mark.soffice
def test_every_bookmark_points_at_its_page(example):
    marks = example["outline"]
    text = [squeeze(t) for t in example["text"]]
    by_title = {title: index for _, title, index in marks}
    pages = image_digests(example["path"])
    front = front_pages(example)
    f2, f1 = example["form_pages"]["附件2"], example["form_pages"]["附件1"]

    assert by_title["封面"] == 0
    assert UNIT in text[0]
    assert "申报材料" in text[0]
    assert by_title["目录"] == 1
    assert text[1].startswith("目录")
    assert by_title["附件2 跨境电商人才社会培训基地认定申报表"] == front
    assert "跨境电商人才社会培训基地认定申报表" in text[front]
    assert by_title["附件1 跨境电商人才社会培训基地认定评价表"] == front + f2
    assert "跨境电商人才社会培训基地认定评价表" in text[front + f2]
    assert "跨境电商人才社会培训基地认定申报表" not in text[front + f2]
    assert (
        by_title["佐证材料"]
        == by_title["基本情况"]
        == by_title["营业执照副本扫描件"]
        == front + f2 + f1
    )
    # Evidence pages are scans without text: check the page shows the image of the file's first page.
    folder = example["yaml"].parent / "佐证材料"
    for title, file in [
        ("营业执照副本扫描件", "营业执照.pdf"),
        ("房屋租赁合同", "租赁合同.pdf"),
        ("培训场地及授课设备清单", "场地清单.pdf"),
        ("讲师劳动合同及学历证书", "讲师材料.pdf"),
        ("荣誉证书与平台合作协议", "荣誉与协议.pdf"),
    ]:
        assert pages[by_title[title]] == image_digests(folder / file)[0], title
    # The JPG (800 x 1200, EXIF orientation 6) follows the one-page PDF of the same entry, turned upright.
    with pikepdf.open(example["path"]) as pdf:
        (image,) = pdf.pages[by_title["培训场地及授课设备清单"] + 1].Resources.XObject.values()
        assert (int(image.Width), int(image.Height)) == (1200, 800)


@pytest.mark.soffice
def test_bookmarks_follow_the_score_form_order_and_nest_by_indicator(example):
    top = [(title, level) for level, title, _ in example["outline"] if level < 2]

    assert top == [
        ("封面", 0),
        ("目录", 0),
        ("附件2 跨境电商人才社会培训基地认定申报表", 0),
        ("附件1 跨境电商人才社会培训基地认定评价表", 0),
        ("佐证材料", 0),
        ("基本情况", 1),
        ("培训场地及环境", 1),
        ("日常管理", 1),
        ("财务情况", 1),
        ("办公条件", 1),
        ("教师管理系统", 1),
        ("人才培养体系", 1),
        ("人才培育情况", 1),
        ("人才输送情况", 1),
        ("创新工作", 1),
        ("人才培育及输送情况反馈", 1),
    ]
    assert sum(1 for level, _, _ in example["outline"] if level == 2) == 11


@pytest.mark.soffice
def test_contents_page_ranges_match_where_the_parts_landed(example):
    front = front_pages(example)
    contents = squeeze("".join(example["text"][1:front]))
    marks = example["outline"]
    starts = [index for _, _, index in marks] + [len(example["text"])]

    for n, (level, title, index) in enumerate(marks[2:], start=2):
        # The part ends where the next bookmark at the same or a higher level begins.
        end = next((i for lv, _, i in marks[n + 1 :] if lv <= level), starts[-1])
        first, last = index - front + 1, end - front
        expected = str(first) if first == last else f"{first}–{last}"
        line = re.search(re.escape(squeeze(title)) + r"\.{3,}(\d+(?:–\d+)?)", contents)
        assert line, title
        assert line.group(1) == expected, title


@pytest.mark.soffice
def test_forms_chinese_text_is_extractable_and_all_fonts_embedded(example):
    front = front_pages(example)
    f2 = example["form_pages"]["附件2"]
    form2 = squeeze("".join(example["text"][front : front + f2]))
    fonts = subprocess.run(
        ["pdffonts", str(example["path"])], check=True, capture_output=True, text=True
    ).stdout

    assert UNIT in form2
    assert "统一社会信用代码" in form2
    assert "西湖区" in form2
    assert "(cid:" not in form2
    assert "\ufffd" not in form2
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    assert all(row.split()[-5] == "yes" for row in rows), fonts


@pytest.mark.soffice
def test_example_bundle_passes_qpdf_check_and_carries_title_and_author(example):
    check = subprocess.run(
        ["qpdf", "--check", str(example["path"])], capture_output=True, text=True, check=False
    )
    info = subprocess.run(
        ["pdfinfo", str(example["path"])], check=True, capture_output=True, text=True
    ).stdout

    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    assert re.search(rf"^Author:\s+{UNIT}$", info, re.MULTILINE)
    assert re.search(rf"^Title:\s+{UNIT} .*申报材料$", info, re.MULTILINE)


@pytest.mark.soffice
def test_forms_docx_are_written_beside_the_bundle(example):
    names = sorted(p.name for p in example["out"].iterdir() if p.name != LEDGER_NAME)

    assert names == sorted([BUNDLE_FILE, f"{UNIT}-附件1-评价表.docx", f"{UNIT}-附件2-申报表.docx"])
    table_text = "".join(
        c.text
        for t in docx.Document(example["out"] / f"{UNIT}-附件2-申报表.docx").tables
        for row in t.rows
        for c in row.cells
    )
    assert UNIT in table_text


# -- bundle logic with a stand-in converter -------------------------------------------------------


@pytest.fixture
def app_dir(tmp_path):
    """A writable copy of the example folder; returns its YAML path."""
    return copy_example(tmp_path / "申报")


@pytest.fixture(autouse=True)
def _no_remembered_pages():
    """Each test predicts page counts afresh: no memory of earlier tests' conversions."""
    forget_page_counts()
    yield
    forget_page_counts()


def contents_of(conv: FakeConverter) -> list[str]:
    """The contents lines (title, tab, pages) of the last cover `conv` converted."""
    cover = docx.Document(io.BytesIO(conv.docs["封面与目录.docx"]))
    return [p.text for p in cover.paragraphs if "\t" in p.text]


def test_forms_and_cover_are_converted_in_one_call(app_dir, tmp_path):
    conv = FakeConverter()

    path = bundle(load(app_dir), tmp_path / "out", converter=conv)

    assert conv.calls == [["附件2.docx", "附件1.docx", "封面与目录.docx"]]
    assert page_count(path) == 2 + 4 + 2 + example_evidence_pages(app_dir)
    pages = [squeeze(t) for t in pdf_text(path)]
    assert [p[:6] for p in pages[:8]] == [
        "FRONT1",
        "FRONT2",
        "FORM21",
        "FORM22",
        "FORM23",
        "FORM24",
        "FORM11",
        "FORM12",
    ]


@pytest.mark.parametrize(
    ("pages", "used"), [({}, True), ({"附件2": 7}, False)], ids=["predicted", "mispredicted"]
)
def test_the_evidence_is_merged_while_libreoffice_converts(
    app_dir, tmp_path, monkeypatch, pages, used
):
    """Merged ahead for the predicted page counts; used only when the forms came out so."""
    tails = []
    real_assemble = bundle_module.assemble

    def assemble(parts, out_path, **kwargs):
        result = real_assemble(parts, out_path, **kwargs)
        tails.append(
            kwargs["tail"] is not None and len(kwargs["tail"].pdf.pages) == result.page_count
        )
        return result

    monkeypatch.setattr(bundle_module, "assemble", assemble)

    path = bundle(load(app_dir), tmp_path / "out", converter=FakeConverter(pages=pages))

    assert tails == [used]
    texts = [squeeze(t) for t in pdf_text(path)[2:]]
    assert all(t.endswith(f"—{n}—") for n, t in enumerate(texts, start=1)), texts


def test_a_wrong_page_prediction_converts_the_cover_again_with_the_real_counts(app_dir, tmp_path):
    conv = FakeConverter(pages={"附件2": 7})

    path = bundle(load(app_dir), tmp_path / "out", converter=conv)

    assert conv.calls == [["附件2.docx", "附件1.docx", "封面与目录.docx"], ["封面与目录.docx"]]
    assert contents_of(conv)[:3] == [
        "附件2 跨境电商人才社会培训基地认定申报表\t1–7",
        "附件1 跨境电商人才社会培训基地认定评价表\t8–9",
        "佐证材料\t10–23",
    ]
    assert page_count(path) == 2 + 7 + 2 + example_evidence_pages(app_dir)
    assert [squeeze(t)[:6] for t in pdf_text(path)[:3]] == ["FRONT1", "FRONT2", "FORM21"]


def test_the_previous_bundle_in_the_folder_predicts_the_page_counts(app_dir, tmp_path):
    bundle(load(app_dir), tmp_path / "out", converter=FakeConverter(pages={"附件2": 7}))
    pages_module = importlib.import_module("jidi_docs.pipeline._pages")
    pages_module._by_content.clear()  # as in a new process: only the bundle on disk is known
    pages_module._last.clear()
    conv = FakeConverter(pages={"附件2": 7})

    bundle(load(app_dir), tmp_path / "out", converter=conv)

    assert conv.calls == [["附件2.docx", "附件1.docx", "封面与目录.docx"]]
    assert contents_of(conv)[0] == "附件2 跨境电商人才社会培训基地认定申报表\t1–7"


def test_evidence_is_ordered_by_score_form_indicator_then_yaml_order(app_dir, tmp_path):
    folder = app_dir.parent / "佐证材料"
    for name in "ABCDE":
        make_pdf(folder / f"{name}.pdf", 1, label=f"EV{name}")
    set_evidence(
        app_dir,
        [
            ("甲-创新", "创新工作", "佐证材料/A.pdf"),
            ("乙-基本", "基本情况", "佐证材料/B.pdf"),
            ("丙-创新", "创新工作", ["佐证材料/C.pdf", "佐证材料/D.pdf"]),
            ("丁-办公", "办公条件", "佐证材料/E.pdf"),
        ],
    )

    path = bundle(load(app_dir), tmp_path / "out", converter=FakeConverter())

    evidence = [(level, title) for level, title, _ in outline(path)][5:]
    assert evidence == [
        (1, "基本情况"),
        (2, "乙-基本"),
        (1, "办公条件"),
        (2, "丁-办公"),
        (1, "创新工作"),
        (2, "甲-创新"),
        (2, "丙-创新"),
    ]
    pages = [squeeze(t)[:3] for t in pdf_text(path)[8:]]
    assert pages == ["EVB", "EVE", "EVA", "EVC", "EVD"]


def test_contents_lines_carry_the_planned_page_ranges(app_dir, tmp_path):
    conv = FakeConverter()

    bundle(load(app_dir), tmp_path / "out", converter=conv)

    lines = contents_of(conv)
    # Forms: 4 + 2 pages numbered 1–6, so the evidence (14 pages) runs 7–20.
    assert lines[:4] == [
        "附件2 跨境电商人才社会培训基地认定申报表\t1–4",
        "附件1 跨境电商人才社会培训基地认定评价表\t5–6",
        "佐证材料\t7–20",
        "基本情况\t7",
    ]
    assert "培训场地及授课设备清单\t8–9" in lines


def test_identical_resources_are_stored_once(app_dir, tmp_path):
    folder = app_dir.parent / "佐证材料"
    make_jpeg(folder / "同一张.jpg", (900, 600))
    (folder / "同一张副本.jpg").write_bytes((folder / "同一张.jpg").read_bytes())
    set_evidence(
        app_dir,
        [
            ("教室照片", "培训场地及环境", ["佐证材料/同一张.jpg", "佐证材料/同一张副本.jpg"]),
            ("营业执照", "基本情况", "佐证材料/营业执照.pdf"),
            ("营业执照（再次）", "办公条件", "佐证材料/营业执照.pdf"),
        ],
    )

    one_a_page = ImageOptions(two_per_page=False)  # each photo a page of its own

    path = bundle(load(app_dir), tmp_path / "out", converter=FakeConverter(), images=one_a_page)

    with pikepdf.open(path) as pdf:
        images = [
            (x.objgen, x.read_raw_bytes())
            for page in pdf.pages
            for x in page.Resources.get("/XObject", {}).values()
            if x.get("/Subtype") == "/Image"
        ]
    assert len(images) == 4  # two JPG pages, two copies of the licence page
    assert len({objgen for objgen, _ in images}) == 2
    assert len({data for _, data in images}) == 2


def test_bundle_file_gets_the_usual_permissions(app_dir, tmp_path):
    path = bundle(load(app_dir), tmp_path / "out", converter=FakeConverter())

    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


@pytest.mark.parametrize("existing", [False, True], ids=["empty-out-dir", "previous-bundle"])
@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_evidence_is_refused_naming_entry_and_file_and_writes_nothing(
    app_dir, tmp_path, case, existing
):
    write_bad, message = BAD[case]
    write_bad(app_dir.parent)
    add_evidence(app_dir, BAD_ENTRY, "创新工作", BAD_FILE)
    out = tmp_path / "out"
    if existing:
        out.mkdir()
        (out / BUNDLE_FILE).write_bytes(b"%PDF-1.7 previous bundle")
    conv = FakeConverter()

    with pytest.raises(EvidenceError, match=message):
        bundle(load(app_dir), out, converter=conv)

    assert conv.calls == []
    if existing:
        assert [p.name for p in out.iterdir()] == [BUNDLE_FILE]
        assert (out / BUNDLE_FILE).read_bytes() == b"%PDF-1.7 previous bundle"
    else:
        assert not out.exists()


@pytest.mark.parametrize("case", list(OUTSIDE), ids=list(OUTSIDE))
def test_paths_outside_the_folder_are_refused_unless_allowed(app_dir, tmp_path, case):
    write_outside, message = OUTSIDE[case]
    add_evidence(app_dir, BAD_ENTRY, "人才培育及输送情况反馈", write_outside(app_dir.parent))
    out = tmp_path / "out"
    out.mkdir()
    (out / BUNDLE_FILE).write_bytes(b"previous")

    with pytest.raises(EvidenceError, match=message):
        bundle(load(app_dir), out, converter=FakeConverter())
    assert [p.name for p in out.iterdir()] == [BUNDLE_FILE]
    assert (out / BUNDLE_FILE).read_bytes() == b"previous"

    path = bundle(
        load(app_dir), out, converter=FakeConverter(), allow_outside_paths=True, force=True
    )

    assert squeeze(pdf_text(path)[-1]).startswith("OUTSIDE1")
    assert outline(path)[-1][1] == BAD_ENTRY


def test_missing_file_is_allowed_on_request_and_marked_in_the_contents(app_dir, tmp_path):
    add_evidence(app_dir, BAD_ENTRY, "创新工作", ["佐证材料/品牌建设.pdf", BAD_FILE])
    add_evidence(app_dir, "全缺", "创新工作", "佐证材料/也没有.pdf")
    conv = FakeConverter()
    app = load(app_dir)

    path = bundle(app, tmp_path / "out", converter=conv, allow_missing=True)

    lines = [
        p.text
        for p in docx.Document(io.BytesIO(conv.docs["封面与目录.docx"])).paragraphs
        if "\t" in p.text
    ]
    assert "全缺\t缺" in lines
    assert f"{BAD_ENTRY}\t20" in lines  # the file that exists still counts
    assert "全缺" not in [title for _, title, _ in outline(path)]
    assert page_count(path) == 2 + 6 + 14 + 1
    missing = [f.rel for f in evidence_files(app) if not f.exists]
    assert missing == [BAD_FILE, "佐证材料/也没有.pdf"]


def test_all_problems_are_reported_at_once(app_dir, tmp_path):
    (app_dir.parent / "佐证材料" / "说明.pdf").write_text("不是 PDF", encoding="utf-8")
    add_evidence(app_dir, "甲", "创新工作", "佐证材料/说明.pdf")
    add_evidence(app_dir, "乙", "创新工作", "佐证材料/没有.pdf")
    add_evidence(app_dir, "丙", "创新工作", "../外面.pdf")

    with pytest.raises(EvidenceError) as info:
        bundle(load(app_dir), tmp_path / "out", converter=FakeConverter())

    lines = str(info.value).splitlines()
    assert lines[0] == "佐证材料：共有 3 处问题，申报材料未生成："
    assert lines[1].startswith("  • 佐证材料「甲」的文件 ")
    assert "文件类型不符合要求" in lines[1]
    assert lines[2].startswith("  • 佐证材料「乙」的文件 佐证材料/没有.pdf：文件不存在")
    assert lines[3].startswith("  • 佐证材料「丙」的文件 ../外面.pdf：路径用「..」")


def test_password_free_encrypted_pdf_is_included(app_dir, tmp_path):
    make_encrypted_pdf(app_dir.parent / BAD_FILE, user_password="")
    add_evidence(app_dir, BAD_ENTRY, "人才培育及输送情况反馈", BAD_FILE)

    path = bundle(load(app_dir), tmp_path / "out", converter=FakeConverter())

    assert [squeeze(t)[:2] for t in pdf_text(path)[-2:]] == ["P1", "P2"]
    with pikepdf.open(path) as pdf:
        assert not pdf.is_encrypted


def test_truncated_pdf_is_read_leniently_with_a_warning(app_dir, tmp_path, caplog):
    whole = make_pdf(tmp_path / "whole.pdf", 3, label="CUT").read_bytes()
    (app_dir.parent / BAD_FILE).write_bytes(whole[: whole.rindex(b"xref")])
    add_evidence(app_dir, BAD_ENTRY, "人才培育及输送情况反馈", BAD_FILE)
    caplog.set_level(logging.WARNING, logger="jidi_docs")

    path = bundle(load(app_dir), tmp_path / "out", converter=FakeConverter(), date="2021-08-10")

    assert [squeeze(t)[:4] for t in pdf_text(path)[-3:]] == ["CUT1", "CUT2", "CUT3"]
    assert [r.getMessage() for r in caplog.records] == [
        f"佐证材料「{BAD_ENTRY}」的文件 {app_dir.parent / BAD_FILE}：PDF 有损坏，已尽量修复并读出 3 页，请核对页面是否完整。"
    ]
    assert (
        subprocess.run(["qpdf", "--check", str(path)], capture_output=True, check=False).returncode
        == 0
    )


def test_bad_evidence_is_reported_before_libreoffice_is_looked_for(app_dir, tmp_path, monkeypatch):
    def no_soffice(*args, **kwargs):
        raise ConversionError("未找到 LibreOffice")

    monkeypatch.setattr(bundle_module, "SofficeConverter", no_soffice)
    add_evidence(app_dir, BAD_ENTRY, "创新工作", BAD_FILE)

    with pytest.raises(EvidenceError, match="文件不存在"):
        bundle(load(app_dir), tmp_path / "out")
    set_evidence(app_dir, [("营业执照", "基本情况", "佐证材料/营业执照.pdf")])
    with pytest.raises(ConversionError, match="未找到 LibreOffice"):
        bundle(load(app_dir), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_step_api_converts_many_applications_per_call(tmp_path):
    apps = [load(copy_example(tmp_path / f"申报{i}")) for i in range(2)]
    conv = FakeConverter()

    jobs = []
    for i, app in enumerate(apps):
        (tmp_path / f"work{i}").mkdir()
        jobs.append(prepare(app, tmp_path / f"work{i}"))
    form_pdfs = conv.convert([d for job in jobs for d in job.form_docs], tmp_path / "pdf")
    covers = [job.cover_docx(form_pdfs[2 * i : 2 * i + 2]) for i, job in enumerate(jobs)]
    cover_pdfs = conv.convert(covers, tmp_path / "pdf")
    results = [
        job.finish(pdf, tmp_path / f"out{i}")
        for i, (job, pdf) in enumerate(zip(jobs, cover_pdfs, strict=False))
    ]

    assert len(conv.calls) == 2
    assert [len(c) for c in conv.calls] == [4, 2]
    assert [r.page_count for r in results] == [2 + 6 + 14] * 2
    assert all((tmp_path / f"out{i}" / BUNDLE_FILE).is_file() for i in range(2))


def _truncated_scan(app_dir: Path) -> None:
    scan = make_jpeg(app_dir.parent / "佐证材料" / "截断.jpg", (400, 300))
    scan.write_bytes(scan.read_bytes()[:-300])
    add_evidence(app_dir, BAD_ENTRY, "创新工作", "佐证材料/截断.jpg")


def test_a_truncated_scan_is_refused_though_its_header_is_whole(app_dir, tmp_path):
    _truncated_scan(app_dir)

    with pytest.raises(
        EvidenceError, match=rf"「{BAD_ENTRY}」.*截断\.jpg：图片不完整（文件被截断）"
    ):
        bundle(load(app_dir), tmp_path / "out", converter=FakeConverter())

    assert not (tmp_path / "out").exists()


def test_a_bad_scan_found_during_the_conversion_stops_libreoffice(app_dir, tmp_path, monkeypatch):
    """The pixels are checked while LibreOffice converts; a bad scan ends the conversion."""
    _truncated_scan(app_dir)
    stopped = threading.Event()

    class Converter(FakeConverter):  # converts until stopped (a LibreOffice that takes long)
        def __init__(self, **kwargs):
            super().__init__()

        def convert(self, docs, out_dir):
            if not stopped.wait(timeout=30):
                raise AssertionError("the conversion was waited for, not stopped")
            raise ConversionError("LibreOffice 已终止")

        def __exit__(self, *exc):  # as SofficeConverter's, which stops its LibreOffice
            stopped.set()

    monkeypatch.setattr(bundle_module, "SofficeConverter", Converter)

    with pytest.raises(EvidenceError, match="图片不完整"):
        bundle(load(app_dir), tmp_path / "out")

    assert stopped.is_set()


def test_a_bad_scan_found_during_a_callers_conversion_is_reported_without_waiting(
    app_dir, tmp_path
):
    """A converter the caller passed in is the caller's to stop: the error is not held back
    until its conversion ends (the command line then closes its converter)."""
    _truncated_scan(app_dir)
    stopped = threading.Event()

    class Converter(FakeConverter):
        def convert(self, docs, out_dir):
            if not stopped.wait(timeout=30):
                raise AssertionError("the caller never stopped the conversion")
            raise ConversionError("LibreOffice 已终止")

    conv = Converter()
    try:
        with pytest.raises(EvidenceError, match="图片不完整"):
            bundle(load(app_dir), tmp_path / "out", converter=conv)
        assert not stopped.is_set()  # reported while the conversion was still running
    finally:
        stopped.set()
    assert not (tmp_path / "out").exists()
