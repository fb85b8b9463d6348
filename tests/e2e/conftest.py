"""Browser tests: Debian's chromium, driven by Playwright, against pytest-django's live server.

Playwright's sync API keeps an asyncio event loop running in the main thread for as long as
Playwright is started, and Django refuses ORM calls from a thread with a running loop
(SynchronousOnlyOperation) unless DJANGO_ALLOW_ASYNC_UNSAFE is set. pytest-playwright starts
Playwright once per session, which would leave the loop (and the need for the variable) running
through every test collected after this folder. So here Playwright and the browser live for this
package only: `playwright`, `browser_type`, `launch_browser`, `browser` and `browser_context_args`
are overridden with scope="package", and the variable is set just before Playwright starts and
restored right after it stops. Nothing of it reaches the other test folders.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserType, Page, Playwright, sync_playwright

from bts.models import Role, Service
from bts.services import membership_grant
from levels.loader import load_guide
from tests.factories import ServiceFactory, UserFactory

from .helpers import BrowserLog

CHROMIUM = "/usr/bin/chromium"
GUIDE_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "veiledere" / "ovre-eiker.toml"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


# --- Playwright, confined to this package -------------------------------------------------------


@pytest.fixture(scope="package")
def _django_orm_beside_playwright_loop() -> Iterator[None]:
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def playwright(
    _django_orm_beside_playwright_loop, _pw_api_request_contexts
) -> Iterator[Playwright]:
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Playwright cannot download its own browsers here; use Debian's chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict, browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server) -> dict:
    return {
        "base_url": live_server.url,
        "locale": "nb-NO",
        "timezone_id": "Europe/Oslo",
        "viewport": {"width": 1280, "height": 900},
    }


# --- What every browser test gets ---------------------------------------------------------------


@pytest.fixture(autouse=True)
def browser_log(page: Page) -> Iterator[BrowserLog]:
    """Collects console errors (a CSP violation is one), uncaught errors and failed requests.

    Tests call `browser_log.assert_clean()` after each page; this teardown check is the safety net
    for anything after the last call.
    """
    log = BrowserLog()
    log.attach(page)
    yield log
    log.assert_clean("at end of test")


# --- Data ---------------------------------------------------------------------------------------


@pytest.fixture
def active_guide(transactional_db):
    """Øvre Eiker's guide, loaded from the real fixture file and made active."""
    return load_guide(GUIDE_FILE)


@pytest.fixture
def ansatt(transactional_db):
    """«ansatt» (Ingrid), an employee in a kindergarten; password is tests.factories.PASSWORD."""
    kindergarten = ServiceFactory(name="Solsikken barnehage")
    user = UserFactory(username="ansatt", first_name="Ingrid", last_name="Ansatt")
    membership_grant(user=user, role=Role.EMPLOYEE, service=kindergarten)
    return user


@pytest.fixture
def leder(ansatt):
    """«leder» (Marius), leader of ansatt's kindergarten; password is tests.factories.PASSWORD."""
    kindergarten = Service.objects.get(name="Solsikken barnehage")
    user = UserFactory(username="leder", first_name="Marius", last_name="Leder")
    membership_grant(user=user, role=Role.LEADER, service=kindergarten)
    return user


@pytest.fixture
def eikebakken(transactional_db):
    """A school: another service that can be brought into a case."""
    return ServiceFactory(name="Eikebakken skole", kind=Service.Kind.SCHOOL)
