"""Triage: moves on the board and the kartleggingsskjema (the mapping form)."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.models import User

from .. import rules
from ..models import Inquiry, InquiryEvent, Mapping
from ..rules import MoveRefused
from .common import FUTURE_SLACK, State, apply_move, changed, facts, history_add, lock, require_open


class MappingConflict(Exception):
    """Someone saved the mapping form after this user loaded it; `current` is what is stored."""

    def __init__(self, current: Mapping):
        super().__init__(_("Kartleggingsskjemaet er endret av en annen etter at du åpnet det."))
        self.current = current


@transaction.atomic
def inquiry_move(
    *, inquiry: Inquiry, user: User, to_state: str, seen_state: str, reason: str = ""
) -> Inquiry:
    """Move the inquiry on the board. `seen_state` is the state the user saw: if someone moved
    it meanwhile, the move is refused rather than applied to a state they have not seen (the
    row is locked, so two moves at once cannot both pass). Raises MoveRefused."""
    locked = lock(inquiry)
    if locked.state != seen_state:
        raise MoveRefused(
            _(
                "Henvendelsen er flyttet av en annen mens du så på den. Den har nå status "
                "«%(state)s»."
            )
            % {"state": locked.get_state_display()}
        )
    if to_state not in State.values:
        raise MoveRefused(_("Ukjent status."))
    rules.check_move(locked.state, to_state, facts(locked, reason))
    from_state = locked.state
    apply_move(locked, user, to_state, reason)
    changed(locked, user, f"flytt:{from_state}>{to_state}")
    return locked


@transaction.atomic
def mapping_save(
    *,
    inquiry: Inquiry,
    user: User,
    data: dict,
    version: int,
    first_contact_at: datetime | None = None,
) -> Mapping:
    """Save the kartleggingsskjema if nobody saved it since `version` was loaded; a new inquiry
    moves to «Kartlegging». Raises MappingConflict with what is stored when it has changed,
    except when the stored text is exactly the submitted one (a double submit)."""
    locked = lock(inquiry)
    require_open(locked)
    sections = {
        name: (
            bool(data.get(name)) if name == "family_informed" else str(data.get(name) or "").strip()
        )
        for name in Mapping.SECTIONS
    }
    if sections["decision"] not in Mapping.Decision.values:
        raise ValidationError({"decision": _("Velg en av beslutningene.")})
    if first_contact_at is not None:
        if first_contact_at > timezone.now() + FUTURE_SLACK:
            raise ValidationError({"first_contact_at": _("Tidspunktet kan ikke være fram i tid.")})
        if first_contact_at < locked.received_at - timedelta(days=1):
            raise ValidationError(
                {"first_contact_at": _("Første kontakt kan ikke være før henvendelsen kom.")}
            )
    current = Mapping.objects.filter(inquiry=locked).select_related("updated_by").first()
    if (current.version if current else 0) != version:
        if current and current.sections() == sections:
            return current
        raise MappingConflict(current or Mapping(inquiry=locked))
    contact_changed = first_contact_at is not None and first_contact_at != locked.first_contact_at
    if current and current.sections() == sections and not contact_changed:
        return current
    now = timezone.now()
    if current is None:
        current = Mapping(inquiry=locked)
    for name, value in sections.items():
        setattr(current, name, value)
    current.version, current.updated_by, current.updated_at = current.version + 1, user, now
    current.save()
    if contact_changed:
        locked.first_contact_at = first_contact_at
        locked.save(update_fields=["first_contact_at"])
    text = _("Kartleggingsskjemaet er lagret (versjon %(v)s).") % {"v": current.version}
    if current.decision:
        text += " " + _("Beslutning: %(d)s.") % {"d": current.get_decision_display().lower()}
    history_add(locked, user, InquiryEvent.Kind.MAPPING, text)
    if locked.state == State.NEW:
        apply_move(locked, user, State.MAPPING)
    changed(locked, user, "mapping")
    return current
