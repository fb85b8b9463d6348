"""What the app accepts from an identity provider, token by token: a provider played by
`responses` (its discovery document, keys and token endpoint) hands back ID tokens that are
each wrong in one way, and each is refused with a message, an audit event and no session.

The protocol itself (PKCE, the provider's login page, the callback) is tested against the real
local provider in test_sign_in.py; here the tokens are made by hand to be what no honest
provider would send."""

import base64
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.core.cache import cache
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import RSAKey

from bts.events import AccessAudit
from bts.models import AuditEvent, ExternalIdentity, IdentityProvider, Role
from tests.factories import home_municipality

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.bts.test"
CLIENT_ID = "bts-client"
EMAIL = "kari.nordmann@kommune.invalid"
KEY = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
NEW_KEY = RSAKey.generate_key(2048, parameters={"kid": "key-2"})
FORGED = RSAKey.generate_key(2048, parameters={"kid": "key-1"})  # same kid, another key
METADATA = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "jwks_uri": f"{ISSUER}/jwks",
    "end_session_endpoint": f"{ISSUER}/logout",
    # A careless provider's list: the app keeps to its own.
    "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
}


def public(*keys: RSAKey) -> dict:
    return {"keys": [k.as_dict(private=False) for k in keys]}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.keys = public(KEY)
        self.jwks_fetched = 0
        mock.get(f"{ISSUER}/.well-known/openid-configuration", json=METADATA)
        mock.add_callback(responses.GET, f"{ISSUER}/jwks", callback=self._jwks)

    def _jwks(self, request):
        self.jwks_fetched += 1
        return 200, {"Content-Type": "application/json"}, json.dumps(self.keys)

    def answers(self, id_token: str | None = None, *, status: int = 200, body: dict | None = None):
        """What the token endpoint gives for the next code."""
        tokens = {"access_token": "at", "token_type": "Bearer", "expires_in": 300}
        self.mock.upsert(
            responses.POST,
            f"{ISSUER}/token",
            json=body or tokens | {"id_token": id_token},
            status=status,
        )


@pytest.fixture
def provider(monkeypatch):
    monkeypatch.setenv("BTS_OIDC_FAKE_SECRET", "secret")
    cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield Provider(mock)
    cache.clear()


@pytest.fixture
def staff_provider(db):
    return IdentityProvider.objects.create(
        municipality=home_municipality(),
        audience=IdentityProvider.Audience.STAFF,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="env:BTS_OIDC_FAKE_SECRET",
        match_claim="email",
    )


@pytest.fixture
def kari(make_user):
    return make_user(Role.EMPLOYEE, email=EMAIL)


def begin(client, url: str) -> dict:
    start = client.get(url)
    assert start.status_code == 302, start.content
    query = parse_qs(urlsplit(start["Location"]).query)
    return {"state": query["state"][0], "nonce": query["nonce"][0]}


