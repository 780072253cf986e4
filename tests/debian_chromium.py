"""Launch Debian's Chromium through Playwright (never a downloaded browser).

Shared by the browser tests' and the security tests' fixtures. Playwright's sync API allows
one running instance per process, so every fixture in a test process gets the same
browser, started on first use and closed when the process exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
from typing import Any

import pytest

_shared: dict[str, Any] = {}


def _close() -> None:
    browser, playwright = _shared.pop("browser", None), _shared.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


def chromium_browser() -> Any:
    """The process's headless Chromium; fails the test clearly when it is not installed."""
    if "browser" in _shared:
        return _shared["browser"]
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Debian's chromium is not installed: run the suite with `make test`, which installs it"
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    args = ["--no-sandbox"] if os.geteuid() == 0 else []  # Chromium's sandbox refuses root
    _shared["playwright"] = playwright
    _shared["browser"] = playwright.chromium.launch(executable_path=path, headless=True, args=args)
    atexit.register(_close)
    return _shared["browser"]
