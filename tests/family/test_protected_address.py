"""Strengt fortrolig adresse: the flag on the child and on a guardian. A child's protected address
keeps the whole case from a guardian without the same protection (the case names the school
and the meetings' places); a guardian's protected address is shown to no one but the case's
holder, and a note that concerns it is kept from the other guardian."""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bts.events import AccessAudit
from bts.models import AuditEvent, Role
from cases import services
from cases.family_notices import family_recipients
from cases.models import Guardian
from tests.factories import home_municipality, meeting_ahead
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db


def make_case(employee, *, child_protected: bool, mother_protected: bool):
    child = services.child_create(
        user=employee,
        child=services.ChildData(
            "Emma", "Hansen", dt.date(2019, 5, 1), address_protected=child_protected
        ),
        guardians=[
            services.GuardianData(
                "Lise Hansen",
                "mor",
                address="Hemmeligveien 1, 3300 Hokksund",
                address_protected=mother_protected,
            ),
            services.GuardianData("Tor Hansen", "far", address="Storgata 2, 3300 Hokksund"),
        ],
    )
    return services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )


def as_guardian(client, case, name: str) -> None:
    guardian = case.child.guardians.get(name=name)
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[guardian.pk], children=[case.child_id]
    )


def test_a_child_s_protected_address_keeps_the_case_from_the_other_guardian(
    client, guide, employee
):
    case = make_case(employee, child_protected=True, mother_protected=True)
    as_guardian(client, case, "Tor Hansen")
    entry = client.get(reverse("family:entry")).content.decode()
    assert reverse("family:case", args=[case.pk]) not in entry
    assert "Ingen sak å vise her nå" in entry
    for url in (
        reverse("family:case", args=[case.pk]),
        reverse("family:access_report", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        kind=AccessAudit.ACCESS_REFUSED, case_id=case.pk, detail="family_case"
    ).exists()

    # The guardian under the same protection sees the case.
    as_guardian(client, case, "Lise Hansen")
    assert client.get(reverse("family:case", args=[case.pk])).status_code == 200


def test_a_note_about_the_protected_address_is_kept_from_the_other_guardian(
    client, guide, employee
):
    case = make_case(employee, child_protected=False, mother_protected=True)
    services.note_add(
        case=case,
        user=employee,
        text="Mor har flyttet til krisesenteret i Drammen.",
        protected_address=True,
    )
    services.note_add(case=case, user=employee, text="Emma har hatt en fin uke.")
    as_guardian(client, case, "Tor Hansen")
    page = client.get(reverse("family:case", args=[case.pk])).content.decode()
    assert "Emma har hatt en fin uke." in page
    assert "krisesenteret" not in page and "Hemmeligveien" not in page
    as_guardian(client, case, "Lise Hansen")
    assert "krisesenteret" in client.get(reverse("family:case", args=[case.pk])).content.decode()


def test_staff_see_a_protected_address_only_as_the_case_s_holder(
    client, guide, employee, make_user
):
    case = make_case(employee, child_protected=False, mother_protected=True)
    client.force_login(employee)
    holder_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "strengt fortrolig adresse" in holder_page and "Hemmeligveien 1" in holder_page
    assert "Storgata 2" in holder_page

    leader = make_user(Role.LEADER, service=employee.memberships.first().service)
    other = Client()
    other.force_login(leader)
    leader_page = other.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "strengt fortrolig adresse" in leader_page
    assert "Hemmeligveien" not in leader_page and "Storgata 2" in leader_page


def test_notices_skip_a_guardian_kept_out_by_the_child_s_protected_address(guide, employee):
    case = make_case(employee, child_protected=True, mother_protected=True)
    now = timezone.now()
    Guardian.objects.filter(child=case.child).update(
        notice_email="x@example.invalid", notice_email_confirmed_at=now
    )
    Guardian.objects.filter(name="Lise Hansen").update(notice_email="lise@example.invalid")
    assert [address for address, _language in family_recipients(case)] == ["lise@example.invalid"]


def test_what_a_protected_guardian_writes_is_kept_from_the_other(client, guide, employee):
    case = make_case(employee, child_protected=False, mother_protected=True)
    meeting = meeting_ahead(case, employee)
    as_guardian(client, case, "Lise Hansen")
    client.post(
        reverse("family:note_add", args=[case.pk]),
        {"text": "Vi bor nå på krisesenteret.", "idempotency_key": str(uuid.uuid4())},
    )
    prefix = f"mote-{meeting.pk}"
    client.post(
        reverse("family:meeting_answer", args=[case.pk, meeting.pk]),
        {
            f"{prefix}-answer": "another_time",
            f"{prefix}-message": "Etter klokka tre, vi bor langt unna nå.",
            f"{prefix}-idempotency_key": str(uuid.uuid4()),
        },
    )
    as_guardian(client, case, "Tor Hansen")
    page = client.get(reverse("family:case", args=[case.pk])).content.decode()
    assert "krisesenteret" not in page and "langt unna" not in page
    as_guardian(client, case, "Lise Hansen")
    page = client.get(reverse("family:case", args=[case.pk])).content.decode()
    assert "krisesenteret" in page and "langt unna" in page


def test_the_note_form_offers_the_protected_address_mark_only_where_there_is_one(
    client, guide, employee
):
    client.force_login(employee)
    plain = make_case(employee, child_protected=False, mother_protected=False)
    protected = make_case(employee, child_protected=False, mother_protected=True)
    label = "Gjelder strengt fortrolig adresse"
    assert label not in client.get(reverse("cases:detail", args=[plain.pk])).content.decode()
    assert label in client.get(reverse("cases:detail", args=[protected.pk])).content.decode()
