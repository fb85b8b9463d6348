"""Staff sign-in through the municipality's identity provider, end to end against the local
OpenID provider (panva's oidc-provider under Node, started by the tests): the login button, the
provider's own login page, the callback, the account linked, and every way it is refused."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from bts.events import AccessAudit
from bts.models import AuditEvent, ExternalIdentity, IdentityProvider, Role
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import grant, home_municipality
from tests.idp import ACCOUNTS, PASSWORD, SECRET, SECRET_ENV, STAFF, local_idp, through_login

pytestmark = pytest.mark.django_db
__all__ = ["local_idp"]  # the fixture, used by name

CALLBACK = "http://testserver" + "/logg-inn/oidc/tilbake/"


@pytest.fixture
def staff_provider(local_idp, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    cache.clear()
    return IdentityProvider.objects.create(
        municipality=home_municipality(),
        audience=IdentityProvider.Audience.STAFF,
        issuer=local_idp.issuers[STAFF],
        client_id="bts-staff",
        client_secret=f"env:{SECRET_ENV}",
        accept_idp_mfa=True,
        mfa_amr_values="mfa",
    )


@pytest.fixture
def kari(make_user):
    return make_user(Role.EMPLOYEE, username="kari.n", email=ACCOUNTS["kari"]["claims"]["email"])


def sign_in(client, login: str, *, number: str | None = None):
    """The staff member's way: the button, the provider's login page, back to the callback."""
    start = client.get(reverse("sign_in_start", args=[number or home_municipality().number]))
    assert start.status_code == 302, start.content
    back = through_login(
        start["Location"], {"login": login, "password": PASSWORD}, stop_at=CALLBACK
    )
    return client.get(back)


def refusals() -> list[str]:
    return list(
        AuditEvent.objects.filter(kind=AccessAudit.SIGN_IN_REFUSED).values_list("detail", flat=True)
    )


def test_the_login_page_offers_the_municipality_s_sign_in(client, staff_provider):
    page = client.get(reverse("login")).content.decode()
    name = staff_provider.municipality.name
    assert f"Logg inn med {name}-konto" in page
    assert reverse("sign_in_start", args=[staff_provider.municipality.number]) in page


def test_the_authorization_request_has_pkce_state_and_nonce(client, staff_provider):
    start = client.get(reverse("sign_in_start", args=[home_municipality().number]))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(staff_provider.issuer)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [CALLBACK]


def test_a_staff_member_signs_in_and_is_linked_to_their_account(client, staff_provider, kari):
    response = sign_in(client, "kari")
    assert response.status_code == 302 and response["Location"] == reverse("start")
    # The provider's second factor is accepted here: the start page, no code asked.
    assert client.get(reverse("start")).status_code == 200
    link = ExternalIdentity.objects.get(user=kari)
    assert link.issuer == staff_provider.issuer
    assert link.subject == ACCOUNTS["kari"]["claims"]["sub"]
    kari.refresh_from_db()
    assert not kari.has_usable_password()
    kinds = set(AuditEvent.objects.filter(actor=kari).values_list("kind", flat=True))
    assert {AccessAudit.IDENTITY_LINKED, AccessAudit.SIGNED_IN_EXTERNAL} <= kinds


def test_the_person_comes_back_to_where_they_were_going(client, staff_provider, kari):
    page = client.get(reverse("login") + "?next=/saker/").content.decode()
    start = reverse("sign_in_start", args=[home_municipality().number]) + "?next=/saker/"
    assert f'href="{start}"' in page
    response = client.get(
        reverse("sign_in_start", args=[home_municipality().number]), {"next": "/saker/"}
    )
    back = through_login(
        response["Location"], {"login": "kari", "password": PASSWORD}, stop_at=CALLBACK
    )
    assert client.get(back)["Location"] == "/saker/"


def test_a_next_elsewhere_is_not_followed(client, staff_provider, kari):
    start = client.get(
        reverse("sign_in_start", args=[home_municipality().number]),
        {"next": "https://evil.example/"},
    )
    back = through_login(
        start["Location"], {"login": "kari", "password": PASSWORD}, stop_at=CALLBACK
    )
    assert client.get(back)["Location"] == reverse("start")


def test_the_next_sign_in_finds_the_account_by_subject_alone(client, staff_provider, kari):
    sign_in(client, "kari")
    client.logout()
    kari.email = "changed@kommune.invalid"
    kari.save()
    assert sign_in(client, "kari")["Location"] == reverse("start")
    assert ExternalIdentity.objects.filter(user=kari).count() == 1


def test_a_linked_account_has_no_local_password_left(client, staff_provider, kari):
    kari.set_password("lokalt-passord-123")
    kari.save()
    sign_in(client, "kari")
    client.logout()
    response = client.post(
        reverse("login"), {"username": "kari.n", "password": "lokalt-passord-123"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert client.get(reverse("start")).status_code == 302


def test_without_the_provider_s_second_factor_bts_asks_for_its_own(
    client, staff_provider, make_user
):
    make_user(Role.EMPLOYEE, username="ola.h", email=ACCOUNTS["ola"]["claims"]["email"])
    sign_in(client, "ola")
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_an_identity_that_matches_no_account_is_refused_and_audited(client, staff_provider):
    response = sign_in(client, "kari")
    assert response.status_code == 403
    assert "ingen konto her" in response.content.decode()
    assert client.get(reverse("start")).status_code == 302  # not signed in
    assert refusals() == ["unknown_identity"]
    assert not ExternalIdentity.objects.exists()


def test_an_account_of_another_municipality_is_not_matched(client, staff_provider):
    from tests.factories import MunicipalityFactory, ServiceFactory, UserFactory

    elsewhere = ServiceFactory(municipality=MunicipalityFactory())
    user = UserFactory(email=ACCOUNTS["kari"]["claims"]["email"])
    grant(user, Role.EMPLOYEE, elsewhere)
    assert sign_in(client, "kari").status_code == 403
    assert refusals() == ["unknown_identity"]


def test_a_deactivated_bts_account_cannot_sign_in(client, staff_provider, kari):
    sign_in(client, "kari")
    client.logout()
    kari.is_active = False
    kari.save()
    response = sign_in(client, "kari")
    assert response.status_code == 403
    assert "deaktivert" in response.content.decode()
    assert refusals() == ["inactive_account"]


def test_a_person_deactivated_at_the_provider_cannot_start_a_session(
    client, staff_provider, make_user
):
    """Not through the provider, which refuses them, and not with a password the account was
    given before the municipality took its provider in use."""
    user = make_user(Role.EMPLOYEE, email=ACCOUNTS["sluttet"]["claims"]["email"])
    start = client.get(reverse("sign_in_start", args=[home_municipality().number]))
    with pytest.raises(AssertionError, match="deaktivert"):
        through_login(
            start["Location"], {"login": "sluttet", "password": PASSWORD}, stop_at=CALLBACK
        )
    response = client.post(
        reverse("login"), {"username": user.username, "password": FACTORY_PASSWORD}
    )
    assert response.status_code == 200
    assert "gjennom sin egen innlogging" in response.content.decode()
    assert client.get(reverse("start")).status_code == 302
    assert refusals() == ["password_not_allowed"]


def test_passwords_stay_where_the_municipality_allows_them(client, staff_provider, make_user):
    staff_provider.allow_password = True
    staff_provider.save()
    user = make_user(Role.EMPLOYEE)
    response = client.post(
        reverse("login"), {"username": user.username, "password": FACTORY_PASSWORD}
    )
    assert response.status_code == 302


def test_the_system_administrator_keeps_their_password(client, staff_provider, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    response = client.post(
        reverse("login"), {"username": admin.username, "password": FACTORY_PASSWORD}
    )
    assert response.status_code == 302


def test_a_municipality_without_a_provider_keeps_passwords(client, staff_provider, make_user):
    from tests.factories import MunicipalityFactory, ServiceFactory

    elsewhere = ServiceFactory(municipality=MunicipalityFactory())
    user = make_user(Role.EMPLOYEE, service=elsewhere)
    response = client.post(
        reverse("login"), {"username": user.username, "password": FACTORY_PASSWORD}
    )
    assert response.status_code == 302


def test_a_staff_login_leaves_nothing_of_a_family_session(client, make_user):
    from django.conf import settings

    from tests.family.sessions import family_session_key

    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk
    )
    user = make_user(Role.EMPLOYEE)
    client.post(reverse("login"), {"username": user.username, "password": FACTORY_PASSWORD})
    assert "_auth_user_id" in client.session
    assert "bts_family" not in client.session


def test_a_reused_state_is_refused(client, staff_provider, kari):
    start = client.get(reverse("sign_in_start", args=[home_municipality().number]))
    back = through_login(
        start["Location"], {"login": "kari", "password": PASSWORD}, stop_at=CALLBACK
    )
    assert client.get(back).status_code == 302
    client.logout()
    response = client.get(back)
    assert response.status_code == 400
    assert "utløpt eller allerede brukt" in response.content.decode()
    assert refusals() == ["oauth:unknown_state"]


def test_a_provider_that_is_down_gives_a_clear_message(client, staff_provider):
    staff_provider.issuer = "http://127.0.0.1:9"  # the discard port: nothing answers
    staff_provider.save()
    response = client.get(reverse("sign_in_start", args=[home_municipality().number]))
    assert response.status_code == 503
    assert "svarer ikke akkurat nå" in response.content.decode()


def test_sign_out_ends_the_session_and_offers_the_provider_s_own(client, staff_provider, kari):
    sign_in(client, "kari")
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    end_session = response.context["end_session"]
    query = parse_qs(urlsplit(end_session).query)
    assert end_session.startswith(staff_provider.issuer)
    assert query["client_id"] == ["bts-staff"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/logg-inn/"]
    assert "id_token_hint" not in query  # the token never goes into a URL
    # Nor a state nothing would check, which would come back in the login page's URL.
    assert set(query) == {"client_id", "post_logout_redirect_uri"}
    assert client.get(reverse("start")).status_code == 302
