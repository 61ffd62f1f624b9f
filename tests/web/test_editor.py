"""The editor's server side: sections from the schema, saving, conflicts, messages, submit."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import docx

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "示例"

import pytest


def _save(client: Any, app: Any, section: str, value: Any, version: int) -> Any:
    return client.post(
        f"/app/{app.pk}/save/",
        json.dumps({"section": section, "version": version, "value": value}),
        content_type="application/json",
    )


def _fill(client: Any, app: Any, data: dict[str, Any]) -> int:
    version = app.draft_version
    for key, value in data.items():
        response = _save(client, app, key, value, version)
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    return version


def test_editor_pages_are_the_schema_sections_in_form_order(portal: Any) -> None:
    from jidi_docs import json_schema
    from jidi_docs.web._library import sections

    keys = [s.key for s in sections()]

    assert keys == [
        k for k in json_schema()["properties"] if k not in ("认定批次", "综试办审核意见")
    ]
    assert [s.heading for s in sections()][:3] == [
        "一、基本情况",
        "二、管理运营团队",
        "三、专兼职讲师",
    ]
    assert sections()[8].heading == "九、申报单位审核意见"


def test_every_section_page_shows_an_input_for_each_schema_field(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web._library import sections

    user, app = make_base(draft=example)
    client = client_for(user)

    for index, section in enumerate(sections()):
        page = client.get(f"/app/{app.pk}/edit/{index}/").content.decode()
        for column in section.spec.columns:
            assert f"{section.key}." in page
            assert column.key in page, (section.key, column.key)


def test_the_example_typed_as_text_validates_and_gets_a_preliminary_review(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base()
    client = client_for(user)

    version = _fill(client, app, example)
    response = _save(client, app, "自评分", example["自评分"], version)

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

    body = _save(client, app, "讲师", lecturers, app.draft_version).json()

    assert body["report"] is None
    (issue,) = body["issues"]
    assert issue["path"] == "讲师.1.学历"
    assert issue["field"] == "讲师 → 第 2 项 → 学历"
    assert "“大学”不在可选范围内" in issue["message"]
    page = client.get(f"/app/{app.pk}/edit/2/").content.decode()
    assert 'data-err="讲师.1.学历">“大学”不在可选范围内' in page


def test_the_later_of_two_conflicting_saves_is_refused_and_nothing_is_overwritten(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)
    first, second = client_for(user), client_for(user)
    seen = app.draft_version

    ok = _save(first, app, "申报单位审核意见", "第一个窗口", seen)
    late = _save(second, app, "申报单位审核意见", "第二个窗口", seen)

    assert ok.status_code == 200
    assert late.status_code == 409
    assert "已在别处被修改" in late.json()["conflict"]
    app.refresh_from_db()
    assert app.draft["申报单位审核意见"] == "第一个窗口"


def test_submit_freezes_a_version_and_the_draft_is_locked_until_withdrawn(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import AuditEntry

    user, app = make_base(draft=example)
    client = client_for(user)

    client.post(f"/app/{app.pk}/submit/", {"revision": app.revision})
    refused = _save(client, app, "申报单位审核意见", "提交后改的", app.draft_version)
    app.refresh_from_db()
    client.post(f"/app/{app.pk}/move/", {"action": "withdraw", "revision": app.revision})
    saved = _save(client, app, "申报单位审核意见", "撤回后改的", app.draft_version)

    assert refused.status_code == 409
    assert "审核期间不能修改" in refused.json()["conflict"]
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
    from jidi_docs.web._library import sections

    assert "综试办审核意见" in json_schema()["properties"]
    assert "综试办审核意见" not in [s.key for s in sections()]


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
    client.post(
        f"/app/{app.pk}/save/",
        json.dumps({"section": "佐证材料", "version": app.draft_version, "value": [entry]}),
        content_type="application/json",
    )
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
