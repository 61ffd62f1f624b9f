"""Test the library's functions as a script writer calls them (jidi_docs.input._coerce)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

import jidi_docs

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"


def test_render_takes_the_path_of_the_yaml_as_text(tmp_path: Path) -> None:
    written = jidi_docs.render(str(EXAMPLE), tmp_path)

    assert [p.name.split("-")[-1] for p in written] == ["评价表.docx", "申报表.docx"]
    assert "杭州示例" in Document(str(written[1])).tables[0].cell(0, 1).text


def test_check_takes_a_path_like() -> None:
    report = jidi_docs.check(EXAMPLE)

    assert report.conditions


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: jidi_docs.check(42), "参数 app 应为 Application"),
        (lambda: jidi_docs.render(["申报.yaml"], "out"), "参数 app 应为 Application"),
        (lambda: jidi_docs.bundle(EXAMPLE, "out", date="2021年8月1日"), "参数 date 应为"),
        (lambda: jidi_docs.bundle(EXAMPLE, "out", date=20210801), "参数 date 应为"),
        (lambda: jidi_docs.batch([EXAMPLE], "out", jobs="2"), "参数 jobs 应为正整数"),
        (lambda: jidi_docs.batch([EXAMPLE], "out", jobs=0), "参数 jobs 应为正整数"),
        (lambda: jidi_docs.batch([EXAMPLE], "out", chunk_size=True), "参数 chunk_size 应为正整数"),
    ],
)
def test_a_wrong_argument_type_names_the_parameter(call: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()  # type: ignore[operator]


def test_a_date_is_taken_as_iso_text() -> None:
    from jidi_docs.input._coerce import as_date

    assert as_date("2021-08-01") == dt.date(2021, 8, 1)
    assert as_date(dt.datetime(2021, 8, 1, 9, 30)) == dt.date(2021, 8, 1)
