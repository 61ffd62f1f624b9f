"""The library façade: load → render (→ convert → bundle) with keyword-only options."""

from __future__ import annotations

import logging
from functools import lru_cache
from os import PathLike
from pathlib import Path

from .._fs import atomic_write_many, fit_name, path_units, safe_filename
from .._resources import template_path
from ..input import as_application, as_path
from ..schema import Application
from ._context import form1_context, form2_context
from ._template import FormTemplate, check_package

__all__ = ["form_paths", "render", "render_forms_bytes"]

logger = logging.getLogger("jidi_docs")

#: File-name parts of the two forms, as the notice names them.
FORM_TITLES = {"附件1": "评价表", "附件2": "申报表"}


@lru_cache(maxsize=8)
def _template(path: Path, mtime_ns: int) -> FormTemplate:
    del mtime_ns  # part of the cache key only: an edited template is compiled again
    return FormTemplate.load(path)


def load_template(path: Path) -> FormTemplate:
    """Return the compiled template at `path`, compiled once per process while unchanged."""
    return _template(path, path.stat().st_mtime_ns)


def form_paths(app: Application, out_dir: Path) -> dict[str, Path]:
    """Return where `render` writes each form: ``{"附件1": …评价表.docx, "附件2": …申报表.docx}``."""
    unit = safe_filename(app.basic.name, max_bytes=120)
    longest = max((f"-{k}-{t}.docx" for k, t in FORM_TITLES.items()), key=path_units)
    unit = fit_name(Path(out_dir), unit, longest)  # Windows: whole path ≤ 260 characters
    return {key: Path(out_dir) / f"{unit}-{key}-{title}.docx" for key, title in FORM_TITLES.items()}


def render_forms_bytes(
    app: Application, *, templates: dict[str, Path] | None = None
) -> tuple[dict[str, bytes], list[str]]:
    """Return both filled forms as .docx bytes keyed by ``附件1``/``附件2``, and Chinese warnings.

    Each result is checked before it is returned (`check_package`: it opens, parses, and the
    bundled templates' results hold the 单位名称), so a corrupt document is caught here as a bug
    instead of reaching the user.
    """
    contexts = {"附件1": form1_context(app), "附件2": form2_context(app)}
    out: dict[str, bytes] = {}
    warnings: list[str] = []
    for key, context in contexts.items():
        path = (templates or {}).get(key) or template_path(key)
        data, warns = load_template(Path(path)).render_bytes(context)
        own = key not in (templates or {})  # a user's own template may leave the name out
        check_package(data, f"生成的{key}", expect=[app.basic.name] if own else [])
        out[key] = data
        warnings.extend(f"{key}：{w}" for w in warns)
    return out, warnings


def render(
    app: Application | str | PathLike[str],
    out_dir: str | Path,
    *,
    templates: dict[str, Path] | None = None,
    force: bool = False,
) -> list[Path]:
    """Write 附件1《评价表》 and 附件2《申报表》 filled from `app` into `out_dir`.

    Both files are rendered in memory first and then renamed into place together, so a failure
    never leaves one new and one stale form, nor a half-written file.

    Args:
        app: a validated application (`jidi_docs.load`).
        out_dir: the folder to write to; created if missing.
        templates: other template files, keyed ``附件1``/``附件2`` (default: the bundled ones).
        force: replace files of the same name that jidi_docs did not write (see `_fs`).

    Returns:
        The paths written: [附件1, 附件2].
    """
    app = as_application(app)
    forms, warnings = render_forms_bytes(app, templates=templates)
    for warning in warnings:
        logger.warning(warning)
    paths = form_paths(app, as_path(out_dir, "out_dir"))
    return atomic_write_many({paths[k]: forms[k] for k in FORM_TITLES}, force=force)
