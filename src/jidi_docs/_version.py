"""The installed version of jidi_docs, read once from the package metadata."""

from __future__ import annotations

from functools import cache

__all__ = ["package_version"]


@cache
def package_version() -> str:
    """Return the installed distribution's version, or ``0.0.0+source`` in a bare checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jidi-docs")
    except PackageNotFoundError:  # running from a source checkout without installation
        return "0.0.0+source"
