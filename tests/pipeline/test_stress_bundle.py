"""The stress application (200 rows in every table, hostile text, emoji) as a real bundle."""

from __future__ import annotations

import logging

import pypdf
import pytest

from jidi_docs.pdf._convert import SofficeConverter
from jidi_docs.pipeline._bundle import bundle
from pdfhelpers import bottom_text, font_rows, require_soffice
from stressapp import stress_application


@pytest.fixture(scope="module")
def stress_bundle(tmp_path_factory):
    require_soffice()
    out = tmp_path_factory.mktemp("stress")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.WARNING)
    logger = logging.getLogger("jidi_docs")
    logger.addHandler(handler)
    # 1400 table rows take LibreOffice minutes to lay out on a loaded 2-core machine.
    try:
        with SofficeConverter(timeout=900, timeout_per_document=300) as conv:
            path = bundle(stress_application(), out, date="2021-08-10", converter=conv)
    finally:
        logger.removeHandler(handler)
    return path, [r.getMessage() for r in records]


@pytest.mark.soffice
@pytest.mark.slow
def test_every_font_of_the_stress_bundle_is_embedded(stress_bundle):
    path, _ = stress_bundle

    rows = font_rows(path)

    assert rows
    assert [r for r in rows if r["emb"] != "yes"] == []


@pytest.mark.soffice
@pytest.mark.slow
def test_the_stress_bundle_warns_about_each_emoji_and_numbers_its_last_page(stress_bundle):
    path, warnings = stress_bundle
    labels = pypdf.PdfReader(path).page_labels

    for char in ("🚀", "👩", "💻"):
        assert any(f"“{char}”" in w and "没有任何已安装的字体能显示" in w for w in warnings), char
    assert bottom_text(path, len(labels)) == f"—{labels[-1]}—"
