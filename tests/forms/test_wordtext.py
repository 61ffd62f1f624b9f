"""The rules of `jidi_docs.forms._wordtext`, one construct at a time, on small WordprocessingML.

Each rule cites ECMA-376 Part 1 in the module's docstring; here each is checked on the smallest
markup that shows it, the way Word writes it.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from jidi_docs.errors import InternalError
from jidi_docs.forms._template import check_package
from jidi_docs.forms._wordtext import Styles, TextReader

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def body(xml: str) -> etree._Element:
    return etree.fromstring(f'<w:body xmlns:w="{W}" xmlns:mc="{MC}">{xml}</w:body>')


def styles(xml: str) -> Styles:
    return Styles(etree.fromstring(f'<w:styles xmlns:w="{W}">{xml}</w:styles>'))


def read(xml: str, style_xml: str = "") -> str:
    return TextReader(styles(style_xml) if style_xml else None).story(body(xml))


def r(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def fld(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def code(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


HIDDEN_STYLES = """
<w:style w:type="paragraph" w:styleId="HidP"><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="HidP2"><w:basedOn w:val="HidP"/></w:style>
<w:style w:type="character" w:styleId="HidC"><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="character" w:styleId="ShowC"><w:basedOn w:val="HidC"/><w:rPr><w:vanish w:val="0"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Loop1"><w:basedOn w:val="Loop2"/></w:style>
<w:style w:type="character" w:styleId="Loop2"><w:basedOn w:val="Loop1"/></w:style>
"""


def rstyle(sid: str) -> str:
    return f'<w:rStyle w:val="{sid}"/>'


def vanish(val: str | None = None) -> str:
    return "<w:vanish/>" if val is None else f'<w:vanish w:val="{val}"/>'


def pstyle(sid: str) -> str:
    return f'<w:pPr><w:pStyle w:val="{sid}"/></w:pPr>'


@pytest.mark.parametrize(
    ("xml", "shown"),
    [
        (f"<w:p>{r('a')}{r('b', vanish())}{r('c')}</w:p>", "ac"),
        (f"<w:p>{r('a')}{r('b', vanish('false'))}</w:p>", "ab"),
        (f"<w:p>{pstyle('HidP2')}{r('a')}</w:p><w:p>{r('b')}</w:p>", "b"),
        (f"<w:p>{r('a', rstyle('HidC'))}{r('b')}</w:p>", "b"),
        (f"<w:p>{r('a', rstyle('ShowC'))}</w:p>", "a"),
        # A toggle property: hidden in the paragraph style and in the character style is shown.
        (f"<w:p>{pstyle('HidP')}{r('a', rstyle('HidC'))}</w:p>", "a"),
        (f"<w:p>{r('a', rstyle('HidC') + vanish('0'))}</w:p>", "a"),
        (f"<w:p>{r('a', rstyle('Loop1'))}</w:p>", "a"),
    ],
)
def test_hidden_text_directly_or_through_styles(xml: str, shown: str) -> None:
    assert read(xml, HIDDEN_STYLES) == shown


def test_the_default_paragraph_style_and_the_document_defaults_can_hide() -> None:
    default = '<w:style w:type="paragraph" w:default="1" w:styleId="N"><w:rPr><w:vanish/></w:rPr></w:style>'
    docdefaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr><w:vanish/></w:rPr></w:rPrDefault></w:docDefaults>"
    )

    assert read(f"<w:p>{r('a')}</w:p>", default) == ""
    assert read(f"<w:p>{r('a')}</w:p>", docdefaults) == ""
    assert read(f"<w:p>{r('a', vanish('off'))}</w:p>", docdefaults) == "a"


def test_a_field_shows_its_result_never_its_code_even_nested() -> None:
    nested_in_code = fld("begin") + code(" IF ") + fld("begin") + code(" PAGE ") + fld("separate")
    nested_in_code += r("9") + fld("end") + code(" = 1 ") + fld("separate") + r("结果") + fld("end")
    nested_in_result = fld("begin") + code(" X ") + fld("separate") + fld("begin") + code(" Y ")
    nested_in_result += fld("separate") + r("内") + fld("end") + r("外") + fld("end")

    assert read(f"<w:p>{r('前')}{nested_in_code}{r('后')}</w:p>") == "前结果后"
    assert read(f"<w:p>{nested_in_result}</w:p>") == "内外"
    assert read(f"<w:p>{fld('begin')}{code(' NOPE ')}{fld('end')}{r('a')}</w:p>") == "a"


def test_a_field_goes_on_over_paragraphs() -> None:
    xml = f"<w:p>{fld('begin')}{code(' TOC ')}</w:p><w:p>{code(' more ')}{fld('separate')}{r('目录')}</w:p>"
    xml += f"<w:p>{r('第二行')}{fld('end')}</w:p><w:p>{r('正文')}</w:p>"

    assert read(xml) == "\n目录\n第二行\n正文"


def test_one_branch_of_alternate_content() -> None:
    both = (
        f'<mc:AlternateContent><mc:Choice Requires="wps">{r("新")}</mc:Choice>'
        f"<mc:Fallback>{r('旧')}</mc:Fallback></mc:AlternateContent>"
    )
    fallback = f"<mc:AlternateContent><mc:Fallback>{r('旧')}</mc:Fallback></mc:AlternateContent>"

    assert read(f"<w:p>{both}</w:p>") == "新"
    assert read(f"<w:p>{fallback}</w:p>") == "旧"


def test_a_placeholder_reads_empty_but_a_row_control_keeps_its_rows() -> None:
    prompt = (
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>"
        f"<w:sdtContent>{r('单击或点击此处输入文字。')}</w:sdtContent></w:sdt>"
    )
    row = f"<w:tr><w:tc><w:p>{r('值')}</w:p></w:tc></w:tr>"
    table = (
        "<w:tbl><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>"
        f"<w:sdtContent>{row}</w:sdtContent></w:sdt></w:tbl>"
    )

    assert read(f"<w:p>{r('甲')}{prompt}</w:p>") == "甲"
    assert read(table) == "值"


def test_characters_breaks_and_symbols() -> None:
    runs = (
        "<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t>"
        "<w:noBreakHyphen/><w:t>e</w:t><w:softHyphen/><w:t>f</w:t>"
        '<w:sym w:font="Wingdings" w:char="F0FC"/><w:sym w:font="SimSun" w:char="676D"/>'
        '<w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/><w:t>g\u200bh\ufeff</w:t>'
        "<w:delText>x</w:delText><w:instrText>y</w:instrText></w:r>"
    )

    assert read(f"<w:p>{runs}</w:p>") == "a b\nc\nd-ef\uf0fc杭 gh"


def test_of_a_phonetic_guide_the_base_text_is_read() -> None:
    ruby = (
        '<w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/><w:hps w:val="10"/>'
        '<w:hpsRaise w:val="18"/><w:hpsBaseText w:val="21"/><w:lid w:val="zh-CN"/></w:rubyPr>'
        f"<w:rt>{r('hángzhōu')}</w:rt><w:rubyBase>{r('杭州')}</w:rubyBase></w:ruby></w:r>"
    )

    assert read(f"<w:p>{ruby}{r('市')}</w:p>") == "杭州市"


def test_tracked_changes_in_the_final_view() -> None:
    xml = (
        f"<w:p>{r('甲')}"
        f'<w:del w:id="1" w:author="a"><w:r><w:delText>乙</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="a">{r("丙")}</w:ins>'
        f'<w:moveFrom w:id="3" w:author="a">{r("丁")}</w:moveFrom>'
        f'<w:moveTo w:id="4" w:author="a">{r("戊")}</w:moveTo></w:p>'
        # A deleted paragraph mark: the next paragraph runs on in the same line.
        f'<w:p><w:pPr><w:rPr><w:del w:id="5" w:author="a"/></w:rPr></w:pPr>{r("己")}</w:p>'
        f"<w:p>{r('庚')}</w:p>"
    )

    assert read(xml) == "甲丙戊\n己庚"


def test_a_row_deleted_as_a_tracked_change_is_gone() -> None:
    rows = (
        f"<w:tr><w:tc><w:p>{r('留')}</w:p></w:tc></w:tr>"
        f'<w:tr><w:trPr><w:del w:id="1" w:author="a"/></w:trPr><w:tc><w:p>{r("删")}</w:p></w:tc></w:tr>'
    )

    assert read(f"<w:tbl>{rows}</w:tbl>") == "留"


def _package(document: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types xmlns="urn:x"/>')
        zf.writestr("_rels/.rels", '<Relationships xmlns="urn:x"/>')
        zf.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W}"><w:body>{document}</w:body></w:document>',
        )
    return out.getvalue()


def test_the_rendered_form_check_reads_what_word_shows() -> None:
    deleted = '<w:p><w:del w:id="1" w:author="a"><w:r><w:delText>杭州甲公司</w:delText></w:r></w:del></w:p>'
    coded = f"<w:p>{fld('begin')}{code('杭州甲公司')}{fld('separate')}{r('别的')}{fld('end')}</w:p>"
    inserted = f'<w:p><w:ins w:id="1" w:author="a">{r("杭州甲公司")}</w:ins></w:p>'

    for hidden in (deleted, coded):
        with pytest.raises(InternalError, match="杭州甲公司"):
            check_package(_package(hidden), "表", expect=["杭州甲公司"])
    check_package(_package(inserted), "表", expect=["杭州甲公司"])
