import re

import pytest
from django.urls import reverse

from bts.models import Role

pytestmark = pytest.mark.django_db


def test_system_admin_can_open_the_user_and_service_admin(client, guide, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    for name in (
        "admin:bts_user_changelist",
        "admin:bts_service_changelist",
        "admin:bts_membership_changelist",
        "admin:levels_guide_changelist",
        "admin:bts_municipality_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_system_admin_adds_a_shared_service_and_a_municipal_leader(client, guide, make_user):
    """A barnevern hosted by one municipality serving another, and a municipal leader of the
    other: the admin's forms ask for the municipalities the models need."""
    from bts.models import Membership, Municipality, Service
    from tests.factories import UserFactory

    client.force_login(make_user(Role.SYSTEM_ADMIN))
    host = guide.municipality
    other = Municipality.objects.create(number="4699", name="Fjordvik kommune")
    response = client.post(
        reverse("admin:bts_service_add"),
        {
            "name": "Interkommunal barnevern",
            "kind": "child_protection",
            "provider": "public",
            "municipality": host.pk,
            "partner_municipalities": [other.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    shared = Service.objects.get(name="Interkommunal barnevern")
    assert list(shared.partner_municipalities.all()) == [other]
    user = UserFactory()
    # A municipal leader without a municipality: refused at the form, nothing saved.
    data = {"user": user.pk, "role": Role.MUNICIPAL_LEADER}
    assert client.post(reverse("admin:bts_membership_add"), data).status_code == 200
    assert not Membership.objects.filter(user=user).exists()
    data["municipality"] = other.pk
    assert client.post(reverse("admin:bts_membership_add"), data).status_code == 302
    assert Membership.objects.get(user=user).municipality == other


def test_security_headers_on_an_authenticated_page(employee_client, guide):
    response = employee_client.get(reverse("start"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_every_script_carries_the_nonce_and_none_is_inline(employee_client, guide):
    response = employee_client.get(reverse("start"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    scripts = re.findall(r"<script\b[^>]*>", response.text)

    assert scripts, "htmx is loaded"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag
        assert 'src="/static/' in tag
    assert re.search(r"<script\b[^>]*>\s*[^<\s]", response.text) is None
    assert 'hx-history="false"' in response.text
    assert re.search(r"\sstyle=", response.text) is None, "CSP forbids inline styles"


def test_anonymous_visitor_is_sent_to_login(client, guide):
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_logged_in_user_visiting_login_goes_to_start(employee_client, guide):
    response = employee_client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("start")


def test_404_page_is_norwegian(employee_client, guide):
    response = employee_client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.text


def test_error_page_renders_for_a_request_that_never_passed_the_middleware(rf, guide):
    # Django's static file handler skips middleware; its 404 must still render, not crash.
    from django.http import Http404
    from django.views.defaults import page_not_found

    request = rf.get("/static/finnes-ikke.css")
    response = page_not_found(request, Http404())

    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


def test_empty_choices_are_norwegian():
    from cases.forms import WideCollaborationForm
    from tests.factories import UserFactory

    form = WideCollaborationForm(people=UserFactory._meta.model.objects.all())
    html = str(form["coordinator"])
    assert "Ingen valgt" in html and "Select" not in html
