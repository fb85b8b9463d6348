"""Conversations with the family: booked by the team leader or the family's contact."""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User
from cases.models import Case, RelayEntry

from ..models import Conversation, Inquiry, InquiryEvent
from ..selectors import has_active_consent_for, linked_cases
from .common import (
    State,
    apply_move,
    changed,
    history_add,
    lock,
    move_for_action,
    relay,
    require_open,
)


def _check_invited(inquiry: Inquiry, user: User, invited: list[Service]) -> None:
    """Inviting a service to talk about the family shares what the family tells: each invited
    service must be covered by the family's consent in every case of the inquiry."""
    others = [s for s in invited if s.pk != inquiry.service_id]
    if not others:
        return
    cases = list(linked_cases(user, inquiry).filter(status=Case.Status.OPEN))
    if not cases:
        raise ValidationError(
            {
                "invited_services": _(
                    "Andre tjenester kan inviteres når barnet er knyttet til henvendelsen og "
                    "familien har samtykket til samarbeid med dem."
                )
            }
        )
    missing = sorted(
        {
            s.name
            for case in cases
            for s in others
            if s.pk != case.owner_service_id and not has_active_consent_for(case, s)
        }
    )
    if missing:
        raise ValidationError(
            {
                "invited_services": _(
                    "%(names)s kan ikke inviteres før familien har samtykket til samarbeid med "
                    "tjenesten. Registrer samtykket i saken først."
                )
                % {"names": ", ".join(missing)}
            }
        )


def conversation_book(
    *,
    inquiry: Inquiry,
    user: User,
    starts_at: datetime,
    place: str,
    family_attendees: str,
    trusted_person: str = "",
    invited_services: list[Service] = (),
    note: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Conversation:
    """Book a conversation with the family (the family is told a trusted person may come).
    Agreeing on it is familiehjelpa's first contact with the family, if none is recorded."""
    errors = {}
    if not place.strip():
        errors["place"] = _("Skriv hvor samtalen skal være.")
    if not family_attendees.strip():
        errors["family_attendees"] = _("Skriv hvem fra familien som kommer.")
    if errors:
        raise ValidationError(errors)
    invited_services = list(invited_services)

    @transaction.atomic
    def create() -> Conversation:
        locked = lock(inquiry)
        require_open(locked)
        moves = move_for_action(locked, State.CONVERSATION)
        _check_invited(locked, user, invited_services)
        conversation = Conversation.objects.create(
            inquiry=locked,
            starts_at=starts_at,
            place=place.strip(),
            family_attendees=family_attendees.strip(),
            trusted_person=trusted_person.strip(),
            note=note.strip(),
            booked_by=user,
            idempotency_key=idempotency_key,
        )
        conversation.invited_services.set(invited_services)
        if locked.first_contact_at is None:
            locked.first_contact_at = timezone.now()
            locked.save(update_fields=["first_contact_at"])
        when = timezone.localtime(starts_at)
        text = _("Samtale med familien %(date)s kl. %(time)s på %(place)s er avtalt.") % {
            "date": f"{when:%d.%m.%Y}",
            "time": f"{when:%H:%M}",
            "place": conversation.place,
        }
        if invited_services:
            text += " " + _("Tjenester som inviteres: %(names)s.") % {
                "names": ", ".join(sorted(s.name for s in invited_services))
            }
        if conversation.trusted_person:
            text += " " + _("En tillitsperson kommer.")
        history_add(locked, user, InquiryEvent.Kind.CONVERSATION, text)
        relay(locked, user, RelayEntry.Kind.MEETING, _("Familiehjelpa: %(t)s") % {"t": text})
        if moves:
            apply_move(locked, user, State.CONVERSATION)
        changed(locked, user, "conversation")
        return conversation

    conversation, _created = create_once(Conversation, key=idempotency_key, create=create)
    return conversation
