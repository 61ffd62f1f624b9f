"""HTML inputs for one editor page, generated from the library's field specs.

Every piece of user text goes through `format_html`/`escape`; the inputs carry ``data-path``
(``讲师.0.学历``) so the page's script can collect the section and place messages by path.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ._library import FieldSpec, accept_attribute, kind_labels

__all__ = ["section_html"]


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return ""
    return str(value)


def _hint(spec: FieldSpec) -> str:
    parts = []
    if spec.required:
        parts.append("必填")
    if spec.description:
        parts.append(spec.description)
    if spec.maximum is not None:
        parts.append(
            f"最高 {spec.maximum:g} 分" if spec.kind == "number" else f"≤ {spec.maximum:g}"
        )
    return "；".join(parts)


def _errors(path: str, errors: dict[str, list[str]]) -> SafeString:
    return format_html(
        '<span class="err" data-err="{}">{}</span>',
        path,
        "；".join(errors.get(path, [])),
    )


def _scalar(spec: FieldSpec, path: str, value: Any, errors: dict[str, list[str]]) -> SafeString:
    text = _value_text(value)
    bad = " invalid" if path in errors else ""
    if spec.kind == "enum":
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((o, mark_safe(" selected") if o == text else "", o) for o in spec.options),
        )
        return format_html(
            '<select data-path="{}" class="field{}" aria-label="{}"><option value="">（请选择）'
            "</option>{}</select>",
            path,
            bad,
            spec.key,
            options,
        )
    if spec.kind == "textarea":
        return format_html(
            '<textarea data-path="{}" class="field{}" rows="4" aria-label="{}">{}</textarea>',
            path,
            bad,
            spec.key,
            text,
        )
    if spec.kind == "list":
        lines = "\n".join(map(str, value)) if isinstance(value, list) else text
        return format_html(
            '<textarea data-path="{}" data-list="1" class="field{}" rows="3" aria-label="{}" '
            'placeholder="一行一个">{}</textarea>',
            path,
            bad,
            spec.key,
            lines,
        )
    mode = {"integer": "numeric", "number": "decimal"}.get(spec.kind, "text")
    placeholder = "YYYY-MM-DD" if spec.kind == "date" else ""
    return format_html(
        '<input type="text" inputmode="{}" data-path="{}" class="field{}" value="{}" '
        'aria-label="{}" placeholder="{}">',
        mode,
        path,
        bad,
        text,
        spec.key,
        placeholder,
    )


def _files(
    path: str, value: Any, names: dict[str, str], errors: dict[str, list[str]]
) -> SafeString:
    files = value if isinstance(value, list) else ([value] if value else [])
    chips = format_html_join(
        "",
        '<li class="file"><input type="hidden" data-path="{}" data-multi="1" value="{}">'
        '<span>{}</span> <button type="button" class="remove-file">移除</button></li>',
        ((path, f, names.get(str(f), str(f))) for f in files),
    )
    return format_html(
        '<div class="files" data-files-path="{}"><ul>{}</ul>'
        '<label class="drop">添加文件（{}；可拖放到这里，手机可直接拍照）'
        '<input type="file" class="upload" multiple accept="{}"></label></div>{}',
        path,
        chips,
        "、".join(kind_labels()),
        accept_attribute(),
        _errors(path, errors),
    )


def _cell(spec: FieldSpec, path: str, value: Any, ctx: dict[str, Any]) -> SafeString:
    if spec.kind == "files":
        return _files(path, value, ctx["names"], ctx["errors"])
    if spec.kind == "table":
        return _table(spec, path, value, ctx)
    if spec.kind == "object":
        return _object(spec, path, value, ctx)
    return format_html(
        "{}{}", _scalar(spec, path, value, ctx["errors"]), _errors(path, ctx["errors"])
    )


def _object(spec: FieldSpec, path: str, value: Any, ctx: dict[str, Any]) -> SafeString:
    data = value if isinstance(value, dict) else {}
    rows = []
    for column in spec.columns:
        child = f"{path}.{column.key}"
        rows.append(
            format_html(
                '<div class="row-field"><label class="{}">{}</label><div>{}<small>{}</small></div>'
                "</div>",
                "required" if column.required else "",
                column.key,
                _cell(column, child, data.get(column.key), ctx),
                _hint(column),
            )
        )
    return format_html('<div class="object">{}</div>', mark_safe("".join(rows)))


def _row(spec: FieldSpec, path: str, index: int | str, item: Any, ctx: dict[str, Any]) -> str:
    data = item if isinstance(item, dict) else {}
    cells = "".join(
        format_html("<td>{}</td>", _cell(c, f"{path}.{index}.{c.key}", data.get(c.key), ctx))
        for c in spec.columns
    )
    return format_html(
        '<tr class="table-row">{}<td><button type="button" class="remove-row">删除此行</button>'
        "</td></tr>",
        mark_safe(cells),
    )


def _table(spec: FieldSpec, path: str, value: Any, ctx: dict[str, Any]) -> SafeString:
    items = value if isinstance(value, list) else []
    head = format_html_join(
        "",
        '<th class="{}" title="{}">{}</th>',
        (("required" if c.required else "", _hint(c), c.key) for c in spec.columns),
    )
    body = "".join(_row(spec, path, i, item, ctx) for i, item in enumerate(items))
    # The empty row to copy lives in a <template>: inert HTML, not script.
    blank = _row(spec, path, "__n__", {}, {**ctx, "errors": {}})
    return format_html(
        '<div class="table" data-table-path="{}"><table><thead><tr>{}<th></th></tr></thead>'
        '<tbody>{}</tbody></table><template class="row-template"><table><tbody>{}</tbody>'
        '</table></template><button type="button" class="add-row">添加一行</button>{}</div>',
        path,
        head,
        mark_safe(body),
        mark_safe(blank),
        _errors(path, ctx["errors"]),
    )


def section_html(
    spec: FieldSpec, value: Any, *, errors: dict[str, list[str]], names: dict[str, str]
) -> SafeString:
    """Return the inputs of one section filled with `value`; `errors` maps path → messages."""
    ctx = {"errors": errors, "names": names}
    return _cell(spec, spec.key, value, ctx)
