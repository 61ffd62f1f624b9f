"""What the library says, as a portal user may read it: no server paths, no stored names.

The library names files by their path (``佐证材料「营业执照」的文件 /srv/门户数据/files/12/佐证材料/
3f…e1.pdf：…``): right for the command line, where the path is the user's own, but in the portal
it shows the server's folders, the application's database id and a generated name the base has
never seen. Here each stored file is named by the name it was uploaded under, and any other path
inside the data folder is cut to its last part.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from .models import Application

__all__ = ["public_message"]


def public_message(text: str, application: Application | None = None) -> str:
    """Return `text` with the server's paths replaced by what the user knows."""
    if application is not None:
        folder = Path(settings.PORTAL_FILES_DIR) / str(application.pk)
        for stored in application.files.all():
            for path in (folder / stored.data_path, folder.resolve() / stored.data_path):
                text = text.replace(str(path), f"“{stored.original_name}”")
            text = text.replace(stored.data_path, f"“{stored.original_name}”")
            text = text.replace(stored.stored_name, f"“{stored.original_name}”")
    for root in {str(settings.PORTAL_DATA_DIR), str(Path(settings.PORTAL_DATA_DIR).resolve())}:
        # anything else inside the data folder: its last part only
        text = re.sub(re.escape(root) + r"[/\\]?(?:[^\s：:，,；;）)”]*[/\\])?", "", text)
    return text
