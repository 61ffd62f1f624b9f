"""Locate the bundled .docx templates, installed or in a source checkout."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from . import _platform
from .errors import TemplateError

__all__ = ["TEMPLATE_NAMES", "template_path"]

#: The templates jidi_docs ships: the two forms, by the name the official notice gives them, and
#: the bundle's cover and contents pages.
TEMPLATE_NAMES = ("附件1", "附件2", "封面")

#: Top-level templates/ of a source checkout (src/jidi_docs/_resources.py → repo root).
_REPO_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def template_path(name: str) -> Path:
    """Return the path of the bundled template `name` ("附件1", "附件2" or "封面").

    Why two places: a built wheel carries the top-level ``templates/`` as package data
    ``jidi_docs/templates`` (pyproject force-include), while an editable install or a plain
    ``PYTHONPATH=src`` run only has the repository's ``templates/``. Package data wins.

    Raises:
        TemplateError: the name is unknown or the file is in neither place.
    """
    if name not in TEMPLATE_NAMES:
        known = "、".join(TEMPLATE_NAMES)
        raise TemplateError(f"没有名为「{name}」的模板（可用的模板：{known}）。")
    filename = f"{name}.docx"
    on_disk = _platform.shipped(filename)
    packaged = importlib.resources.files("jidi_docs") / "templates" / on_disk
    if packaged.is_file():
        # files() of a regular (non-zip) install is a real directory, so this is a real path.
        return Path(str(packaged))
    dev = _REPO_TEMPLATES / on_disk
    if dev.is_file():
        return dev
    raise TemplateError(
        f"找不到模板文件 {filename}：安装包中的 jidi_docs/templates/ 和源码目录 "
        f"{_REPO_TEMPLATES} 中都没有。请重新安装 jidi_docs，或在源码目录运行 "
        f"python scripts/make_templates.py 重新生成模板。"
    )
