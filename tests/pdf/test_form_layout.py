"""The 申报表 as LibreOffice lays it out: a table's note stays with its table, names stay whole.

Converted with the real LibreOffice and read back from the PDF (pypdf, page by page).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pypdf
import pytest

import jidi_docs
from jidi_docs.input import parse_yaml, validate
from jidi_docs.pdf import SofficeConverter
from scripthelpers import load_script

pytestmark = pytest.mark.soffice

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
NOTE = "（请附企业荣誉证明材料）"
#: Numbers of 企业荣誉 rows around the one whose table ends at the foot of page 3 (42 with the
#: fonts scripts/install_system_deps.sh installs); the range leaves room for other fonts.
ROWS = range(38, 47)


def _example_with_honours(n: int) -> jidi_docs.Application:
    data: dict[str, Any] = parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data
    data = copy.deepcopy(data)
    first = data["企业荣誉"][0]
    data["企业荣誉"] = [{**first, "荣誉名称": f"荣誉甲{i:03d}"} for i in range(1, n + 1)]
    return validate(data, source=EXAMPLE)


def _forms(folder: Path, template: Path | None) -> list[Path]:
    out = []
    for n in ROWS:
        templates = {"附件2": template} if template else None
        out.append(
            jidi_docs.render(_example_with_honours(n), folder / str(n), templates=templates)[1]
        )
    return out


def _pages(pdf: Path) -> list[list[str]]:
    return [
        [ln.strip() for ln in (page.extract_text() or "").splitlines() if ln.strip()]
        for page in pypdf.PdfReader(pdf).pages
    ]


def _stranded(pdf: Path, n: int) -> bool:
    """True when the note is on another page than the table's last row."""
    pages = _pages(pdf)
    note = next(i for i, lines in enumerate(pages) if any(NOTE in ln for ln in lines))
    last = next(i for i, lines in enumerate(pages) if any(f"荣誉甲{n:03d}" in ln for ln in lines))
    return note != last


@pytest.fixture(scope="module")
def converted(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """附件2 for each number of rows, drawn by our templates and by templates without the keep."""
    del soffice  # the fixture skips locally / fails on CI when LibreOffice is missing
    out = tmp_path_factory.mktemp("layout")
    make_templates = load_script("make_templates")
    loop_rows = make_templates.loop_rows

    def without_keep(*args: Any, **kwargs: Any) -> None:
        loop_rows(*args, **{**kwargs, "last_keeps_with_next": False})

    make_templates.loop_rows = without_keep
    try:
        plain = out / "plain.docx"
        plain.write_bytes(make_templates.build_all()["附件2.docx"])
    finally:
        make_templates.loop_rows = loop_rows
    docs = {"kept": _forms(out / "kept", None), "plain": _forms(out / "plain", plain)}
    with SofficeConverter() as converter:
        return {k: converter.convert(v, out / f"{k}-pdf") for k, v in docs.items()}


def test_the_note_under_a_table_is_never_on_a_page_of_its_own(
    converted: dict[str, list[Path]],
) -> None:
    stranded = [n for n, pdf in zip(ROWS, converted["kept"], strict=True) if _stranded(pdf, n)]

    assert stranded == []


def test_the_stress_range_does_strand_the_note_without_the_keep(
    converted: dict[str, list[Path]],
) -> None:
    stranded = [n for n, pdf in zip(ROWS, converted["plain"], strict=True) if _stranded(pdf, n)]

    assert stranded, "no number of rows ends the table at the foot of a page: widen ROWS"


def test_the_last_row_moves_to_the_notes_page_under_a_repeated_header(
    converted: dict[str, list[Path]],
) -> None:
    for n, pdf in zip(ROWS, converted["kept"], strict=True):
        pages = _pages(pdf)
        page = next(lines for lines in pages if any(NOTE in ln for ln in lines))
        at = next(i for i, ln in enumerate(page) if NOTE in ln)
        assert f"荣誉甲{n:03d}" in page[at - 1], (n, page[at - 1])


@pytest.fixture(scope="module")
def platforms_pdf(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    del soffice
    out = tmp_path_factory.mktemp("names")
    data: dict[str, Any] = parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data
    data["基本情况"]["涉及平台"] = [*NAMES, "TikTok Shop", "eBay"]
    for lecturer, platforms in zip(data["讲师"], PLATFORM_CELLS, strict=False):
        lecturer["研发平台"] = platforms
    form2 = jidi_docs.render(validate(data, source=EXAMPLE), out)[1]
    with SofficeConverter() as converter:
        (pdf,) = converter.convert([form2], out / "pdf")
    return pdf


#: Short platform names; in a narrow cell Word and LibreOffice would cut them.
NAMES = ["亚马逊", "速卖通", "阿里巴巴国际站", "敦煌网", "虾皮", "希音", "天猫国际"]
PLATFORM_CELLS = ["亚马逊、速卖通", "速卖通、敦煌网、虾皮", "阿里巴巴国际站、希音", "天猫国际"]


def test_short_platform_names_are_never_cut_over_two_lines(platforms_pdf: Path) -> None:
    lines = [ln for page in _pages(platforms_pdf) for ln in page]
    joined = "\n".join(lines)

    for name in NAMES:
        assert name in joined.replace("\n", "")
        for cut in range(1, len(name)):
            head, tail = name[:cut], name[cut:]
            assert f"{head}\n{tail}" not in joined, f"“{name}” cut after “{head}”"
