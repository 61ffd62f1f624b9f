"""The parts of docxtpl that `FormTemplate` relies on, checked directly.

`FormTemplate` does not call ``DocxTemplate.render``; it builds a ``DocxTemplate`` only to call
its ``patch_xml(src_xml)``, which turns Word XML with template tags split across runs into Jinja
source, and compiles that itself. ``patch_xml`` is not documented API, so pyproject.toml pins
docxtpl to the releases these tests passed with. When one fails after an upgrade, read docxtpl's
changes, adapt `FormTemplate`, and only then widen the pin.
"""

from __future__ import annotations

import inspect
import re
import zipfile
from importlib.metadata import version
from pathlib import Path

import jinja2
import pytest
from docxtpl import DocxTemplate

from jidi_docs.forms import _template as template_module

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "附件2.docx"
WHERE = (
    f"docxtpl {version('docxtpl')} changed an internal that FormTemplate "
    f"({template_module.__name__}) relies on: "
)


def patch(xml: str) -> str:
    return DocxTemplate(TEMPLATE).patch_xml(xml)


def row(text: str) -> str:
    return f"<w:tr><w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr>"


def test_patch_xml_is_a_method_taking_only_the_xml() -> None:
    method = getattr(DocxTemplate, "patch_xml", None)

    assert callable(method), WHERE + "DocxTemplate.patch_xml is gone"
    params = list(inspect.signature(method).parameters)
    assert params == ["self", "src_xml"], WHERE + f"patch_xml{inspect.signature(method)}"


def test_constructing_a_docx_template_does_not_open_the_document() -> None:
    # FormTemplate builds one per load only for patch_xml; opening the .docx would double the cost.
    patcher = DocxTemplate(TEMPLATE)

    assert patcher.docx is None, WHERE + "DocxTemplate(path) now opens the document"


def test_patch_xml_leaves_xml_without_tags_unchanged() -> None:
    xml = "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>申报单位 &amp; 地址 &lt;1&gt;</w:t></w:r></w:p>"

    assert patch(xml) == xml, WHERE + "patch_xml rewrites XML that holds no template tag"


def test_patch_xml_joins_a_tag_that_word_split_across_runs() -> None:
    xml = (
        "<w:p><w:r><w:t>{{ basic.</w:t></w:r>"
        "<w:r><w:rPr><w:b/></w:rPr><w:t>unit }}</w:t></w:r></w:p>"
    )

    out = patch(xml)

    assert "{{ basic.unit }}" in out, WHERE + f"a split tag is not joined: {out}"


def test_patch_xml_makes_quotes_in_tags_straight() -> None:
    out = patch("<w:p><w:r><w:t>{{ x or \u201c无\u201d }}</w:t></w:r></w:p>")

    assert '{{ x or "无" }}' in out, WHERE + f"curly quotes in a tag are kept: {out}"


def test_patch_xml_turns_tr_tags_into_a_loop_over_the_rows_between_them() -> None:
    xml = (
        "<w:tbl>"
        + row("{%tr for t in lecturers %}")
        + row("{{ t.name }}")
        + row("{%tr endfor %}")
        + "</w:tbl>"
    )

    out = patch(xml)

    assert re.fullmatch(
        r"<w:tbl>\{% for t in lecturers %\}<w:tr>.*\{\{ t\.name \}\}.*</w:tr>\{% endfor %\}</w:tbl>",
        out,
    ), WHERE + f"{{%tr %}} no longer replaces its row: {out}"
    rendered = (
        jinja2.Environment().from_string(out).render(lecturers=[{"name": "甲"}, {"name": "乙"}])
    )
    assert rendered.count("<w:tr>") == 2


@pytest.mark.parametrize("template", ["附件1.docx", "附件2.docx"])
def test_patch_xml_output_of_the_shipped_templates_compiles(template: str) -> None:
    with zipfile.ZipFile(ROOT / "templates" / template) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")

    out = patch(xml)

    assert "{%tr" not in out, WHERE + "{%tr %} tags survive patch_xml"
    try:
        jinja2.Environment().parse(out)
    except jinja2.TemplateSyntaxError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(WHERE + f"patch_xml output of {template} is not valid Jinja: {exc}")
