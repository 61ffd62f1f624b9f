"""The reviewer's page of a version (jidi_docs.web._sheet, _diff, _thumbs): the application as
the 申报表 reads, evidence opened by its own name, thumbnails, the print view, the changes."""

from __future__ import annotations

import html
import io
import itertools
import re
from typing import Any

import pytest
from PIL import Image
from reviewhelpers import EXAMPLE
from reviewhelpers import evidence as _evidence
from reviewhelpers import move as _move
from reviewhelpers import reasons as _reasons
from reviewhelpers import save as _save
from reviewhelpers import submit as _submit

_units = itertools.count(1)


@pytest.fixture
def reviewed(make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]) -> Any:
    """The example (renamed, so each test finds its own in the office's lists) submitted."""
    unit = f"杭州审核示例{next(_units)}号培训学校有限公司"
    example["基本情况"]["单位名称"] = unit
    user, app = make_base(draft=example)
    base = client_for(user)
    entries = _evidence(base, app)
    _submit(base, app)
    app.refresh_from_db()
    office = client_for(make_reviewer("全市"))
    return {
        "app": app,
        "base": base,
        "office": office,
        "entries": entries,
        "version": app.latest_version(),
        "unit": unit,
    }


def _text(page: str) -> str:
    """The page as a reader sees it: tags gone, entities decoded."""
    body = re.split(r"<main[^>]*>", page, maxsplit=1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_version_reads_as_the_form_with_no_yaml_anywhere(
    reviewed: Any, example: dict[str, Any]
) -> None:
    page = reviewed["office"].get(f"/version/{reviewed['version'].pk}/").content.decode()
    text = _text(page)

    assert "<pre" not in page
    for key in example:  # no YAML mapping keys, no list items, no quoted dates
        assert f"{key}:" not in text, key
    assert not re.search(r"^\s*- \S+:", text, re.MULTILINE)
    assert "'2015-06-18'" not in text
    for heading in ("一、基本情况", "三、专兼职讲师", "八、企业资质", "九、申报单位审核意见"):
        assert f">{heading}" in page
    assert re.search(r"<dt>注册时间</dt><dd>2015 年 6 月 18 日", page)  # a date as a date
    assert "<td>2020.07.06—2020.07.10</td>" in page  # a period as the forms print it
    assert re.search(r'<tr data-target="讲师\.1"><td class="num">2</td><td>孙八</td>', page)
    assert re.search(r"<li>亚马逊</li><li>速卖通</li>", page)  # 涉及平台, a list as a list
    # the 评价表 with 分值 and 自评分, the 预审 next to the data it speaks of
    assert re.search(r"<td>教师管理系统</td><td class=\"num\">15</td><td class=\"num\">\d+", page)
    lecturers = page.split('id="block-讲师"')[1].split("</section>")[0]
    assert "专职讲师不少于 3 名" in lecturers
    assert "专职讲师不少于 3 名" not in page.split('id="block-讲师"')[0].split("<aside")[0]


def test_every_evidence_file_opens_inline_by_its_own_name(reviewed: Any) -> None:
    office, version = reviewed["office"], reviewed["version"]
    page = office.get(f"/version/{version.pk}/").content.decode()
    links = {
        html.unescape(name): html.unescape(url)
        for url, name in re.findall(
            r'<a class="evidence-file" href="([^"]+)"[^>]*>([^<]+)</a>', page
        )
    }
    expected = {p.name for p in (EXAMPLE / "佐证材料").iterdir()}

    assert set(links) == expected
    for name, url in links.items():
        response = office.get(url)
        body = b"".join(response.streaming_content)
        kind = "application/pdf" if name.endswith(".pdf") else "image/jpeg"
        assert response.status_code == 200, url
        assert response["Content-Type"] == kind
        assert response["Content-Disposition"].startswith("inline")
        assert body == (EXAMPLE / "佐证材料" / name).read_bytes()
        assert url.endswith("/" + _quoted(name))


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def test_thumbnails_are_small_images_of_each_file_and_cached(reviewed: Any, portal: Any) -> None:
    office, version = reviewed["office"], reviewed["version"]
    page = office.get(f"/version/{version.pk}/").content.decode()
    thumbs = re.findall(r'<img src="(/version/\d+/thumb/[^"]+\.png)" alt="([^"]+)"', page)

    images = []
    for url, _name in thumbs:
        response = office.get(url)
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
            images.append(image.convert("L"))
        assert response["Content-Type"] == "image/png"
    cached = sorted(p.name for p in (portal / "thumbs").iterdir())

    assert len(thumbs) == len(list((EXAMPLE / "佐证材料").iterdir()))
    assert all(i.width <= 160 and i.height <= 226 for i in images)
    assert all(len(i.getcolors(256) or []) > 8 for i in images)  # drawn, not blank cards
    assert len(cached) >= len(thumbs)


def test_a_damaged_file_gets_a_plain_card_not_an_error(reviewed: Any) -> None:
    from jidi_docs.web._store import app_dir
    from jidi_docs.web._thumbs import BOX, thumbnail

    app = reviewed["app"]
    stored = app.files.first()
    stored.digest = "damaged-" + stored.digest
    path = app_dir(app) / stored.data_path
    kept = path.read_bytes()
    path.write_bytes(b"%PDF-1.4\nnot really")
    try:
        with Image.open(thumbnail(stored)) as drawn:
            image = drawn.convert("RGB")
    finally:
        path.write_bytes(kept)

    assert image.size == BOX
    assert image.getcolors() == [(BOX[0] * BOX[1], (225, 225, 225))]


def test_the_print_view_is_the_same_sheet_without_controls(reviewed: Any) -> None:
    office, version = reviewed["office"], reviewed["version"]

    page = office.get(f"/version/{version.pk}/print/").content.decode()

    assert 'class="print-view"' in page
    assert "一、基本情况" in page
    assert "十、综试办审核意见" in page
    assert "<form" not in page
    assert '<script src="/static/portal/review.js"' in page


def test_a_resubmission_shows_what_changed_section_by_section(reviewed: Any) -> None:
    from jidi_docs.web._diff import diff
    from jidi_docs.web.models import Version

    app, base, office = reviewed["app"], reviewed["base"], reviewed["office"]
    _move(office, app, "accept")
    _move(office, app, "return", **_reasons(("佐证材料@办公条件", "租赁合同缺页")))
    app.refresh_from_db()
    draft = app.draft
    basic = {**draft["基本情况"], "电话": "0571-86001234"}
    lecturers = [*draft["讲师"], {"姓名": "郑十一", "专兼职": "兼职", "学历": "本科"}]
    f = io.BytesIO((EXAMPLE / "佐证材料" / "营业执照.pdf").read_bytes())
    f.name = "租赁合同（补全）.pdf"
    new = base.post(f"/app/{app.pk}/upload/", {"file": f}).json()["files"][0]["path"]
    entries = [{**e, "文件": [new]} if e["指标"] == "办公条件" else e for e in draft["佐证材料"]]
    for section, value in (("基本情况", basic), ("讲师", lecturers), ("佐证材料", entries)):
        assert _save(base, app, section, value).status_code == 200
    reason = app.reasons.get()
    sent = _submit(base, app, **{f"done_{reason.pk}": "on"})
    assert "已提交第 2 版" in base.get(sent.url).content.decode()
    first, second = Version.objects.filter(application=app).order_by("number")
    files = {s.data_path: s for s in app.files.all()}

    changes = {s.key: s.changes for s in diff(first.data, second.data, files)}

    assert [(c.kind, c.where, c.old, c.new) for c in changes["基本情况"]] == [
        ("changed", "一、基本情况 · 电话", "0571-87654321", "0571-86001234")
    ]
    assert [(c.kind, c.where) for c in changes["讲师"]] == [
        ("added", "三、专兼职讲师 第 5 行（郑十一）")
    ]
    assert {(c.kind, c.old or c.new) for c in changes["佐证材料"]} == {
        ("removed", "租赁合同.pdf"),
        ("added", "租赁合同（补全）.pdf"),
    }
    assert all(not changes[k] for k in ("培训活动", "企业资质", "申报单位审核意见", "自评分"))
    page = office.get(f"/version/{second.pk}/").content.decode()
    assert "与第 1 版（被退回的版本）相比" in page
    assert "没有修改的栏目：" in page


def test_a_row_inserted_at_the_top_is_one_addition_not_every_row_changed() -> None:
    from jidi_docs.web._diff import diff

    rows = [{"姓名": n, "专兼职": "专职", "学历": "本科"} for n in ("甲", "乙", "丙")]
    old = {"讲师": rows}
    new = {"讲师": [{"姓名": "丁", "专兼职": "兼职", "学历": "硕士"}, *rows]}

    (lecturers,) = [s for s in diff(old, new, {}) if s.key == "讲师"]

    assert [(c.kind, c.where) for c in lecturers.changes] == [
        ("added", "三、专兼职讲师 第 1 行（丁）")
    ]


def test_downloads_are_named_by_unit(reviewed: Any) -> None:
    office, version, base, app = (
        reviewed["office"],
        reviewed["version"],
        reviewed["base"],
        reviewed["app"],
    )

    office_docx = office.get(f"/version/{version.pk}/docx/附件2/")["Content-Disposition"]
    export = base.get(f"/app/{app.pk}/export/")["Content-Disposition"]

    unit = reviewed["unit"]
    assert _quoted(f"西湖区-{unit}-第1版-附件2.docx") in office_docx
    assert _quoted(f"西湖区-{unit}-草稿.zip") in export
    assert "申报-" not in office_docx


def test_the_summary_has_the_librarys_columns_and_state_ten_and_contact(reviewed: Any) -> None:
    import openpyxl

    office, version = reviewed["office"], reviewed["version"]
    office.post(f"/version/{version.pk}/", {"office_opinion": "同意推荐。", "opinion_version": 1})

    response = office.get("/summary.xlsx", {"district": "西湖区", "state": "submitted"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    # The first sheet is for paper: who, how the 预审 went, whom to call.
    paper = list(book.worksheets[0].iter_rows(values_only=True))
    (row,) = [r for r in paper[1:] if r[2] == reviewed["unit"]]
    assert paper[0][:5] == ("序号", "区县", "单位名称", "联系人", "电话")
    assert row[3] == "李四"
    assert row[6].split()[0] in ("符合", "需注意", "不符合")
    # The details sheet: the library's figures and conditions, then the portal's own columns.
    rows = list(book["预审明细"].iter_rows(values_only=True))
    headers = list(rows[0])
    (mine,) = [r for r in rows[1:] if r[headers.index("单位名称")] == reviewed["unit"]]
    assert headers[:2] == ["序号", "单位名称"]
    assert headers[-5:] == ["状态", "版本", "提交时间", "十、综试办审核意见", "文件"]
    assert mine[headers.index("文件")] == f"西湖区-{reviewed['unit']}-申报材料.pdf"
    assert mine[headers.index("状态")] == "已提交（待审核）"
    assert mine[headers.index("十、综试办审核意见")] == "同意推荐。"
    assert mine[headers.index("预审结果")].split()[0] in ("符合", "需注意", "不符合")
    assert "filename*=UTF-8''" + _quoted("汇总表-西湖区-") in response["Content-Disposition"]
