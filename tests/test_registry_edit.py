"""One edit of ``sections.yaml`` reaches every output, with no other edit anywhere.

A copy of the registry renames the heading of 七 (``七、企业荣誉`` → ``七、企业荣誉及奖项``) and
gives the 企业荣誉 list a column 证书编号 (its template key and width included). With that copy
alone: the template generator prints the new heading and column, the rendered 申报表 shows them
filled, ``extract`` reads the column back under the new heading, ``init``'s workbook and the
JSON Schema have the column, and the portal's editor shows the page under the new heading with
an input for the column. The built-in registry, used the same way, shows none of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml

import jidi_docs
from jidi_docs.forms import render
from jidi_docs.forms._extract import extract_document
from jidi_docs.input import parse_yaml, validate
from jidi_docs.schema import Registry, load_registry, registry
from scripthelpers import load_script

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
REGISTRY_FILE = ROOT / "src" / "jidi_docs" / "schema" / "sections.yaml"

HEADING = "七、企业荣誉及奖项"
COLUMN = {
    "列名": "证书编号",
    "名称": "certificate",
    "类型": "文字",
    "说明": "荣誉证书上的编号",
    "例子": "HZ-2020-018",
    "模板键": "cert",
    "列宽": 2.4,
}


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    data = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    honours = next(s for s in data["栏目"] if s["键"] == "企业荣誉")
    honours["标题"] = HEADING
    honours["列"].append(COLUMN)
    path = tmp_path_factory.mktemp("registry") / "sections.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_registry(path)


def template(reg: Registry, folder: Path) -> Path:
    """附件2 as ``make templates`` generates it from `reg`."""
    path = folder / "附件2.docx"
    path.write_bytes(load_script("make_templates").build_all(reg)["附件2.docx"])
    return path


def example(reg: Registry) -> jidi_docs.Application:
    """The example, each 企业荣誉 with a 证书编号 (a key the built-in registry refuses)."""
    data: dict[str, Any] = parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data
    for n, honour in enumerate(data["企业荣誉"], start=1):
        honour["证书编号"] = f"HZ-2020-{n:03d}"
    return validate(data, source=EXAMPLE, reg=reg)


def texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def honours_table(path: Path) -> Any:
    return next(t for t in docx.Document(str(path)).tables if t.rows[0].cells[1].text == "荣誉名称")


def test_the_generated_template_has_the_new_heading_and_column(
    copy: Registry, tmp_path: Path
) -> None:
    path = template(copy, tmp_path)

    table = honours_table(path)
    assert HEADING in texts(path)
    assert "七、企业荣誉" not in texts(path)
    assert [c.text for c in table.rows[0].cells][-1] == "证书编号"
    assert table.rows[2].cells[-1].text == "{{ r.cert }}"
    assert round(table.columns[-1].width.cm, 1) == 2.4  # type: ignore[union-attr]
    assert "证书编号" not in [
        c.text for c in honours_table(template(registry(), tmp_path)).rows[0].cells
    ]


def test_the_rendered_form_shows_them_filled(copy: Registry, tmp_path: Path) -> None:
    app = example(copy)

    form2 = render(app, tmp_path / "out", templates={"附件2": template(copy, tmp_path)})[1]

    assert HEADING in texts(form2)
    rows = [[c.text for c in r.cells] for r in honours_table(form2).rows]
    assert rows[0][-1] == "证书编号"
    assert [r[-1] for r in rows[1:]] == [f"HZ-2020-{n:03d}" for n in range(1, len(rows))]
    with pytest.raises(jidi_docs.ValidationFailed, match="证书编号"):
        example(registry())


def test_extract_reads_the_column_back_under_the_new_heading(
    copy: Registry, tmp_path: Path
) -> None:
    form2 = render(example(copy), tmp_path, templates={"附件2": template(copy, tmp_path)})[1]
    document = docx.Document(str(form2))

    read = extract_document(document, reg=copy)
    built_in = extract_document(document)

    assert read.data["企业荣誉"][0]["证书编号"] == "HZ-2020-001"
    report = next(s for s in read.sections if s.key == "企业荣誉")
    assert (report.title, report.found) == (HEADING, True)
    assert "证书编号" not in built_in.data["企业荣誉"][0]


def test_the_init_workbook_has_the_column(copy: Registry, tmp_path: Path) -> None:
    jidi_docs.init(tmp_path / "新", reg=copy)
    jidi_docs.init(tmp_path / "旧")

    def header(folder: str) -> list[Any]:
        ws = openpyxl.load_workbook(tmp_path / folder / "企业荣誉.xlsx").active
        assert ws is not None
        return [c.value for c in ws[1]]

    assert header("新")[-1] == "证书编号"
    assert "证书编号" not in header("旧")


def test_the_json_schema_has_the_column(copy: Registry) -> None:
    def properties(reg: Registry | None) -> dict[str, Any]:
        schema = jidi_docs.json_schema(reg=reg)
        return schema["$defs"]["Honour"]["properties"]  # type: ignore[no-any-return]

    assert properties(copy)["证书编号"]["description"].startswith("荣誉证书上的编号")
    assert "证书编号" not in properties(None)


def test_the_portal_editor_shows_the_page_under_the_new_heading_with_the_column(
    copy: Registry,
) -> None:
    pytest.importorskip("django", reason="the web extra is not installed")
    from jidi_docs.web._library import sections
    from jidi_docs.web._widgets import section_html

    page = next(s for s in sections(reg=copy) if s.key == "企业荣誉")
    html = section_html(page.spec, [{"证书编号": "HZ-1"}], errors={}, names={})

    assert page.heading == HEADING
    assert "证书编号" in [c.key for c in page.spec.columns]
    assert 'data-path="企业荣誉.0.证书编号"' in html
    assert 'value="HZ-1"' in html
    built_in = next(s for s in sections() if s.key == "企业荣誉")
    assert built_in.heading == "七、企业荣誉"
