"""The editor's Django forms, generated from the registry's pages (`jidi_docs.web._pages`).

A page is one form (基本情况, 自评分, 申报单位审核意见) or one formset with a form per row (the
lists); a table inside a form (基本情况 → 培训场地) is a formset of that form. The fields take any
text: whether a value is right is the library's validator's to say, the one authority. Its
messages are attached to the fields the Django way (`Form.add_error`), so the page renders each
next to its input and the save answer names each by the input's path.

Names and paths: a form's prefix is its data path (``基本情况``), a formset's too
(``基本情况.培训场地``), so an input is named ``基本情况.培训场地-0-地址`` and carries
``data-path="基本情况.培训场地.0.地址"`` — the path the library's messages are mapped to
(`jidi_docs.web._library.path_of_field`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils.datastructures import MultiValueDict

from ._library import as_list, evidence_accept
from ._pages import Input, Page
from ._widgets import ChoiceSelect, FilesWidget, LinesTextarea, Uploaded

__all__ = ["PageForm", "page_form"]

#: The placeholder of a new row's index in the row template (Django's own).
NEW = "__prefix__"


class _Located:
    """What a field of the editor knows besides Django's: its data path and whether the library
    requires it (shown as 必填; the check is the library's)."""

    path: str = ""
    must: bool = False


class TextField(_Located, forms.CharField):
    """Any text (the library judges it)."""


class LinesField(TextField):
    """One short text per line → a list (blank lines dropped)."""

    widget = LinesTextarea

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class FilesField(_Located, forms.Field):
    """The data paths of a 佐证材料 entry's uploaded files."""

    widget = FilesWidget

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else []


_MODES = {"integer": "numeric", "number": "decimal"}


def _field(inp: Input, path: str) -> forms.Field:
    attrs: dict[str, Any] = {"data-path": path}
    if inp.required:
        attrs["aria-required"] = "true"
    field: TextField | FilesField
    if inp.kind == "choice":
        field = TextField(widget=ChoiceSelect(inp.choices, attrs))
    elif inp.kind == "textarea":
        field = TextField(widget=forms.Textarea({**attrs, "rows": 4}))
    elif inp.kind == "lines":
        field = LinesField(widget=LinesTextarea({**attrs, "rows": 3}))
    elif inp.kind == "files":
        field = FilesField(widget=FilesWidget(attrs))
    else:
        if inp.kind in _MODES:
            attrs["inputmode"] = _MODES[inp.kind]
        if inp.kind == "date":
            attrs["placeholder"] = "如 2015-06-18"
        field = TextField(widget=forms.TextInput(attrs))
    field.required = False  # the library says what is missing, in its own words
    field.label = inp.key
    field.help_text = inp.hint
    field.path = path
    field.must = inp.required
    return field


class RowForm(forms.Form):
    """The inputs of a page, or of one row of a table, with the tables inside it."""

    use_required_attribute = False

    def __init__(
        self,
        data: MultiValueDict[str, Any] | None = None,
        *,
        inputs: tuple[Input, ...],
        path: str,
        uploads: Mapping[str, Uploaded],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(data, **kwargs)
        self.inputs = inputs
        self.path = path
        self.tables: dict[str, TableFormSet] = {}
        for inp in inputs:
            child = f"{path}.{inp.key}" if path else inp.key
            if inp.rows is not None:
                self.tables[inp.key] = table(inp.rows, child, data, uploads)
                continue
            field = self.fields[inp.key] = _field(inp, child)
            # the hint, the library's message and a reviewer's note describe the input
            ident = f"f-{self.add_prefix(inp.key)}"
            described = [f"{ident}_helptext"] if field.help_text else []
            field.widget.attrs["aria-describedby"] = " ".join(
                [*described, f"{ident}_error", f"{ident}_note"]
            )
            if isinstance(field.widget, FilesWidget):
                field.widget.uploads = dict(uploads)
                field.widget.accept, field.widget.kinds = evidence_accept()

    @property
    def index(self) -> str:
        """This row's index in its table (``__prefix__`` for the template of a new row)."""
        return self.path.rsplit(".", 1)[-1]

    def items(self) -> list[tuple[Input, Any]]:
        """(input, bound field or table) in the page's order, for the templates."""
        return [(i, self.tables.get(i.key) or self[i.key]) for i in self.inputs]

    def value(self) -> dict[str, Any]:
        """The data the form was filled with (blank inputs as blank text, lists as lists)."""
        self.is_valid()  # the fields take any text: this only fills cleaned_data
        cleaned = getattr(self, "cleaned_data", {})
        out: dict[str, Any] = {}
        for inp in self.inputs:
            if inp.rows is not None:
                out[inp.key] = self.tables[inp.key].value()
            elif inp.kind in ("lines", "files"):
                out[inp.key] = cleaned.get(inp.key) or []
            else:
                out[inp.key] = cleaned.get(inp.key, "")
        return out

    def fields_by_path(self) -> Iterator[tuple[str, RowForm, str]]:
        """Yield (data path, form, field name) of every input, tables included."""
        for name, field in self.fields.items():
            assert isinstance(field, _Located)
            yield field.path, self, name
        for formset in self.tables.values():
            for form in formset.forms:
                yield from form.fields_by_path()


if TYPE_CHECKING:
    _Rows = BaseFormSet[RowForm]
else:  # Django's class is generic for the type checker only
    _Rows = BaseFormSet


class TableFormSet(_Rows):
    """The rows of a table; each row a `RowForm` whose path is ``<table path>.<index>``."""

    def __init__(self, data: MultiValueDict[str, Any] | None = None, *, path: str, **kwargs: Any):
        self.path = path
        super().__init__(data, prefix=path, auto_id="f-%s", **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        return {**kwargs, "path": f"{self.path}.{NEW if index is None else index}"}

    def value(self) -> list[dict[str, Any]]:
        """Every row's data, in order (a blank row stays: the library says what it lacks)."""
        return [form.value() for form in self.forms]


def table(
    inputs: tuple[Input, ...],
    path: str,
    data: MultiValueDict[str, Any] | None,
    uploads: Mapping[str, Uploaded],
) -> TableFormSet:
    """Return the formset of a table at `path` (its prefix is the path)."""
    return _Table(data, path=path, form_kwargs={"inputs": inputs, "uploads": uploads})


#: At most as many rows as the upload limits let a page send (Django's own guard besides).
_Table = cast(
    "type[TableFormSet]",
    formset_factory(RowForm, formset=TableFormSet, extra=0, max_num=1000, absolute_max=1000),
)


class PageForm:
    """The form (or formset) of one editor page, bound to data as the browser sends it."""

    def __init__(
        self, page: Page, data: MultiValueDict[str, Any], uploads: Mapping[str, Uploaded]
    ) -> None:
        self.page = page
        self.form: RowForm | None = None
        self.table: TableFormSet | None = None
        if page.kind == "list":
            self.table = table(page.inputs, page.key, data, uploads)
        else:
            path = "" if page.kind == "text" else page.key
            self.form = RowForm(
                data, inputs=page.inputs, path=path, uploads=uploads, prefix=path or None
            )
        #: messages at the page's own path or at a row, not at one input
        self.page_errors: list[str] = []

    def fix(self, path: str, value: str, hint: str) -> None:
        """Show the input at `path` with `value`, not to be changed here (the office sets it)."""
        for at, form, name in self._fields():
            if at == path:
                field = form.fields[name]
                field.disabled = True  # Django then takes the value from `initial`, not the post
                field.widget = forms.TextInput({**field.widget.attrs})
                field.help_text = hint
                form.initial[name] = value

    def complete(self) -> bool:
        """False when a table's row count is missing or garbled (the page would lose rows)."""
        tables = [self.table] if self.table is not None else []
        if self.form is not None:
            tables += list(self.form.tables.values())
        return all(t.management_form.is_valid() for t in tables)

    def value(self) -> Any:
        """The page's data, as the application's key `page.key` holds it."""
        if self.table is not None:
            return self.table.value()
        assert self.form is not None
        value = self.form.value()
        return value[self.page.key] if self.page.kind == "text" else value

    def _fields(self) -> Iterator[tuple[str, RowForm, str]]:
        if self.form is not None:
            yield from self.form.fields_by_path()
        if self.table is not None:
            for form in self.table.forms:
                yield from form.fields_by_path()

    def attach(self, issues: list[dict[str, str]]) -> list[dict[str, str]]:
        """Attach the library's messages to this page's fields; return the other pages' issues."""
        fields = {path: (form, name) for path, form, name in self._fields()}
        elsewhere = []
        for issue in issues:
            path = issue["path"]
            if path in fields:
                form, name = fields[path]
                form.add_error(name, issue["message"])
            elif path == self.page.key or path.startswith(f"{self.page.key}."):
                where = issue["field"].removeprefix(self.page.key).lstrip(" →")
                self.page_errors.append(
                    f"「{where}」{issue['message']}" if where else issue["message"]
                )
            else:
                elsewhere.append(issue)
        return elsewhere

    def errors(self) -> dict[str, list[str]]:
        """The messages attached to each input, by its data path."""
        out: dict[str, list[str]] = {}
        for path, form, name in self._fields():
            if name in form.errors:
                out[path] = [str(e) for e in form.errors[name]]
        return out


# ---------------------------------------------------------------------------------------------
# stored data → the data a browser would send (how a page is shown: its forms bound to it)
# ---------------------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def _put_form(
    out: MultiValueDict[str, Any],
    prefix: str | None,
    path: str,
    inputs: tuple[Input, ...],
    value: Any,
) -> None:
    data = value if isinstance(value, Mapping) else {}
    for inp in inputs:
        name = f"{prefix}-{inp.key}" if prefix else inp.key
        child = data.get(inp.key)
        if inp.rows is not None:
            _put_table(out, f"{path}.{inp.key}" if path else inp.key, inp.rows, child)
        elif inp.kind in ("lines", "files"):
            items = as_list(child)
            if inp.kind == "lines":
                out[name] = "\n".join(map(_scalar, items))
            else:
                out.setlist(name, [_scalar(v) for v in items])
        else:
            out[name] = _scalar(child)


def _put_table(
    out: MultiValueDict[str, Any], path: str, inputs: tuple[Input, ...], value: Any
) -> None:
    rows = value if isinstance(value, list) else []
    out[f"{path}-TOTAL_FORMS"] = str(len(rows))
    out[f"{path}-INITIAL_FORMS"] = "0"
    for n, row in enumerate(rows):
        _put_form(out, f"{path}-{n}", f"{path}.{n}", inputs, row)


def as_data(page: Page, value: Any) -> MultiValueDict[str, Any]:
    """Return the stored value of `page` as the data its form posts."""
    out: MultiValueDict[str, Any] = MultiValueDict()
    if page.kind == "list":
        _put_table(out, page.key, page.inputs, value)
    elif page.kind == "text":
        _put_form(out, None, "", page.inputs, {page.key: value})
    else:
        _put_form(out, page.key, page.key, page.inputs, value)
    return out


def page_form(
    page: Page,
    *,
    value: Any = None,
    data: MultiValueDict[str, Any] | None = None,
    uploads: Mapping[str, Uploaded] | None = None,
) -> PageForm:
    """Return the form of `page` bound to what the browser sent (`data`) or to the stored `value`."""
    return PageForm(page, data if data is not None else as_data(page, value), uploads or {})
