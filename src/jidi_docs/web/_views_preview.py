"""The draft's forms as page images: request, progress, the page and its images."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import _library as lib
from . import _preview
from ._access import AuthedRequest, application_for
from ._limits import queue_refusal
from ._queue import status
from ._store import app_dir
from .models import Application, JobState, Preview, User

_TITLES = {"附件1": "附件1 评价表", "附件2": "附件2 申报表"}


def _preview_of(application: Application, pk: int) -> Preview:
    try:
        return application.previews.get(pk=pk)
    except Preview.DoesNotExist:
        raise Http404 from None


@login_required
def preview(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the preview of the draft as it is now; POST: make it (queued, with progress)."""
    user: User = request.user
    app = application_for(user, pk, edit=True)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    draft = lib.validate_draft(app.draft, app_dir(app), with_report=False)
    if request.method == "POST":
        refusal = queue_refusal(app.base) if draft.app is not None else None
        if refusal:
            messages.error(request, refusal)
        elif draft.app is not None:  # else the page says what is still wrong
            _preview.request_preview(app, user)  # a read: not in the audit log
        return redirect("portal:preview", pk=app.pk)
    current = app.previews.filter(digest=_preview.digest(app.draft)).first()
    forms = []
    if current is not None and current.state == JobState.DONE:
        for form in _preview.FORMS:
            count = int(current.pages.get(form, 0))
            urls = [
                reverse("portal:preview_image", args=[app.pk, current.pk, form, n])
                for n in range(1, count + 1)
            ]
            forms.append({"form": form, "title": _TITLES[form], "urls": urls})
    return render(
        request,
        "portal/preview.html",
        {"app": app, "draft": draft, "preview": current, "forms": forms},
    )


@login_required
@require_GET
def preview_status(request: AuthedRequest, pk: int, preview: int) -> JsonResponse:
    """Progress of a preview, for the page to poll."""
    app = application_for(request.user, pk, edit=True)
    made = _preview_of(app, preview)
    return JsonResponse({**status(made), "pages": made.pages})


@login_required
@require_GET
def preview_image(
    request: AuthedRequest, pk: int, preview: int, form: str, page: int
) -> FileResponse:
    """One page of a finished preview as PNG."""
    app = application_for(request.user, pk, edit=True)
    made = _preview_of(app, preview)
    if made.state != JobState.DONE or form not in _preview.FORMS:
        raise Http404
    if not 1 <= page <= int(made.pages.get(form, 0)):
        raise Http404
    path = _preview.image_path(made, form, page)
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
