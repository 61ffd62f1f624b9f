"""What the 申报表 (附件2) holds, as read from the official text: headings, labels, columns.

Every label is kept in `norm` form (no spaces, half-width brackets), so ``单 位 名 称``,
``总面积\\n（平方米）`` and ``专职／兼职`` all match. A list section is recognised by its heading
(``三、专兼职讲师``) or by a header row holding one of its marker columns (``授课主题`` …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ...schema import Column as RegistryColumn
from ...schema import Figure, Registry, builtin_profile, builtin_profiles, registry
from ...schema import Section as RegistrySection
from ._cells import norm

__all__ = [
    "BASIC",
    "BASIC_REQUIRED",
    "LISTS",
    "OFFICE",
    "OPINION",
    "BasicSpec",
    "Column",
    "ListSection",
    "basic_label",
    "basic_spec",
    "heading_of",
    "is_note",
    "list_sections",
]

BASIC = registry().mapping_section.key
#: The boxes of their own (九、十): the base's opinion and the office's.
_BOXES = [c for c in registry().root.columns if c.heading]
OPINION = next(c.label for c in _BOXES if not c.office_only)
#: 十、综试办审核意见 is the office's: read when filled in, never reported as missing.
OFFICE = next(c.label for c in _BOXES if c.office_only)


@dataclass(frozen=True)
class Column:
    """A column of a list: the YAML key it fills and the header texts that name it."""

    key: str
    labels: tuple[str, ...]
    marker: bool = False  # a header only this section has
    on_form: bool = True  # one of the official form's columns (reported when missing)


@dataclass(frozen=True)
class ListSection:
    key: str
    title: str  # the heading on the official form
    headings: tuple[str, ...]
    columns: tuple[Column, ...]
    order: tuple[str, ...] = ()  # the YAML keys of a row, in the contract's order

    def column(self, header: str) -> Column | None:
        h = norm(header)
        return next((c for c in self.columns if h in c.labels), None)


_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]?|[(][一二三四五六七八九十\d]+[)]|\d{1,2}[、.,])"
)

_NO = Column("", ("序号", "编号", "No.", "NO."), on_form=False)


def _labels(*texts: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(norm(t) for t in texts))


def _list_section(section: RegistrySection) -> ListSection:
    """A list of the form, from its registry section: headings, headers, marker columns.

    Two columns with the same form headers (职称 and 学历 under ``职称／学历``) are one cell on
    the form, read under the key of their joined labels (``职称学历``); each may also come as a
    column of its own in a form typed by hand.
    """
    columns = [_NO]
    for c in section.columns:
        group = [
            d for d in section.columns if c.form_headers_ and d.form_headers_ == c.form_headers_
        ]
        if len(group) > 1:
            key = "".join(d.label for d in group)
            if all(col.key != key for col in columns):
                marker = any(d.label in section.form_markers for d in group)
                columns.append(Column(key, _labels(*c.form_headers), marker=marker))
            columns.append(Column(c.label, _labels(c.label, *c.header_aliases), on_form=False))
        else:
            labels = _labels(*c.form_headers, c.label, *c.header_aliases)
            columns.append(Column(c.label, labels, marker=c.label in section.form_markers))
    printed = _NUMBERING.sub("", norm(section.heading or ""))  # 三、专兼职讲师 → 专兼职讲师
    headings = _labels(*section.form_headings, *([printed] if printed else []))
    return ListSection(
        section.key,
        section.heading or section.key,
        headings or (section.key,),
        tuple(columns),
        tuple(section.labels),
    )


@cache
def list_sections(reg: Registry) -> tuple[ListSection, ...]:
    """The lists of the 申报表 (二 to 八) as `extract` reads them, from the registry."""
    return tuple(_list_section(s) for s in reg.form_sections)


LISTS = list_sections(registry())

_BRACKETED = re.compile(r"\([^()]*\)")


def _label_key(text: str) -> str:
    """A label as looked up: `norm` form, brackets and what is inside them removed."""
    return _BRACKETED.sub("", norm(text))


@dataclass(frozen=True)
class BasicSpec:
    """一、基本情况 as ``extract`` reads it, from the registry's columns, figures and grid.

    Attributes:
        labels: each label a form may give a field (`_label_key` form) → the field; None for a
            figure the program computes (讲师数量 …), read past.
        required: the fields the official form has a labelled cell for → that label.
        order: the fields in the contract's order.
        cells: each field → the parts printed in its cell (itself first when the cell is its).
        multi_row: fields whose value may go on over several rows (a venue or paragraph a row).
        checked: figures printed on the form → the list whose row count they must equal.
    """

    labels: dict[str, str | None]
    required: dict[str, str]
    order: tuple[str, ...]
    cells: dict[str, tuple[RegistryColumn | Figure, ...]]
    multi_row: frozenset[str]
    checked: dict[str, str]


@cache
def basic_spec(reg: Registry) -> BasicSpec:
    """Return how 基本情况 is read, from registry `reg`."""
    section = reg.mapping_section
    assert section.layout is not None  # checked when the registry is read
    labels: dict[str, str | None] = {}
    for figure in reg.figures:
        for name in (figure.name, *figure.aliases, *figure.form_headers):
            labels[_label_key(name)] = None
    for column in section.columns:
        for name in column.names:
            labels[_label_key(name)] = column.label
    required: dict[str, str] = {}
    cells: dict[str, tuple[RegistryColumn | Figure, ...]] = {}
    for names in section.layout.cells:
        parts = tuple(reg.basic_part(n) for n in names)
        fields = [p for p in parts if isinstance(p, RegistryColumn)]
        if not fields:
            continue
        owner = fields[0].label
        for name in parts[0].form_headers:  # the cell's label names its first field
            labels[_label_key(name)] = owner
        required[owner] = parts[0].form_headers[0].replace("\n", "")
        cells[owner] = parts
        for later in fields[1:]:
            cells.setdefault(later.label, (later,))
    return BasicSpec(
        labels=labels,
        required=required,
        order=tuple(section.labels),
        cells=cells,
        multi_row=frozenset(c.label for c in section.columns if c.type in ("栏目", "长文字")),
        checked={f.name: f.checks for f in reg.figures if f.checks},
    )


#: The 基本情况 labels the built-in registry's form has, by field.
BASIC_REQUIRED = basic_spec(registry()).required


def basic_label(text: str, reg: Registry | None = None) -> tuple[bool, str | None]:
    """Return (is a 基本情况 label, the field it names or None for a computed figure)."""
    labels = basic_spec(reg or registry()).labels
    key = _label_key(text)
    if key in labels:
        return True, labels[key]
    return False, None


@cache
def _headings(reg: Registry) -> tuple[dict[str, str], frozenset[str]]:
    """Every heading text (`norm` form, numbering left out) → the part it opens; and the texts
    that are headings only when numbered (a box's alias inside another box's label: 审核意见)."""
    basic = reg.mapping_section
    found = {norm(h): basic.key for h in basic.form_headings or (basic.key,)}
    boxes = [c for c in reg.root.columns if c.heading]
    ambiguous = set()
    for box in boxes:
        for name in (box.label, *box.header_aliases):
            found[norm(name)] = box.label
            if any(name in other.label for other in boxes if other is not box):
                ambiguous.add(norm(name))
    found.update({h: s.key for s in list_sections(reg) for h in s.headings})
    return found, frozenset(ambiguous)


def heading_of(text: str, reg: Registry | None = None) -> str | None:
    """Return the section a heading names (``三、专兼职讲师`` → ``讲师``), or None.

    Only a short text that is a heading and nothing else counts: numbering, the heading, and
    at most a note in brackets (``（此栏请自行增添）``).
    """
    key = norm(text)
    if not key or len(key) > 60:
        return None
    numbered = _NUMBERING.match(key)
    key = key[numbered.end() :] if numbered else key
    key = _BRACKETED.sub("", key).rstrip(":")
    headings, numbered_only = _headings(reg or registry())
    found = headings.get(key)
    if found is None or (not numbered and key in numbered_only):
        return None
    return found


@cache
def _note() -> re.Pattern[str]:
    """The form's notes and titles: ``（请附……）``, ``注：``, ``附件2``, the 申报表 title of every
    built-in 认定批次, with or without a city before it."""
    titles = "|".join(re.escape(norm(builtin_profile(n).form_title)) for n in builtin_profiles())
    return re.compile(
        rf"^[(](?:请|此栏|注)|^注[:：]|^附件\d|^(?:[\u4e00-\u9fff]{{2,4}})?(?:{titles})$"
    )


def is_note(text: str) -> bool:
    """True for the form's notes and titles (``（请附……）``, ``（此栏请自行增添）``, ``附件2：``)."""
    return bool(_note().match(norm(text)))
