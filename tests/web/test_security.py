"""The portal's security: access on every URL, CSRF, escaping, uploads, login throttling, headers."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver

from webhelpers import save_page

XSS = "<script>alert('x')</script>\"'&<img src=x onerror=alert(1)>"


def _patterns() -> list[URLPattern]:
    from django.urls import get_resolver

    def walk(items: list[Any]) -> list[URLPattern]:
        out: list[URLPattern] = []
        for item in items:
            if isinstance(item, URLResolver):
                out.extend(walk(item.url_patterns))
            else:
                out.append(item)
        return out

    return walk(get_resolver().url_patterns)


@pytest.fixture
def two_bases(
    make_base: Any,
    make_reviewer: Any,
    client_for: Any,
    make_preview: Any,
    example: dict[str, Any],
) -> Any:
    """Base A (logged in) and base B with a submitted version, an evidence file, a job, a
    preview, a notification, and a zip of bundles the city's office asked for."""
    from django.conf import settings

    from jidi_docs.web._store import app_dir
    from jidi_docs.web.models import BundleZip, Invitation, Job, Notification, StoredFile, Version

    user_a, app_a = make_base(draft=example)
    user_b, app_b = make_base(draft=example)
    office = make_reviewer("全市")
    stored = f"{uuid.uuid4().hex}.pdf"
    evidence = [{"名称": "营业执照", "指标": "基本情况", "文件": [f"佐证材料/{stored}"]}]
    version_b = Version.objects.create(
        application=app_b, number=1, data={**example, "佐证材料": evidence}, submitted_by=user_b
    )
    app_b.state = "submitted"
    app_b.save()
    file_b = StoredFile.objects.create(
        application=app_b,
        original_name="b.pdf",
        stored_name=stored,
        kind="pdf",
        size=1,
        digest=uuid.uuid4().hex,
        uploaded_by=user_b,
    )
    job_b = Job.objects.create(
        version=version_b, requested_by=user_b, state="done", result_name="x.pdf"
    )
    preview_b = make_preview(app_b, {"附件2": 1})
    note_b = Notification.objects.create(
        user=user_b, application=app_b, text="通知", url=f"/app/{app_b.pk}/", created=timezone_now()
    )
    bundle_zip = BundleZip.objects.create(
        requested_by=office, state="done", result_name="申报材料.zip"
    )
    bundle_zip.versions.set([version_b])
    invitation_b, _token = Invitation.issue(
        base_name="基地C", district=app_b.base.district, created_by=make_reviewer("全市")
    )
    stored = app_dir(app_b) / file_b.data_path  # as an upload stores it
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF-1.4\n")
    result = settings.PORTAL_JOBS_DIR / str(job_b.pk) / "x.pdf"
    result.parent.mkdir(parents=True)
    result.write_bytes(b"%PDF-1.4\n")
    zipped = settings.PORTAL_JOBS_DIR / f"zip-{bundle_zip.pk}" / "申报材料.zip"
    zipped.parent.mkdir(parents=True)
    zipped.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    return {
        "user_b": user_b,
        "office": office,
        "client": client_for(user_a),
        "app": app_b,
        "version": version_b,
        "file": file_b,
        "job": job_b,
        "preview": preview_b,
        "notification": note_b,
        "zip": bundle_zip,
        "invitation": invitation_b,
        "user_a": user_a,
        "app_a": app_a,
    }


def timezone_now() -> Any:
    from django.utils import timezone

    return timezone.now()


# What each URL argument stands for, filled with base B's objects. A URL pattern not listed
# here fails the test, so a new page cannot be added without its access being checked.
_ARGUMENTS = {
    "app/<int:pk>/": lambda o: {"pk": o["app"].pk},
    "version/<int:pk>/": lambda o: {"pk": o["version"].pk},
    "job/<int:pk>/": lambda o: {"pk": o["job"].pk},
    "notifications/<int:pk>/": lambda o: {"pk": o["notification"].pk},
    "bundles/<int:pk>/": lambda o: {"pk": o["zip"].pk},
    "account/<int:pk>/": lambda o: {"pk": o["user_b"].pk},
    "invitation/<int:pk>/": lambda o: {"pk": o["invitation"].pk},
}
_EXTRA = {"index": 0, "form": "附件2", "page": 1, "name": "b.pdf"}
_NO_OBJECT = {
    "",
    "login/",
    "logout/",
    "invite/",
    "join/<str:token>/",
    "summary.xlsx",
    "deadline/",
    "bundles/",
    "notifications/",
    "mail/",
    "password/",
    "reset/<uidb64>/<token>/",
    "accounts/",
    "ca/",
    "ca.crt",
    "csrf/",
}


