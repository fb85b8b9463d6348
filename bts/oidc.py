"""Signing in over OpenID Connect, for staff (the municipality's identity provider) and families
(ID-porten): Authlib's client with everything a public-sector relying party must hold to.

Authlib does the protocol: the authorization code flow with PKCE (S256), `state` and `nonce`
kept in the session and used once, the code exchanged at the token endpoint, and the ID token's
signature checked against the provider's JWKS (fetched again once when a token names a key it
does not know: key rotation) and its `iss`, `aud`, `exp`, `iat` and `nonce` checked. What is ours:

- the signing algorithms are pinned (asymmetric only): `alg: none` and a token signed with HS256
  using the provider's public key as the secret are refused, whatever the provider's metadata says;
- the clock skew allowed is one minute;
- the metadata's `issuer` must be the issuer configured (RFC 8414), so a provider cannot speak
  for another;
- where an assurance level is required, the ID token's `acr` must be one of the levels accepted;
- metadata and keys are cached for everyone for an hour, and every call to the provider times
  out after a few seconds: a provider that is down gives a clear message, not a hung worker.

Tokens are never put in a URL or a log line, and not kept: what the session needs is taken from
the verified ID token, and sign-out names the client instead of sending the token back.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .models import secret_location

logger = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 60
TIMEOUT_SECONDS = 5
CACHE_SECONDS = 3600
PENDING_KEY = "bts_oidc_pending"
MAX_PENDING = 5  # sign-ins begun and not finished, per session


class ProviderUnavailable(Exception):
    """The identity provider did not answer, answered nonsense, or is not configured right."""


class SignInRefused(Exception):
    """The answer from the provider is not a valid sign-in; `code` says why, for the audit."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SignedIn:
    """What a verified ID token says about the person."""

    provider_id: int
    issuer: str
    claims: dict


def client_secret(source: str) -> str:
    """The secret a provider's `client_secret` field names (bts.models.secret_location): an
    environment variable BTS_OIDC_*, or a file in the folder for secrets. Checked again here,
    whatever the database holds."""
    location = secret_location(source)
    value = ""
    if location is not None:
        kind, where = location
        if kind == "env":
            value = os.environ.get(where, "")
        else:
            try:
                value = Path(where).read_text(encoding="utf-8")
            except OSError:
                value = ""
    value = value.strip()
    if not value:
        logger.error("The client secret of an identity provider is missing or not allowed.")
        raise ProviderUnavailable("secret")
    return value


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("Identity provider unreachable: %s", type(error).__name__)
        raise ProviderUnavailable("unreachable") from error


REQUIRED_METADATA = ("authorization_endpoint", "token_endpoint", "jwks_uri")


def metadata(issuer: str) -> dict:
    """The provider's discovery document, cached once it is whole; its `issuer` must be the one
    configured."""
    key = f"bts-oidc-metadata:{issuer}"
    found = cache.get(key)
    if found is None:
        found = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if not isinstance(found, dict) or found.get("issuer") != issuer:
            logger.warning("Identity provider metadata names another issuer.")
            raise ProviderUnavailable("issuer")
        if not all(isinstance(found.get(name), str) for name in REQUIRED_METADATA):
            logger.warning("Identity provider metadata lacks an endpoint.")
            raise ProviderUnavailable("metadata")
        cache.set(key, found, CACHE_SECONDS)
    return found


def key_set(issuer: str, *, force: bool = False) -> dict:
    """The provider's signing keys, cached once they are read as keys."""
    key = f"bts-oidc-jwks:{issuer}"
    found = None if force else cache.get(key)
    if found is None:
        found = _get_json(metadata(issuer)["jwks_uri"])
        try:
            KeySet.import_key_set(found)
        except (JoseError, ValueError, KeyError, TypeError) as error:
            logger.warning("Identity provider keys unreadable: %s", type(error).__name__)
            raise ProviderUnavailable("keys") from error
        cache.set(key, found, CACHE_SECONDS)
    return found


