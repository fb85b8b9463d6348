"""The local OpenID provider in the tests: started once per test run by the tests that need it
(the `local_idp` fixture), stopped at the end; and a person's way through its login page, as a
browser would go, for the view tests (the browser tier uses Chromium itself)."""

import re
from urllib.parse import urlsplit

import pytest
import requests

from devdata.idp import LocalProvider, client, staff_account

SECRET = "test-client-secret"
SECRET_ENV = "BTS_OIDC_TEST_SECRET"
PASSWORD = "idp-password"
STAFF, IDPORTEN = "staff", "idporten"

# The municipality's identity provider's people. A test gives BTS the accounts it needs.
ACCOUNTS = {
    # Signs in with two factors at the provider.
    "kari": staff_account(
        "kari", "kari.nordmann@kommune.invalid", "Kari Nordmann", password=PASSWORD
    ),
    # Password only at the provider.
    "ola": staff_account(
        "ola", "ola.hansen@kommune.invalid", "Ola Hansen", password=PASSWORD, mfa=False
    ),
    # Has left: deactivated at the provider.
    "sluttet": staff_account(
        "sluttet", "per.sluttet@kommune.invalid", "Per Sluttet", password=PASSWORD, disabled=True
    ),
}


def entries(*, base_url: str, accounts: list[dict]) -> list[dict]:
    return [
        {
            "name": STAFF,
            "kind": "staff",
            "title": "Testkommune",
            "clients": [client("bts-staff", SECRET, base_url)],
            "accounts": accounts,
        },
        {
            "name": IDPORTEN,
            "kind": "idporten",
            "title": "ID-porten",
            "clients": [client("bts-family", SECRET, base_url, family=True)],
        },
    ]


def through_login(authorize_url: str, form: dict, *, stop_at: str) -> str:
    """Follow the provider from its authorize URL through its login form, as a browser does,
    until it sends the person back to `stop_at` (the app); return that URL. The provider's
    answer when it does not send them back is an AssertionError with its page."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    action = re.search(r'<form method="post" action="([^"]+)"', response.text)
    assert action, response.text[:500]
    url = f"{urlsplit(response.url).scheme}://{urlsplit(response.url).netloc}{action.group(1)}"
    response = browser.post(url, data=form, allow_redirects=False, timeout=10)
    while response.is_redirect:
        location = response.headers["Location"]
        if location.startswith(stop_at):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(response.text[:800])


@pytest.fixture(scope="session")
def local_idp():
    """The provider with two issuers, a municipality's (ACCOUNTS) and "ID-porten", for the
    test client (http://testserver)."""
    accounts = list(ACCOUNTS.values())
    with LocalProvider(entries(base_url="http://testserver", accounts=accounts)) as idp:
        yield idp
