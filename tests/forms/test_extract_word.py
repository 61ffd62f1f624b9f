"""`extract` reads what Word shows, on documents edited the way Word, WPS and people edit them.

Each test makes one construct of WordprocessingML (`wordedits`: tracked changes, content controls,
smart tags, custom XML, hyperlinks, fields, text boxes, nested tables, hidden text, symbols,
breaks) at every place it fits, in two documents: the example's 附件2 rendered by jidi_docs, and
a 申报表 typed by hand from the official text with python-docx (`handtyped`, not our template).
Every field of the example is then compared with what Word shows there and counted as right,
wrong but reported (a note or the summary), or wrong without a report; the last count must be 0.
Every edited file is checked with openxml-audit (ISO/IEC 29500 plus Word's own rules).
"""

from __future__ import annotations

import copy
import io
import random
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from handtyped import flatten, tally, typed_form, unreported, write_separate
from lxml import etree
from PIL import Image
from wordedits import (
    EDITS,
    Package,
    apply_everywhere,
    apply_mix,
    delete_row,
    equation,
    hide_row,
    insert_row,
    replace_value,
)

import jidi_docs
from docxcheck import audit_findings
from jidi_docs import extract
from jidi_docs.forms._extract import summary_lines, to_yaml
from jidi_docs.forms._render import render
from jidi_docs.input._yaml import parse_yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
DATA = parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data
LAYOUTS = ("rendered", "handtyped")
#: How many fields of the example the 申报表 holds (自评分, 佐证材料 and 认定批次 are elsewhere).
FIELDS = len(
    flatten({k: v for k, v in DATA.items() if k not in ("认定批次", "自评分", "佐证材料")})
)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The rendered form, and the hand-typed one without the ``stylesWithEffects.xml`` part that
    python-docx's own template carries (openxml-audit finds it out of step with styles.xml)."""
    folder = tmp_path_factory.mktemp("sources")
    typed = write_separate(typed_form(DATA), folder / "python-docx.docx")
    return {
        "rendered": render(jidi_docs.load(EXAMPLE), folder)[1],
        "handtyped": Package(typed).save(folder / "手填.docx"),
    }


def schema_findings(path: Path) -> list[str]:
    """openxml-audit's findings, less one gap of its schema data: it has no ``w:smartTag``
    (CT_SmartTagRun, ISO/IEC 29500-1 §17.5.1.9, allowed in a paragraph), which the Open XML SDK
    it is built from dropped; so every smart tag is "unexpected" to it, and nothing else may be."""
    return [f for f in audit_findings(path) if "Unexpected element 'smartTag'" not in f]


