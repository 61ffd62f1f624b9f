"""The editor's own Django widgets: choices that keep an unknown value, lines, evidence files.

Each widget renders through a template in ``templates/portal/widgets/`` (Django's form renderer),
so every piece of user text is escaped by the template engine; nothing here builds HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from django import forms
from django.utils.datastructures import MultiValueDict

from ._library import as_list

__all__ = ["ChoiceSelect", "FilesWidget", "LinesTextarea", "Uploaded"]


class ChoiceSelect(forms.Select):
    """A drop-down of the registry's (or the profile's) choices.

    A stored value that is none of them (an imported ``学历: 大学``) stays selected and is shown
    as it is, so opening the page never changes the data; the library's message says what is
    allowed.
    """

    def __init__(self, choices: tuple[str, ...], attrs: dict[str, Any] | None = None) -> None:
        self.offered = [("", "（请选择）"), *((c, c) for c in choices)]
        super().__init__(attrs, choices=self.offered)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        text = "" if value is None else str(value)
        known = any(text == c for c, _ in self.offered)
        self.choices = (
            self.offered if known else [*self.offered, (text, f"{text}（不在可选范围内）")]
        )
        return super().get_context(name, value, attrs)


class LinesTextarea(forms.Textarea):
    """A list of short texts typed one per line (涉及平台)."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return super().format_value(value)


class Uploaded(NamedTuple):
    """An uploaded evidence file as its entry shows it."""

    #: the name the file had on the user's device
    name: str
    #: where the user opens it again, to check what was uploaded
    url: str


class FilesWidget(forms.Widget):
    """The files of one 佐证材料 entry: the ones uploaded, each a link to open it and removable,
    and two upload buttons (choose files; take a photo with the phone's camera)."""

    template_name = "portal/widgets/files.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        #: data path (``佐证材料/<generated name>``) → the uploaded file it names
        self.uploads: dict[str, Uploaded] = {}
        #: what the upload control accepts (the library's table of evidence kinds)
        self.accept = ""
        self.kinds = ""

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> list[str]:
        values = data.getlist(name) if isinstance(data, MultiValueDict) else [data.get(name)]
        return [str(v) for v in values if v]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # no file left is an answer too

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        files = []
        for p in map(str, as_list(value)):
            known = self.uploads.get(p)  # else a path typed elsewhere (an import): no link
            name = known.name if known else p.rsplit("/", 1)[-1]
            files.append({"path": p, "name": name, "url": known.url if known else ""})
        context["widget"]["files"] = files
        final = context["widget"]["attrs"]
        context["widget"]["path"] = final.get("data-path", "")
        context["widget"]["describedby"] = final.get("aria-describedby", "")
        context["widget"]["accept"] = self.accept
        context["widget"]["kinds"] = self.kinds
        return context
