"""Page images of a draft's forms: rendered, converted and rasterised in the background.

A preview is a queued row (`Preview`) like a bundle job, run by the same worker threads with the
same running LibreOffice, so previews and bundles together never run more than N conversions.
Previews are short and someone is waiting at the page, so a worker takes a queued preview before
a queued bundle.

The forms are the ones the bundle prints (`_library.form_pdfs`); their pages are rasterised to
PNG with pypdfium2 (PDFium, as a wheel on every platform the portal runs on: no poppler to
install on Windows, no process per page). Images are kept under ``DIR/previews/<id>/``, which no
URL serves as a folder, keyed by a digest of the draft's data and the program's version: an
unchanged draft opens its preview at once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from .._version import __version__
from ..pdf import Converter, SofficeConverter
from . import _library as lib
from ._queue import Progress, claim, requeue, run
from ._store import app_dir
from .models import Application, JobState, Preview, User

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "FORMS",
    "KEEP",
    "digest",
    "image_path",
    "preview_dir",
    "rasterise",
    "rasterise_first",
    "request_preview",
    "requeue_previews",
    "run_next_preview",
]

FORMS = ("附件1", "附件2")
#: Rendering scale: 1.5 × 72 = 108 dots per inch, small 宋体 text stays legible.
SCALE = 1.5
#: Finished previews kept per application (older ones and their images are removed).
KEEP = 3
# PDFium is not thread-safe: one rasterisation at a time in this process (a form's pages take
# a fraction of a second; the conversion before it takes seconds).
_PDFIUM = threading.Lock()


def digest(data: dict[str, Any]) -> str:
    """Return what identifies a draft's forms: its cleaned data and the program's version."""
    text = json.dumps(lib.clean(data), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{__version__}\n{text}".encode()).hexdigest()


def preview_dir(preview: Preview) -> Path:
    """Return the folder of `preview`'s PDFs and images."""
    return Path(settings.PORTAL_DATA_DIR) / "previews" / str(preview.pk)


def image_path(preview: Preview, form: str, page: int) -> Path:
    """Return the PNG of page `page` (1-based) of `form`."""
    return preview_dir(preview) / f"{form}-{page}.png"


def rasterise(pdf: Path, out_dir: Path, stem: str, scale: float = SCALE) -> int:
    """Write each page of `pdf` as ``<stem>-<n>.png`` into `out_dir`; return the page count."""
    import pypdfium2

    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            for n, page in enumerate(document, start=1):
                image = page.render(scale=scale).to_pil()
                image.save(out_dir / f"{stem}-{n}.png", format="PNG", optimize=False)
                page.close()
            return len(document)
        finally:
            document.close()


def rasterise_first(pdf: Path, width: int) -> PILImage:
    """Return the first page of `pdf` as a PIL image about `width` pixels wide (a thumbnail).

    Raises:
        pypdfium2.PdfiumError: the file is no PDF PDFium can read.
    """
    import pypdfium2

    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            page = document[0]
            scale = width / max(1.0, page.get_width())
            image: PILImage = page.render(scale=scale).to_pil()
            page.close()
            return image
        finally:
            document.close()


def request_preview(application: Application, user: User) -> Preview:
    """Return the preview of the application's draft as it is now, queueing it when new.

    A failed preview of the same draft is queued again (LibreOffice may have been missing).
    """
    key = digest(application.draft)
    existing = application.previews.filter(digest=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Preview.objects.create(
                    application=application,
                    digest=key,
                    draft_version=application.draft_version,
                    requested_by=user,
                )
        except IntegrityError:  # the same draft requested at the same moment elsewhere
            existing = application.previews.get(digest=key)
    if existing.state == JobState.FAILED:
        Preview.objects.filter(pk=existing.pk, state=JobState.FAILED).update(
            state=JobState.QUEUED, progress=0, step="", error="", requested_by=user
        )
        existing.refresh_from_db()
    return existing


def requeue_previews() -> int:
    """Put previews left ``running`` by a stopped server back in the queue; return how many."""
    return requeue(Preview)


def run_next_preview(converter: SofficeConverter | None = None) -> bool:
    """Make the oldest queued preview; return False when none was queued.

    `converter` is the calling worker's running LibreOffice, if it has one.
    """
    preview = claim(Preview, "application")
    if preview is None:
        return False

    folder = preview_dir(preview)
    application = preview.application

    def work(progress: Progress) -> dict[str, Any]:
        progress(10, "填写表格")
        # the draft may have been saved since it was requested: make the preview only if the
        # draft is still the one the digest names (a newer draft gets its own preview)
        if digest(application.draft) != preview.digest:
            raise lib.UserError("草稿在排队期间已被修改，请重新打开预览。")
        draft = lib.validate_draft(application.draft, app_dir(application), with_report=False)
        if draft.app is None:
            raise lib.UserError(f"还有 {len(draft.issues)} 处填写错误，改正后才能预览。")
        if folder.exists():
            shutil.rmtree(folder)
        return {"pages": _make(draft.app, folder, converter, progress)}

    run(preview, work, "预览生成失败（程序错误：{name}），请稍后重试或联系管理员。")
    _forget_old(application)
    return True


def _make(
    app: Any, folder: Path, converter: Converter | None, progress: Progress
) -> dict[str, int]:
    progress(30, "转换为 PDF（LibreOffice）")
    if converter is None:
        with SofficeConverter() as soffice:
            pdfs = lib.form_pdfs(app, folder, soffice)
    else:
        pdfs = lib.form_pdfs(app, folder, converter)
    progress(80, "生成页面图片")
    pages = {form: rasterise(pdfs[form], folder, form) for form in FORMS}
    for form in FORMS:
        (folder / f"{form}.docx").unlink(missing_ok=True)
    return pages


def _forget_old(application: Application) -> None:
    """Remove all but the `KEEP` newest finished previews of `application`, with their images."""
    done = application.previews.filter(state=JobState.DONE).order_by("-finished", "-pk")
    for old in done[KEEP:]:
        shutil.rmtree(preview_dir(old), ignore_errors=True)
        old.delete()
