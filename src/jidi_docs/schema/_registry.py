"""The registry of the forms' sections: every section and column of an application, written once.

`sections.yaml` (next to this module) lists, for each section of 附件2《申报表》 and the 佐证材料
list, its YAML key, Python name, form heading and note, workbook file, and its columns (label,
Python name, type, required, Chinese description, example). Everything else reads it from here:
the pydantic models (`jidi_docs.schema`), the editor's JSON Schema (``jidi-docs schema``), the
``init`` scaffold (YAML comments, workbook headers, notes, drop-downs), the spreadsheet reader
(``{文件: 讲师.xlsx}``), ``extract`` and the form contexts. It also holds the 学历 levels and the
default 认定批次. What changes from one 认定批次 to the next (districts, 评价表) is in the profile.

Public accessors, for any code that needs the sections as data (a web form, a report)::

    from jidi_docs.schema import registry, sections

    for section in sections():            # Section objects, in the forms' order
        section.key, section.heading, section.workbook
        for column in section.columns:    # Column objects
            column.label, column.name, column.type, column.required,
            column.description, column.example

`registry()` returns the whole `Registry` (with `education_levels`, `default_batch`, `root`, the
application's top-level keys); `load_registry(path)` reads another registry file of the same format
(the tests use it to add a column and see it everywhere).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, cast

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .. import _cache
from ._form import BasicLayout, Figure, FormLayout, Pick

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = [
    "SUMMARY_FILE",
    "Column",
    "ColumnType",
    "Registry",
    "Section",
    "load_registry",
    "read_data_file",
    "registry",
    "sections",
]

T = TypeVar("T")

#: The kinds of value a column holds (see sections.yaml for what each accepts).
ColumnType = Literal[
    "文字",
    "长文字",
    "整数",
    "数字",
    "日期",
    "时间段",
    "日期或长期",
    "电话",
    "信用代码",
    "学历",
    "选项",
    "区县",
    "指标",
    "认定批次",
    "文字列表",
    "文件",
    "栏目",
    "自评分",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _layout(value: Any) -> BasicLayout | None:
    return None if value is None else BasicLayout.read(value)


def _each(read: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    """A validator reading every item of a list with `read` (the `_form` shapes)."""

    def each(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise ValueError("应为列表")  # noqa: TRY004 - pydantic reports a ValueError at its key
        return tuple(read(v) for v in value)

    return each


class Column(_Frozen):
    """One column of a section: a YAML key of one item, a workbook header, a cell of the form."""

    label: str = Field(alias="列名", min_length=1)
    name: str = Field(alias="名称", pattern=r"^[a-z_][a-z0-9_]*$")
    type: ColumnType = Field(alias="类型")
    required: bool = Field(False, alias="必填")
    description: str = Field("", alias="说明")
    example: Any = Field(None, alias="例子")
    choices: tuple[str, ...] = Field((), alias="选项")
    header_aliases: tuple[str, ...] = Field((), alias="表头别名")
    form_headers_: tuple[str, ...] = Field((), alias="表中列名")
    template_key: str | None = Field(None, alias="模板键")
    text_format: bool = Field(False, alias="文本格式")
    office_only: bool = Field(False, alias="综试办填写")
    width: float | None = Field(None, alias="列宽", gt=0)
    format: str = Field("{值}", alias="格式")
    heading: str | None = Field(None, alias="标题")
    sign_lines: tuple[str, ...] = Field((), alias="签章")
    keep_names: bool = Field(False, alias="名称不拆行")

    @property
    def form_headers(self) -> tuple[str, ...]:
        """Headers of this column in the 申报表's table (its label unless written otherwise)."""
        return self.form_headers_ or (self.label,)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the column goes by: printed, label, aliases."""
        return tuple(dict.fromkeys((*self.form_headers, self.label, *self.header_aliases)))

    @field_validator("example", mode="before")
    @classmethod
    def _hashable(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @model_validator(mode="after")
    def _choices_for_choice(self) -> Column:
        if (self.type == "选项") != bool(self.choices):
            raise ValueError(f"栏目“{self.label}”：只有类型为“选项”的栏目写“选项”，且必须写")
        return self


class Section(_Frozen):
    """A section: 基本情况, one of the lists of 附件2, 培训场地 (inside 基本情况) or 佐证材料."""

    key: str = Field(alias="键", min_length=1)
    model: str = Field(alias="模型", pattern=r"^[A-Z][A-Za-z]*$")
    parent: str | None = Field(None, alias="上级")
    heading: str | None = Field(None, alias="标题")
    form_note: str | None = Field(None, alias="表注")
    description: str = Field("", alias="说明")
    workbook: str | None = Field(None, alias="工作簿")
    template_key: str | None = Field(None, alias="模板键")
    form_headings: tuple[str, ...] = Field((), alias="表中标题")
    form_markers: tuple[str, ...] = Field((), alias="表中标志")
    layout_: Annotated[Any, BeforeValidator(_layout)] = Field(None, alias="表格")
    columns: tuple[Column, ...] = Field(alias="列", min_length=1)

    @property
    def layout(self) -> BasicLayout | None:
        """The grid of 基本情况 (表格); None for the other sections."""
        return cast("BasicLayout | None", self.layout_)

    def column(self, label: str) -> Column:
        """Return the column with this label (KeyError if there is none)."""
        for c in self.columns:
            if c.label == label:
                return c
        raise KeyError(label)

    @property
    def labels(self) -> list[str]:
        """The column labels, in order."""
        return [c.label for c in self.columns]

    @property
    def required(self) -> list[str]:
        """Labels of the columns that must be filled."""
        return [c.label for c in self.columns if c.required]


class Root(_Frozen):
    """The application's top-level keys (sections appear as columns of type 栏目)."""

    model: str = Field(alias="名称")
    description: str = Field("", alias="说明")
    columns: tuple[Column, ...] = Field(alias="列", min_length=1)


