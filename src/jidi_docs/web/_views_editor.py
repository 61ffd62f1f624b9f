"""The base's pages: overview, the editor (one page per section), saves, uploads, downloads.

Imports of whole applications and of spreadsheets are in `jidi_docs.web._views_import`.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import _library as lib
from . import _workflow
from ._access import (
    AuthedRequest,
    application_for,
    file_for,
)
from ._dashboard import draft_stem
from ._editor_forms import PageForm, page_form
from ._errors import wants_json
from ._limits import upload_refusal
from ._pages import Page, page_of, pages
from ._security import download_type
from ._store import UploadRefused, app_dir, file_map, save_upload, sync_files
from ._widgets import Uploaded
from .models import (
    Application,
    AuditEntry,
    Role,
    StoredFile,
    User,
)

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------------------------
# the application and its editor
# ---------------------------------------------------------------------------------------------


def _file_url(app: Application, f: StoredFile) -> str:
    return reverse("portal:file", args=[app.pk, f.pk])


def _uploads(app: Application) -> dict[str, Uploaded]:
    return {f.data_path: Uploaded(f.original_name, _file_url(app, f)) for f in app.files.all()}


def _pages(app: Application) -> tuple[Page, ...]:
    return pages(lib.batch_of(app.draft))


@login_required
@require_GET
def application(request: AuthedRequest, pk: int) -> HttpResponse:
    """Overview: sections, 预审, versions, downloads, audit log."""
    user: User = request.user
    app = application_for(user, pk)
    draft = _validated(app) if user.role == Role.BASE else None
    return render(
        request,
        "portal/application.html",
        {
            "app": app,
            "draft": draft,
            "sections": _pages(app),
            "versions": app.versions.order_by("-number"),
            "audit": app.audit.select_related("user").order_by("-when")[:50],
            "can_edit": user.role == Role.BASE,
        },
    )


@login_required
@require_GET
def edit(request: AuthedRequest, pk: int, index: int) -> HttpResponse:
    """One page of the editor: one section of the forms, its inputs bound to the draft."""
    app = application_for(request.user, pk, edit=True)
    all_pages = _pages(app)
    if not 0 <= index < len(all_pages):
        raise Http404
    page = all_pages[index]
    draft = _validated(app)
    form = _page_form(app, page, value=app.draft.get(page.key))
    elsewhere = form.attach(draft.issues)
    return render(
        request,
        "portal/edit.html",
        {
            "app": app,
            "page": page,
            "section": page,
            "form": form,
            "index": index,
            "sections": all_pages,
            "draft": draft,
            "elsewhere": elsewhere,
            "base": app.section_version(page.key),
        },
    )


def _page_form(app: Application, page: Page, **bound: Any) -> PageForm:
    """The page's form; the base's 所属区县 shown as the office set it, not to be changed."""
    form = page_form(page, uploads=_uploads(app) if page.has_files else {}, **bound)
    form.fix(lib.district_path(), app.base.district, "由综试办按邀请设定；如需更改，请联系综试办。")
    return form


_WRITER = threading.Lock()


def _one_writer() -> AbstractContextManager[Any]:
    """On SQLite, saves of this process take turns here, before the database's write lock.

    Why: SQLite lets one writer in at a time and the others wait in its busy handler, which
    sleeps and retries with growing pauses (up to 100 ms each); at 50 saving users those pauses,
    not the work, made the slowest saves slow. Waiting on a lock in Python wakes the next save as
    soon as the one before commits. Several server processes (PostgreSQL) lock rows instead.
    """
    return _WRITER if connection.vendor == "sqlite" else contextlib.nullcontext()


#: Validation results by (application, draft version): a draft's version changes with any change
#: of its data, and the evidence files it refers to are stored before it can refer to them.
_VALIDATED: OrderedDict[tuple[int, int], lib.Draft] = OrderedDict()
_VALIDATED_LOCK = threading.Lock()


def _validated(app: Application) -> lib.Draft:
    """The library's validation and 预审 of the application's draft, each version once.

    Why: the editor's page, the overview and every save's answer show them; a save validates
    its new version once, and the page opened next reuses it.
    """
    key = (app.pk, app.draft_version)
    with _VALIDATED_LOCK:
        if key in _VALIDATED:
            _VALIDATED.move_to_end(key)
            return _VALIDATED[key]
    draft = lib.validate_draft(app.draft, app_dir(app))
    with _VALIDATED_LOCK:
        _VALIDATED[key] = draft
        while len(_VALIDATED) > 512:
            _VALIDATED.popitem(last=False)
    return draft


def _draft_payload(app: Application, draft: lib.Draft) -> dict[str, Any]:
    report = None
    if draft.report is not None:
        report = [
            {"title": c.title, "status": c.status, "reason": c.reason}
            for c in draft.report.conditions
        ]
    return {"version": app.draft_version, "issues": draft.issues, "report": report}


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_required`, but the page's script gets 401 with a message instead of a redirect to
    the login page: it keeps what was typed and asks the user to sign in again."""
    redirecting = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and wants_json(request):
            return JsonResponse({"login": True, "error": "登录已过期，请重新登录。"}, status=401)
        return redirecting(request, *args, **kwargs)

    return wrapped


