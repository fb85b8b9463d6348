"""The written reply to the family, with its copy to the referring service."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.models import User
from cases.models import RelayEntry

from ..models import Inquiry, InquiryEvent
from .common import changed, history_add, lock, relay


@transaction.atomic
def reply_sent(*, inquiry: Inquiry, user: User) -> Inquiry:
    """Record that the written reply went to the family, with its copy to the referring
    service (seed 002 § 2.4). Recording it twice changes nothing."""
    locked = lock(inquiry)
    if locked.reply_sent_at is not None:
        return locked
    locked.reply_sent_at = timezone.now()
    locked.save(update_fields=["reply_sent_at"])
    text = _("Skriftlig svar er sendt til familien.")
    if locked.referring_service_id:
        text = _("Skriftlig svar er sendt til familien, med kopi til %(service)s.") % {
            "service": locked.referring_service.name
        }
    history_add(locked, user, InquiryEvent.Kind.REPLY, text)
    relay(locked, user, RelayEntry.Kind.NOTE, _("Familiehjelpa: %(t)s") % {"t": text})
    changed(locked, user, "reply")
    return locked
