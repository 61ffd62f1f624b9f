"""Load applications and profiles from YAML, reporting every problem with file, line and field.

The steps are kept apart so each can be used alone: `read_text` (bytes → text, encoding errors),
`parse_yaml` (text → plain data with positions), `validate` (data → models). Errors from all of
them become `InputError` or `ValidationFailed`, whose messages are complete Chinese sentences.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Issue, ValidationFailed
from ..schema import Application, Profile, Registry, builtin_profile, model_for, registry
from ._coerce import as_path
from ._folders import EVIDENCE_DIR, FolderEvidence, folder_evidence
from ._tables import read_tables
from ._yaml import Path_, YamlDoc, label, parse_yaml, read_text

__all__ = [
    "APPLICATION_FILE",
    "application_file",
    "as_application",
    "get_profile",
    "load",
    "load_profile_file",
    "loads",
    "validate",
]

M = TypeVar("M", bound=BaseModel)
#: The application file of a folder made by ``jidi-docs init``.
APPLICATION_FILE = "申报.yaml"


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Return `loc` without the parts pydantic adds for union members (``literal['长期']`` …).

    Why: those parts are not keys the user wrote; they would show up in the field path and hide
    the line of the value. A part is kept when it leads into the data, or names the missing key.
    """
    out: list[str | int] = []
    current = data
    for n, part in enumerate(loc):
        if (isinstance(current, Mapping) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]
        elif not (isinstance(current, Mapping) and n == len(loc) - 1):
            continue
        out.append(part)
    return tuple(out)


def _issues(
    err: ValidationError, root: type[BaseModel], doc: YamlDoc | None, data: Any = None
) -> list[Issue]:
    from . import _messages  # the messages are needed only when something is wrong

    issues: list[Issue] = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for e in err.errors(include_url=False):
        loc = _data_loc(data, tuple(e["loc"])) if data is not None else tuple(e["loc"])
        if (loc, e["type"]) in seen:
            continue  # the same value failing several union members: one message is enough
        seen.add((loc, e["type"]))
        e["loc"] = loc
        message = _messages.describe(e, root)
        mark = None
        if doc is not None:
            # An unknown key is shown at the key; a missing one at the key of the mapping that
            # lacks it (``基本情况:``), or at the list item when the mapping is one.
            if e["type"] == "extra_forbidden":
                mark = doc.mark(loc, key=True)
            elif e["type"] == "missing":
                mark = doc.mark(loc[:-1], key=True)
            else:
                mark = doc.mark(loc)
        file = doc.source if doc is not None else None
        if mark is not None and mark.file is not None:
            file = mark.file
        issues.append(
            Issue(
                file,
                mark.line if mark else None,
                mark.column if mark else None,
                label(loc),
                message,
            )
        )
    issues.sort(key=lambda i: (i.file or "", i.line or 0, i.column or 0))
    return issues


def _validate_model(model: type[M], data: Any, doc: YamlDoc | None, source: str | None) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ValidationFailed(_issues(err, model, doc, data), source=source) from None


def _pick_profile(data: Mapping[str, Any], doc: YamlDoc | None, source: str | None) -> Profile:
    """Return the profile named by the 认定批次 key, reporting an unknown name at its line."""
    from ..errors import ProfileError

    default = registry().default_batch
    name = data.get("认定批次", default) if isinstance(data, Mapping) else default
    if not isinstance(name, str) or not name:
        name = default
    try:
        return get_profile(name)
    except ProfileError as e:
        mark = doc.mark(("认定批次",)) if doc is not None else None
        issue = Issue(
            doc.source if doc else None,
            mark.line if mark else None,
            mark.column if mark else None,
            "认定批次",
            str(e),
        )
        raise ValidationFailed([issue], source=source) from None


