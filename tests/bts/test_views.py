import re

import pytest
from django.urls import reverse

from bts.models import Role
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# Each role's own start-page section, by its heading id.
ROLE_SECTIONS = {
    Role.EMPLOYEE: "my-cases",
    Role.LEADER: "service-cases",
    Role.FAMILIEHJELPA_LEADER: "inquiries",
    Role.FAMILY_CONTACT: "families",
    Role.CHILD_COORDINATOR: "coordinated",
    Role.MUNICIPAL_LEADER: "municipality",
    Role.SYSTEM_ADMIN: "administration",
}


@pytest.mark.parametrize("role", list(ROLE_SECTIONS), ids=[r.value for r in ROLE_SECTIONS])
def test_start_page_shows_the_sections_of_the_users_role(client, guide, make_user, role):
    client.force_login(make_user(role))

    html = client.get(reverse("start")).text

    shown = {r for r, section in ROLE_SECTIONS.items() if f'id="{section}"' in html}
    expected = {role} | ({Role.EMPLOYEE} if role == Role.LEADER else set())
    assert shown == expected
    assert str(role.label) in html  # the role tag


def test_leader_sees_each_service_they_lead(client, guide, make_user):
    school = ServiceFactory(name="Eikebakken skole")
    leader = make_user(Role.LEADER)
    from bts.services import membership_grant

    membership_grant(user=leader, role=Role.LEADER, service=school)
    client.force_login(leader)

    html = client.get(reverse("start")).text

    assert "Solsikken barnehage har ingen åpne saker." in html
    assert "Eikebakken skole har ingen åpne saker." in html


def test_employee_start_page_points_to_the_first_step(employee_client, guide):
    html = employee_client.get(reverse("start")).text
    assert reverse("levels:step", args=["0.1"]) in html


def test_municipal_leader_sees_the_pyramid_without_names(client, guide, make_user):
    client.force_login(make_user(Role.MUNICIPAL_LEADER))
    html = client.get(reverse("start")).text
    assert html.count("<polygon") == 4
    assert "aldri navn" in html


def test_user_without_role_is_told_what_to_do(client, guide):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    html = client.get(reverse("start")).text
    assert "Du har ingen rolle" in html


def test_inactive_membership_is_not_a_role(client, guide, make_user):
    user = make_user(Role.LEADER)
    user.memberships.update(valid_to="2000-01-01")
    client.force_login(user)
    html = client.get(reverse("start")).text
    assert 'id="service-cases"' not in html
    assert "Du har ingen rolle" in html


def test_only_the_system_admin_gets_the_admin_link(client, guide, make_user):
    admin, employee = make_user(Role.SYSTEM_ADMIN), make_user(Role.EMPLOYEE)
    client.force_login(admin)
    assert reverse("admin:index") in client.get(reverse("start")).text
    client.force_login(employee)
    assert reverse("admin:index") not in client.get(reverse("start")).text
    assert client.get(reverse("admin:index")).status_code == 302  # not staff: admin login


def test_system_admin_can_open_the_user_and_service_admin(client, guide, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    for name in (
        "admin:bts_user_changelist",
        "admin:bts_service_changelist",
        "admin:bts_membership_changelist",
        "admin:levels_guide_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("url", ["login", "start", "levels:guide"], ids=["login", "start", "guide"])
def test_akutt_box_with_the_municipalitys_numbers_is_on_every_page(employee_client, guide, url):
    if url == "login":
        employee_client.logout()
    html = employee_client.get(reverse(url)).text

    assert 'aria-labelledby="acute-title"' in html
    for contact in guide.acute_contacts.all():
        assert f'href="{contact.phone_uri}"' in html
        assert contact.phone in html
    assert "Øvre Eiker kommune" in html


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


def test_start_page_keeps_a_fixed_query_count(
    employee_client, guide, django_assert_max_num_queries
):
    # session, user, second factor's device, memberships, guide, contacts, levels, steps, my
    # cases, offers to take over, cases followed (the session is not written again within a
    # minute of the login), + SAVEPOINT/RELEASE of the request's transaction.
    with django_assert_max_num_queries(13):  # + SAVEPOINT/RELEASE of ATOMIC_REQUESTS
        assert employee_client.get(reverse("start")).status_code == 200


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
