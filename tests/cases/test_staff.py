"""Staff changes: a leader moves a departing employee's cases; a deactivated user is out at once."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from bts.models import Role
from cases import services
from cases.models import Case, Handover

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(make_user):
    return make_user(Role.EMPLOYEE, first_name="Kari", email="kari@example.invalid")


def test_the_leader_moves_every_open_case_of_a_departing_employee(
    make_case, employee, leader, successor, make_user, school,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    mine = [make_case(first_name=f"Barn{i}") for i in range(3)]
    services.handover_offer(case=mine[0], user=employee, to_user=make_user(Role.EMPLOYEE))
    elsewhere = make_case(make_user(Role.EMPLOYEE, service=school), service=school)

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.cases_reassign_all(
            leader=leader, from_user=employee, to_user=successor, reason="Slutter 1. desember."
        )

    assert moved == 3
    assert set(Case.objects.filter(responsible=successor)) == set(mine)
    assert Case.objects.get(pk=elsewhere.pk).responsible != successor
    assert Handover.objects.get().status == Handover.Status.DECLINED
    for case in mine:
        entry = case.relay_entries.filter(kind="handover").first()  # newest first
        assert "Slutter 1. desember." in entry.text and entry.actor == leader
    [message] = mail.outbox
    assert message.to == ["kari@example.invalid"] and "3 saker" in message.body
    assert "Barn" not in message.body


def test_only_to_someone_in_the_leaders_services(make_case, employee, leader, make_user, school):
    make_case()
    outsider = make_user(Role.EMPLOYEE, service=school)
    with pytest.raises(ValidationError, match="tjeneste du leder"):
        services.cases_reassign_all(
            leader=leader, from_user=employee, to_user=outsider, reason="Slutter."
        )


def test_a_leader_of_another_service_moves_nothing(make_case, employee, make_user, school):
    make_case()
    principal = make_user(Role.LEADER, service=school)
    teacher = make_user(Role.EMPLOYEE, service=school)
    assert (
        services.cases_reassign_all(
            leader=principal, from_user=employee, to_user=teacher, reason="Feil."
        )
        == 0
    )
    assert not Case.objects.filter(responsible=teacher).exists()


def test_reassignment_through_the_page(client, make_case, employee, leader, successor):
    case = make_case()
    client.force_login(leader)
    start = client.get(reverse("start")).text
    assert reverse("cases:reassign_all") in start
    response = client.post(
        reverse("cases:reassign_all"),
        {"from_user": employee.pk, "to_user": successor.pk, "reason": "Permisjon."},
    )
    assert response["Location"] == reverse("start")
    case.refresh_from_db()
    assert case.responsible == successor


def test_an_employee_cannot_reassign(employee_client):
    assert employee_client.get(reverse("cases:reassign_all")).status_code == 403


def test_a_deactivated_user_is_logged_out_on_the_next_request(employee_client, employee, make_case):
    case = make_case()
    url = reverse("cases:detail", args=[case.pk])
    assert employee_client.get(url).status_code == 200
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    response = employee_client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