def validate(
    data: Mapping[str, Any],
    *,
    profile: Profile | str | Path | None = None,
    doc: YamlDoc | None = None,
    source: Path | None = None,
    reg: Registry | None = None,
    evidence_folders: bool = False,
) -> Application:
    """Return a validated Application built from plain data (keys are the Chinese labels).

    Args:
        data: the application as a mapping, e.g. what a YAML file holds.
        profile: the 认定批次 to validate against; by default the one named by ``认定批次``.
        doc: positions of the data in its YAML text, so errors can name lines.
        source: the file the data came from; evidence paths are relative to its folder.
        reg: the registry of sections the data follows (by default the built-in one).
        evidence_folders: also take the files in ``佐证材料/<指标>/`` beside `source` as that
            indicator's evidence (`jidi_docs.input._folders`); notices go to the warnings.

    Raises:
        ValidationFailed: with every problem found, each naming file, line and field.
    """
    name = str(source) if source is not None else (doc.source if doc else None)
    if profile is None:
        chosen = _pick_profile(data, doc, name)
    elif isinstance(profile, Profile):
        chosen = profile
    else:
        chosen = get_profile(profile)
    base_dir = source.parent if source is not None else None
    # The spreadsheets' problems are reported with the YAML's, not instead of them.
    data, table_issues = read_tables(data, doc=doc, base_dir=base_dir, reg=reg)
    found = None
    if evidence_folders and base_dir is not None:
        data, found = _with_folders(data, base_dir, chosen)
    try:
        app = _validate_model(model_for(chosen, reg), data, doc, name)
    except ValidationFailed as failed:
        own = doc.source if doc is not None else name
        raise ValidationFailed(_in_order(failed.issues + table_issues, own), source=name) from None
    if table_issues:
        raise ValidationFailed(table_issues, source=name)
    app._profile = chosen
    app._registry = reg
    app._source = source
    if doc is not None:
        app._warnings = list(doc.warnings)
    _mark_origins(app, doc, found)
    if found is not None:
        app._warnings += found.notices(name, chosen.evidence_groups)
    return app


def _in_order(issues: list[Issue], source: str | None) -> list[Issue]:
    """The YAML file's (`source`) own problems first, by line, then each spreadsheet's, by row."""
    return sorted(
        issues, key=lambda i: (i.file != source, i.file or "", i.line or 0, i.column or 0)
    )


#: The application's key of its 佐证材料 list.
_EVIDENCE_KEY = Application.model_fields["evidence"].alias or "evidence"


def _with_folders(
    data: Mapping[str, Any], base_dir: Path, profile: Profile
) -> tuple[Mapping[str, Any], FolderEvidence]:
    """Return `data` with the files of the indicators' folders added to its 佐证材料 list."""
    key = _EVIDENCE_KEY
    entries = data.get(key)
    found = folder_evidence(entries, base_dir, profile.evidence_groups)
    if found.entries and (entries is None or isinstance(entries, list)):
        data = {**data, key: [*(entries or []), *found.entries]}
    return data, found


def _mark_origins(app: Application, doc: YamlDoc | None, found: FolderEvidence | None) -> None:
    """Record where each 佐证材料 entry was written (file and line) or found (its folder)."""
    added = len(found.entries) if found is not None else 0
    listed = len(app.evidence) - added
    for i, entry in enumerate(app.evidence):
        if i >= listed:
            entry._origin = f"文件夹 {EVIDENCE_DIR}/{entry.indicator}"
            entry._found_in_folder = True
            continue
        if doc is not None:
            entry._origin = functools.partial(_where, doc, (_EVIDENCE_KEY, i))


def _where(doc: YamlDoc, path: Path_) -> str | None:
    """``佐证材料.xlsx（工作表 …） 第 3 行`` or ``申报.yaml 第 80 行``: where `path` was written."""
    mark = doc.mark(path)
    if mark is None:
        return None
    return f"{mark.file or Path(doc.source).name} 第 {mark.line} 行"


