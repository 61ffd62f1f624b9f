"""Test the public API of the jidi_docs package: `__all__` is complete and sorted, imports are lazy."""

from __future__ import annotations

import ast
import importlib
import pickle
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest

import jidi_docs
from jidi_docs._lazy import exports_of

#: Names the package module binds for itself: ``from __future__ import annotations``, the
#: typing helpers of its lazy re-exports.
NOT_API = {"annotations", "TYPE_CHECKING", "Any", "attach"}


def fresh_python(code: str) -> str:
    """Return what `code` prints in a new interpreter (nothing imported before it)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def public_members() -> set[str]:
    """Every public name bound in the package namespace, submodules aside (all loaded first)."""
    for name in jidi_docs.__all__:
        getattr(jidi_docs, name)
    return {
        name
        for name, value in vars(jidi_docs).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in NOT_API
    }


def test_all_is_sorted_case_insensitively() -> None:
    assert jidi_docs.__all__ == sorted(jidi_docs.__all__, key=str.casefold)


def test_all_lists_public_members_and_version() -> None:
    assert set(jidi_docs.__all__) == public_members() | {"__version__"}


def test_package_namespace_holds_no_stray_public_names() -> None:
    assert public_members() == set(jidi_docs.__all__) - {"__version__"}


def test_every_name_in_all_exists() -> None:
    missing = [name for name in jidi_docs.__all__ if not hasattr(jidi_docs, name)]

    assert missing == []


def test_every_exported_exception_descends_from_the_one_root() -> None:
    exceptions = [
        getattr(jidi_docs, n)
        for n in jidi_docs.__all__
        if isinstance(getattr(jidi_docs, n), type)
        and issubclass(getattr(jidi_docs, n), BaseException)
    ]

    assert len(exceptions) >= 10
    assert all(issubclass(e, jidi_docs.JidiDocsError) for e in exceptions)
    assert issubclass(jidi_docs.UserError, ValueError)
    assert issubclass(jidi_docs.InternalError, RuntimeError)


def test_library_api_from_the_readme_is_exported() -> None:
    for name in ("load", "loads", "validate", "render", "json_schema", "Application"):
        assert name in jidi_docs.__all__


def test_dir_lists_the_public_api() -> None:
    assert [n for n in dir(jidi_docs) if not n.startswith("_")] == sorted(
        set(jidi_docs.__all__) - {"__version__"}
    )


def test_importing_the_package_loads_no_stage() -> None:
    code = (
        "import sys, jidi_docs; "
        "print(sorted(m for m in ('pydantic', 'docx', 'pikepdf', 'openpyxl', 'typer', 'yaml') "
        "if m in sys.modules))"
    )

    assert fresh_python(code) == "[]"


# ---------------------------------------------------------------------------------------------
# Every package's public face: written once, reporting public homes, pickling by reference
# ---------------------------------------------------------------------------------------------


PACKAGES = [
    "jidi_docs",
    "jidi_docs.schema",
    "jidi_docs.input",
    "jidi_docs.forms",
    "jidi_docs.pdf",
    "jidi_docs.review",
    "jidi_docs.pipeline",
]


def _reexports(package: str) -> dict[str, str]:
    """The ``from .x import Name as Name`` lines of the package's TYPE_CHECKING block, by ast."""
    source = Path(importlib.import_module(package).__file__ or "").read_text("utf-8")
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.dump(statement)
                for alias in statement.names:
                    assert alias.asname == alias.name, f"{package}: {alias.name} is no re-export"
                    found[alias.name] = "." * statement.level + (statement.module or "")
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_each_public_name_is_written_once_as_a_re_export_and_all_is_built_from_it(
    package: str,
) -> None:
    module = importlib.import_module(package)
    source = Path(module.__file__ or "").read_text("utf-8")

    assert exports_of(source) == _reexports(package)
    assert module.__all__ == sorted(_reexports(package), key=str.casefold)
    for name in module.__all__:
        assert source.count(f" {name} as {name}") == 1, name
        assert source.count(f'"{name}"') == 0, name  # no second list of names


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_of_every_package_resolves(package: str) -> None:
    module = importlib.import_module(package)

    missing = [name for name in module.__all__ if not hasattr(module, name)]

    assert missing == []