class _Client(DjangoOAuth2App):
    def fetch_jwk_set(self, force=False):
        return key_set(self.server_metadata["issuer"], force=force)


def _client(provider) -> _Client:
    found = metadata(provider.issuer)
    offered = found.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in offered if a in ALGORITHMS] if isinstance(offered, list) else []
    if not algorithms:
        # An empty list would leave the choice to joserfc's defaults, which include HS256.
        logger.warning("Identity provider signs with no algorithm accepted here.")
        raise ProviderUnavailable("algorithms")
    name = f"bts-oidc-{provider.pk}"
    return _Client(
        DjangoIntegration(name),
        name,
        client_id=provider.client_id,
        client_secret=client_secret(provider.client_secret),
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": provider.token_auth_method,
            "default_timeout": TIMEOUT_SECONDS,
        },
        **{
            **found,
            "_loaded_at": True,
            "id_token_signing_alg_values_supported": algorithms,
        },
    )


def begin(request, provider, *, callback: str) -> HttpResponseRedirect:
    """Send the browser to the provider's login, with a new state, nonce and PKCE verifier, and
    the level of assurance the provider is to ask for; it sends the person back to `callback`
    (a URL name)."""
    redirect_uri = request.build_absolute_uri(reverse(callback))
    acr_values = provider.requested_acr()
    extra = {"acr_values": acr_values} if acr_values else {}
    try:
        response = _client(provider).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, RuntimeError) as error:
        raise ProviderUnavailable("unreachable") from error
    # Which provider each state was given to, for the callback (one callback URL for all).
    state = parse_qs(urlsplit(response.url).query)["state"][0]
    pending = request.session.get(PENDING_KEY, {})
    request.session[PENDING_KEY] = dict([*pending.items()][-(MAX_PENDING - 1) :]) | {
        state: provider.pk
    }
    return response


def pending_provider(request, providers):
    """The provider (of `providers`) whose login this callback answers: the one that was given
    its `state`; None when no login here is waiting for it."""
    provider_id = request.session.get(PENDING_KEY, {}).get(request.GET.get("state", ""))
    return providers.filter(pk=provider_id).first() if provider_id else None


def finish(request, provider) -> SignedIn:
    """Check the provider's answer and return what its ID token says, or raise SignInRefused
    (or ProviderUnavailable). The state is used up either way."""
    accepted_acr = provider.accepted_acr()
    # Authlib checks `azp`, but not that `aud` names this client: that is asked here.
    options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
    }
    if accepted_acr:
        options["acr"] = {"essential": True, "values": list(accepted_acr)}
    try:
        token = _client(provider).authorize_access_token(
            request, claims_options=options, leeway=LEEWAY_SECONDS
        )
    except requests.RequestException as error:
        logger.warning("Identity provider unreachable: %s", type(error).__name__)
        raise ProviderUnavailable("unreachable") from error
    except OAuthError as error:
        raise SignInRefused(f"oauth:{error.error}"[:60]) from error
    except JoseError as error:
        claim = getattr(error, "claim", "")
        raise SignInRefused(f"token:{error.error}{':' + claim if claim else ''}"[:60]) from error
    except (ValueError, KeyError, TypeError, RuntimeError) as error:
        # A token endpoint that answers something other than a token response (HTML, a list).
        logger.warning("Identity provider answered nonsense: %s", type(error).__name__)
        raise ProviderUnavailable("answer") from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused("token:missing_id_token")
    return SignedIn(provider_id=provider.pk, issuer=provider.issuer, claims=dict(claims))


def end_session_url(provider, *, post_logout_redirect_uri: str) -> str | None:
    """The provider's own sign-out (RP-initiated logout), naming the client, not the token.
    Not Authlib's create_logout_url: it adds a `state` that nothing here would check, and the
    person comes back with it in the login page's URL."""
    try:
        endpoint = metadata(provider.issuer).get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
