"""The browser tests' fixtures: Debian's Chromium through Playwright, one page per test, and a
screenshot of that page when a test fails (under the run's basetemp, in screenshots/; the path
is printed in the failure report).

Without the `chromium` binary (Debian package `chromium`; `scripts/system-packages` installs it
as root) or the `playwright` package, every browser test skips and says which is missing.
"""
import re

import pytest

import labdriver


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the browser tests need the Python package playwright (pip install -r requirements.txt)")
    if labdriver.chromium_path() is None:
        pytest.skip(f"the browser tests need Chromium: install the Debian package `{labdriver.CHROMIUM_PACKAGE}` "
                    "(apt-get install chromium; scripts/system-packages does it as root)")
    with sync_playwright() as playwright:
        chromium = labdriver.launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the run, so that JupyterLab's scripts load from the cache after the first page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, save a screenshot of each page the test used (while it is still open)."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when == "teardown":
        return
    pages = [value for value in getattr(item, "funcargs", {}).values()
             if type(value).__name__ == "Page" and hasattr(value, "screenshot")]
    if not pages:
        return
    folder = item.config._tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
    saved = []
    for number, page in enumerate(pages):
        path = folder / f"{stem}-{call.when}-{number}.png"
        try:
            page.screenshot(path=str(path))
            saved.append(str(path))
        except Exception as error:  # a crashed page: say so, keep the test's own failure
            saved.append(f"(no screenshot: {error})")
    report.sections.append(("screenshots", "\n".join(saved)))
    print(f"\nscreenshots of {item.nodeid}: {', '.join(saved)}")