@_signed_in
@require_POST
def save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save one page of the draft (its form as the page posts it) if nobody saved since `base`.

    The page's script posts the form on every pause in typing and gets JSON back: the library's
    messages by input path, the 预审, or 409 with what changed. Without the script, the page's
    own 保存 button posts it and the page is shown again.
    """
    user: User = request.user
    key, base = request.POST.get("section", ""), request.POST.get("base", "")
    # One read of the application, locked: everything between here and the commit is short
    # (binding a page's form is well under a millisecond), and SQLite has one writer anyway.
    with _one_writer(), transaction.atomic():
        app = application_for(user, pk, edit=True, lock=True)
        locked = _workflow.locked(app)  # submitted, in review: the draft waits
        if locked:
            return _locked(request, app, f"未保存：{locked}")
        try:
            page = page_of(key, lib.batch_of(app.draft))
        except KeyError:
            page = None
        if page is None or not base.isdigit():
            return _refused(request, app, "请求格式不对：缺少栏目或版本号。")
        form = _page_form(app, page, data=request.POST)
        if not form.complete():
            return _refused(request, app, "请求格式不对：表格的行数缺失。请刷新页面后再填。")
        value = form.value()
        stale = app.section_version(page.key) != int(base)
        changes = lib.differences(page.key, value, app.draft.get(page.key)) if stale else []
        if changes:  # else: what was sent is there already
            return _conflict(request, app, page, changes)
        # the base's 所属区县 is its invitation's, whatever the page sent
        changed = app.replace_draft(
            lib.fixed_district({**app.draft, page.key: value}, app.base.district)
        )
        if changed:
            app.save(update_fields=["draft", "draft_version", "section_versions", "updated"])
    if page.key == lib.FIELD_EVIDENCE and changed:
        sync_files(app)  # files no longer used stop counting towards the limit
    draft = _validated(app)
    elsewhere = form.attach(draft.issues)
    if not wants_json(request):
        messages.success(request, f"已保存（第 {app.draft_version} 版）。")
        return redirect("portal:edit", pk=app.pk, index=_pages(app).index(page))
    return JsonResponse(
        {
            **_draft_payload(app, draft),
            "base": app.section_version(page.key),
            "errors": form.errors(),
            "page_errors": form.page_errors,
            "elsewhere": elsewhere,
        }
    )


@require_GET
def csrf_token(request: HttpRequest) -> JsonResponse:
    """A fresh CSRF token for the page's script (its own went stale) and whether the session
    is still signed in: the script asks before it retries a refused save."""
    return JsonResponse({"token": get_token(request), "login": bool(request.user.is_authenticated)})


def _conflict(
    request: HttpRequest, app: Application, page: Page, changes: list[dict[str, str]]
) -> HttpResponse:
    """This page was saved elsewhere since it was opened: nothing is overwritten; the answer
    shows both values, field by field (`changes`), so the user keeps either."""
    text = (
        f"未保存：“{page.heading}”在您打开本页之后已在别处（另一个窗口或另一位同事）保存过。"
        "请对照下面的不同之处，选择保留哪一份。"
    )
    if not wants_json(request):
        messages.error(request, text + "本页现在显示的是别处保存的内容，您刚填的没有保存。")
        return redirect("portal:edit", pk=app.pk, index=_pages(app).index(page))
    return JsonResponse(
        {"conflict": text, "changes": changes, "base": app.section_version(page.key)},
        status=409,
    )


def _locked(request: HttpRequest, app: Application, text: str) -> HttpResponse:
    """The application may not be changed now (the review has it): nothing saved, nothing lost —
    the page's script keeps what was typed in the browser."""
    if wants_json(request):
        return JsonResponse({"locked": True, "error": text}, status=409)
    messages.error(request, text)
    return redirect("portal:application", pk=app.pk)