class Registry(_Frozen):
    """The whole registry: 学历 levels, the default 认定批次, the top-level keys, the sections."""

    default_batch: str = Field(alias="默认认定批次", min_length=1)
    education_levels: tuple[str, ...] = Field(alias="学历", min_length=1)
    bachelor_or_above: tuple[str, ...] = Field(alias="本科及以上")
    # The 申报表's layout and listings (`_form`) are read by hand into dataclasses; typed Any
    # here so that pydantic builds no schema for them (start-up), the properties below type them.
    form_: Annotated[Any, BeforeValidator(FormLayout.read)] = Field(alias="附件2")
    figures_: Annotated[Any, BeforeValidator(_each(Figure.read))] = Field(alias="计算项")
    review_figures_: Annotated[Any, BeforeValidator(_each(Pick.read))] = Field(alias="预审数字")
    summary_columns_: Annotated[Any, BeforeValidator(_each(Pick.read))] = Field(alias="汇总表")
    root: Root = Field(alias="申报")
    sections: tuple[Section, ...] = Field(alias="栏目", min_length=1)

    @property
    def form(self) -> FormLayout:
        """附件2 as a whole: the 序号 column's width, the closing note."""
        return cast("FormLayout", self.form_)

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The figures the program computes (计算项)."""
        return cast("tuple[Figure, ...]", self.figures_)

    @property
    def review_figures(self) -> tuple[Pick, ...]:
        """The figures the 预审 report lists (预审数字)."""
        return cast("tuple[Pick, ...]", self.review_figures_)

    @property
    def summary_columns(self) -> tuple[Pick, ...]:
        """The 汇总表's columns before the conditions (汇总表)."""
        return cast("tuple[Pick, ...]", self.summary_columns_)

    @model_validator(mode="after")
    def _consistent(self) -> Registry:
        keys = [s.key for s in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError("栏目的键重复")
        for owner, columns in [("申报", self.root.columns)] + [
            (s.key, s.columns) for s in self.sections
        ]:
            for c in columns:
                if c.type == "栏目" and c.label not in keys:
                    raise ValueError(f"{owner} → {c.label}：没有这个栏目")
            labels = [c.label for c in columns]
            names = [c.name for c in columns]
            if len(set(labels)) != len(labels) or len(set(names)) != len(names):
                raise ValueError(f"{owner}：列名或名称重复")
        for s in self.sections:
            if s.parent is not None and s.parent not in keys:
                raise ValueError(f"{s.key}：上级栏目“{s.parent}”不存在")
            unknown = set(s.form_markers) - set(s.labels)
            if unknown:
                raise ValueError(
                    f"{s.key}：表中标志“{'、'.join(sorted(unknown))}”不是这一栏目的列名"
                )
        if not set(self.bachelor_or_above) <= set(self.education_levels):
            raise ValueError("本科及以上的学历必须在学历列表中")
        self._consistent_form(keys)
        return self

    def _consistent_form(self, keys: list[str]) -> None:
        basic = self.mapping_section
        if basic.layout is None:
            raise ValueError(f"{basic.key}：缺少“表格”")
        for cell in basic.layout.cells:
            for part in cell:
                self.basic_part(part)  # raises for an unknown name
        for figure in self.figures:
            if figure.checks is not None and figure.checks not in keys:
                raise ValueError(f"计算项“{figure.name}”：核对的栏目“{figure.checks}”不存在")
        for pick in (*self.review_figures, *self.summary_columns):
            if pick.source != SUMMARY_FILE:
                self.basic_part(pick.source)

    def basic_part(self, name: str) -> Column | Figure:
        """Return the 基本情况 column labelled `name`, or else the figure named so.

        Raises:
            ValueError: neither exists (so a misspelt name in ``sections.yaml`` is refused).
        """
        for column in self.mapping_section.columns:
            if column.label == name:
                return column
        for figure in self.figures:
            if figure.name == name:
                return figure
        raise ValueError(f"“{name}”既不是{self.mapping_section.key}的栏目，也不是计算项")

    def pick_value(self, app: Any, source: str) -> Any:
        """Return the value of a 基本情况 column or figure (`basic_part`) for application `app`."""
        part = self.basic_part(source)
        if isinstance(part, Figure):
            return getattr(app, str(part.attribute))
        mapping = self.root_column_of_type("栏目", required=True)
        return getattr(getattr(app, mapping.name), part.name)

    def section(self, key: str) -> Section:
        """Return the section with this YAML key (KeyError if there is none)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def path(self, key: str) -> tuple[str, ...]:
        """Where section `key` sits in the application: ``("基本情况", "培训场地")``."""
        section = self.section(key)
        return (*self.path(section.parent), key) if section.parent else (key,)

    @property
    def lists(self) -> list[Section]:
        """Sections that are lists of rows (all but 基本情况), each may come from a spreadsheet."""
        return [s for s in self.sections if s.key != self.mapping_section.key]

    @property
    def mapping_section(self) -> Section:
        """The one section that is a single mapping, not a list: 基本情况."""
        return self.section(self.root_column_of_type("栏目", required=True).label)

    def root_column_of_type(self, type_: str, *, required: bool | None = None) -> Column:
        """The first top-level column of `type_` (and the given required-ness)."""
        for c in self.root.columns:
            if c.type == type_ and (required is None or c.required == required):
                return c
        raise KeyError(type_)

    @property
    def form_sections(self) -> list[Section]:
        """The list sections printed as tables of 附件2, in the form's order."""
        return [s for s in self.lists if s.template_key]

    @property
    def workbooks(self) -> dict[str, str]:
        """``{section key: workbook file}`` of the sections ``init`` creates a workbook for."""
        return {s.key: s.workbook for s in self.sections if s.workbook}

    def columns(self) -> Iterator[tuple[Section | Root, Column]]:
        """Every (owner, column) pair: the top-level keys, then each section's columns."""
        for c in self.root.columns:
            yield self.root, c
        for s in self.sections:
            for c in s.columns:
                yield s, c


#: The 汇总表 column that shows the application's file (no field of the application).
SUMMARY_FILE = "文件"

_REGISTRY_FILE = Path(__file__).with_name("sections.yaml")


def read_data_file(path: Path) -> Any:
    """Return the plain data of a YAML file shipped with the package (libyaml when available).

    Package data is validated by the tests, so a plain parse is enough; files users write go
    through the positioned reader of `jidi_docs.input`, which reports problems at their lines.

    Why the data is cached as JSON (`jidi_docs._cache`, keyed by the package version and the
    file's bytes): PyYAML builds every object in Python even with libyaml, and reading
    ``sections.yaml`` and a profile took ~20 ms of every command's start; the same data reads
    from JSON in under 1 ms. An entry is written only when JSON gives back exactly what YAML
    gave; the data is validated as before either way.
    """
    raw = path.read_bytes()
    name = _cache.key("yaml-data", yaml.__version__, _SafeLoader.__name__, raw)
    cached = _cache.read("data", name)
    if cached is not None:
        try:
            return json.loads(cached, object_hook=_from_json)
        except ValueError:
            pass  # a damaged entry: parse the file again and replace it
    data = yaml.load(raw.decode("utf-8"), Loader=_SafeLoader)
    encoded = _exact_json(data)
    if encoded is not None:
        _cache.write("data", name, encoded)
    return data


#: How a YAML date or timestamp is written in the JSON of a cache entry.
_DATE, _DATETIME = "$date", "$datetime"


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    raise TypeError(type(value).__name__)


def _from_json(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and isinstance(value := next(iter(obj.values())), str):
        if _DATETIME in obj:
            return dt.datetime.fromisoformat(value)
        if _DATE in obj:
            return dt.date.fromisoformat(value)
    return obj


def _exact_json(data: Any) -> bytes | None:
    """`data` as JSON, or None when reading that JSON would not give back the same data (keys
    that are not text, a mapping that looks like a tagged date, NaN, a type JSON lacks …)."""
    try:
        text = json.dumps(data, ensure_ascii=False, default=_to_json)
        same = json.loads(text, object_hook=_from_json) == data
    except (TypeError, ValueError):
        return None
    return text.encode("utf-8") if same else None


def load_registry(path: Path) -> Registry:
    """Return the registry in the YAML file at `path` (the format of ``sections.yaml``)."""
    return Registry.model_validate(read_data_file(path))


@cache
def registry() -> Registry:
    """Return the built-in registry (``schema/sections.yaml``), read once per process."""
    return load_registry(_REGISTRY_FILE)


def sections() -> tuple[Section, ...]:
    """Return the sections of the built-in registry, in the forms' order."""
    return registry().sections