def _url(pattern: URLPattern, objects: dict[str, Any]) -> str | None:
    route = str(pattern.pattern)
    if route in _NO_OBJECT or route.startswith("^static/"):
        return None
    prefix = next((p for p in _ARGUMENTS if route.startswith(p)), None)
    assert prefix is not None, f"URL {route} has no access test: add it to _ARGUMENTS"
    kwargs = {**_ARGUMENTS[prefix](objects), **_EXTRA}
    if "file_id" in route:
        kwargs["file_id"] = objects["file"].pk
    if "<int:preview>" in route:
        kwargs["preview"] = objects["preview"].pk
    names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    from django.urls import reverse

    return reverse(f"portal:{pattern.name}", kwargs={k: v for k, v in kwargs.items() if k in names})


def _payload(objects: dict[str, Any], action: str = "accept") -> dict[str, Any]:
    """What a real form would post to any URL: a move, 十, a submission (all valid)."""
    app, version = objects["app"], objects["version"]
    app.refresh_from_db()
    version.refresh_from_db()
    return {
        "action": action,
        "revision": app.revision,
        "comment": "越权",
        "office_opinion": "越权写的意见",
        "opinion_version": version.opinion_version,
        "reason-TOTAL_FORMS": "1",
        "reason-INITIAL_FORMS": "0",
        "reason-0-target": "讲师",
        "reason-0-text": "越权退回",
    }


