"""Test the public API of the jidi_docs package: `__all__` is complete and sorted, imports are lazy."""

from __future__ import annotations

import subprocess
import sys
import types

import jidi_docs

#: Names the package module binds for itself: ``from __future__ import annotations``, the
#: typing helpers of its lazy re-exports.
NOT_API = {"annotations", "TYPE_CHECKING", "Any", "attach"}


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

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"
