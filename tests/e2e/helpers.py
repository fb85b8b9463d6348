"""Small helpers shared by the browser tests."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Response, expect

LOGIN_PATH = "/logg-inn/"


SETUP_PATH, CODE_PATH = "/logg-inn/tofaktor/", "/logg-inn/kode/"


def one_time_code(key: bytes) -> str:
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def unused_code(device: TOTPDevice) -> str:
    """The code the phone shows now, or its next one (a clock a little ahead), whichever the
    device has not taken yet; if both are spent, wait for the next code, as a person would."""
    while True:
        now = time.time()
        real = int(now - device.t0) // device.step
        for step in (real, real + 1):
            if step > device.last_t and abs(step - real - device.drift) <= device.tolerance:
                return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(device.step - (now - device.t0) % device.step + 0.1)


def login(page: Page, live_server, username: str, password: str) -> None:
    """Log in through the real login form and wait for the page the form leads to.

    An account that needs a second factor then sets up its authenticator app with the key the
    setup page shows (the first time), or types the app's code, as a person would."""
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("load")
    path = urlsplit(page.url).path
    if path == SETUP_PATH:
        shown = page.locator("code.bts-secret").inner_text()
        code = one_time_code(base64.b32decode(shown.replace(" ", "")))
        button = "Bekreft og fortsett"
    elif path == CODE_PATH:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        code, button = unused_code(device), "Fortsett"
    else:
        return
    form_field(page, "Engangskode").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def login_with_session(page: Page, live_server, user) -> None:
    """Log `user` in without the login form: Django's test client makes the session, and the
    browser gets its cookie. Much faster than `login`; for tests about the pages behind the
    login, not about logging in (the form has its own tests)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.value,
                # `__Host-` cookies need path "/" and are refused with a url instead.
                "domain": urlsplit(live_server.url).hostname,
                "path": "/",
                "httpOnly": settings.SESSION_COOKIE_HTTPONLY,
                "secure": settings.SESSION_COOKIE_SECURE,
                "sameSite": settings.SESSION_COOKIE_SAMESITE or "Lax",
            }
        ]
    )


def logout(page: Page) -> None:
    """Log out with the header's button and wait for the login page."""
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")


def form_field(scope: Page | Locator, label: str) -> Locator:
    """The control labelled exactly `label`; a required field's label also says "(må fylles ut)"."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \(må fylles ut\))?$"))


def wait_for_htmx(page: Page, timeout: float = 5_000) -> None:
    """Wait until htmx has no request in flight (no element carries the class htmx-request)."""
    page.wait_for_function(
        "() => document.querySelector('.htmx-request') === null", timeout=timeout
    )


def assert_css_loaded(page: Page) -> None:
    """The stylesheets really arrived: the header has its coloured background, not the default."""
    header = page.locator("header.bts-header")
    expect(header).to_be_visible()
    background = header.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("", "transparent", "rgba(0, 0, 0, 0)"), (
        f"header background is {background!r}: bts.css did not load"
    )


@dataclass
class BrowserLog:
    """Everything that went wrong in the browser: console errors (CSP violations among them),
    uncaught script errors, HTTP responses >= 400 and failed requests."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            self.problems.append(f"console error on {location or message.page}: {message.text}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(
                f"HTTP {response.status} for {response.request.method} {response.url}"
            )

    def _on_request_failed(self, request: Request) -> None:
        # Leaving a page cancels what it still loads (the favicon, say): net::ERR_ABORTED is no
        # fault. A missing file is still caught, as an HTTP status in _on_response.
        if "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def assert_clean(self, where: str = "") -> None:
        """Fail with every problem seen since the last check, then start afresh."""
        problems, self.problems = self.problems, []
        assert not problems, f"browser problems{f' ({where})' if where else ''}:\n" + "\n".join(
            f"  - {p}" for p in problems
        )
