"""Test the jidi_docs.web._store module: evidence uploads judged as the bundle judges them."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from jidi_docs.pdf import load_evidence
from jidi_docs.schema import EVIDENCE_KINDS, accept_attribute
from pdfhelpers import make_encrypted_pdf, make_pdf

#: Pillow's name of each image kind of the table, to make a real file of it.
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "webp": "WEBP", "heif": "HEIF"}


def _image(fmt: str) -> bytes:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "olive").save(buf, fmt)
    return buf.getvalue()


def _sample(key: str, tmp_path: Path) -> bytes:
    if key == "pdf":
        return make_pdf(tmp_path / "样本.pdf", 2).read_bytes()
    return _image(PILLOW_FORMATS[key])


def _upload(client: Any, app: Any, name: str, content: bytes) -> Any:
    f = io.BytesIO(content)
    f.name = name
    return client.post(f"/app/{app.pk}/upload/", {"file": f})


@pytest.mark.parametrize("kind", EVIDENCE_KINDS, ids=lambda k: k.key)
def test_every_kind_of_the_table_uploads_and_is_stored_under_its_extension(
    make_base: Any, client_for: Any, tmp_path: Path, kind: Any
) -> None:
    user, app = make_base()
    name = f"扫描件{kind.extensions[-1]}"

    response = _upload(client_for(user), app, name, _sample(kind.key, tmp_path))

    assert response.status_code == 200, response.content.decode()
    (stored,) = response.json()["files"]
    assert stored["name"] == name
    assert re.fullmatch(rf"佐证材料/[0-9a-f]{{32}}\{kind.extensions[0]}", stored["path"])
    (record,) = app.files.all()
    assert record.kind == kind.extensions[0].lstrip(".")
    from jidi_docs.web._store import app_dir

    assert load_evidence(app_dir(app) / stored["path"]).kind == kind.key


def test_a_truncated_photo_is_refused_at_upload_naming_the_users_file(
    make_base: Any, client_for: Any, portal: Path
) -> None:
    user, app = make_base()
    whole = _image("PNG")

    response = _upload(client_for(user), app, "教室照片.png", whole[: len(whole) * 6 // 10])

    assert response.status_code == 400
    (message,) = response.json()["refused"]
    assert message.startswith("佐证材料的文件 教室照片.png：")
    assert "不完整" in message or "已损坏" in message
    assert app.files.count() == 0
    assert not any(p.is_file() for p in (portal / "files" / str(app.pk)).rglob("*"))


def test_a_password_protected_pdf_is_refused_at_upload(
    make_base: Any, client_for: Any, tmp_path: Path
) -> None:
    user, app = make_base()
    pdf = make_encrypted_pdf(tmp_path / "合同.pdf", user_password="secret").read_bytes()

    response = _upload(client_for(user), app, "租赁合同.pdf", pdf)

    assert response.status_code == 400
    (message,) = response.json()["refused"]
    assert message.startswith("佐证材料的文件 租赁合同.pdf：PDF 已加密，需要密码才能打开。")


def test_a_file_of_no_accepted_kind_is_refused_listing_the_tables_kinds(
    make_base: Any, client_for: Any
) -> None:
    user, app = make_base()

    response = _upload(client_for(user), app, "照片.gif", b"GIF89a" + b"\x00" * 100)

    assert response.status_code == 400
    assert response.json()["refused"] == [
        "“照片.gif”不是 PDF、JPG、PNG、TIFF、WebP 或 HEIC 文件（按文件内容判断），不能作为佐证材料。"
    ]


def test_the_file_picker_accepts_what_the_table_accepts(
    make_base: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web._library import sections

    user, app = make_base(draft=example)
    index = [s.key for s in sections()].index("佐证材料")

    page = client_for(user).get(f"/app/{app.pk}/edit/{index}/").content.decode()

    accepts = {
        html.unescape(a) for a in re.findall(r'class="upload" multiple accept="([^"]*)"', page)
    }
    assert accepts == {accept_attribute()}
    assert ".heic" in accept_attribute()
    assert "添加文件（PDF、JPG、PNG、TIFF、WebP、HEIC；" in page
