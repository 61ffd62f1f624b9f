"""The editor's pages, read from the registry of the forms' sections and the 认定批次 profile.

One page per top-level key of an application a base fills in (``sections.yaml`` → ``申报``), in
the forms' order: 基本情况 (one mapping, with its 培训场地 table), each list of 附件2 (a table), the
申报单位审核意见 (one text), the 评价表's 自评分 (one number per indicator of the profile) and the
佐证材料 list. What each input is (its label, kind, choices, whether it must be filled, its hint)
comes from the registry's column; choices that change from one 认定批次 to the next (districts,
indicators) from the application's profile. Nothing here restates a rule: whether a value is
right is the library's validator's to say (`jidi_docs.web._library.validate_draft`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from . import _library as lib

__all__ = ["Input", "Page", "page_of", "pages"]

#: How a column is typed in: the registry's types grouped by the input a person uses.
InputKind = Literal["text", "textarea", "integer", "number", "date", "choice", "lines", "files"]
PageKind = Literal["mapping", "list", "text", "scores"]

_KINDS: dict[str, InputKind] = {
    "长文字": "textarea",
    "整数": "integer",
    "数字": "number",
    "日期": "date",
    "学历": "choice",
    "选项": "choice",
    "区县": "choice",
    "指标": "choice",
    "文字列表": "lines",
    "文件": "files",
}


@dataclass(frozen=True)
class Input:
    """One input of a page: a column of the registry (or an indicator of the 评价表)."""

    key: str  # the data's key: the column's label
    kind: InputKind
    required: bool = False
    hint: str = ""
    choices: tuple[str, ...] = ()
    #: a table inside a mapping (基本情况 → 培训场地): its own inputs, one row per item
    rows: tuple[Input, ...] | None = None


@dataclass(frozen=True)
class Page:
    """One page of the editor: one top-level key of the application."""

    key: str
    heading: str
    kind: PageKind
    inputs: tuple[Input, ...]
    #: what the form itself asks for next to the section (its 表注), or the web's own hint
    note: str = ""

    @property
    def is_table(self) -> bool:
        return self.kind == "list"

    @property
    def has_files(self) -> bool:
        """True when an input (or a table's) holds uploaded files."""
        return any(
            i.kind == "files" or any(r.kind == "files" for r in i.rows or ()) for i in self.inputs
        )


def _hint(column: lib.Column) -> str:
    """The column's hint on a web page: the registry's web hint where its 说明 is about YAML."""
    return column.web_description or column.description


def _choices(column: lib.Column, profile: lib.Profile, reg: lib.Registry) -> tuple[str, ...]:
    if column.type == "学历":
        return reg.education_levels
    if column.type == "区县":
        return tuple(profile.districts)
    if column.type == "指标":
        return tuple(profile.evidence_groups)
    return column.choices


def _inputs(section: lib.Section, profile: lib.Profile, reg: lib.Registry) -> tuple[Input, ...]:
    out = []
    for column in section.columns:
        if column.office_only or column.type == "认定批次":
            continue
        if column.type == "栏目":
            inner = reg.section(column.label)
            out.append(
                Input(
                    column.label,
                    "text",
                    column.required,
                    inner.web_description or inner.description,
                    rows=_inputs(inner, profile, reg),
                )
            )
            continue
        out.append(
            Input(
                column.label,
                _KINDS.get(column.type, "text"),
                column.required,
                _hint(column),
                _choices(column, profile, reg),
            )
        )
    return tuple(out)


def _scores(profile: lib.Profile) -> tuple[Input, ...]:
    """自评分: one number per indicator of the profile's 评价表, up to its points."""
    return tuple(
        Input(
            i.name,
            "number",
            False,
            f"满分 {lib.points(i.max_points)} 分；只写数字，不写表示尚未自评",
        )
        for i in profile.indicators
    )


def pages(batch: str | None = None, reg: lib.Registry | None = None) -> tuple[Page, ...]:
    """Return the editor's pages for the 认定批次 `batch` (default: the registry's default), from
    the built-in registry or `reg` (another registry file of the same format)."""
    return _built_in(batch) if reg is None else _pages(batch, reg)


@cache
def _built_in(batch: str | None) -> tuple[Page, ...]:
    return _pages(batch, lib.registry())


def _pages(batch: str | None, reg: lib.Registry) -> tuple[Page, ...]:
    """Return the editor's pages for the 认定批次 `batch` (default: the registry's default).

    十 综试办审核意见 is the office's (``综试办填写`` in the registry) and the 认定批次 is no
    choice of the base's, so neither is a page.
    """
    profile = lib.profile(batch)
    out: list[Page] = []
    for column in reg.root.columns:
        if column.office_only or column.type == "认定批次":
            continue
        if column.type == "栏目":
            section = reg.section(column.label)
            kind: PageKind = "mapping" if section.key == reg.mapping_section.key else "list"
            heading = section.heading or column.label
            note = section.web_description or section.form_note or ""
            out.append(Page(column.label, heading, kind, _inputs(section, profile, reg), note))
        elif column.type == "自评分":
            note = f"对照《{profile.score_title}》逐项自评；总分由系统计算。"
            out.append(Page(column.label, column.label, "scores", _scores(profile), note))
        else:
            heading = column.heading or column.label
            one = Input(column.label, _KINDS.get(column.type, "text"), column.required, "")
            out.append(Page(column.label, heading, "text", (one,), _hint(column)))
    return tuple(out)


def page_of(key: str, batch: str | None = None) -> Page:
    """Return the page of top-level key `key` (KeyError when there is none)."""
    for page in pages(batch):
        if page.key == key:
            return page
    raise KeyError(key)
