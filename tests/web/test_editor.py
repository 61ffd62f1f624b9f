"""The editor's server side: pages from the registry, Django forms, saving, conflicts, submit."""

from __future__ import annotations

import copy
import hashlib
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest

from webhelpers import save_page

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "示例"


def _save(client: Any, app: Any, section: str, value: Any, base: int | None = None) -> Any:
    return save_page(client, app, section, value, base)


def _fill(client: Any, app: Any, data: dict[str, Any]) -> None:
    for key, value in data.items():
        response = _save(client, app, key, value)
        assert response.status_code == 200, response.content


def test_editor_pages_are_the_registrys_sections_in_form_order(portal: Any) -> None:
    from jidi_docs.schema import registry
    from jidi_docs.web._pages import pages

    reg = registry()
    keys = [p.key for p in pages()]

    assert keys == [c.label for c in reg.root.columns if not c.office_only and c.type != "认定批次"]
    headings = [p.heading for p in pages()]
    assert headings[:3] == ["一、基本情况", "二、管理运营团队", "三、专兼职讲师"]
    assert headings[8] == "九、申报单位审核意见"
    for page in pages():
        if page.kind in ("mapping", "list"):
            section = reg.section(page.key)
            assert page.heading == (section.heading or page.key)
            assert [i.key for i in page.inputs] == section.labels
            assert [i.required for i in page.inputs] == [c.required for c in section.columns]


def test_choices_come_from_the_registry_and_the_applications_profile(portal: Any) -> None:
    from jidi_docs import get_profile
    from jidi_docs.schema import registry
    from jidi_docs.web._pages import page_of

    profile = get_profile(registry().default_batch)
    basic = {i.key: i for i in page_of("基本情况").inputs}
    lecturer = {i.key: i for i in page_of("讲师").inputs}
    evidence = {i.key: i for i in page_of("佐证材料").inputs}
    scores = page_of("自评分").inputs

    assert basic["所属区县"].choices == tuple(profile.districts)
    assert lecturer["学历"].choices == registry().education_levels
    assert lecturer["专兼职"].choices == registry().section("讲师").column("专兼职").choices
    assert evidence["指标"].choices == tuple(profile.evidence_groups)
    assert [i.key for i in scores] == [i.name for i in profile.indicators]
    assert basic["培训场地"].rows is not None
    assert [i.key for i in basic["培训场地"].rows] == registry().section("培训场地").labels