def _refused(request: HttpRequest, app: Application, text: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": text}, status=400)
    messages.error(request, text)
    return redirect("portal:application", pk=app.pk)


@_signed_in
@require_POST
def upload(request: AuthedRequest, pk: int) -> JsonResponse:
    """Store evidence uploads (size, count, type by content checked); return their data paths."""
    user: User = request.user
    app = application_for(user, pk, edit=True)
    why = _workflow.locked(app)
    if why:
        return JsonResponse({"files": [], "refused": [f"未上传：{why}"]}, status=409)
    refusal = upload_refusal(user, len(request.FILES.getlist("file")))
    if refusal:
        return JsonResponse({"files": [], "refused": [refusal]}, status=429)
    stored, refused = [], []
    for upload_ in request.FILES.getlist("file"):
        try:
            f = save_upload(app, upload_, user)
        except UploadRefused as e:
            refused.append(str(e))
            continue
        stored.append({"path": f.data_path, "name": f.original_name, "url": _file_url(app, f)})
        AuditEntry.record(user, "上传佐证材料", app, f.original_name)
    return JsonResponse({"files": stored, "refused": refused}, status=200 if stored else 400)


@login_required
@require_GET
def download_file(request: AuthedRequest, pk: int, file_id: Any) -> FileResponse:
    """Send one evidence file of an application the user may read."""
    app = application_for(request.user, pk)
    f = file_for(request.user, app, file_id)
    path = app_dir(app) / f.data_path
    kind, name = download_type(f.kind, f.original_name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=kind)


@login_required
@require_GET
def draft_docx(request: AuthedRequest, pk: int, form: str) -> HttpResponse:
    """The draft's 附件1 or 附件2 as .docx (only when the draft is valid)."""
    app = application_for(request.user, pk, edit=True)
    return _docx_response(request, app, app.draft, form, draft_stem(app))


def _docx_response(
    request: HttpRequest, app: Application, data: dict[str, Any], form: str, stem: str
) -> HttpResponse:
    if form not in ("附件1", "附件2"):
        raise Http404
    draft = lib.validate_draft(data, app_dir(app), with_report=False)
    if draft.app is None:
        messages.error(request, f"还有 {len(draft.issues)} 处填写错误，改正后才能生成表格。")
        return redirect("portal:application", pk=app.pk)
    content = lib.render_docx(draft.app)[form]
    response = HttpResponse(content, content_type=_DOCX)
    response["Content-Disposition"] = _attachment(f"{stem}-{form}.docx")
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(name)}"


@login_required
@require_GET
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The draft as a zip in the command line's folder format (申报.yaml + 佐证材料/)."""
    app = application_for(request.user, pk, edit=True)
    content = lib.export_zip(app.draft, file_map(app, app.draft))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = _attachment(f"{draft_stem(app)}.zip")
    return response
