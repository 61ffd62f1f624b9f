"""Test the public API of the jidi_docs package: `__all__` is complete and sorted."""

from __future__ import annotations

import types


import jidi_docs


#: Names a module gets without exporting them: ``from __future__ import annotations``.
NOT_API = {"annotations"}


def public_members() -> set[str]:
    """Every public name bound in the package namespace, submodules aside."""
    return {
        name
        for name, value in vars(jidi_docs).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name not in NOT_API
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
        if isinstance(getattr(jidi_docs, n), type) and issubclass(getattr(jidi_docs, n), BaseException)
    ]

    assert len(exceptions) >= 10
    assert all(issubclass(e, jidi_docs.JidiDocsError) for e in exceptions)
    assert issubclass(jidi_docs.UserError, ValueError)
    assert issubclass(jidi_docs.InternalError, RuntimeError)


def test_library_api_from_the_readme_is_exported() -> None:
    for name in ("load", "loads", "validate", "render", "json_schema", "Application"):
        assert name in jidi_docs.__all__
