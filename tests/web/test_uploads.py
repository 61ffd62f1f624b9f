"""Evidence uploads: phone photos go into the bundle; bad files are refused at upload, by name.

Every file is opened or decoded in full at upload by the library code the bundle uses, so what
the bundle would refuse is refused while the user is still at the page, in Chinese, naming the
file as it was called on the user's device. The limit on files counts only the files still in
use: a base replacing its scans again and again is never locked out.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image

from pdfhelpers import make_encrypted_pdf
from webhelpers import save_page

#: ASCII words allowed in a refusal: the file kinds' names (the user's file name aside).
KIND_WORDS = {"PDF", "JPG", "PNG", "TIFF", "WebP", "HEIC", "dpi"}


def _upload(client: Any, app: Any, name: str, content: bytes) -> Any:
    f = io.BytesIO(content)
    f.name = name
    return client.post(f"/app/{app.pk}/upload/", {"file": f}, HTTP_ACCEPT="application/json")


def _photo(fmt: str, frames: int = 1, size: tuple[int, int] = (800, 600)) -> bytes:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    colours = ["olive", "navy", "teal", "maroon"]
    images = [Image.new("RGB", size, colours[n % 4]) for n in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, fmt, save_all=frames > 1, append_images=images[1:])
    return buf.getvalue()


def _png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header claiming `width` × `height` pixels in a few hundred bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (width // 8 + 1) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _refusals(tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    """name → (content, what the message must say) for each kind of file refused at upload."""
    jpeg = _photo("JPEG")
    return {
        "营业执照.pdf": (
            b"<!DOCTYPE html><html><body>%PDF-1.7 <script>alert(1)</script>"
            + b" " * 4000
            + b"</body></html>",
            "网页",
        ),
        "教室照片.jpg": (
            b"MZ\x90\x00" + b"\x00" * 60 + b"This program %PDF-1.4" + b"\x00" * 8000,
            "程序",
        ),
        "签到表.jpg": (jpeg[: len(jpeg) // 2], "不完整"),
        "场地平面图.png": (_png_bomb(30000, 30000), "图片太大"),
        "租赁合同.pdf": (
            make_encrypted_pdf(tmp_path / "合同.pdf", user_password="secret").read_bytes(),
            "PDF 已加密",
        ),
    }


@pytest.mark.parametrize(
    "name", ["营业执照.pdf", "教室照片.jpg", "签到表.jpg", "场地平面图.png", "租赁合同.pdf"]
)
def test_a_bad_file_is_refused_at_upload_in_chinese_naming_the_users_file(
    make_base: Any, client_for: Any, tmp_path: Path, portal: Path, name: str
) -> None:
    user, app = make_base()
    content, says = _refusals(tmp_path)[name]

    response = _upload(client_for(user), app, name, content)

    assert response.status_code == 400
    (message,) = response.json()["refused"]
    assert name in message
    assert says in message
    english = set(re.findall(r"[A-Za-z]{2,}", message.replace(name, ""))) - KIND_WORDS
    assert not english, message
    assert "/" not in message.replace(name, "")  # no server path, no stored name
    assert app.files.count() == 0
    assert not [p for p in (portal / "files" / str(app.pk)).rglob("*") if p.is_file()]


def test_a_base_can_still_upload_after_210_upload_and_delete_cycles(
    make_base: Any, client_for: Any
) -> None:
    from django.conf import settings
    from django.test import override_settings

    from jidi_docs.web._store import live_files

    user, app = make_base()
    client = client_for(user)
    photo = _photo("PNG", size=(8, 8))
    assert settings.PORTAL_MAX_FILES_PER_APPLICATION < 210
    # the uploads-per-minute limit is another rule; here the files' limit is at stake
    with override_settings(PORTAL_UPLOADS_PER_MINUTE=1000):
        for n in range(210):
            response = _upload(client, app, f"扫描{n}.png", photo)
            assert response.status_code == 200, (n, response.content.decode())
            (stored,) = response.json()["files"]
            entry = {"名称": "营业执照", "指标": "基本情况", "文件": [stored["path"]]}
            assert save_page(client, app, "佐证材料", [entry]).status_code == 200
            assert save_page(client, app, "佐证材料", []).status_code == 200  # removed again

        assert _upload(client, app, "最后一次.png", photo).status_code == 200
    assert live_files(app).count() == 1


def test_a_file_removed_and_used_again_counts_again_and_old_removals_are_deleted(
    make_base: Any, client_for: Any, portal: Path
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jidi_docs.web._store import app_dir, live_files, sync_files

    user, app = make_base()
    client = client_for(user)
    kept, dropped = (
        _upload(client, app, f"{n}.png", _photo("PNG", size=(8, 8))).json()["files"][0]
        for n in ("留下", "删去")
    )
    entry = {"名称": "照片", "指标": "基本情况", "文件": [kept["path"], dropped["path"]]}
    save_page(client, app, "佐证材料", [entry])
    save_page(client, app, "佐证材料", [{**entry, "文件": [kept["path"]]}])
    assert live_files(app).count() == 1

    save_page(client, app, "佐证材料", [entry])  # an older window brings it back
    assert live_files(app).count() == 2

    save_page(client, app, "佐证材料", [{**entry, "文件": [kept["path"]]}])
    app.files.filter(removed__isnull=False).update(removed=timezone.now() - timedelta(days=2))
    app.refresh_from_db()
    sync_files(app)
    assert [f.original_name for f in app.files.all()] == ["留下.png"]
    assert not (app_dir(app) / dropped["path"]).exists()
    assert (app_dir(app) / kept["path"]).exists()


def _titles(items: Any) -> list[str]:
    return [t for item in items for t in [str(item.title), *_titles(item.children)]]


@pytest.mark.soffice
def test_heic_a_three_frame_tiff_and_webp_photos_upload_and_appear_in_the_bundle(
    make_base: Any, client_for: Any, example: dict[str, Any], soffice: str, tmp_path: Path
) -> None:
    from jidi_docs.web._jobs import run_next
    from jidi_docs.web.models import Job, JobState

    Job.objects.filter(state=JobState.QUEUED).update(state=JobState.DONE)
    user, app = make_base(draft=example)
    client = client_for(user)
    photos = {
        "IMG_0001.HEIC": _photo("HEIF"),
        "扫描三页.tif": _photo("TIFF", frames=3),
        "微信图片.webp": _photo("WEBP"),
    }
    entries = []
    for name, content in photos.items():
        response = _upload(client, app, name, content)
        assert response.status_code == 200, response.content.decode()
        (stored,) = response.json()["files"]
        assert stored["name"] == name
        entries.append({"名称": name, "指标": "基本情况", "文件": [stored["path"]]})
    assert save_page(client, app, "佐证材料", entries).json()["issues"] == []
    app.refresh_from_db()
    client.post(f"/app/{app.pk}/submit/", {"revision": app.revision})
    version = app.versions.get()
    client.post(f"/version/{version.pk}/bundle/")  # a base may build its own bundle

    assert run_next() is True

    job = Job.objects.get(version=version)
    assert job.state == JobState.DONE, job.error
    response = client.get(f"/job/{job.pk}/pdf/")
    pdf_path = tmp_path / "申报材料.pdf"
    pdf_path.write_bytes(b"".join(response.streaming_content))
    response.close()
    with pikepdf.open(pdf_path) as pdf:
        titles = _titles(pdf.open_outline().root)
        images = sum(len(page.get_images()) for page in pdf.pages)
    assert all(name in titles for name in photos), titles
    assert images >= 5  # the HEIC, the TIFF's three frames and the WebP, each its own page
