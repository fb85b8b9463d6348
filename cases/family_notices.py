"""E-mail to the family, to the address each guardian (or the young person) confirmed on the
family's page: that there is something new there, and to sign in with ID-porten. Never what,
never whom: the e-mail leaves the municipality's systems. Written in the language the person
chose on their page, else the municipality's language form."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bts.middleware import FAMILY_PATH
from levels.language import language_form_for
from levels.selectors import active_guide

from .models import Case


def family_recipients(case: Case) -> list[tuple[str, str]]:
    """(address, language) of everyone in the family who may read this case on the family's
    page and has confirmed an address there."""
    if not case.concerns.exists():  # the akutt path: the family's page does not show it
        return []
    child = case.child
    guide = active_guide(case.municipality_id)
    fallback = language_form_for(guide)
    recipients = [
        (g.notice_email, g.language or fallback)
        for g in child.guardians.filter(
            has_parental_responsibility=True, notice_email_confirmed_at__isnull=False
        ).exclude(notice_email="")
        if g.address_protected or not child.address_protected
    ]
    consent_age = guide.child_consent_age if guide is not None else 15
    age = child.age_on(timezone.localdate())
    if child.notice_email and child.notice_email_confirmed_at and (age or 0) >= consent_age:
        recipients.append((child.notice_email, child.language or fallback))
    return sorted(set(recipients))


def family_notice(case: Case) -> None:
    """Something new for the family (a meeting booked, a referat shared, consent asked for):
    sent after the transaction commits, so an action rolled back sends nothing."""
    recipients = family_recipients(case)
    if not recipients:
        return
    link = settings.BTS_BASE_URL.rstrip("/") + FAMILY_PATH
    messages = []
    for address, language in recipients:
        with translation.override(language):
            subject = _("Nytt på familiens side")
            body = _(
                "Det er noe nytt til dere på familiens side. Logg inn med ID-porten for å se "
                "det:\n%(link)s\n\nMeldingen inneholder ingen personopplysninger. Svar ikke på "
                "denne e-posten."
            ) % {"link": link}
        messages.append((subject, body, address))

    def send() -> None:
        for subject, body, address in messages:
            send_mail(subject, body, None, [address])

    transaction.on_commit(send, robust=True)
