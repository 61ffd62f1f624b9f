"""Shared pytest fixtures for the jidi_docs test suite."""

from __future__ import annotations

import pytest
from pdfhelpers import require_soffice


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of the soffice executable (tests using it should be marked `soffice`).

    Skips locally without LibreOffice; fails when CI is set, because the CI image installs it
    and a skip there would hide every conversion test.
    """
    return require_soffice()
