"""Familiehjelpa's writes audit themselves: each service writes its event in its own
transaction, with the outcome it had. A refused or no-op action (a double submit, unchanged
text, the same contact again, a reply recorded twice) writes no "changed" event; a form that
comes back with its errors is a read of the inquiry, written by the access policy."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bts.models import AuditEvent
from familiehjelpa import services
from familiehjelpa.models import Inquiry

from .conftest import new_child
from .helpers import row_counts

pytestmark = pytest.mark.django_db
State = Inquiry.State
MAPPING = {"help_wanted": "Oversikt.", "decision": "", "family_informed": True}


@pytest.fixture
def events():
    """The audit events written since the test asked for this, as (kind, detail, case id)."""
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def since() -> list[tuple[str, str, int | None]]:
        return list(
            AuditEvent.objects.filter(id__gt=start)
            .order_by("id")
            .values_list("kind", "detail", "case_id")
        )

    return since


def ref(inquiry, what=""):
    return f"henvendelse:{inquiry.pk}" + (f":{what}" if what else "")


def test_a_registration_is_audited_once_and_its_double_submit_not_again(register, events):
    key = uuid.uuid4()
    inquiry = register(idempotency_key=key)
    again = register(idempotency_key=key)
    assert again == inquiry
    assert events() == [("inquiry_created", ref(inquiry), None)]


def test_a_refused_registration_writes_no_event(register, events):
    with pytest.raises(ValidationError):
        register(about=" ")
    assert events() == []


def test_a_child_like_a_known_one_is_registered_only_when_confirmed(register, events):
    first = register(child=new_child())
    known = first.links.get().case.child
    before, start = row_counts(), len(events())
    with pytest.raises(services.DuplicateChildren) as warned:
        register(child=new_child(confirmed_new=False))
    assert warned.value.children == [known]
    assert row_counts() == before and len(events()) == start
    second = register(child=new_child(confirmed_new=True))
    assert second.links.get().case.child != known
    joined = register(child=known)
    assert joined.links.get().case.child == known


def test_adding_a_child_audits_the_inquiry_and_the_case_once(register, events):
    inquiry = register()
    start = len(events())
    key = uuid.uuid4()
    link = services.inquiry_child_add(
        inquiry=inquiry, user=inquiry.registered_by, child=new_child(), idempotency_key=key
    )
    services.inquiry_child_add(
        inquiry=inquiry, user=inquiry.registered_by, child=new_child(), idempotency_key=key
    )
    assert events()[start:] == [
        ("inquiry_changed", ref(inquiry, "child"), None),
        ("case_changed", "familiehjelpa", link.case_id),
    ]
    with pytest.raises(ValidationError):
        services.inquiry_child_add(inquiry=inquiry, user=inquiry.registered_by, child=None)
    assert len(events()) == start + 2


def test_a_move_is_audited_with_its_states_and_a_refused_move_not_at_all(world, events):
    leader, inquiry = world.team_leader, world.inquiry
    with pytest.raises(services.MoveRefused):
        services.inquiry_move(
            inquiry=inquiry, user=leader, to_state=State.CLOSED, seen_state=State.MAPPING
        )
    assert events() == []
    services.inquiry_move(
        inquiry=inquiry, user=leader, to_state=State.CLOSED, seen_state=State.NEW, reason="Ferdig."
    )
    assert events() == [("inquiry_changed", ref(inquiry, "flytt:ny>avsluttet"), None)]


def test_saving_the_same_mapping_and_duken_again_writes_no_change(world, events):
    leader, inquiry = world.team_leader, world.inquiry
    services.mapping_save(inquiry=inquiry, user=leader, data=MAPPING, version=0)
    services.mapping_save(inquiry=inquiry, user=leader, data=MAPPING, version=0)
    duken = {"plan_for": "Familien", "held_on": timezone.localdate(), "dreams": "Ro."}
    services.duken_save(inquiry=inquiry, user=leader, data=duken, based_on=0)
    services.duken_save(inquiry=inquiry, user=leader, data=duken, based_on=0)  # double submit
    services.duken_save(inquiry=inquiry, user=leader, data=duken, based_on=1)  # unchanged
    with pytest.raises(services.DukenConflict):
        services.duken_save(inquiry=inquiry, user=leader, data=duken | {"dreams": "X."}, based_on=0)
    assert events() == [
        ("inquiry_changed", ref(inquiry, "mapping"), None),
        ("inquiry_changed", ref(inquiry, "duken"), None),
    ]


def test_the_family_contact_is_audited_in_the_inquiry_and_its_cases_once(world, events):
    leader, inquiry = world.team_leader, world.inquiry
    services.mapping_save(inquiry=inquiry, user=leader, data=MAPPING, version=0)
    start = len(events())
    for seen in (State.MAPPING, State.CONTACT_ASSIGNED):  # the second time: the same contact
        services.family_contact_assign(
            inquiry=inquiry, user=leader, contact=world.contact, seen_state=seen
        )
    assert events()[start:] == [
        ("inquiry_changed", ref(inquiry, "contact"), None),
        ("case_changed", "familiehjelpa", world.case.pk),
    ]


def test_the_barneteam_is_audited_in_the_case_and_decided_once(world, events):
    leader, inquiry = world.team_leader, world.inquiry
    services.mapping_save(inquiry=inquiry, user=leader, data=MAPPING, version=0)
    start = len(events())
    item = services.child_team_refer(
        inquiry=inquiry,
        user=leader,
        case=world.case,
        question="Hvem følger opp?",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place="Rådhuset",
    )
    for _again in range(2):
        services.child_team_decide(item=item, user=leader, service=world.fh, reason="Vi.")
    assert events()[start:] == [
        ("case_changed", "familiehjelpa", world.case.pk),
        ("case_decided", "familiehjelpa:barneteam", world.case.pk),
    ]


def test_the_reply_recorded_twice_is_audited_once(world, events):
    for _again in range(2):
        services.reply_sent(inquiry=world.inquiry, user=world.team_leader)
    assert events() == [("inquiry_changed", ref(world.inquiry, "reply"), None)]


def test_a_referral_is_audited_in_the_case_and_not_again_while_open(
    school_case, teacher, fh, events
):
    inquiry = services.case_refer(case=school_case, user=teacher, service=fh, about="Hjelp.")
    services.case_refer(case=school_case, user=teacher, service=fh, about="Igjen.")
    with pytest.raises(ValidationError, match="ingen familiehjelpa"):
        services.case_refer(case=school_case, user=teacher, service=None, about="Hjelp.")
    assert events() == [("case_changed", f"familiehjelpa:{inquiry.pk}", school_case.pk)]


def test_an_advice_call_is_audited_once_per_submit(team_leader, fh, events):
    key = uuid.uuid4()
    for _again in range(2):
        services.advice_call_record(
            user=team_leader,
            service=fh,
            received_at=timezone.now(),
            channel="phone",
            topics=["school"],
            idempotency_key=key,
        )
    assert events() == [("anonymous_discussion", "familiehjelpa", None)]


def test_a_form_that_comes_back_is_a_read_and_a_saved_one_its_change(client, world, events):
    client.force_login(world.team_leader)
    url = reverse("familiehjelpa:mapping", args=[world.inquiry.pk])
    assert client.post(url, {"version": 0, "decision": "nonsense"}).status_code == 200
    assert events() == [("inquiry_viewed", ref(world.inquiry, "form"), None)]
    response = client.post(url, {"version": 0, "help_wanted": "Oversikt.", "decision": ""})
    assert response.status_code == 302
    assert events()[1:] == [("inquiry_changed", ref(world.inquiry, "mapping"), None)]
