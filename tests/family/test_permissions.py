"""The family's case URLs against every relation to a case: the family of the child (a guardian,
the young person), the child's other guardian kept out by the child's strictly confidential
address, another family, a family of another municipality, the case's own holder and the system
administrator (staff sessions), and no session. tests/test_url_matrix.py takes the
`family:` case URLs from ROUTES here."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bts.models import Role
from cases import services
from cases.models import Consent
from tests.factories import (
    MunicipalityFactory,
    ServiceFactory,
    UserFactory,
    grant,
    home_municipality,
    meeting_ahead,
)
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
ANONYMOUS = "anonymous"
GUARDIAN = "guardian"  # of the case's child, with parental responsibility (and protection)
YOUTH = "youth"  # the case's child, from the consent age
# The child's other guardian, with parental responsibility but not under the child's strictly
# confidential address: the case is not theirs to see.
KEPT_OUT = "kept-out-guardian"
OTHER_FAMILY = "other-family"  # a guardian of another child of the municipality
ELSEWHERE_FAMILY = "elsewhere-family"  # signed in to another municipality
HOLDER = "holder"  # the case's holder, a staff session
SYSTEM_ADMIN = "system-admin"
RELATIONS = [
    ANONYMOUS,
    GUARDIAN,
    YOUTH,
    KEPT_OUT,
    OTHER_FAMILY,
    ELSEWHERE_FAMILY,
    HOLDER,
    SYSTEM_ADMIN,
]
SIGN_IN = "sign-in"  # 302 to the family's sign-in page

# family:<name>: what each relation gets by GET and by an empty POST. Staff sessions get a 403
# on every family page; a method the page does not take is a 405 for everyone else.
STAFF_REFUSED = {HOLDER: 403, SYSTEM_ADMIN: 403}
NOT_TAKEN = dict.fromkeys(
    [ANONYMOUS, GUARDIAN, YOUTH, KEPT_OUT, OTHER_FAMILY, ELSEWHERE_FAMILY], 405
)
READ = {
    ANONYMOUS: SIGN_IN,
    GUARDIAN: 200,
    YOUTH: 200,
    KEPT_OUT: 404,
    OTHER_FAMILY: 404,
    ELSEWHERE_FAMILY: 404,
} | STAFF_REFUSED
ROUTES = {
    "case": {GET: READ, POST: NOT_TAKEN | STAFF_REFUSED},
    "access_report": {GET: READ, POST: NOT_TAKEN | STAFF_REFUSED},
    # An empty note, or an answer without one, is refused at its field (400) and writes nothing.
    "note_add": {GET: NOT_TAKEN | STAFF_REFUSED, POST: READ | {GUARDIAN: 400, YOUTH: 400}},
    "meeting_answer": {GET: NOT_TAKEN | STAFF_REFUSED, POST: READ | {GUARDIAN: 400, YOUTH: 400}},
    # A topic for the next meeting (and the child's words, the same view).
    "write": {GET: NOT_TAKEN | STAFF_REFUSED, POST: READ | {GUARDIAN: 400, YOUTH: 400}},
    # A document as PDF (here the invitation to the meeting ahead).
    "document": {GET: READ, POST: NOT_TAKEN | STAFF_REFUSED},
    # An answer without its fields, a withdrawal not confirmed: back to the case page with a
    # message, and nothing recorded.
    "consent_answer": {GET: NOT_TAKEN | STAFF_REFUSED, POST: READ | {GUARDIAN: 302, YOUTH: 302}},
    "consent_withdraw": {
        GET: NOT_TAKEN | STAFF_REFUSED,
        POST: READ | {GUARDIAN: 302, YOUTH: 302},
    },
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.db import transaction

    from levels.loader import load_guide
    from tests.conftest import GUIDES

    with django_db_blocker.unblock(), transaction.atomic():
        load_guide(GUIDES / "ovre-eiker.toml")
        holder, admin = UserFactory(), UserFactory()
        service = ServiceFactory(name="Solsikken barnehage")
        grant(holder, Role.EMPLOYEE, service)
        grant(admin, Role.SYSTEM_ADMIN)
        child = services.child_create(
            user=holder,
            child=services.ChildData("Emma", "Hansen", dt.date(2009, 1, 1), address_protected=True),
            guardians=[
                services.GuardianData("Lise Hansen", "mor", address_protected=True),
                services.GuardianData("Tor Hansen", "far"),
            ],
        )
        lise, tor = child.guardians.order_by("name")
        other = services.child_create(
            user=holder, child=services.ChildData("Jonas", "Berg", dt.date(2018, 1, 1))
        )
        case = services.case_open(
            user=holder,
            service=service,
            child=child,
            concern=services.ConcernData("Emma er lei seg.", timezone.localdate(), "Ute", 2),
        )
        meeting = meeting_ahead(case, holder, service=service)
        consent = Consent.objects.create(
            case=case,
            form=Consent.Form.DIGITAL,
            pending=True,
            information=["wellbeing"],
            purpose="Samarbeid med skolen.",
            text="Teksten.",
            given_on=timezone.localdate(),
            recorded_by=holder,
        )
        home = home_municipality().pk
        sessions = {
            GUARDIAN: family_session_key(
                municipality_id=home, guardians=[lise.pk], children=[child.pk]
            ),
            YOUTH: family_session_key(municipality_id=home, children=[child.pk], youth=[child.pk]),
            KEPT_OUT: family_session_key(
                municipality_id=home, guardians=[tor.pk], children=[child.pk]
            ),
            OTHER_FAMILY: family_session_key(municipality_id=home, children=[other.pk]),
            ELSEWHERE_FAMILY: family_session_key(
                municipality_id=MunicipalityFactory().pk, children=[child.pk]
            ),
        }
        for relation, user in ((HOLDER, holder), (SYSTEM_ADMIN, admin)):
            browser = Client()
            browser.force_login(user)
            sessions[relation] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        yield {"case": case, "meeting": meeting, "consent": consent, "sessions": sessions}
        transaction.set_rollback(True)


MATRIX = [(r, n, m) for n in ROUTES for r in RELATIONS for m in (GET, POST)]


@pytest.mark.parametrize(
    ("relation", "name", "method"), MATRIX, ids=[f"{r}-{m}-family:{n}" for r, n, m in MATRIX]
)
def test_family_url_matrix(client, world, relation, name, method):
    if relation != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][relation]
    more = {
        "meeting_answer": [world["meeting"].pk],
        "write": ["tema"],
        "document": ["invitasjon", world["meeting"].pk],
        "consent_answer": [world["consent"].pk],
        "consent_withdraw": [world["consent"].pk],
    }.get(name, [])
    args = [world["case"].pk, *more]
    url = reverse(f"family:{name}", args=args)
    before = world["case"].relay_entries.count()
    response = client.get(url) if method == GET else client.post(url, {})
    want = ROUTES[name][method][relation]
    assert world["case"].relay_entries.count() == before
    assert not world["consent"].answers.exists()
    where = f"{method} {url} as {relation}"
    if want == SIGN_IN:
        assert response.status_code == 302, where
        assert response["Location"] == reverse("family:entry"), where
    else:
        assert response.status_code == want, f"{where}: {response.status_code}"
