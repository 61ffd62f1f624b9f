"""Thumbnails of evidence files for the reviewer's strip: first page of a PDF, or the image itself.

Made on first request (Pillow for images, pypdfium2 for a PDF's first page) and cached under
``DIR/thumbs/<content digest>.png``: the same scan uploaded twice, or shown in every version of
an application, is drawn once. A file that cannot be drawn (a damaged PDF) gets a plain grey
card, so the strip never breaks. Files are written under a temporary name and renamed, so a
request never reads half a thumbnail.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from ._preview import rasterise_first
from ._store import app_dir
from .models import StoredFile

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["BOX", "thumbnail"]

#: The largest size of a thumbnail (width, height), in pixels: an A4 page at about 1:4.
BOX = (160, 226)


def _cache_dir() -> Path:
    path = Path(settings.PORTAL_DATA_DIR) / "thumbs"
    path.mkdir(exist_ok=True)
    return path


def thumbnail(stored: StoredFile) -> Path:
    """Return the PNG thumbnail of `stored`, making it the first time."""
    target = _cache_dir() / f"{stored.digest}-{BOX[0]}.png"
    if target.is_file():
        return target
    source = app_dir(stored.application) / stored.data_path
    image = _draw(source, stored.kind)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        image.save(tmp, "PNG", optimize=True)
        Path(tmp).replace(target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _draw(source: Path, kind: str) -> Image:
    from PIL import Image as Pillow
    from PIL import ImageOps

    try:
        if kind == "pdf":
            image = rasterise_first(source, BOX[0])
        else:
            with Pillow.open(source) as opened:
                image = ImageOps.exif_transpose(opened).convert("RGB")
                image.load()
        image.thumbnail(BOX)
        return image
    # PdfiumError is a RuntimeError; Pillow raises OSError, ValueError, SyntaxError (some broken
    # headers) and its DecompressionBombError for a picture too large to draw
    except (OSError, ValueError, RuntimeError, SyntaxError, Pillow.DecompressionBombError):
        return Pillow.new("RGB", (BOX[0], BOX[1]), (225, 225, 225))