class _Inputs(HTMLParser):
    """The labels, ids and inputs of a page (outside the new-row template)."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.ids: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.in_template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.in_template += tag == "template"
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("data-path") and not self.in_template:
            self.fields.append(a)

    def handle_endtag(self, tag: str) -> None:
        self.in_template -= tag == "template"


def test_every_page_labels_each_input_and_ties_its_hint_and_message_to_it(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web._pages import pages

    evidence = [{"名称": "营业执照", "指标": "基本情况", "文件": []}]
    user, app = make_base(draft={**example, "佐证材料": evidence})
    client = client_for(user)
    for index, page in enumerate(pages()):
        parser = _Inputs()
        parser.feed(client.get(f"/app/{app.pk}/edit/{index}/").content.decode())
        assert parser.fields, page.key
        for field in parser.fields:
            assert field["id"] in parser.labels, (page.key, field)
            described = str(field["aria-describedby"]).split()
            assert f"{field['id']}_error" in described
            assert all(d in parser.ids for d in described), (page.key, field)
        paths = {f["data-path"] for f in parser.fields}
        for inp in page.inputs:
            path = {"list": f"{page.key}.0.{inp.key}", "text": inp.key}.get(
                page.kind, f"{page.key}.{inp.key}"
            )
            if inp.rows is not None:
                path = f"{path}.0.{inp.rows[0].key}"
            assert path in paths, (page.key, path)


def test_the_example_typed_as_text_validates_and_gets_a_preliminary_review(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base()
    client = client_for(user)

    _fill(client, app, example)
    response = _save(client, app, "自评分", example["自评分"])

    body = response.json()
    assert body["issues"] == []
    titles = [c["title"] for c in body["report"]]
    assert titles
    assert all(c["status"] in ("符合", "不符合", "需注意") for c in body["report"])


def test_a_wrong_value_comes_back_with_the_loaders_chinese_message_at_its_input(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)
    client = client_for(user)
    lecturers = example["讲师"]
    lecturers[1]["学历"] = "大学"

    body = _save(client, app, "讲师", lecturers).json()

    assert body["report"] is None
    (issue,) = body["issues"]
    assert issue["path"] == "讲师.1.学历"
    assert issue["field"] == "讲师 → 第 2 项 → 学历"
    assert "“大学”不在可选范围内" in issue["message"]
    page = client.get(f"/app/{app.pk}/edit/2/").content.decode()
    assert re.search(
        r'data-err="讲师.1.学历"><span class="err-label">错误：</span>“大学”不在可选范围内', page
    )
    # the Django way: the input says it is invalid and keeps the wrong value, marked as such
    select = re.search(r'<select name="讲师-1-学历"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in select
    assert '<option value="大学" selected>大学（不在可选范围内）</option>' in page


def test_the_later_of_two_saves_of_one_page_is_refused_showing_both_values(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)
    first, second = client_for(user), client_for(user)
    seen = app.section_version("讲师")
    mine, theirs = copy.deepcopy(example["讲师"]), copy.deepcopy(example["讲师"])
    mine[1]["学历"], theirs[1]["学历"] = "博士", "本科"

    ok = _save(first, app, "讲师", theirs, seen)
    late = _save(second, app, "讲师", mine, seen)

    assert ok.status_code == 200
    assert late.status_code == 409
    body = late.json()
    assert "已在别处" in body["conflict"]
    assert body["changes"] == [{"field": "讲师 → 第 2 项 → 学历", "mine": "博士", "theirs": "本科"}]
    app.refresh_from_db()
    assert app.draft["讲师"][1]["学历"] == "本科"  # nothing overwritten unseen
    # "keep mine": the page posts again on the version it was shown
    kept = _save(second, app, "讲师", mine, body["base"])
    assert kept.status_code == 200
    app.refresh_from_db()
    assert app.draft["讲师"][1]["学历"] == "博士"


def test_a_stale_page_sending_what_is_stored_already_is_no_conflict(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    """A save that reached the server though its answer did not (closing the tab, offline) is
    sent again from the browser's copy with the old version: nothing to choose between."""
    user, app = make_base(draft=example)
    client = client_for(user)
    seen = app.section_version("申报单位审核意见")
    assert _save(client, app, "申报单位审核意见", "同一段意见", seen).status_code == 200

    again = _save(client, app, "申报单位审核意见", "同一段意见", seen)

    assert again.status_code == 200
    assert again.json()["base"] == seen + 1


def test_two_windows_saving_different_pages_never_conflict(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)
    first, second = client_for(user), client_for(user)
    opinion, lecturers = app.section_version("申报单位审核意见"), app.section_version("讲师")
    changed = copy.deepcopy(example["讲师"])
    changed[0]["备注"] = "第二个窗口"

    for n in range(3):  # each window goes on saving its own page
        a = _save(first, app, "申报单位审核意见", f"第一个窗口 {n}", opinion)
        b = _save(second, app, "讲师", changed, lecturers)
        assert (a.status_code, b.status_code) == (200, 200)
        opinion, lecturers = a.json()["base"], b.json()["base"]

    app.refresh_from_db()
    assert app.draft["申报单位审核意见"] == "第一个窗口 2"
    assert app.draft["讲师"][0]["备注"] == "第二个窗口"


