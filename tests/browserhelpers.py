"""Helpers for the portal's browser tests (Debian's chromium driven by Playwright).

The fixtures that start the browser and a live ``jidi-docs serve`` are in
``tests/web/conftest.py``; both live for one test module, whose tests share them (open a new
browser context per user, not a new browser).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "IMAGES", "login", "require_browser", "shot"]

ROOT = Path(__file__).resolve().parent.parent
#: Where the README's screenshots live (refreshed with ``JIDI_SCREENSHOTS=1``).
IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
#: Headless, as root, and without the background requests this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_browser() -> None:
    """Skip without chromium locally; fail in CI, where scripts/install_system_deps.sh installs it."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(
            "CI 环境必须安装 chromium（scripts/install_system_deps.sh），浏览器测试不得跳过"
        )
    pytest.skip("chromium is not installed")


def shot(page: Any, name: str) -> None:
    """Save a screenshot as ``docs/images/portal-<name>.png`` when ``JIDI_SCREENSHOTS`` is set."""
    if os.environ.get("JIDI_SCREENSHOTS"):
        IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMAGES / f"portal-{name}.png"), full_page=False)


def login(page: Any, server: str, user: str, password: str) -> None:
    """Log in through the portal's login page, as a person would."""
    page.goto(f"{server}/login/")
    page.fill('input[name="username"]', user)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
