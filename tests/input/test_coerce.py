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
        (lambda: jidi_docs.bundle(EXAMPLE, "out", date=20210801), "参数 date 应为"),
        (lambda: jidi_docs.bundle(EXAMPLE, None), "参数 out_dir 应为文件夹的路径"),
        (lambda: jidi_docs.render(EXAMPLE, None), "参数 out_dir 应为文件夹的路径"),
        (lambda: jidi_docs.batch(None, "out"), "参数 paths 应为申报文件或文件夹的路径"),
        (lambda: jidi_docs.batch([EXAMPLE, 3], "out"), "参数 paths 中的一项 应为申报文件"),
        (lambda: jidi_docs.batch([EXAMPLE], None), "参数 out_dir 应为文件夹的路径"),
        (lambda: jidi_docs.batch([EXAMPLE], "out", jobs="2"), "参数 jobs 应为正整数"),
        (lambda: jidi_docs.batch([EXAMPLE], "out", chunk_size=True), "参数 chunk_size 应为正整数"),
        (lambda: jidi_docs.init(None), "参数 folder 应为文件夹的路径"),
        (lambda: jidi_docs.load(None), "参数 path 应为申报 YAML 文件或申报文件夹的路径"),
        (lambda: jidi_docs.loads(b"x: 1"), "参数 text 应为 YAML 文字（str），而不是 bytes"),
        (lambda: jidi_docs.json_schema(2021), "认定批次应为批次名称"),
        (lambda: jidi_docs.get_profile(2021), "认定批次应为批次名称"),
    ],
)
def test_a_wrong_argument_type_is_a_type_error_naming_the_parameter(
    call: object, message: str
) -> None:
    with pytest.raises(TypeError, match=f"^{message}"):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: jidi_docs.bundle(EXAMPLE, "out", date="2021-13-45"),
            "参数 date 不是有效的日期：'2021-13-45'。请写成 YYYY-MM-DD，例如 2021-08-10。",
        ),
        (
            lambda: jidi_docs.bundle(EXAMPLE, "out", date="2021年8月1日"),
            "参数 date 不是有效的日期：'2021年8月1日'。请写成 YYYY-MM-DD，例如 2021-08-10。",
        ),
        (
            lambda: jidi_docs.batch([EXAMPLE], "out", jobs=0),
            "参数 jobs 应为正整数（1 或更大），而不是 0。",
        ),
    ],
)
def test_a_wrong_value_of_the_right_type_is_a_value_error_in_chinese(
    call: object, message: str
) -> None:
    with pytest.raises(ValueError) as raised:  # noqa: PT011 - the exact message is checked below
        call()  # type: ignore[operator]

    assert str(raised.value) == message
    assert not isinstance(raised.value, TypeError)
    assert isinstance(raised.value, jidi_docs.UserError)


def test_a_date_is_taken_as_iso_text() -> None:
    from jidi_docs.input._coerce import as_date

    assert as_date("2021-08-01") == dt.date(2021, 8, 1)
    assert as_date(dt.datetime(2021, 8, 1, 9, 30)) == dt.date(2021, 8, 1)
