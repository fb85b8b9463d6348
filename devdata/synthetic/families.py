"""Familiehjelpa's synthetic inquiries and anonymous advice calls."""

from datetime import datetime, timedelta

from bts.models import Service
from familiehjelpa.models import AdviceCall, Inquiry, InquiryCase, InquiryEvent

from .words import ADULT_NAMES, LAST_NAMES, YEARS


def _inquiry(writer, rng, fh, case_id, owner, holder, opened, end, participants) -> None:
    """Familiehjelpa's inquiry about the case (`fh` the child's municipality's): from the
    service on the family's behalf, or from the family itself; triaged, mostly with a family
    contact connected."""
    received = opened + (end - opened) * rng.random() * 0.5
    from_service = rng.random() < 0.6
    state = rng.choices([s.value for s in Inquiry.State], [0.05, 0.1, 0.1, 0.45, 0.05, 0.25])[0]
    contact = (
        rng.choice(fh.employees)
        if state in (Inquiry.State.CONTACT_ASSIGNED, Inquiry.State.CLOSED) and rng.random() < 0.8
        else None
    )
    first_contact = received + timedelta(days=rng.randint(0, 14)) if state != "ny" else None
    inquiry_id = writer.add(
        Inquiry,
        service_id=fh.service_id,
        received_at=received,
        channel=Inquiry.Channel.BTS
        if from_service
        else rng.choice(("phone", "email", "in_person")),
        source=Inquiry.Source.SERVICE if from_service else Inquiry.Source.FAMILY,
        referring_service_id=owner.service_id if from_service else None,
        caller_name=f"{rng.choice(ADULT_NAMES)} {rng.choice(LAST_NAMES)}",
        caller_role="kontaktlærer" if from_service else "mor",
        about="Familien trenger hjelp til å få oversikt over hjelpen som finnes.",
        state=state,
        state_changed_at=first_contact or received,
        family_contact_id=contact,
        first_contact_at=first_contact,
        registered_by_id=fh.leader,
        created_at=received,
    )
    writer.add(
        InquiryCase, inquiry_id=inquiry_id, case_id=case_id, linked_at=received, linked_by_id=holder
    )
    writer.add(
        InquiryEvent,
        inquiry_id=inquiry_id,
        at=received,
        actor_id=fh.leader,
        kind=InquiryEvent.Kind.REGISTERED,
        text="Henvendelse registrert.",
    )
    if contact is not None:
        participants.add(contact)


def _advice_calls(writer, rng, areas, n: int, now: datetime) -> None:
    """Anonymous drøftingstelefon calls, about one for every twenty cases, to each
    municipality's familiehjelpa by its size."""
    kinds = [Service.Kind.KINDERGARTEN, Service.Kind.SCHOOL, Service.Kind.HEALTH_STATION]
    weights = [a.weight for a in areas]
    for _ in range(n):
        area = rng.choices(areas, weights)[0] if len(areas) > 1 else areas[0]
        fh = area.serving(Service.Kind.FAMILIEHJELPA)
        when = now - timedelta(days=YEARS * 365 * rng.random())
        writer.add(
            AdviceCall,
            service_id=fh.service_id,
            received_at=when,
            channel="phone",
            caller_kind=rng.choice(kinds),
            topics=[rng.choice([t.value for t in AdviceCall.Topic])],
            advice="Drøftet anonymt. Rådet til en samtale med foresatte.",
            registered_by_id=rng.choice([fh.leader, *fh.employees]),
            created_at=when,
        )
