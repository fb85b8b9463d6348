"""The drøftingstelefon: a call about a worry, counted and kept without anyone's name."""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.audit import record
from bts.idempotency import create_once
from bts.models import Service, User
from cases.events import CaseAudit

from ..models import AdviceCall
from .common import FUTURE_SLACK


def advice_call_record(
    *,
    user: User,
    service: Service,
    received_at: datetime,
    channel: str,
    topics: list[str],
    caller_kind: str = "",
    advice: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> AdviceCall:
    """A drøftingstelefon call: counted, and stored without anything that identifies the
    caller, the child or the family (the model has no field for it)."""
    if service.kind != Service.Kind.FAMILIEHJELPA:
        raise ValidationError(_("Drøftinger registreres i familiehjelpa."))
    errors = {}
    if not topics:
        errors["topics"] = _("Velg minst ett tema.")
    if received_at > timezone.now() + FUTURE_SLACK:
        errors["received_at"] = _("Tidspunktet kan ikke være fram i tid.")
    if errors:
        raise ValidationError(errors)

    def create() -> AdviceCall:
        call = AdviceCall.objects.create(
            service=service,
            received_at=received_at,
            channel=channel,
            caller_kind=caller_kind,
            topics=sorted(set(topics)),
            advice=advice.strip(),
            registered_by=user,
            idempotency_key=idempotency_key,
        )
        record(kind=CaseAudit.ANONYMOUS_DISCUSSION, actor=user, detail="familiehjelpa")
        return call

    call, _created = create_once(AdviceCall, key=idempotency_key, create=create)
    return call
