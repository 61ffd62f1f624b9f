"""The editor's preview: the draft's two forms as page images, made in the background."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

PNG = b"\x89PNG\r\n\x1a\n"


def _no_queue() -> None:
    from jidi_docs.web.models import JobState, Preview

    Preview.objects.filter(state=JobState.QUEUED).update(state=JobState.FAILED)


def _images(page: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', page)


@pytest.mark.soffice
def test_the_preview_shows_every_page_of_both_forms_as_png(
    make_base: Any, client_for: Any, example: dict[str, Any], soffice: str
) -> None:
    from jidi_docs.web._preview import preview_dir, run_next_preview

    _no_queue()
    user, app = make_base(draft=example)
    client = client_for(user)

    assert client.post(f"/app/{app.pk}/preview/").status_code == 302
    waiting = client.get(f"/app/{app.pk}/preview/").content.decode()
    assert 'id="preview-job"' in waiting
    assert not _images(waiting)
    assert run_next_preview() is True

    page = client.get(f"/app/{app.pk}/preview/").content.decode()
    made = app.previews.get()
    urls = _images(page)
    for form in ("附件1", "附件2"):
        reader = PdfReader(preview_dir(made) / f"{form}.pdf")
        ours = [u for u in urls if f"/{form}/" in u or f"/{_quoted(form)}/" in u]
        assert len(ours) == len(reader.pages) == made.pages[form] >= 1
        for url, pdf_page in zip(ours, reader.pages, strict=True):
            response = client.get(url)
            body = b"".join(response.streaming_content)
            response.close()
            assert response["Content-Type"] == "image/png"
            assert body.startswith(PNG)
            image = Image.open(io.BytesIO(body))
            # the page's own size at 108 dpi: portrait and landscape pages alike
            assert abs(image.width - float(pdf_page.mediabox.width) * 1.5) <= 1
            assert abs(image.height - float(pdf_page.mediabox.height) * 1.5) <= 1
            assert image.convert("L").getextrema()[0] < 80  # printed text, not a blank page
    text = PdfReader(preview_dir(made) / "附件2.pdf").pages[0].extract_text()
    assert example["基本情况"]["单位名称"] in text


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def test_an_unchanged_draft_reopens_its_preview_without_new_work(
    make_base: Any, client_for: Any, make_preview: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web._preview import digest, run_next_preview

    _no_queue()
    user, app = make_base(draft=example)
    make_preview(app, {"附件1": 1, "附件2": 2}, digest=digest(app.draft))
    client = client_for(user)

    client.post(f"/app/{app.pk}/preview/")
    page = client.get(f"/app/{app.pk}/preview/").content.decode()

    assert app.previews.count() == 1
    assert run_next_preview() is False  # nothing was queued
    assert len(_images(page)) == 3
    assert "共 2 页" in page

    app.draft = {**app.draft, "申报单位审核意见": "改过了"}
    app.draft_version += 1
    app.save()
    changed = client.get(f"/app/{app.pk}/preview/").content.decode()
    assert not _images(changed)  # never the images of an older draft
    assert 'id="make-preview"' in changed


def test_a_draft_with_errors_is_not_previewed_and_the_page_says_why(
    make_base: Any, client_for: Any
) -> None:
    user, app = make_base(draft={"基本情况": {"单位名称": "某基地"}})
    client = client_for(user)

    client.post(f"/app/{app.pk}/preview/")
    page = client.get(f"/app/{app.pk}/preview/").content.decode()

    assert app.previews.count() == 0
    assert "处填写错误，改正后才能预览" in page


def test_a_draft_changed_while_queued_fails_with_a_message(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web._preview import run_next_preview

    _no_queue()
    user, app = make_base(draft=example)
    client = client_for(user)
    client.post(f"/app/{app.pk}/preview/")
    app.draft = {**app.draft, "申报单位审核意见": "排队时改的"}
    app.save()

    assert run_next_preview() is True

    status = client.get(f"/app/{app.pk}/preview/{app.previews.get().pk}/").json()
    assert status["state"] == "failed"
    assert "草稿在排队期间已被修改" in status["error"]


def test_images_are_served_only_within_their_own_application(
    make_base: Any, make_reviewer: Any, client_for: Any, make_preview: Any, example: dict[str, Any]
) -> None:
    user_a, app_a = make_base(draft=example)
    user_b, app_b = make_base(draft=example)
    made = make_preview(app_b, {"附件1": 1, "附件2": 1})
    owner, intruder = client_for(user_b), client_for(user_a)
    office = client_for(make_reviewer("全市"))
    url = f"/app/{app_b.pk}/preview/{made.pk}/附件2/1.png"

    served = owner.get(url)
    served.close()
    assert served.status_code == 200
    assert served["Cache-Control"] == "no-store"
    assert intruder.get(url).status_code == 404
    # base B's preview id under base A's own application
    assert intruder.get(f"/app/{app_a.pk}/preview/{made.pk}/附件2/1.png").status_code == 404
    assert office.get(url).status_code == 404  # the office reviews submitted versions
    assert owner.get(f"/app/{app_b.pk}/preview/{made.pk}/附件2/2.png").status_code == 404
    assert owner.get(f"/app/{app_b.pk}/preview/{made.pk}/附件3/1.png").status_code == 404


def test_previews_cut_off_by_a_stop_go_back_to_the_queue(
    make_base: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web._preview import requeue_previews
    from jidi_docs.web.models import Preview

    user, app = make_base(draft=example)
    running = Preview.objects.create(
        application=app, digest="x", draft_version=1, requested_by=user, state="running"
    )

    requeue_previews()

    running.refresh_from_db()
    assert (running.state, running.progress) == ("queued", 0)


def test_a_worker_takes_a_queued_preview_before_a_queued_bundle(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web._jobs import run_one
    from jidi_docs.web.models import Job, JobState, Version

    _no_queue()
    Job.objects.filter(state=JobState.QUEUED).update(state=JobState.DONE)
    user, app = make_base(draft=example)
    version = Version.objects.create(application=app, number=1, data=example, submitted_by=user)
    job = Job.objects.create(version=version, requested_by=user)
    client_for(user).post(f"/app/{app.pk}/preview/")
    app.draft = {**app.draft, "申报单位审核意见": "改过了"}  # the preview then fails at once
    app.save()

    assert run_one() is True

    job.refresh_from_db()
    assert app.previews.get().state == JobState.FAILED
    assert job.state == JobState.QUEUED
    Job.objects.filter(pk=job.pk).update(state=JobState.DONE)


def test_only_the_newest_finished_previews_are_kept(
    make_base: Any, make_preview: Any, example: dict[str, Any]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jidi_docs.web._preview import KEEP, _forget_old, preview_dir

    _user, app = make_base(draft=example)
    made = [make_preview(app, {"附件1": 1}, digest=str(n)) for n in range(KEEP + 2)]
    for n, p in enumerate(made):
        type(p).objects.filter(pk=p.pk).update(finished=timezone.now() + timedelta(hours=n))

    _forget_old(app)

    kept = list(app.previews.order_by("pk"))
    assert kept == made[-KEEP:]
    assert not preview_dir(made[0]).exists()
    assert preview_dir(made[-1]).exists()