def loads(
    text: str,
    *,
    source: str = "<文本>",
    profile: Profile | str | Path | None = None,
    base_dir: Path | None = None,
) -> Application:
    """Return the Application described by YAML `text`.

    Args:
        text: YAML in the format of ``data/示例/申报.yaml``.
        source: a name for the text in error messages.
        profile: overrides the ``认定批次`` key.
        base_dir: the folder evidence paths are relative to (default: the current folder);
            when given, its ``佐证材料/<指标>/`` folders are read as in `load`.
    """
    if not isinstance(text, str):
        raise TypeError(f"参数 text 应为 YAML 文字（str），而不是 {type(text).__name__}")
    doc = parse_yaml(text, source)
    origin = (as_path(base_dir, "base_dir") / source) if base_dir is not None else None
    return validate(
        doc.data, profile=profile, doc=doc, source=origin, evidence_folders=origin is not None
    )


def load(path: str | Path, *, profile: Profile | str | Path | None = None) -> Application:
    """Return the Application described by the YAML file at `path`.

    The files in the ``佐证材料/<指标>/`` folders beside it are that indicator's evidence, also
    those its 佐证材料 list does not name (`jidi_docs.input._folders`).

    Raises:
        InputError: the file is missing, not UTF-8, empty, not YAML, or not a mapping.
        ValidationFailed: the content is wrong; every problem is listed with its line.
    """
    path = application_file(as_path(path, "path", "申报 YAML 文件或申报文件夹"))
    notes: list[Issue] = []
    doc = parse_yaml(read_text(path, notes), str(path))
    doc.warnings[:0] = notes
    return validate(doc.data, profile=profile, doc=doc, source=path, evidence_folders=True)


def application_file(path: Path) -> Path:
    """Return `path`, or the 申报.yaml inside it when `path` is an application folder.

    Why: ``jidi-docs init 我的申报`` makes a folder, and people then name that folder, not the
    file in it, to every later command.

    Raises:
        InputError: a folder without 申报.yaml.
    """
    if not path.is_dir():
        return path
    inside = path / APPLICATION_FILE
    if inside.is_file():
        return inside
    raise InputError(
        Issue(
            str(path),
            None,
            None,
            "",
            f"这是一个文件夹，里面没有 {APPLICATION_FILE}。请给出申报 YAML 文件，"
            "或先用 jidi-docs init 新建申报文件夹。",
        )
    )


def load_profile_file(path: Path) -> Profile:
    """Return the 认定批次 profile in the YAML file at `path`, validated like any input."""
    doc = parse_yaml(read_text(path), str(path))
    return _validate_model(Profile, doc.data, doc, str(path))


def get_profile(name_or_path: str | Path | None = None) -> Profile:
    """Return a built-in profile by name (``杭州-2021``) or load one from a YAML file.

    Without an argument, the registry's default 认定批次.

    Raises:
        ProfileError: unknown name.
        InputError / ValidationFailed: the profile file is unreadable or invalid.
    """
    if not isinstance(name_or_path, (str, PathLike, type(None))):
        raise TypeError(
            "认定批次应为批次名称（如 杭州-2021）或批次文件的路径，"
            f"而不是 {type(name_or_path).__name__}"
        )
    if not name_or_path:
        return builtin_profile(registry().default_batch)
    if isinstance(name_or_path, Path) or str(name_or_path).endswith((".yaml", ".yml")):
        return load_profile_file(Path(name_or_path))
    return builtin_profile(str(name_or_path))


def as_application(value: Any, name: str = "app") -> Application:
    """Return `value` if it is an `Application`; load it if it is a path.

    Raises:
        TypeError: neither an Application nor a path.
        InputError / ValidationFailed: the file cannot be read or is wrong.
    """
    if isinstance(value, Application):
        return value
    if isinstance(value, (str, os.PathLike)):
        return load(Path(value))
    raise TypeError(
        f"参数 {name} 应为 Application（jidi_docs.load 的结果）或申报 YAML 文件的路径，"
        f"而不是 {type(value).__name__}"
    )
