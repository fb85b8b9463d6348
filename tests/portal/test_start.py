"""The start page, the menu and the layout around every page (portal)."""

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


def test_start_page_keeps_a_fixed_query_count(
    employee_client, guide, django_assert_max_num_queries
):
    # session, user, second factor's device, memberships, guide, contacts, levels, steps, my
    # cases, offers to take over, cases followed (the session is not written again within a
    # minute of the login), + SAVEPOINT/RELEASE of the request's transaction.
    with django_assert_max_num_queries(13):  # + SAVEPOINT/RELEASE of ATOMIC_REQUESTS
        assert employee_client.get(reverse("start")).status_code == 200