def _public_objects() -> list[tuple[str, str, object]]:
    out = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) or callable(value):
                out.append((package, name, value))
    return out


def test_public_classes_and_functions_report_the_public_package_that_exports_them() -> None:
    wrong = []
    for package, name, value in _public_objects():
        home = getattr(value, "__module__", "")
        exported_at_root = name in jidi_docs.__all__ and getattr(jidi_docs, name) is value
        expected = "jidi_docs" if exported_at_root else package
        if home != expected and home != "jidi_docs.errors":  # errors is itself a public module
            wrong.append(f"{package}.{name}: {home}")

    assert wrong == []
    assert jidi_docs.Application.__module__ == "jidi_docs"
    assert repr(jidi_docs.Application) == "<class 'jidi_docs.Application'>"


def test_public_classes_and_functions_pickle_by_their_public_name() -> None:
    for _package, name, value in _public_objects():
        assert pickle.loads(pickle.dumps(value)) is value, name


def test_type_hints_of_public_classes_still_resolve() -> None:
    for _package, _name, value in _public_objects():
        if isinstance(value, type):
            typing.get_type_hints(value)  # raises NameError on an annotation it cannot find
    hints = typing.get_type_hints(jidi_docs.Application)
    assert hints["lecturers"] == list[jidi_docs.Lecturer]


def test_pydantic_still_builds_schemas_and_subclasses_of_public_models() -> None:
    class Mine(jidi_docs.Lecturer):
        extra_remark: str | None = None

    schema = Mine.model_json_schema()

    assert "extra_remark" in schema["properties"]
    assert set(jidi_docs.Lecturer.model_json_schema()["properties"]) < set(schema["properties"])


def test_the_public_module_is_reported_however_the_class_was_first_reached() -> None:
    code = (
        "from jidi_docs.schema._model import Application; "
        "from jidi_docs.schema._registry import Column; "
        "print(Application.__module__, Column.__module__)"
    )

    assert fresh_python(code).split() == ["jidi_docs", "jidi_docs.schema"]


@pytest.mark.parametrize(
    "error",
    [
        jidi_docs.EvidenceError("图片已损坏。", entry="营业执照", path=Path("执照.jpg")),
        jidi_docs.InputError(jidi_docs.Issue("申报.yaml", 3, 5, "讲师", "不是日期。")),
        jidi_docs.InputError(
            jidi_docs.Issue("申报.yaml", 3, None, "", "全角冒号。"),
            more=[jidi_docs.Issue("申报.yaml", 9, None, "", "缺少冒号。")],
        ),
        jidi_docs.ValidationFailed([jidi_docs.Issue("a.yaml", 1, None, "学历", "x")], source="a"),
        jidi_docs.ValidationFailed(
            [jidi_docs.Issue("a.yaml", 1, None, "", "x")], source="a", head="a 还有栏目没有填写："
        ),
        jidi_docs.ConversionError("LibreOffice 转换失败", stderr="crash", returncode=81),
        jidi_docs.OutputError("无法写入", locked=True),
        jidi_docs.BundleError("无法生成"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle_with_their_message_and_data(error: Exception) -> None:
    again = pickle.loads(pickle.dumps(error))

    assert type(again) is type(error)
    assert str(again) == str(error)
    assert vars(again) == vars(error)


def _jidi_types(annotation: object) -> set[type]:
    """The jidi_docs classes an annotation names, inside unions, generics and callables."""
    found = set()
    if isinstance(annotation, type) and annotation.__module__.startswith("jidi_docs"):
        found.add(annotation)
    for argument in typing.get_args(annotation):
        for inner in argument if isinstance(argument, list) else [argument]:
            found |= _jidi_types(inner)
    return found


def test_every_type_in_a_public_signature_is_exported() -> None:
    missing = set()
    for name in jidi_docs.__all__:
        value = getattr(jidi_docs, name)
        if callable(value) and not isinstance(value, type):
            for annotation in typing.get_type_hints(value).values():
                missing |= {
                    t.__qualname__
                    for t in _jidi_types(annotation)
                    if getattr(jidi_docs, t.__qualname__, None) is not t
                }

    assert missing == set()
    assert jidi_docs.ProgressEvent.__module__ == "jidi_docs"
