"""The audit log's event kinds belong to the apps; bts.audit writes and checks them."""

import pytest
from django.db import models
from django.test import RequestFactory

from bts.audit import bound_request, event_kinds, kind_label, known_kinds, record, refuse
from bts.events import AccessAudit
from bts.models import AuditEvent
from cases.events import CaseAudit
from familiehjelpa.events import InquiryAudit


def test_every_app_registers_its_kinds():
    assert {CaseAudit.CASE_VIEWED, InquiryAudit.INQUIRY_CHANGED, AccessAudit.LOGIN_FAILED} <= (
        known_kinds()
    )


@pytest.mark.django_db
def test_an_unregistered_kind_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match="unknown audit event kind"):
        record(kind="case_eaten")
    assert not AuditEvent.objects.exists()


def test_a_kind_cannot_belong_to_two_apps():
    class Stolen(models.TextChoices):
        CASE_VIEWED = "case_viewed", "Lest"

    with pytest.raises(ValueError, match="registered twice"):
        event_kinds(Stolen)


def test_labels_come_from_the_owning_app_and_unknown_kinds_show_as_stored():
    assert kind_label("case_viewed") == "Sak lest"
    assert kind_label("inquiry_created") == "Henvendelse registrert"
    assert kind_label("retired_kind") == "retired_kind"
    assert AuditEvent(kind="access_refused").get_kind_display() == "Tilgang avvist"


@pytest.mark.django_db
def test_an_event_carries_the_request_being_served(employee):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user, request.request_id = employee, "abc123"
    with bound_request(request):
        event = record(kind=CaseAudit.CASE_VIEWED, case_id=7, detail="x")
    assert (event.actor, event.role, event.request_id, event.ip) == (
        employee,
        "employee",
        "abc123",
        "10.1.2.3",
    )
    # Outside a request (a command), nothing of a request and no actor unless named.
    event = record(kind=CaseAudit.CASE_ARCHIVED, case_id=7)
    assert (event.actor, event.role, event.request_id, event.ip) == (None, "", "", None)


@pytest.mark.django_db
def test_a_refusal_waits_for_the_request_and_is_written_at_once_outside_one(employee):
    request = RequestFactory().get("/")
    request.user = employee
    with bound_request(request):
        refuse(case_id=5, detail="not_visible")
    assert not AuditEvent.objects.exists()
    assert request._bts_refusals == [(5, "not_visible")]
    refuse(case_id=6, detail="command")
    assert AuditEvent.objects.get().kind == AccessAudit.ACCESS_REFUSED
