"""What a family writes into its own case (the family app calls these, for a family's session
its access policy has let in): their words in the relay log. One transaction each, with its
audit event; the holder is told by e-mail, without personal data."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts import audit
from bts.idempotency import create_once

from .. import notifications
from ..events import CaseAudit
from ..models import Case, Meeting, MeetingAnswer, RelayEntry
from ._common import _log, for_case_municipality

# What a family may write in its log: their note, a topic for the next meeting, and the
# child's own words before the measures are evaluated.
FAMILY_KINDS = (
    RelayEntry.Kind.FAMILY_NOTE,
    RelayEntry.Kind.FAMILY_TOPIC,
    RelayEntry.Kind.CHILD_WORDS,
)


@for_case_municipality
def family_note_add(
    *,
    case: Case,
    author: str,
    text: str,
    who: str,
    kind: str = RelayEntry.Kind.FAMILY_NOTE,
    protected_address: bool = False,
    idempotency_key: uuid.UUID | None = None,
) -> RelayEntry:
    """A note from the family ("Vår stemme") in the case's relay log, signed with `author`
    (the guardian's or the young person's name); `who` names the session's people by id for
    the audit trail. A double submit writes one note."""
    if kind not in FAMILY_KINDS:
        raise ValueError(f"a family does not write {kind!r} entries")

    @transaction.atomic
    def create() -> RelayEntry:
        entry = _log(
            case,
            actor=None,
            by_family=author.strip()[:120],
            kind=kind,
            text=text.strip(),
            idempotency_key=idempotency_key,
            # From a guardian at a strictly confidential address: kept from the other guardian.
            protected_address=protected_address,
        )
        audit.record(kind=CaseAudit.CASE_CHANGED, case_id=case.pk, detail=f"{kind};{who}"[:120])
        notifications.family_wrote(case)
        return entry

    entry, _created = create_once(RelayEntry, key=idempotency_key, create=create)
    return entry


@for_case_municipality
def meeting_answer(
    *,
    meeting: Meeting,
    author: str,
    answer: str,
    message: str,
    who: str,
    protected_address: bool = False,
    idempotency_key: uuid.UUID | None = None,
) -> MeetingAnswer:
    """The family's answer to a meeting in their case: they come, or they ask for another time
    (and say when suits). The answer is kept, stands in the relay log for the holder to see,
    and the holder is told by e-mail without personal data. A double submit answers once."""
    case = meeting.case
    when = f"{timezone.localtime(meeting.starts_at):%d.%m.%Y %H:%M}"

    @transaction.atomic
    def create() -> MeetingAnswer:
        made = MeetingAnswer.objects.create(
            meeting=meeting,
            by_family=author.strip()[:120],
            answer=answer,
            message=message.strip(),
            idempotency_key=idempotency_key,
        )
        if answer == MeetingAnswer.Answer.COMING:
            text = _("Kommer på %(kind)s %(when)s.")
        else:
            text = _("Ber om et annet tidspunkt for %(kind)s %(when)s: %(message)s")
        _log(
            case,
            actor=None,
            by_family=made.by_family,
            kind=RelayEntry.Kind.MEETING_ANSWER,
            protected_address=protected_address,
            text=text
            % {"kind": meeting.get_kind_display().lower(), "when": when, "message": made.message},
        )
        audit.record(
            kind=CaseAudit.CASE_CHANGED, case_id=case.pk, detail=f"meeting_answer;{who}"[:120]
        )
        notifications.family_wrote(case)
        return made

    made, _created = create_once(MeetingAnswer, key=idempotency_key, create=create)
    return made
