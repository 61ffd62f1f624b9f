"""Shared pytest fixtures for the jidi_docs test suite."""

from __future__ import annotations

import os
import shutil

import pytest


def find_soffice() -> str:
    """Return the soffice path; skip the test locally without it, fail when CI is set.

    Why fail on CI: the CI image installs LibreOffice, so a missing soffice there means a
    broken image, and a skip would hide every conversion test.
    """
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI 环境中找不到 LibreOffice（soffice），转换测试不能跳过。")
        pytest.skip("soffice (LibreOffice) is not installed")
    return path


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of the soffice executable (tests using it should be marked `soffice`)."""
    return find_soffice()
