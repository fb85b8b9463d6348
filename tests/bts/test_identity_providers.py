"""An identity provider's configuration: what the administrator may save, and what the
provider's answer has to say for its second factor to count."""

import pytest
from django.core.exceptions import ValidationError

from bts.models import IdentityProvider
from bts.oidc import ProviderUnavailable, client_secret
from tests.factories import home_municipality

pytestmark = pytest.mark.django_db


def provider(**fields) -> IdentityProvider:
    defaults = {
        "municipality": home_municipality(),
        "audience": IdentityProvider.Audience.STAFF,
        "issuer": "https://login.microsoftonline.com/tenant/v2.0",
        "client_id": "bts",
        "client_secret": "env:BTS_OIDC_SECRET",
    }
    return IdentityProvider(**defaults | fields)


def test_a_provider_as_configured_in_production_is_valid():
    provider().full_clean()


@pytest.mark.parametrize("issuer", ["http://login.kommune.no", "ftp://login.kommune.no"])
def test_an_issuer_elsewhere_than_this_machine_must_use_https(issuer):
    with pytest.raises(ValidationError) as error:
        provider(issuer=issuer).full_clean()
    assert "issuer" in error.value.message_dict


def test_a_provider_on_this_machine_may_use_http():
    provider(issuer="http://127.0.0.1:8101").full_clean()


@pytest.mark.parametrize(
    "source",
    [
        "the-secret-itself",
        "env:",
        "vault:x",
        "",
        # Another of the server's secrets, to be sent to a token endpoint of one's choosing:
        "env:DJANGO_SECRET_KEY",
        "env:DATABASE_URL",
        "env:bts_oidc_lower",
        "file:/proc/self/environ",
        "file:/run/secrets/../../etc/passwd",
        "file:/run/secrets",
    ],
)
def test_the_secret_is_never_stored_only_where_to_find_it(source):
    with pytest.raises(ValidationError) as error:
        provider(client_secret=source).full_clean()
    assert "client_secret" in error.value.message_dict


def test_the_secret_is_read_from_its_variable_or_its_file(monkeypatch, tmp_path, settings):
    settings.BTS_OIDC_SECRETS_DIR = str(tmp_path)
    monkeypatch.setenv("BTS_OIDC_SECRET", "from-env")
    secret_file = tmp_path / "ovre-eiker"
    secret_file.write_text("from-file\n")
    assert client_secret("env:BTS_OIDC_SECRET") == "from-env"
    assert client_secret(f"file:{secret_file}") == "from-file"
    provider(client_secret=f"file:{secret_file}").full_clean()
    monkeypatch.delenv("BTS_OIDC_SECRET")
    for missing in ("env:BTS_OIDC_SECRET", f"file:{tmp_path / 'none'}"):
        with pytest.raises(ProviderUnavailable):
            client_secret(missing)


def test_a_secret_outside_what_is_allowed_is_not_read_whatever_the_database_holds(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "the-server-s-own")
    with pytest.raises(ProviderUnavailable):
        client_secret("env:DJANGO_SECRET_KEY")


def test_one_provider_per_municipality_and_audience():
    provider().save()
    with pytest.raises(ValidationError):
        provider().full_clean()


@pytest.mark.parametrize(
    ("configured", "claims", "counts"),
    [
        ({"accept_idp_mfa": False}, {"amr": ["pwd", "mfa"]}, False),
        ({"accept_idp_mfa": True, "mfa_amr_values": "mfa"}, {"amr": ["pwd", "mfa"]}, True),
        ({"accept_idp_mfa": True, "mfa_amr_values": "mfa"}, {"amr": ["pwd"]}, False),
        ({"accept_idp_mfa": True, "mfa_amr_values": "mfa"}, {"amr": "mfa"}, False),
        (
            {"accept_idp_mfa": True, "mfa_amr_values": "", "mfa_acr_values": "high"},
            {"acr": "high"},
            True,
        ),
        (
            {"accept_idp_mfa": True, "mfa_amr_values": "", "mfa_acr_values": "high"},
            {"acr": "substantial"},
            False,
        ),
        ({"accept_idp_mfa": True, "mfa_amr_values": "mfa"}, {}, False),
    ],
)
def test_the_provider_s_second_factor_counts_only_as_configured(configured, claims, counts):
    assert provider(**configured).idp_gave_second_factor(claims) is counts


def test_the_family_level_accepts_itself_and_higher():
    high, substantial = IdentityProvider.Assurance.HIGH, IdentityProvider.Assurance.SUBSTANTIAL
    family = provider(audience=IdentityProvider.Audience.FAMILY, assurance=substantial)
    assert family.accepted_acr() == (substantial, high)
    assert family.requested_acr() == substantial
    family.assurance = high
    assert family.accepted_acr() == (high,)
    assert provider(acr_values="substantial").requested_acr() == "substantial"
    assert provider().accepted_acr() == ()
