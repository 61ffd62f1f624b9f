"""Helpers for the portal's browser tests (Debian's chromium driven by Playwright).

The fixtures that start the browser and a live ``jidi-docs serve`` are in
``tests/web/conftest.py``; both live for one test module, whose tests share them (open a new
browser context per user, not a new browser).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "IMAGES",
    "VIEWPORTS",
    "audit_page",
    "login",
    "require_axe",
    "require_browser",
    "shot",
]

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


#: The sizes every page must work at: a phone (iPhone 12–15) and a common office laptop.
VIEWPORTS = {"手机": (390, 844), "电脑": (1366, 768)}
#: axe-core (the accessibility rules), installed by scripts/install_system_deps.sh with npm.
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
#: ASCII words a page may show: names of file kinds, programs and units users know.
KNOWN_WORDS = {
    "PDF", "JPG", "PNG", "TIFF", "WebP", "HEIC", "Word", "WPS", "Excel", "MB", "KB",
    "zip", "docx", "xlsx", "xlsm", "csv", "pdf", "jpg", "jpeg", "png", "tif", "tiff", "webp",
    "heic", "Cookie",
}  # fmt: skip
#: Words of the command line and the YAML file: they mean nothing to someone using the pages.
JARGON = ("YAML", "yaml", "jidi-docs", "命令行", "冒号后", "缩进", "{文件", "申报.yaml", "终端")


def require_axe() -> str:
    """Return axe-core's source; skip without it locally, fail in CI (npm installs it there)."""
    if AXE.is_file():
        return AXE.read_text(encoding="utf-8")
    if os.environ.get("CI"):
        pytest.fail("CI 环境必须安装 axe-core（scripts/install_system_deps.sh 用 npm 安装）")
    pytest.skip("axe-core is not installed (scripts/install_system_deps.sh)")


#: What the page looks like to the checks: sizes, texts, targets (run in the page).
_MEASURE = """() => {
  const shown = e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && !e.closest("[hidden]");
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (e.getAttribute("name") ? "[" + e.getAttribute("name") + "]" : "") + " " +
    (e.textContent || "").trim().slice(0, 20) + " " + Math.round(e.getBoundingClientRect().width) +
    "×" + Math.round(e.getBoundingClientRect().height);
  // a table's row shown as a card: its table's header row is not shown
  const inCard = e => {
    const table = e.closest(".table");
    const head = table && table.querySelector(":scope > .thead");
    return Boolean(e.closest(".row")) && (!head || getComputedStyle(head).display === "none");
  };
  const inputs = [...document.querySelectorAll("input, select, textarea")].filter(e =>
    !["hidden", "file", "checkbox", "radio"].includes(e.type) && shown(e));
  const targets = [...document.querySelectorAll(
    "button, a.button, select, input:not([type]), input[type=text], input[type=password], " +
    "summary, nav a, header a, label.drop")].filter(shown);
  const attrs = [...document.querySelectorAll("[placeholder], [aria-label], [title], [alt]")]
    .map(e => ["placeholder", "aria-label", "title", "alt"].map(a => e.getAttribute(a) || "").join(" "));
  return {
    viewport: document.documentElement.clientWidth,
    scroll: document.documentElement.scrollWidth,
    narrow: inputs.filter(e => e.getBoundingClientRect().width < 120 && !inCard(e)).map(name),
    small: targets.filter(e => {
      const r = e.getBoundingClientRect();
      return r.height < 44 || r.width < 44;
    }).map(name),
    text: [document.title, document.body.innerText, ...attrs].join(" | "),
  };
}"""

_AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
}"""


def audit_page(page: Any, axe: str, *, data_words: set[str] = frozenset()) -> dict[str, Any]:
    """Check the page as every page of the portal must be; return what was found wrong.

    - no horizontal scroll: the page is no wider than the viewport;
    - every visible input at least 120 px wide, or in a table row shown as a card;
    - buttons, drop-downs, inputs and navigation links at least 44 × 44 px;
    - axe-core: no serious or critical violation;
    - no English: every ASCII word is a file kind's or program's name, or the user's own data
      (`data_words`: what the user typed, names of the files uploaded);
    - no jargon of the command line or the YAML file.
    """
    page.wait_for_load_state()
    seen = page.evaluate(_MEASURE)
    page.evaluate(axe)  # axe-core defines window.axe; evaluated by the test, not by the page
    words = set(re.findall(r"[A-Za-z]{2,}", seen["text"]))
    found = {
        "scroll": seen["scroll"] if seen["scroll"] > seen["viewport"] else None,
        "narrow inputs": seen["narrow"],
        "small targets": seen["small"],
        "axe": page.evaluate(_AXE_RUN),
        "english": sorted(words - KNOWN_WORDS - set(data_words)),
        "jargon": [j for j in JARGON if j in seen["text"] and j not in data_words],
    }
    return {k: v for k, v in found.items() if v}


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
    with page.expect_navigation():
        page.click('main button[type="submit"]')  # not the header's 退出 of a signed-in user
