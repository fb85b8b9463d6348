"""What a family writes into its own case (the family app calls these, for a family's session
its access policy has let in): their words in the relay log. One transaction each, with its
audit event; the holder is told by e-mail, without personal data."""

import uuid

from django.db import transaction

from bts import audit
from bts.idempotency import create_once

from .. import notifications
from ..events import CaseAudit
from ..models import Case, RelayEntry
from ._common import _log, for_case_municipality


@for_case_municipality
def family_note_add(
    *,
    case: Case,
    author: str,
    text: str,
    who: str,
    idempotency_key: uuid.UUID | None = None,
) -> RelayEntry:
    """A note from the family ("Vår stemme") in the case's relay log, signed with `author`
    (the guardian's or the young person's name); `who` names the session's people by id for
    the audit trail. A double submit writes one note."""

    @transaction.atomic
    def create() -> RelayEntry:
        entry = _log(
            case,
            actor=None,
            by_family=author.strip()[:120],
            kind=RelayEntry.Kind.FAMILY_NOTE,
            text=text.strip(),
            idempotency_key=idempotency_key,
        )
        audit.record(kind=CaseAudit.CASE_CHANGED, case_id=case.pk, detail=f"family_note;{who}")
        notifications.family_wrote(case)
        return entry

    entry, _created = create_once(RelayEntry, key=idempotency_key, create=create)
    return entry
