"""Error answers in Chinese: Django's 400/403/404/413/500 and the web server's own 413.

A server error shows a reference number that is in the server's log with the traceback; the
page's script gets the same as JSON. Requests over a size limit get 413 saying what is allowed.
"""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from webhelpers import form_body

#: ASCII words an error page may show (the file kinds' and size units' names).
ALLOWED = {"MB", "Cookie"}


def _english(text: str) -> set[str]:
    visible = re.sub(
        r"<[^>]+>", " ", re.sub(r"<(script|style|head)[^>]*>.*?</\1>", "", text, flags=re.DOTALL)
    )
    return set(re.findall(r"[A-Za-z]{2,}", visible)) - ALLOWED


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_an_unknown_page_is_a_chinese_404_page_or_message(make_base: Any) -> None:
    user, _app = make_base()
    client = _client(user)

    page = client.get("/没有这一页/")
    message = client.get("/app/999999/", HTTP_ACCEPT="application/json")

    assert page.status_code == 404
    assert "页面不存在" in page.content.decode()
    assert not _english(page.content.decode())
    assert message.status_code == 404
    assert "找不到这个页面" in message.json()["error"]


def test_a_server_error_shows_a_reference_number_that_is_in_the_log(
    make_base: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from jidi_docs.web import _views_editor

    user, app = make_base()
    client = _client(user)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in the portal")

    monkeypatch.setattr(_views_editor.lib, "validate_draft", broken)
    with caplog.at_level(logging.ERROR, logger="jidi_docs.web"):
        page = client.get(f"/app/{app.pk}/edit/0/")
        message = client.post(
            f"/app/{app.pk}/save/",
            form_body("申报单位审核意见", "x", 0),
            content_type="application/x-www-form-urlencoded",
            HTTP_ACCEPT="application/json",
        )

    assert page.status_code == 500
    html = page.content.decode()
    (ref,) = re.findall(r'id="reference">([^<]+)<', html)
    assert "服务器出错" in html
    assert not _english(html)
    assert message.status_code == 500
    body = message.json()
    assert "服务器出错" in body["error"]
    logged = [r for r in caplog.records if r.name == "jidi_docs.web"]
    assert [r.getMessage().split("：")[0] for r in logged] == [
        f"出错编号 {ref}",
        f"出错编号 {body['reference']}",
    ]
    assert all(r.exc_info and "a bug in the portal" in str(r.exc_info[1]) for r in logged)
    assert ref != body["reference"]


def test_a_page_too_large_to_save_is_refused_with_413_in_chinese(make_base: Any) -> None:
    from django.conf import settings

    user, app = make_base()
    client = _client(user)
    huge = "字" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1000)

    message = client.post(
        f"/app/{app.pk}/save/",
        form_body("申报单位审核意见", huge, 0),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
    )
    page = client.post(
        f"/app/{app.pk}/save/",
        form_body("申报单位审核意见", huge, 0),
        content_type="application/x-www-form-urlencoded",
    )

    assert message.status_code == 413
    assert "超过了允许的大小" in message.json()["error"]
    assert page.status_code == 413
    assert "内容太大" in page.content.decode()
    app.refresh_from_db()
    assert "申报单位审核意见" not in app.draft


def test_too_many_files_at_once_are_refused_with_413_in_chinese(make_base: Any) -> None:
    from django.conf import settings

    user, app = make_base()
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    files = []
    for n in range(limit + 1):
        f = io.BytesIO(b"%PDF-1.4\n")
        f.name = f"{n}.pdf"
        files.append(f)

    response = _client(user).post(
        f"/app/{app.pk}/upload/", {"file": files}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 413
    assert response.json()["error"] == f"一次最多上传 {limit} 个文件，请分几次上传。"


def test_a_forbidden_action_is_a_chinese_403_page(portal: Any) -> None:
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from jidi_docs.web._errors import permission_denied

    response = permission_denied(RequestFactory().get("/"), PermissionDenied())

    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
    assert not _english(response.content.decode())


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_the_web_servers_own_413_is_chinese(portal: Any, accept: str) -> None:
    """A body over waitress's limit is answered by waitress before Django sees it."""
    import waitress

    from jidi_docs.web._errors import chinese_server_errors

    def app(environ: Any, start_response: Any) -> list[bytes]:  # never reached
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = waitress.create_server(app, host="127.0.0.1", port=0, max_request_body_size=1000)
    chinese_server_errors(server, 20)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=10) as s:
            body = b"x" * 5000
            s.sendall(
                b"POST /app/1/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"Accept: {accept}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
    finally:
        server.close()
    head, _, content = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    text = content.decode("utf-8")
    if accept == "application/json":
        assert json.loads(text)["error"].startswith("上传的内容超过了服务器允许的大小")
    else:
        assert "内容太大" in text
        assert not _english(text)


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_the_lan_servers_own_413_is_chinese(portal: Any, tmp_path: Path, accept: str) -> None:
    """``--lan`` serves with cheroot, which answers a body over its limit itself, before Django
    sees it: through the same TLS server `serve --lan` builds, with its own certificates."""
    import ssl

    from jidi_docs.web._tls import ensure_certificates, tls_server

    def app(environ: Any, start_response: Any) -> list[bytes]:  # never reached
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    certs = ensure_certificates(tmp_path, "127.0.0.1")
    server = tls_server(app, "127.0.0.1", 0, certs, threads=2, upload_mb=1)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    context = ssl.create_default_context(cafile=str(certs.ca))
    try:
        port = server.bind_addr[1]
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as s,
        ):
            body = b"x" * (2 * 1024 * 1024)
            s.sendall(
                b"POST /app/1/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"Accept: {accept}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            )
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
    finally:
        server.stop()
    head, _, content = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    text = content.decode("utf-8")
    if accept == "application/json":
        assert (
            json.loads(text)["error"]
            == "上传的内容超过了服务器允许的大小（每个文件最多 1 MB），没有保存。"
        )
    else:
        assert "内容太大" in text
        assert not _english(text)
