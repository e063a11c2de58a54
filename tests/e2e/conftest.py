"""Chromium for the browser tests, driven by Playwright: a fresh context per page, and a
screenshot in test-artifacts/ when a test fails."""

import os
from pathlib import Path

import pytest

from tests.e2e.browser import TIMEOUT_MS

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    """Every test here drives the browser, so `-m "not browser"` (make test-fast) leaves each
    out, also one whose mark was forgotten."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every browser here signs in from 127.0.0.1, and allauth allows 30 sign-ins a minute
    from one address: without this, earlier tests' sign-ins throttle a later test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM}: apt-get install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, request):
    """Open a fresh browser context (a phone-sized one by default); screenshots on failure."""
    contexts = []

    def open_page(*, locale="de-DE", width=390, height=844):
        context = chromium.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "rep_call", None) and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                shot = ARTIFACTS / f"{request.node.name}-{number}.png"
                page.screenshot(path=shot, full_page=True)
        context.close()
