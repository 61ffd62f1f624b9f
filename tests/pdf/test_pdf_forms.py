"""Convert both rendered forms with LibreOffice: every Chinese value is in the PDF, in SC fonts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

import jidi_docs
from jidi_docs.pdf._convert import SofficeConverter
from pdfhelpers import non_sc_glyphs

pytestmark = pytest.mark.soffice

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def pdfs(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    del soffice  # the fixture skips locally / fails on CI when LibreOffice is missing
    out = tmp_path_factory.mktemp("pdf")
    docs = jidi_docs.render(jidi_docs.load(EXAMPLE), out / "docx")
    with SofficeConverter() as converter:
        return converter.convert(docs, out / "pdf")


def pdftotext(path: Path) -> str:
    proc = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return proc.stdout


def squeeze(text: str) -> str:
    """Drop all whitespace: table cells wrap long values over several lines."""
    return re.sub(r"\s+", "", text)


def chinese_values() -> list[str]:
    """Every value of the example that holds Chinese text (佐证材料 and 自评分 keys aside)."""
    data: dict[str, Any] = yaml.load(EXAMPLE.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def walk(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in walk(v)]
        if isinstance(value, list):
            return [s for v in value for s in walk(v)]
        return [value]

    skipped = {"佐证材料", "自评分", "认定批次"}
    values = [s for k, v in data.items() if k not in skipped for s in walk(v)]
    return [v for v in values if CJK.search(v)]


def test_both_forms_convert_to_a4_pdfs(pdfs: list[Path]) -> None:
    import pypdf

    assert [p.suffix for p in pdfs] == [".pdf", ".pdf"]
    for path in pdfs:
        reader = pypdf.PdfReader(str(path))
        assert len(reader.pages) >= 1
        for page in reader.pages:
            width, height = sorted((float(page.mediabox.width), float(page.mediabox.height)))
            assert (round(width), round(height)) == (595, 842)


def test_every_chinese_value_is_in_the_pdf_text(pdfs: list[Path]) -> None:
    text = squeeze(pdftotext(pdfs[0]) + pdftotext(pdfs[1]))
    values = chinese_values()

    missing = [v for v in values if squeeze(v) not in text]

    assert len(values) > 50
    assert missing == []
    for derived in ("2015年6月18日", "2020.07.06—2020.07.10", "历年组织人才培训总人次：3260"):
        assert derived in text


def test_evaluation_form_pdf_has_scores_and_total(pdfs: list[Path]) -> None:
    text = squeeze(pdftotext(pdfs[0]))

    for piece in (
        "跨境电商人才社会培训基地认定评价表",
        "申报单位名称：",
        "杭州示例跨境电商职业培训学校有限公司",
        "所属区、县（市）：",
        "西湖区",
        "总分",
        "专家评分",
    ):
        assert piece in text


def pdffonts(path: Path) -> list[tuple[str, str]]:
    """Return (font name, embedded yes/no) per font of the PDF, as pdffonts lists them."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object ID: emb is 5th from the end
        rows.append((parts[0], parts[-5]))
    return rows


def test_every_font_is_embedded_and_the_chinese_ones_are_noto_cjk(pdfs: list[Path]) -> None:
    for path in pdfs:
        fonts = pdffonts(path)

        assert fonts
        assert all(emb == "yes" for _, emb in fonts), fonts
        assert any("NotoSerifCJK" in name for name, _ in fonts), fonts
        assert any("NotoSansCJK" in name for name, _ in fonts), fonts


def test_chinese_characters_use_simplified_chinese_glyphs(pdfs: list[Path]) -> None:
    """pdffonts cannot name the Noto face (one CFF is shared); the glyph ids can."""
    for path in pdfs:
        telling, wrong = non_sc_glyphs(path)

        assert len(telling) >= 50
        assert wrong == []


def test_first_page_renders_to_a_png_with_ink(pdfs: list[Path], tmp_path: Path) -> None:
    from PIL import Image

    for n, path in enumerate(pdfs):
        prefix = tmp_path / f"page{n}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(prefix)],
            check=True,
            capture_output=True,
        )
        (png,) = tmp_path.glob(f"page{n}*.png")
        with Image.open(png) as image:
            gray = image.convert("L")
            dark = sum(gray.histogram()[:128])
            assert dark > 0.005 * gray.width * gray.height
