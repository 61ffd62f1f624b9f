"""The portal's error answers, in Chinese: Django's 400/403/404/500 and the web server's own.

Each is a page for a person or, when the page's script asked for JSON, a message it shows in
place. A server error gets a reference number, written to the server's log with the traceback,
so the person who reports "出错编号 …" can be helped. Requests too large for the limits (a page's
data, too many files at once, a body over the web server's limit) are answered 413 with what is
allowed, never with the server's English.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import sys
from datetime import datetime
from typing import Any, cast

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

__all__ = [
    "bad_request",
    "chinese_server_errors",
    "chinese_tls_server_errors",
    "page_not_found",
    "permission_denied",
    "reference",
    "server_error",
    "wants_json",
]

logger = logging.getLogger("jidi_docs.web")


def reference() -> str:
    """A new reference number for one server error: when it happened, and 4 random digits (digits
    only: read out over the phone without spelling)."""
    return f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.randbelow(10000):04d}"


def wants_json(request: HttpRequest) -> bool:
    """True when the page's script asked (its answer is JSON it shows in place, not a page)."""
    return "application/json" in request.headers.get("Accept", "")


def _answer(
    request: HttpRequest, status: int, title: str, text: str, ref: str = ""
) -> HttpResponse:
    if wants_json(request):
        body: dict[str, Any] = {"error": text}
        if ref:
            body["reference"] = ref
        return JsonResponse(body, status=status)
    # A page of its own, not the portal's layout: it must show even when the database, the
    # session or the signed-in user is what failed.
    page = render_to_string(
        "portal/error.html", {"title": title, "text": text, "reference": ref, "status": status}
    )
    return HttpResponse(page, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, and 413 for the request-size limits Django enforces (``DATA_UPLOAD_*``)."""
    from django.conf import settings

    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        text = f"一次最多上传 {limit} 个文件，请分几次上传。"
        return _answer(request, 413, "文件太多", text)
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent)):
        text = "这一页提交的内容超过了允许的大小，没有保存。请删去一些内容，或分几次填写。"
        return _answer(request, 413, "内容太大", text)
    text = "请求不完整或格式不对，操作未执行。请刷新页面后重试。"
    return _answer(request, 400, "请求有误", text)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: not allowed (CSRF failures have their own page, `views.csrf_failure`)."""
    return _answer(request, 403, "没有权限", "您没有权限进行这项操作。如有疑问，请联系综试办。")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: no such page, or not one this user may see (the two look the same on purpose)."""
    text = "找不到这个页面：地址可能有误，或者它已被删除，或者您没有权限查看。"
    return _answer(request, 404, "页面不存在", text)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a reference number for the user, the same number with the traceback in the log."""
    ref = reference()
    logger.error("出错编号 %s：%s %s", ref, request.method, request.path, exc_info=sys.exc_info())
    text = "服务器出错，操作没有完成。请稍后再试；如果一再出错，请把出错编号告诉管理员。"
    return _answer(request, 500, "服务器出错", text, ref)


# ---------------------------------------------------------------------------------------------
# the web server's own answers (waitress answers a body over its limit before Django sees it)
# ---------------------------------------------------------------------------------------------

_WAITRESS = {
    413: ("内容太大", "上传的内容超过了服务器允许的大小（每个文件最多 {mb} MB），没有保存。"),
    400: ("请求有误", "请求不完整或格式不对，操作未执行。请刷新页面后重试。"),
    431: ("请求有误", "请求的头部太大，操作未执行。请清除浏览器的 Cookie 后重试。"),
}


def _own_answer(code: int, upload_mb: int, accept: str) -> tuple[bytes, str]:
    """The body and type of the web server's own answer `code`, in Chinese."""
    title, text = _WAITRESS.get(code, ("服务器出错", "服务器出错，操作没有完成。"))
    text = text.format(mb=upload_mb)
    if "application/json" in accept:
        return json.dumps({"error": text}, ensure_ascii=False).encode("utf-8"), "application/json"
    page = render_to_string("portal/error.html", {"title": title, "text": text, "status": code})
    return page.encode("utf-8"), "text/html; charset=utf-8"


def chinese_server_errors(server: Any, upload_mb: int) -> None:
    """Make waitress answer its own errors (too large, malformed …) in Chinese.

    waitress writes them itself (``waitress.task.ErrorTask``: English text/plain), before the
    portal is called; its channels take the task class from ``error_task_class``.
    """
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class ChineseErrorTask(ErrorTask):
        def execute(self) -> None:
            request: Any = self.request  # the parser, with the error waitress found
            code = int(getattr(request.error, "code", 500))
            body, kind = _own_answer(code, upload_mb, str(request.headers.get("ACCEPT", "")))
            self.status = f"{code} {getattr(request.error, 'reason', '')}"
            cast(list[tuple[str, str]], self.response_headers).append(("Content-Type", kind))
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class ChineseChannel(HTTPChannel):
        error_task_class = ChineseErrorTask

    # one listening server, or several (one per address) in the map of a MultiSocketServer
    for listening in [server, *getattr(server, "map", {}).values()]:
        if hasattr(listening, "channel_class"):
            listening.channel_class = ChineseChannel


def chinese_tls_server_errors(server: Any, upload_mb: int) -> None:
    """Make cheroot (``--lan``) answer its own errors (too large, malformed …) in Chinese.

    cheroot writes them itself with ``HTTPRequest.simple_response`` (English text/plain, the
    text encoded as ISO-8859-1, so Chinese cannot even pass through it), before the portal is
    called; its connections take the request class from ``RequestHandlerClass``.
    """
    from cheroot.server import HTTPConnection, HTTPRequest

    class ChineseRequest(HTTPRequest):
        def simple_response(self, status: Any, msg: Any = "") -> None:
            code = int(str(status)[:3])
            if code < 400:
                super().simple_response(status, msg)
                return
            headers = getattr(self, "inheaders", None) or {}
            accept = headers.get(b"Accept", b"").decode("latin-1")
            body, kind = _own_answer(code, upload_mb, accept)
            self.close_connection = True
            head = (
                f"{self.server.protocol} {status}\r\nContent-Length: {len(body)}\r\n"
                f"Content-Type: {kind}\r\nConnection: close\r\n\r\n"
            )
            # the client may be gone already: nothing more to tell it
            with contextlib.suppress(OSError):
                self.conn.wfile.write(head.encode("latin-1") + body)

    class ChineseConnection(HTTPConnection):
        RequestHandlerClass = ChineseRequest

    server.ConnectionClass = ChineseConnection