def _status(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    response.close()  # file downloads are streamed
    return int(response.status_code)


def _every_url(intruder: Any, objects: dict[str, Any], entitled: list[Any]) -> list[str]:
    """Check every URL with an object: `intruder` gets 403/404 by every method and every move,
    one of `entitled` is served; return the URLs checked."""
    checked = []
    for pattern in _patterns():
        url = _url(pattern, objects)
        if url is None:
            continue
        actions = ["accept", "return", "approve", "reject", "again", "reopen", "withdraw"]
        statuses = {"get": _status(intruder, "get", url)}
        for action in actions if "move" in url else ["accept"]:
            statuses[f"post {action}"] = _status(intruder, "post", url, _payload(objects, action))
        # the method the view takes: the owner is served there, the intruder gets 403/404
        used = [m for m, s in statuses.items() if s != 405]
        assert used, url
        for method in used:
            assert statuses[method] in (403, 404), (method, url, statuses)
        for method in {m.split()[0] for m in used}:
            served = [_status(c, method, url, _payload(objects)) for c in entitled]
            assert any(s not in (403, 404, 405) for s in served), (method, url, served)
        checked.append(url)
    return checked


def test_a_base_gets_404_on_every_url_of_another_bases_objects(
    two_bases: Any, client_for: Any
) -> None:
    intruder = two_bases["client"]
    # those entitled: base B itself, and the office (which alone writes 十 and moves)
    entitled = [client_for(two_bases["user_b"]), client_for(two_bases["office"])]

    checked = _every_url(intruder, two_bases, entitled)

    assert len(checked) == len([p for p in _patterns() if _url(p, two_bases)]) >= 27
    assert not two_bases["app"].audit.filter(user=two_bases["user_a"]).exists()


def test_a_reviewer_out_of_scope_moves_nothing_on_any_url(
    two_bases: Any, client_for: Any, make_reviewer: Any
) -> None:
    import openpyxl

    from jidi_docs.web.models import AuditEntry, BundleZip, Move

    outsider = make_reviewer("滨江区")  # base B is in 西湖区
    app, version = two_bases["app"], two_bases["version"]
    before = (app.state, app.revision, version.office_opinion)
    # checked first, before those entitled act: nothing the outsider sent may have landed
    intruder = client_for(outsider)
    statuses = [
        _status(intruder, "post", f"/app/{app.pk}/move/", _payload(two_bases, a))
        for a in ("accept", "return", "approve", "reject", "reopen")
    ]
    app.refresh_from_db()
    version.refresh_from_db()
    assert statuses == [404] * 5
    assert (app.state, app.revision, version.office_opinion) == before
    assert not Move.objects.filter(application=app).exists()

    entitled = [client_for(two_bases["user_b"]), client_for(two_bases["office"])]
    checked = _every_url(intruder, two_bases, entitled)

    assert len(checked) >= 22
    assert not AuditEntry.objects.filter(user=outsider).exists()
    assert not Move.objects.filter(by=outsider).exists()
    summary = intruder.get("/summary.xlsx", {"district": "西湖区"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(summary.content)).active.iter_rows(values_only=True)
    )
    assert summary.status_code == 200
    assert all(row[1] == "滨江区" for row in rows[1:])  # not another district's, even asked for
    zipped = intruder.post("/bundles/", {"district": "西湖区"})
    assert zipped.status_code == 302
    assert not BundleZip.objects.filter(requested_by=outsider).exists()


def test_a_base_cannot_reach_office_pages(two_bases: Any) -> None:
    client = two_bases["client"]

    assert client.get("/summary.xlsx").status_code == 404
    assert client.post("/invite/", {"role": "reviewer", "district": "全市"}).status_code == 404
    assert client.post("/bundles/", {}).status_code == 404
    assert client.get("/mail/").status_code == 404
    assert client.post("/deadline/", {"batch": "杭州-2021", "day": "2030-01-01"}).status_code == 404


def test_a_district_reviewer_sees_only_its_district(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import Version

    user, app = make_base(district="滨江区", draft=example)
    version = Version.objects.create(application=app, number=1, data=example, submitted_by=user)
    west, city = client_for(make_reviewer("西湖区")), client_for(make_reviewer("全市"))

    assert west.get(f"/version/{version.pk}/").status_code == 404
    assert (
        west.post(
            f"/version/{version.pk}/", {"office_opinion": "x", "opinion_version": "1"}
        ).status_code
        == 404
    )
    assert city.get(f"/version/{version.pk}/").status_code == 200


def test_a_reviewer_cannot_edit_a_draft(
    make_base: Any, make_reviewer: Any, client_for: Any
) -> None:
    _user, app = make_base()
    client = client_for(make_reviewer("全市"))

    response = save_page(client, app, "申报单位审核意见", "x", 0)

    assert response.status_code == 404


def test_state_changes_without_csrf_token_are_refused(
    two_bases: Any, client_for: Any, make_reviewer: Any
) -> None:
    app = two_bases["app_a"]
    client = client_for(two_bases["user_a"], csrf=True)
    office = client_for(make_reviewer("全市"), csrf=True)
    refused = [
        save_page(client, app, "申报单位审核意见", "x"),
        client.post(f"/app/{app.pk}/submit/"),
        client.post(f"/app/{app.pk}/upload/"),
        client.post(f"/app/{app.pk}/import/"),
        client.post(f"/app/{app.pk}/preview/"),
        client.post("/logout/"),
        office.post("/invite/", {"role": "base", "base_name": "x", "district": "西湖区"}),
        office.post(f"/version/{two_bases['version'].pk}/bundle/"),
        office.post(
            f"/version/{two_bases['version'].pk}/",
            {"office_opinion": "x", "opinion_version": "1"},
        ),
        office.post(f"/account/{two_bases['user_b'].pk}/active/", {"active": "0"}),
        office.post(f"/account/{two_bases['user_b'].pk}/reset-link/"),
        office.post(f"/account/{two_bases['user_b'].pk}/district/", {"district": "滨江区"}),
        office.post(f"/invitation/{two_bases['invitation'].pk}/revoke/"),
        client.post(
            "/password/", {"old_password": "x", "new_password1": "y", "new_password2": "y"}
        ),
    ]

    assert [r.status_code for r in refused] == [403] * len(refused)
    two_bases["user_b"].refresh_from_db()
    two_bases["invitation"].refresh_from_db()
    assert two_bases["user_b"].is_active
    assert two_bases["invitation"].state == "未使用"
    assert "页面已过期或请求来源不明" in refused[1].content.decode()
    assert refused[0].json()["csrf"] is True  # the editor's script fetches a new token
    assert "页面已过期" in refused[0].json()["error"]
    app.refresh_from_db()
    assert app.versions.count() == 0
    assert app.previews.count() == 0
    assert app.draft.get("申报单位审核意见") != "x"


def _payloads(inputs: Any, markers: list[str]) -> dict[str, Any]:
    """Return a value for `inputs` whose every input holds its own XSS marker."""
    out: dict[str, Any] = {}
    for inp in inputs:
        if inp.rows is not None:
            out[inp.key] = [_payloads(inp.rows, markers)]
            continue
        markers.append(f"\"'<i>x{len(markers)}</i><script>")
        out[inp.key] = [markers[-1]] if inp.kind in ("lines", "files") else markers[-1]
    return out


def test_an_xss_payload_in_every_text_field_comes_back_escaped(
    make_base: Any, client_for: Any
) -> None:
    from django.utils.html import escape

    from jidi_docs.web._pages import pages

    user, app = make_base()
    client = client_for(user)
    per_page: dict[int, list[str]] = {}
    for index, page in enumerate(pages()):
        markers: list[str] = []
        value: Any = _payloads(page.inputs, markers)
        if page.kind == "list":
            value = [value]
        elif page.kind == "text":
            value = value[page.key]
        assert save_page(client, app, page.key, value).status_code == 200
        per_page[index] = markers

    for index, markers in per_page.items():
        page = client.get(f"/app/{app.pk}/edit/{index}/").content.decode()
        for marker in markers:
            assert marker.split("<script>")[0] not in page, (index, marker)
            assert escape(marker) in page, (index, marker)
    overview = client.get(f"/app/{app.pk}/").content.decode()
    assert "<i>x" not in overview
    assert sum(map(len, per_page.values())) >= 60  # every input of every page


def test_xss_in_the_office_pages_is_escaped(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import Version

    example["基本情况"]["单位名称"] = XSS
    user, app = make_base(draft=example)
    version = Version.objects.create(
        application=app, number=1, data=example, submitted_by=user, office_opinion=XSS
    )
    office = client_for(make_reviewer("全市"))

    pages = [
        office.get("/").content.decode(),
        office.get(f"/version/{version.pk}/").content.decode(),
    ]

    for page in pages:
        assert "<script>alert" not in page
        assert "&lt;script&gt;" in page


def _upload(client: Any, app: Any, name: str, content: bytes) -> Any:
    f = io.BytesIO(content)
    f.name = name
    return client.post(f"/app/{app.pk}/upload/", {"file": f})


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_uploads_are_typed_by_content_and_stored_under_generated_names(
    make_base: Any, client_for: Any, portal: Any
) -> None:
    user, app = make_base()
    client = client_for(user)

    ok = _upload(client, app, "../../etc/passwd.png", PNG)
    disguised = _upload(client, app, "照片.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    script = _upload(client, app, "说明.pdf", b"#!/bin/sh\nrm -rf /\n")

    (stored,) = ok.json()["files"]
    assert stored["name"] == "passwd.png"
    assert re.fullmatch(r"佐证材料/[0-9a-f]{32}\.png", stored["path"])
    assert disguised.status_code == 400
    assert "不是 PDF、JPG、PNG、TIFF、WebP 或 HEIC" in disguised.json()["refused"][0]
    assert script.status_code == 400
    files = [p.name for p in (portal / "files" / str(app.pk)).rglob("*") if p.is_file()]
    assert files == [stored["path"].split("/")[1]]
    assert not (portal.parent / "etc").exists()


def test_an_oversized_upload_is_refused(make_base: Any, client_for: Any) -> None:
    from django.conf import settings as django_settings

    user, app = make_base()
    limit = django_settings.PORTAL_MAX_UPLOAD_BYTES

    response = _upload(client_for(user), app, "大.pdf", b"%PDF-1.4\n" + b"0" * limit)

    assert response.status_code == 400
    assert "超过 20 MB" in response.json()["refused"][0]
    assert app.files.count() == 0


def test_responses_carry_the_security_headers_and_cookies_are_httponly(
    make_base: Any, portal: Any
) -> None:
    from django.test import Client

    user, _app = make_base()
    user.set_password("a-good-password-9")
    user.save()
    client = Client()

    response = client.post("/login/", {"username": user.username, "password": "a-good-password-9"})
    page = client.get("/")

    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert "<script>" not in page.content.decode().replace(
        '<script src="/static/portal/portal.js" defer></script>', ""
    )


def test_passwords_are_hashed_with_argon2(make_base: Any) -> None:
    user, _app = make_base()

    assert user.password.startswith("argon2$")


def test_cookies_are_secure_off_loopback(tmp_path: Any) -> None:
    from jidi_docs.web._settings import Options, build_settings

    lan = build_settings(Options(data_dir=tmp_path, host="0.0.0.0"))
    local = build_settings(Options(data_dir=tmp_path, host="127.0.0.1"))

    assert lan["SESSION_COOKIE_SECURE"]
    assert lan["CSRF_COOKIE_SECURE"]
    assert lan["SECURE_HSTS_SECONDS"] > 0
    assert not local["SESSION_COOKIE_SECURE"]
    assert (tmp_path / "secret_key.txt").stat().st_mode & 0o077 == 0
    assert lan["SECRET_KEY"] == local["SECRET_KEY"]


def test_an_invitation_link_works_once(make_reviewer: Any, client_for: Any) -> None:
    from django.test import Client

    office = client_for(make_reviewer("西湖区"))
    page = office.post(
        "/invite/", {"role": "base", "base_name": "新基地", "district": "西湖区"}, follow=True
    ).content.decode()
    link = re.search(r'value="http://testserver(/join/[^"]+)"', page).group(1)
    form = {"username": "新基地用户", "password": "Zq9-long-pass", "password2": "Zq9-long-pass"}

    first = Client().post(link, form)
    again = Client().post(link, {**form, "username": "第二个"})
    other_district = office.post(
        "/invite/", {"role": "base", "base_name": "x", "district": "滨江区"}, follow=True
    )

    assert first.status_code == 302
    assert again.status_code == 404
    assert "已经用过" in again.content.decode()
    assert "请选择您审核范围内的区县" in other_district.content.decode()


def test_every_download_is_typed_and_an_attachment_unless_it_is_a_page(
    two_bases: Any, client_for: Any, make_reviewer: Any
) -> None:
    """Every URL, enumerated: what is not a page (HTML) or the page's data (JSON) is sent as an
    attachment with a definite type; only the preview's and the thumbnails' PNG images (made by
    the portal) show inline, and the reviewer's evidence opens inline in the browser, sent only
    as the PDF, JPEG or PNG its content was checked to be, never sniffed."""
    owners = [client_for(two_bases["user_b"]), client_for(make_reviewer("全市"))]
    downloads = []
    for pattern in _patterns():
        url = _url(pattern, two_bases)
        if url is None or "/account/" in url or "/invitation/" in url:
            continue
        for client in owners:
            response = client.get(url)
            kind = response.get("Content-Type", "")
            disposition = response.get("Content-Disposition", "")
            response.close()
            if response.status_code != 200 or kind.startswith(("text/html", "application/json")):
                continue
            downloads.append(url)
            assert kind, url
            assert not kind.startswith("text/"), (url, kind)
            if kind == "image/png" and ("/preview/" in url or "/thumb/" in url):
                continue
            if "/version/" in url and "/file/" in url:  # evidence, opened by the reviewer
                assert kind in ("application/pdf", "image/jpeg", "image/png"), (url, kind)
                assert disposition.startswith("inline"), (url, disposition)
                assert response["X-Content-Type-Options"] == "nosniff"
                continue
            assert disposition.startswith("attachment"), (url, kind, disposition)

    assert len(set(downloads)) >= 4  # evidence file, bundle PDF, the forms, the export …


def test_xss_in_the_account_pages_is_escaped(
    make_base: Any, make_reviewer: Any, client_for: Any
) -> None:
    from jidi_docs.web.models import Invitation

    reviewer = make_reviewer("全市")
    _user, app = make_base()
    app.base.name = XSS
    app.base.save()
    Invitation.issue(base_name=XSS, district="西湖区", created_by=reviewer)

    page = client_for(reviewer).get("/accounts/").content.decode()

    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;") >= 2
