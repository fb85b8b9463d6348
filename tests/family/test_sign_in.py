"""A family's sign-in with ID-porten, end to end against the local provider acting as
ID-porten (TestID's login: an identity number and a level of assurance): the pid matched to
the guardians and young people the services registered, and every way it is refused."""

import datetime as dt
import random
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bts.events import AccessAudit
from bts.models import AuditEvent, IdentityProvider
from cases import services
from devdata.synthetic.writer import synthetic_identity_number
from family.events import FamilyAudit
from tests.factories import home_municipality
from tests.idp import IDPORTEN, SECRET, SECRET_ENV, local_idp, through_login

pytestmark = pytest.mark.django_db
__all__ = ["local_idp"]

CALLBACK = "http://testserver/familie/logg-inn/tilbake/"
HIGH, SUBSTANTIAL = IdentityProvider.Assurance.HIGH, IdentityProvider.Assurance.SUBSTANTIAL


def number(born: dt.date, seed: int) -> str:
    """A synthetic test number (Tenor), like those of ID-porten's test users."""
    return synthetic_identity_number(random.Random(seed), born)


MOTHER = number(dt.date(1985, 3, 14), 1)
FATHER = number(dt.date(1983, 7, 2), 2)
STRANGER = number(dt.date(1990, 1, 1), 3)


@pytest.fixture(autouse=True)
def _synthetic_numbers(settings):
    settings.BTS_SYNTHETIC_IDENTITY_NUMBERS = True


@pytest.fixture
def family_provider(local_idp, monkeypatch, guide):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    cache.clear()
    return IdentityProvider.objects.create(
        municipality=home_municipality(),
        audience=IdentityProvider.Audience.FAMILY,
        issuer=local_idp.issuers[IDPORTEN],
        client_id="bts-family",
        client_secret=f"env:{SECRET_ENV}",
        scopes="openid profile",
        assurance=SUBSTANTIAL,
    )


def child_with_guardians(employee, first="Emma", *, born=dt.date(2016, 5, 1), own=""):
    return services.child_create(
        user=employee,
        child=services.ChildData(first, "Hansen", born, national_id=own),
        municipality=home_municipality(),
        guardians=[
            services.GuardianData("Lise Hansen", "mor", national_id=MOTHER),
            services.GuardianData(
                "Tor Hansen", "far", has_parental_responsibility=False, national_id=FATHER
            ),
        ],
    )


def sign_in(client, pid: str, level: str = HIGH):
    start = client.get(reverse("family:sign_in", args=[home_municipality().number]))
    assert start.status_code == 302, start.content
    return client.get(
        through_login(start["Location"], {"pid": pid, "level": level}, stop_at=CALLBACK)
    )


def refusals() -> list[str]:
    return list(
        AuditEvent.objects.filter(kind=AccessAudit.SIGN_IN_REFUSED).values_list("detail", flat=True)
    )


def test_the_request_asks_id_porten_for_the_municipality_s_level(client, family_provider):
    family_provider.assurance = HIGH
    family_provider.save()
    start = client.get(reverse("family:sign_in", args=[home_municipality().number]))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["acr_values"] == [HIGH]
    assert query["code_challenge_method"] == ["S256"]


def test_a_guardian_with_parental_responsibility_reaches_the_family_s_page(
    client, family_provider, employee
):
    emma = child_with_guardians(employee)
    child_with_guardians(employee, "Jonas")
    response = sign_in(client, MOTHER)
    assert response.status_code == 302 and response["Location"] == reverse("family:entry")
    page = client.get(reverse("family:entry")).content.decode()
    assert "Emma Hansen" in page and "Jonas Hansen" in page
    assert "foreldreansvar" in page
    event = AuditEvent.objects.get(kind=FamilyAudit.FAMILY_SIGNED_IN)
    assert event.detail.startswith("guardian:")
    # The number is matched, never kept: not in the audit, not in the session.
    assert MOTHER not in event.detail
    assert MOTHER not in str(dict(client.session))
    assert emma.pk in client.session["bts_family"]["children"]


