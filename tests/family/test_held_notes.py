"""A note the holder keeps from the family for a while (a draft): the family's log shows it
from the day it is shared, never before; the staff see that it is held, and until when."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import RelayEntry
from tests.factories import home_municipality
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db

DRAFT = "Utkast: vi vurderer å drøfte med PPT."


@pytest.fixture
def emma(guide, employee):
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1)),
        guardians=[services.GuardianData("Lise Hansen", "mor")],
    )
    return services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )


def family_log(client, case) -> str:
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk,
        guardians=case.child.guardians.values_list("pk", flat=True),
        children=[case.child_id],
    )
    page = client.get(reverse("family:case", args=[case.pk])).content.decode()
    return page[page.index('id="family-log"') :]


def test_a_held_note_reaches_the_family_on_its_day(client, employee_client, emma):
    in_a_week = timezone.localdate() + dt.timedelta(days=7)
    response = employee_client.post(
        reverse("cases:note_add", args=[emma.pk]),
        {
            "text": DRAFT,
            "shared_from": in_a_week.isoformat(),
            "idempotency_key": "5f2c8a0e-0a6f-4d5e-9b1e-0f6f1f6f1f6f",
        },
    )
    assert response.status_code == 302
    note = emma.relay_entries.get(kind=RelayEntry.Kind.NOTE)
    assert timezone.localtime(note.shared_from).date() == in_a_week
    staff_page = employee_client.get(reverse("cases:detail", args=[emma.pk])).content.decode()
    assert f"familien ser det fra {in_a_week:%d.%m.%Y}" in staff_page
    assert DRAFT not in family_log(client, emma)
    # On the day, the family sees it.
    type(note).objects.filter(pk=note.pk).update(shared_from=timezone.now())
    assert DRAFT in family_log(client, emma)


def test_a_note_not_held_is_the_family_s_at_once(client, emma, employee):
    services.note_add(case=emma, user=employee, text="Vi har snakket med Emma.")
    assert "Vi har snakket med Emma." in family_log(client, emma)


@pytest.mark.parametrize("days", [0, -1, 61])
def test_a_note_is_held_only_a_while_and_only_ahead(employee_client, emma, days):
    day = timezone.localdate() + dt.timedelta(days=days)
    employee_client.post(
        reverse("cases:note_add", args=[emma.pk]),
        {
            "text": DRAFT,
            "shared_from": day.isoformat(),
            "idempotency_key": "6f2c8a0e-0a6f-4d5e-9b1e-0f6f1f6f1f6f",
        },
    )
    assert not emma.relay_entries.filter(kind=RelayEntry.Kind.NOTE).exists()
