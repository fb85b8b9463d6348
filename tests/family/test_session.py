"""A family's session is its own kind: it works for the municipality the family signed in to
(its rows, its language form), lives as long as a staff session, and shows the family's page in
a fixed number of queries."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from bts.isolation import RowSecurityMiddleware
from bts.middleware import SESSION_STARTED_KEY
from cases import services
from levels.loader import load_guide
from tests.conftest import GUIDES
from tests.factories import home_municipality
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db


def with_family_session(client, **data) -> None:
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(**data)


def test_a_family_request_sees_its_own_municipality_s_rows_only(db):
    request = RequestFactory().get("/familie/")
    request.user = AnonymousUser()
    request.session = {"bts_family": {"municipality": 4711}}
    seen = {}

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('bts.municipalities', true)")
            seen["municipalities"] = cursor.fetchone()[0]
        return HttpResponse()

    RowSecurityMiddleware(view)(request)
    assert seen["municipalities"] == "4711"


def test_the_family_s_page_is_in_the_municipality_s_language_form(client, guide, employee):
    fjordvik = load_guide(GUIDES / "fjordvik.toml").municipality
    with_family_session(client, municipality_id=fjordvik.pk)
    response = client.get(reverse("family:entry"))
    assert response.status_code == 200
    assert response["Content-Language"] == "nn"
    assert "Sida di" in response.content.decode()


def test_the_family_s_page_names_only_its_municipality_s_children(client, guide, employee):
    from tests.factories import MunicipalityFactory

    own = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", None),
        municipality=home_municipality(),
    )
    elsewhere = services.child_create(
        user=employee,
        child=services.ChildData("Nora", "Berg", None),
        municipality=MunicipalityFactory(),
    )
    with_family_session(
        client, municipality_id=home_municipality().pk, children=[own.pk, elsewhere.pk]
    )
    page = client.get(reverse("family:entry")).content.decode()
    assert "Emma Hansen" in page and "Nora" not in page


def test_the_family_s_page_takes_a_fixed_number_of_queries(
    client, guide, employee, django_assert_max_num_queries
):
    children = [
        services.child_create(
            user=employee,
            child=services.ChildData(name, "Hansen", None),
            municipality=home_municipality(),
        ).pk
        for name in ("Emma", "Jonas", "Sara")
    ]
    with_family_session(client, municipality_id=home_municipality().pk, children=children)
    client.get(reverse("family:entry"))  # the guide, once per process (levels.selectors)
    # The session, the children and their cases (with the request's savepoint around them).
    with django_assert_max_num_queries(5):
        response = client.get(reverse("family:entry"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_family_session_ends_after_ten_hours_however_active(client, guide):
    with_family_session(client, municipality_id=home_municipality().pk)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.BTS_SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("family:entry"))
    assert response.status_code == 302 and response["Location"] == reverse("family:entry")
    assert "bts_family" not in client.session


def test_a_family_session_on_a_staff_page_is_a_404_and_audited(client, guide):
    from bts.events import AccessAudit
    from bts.models import AuditEvent

    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, children=[1]
    )
    for url in ("/saker/", "/", "/familiehjelpa/"):
        assert client.get(url).status_code == 404, url
    assert (
        AuditEvent.objects.filter(
            kind=AccessAudit.ACCESS_REFUSED, detail="family_session:staff_url"
        ).count()
        == 3
    )
    # The login page stays open to it (a staff member at a family's computer).
    assert client.get("/logg-inn/").status_code == 200
