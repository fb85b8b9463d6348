"""Meetings: agreed (an invitation, not a summons) with people and services in the case, and
their minutes, saved with optimistic locking."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User

from .. import family_notices, notifications
from ..grants import grants_sync
from ..models import Case, Meeting, Minutes, RelayEntry
from ._common import (
    _active_guide,
    _audit,
    _check_active,
    _check_people_in_case,
    _check_services,
    _log,
    for_case_municipality,
)
from .decisions import progress_advance


class MinutesConflict(Exception):
    """Someone saved the minutes after this user loaded them; `current` is what is stored now."""

    def __init__(self, current: Minutes):
        super().__init__(_("Referatet er endret av en annen etter at du åpnet det."))
        self.current = current


@for_case_municipality
def meeting_invite(
    *,
    case: Case,
    user: User,
    kind: str,
    starts_at,
    place: str,
    agenda: str,
    participants: list[User],
    participant_services: list[Service],
    other_participants: str = "",
    idempotency_key: uuid.UUID | None = None,
    audited: bool = True,
) -> Meeting:
    """Agree on a meeting (an invitation, not a summons). No e-mail is sent from here.
    `audited=False`: familiehjelpa books a meeting as one step of its own action, which writes
    the event."""
    # A kind of the guide; the form offers those that belong to the case's level and step.
    if kind not in {k.code for k in _active_guide().meeting_kinds.all()}:
        raise ValidationError({"kind": _("Velg en møtetype fra veilederen.")})
    _check_active(participants)
    _check_people_in_case(case, participants)
    _check_services(case, participant_services)

    @transaction.atomic
    def create() -> Meeting:
        meeting = Meeting.objects.create(
            case=case,
            kind=kind,
            starts_at=starts_at,
            place=place.strip(),
            agenda=agenda.strip(),
            other_participants=other_participants.strip(),
            invited_by=user,
            idempotency_key=idempotency_key,
        )
        meeting.participants.set(participants)
        meeting.participant_services.set(participant_services)
        grants_sync(case, participants)
        when = timezone.localtime(meeting.starts_at)
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.MEETING,
            text=_("%(kind)s %(date)s kl. %(time)s på %(place)s er avtalt.")
            % {
                "kind": meeting.get_kind_display(),
                "date": f"{when:%d.%m.%Y}",
                "time": f"{when:%H:%M}",
                "place": meeting.place,
            },
        )
        notifications.meeting_invited(meeting, participants)
        family_notices.family_notice(case)
        progress_advance(case=case, user=user)
        if audited:
            _audit(user=user, case=case, detail="meeting")
        return meeting

    meeting, _created = create_once(Meeting, key=idempotency_key, create=create)
    return meeting


@for_case_municipality
@transaction.atomic
def minutes_save(*, meeting: Meeting, user: User, data: dict, version: int) -> Minutes:
    """Save the minutes if nobody saved them since `version` was loaded; never overwrite.

    The first save creates them at version 1. Raises MinutesConflict with what is stored
    when the stored version is not `version`, except when the stored text is exactly the
    submitted text (a double submit): then nothing is written and the stored minutes return.
    """
    sections = {name: str(data.get(name, "")).strip() for name in Minutes.SECTIONS}
    now = timezone.now()
    if not any(sections.values()):
        raise ValidationError(_("Skriv referatet: minst ett av feltene må fylles ut."))
    if meeting.starts_at > now:
        raise ValidationError(
            _("Referatet kan skrives når møtet har begynt (%(when)s).")
            % {"when": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y kl. %H:%M}"}
        )
    if version == 0:
        try:
            with transaction.atomic():
                minutes = Minutes.objects.create(
                    meeting=meeting, version=1, updated_by=user, updated_at=now, **sections
                )
        except IntegrityError:
            minutes = None
    else:
        saved = Minutes.objects.filter(meeting=meeting, version=version).update(
            version=F("version") + 1, updated_by=user, updated_at=now, **sections
        )
        minutes = Minutes.objects.get(meeting=meeting) if saved else None
    if minutes is None:
        current = Minutes.objects.select_related("updated_by").filter(
            meeting=meeting
        ).first() or Minutes(meeting=meeting)
        if current.pk and current.sections() == sections:
            return current
        raise MinutesConflict(current)
    _log(
        meeting.case,
        actor=user,
        kind=RelayEntry.Kind.MINUTES,
        text=_("Referat fra %(kind)s %(date)s er lagret (versjon %(version)s).")
        % {**_named(meeting), "version": minutes.version},
    )
    progress_advance(case=meeting.case, user=user)
    _audit(user=user, case=meeting.case, detail="minutes")
    return minutes


def _named(meeting: Meeting) -> dict:
    """How the log names a meeting: its kind and its day."""
    return {
        "kind": meeting.get_kind_display().lower(),
        "date": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}",
    }


@for_case_municipality
@transaction.atomic
def minutes_share(*, meeting: Meeting, user: User) -> Minutes:
    """Share the referat with the family: their page offers it as a PDF from now on (the version
    saved last), and they are told by e-mail that something is new. Sharing twice is once."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Skriv og lagre referatet før du deler det med familien."))
    if minutes.shared_with_family_at is not None:
        return minutes
    minutes.shared_with_family_at = timezone.now()
    minutes.save(update_fields=["shared_with_family_at"])
    _log(
        meeting.case,
        actor=user,
        kind=RelayEntry.Kind.MINUTES,
        text=_("Referat fra %(kind)s %(date)s er delt med familien.") % _named(meeting),
    )
    family_notices.family_notice(meeting.case)
    _audit(user=user, case=meeting.case, detail="minutes_share")
    return minutes
