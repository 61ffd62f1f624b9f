"""Helpers for the portal's server-side tests: what the editor's pages post."""

from __future__ import annotations

from typing import Any

__all__ = ["form_body", "save_page"]


def _put(out: list[tuple[str, str]], prefix: str, path: str, value: Any) -> None:
    """Add the inputs of one form (a mapping) to `out`, named as the editor's forms name them."""
    for key, child in (value or {}).items():
        name = f"{prefix}-{key}" if prefix else key
        if isinstance(child, list) and child and isinstance(child[0], dict):
            _put_rows(out, f"{path}.{key}" if path else key, child)
        elif key == "文件":
            out.extend((name, str(f)) for f in (child if isinstance(child, list) else [child]))
        elif isinstance(child, list):
            out.append((name, "\n".join(map(str, child))))
        else:
            out.append((name, "" if child is None else str(child)))


def _put_rows(out: list[tuple[str, str]], path: str, rows: list[Any]) -> None:
    out += [(f"{path}-TOTAL_FORMS", str(len(rows))), (f"{path}-INITIAL_FORMS", "0")]
    for n, row in enumerate(rows):
        _put(out, f"{path}-{n}", f"{path}.{n}", row)


def form_body(section: str, value: Any, base: int) -> str:
    """Return what the editor's page of `section` posts for `value` (urlencoded): a form per
    mapping, a formset per list (``讲师-TOTAL_FORMS``, ``讲师-0-姓名`` …), one field for a text."""
    from urllib.parse import urlencode

    out: list[tuple[str, str]] = [("section", section), ("base", str(base))]
    if isinstance(value, list):
        _put_rows(out, section, value)
    elif isinstance(value, dict):
        _put(out, section, section, value)
    else:
        out.append((section, "" if value is None else str(value)))
    return urlencode(out)


def save_page(client: Any, app: Any, section: str, value: Any, base: int | None = None) -> Any:
    """Post one page of the editor as its script does (JSON answer); `base` is the page's
    version the post was typed on (by default the stored one: no conflict)."""
    if base is None:
        app.refresh_from_db()
        base = app.section_version(section)
    return client.post(
        f"/app/{app.pk}/save/",
        form_body(section, value, base),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
    )
