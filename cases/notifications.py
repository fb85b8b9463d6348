"""E-mail to employees about their cases. Mail leaves the municipality's systems, so it carries
no child's name or case content: only what happened, when, and a link to log in and see.

Each message is written in the municipality's language form, also when a service that sends
one runs outside a request."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.models import User
from levels.language import municipality_language
from levels.words import current_words


def case_link(case_id: int) -> str:
    return settings.BTS_BASE_URL.rstrip("/") + reverse("cases:detail", args=[case_id])


def notify(users, *, subject: str, body: str) -> None:
    """Send after the transaction commits, so a rolled-back action sends nothing."""
    recipients = sorted({u.email for u in users if u.is_active and u.email})
    if not recipients:
        return
    footer = _("Meldingen inneholder ingen personopplysninger. Logg inn i %(product)s.")
    text = body + "\n\n" + footer % current_words().as_dict()

    def send() -> None:
        for address in recipients:
            send_mail(subject, text, None, [address])

    # robust: a mail server error must not turn a saved action into an error page.
    transaction.on_commit(send, robust=True)


@municipality_language()
def meeting_invited(meeting, participants: list[User]) -> None:
    notify(
        participants,
        subject=_("Invitasjon til møte i %(product)s") % current_words().as_dict(),
        body=_("Du er invitert til %(kind)s %(when)s.\n%(link)s")
        % {
            "kind": meeting.get_kind_display().lower(),
            "when": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y kl. %H:%M}",
            "link": case_link(meeting.case_id),
        },
    )


@municipality_language()
def handover_offered(handover) -> None:
    notify(
        [handover.to_user],
        subject=_("Tilbud om å overta en sak i %(product)s") % current_words().as_dict(),
        body=_("%(who)s spør om du vil være oppfølgingsansvarlig i en sak.\n%(link)s")
        % {"who": handover.from_user, "link": case_link(handover.case_id)},
    )


@municipality_language()
def cases_reassigned(user: User, *, count: int) -> None:
    notify(
        [user],
        subject=_("Du har fått ansvar for saker i %(product)s") % current_words().as_dict(),
        body=_("Lederen din har gjort deg oppfølgingsansvarlig i %(count)s saker.\n%(link)s")
        % {"count": count, "link": settings.BTS_BASE_URL.rstrip("/") + "/"},
    )


@municipality_language()
def family_wrote(case) -> None:
    """The family has written in the log of a case the person holds."""
    if case.responsible is None:
        return
    notify(
        [case.responsible],
        subject=_("Nytt fra familien i %(product)s") % current_words().as_dict(),
        body=_("Familien har skrevet i stafettloggen i en sak du har.\n%(link)s")
        % {"link": case_link(case.pk)},
    )