def test_a_family_session_reaches_no_staff_page(client, family_provider, employee):
    child_with_guardians(employee)
    sign_in(client, MOTHER)
    # Signed in, where they have no business: a 404, not the login page (audited).
    for url in (reverse("start"), reverse("cases:list"), reverse("familiehjelpa:board")):
        assert client.get(url).status_code == 404
    assert (
        AuditEvent.objects.filter(
            kind=AccessAudit.ACCESS_REFUSED, detail="family_session:staff_url"
        ).count()
        == 3
    )


def test_a_staff_session_reaches_no_family_page(employee_client, family_provider):
    response = employee_client.get(reverse("family:entry"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(kind=AccessAudit.ACCESS_REFUSED, detail="family_page").exists()


def test_a_pid_that_matches_no_one_is_refused(client, family_provider, employee):
    child_with_guardians(employee)
    response = sign_in(client, STRANGER)
    assert response.status_code == 403
    assert "Vi fant ingen sak" in response.content.decode()
    assert "bts_family" not in client.session
    assert refusals() == ["family:no_match"]


def test_a_guardian_without_parental_responsibility_is_refused(client, family_provider, employee):
    child_with_guardians(employee)
    response = sign_in(client, FATHER)
    assert response.status_code == 403
    assert "uten foreldreansvar" in response.content.decode()
    assert refusals() == ["family:no_parental_responsibility"]
    assert FATHER not in " ".join(AuditEvent.objects.values_list("detail", flat=True))


def test_a_guardian_of_another_municipality_s_child_is_not_matched(
    client, family_provider, employee
):
    from tests.factories import MunicipalityFactory

    services.child_create(
        user=employee,
        child=services.ChildData("Nora", "Berg", dt.date(2017, 1, 1)),
        municipality=MunicipalityFactory(),
        guardians=[services.GuardianData("Lise Hansen", "mor", national_id=MOTHER)],
    )
    assert sign_in(client, MOTHER).status_code == 403
    assert refusals() == ["family:no_match"]


def test_a_lower_level_than_the_municipality_demands_is_refused(client, family_provider, employee):
    family_provider.assurance = HIGH
    family_provider.save()
    child_with_guardians(employee)
    response = sign_in(client, MOTHER, level=SUBSTANTIAL)
    assert response.status_code == 403
    assert "sikkerhetsnivået" in response.content.decode()
    assert refusals() == ["token:invalid_claim:acr"]


def test_a_young_person_from_the_consent_age_signs_in_to_their_own_case(
    client, family_provider, employee
):
    today = timezone.localdate()
    born = today.replace(year=today.year - 16)
    own = number(born, 4)
    child_with_guardians(employee, "Sara", born=born, own=own)
    assert sign_in(client, own)["Location"] == reverse("family:entry")
    page = client.get(reverse("family:entry")).content.decode()
    assert "ungdom med egen sak" in page and "Sara Hansen" in page


def test_a_child_below_the_consent_age_is_refused(client, family_provider, employee):
    today = timezone.localdate()
    born = today.replace(year=today.year - 12)
    own = number(born, 5)
    child_with_guardians(employee, "Sara", born=born, own=own)
    assert sign_in(client, own).status_code == 403
    assert refusals() == ["family:too_young"]


def test_id_porten_down_gives_a_clear_message(client, family_provider):
    family_provider.issuer = "http://127.0.0.1:9"
    family_provider.save()
    response = client.get(reverse("family:sign_in", args=[home_municipality().number]))
    assert response.status_code == 503
    assert "svarer ikke akkurat nå" in response.content.decode()


def test_signing_out_ends_the_family_session_and_offers_id_porten_s(
    client, family_provider, employee
):
    child_with_guardians(employee)
    sign_in(client, MOTHER)
    response = client.post(reverse("family:sign_out"))
    assert response.status_code == 200
    assert response.context["end_session"].startswith(family_provider.issuer)
    assert "bts_family" not in client.session
    assert client.get(reverse("family:entry")).context["providers"]  # the sign-in again