def test_the_two_sources_read_back_completely(sources: dict[str, Path]) -> None:
    assert FIELDS == 114
    for path in sources.values():
        extracted = extract(path)

        counts = tally(DATA, extracted)
        assert (counts.right, counts.reported, counts.silent) == (FIELDS, 0, [])
        assert extracted.notes == []
        assert extracted.changes == {}
        assert schema_findings(path) == []


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_construct_reads_as_word_shows_it(
    name: str, layout: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    pkg = Package(sources[layout])
    places = apply_everywhere(pkg, name)
    path = pkg.save(tmp_path / f"{name}.docx")

    extracted = extract(path)

    counts = tally(DATA, extracted)
    assert places > 0
    assert len(counts.silent) == 0, counts.silent  # wrong without a report
    assert counts.reported == 0  # and nothing needed reporting: every field read
    assert counts.right == FIELDS
    assert extracted.notes == []
    assert "每一格都已读取" in summary_lines(extracted)
    assert schema_findings(path) == []


#: A distinctive value of each list's last row, to find that row in either layout.
LAST_ROW = {
    "培训活动": "TikTok Shop 短视频带货",
    "对接调研活动": "跨境电商产业带考察调研",
    "品牌创新活动": "“跨境电商直播实训营”校企共建模式",
    "企业荣誉": "杭州市跨境电商人才培训优秀机构",
    "企业资质": "民办学校办学许可证",
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", ["inserted", "deleted", "hidden"])
def test_rows_changed_as_tracked_changes_or_hidden_read_as_word_shows_them(
    kind: str, layout: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    """A row inserted with Track Changes on is read, a row deleted so is not, a row whose text
    is all hidden shows as an empty row (ECMA-376 Part 1, 17.13.5.19/.13; 17.4.20: ``w:hidden``
    in ``w:trPr`` hides only the end-of-row mark, so Word hides no row as such)."""
    pkg = Package(sources[layout])
    expected = copy.deepcopy(DATA)
    for key, text in LAST_ROW.items():
        tr = pkg.row_with(text)
        if kind == "inserted":
            insert_row(pkg, tr)
            expected[key].append(copy.deepcopy(expected[key][-1]))
        elif kind == "deleted":
            delete_row(pkg, tr)
            expected[key].pop()
        else:
            hide_row(pkg, tr)
    path = pkg.save(tmp_path / f"{kind}.docx")

    extracted = extract(path)

    counts = tally(expected, extracted)
    assert len(counts.silent) == 0, counts.silent
    assert counts.reported == 0
    assert extracted.notes == []
    rows = {s.key: s.rows for s in extracted.sections if s.key in LAST_ROW}
    assert rows == {k: len(expected[k]) for k in LAST_ROW}
    if kind != "hidden":
        assert sum(extracted.changes.values()) == len(LAST_ROW)
    assert schema_findings(path) == []


#: Cells that get an equation: Word shows it, extract cannot read it. (field path, cell texts)
UNREADABLE = {
    ("基本情况", "单位名称"): (
        "杭州示例跨境电商职业培训学校有限公司（统一社会信用代码：91330106723456781M）",
    ),
    ("基本情况", "总面积"): ("1260", "1260平方米"),
    ("讲师", 3, "研发平台"): ("TikTok Shop",),
    ("培训活动", 2, "授课主题"): ("Shopee & Lazada 东南亚市场入门",),
    ("企业资质", 0, "发证单位"): ("杭州市西湖区教育局",),
}


def _paragraph_of(pkg: Package, texts: tuple[str, ...]) -> Any:
    for p in pkg.cell_paragraphs():
        if "".join(t.text or "" for t in p.iter(f"{{{pkg.body.nsmap['w']}}}t")) in texts:
            return p
    raise LookupError(texts)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_equation_in_a_cell_is_reported_and_its_value_withheld(
    layout: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    pkg = Package(sources[layout])
    for texts in UNREADABLE.values():
        equation(pkg, _paragraph_of(pkg, texts))
    path = pkg.save(tmp_path / "公式.docx")

    extracted = extract(path)

    counts = tally(DATA, extracted)
    assert len(counts.silent) == 0, counts.silent
    assert counts.reported == len(UNREADABLE) + 1  # 统一社会信用代码 is in the 单位名称 cell
    assert sorted(n.path for n in extracted.notes) == sorted(UNREADABLE)
    assert "统一社会信用代码" not in extracted.data["基本情况"]
    assert all("“x+1”没有读出来" in n.reason for n in extracted.notes)
    assert "每一格都已读取" not in summary_lines(extracted)
    yaml_text = to_yaml(extracted)
    assert yaml_text.count("    ← 未能读取：") == len(UNREADABLE)
    assert "总面积" not in extracted.data["基本情况"]
    assert schema_findings(path) == []


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_picture_in_a_cell_is_pointed_out_and_the_text_beside_it_kept(
    layout: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    document = docx.Document(str(sources[layout]))
    cell = next(
        c
        for t in document.tables
        for r in t.rows
        for c in r.cells
        if c.text == "杭州市跨境电商协会"
    )
    cell.paragraphs[0].add_run().add_picture(io.BytesIO(_png()))
    path = tmp_path / "图片.docx"
    document.save(str(path))

    extracted = extract(path)

    assert [n.path for n in extracted.notes] == [("企业荣誉", 0, "签发单位")]
    assert "图片" in extracted.notes[0].reason
    assert extracted.data["企业荣誉"][0]["签发单位"] == "杭州市跨境电商协会"
    assert unreported(DATA, extracted) == []


def test_unaccepted_changes_are_counted_by_section_in_the_summary_and_the_yaml(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    pkg = Package(sources["rendered"])
    for run in pkg.text_runs():
        text = "".join(t.text or "" for t in run.iter(f"{{{pkg.body.nsmap['w']}}}t"))
        if text in ("1260", "TikTok Shop 短视频带货", "56", "13800001111"):
            replace_value(pkg, run)  # a deletion and an insertion
    insert_row(pkg, pkg.row_with("跨境电商产业带考察调研"))
    path = pkg.save(tmp_path / "修订.docx")

    extracted = extract(path)

    assert extracted.changes == {
        "一、基本情况": 2,
        "三、专兼职讲师": 2,
        "四、已开展的跨境电商培训活动": 4,
        "五、已开展的企业人才对接和考察调研活动": 1,
    }
    line = (
        "文档里有 9 处修订尚未接受（一、基本情况 2 处、三、专兼职讲师 2 处、"
        "四、已开展的跨境电商培训活动 4 处、五、已开展的企业人才对接和考察调研活动 1 处）："
        "已按接受全部修订后的样子读取（删除的文字不读，插入的文字照读），请核对"
    )
    assert line in summary_lines(extracted)
    assert f"#   {line}" in to_yaml(extracted)
    assert extracted.data["基本情况"]["总面积"] == "1260"
    assert len(extracted.data["对接调研活动"]) == 3


# ---------------------------------------------------------------------------------------------
# The guard: a construct the reader does not know is reported, never dropped
# ---------------------------------------------------------------------------------------------


def test_a_construct_the_reader_skips_is_reported_cell_by_cell(
    sources: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the reader made blind to smart tags (as it was to every such wrapper before), each
    cell holding one is reported and its value withheld; no value comes back wrong silently."""
    from jidi_docs.forms import _wordtext

    pkg = Package(sources["handtyped"])
    tagged = 0
    for text in LAST_ROW.values():
        for run in pkg.row_with(text).iter(f"{{{pkg.body.nsmap['w']}}}r"):
            EDITS["smart_tag"].make(pkg, run)
            tagged += 1
    path = pkg.save(tmp_path / "智能标记.docx")
    blind = _wordtext.INLINE_WRAPPERS - {_wordtext.w("smartTag")}
    monkeypatch.setattr(_wordtext, "INLINE_WRAPPERS", blind)

    extracted = extract(path)

    counts = tally(DATA, extracted)
    assert counts.silent == []
    rows = [(k, len(DATA[k]) - 1) for k in LAST_ROW]
    fields = {(*row, f) for row in rows for f in DATA[row[0]][-1]}
    assert counts.reported == len(fields)
    assert {n.path for n in extracted.notes} == fields
    assert all("没有读出来" in n.reason for n in extracted.notes)
    assert "每一格都已读取" not in summary_lines(extracted)
    assert tagged >= len(fields)


def test_cells_the_walk_never_reaches_are_reported_with_their_row(
    sources: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the walk made blind to cell-level content controls (the later cells of each row then
    move one column left, as they did), every such row is reported and not read."""
    from jidi_docs.forms._extract import _stream

    pkg = Package(sources["rendered"])
    for text in LAST_ROW.values():
        tc = pkg.row_with(text).findall(f"{{{pkg.body.nsmap['w']}}}tc")[1]
        EDITS["control_cell"].make(pkg, tc)
    path = pkg.save(tmp_path / "格控件.docx")
    w_tc = f"{{{pkg.body.nsmap['w']}}}tc"
    monkeypatch.setattr(_stream, "cell_items", lambda tr: tr.iterchildren(w_tc))

    extracted = extract(path)

    rows = {(k, len(DATA[k]) - 1) for k in LAST_ROW}
    assert unreported(DATA, extracted) == []
    assert {n.path for n in extracted.notes if "这一行其余各格可能错位" in n.reason} == rows
    assert all(n.path[:2] in rows for n in extracted.notes)


@pytest.mark.soffice
def test_a_round_trip_through_libreoffice_reads_the_same(
    soffice: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    """Both forms, edited with a mix of every construct and a row inserted and one deleted as
    tracked changes, saved again as .docx by LibreOffice: the same data, the changes still there.

    Content controls around the paragraphs of a cell or around a cell are left out of the mix:
    LibreOffice 7.4 writes their text several times over (measured: a cell ``单位名称`` comes
    back as ``单位名称单位名称单位名称单位名称``), so such a file itself shows that text.
    """
    (tmp_path / "in").mkdir()
    expected = copy.deepcopy(DATA)
    expected["培训活动"].append(copy.deepcopy(expected["培训活动"][-1]))
    expected["企业荣誉"].pop()
    edited = []
    for layout in LAYOUTS:
        pkg = Package(sources[layout])
        insert_row(pkg, pkg.row_with(LAST_ROW["培训活动"]))
        delete_row(pkg, pkg.row_with(LAST_ROW["企业荣誉"]))
        mix = apply_mix(
            pkg, random.Random(7), 0.7, leave_out=frozenset({"control_paragraphs", "control_cell"})
        )
        assert len(mix.made) >= 20
        edited.append(pkg.save(tmp_path / "in" / f"{layout}.docx"))
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    out = tmp_path / "out"
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "docx", "--outdir", str(out), *edited],
        check=True,
        capture_output=True,
        timeout=300,
    )

    for path in edited:
        extracted = extract(out / path.name)

        counts = tally(expected, extracted)
        assert counts.silent == []
        assert counts.reported == 0
        assert extracted.notes == []
        assert extracted.changes["四、已开展的跨境电商培训活动"] >= 1
        assert extracted.changes["七、企业荣誉"] >= 1


def test_cells_inside_row_and_cell_controls_keep_their_grid_columns(tmp_path: Path) -> None:
    """A list table whose data rows leave a grid column empty before their first cell
    (``w:gridBefore``) under a header whose first cell spans two columns (``w:gridSpan``), with
    a cell merged down (``w:vMerge``), every cell and row then put in a content control: each
    value still goes to the column above it."""
    from test_extract_property import build

    plan = {
        "big": False,
        "headings": True,
        "order": list(range(7)),
        "merges": [("培训活动", 1, 2)],
        "drops": {},
        "blanks": [],
    }
    source, expected, _ = build(plan, tmp_path / "合并.docx")
    pkg = Package(source)
    w = pkg.body.nsmap["w"]
    tbl = pkg.row_with(LAST_ROW["培训活动"]).getparent()
    grid = tbl.find(f"{{{w}}}tblGrid")
    grid.insert(0, copy.deepcopy(grid[0]))
    header, *rows = tbl.iterchildren(f"{{{w}}}tr")
    tcpr = header.find(f"{{{w}}}tc/{{{w}}}tcPr")
    span = etree.SubElement(tcpr, f"{{{w}}}gridSpan")
    span.set(f"{{{w}}}val", "2")
    tcpr.insert(1, span)  # after w:tcW
    for tr in rows:
        trpr = tr.find(f"{{{w}}}trPr")
        if trpr is None:
            trpr = etree.Element(f"{{{w}}}trPr")
            tr.insert(0, trpr)
        etree.SubElement(trpr, f"{{{w}}}gridBefore").set(f"{{{w}}}val", "1")
    apply_everywhere(pkg, "control_cell")
    apply_everywhere(pkg, "control_row")
    path = pkg.save(tmp_path / "控件.docx")

    extracted = extract(path)

    assert expected["培训活动"][2]["地点"] == expected["培训活动"][1]["地点"]
    assert unreported(expected, extracted) == []
    assert extracted.notes == []
    assert schema_findings(path) == []