def claims(expected_nonce: str, **changes) -> dict:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "subject-1",
        "iat": now,
        "exp": now + 300,
        "nonce": expected_nonce,
        "email": EMAIL,
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def signed(payload: dict, key: RSAKey = KEY, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": key.kid}, payload, key)


def staff_answer(client, provider, make_token, *, path: str = "/logg-inn/oidc/tilbake/"):
    started = begin(client, reverse("sign_in_start", args=[home_municipality().number]))
    provider.answers(make_token(started["nonce"]))
    return client.get(f"{path}?code=the-code&state={started['state']}")


def refused(response, code: str, status: int = 400) -> None:
    assert response.status_code == status, response.content[:300]
    assert list(
        AuditEvent.objects.filter(kind=AccessAudit.SIGN_IN_REFUSED).values_list("detail", flat=True)
    ) == [code]
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not ExternalIdentity.objects.exists()


def test_a_valid_token_signs_in(client, provider, staff_provider, kari):
    response = staff_answer(client, provider, lambda nonce: signed(claims(nonce)))
    assert response.status_code == 302 and response["Location"] == reverse("start")
    assert ExternalIdentity.objects.get().user == kari


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"iss": "https://evil.test"}, "token:invalid_claim:iss"),
        ({"aud": "another-client"}, "token:invalid_claim:aud"),
        ({"aud": ["another-client"], "azp": CLIENT_ID}, "token:invalid_claim:aud"),
        ({"exp": int(time.time()) - 120}, "token:expired_token:exp"),
        ({"iat": int(time.time()) + 600}, "token:invalid_claim:iat"),
        ({"nonce": "another-nonce"}, "token:invalid_claim:nonce"),
        ({"nonce": None}, "token:missing_claim:nonce"),
        ({"sub": None}, "token:missing_claim:sub"),
    ],
    ids=[
        "wrong-issuer",
        "wrong-audience",
        "audience-elsewhere-with-azp",
        "expired",
        "issued-in-the-future",
        "wrong-nonce",
        "no-nonce",
        "no-subject",
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(
    client, provider, staff_provider, kari, change, code
):
    response = staff_answer(client, provider, lambda nonce: signed(claims(nonce, **change)))
    refused(response, code)


def test_clock_skew_within_a_minute_is_allowed(client, provider, staff_provider, kari):
    now = int(time.time())
    response = staff_answer(
        client, provider, lambda nonce: signed(claims(nonce, iat=now + 30, exp=now + 330))
    )
    assert response.status_code == 302


def test_a_token_signed_by_another_key_is_refused(client, provider, staff_provider, kari):
    response = staff_answer(client, provider, lambda nonce: signed(claims(nonce), key=FORGED))
    refused(response, "token:bad_signature")


def test_alg_none_is_refused(client, provider, staff_provider, kari):
    def unsigned(nonce):
        header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{b64(json.dumps(claims(nonce)).encode())}."

    response = staff_answer(client, provider, unsigned)
    assert response.status_code == 400
    assert AuditEvent.objects.get(kind=AccessAudit.SIGN_IN_REFUSED).detail.startswith("token:")
    assert not ExternalIdentity.objects.exists()


def test_hs256_signed_with_the_public_key_is_refused(client, provider, staff_provider, kari):
    """The key-confusion attack: the provider's public key used as an HMAC secret."""

    def confused(nonce):
        header = b64(json.dumps({"alg": "HS256", "kid": KEY.kid}).encode())
        body = b64(json.dumps(claims(nonce)).encode())
        secret = KEY.as_pem(private=False)
        mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{b64(mac)}"

    response = staff_answer(client, provider, confused)
    assert response.status_code == 400
    assert AuditEvent.objects.get(kind=AccessAudit.SIGN_IN_REFUSED).detail.startswith("token:")
    assert not ExternalIdentity.objects.exists()


def test_a_rotated_key_is_fetched_once_and_accepted(client, provider, staff_provider, kari):
    # A first sign-in leaves the provider's keys of the time in the cache.
    assert staff_answer(client, provider, lambda nonce: signed(claims(nonce))).status_code == 302
    client.logout()
    fetched = provider.jwks_fetched
    # The provider has rotated: it signs with a key the cached set does not have.
    provider.keys = public(KEY, NEW_KEY)
    response = staff_answer(client, provider, lambda nonce: signed(claims(nonce), key=NEW_KEY))
    assert response.status_code == 302
    assert provider.jwks_fetched == fetched + 1  # fetched again once, for the unknown key
    # The new set is the cached one now: the next sign-in fetches nothing.
    client.logout()
    staff_answer(client, provider, lambda nonce: signed(claims(nonce), key=NEW_KEY))
    assert provider.jwks_fetched == fetched + 1


def test_an_unverified_email_links_no_one(client, provider, staff_provider, kari):
    response = staff_answer(
        client, provider, lambda nonce: signed(claims(nonce, email_verified=False))
    )
    refused(response, "unverified_email", status=403)


@pytest.mark.parametrize(
    "body",
    ["<html>Vedlikehold</html>", "[]"],
    ids=["html", "a-list"],
)
def test_a_token_endpoint_answering_nonsense_is_a_clear_message(
    client, provider, staff_provider, kari, body
):
    started = begin(client, reverse("sign_in_start", args=[home_municipality().number]))
    provider.mock.upsert(responses.POST, f"{ISSUER}/token", body=body, status=200)
    response = client.get(f"/logg-inn/oidc/tilbake/?code=c&state={started['state']}")
    assert response.status_code == 503
    assert "_auth_user_id" not in client.session


def test_unreadable_keys_are_not_kept(client, provider, staff_provider, kari):
    provider.keys = {}
    started = begin(client, reverse("sign_in_start", args=[home_municipality().number]))
    provider.answers(signed(claims(started["nonce"])))
    response = client.get(f"/logg-inn/oidc/tilbake/?code=c&state={started['state']}")
    assert response.status_code == 503
    # Once the provider's keys are right again, the next sign-in works: nothing bad was cached.
    provider.keys = public(KEY)
    assert staff_answer(client, provider, lambda nonce: signed(claims(nonce))).status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        {"jwks_uri": None},
        {"authorization_endpoint": None},
        {"id_token_signing_alg_values_supported": ["HS256", "none"]},
    ],
    ids=["no-keys-address", "no-login-address", "no-algorithm-accepted-here"],
)
def test_metadata_that_cannot_be_used_is_a_clear_message(client, provider, staff_provider, change):
    metadata = {k: v for k, v in (METADATA | change).items() if v is not None}
    provider.mock.replace(
        responses.GET, f"{ISSUER}/.well-known/openid-configuration", json=metadata
    )
    response = client.get(reverse("sign_in_start", args=[home_municipality().number]))
    assert response.status_code == 503
    assert "svarer ikke akkurat nå" in response.content.decode()


