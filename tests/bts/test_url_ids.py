"""An id in a URL that no bigint can hold (PostgreSQL's limit, 2**63 - 1) never reaches the
database: the URL does not match, so it is a 404, and the attempt is audited like any other
refused one, once, with the number in the detail."""

import pytest
from django.conf import settings

from bts.audit import MAX_ID, record
from bts.events import AccessAudit
from bts.models import AuditEvent, Role
from tests.factories import home_municipality
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db

TOO_BIG = str(MAX_ID + 1)  # 9223372036854775808
URLS = [
    f"/saker/{TOO_BIG}/",
    f"/saker/{TOO_BIG}/saken.pdf",
    f"/saker/{TOO_BIG}/tilgangslogg/logg.csv",
    f"/saker/1/moter/{TOO_BIG}/referat/",
    f"/familiehjelpa/sak/{TOO_BIG}/henvis/",
    f"/saker/{'9' * 400}/",
    # More digits than Python reads as a number (4 300): still a refusal, not a silent miss.
    f"/saker/{'9' * 4400}/",
]


def refusals(number: str) -> int:
    return AuditEvent.objects.filter(
        kind=AccessAudit.ACCESS_REFUSED, detail=f"id_out_of_range:{number[:40]}"
    ).count()


@pytest.mark.parametrize("url", URLS)
def test_an_id_beyond_bigint_is_a_404_and_audited(client, make_user, url, guide):
    client.force_login(make_user(Role.LEADER))
    response = client.get(url)
    assert response.status_code == 404
    number = next(part for part in url.split("/") if len(part) >= 19 and part.isdigit())
    assert refusals(number) == 1


def test_the_family_s_pages_too(client, guide):
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, children=[1]
    )
    assert client.get(f"/familie/sak/{TOO_BIG}/").status_code == 404
    assert refusals(TOO_BIG) == 1


def test_the_largest_bigint_is_an_ordinary_miss(client, make_user, guide):
    client.force_login(make_user(Role.LEADER))
    assert client.get(f"/saker/{MAX_ID}/").status_code == 404
    assert client.get(f"/saker/000{MAX_ID}/").status_code == 404  # leading zeros: the same id
    assert refusals(str(MAX_ID)) == 0
    assert AuditEvent.objects.filter(kind=AccessAudit.ACCESS_REFUSED, case_id=MAX_ID).exists()


def test_an_audit_event_never_fails_on_an_impossible_case_id():
    event = record(kind=AccessAudit.ACCESS_REFUSED, case_id=MAX_ID + 1, detail="case")
    assert event.case_id is None and event.detail == f"case:{MAX_ID + 1};case"