def test_submit_freezes_a_version_and_the_draft_is_locked_until_withdrawn(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import AuditEntry

    user, app = make_base(draft=example)
    client = client_for(user)

    client.post(f"/app/{app.pk}/submit/", {"revision": app.revision})
    refused = _save(client, app, "申报单位审核意见", "提交后改的")
    app.refresh_from_db()
    client.post(f"/app/{app.pk}/move/", {"action": "withdraw", "revision": app.revision})
    saved = _save(client, app, "申报单位审核意见", "撤回后改的")

    assert refused.status_code == 409
    assert refused.json()["locked"] is True
    assert "审核期间不能修改" in refused.json()["error"]
    assert saved.status_code == 200
    (version,) = app.versions.all()
    assert version.data["申报单位审核意见"] == example["申报单位审核意见"]
    app.refresh_from_db()
    assert app.state == "draft"
    assert app.draft["申报单位审核意见"] == "撤回后改的"
    assert AuditEntry.objects.filter(application=app, action="提交").count() == 1
    assert AuditEntry.objects.filter(application=app, action="撤回").count() == 1


def test_an_invalid_draft_cannot_be_submitted(make_base: Any, client_for: Any) -> None:
    user, app = make_base(draft={"基本情况": {"单位名称": "缺很多栏"}})

    response = client_for(user).post(
        f"/app/{app.pk}/submit/", {"revision": app.revision}, follow=True
    )

    assert app.versions.count() == 0
    assert "处填写错误，改正后才能提交" in response.content.decode()


def test_export_is_the_command_line_folder_and_import_reads_it_back(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs import loads

    user, app = make_base(draft=example)
    client = client_for(user)

    exported = client.get(f"/app/{app.pk}/export/").content
    text = zipfile.ZipFile(io.BytesIO(exported)).read("申报.yaml").decode("utf-8")
    _other_user, other = make_base()
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "申报.yaml"
    client_for(_other_user).post(f"/app/{other.pk}/import/", {"file": upload})

    assert loads(text).basic.name == example["基本情况"]["单位名称"]
    other.refresh_from_db()
    assert other.draft["讲师"] == example["讲师"]


def test_a_filled_form2_is_imported_through_extract(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)
    client = client_for(user)
    form2 = client.get(f"/app/{app.pk}/docx/附件2/").content
    _user2, other = make_base()

    upload = io.BytesIO(form2)
    upload.name = "申报表.docx"
    client_for(_user2).post(f"/app/{other.pk}/import/", {"file": upload})

    other.refresh_from_db()
    assert other.draft["基本情况"]["单位名称"] == example["基本情况"]["单位名称"]
    assert [t["姓名"] for t in other.draft["讲师"]] == [t["姓名"] for t in example["讲师"]]


def test_form2_download_is_filled_from_the_draft(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)

    response = client_for(user).get(f"/app/{app.pk}/docx/附件2/")

    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert example["基本情况"]["单位名称"] in text
    assert "钱七" in text


@pytest.mark.parametrize("form", ["附件1", "附件2"])
def test_forms_of_an_invalid_draft_are_refused_with_a_message(
    make_base: Any, client_for: Any, form: str
) -> None:
    user, app = make_base(draft={})

    response = client_for(user).get(f"/app/{app.pk}/docx/{form}/", follow=True)

    assert "改正后才能生成表格" in response.content.decode()


def test_the_office_opinion_is_rendered_into_form2s_box_ten(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import Version

    user, app = make_base(draft=example)
    version = Version.objects.create(application=app, number=1, data=example, submitted_by=user)
    office = client_for(make_reviewer("全市"))

    office.post(
        f"/version/{version.pk}/",
        {"office_opinion": "同意认定。\n请补充场地照片。", "opinion_version": "1"},
    )
    response = office.get(f"/version/{version.pk}/docx/附件2/")

    document = docx.Document(io.BytesIO(response.content))
    texts = [c.text for t in document.tables for row in t.rows for c in row.cells]
    box = next(i for i, t in enumerate(texts) if "同意认定。" in t)
    assert "请补充场地照片。" in texts[box]
    assert any("市综试办" in t for t in texts[box : box + 3])
    version.refresh_from_db()
    assert version.data.get("综试办审核意见") is None  # the base's submitted data stays as sent


def test_the_base_editor_has_no_page_for_box_ten(portal: Any) -> None:
    from jidi_docs import json_schema
    from jidi_docs.web._pages import pages

    assert "综试办审核意见" in json_schema()["properties"]
    assert "综试办审核意见" not in [p.key for p in pages()]


def test_an_exported_folder_with_its_evidence_imports_into_another_application(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)
    client = client_for(user)
    pdf = (EXAMPLE_DIR / "佐证材料" / "营业执照.pdf").read_bytes()
    upload = io.BytesIO(pdf)
    upload.name = "营业执照.pdf"
    stored = client.post(f"/app/{app.pk}/upload/", {"file": upload}).json()["files"][0]
    entry = {"名称": "营业执照", "指标": "基本情况", "文件": [stored["path"], "../../secret.pdf"]}
    _save(client, app, "佐证材料", [entry])
    exported = io.BytesIO(client.get(f"/app/{app.pk}/export/").content)
    exported.name = "申报.zip"
    other_user, other = make_base()

    client_for(other_user).post(f"/app/{other.pk}/import/", {"file": exported})

    other.refresh_from_db()
    (imported,) = other.draft["佐证材料"]
    (path,) = imported["文件"]
    assert path != stored["path"]
    (kept,) = other.files.all()
    assert kept.original_name == stored["path"].split("/")[1]
    assert kept.digest == hashlib.sha256(pdf).hexdigest()


def test_a_folder_with_a_spreadsheet_table_imports_its_rows(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    columns = [*list(example["讲师"][0]), "备注"]
    lines = [",".join(columns)] + [
        ",".join(row.get(c, "") for c in columns) for row in example["讲师"]
    ]
    text = (EXAMPLE_DIR / "申报.yaml").read_text(encoding="utf-8")
    text = (
        text[: text.index("讲师:")] + "讲师: {文件: 讲师.csv}\n" + text[text.index("培训活动:") :]
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("我的申报/申报.yaml", text)
        zf.writestr("我的申报/讲师.csv", "\n".join(lines) + "\n")
        zf.writestr("../逃出.yaml", "x: 1")
    buffer.seek(0)
    buffer.name = "我的申报.zip"
    user, app = make_base()

    client_for(user).post(f"/app/{app.pk}/import/", {"file": buffer})

    app.refresh_from_db()
    assert [t["姓名"] for t in app.draft["讲师"]] == [t["姓名"] for t in example["讲师"]]
    assert app.draft["讲师"][0]["联系电话"] == example["讲师"][0]["联系电话"]


def test_an_unfinished_yaml_is_imported_and_its_problems_shown_in_the_editor(
    make_base: Any, client_for: Any
) -> None:
    upload = io.BytesIO(
        "基本情况:\n  单位名称: 只填了名称\n讲师:\n  - {姓名: 钱七, 学历: 大学}\n".encode()
    )
    upload.name = "申报.yaml"
    user, app = make_base()
    client = client_for(user)

    client.post(f"/app/{app.pk}/import/", {"file": upload})

    app.refresh_from_db()
    # the district is the base's own (set by its invitation), whatever the file says
    assert app.draft["基本情况"] == {"单位名称": "只填了名称", "所属区县": app.base.district}
    page = client.get(f"/app/{app.pk}/edit/2/").content.decode()
    assert "“大学”不在可选范围内" in page


def test_without_the_script_the_pages_own_button_saves_and_shows_the_page_again(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from webhelpers import form_body

    user, app = make_base(draft=example)
    client = client_for(user)

    response = client.post(
        f"/app/{app.pk}/save/",
        form_body("申报单位审核意见", "没有脚本时保存的意见", 0),
        content_type="application/x-www-form-urlencoded",
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/app/{app.pk}/edit/8/"
    page = response.content.decode()
    assert "已保存" in page
    assert "没有脚本时保存的意见" in page
    app.refresh_from_db()
    assert app.draft["申报单位审核意见"] == "没有脚本时保存的意见"


def test_the_bases_district_is_shown_as_the_office_set_it_and_cannot_be_changed(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(district="建德市", draft=example)
    client = client_for(user)

    page = client.get(f"/app/{app.pk}/edit/0/").content.decode()
    save_page(client, app, "基本情况", {**example["基本情况"], "所属区县": "西湖区"})

    field = re.search(r'<input[^>]*name="基本情况-所属区县"[^>]*>', page).group(0)
    assert "disabled" in field
    assert 'value="建德市"' in field
    assert "由综试办按邀请设定" in page
    app.refresh_from_db()
    assert app.draft["基本情况"]["所属区县"] == "建德市"