def test_the_token_endpoint_refusing_the_code_is_refused(client, provider, staff_provider, kari):
    started = begin(client, reverse("sign_in_start", args=[home_municipality().number]))
    provider.answers(status=400, body={"error": "invalid_grant"})
    response = client.get(f"/logg-inn/oidc/tilbake/?code=c&state={started['state']}")
    refused(response, "oauth:invalid_grant")


def test_a_person_who_cancels_at_the_provider_is_told_so(client, provider, staff_provider):
    started = begin(client, reverse("sign_in_start", args=[home_municipality().number]))
    response = client.get(f"/logg-inn/oidc/tilbake/?error=access_denied&state={started['state']}")
    assert response.status_code == 400
    assert "avbrutt" in response.content.decode()


def test_metadata_that_names_another_issuer_is_not_used(client, provider, staff_provider):
    provider.mock.replace(
        responses.GET,
        f"{ISSUER}/.well-known/openid-configuration",
        json=METADATA | {"issuer": "https://evil.test"},
    )
    response = client.get(reverse("sign_in_start", args=[home_municipality().number]))
    assert response.status_code == 503


def test_a_missing_secret_is_a_clear_message_not_an_error(
    client, provider, staff_provider, monkeypatch
):
    monkeypatch.delenv("BTS_OIDC_FAKE_SECRET")
    response = client.get(reverse("sign_in_start", args=[home_municipality().number]))
    assert response.status_code == 503


def test_the_token_is_never_logged_stored_or_kept(client, provider, staff_provider, kari, caplog):
    caplog.set_level(logging.DEBUG)
    token = {}

    def remember(nonce):
        token["id"] = signed(claims(nonce))
        return token["id"]

    staff_answer(client, provider, remember)
    assert token["id"] not in caplog.text
    assert token["id"] not in str(dict(client.session))
    details = " ".join(AuditEvent.objects.values_list("detail", flat=True))
    assert token["id"] not in details and "the-code" not in details


# --- ID-porten ----------------------------------------------------------------------------


@pytest.fixture
def family_provider(db, guide):
    return IdentityProvider.objects.create(
        municipality=home_municipality(),
        audience=IdentityProvider.Audience.FAMILY,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="env:BTS_OIDC_FAKE_SECRET",
        assurance=IdentityProvider.Assurance.SUBSTANTIAL,
    )


def family_answer(client, provider, payload_changes: dict):
    started = begin(client, reverse("family:sign_in", args=[home_municipality().number]))
    provider.answers(signed(claims(started["nonce"], **payload_changes)))
    return client.get(f"/familie/logg-inn/tilbake/?code=c&state={started['state']}")


def test_id_porten_without_acr_is_refused(client, provider, family_provider):
    response = family_answer(client, provider, {"pid": "01010112345"})
    refused(response, "token:missing_claim:acr", status=403)


def test_id_porten_with_an_unknown_acr_is_refused(client, provider, family_provider):
    response = family_answer(client, provider, {"pid": "01010112345", "acr": "Level3"})
    refused(response, "token:invalid_claim:acr", status=403)


def test_id_porten_without_pid_is_refused(client, provider, family_provider):
    response = family_answer(client, provider, {"acr": "idporten-loa-high"})
    refused(response, "token:missing_claim:pid")


def test_a_provider_that_goes_down_before_the_code_is_exchanged(client, provider, staff_provider):
    import requests

    started = begin(client, reverse("sign_in_start", args=[home_municipality().number]))
    provider.mock.upsert(
        responses.POST, f"{ISSUER}/token", body=requests.ConnectionError("connection refused")
    )
    response = client.get(f"/logg-inn/oidc/tilbake/?code=c&state={started['state']}")
    assert response.status_code == 503
    assert "svarer ikke akkurat nå" in response.content.decode()
    assert "_auth_user_id" not in client.session
