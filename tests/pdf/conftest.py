"""Fixtures for the PDF-stage tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jidi_docs.pdf import _fontindex


@pytest.fixture(autouse=True)
def _font_families_read_per_test() -> Iterator[None]:
    """`installed_families` is read once per process; a test that installs stand-in fonts (a
    方正小标宋简体 in a simulated Windows folder) must not leave them to the tests after it."""
    _fontindex.installed_families.cache_clear()
    yield
    _fontindex.installed_families.cache_clear()
