"""The version of jidi_docs: written here once; the build reads it (``[tool.hatch.version]``).

Why a constant and not ``importlib.metadata``: importing that module costs more than all the
rest of ``jidi-docs --version`` (it parses e-mail headers), see ``benchmarks/startup.py``.
"""

from __future__ import annotations

__all__ = ["__version__", "package_version", "version_line"]

__version__ = "0.1.0"


def package_version() -> str:
    """Return the version of jidi_docs."""
    return __version__


def version_line() -> str:
    """What ``jidi-docs --version`` prints."""
    return f"jidi-docs {__version__}"
