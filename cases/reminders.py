"""Due dates by e-mail: the nivå 0 decision, measure evaluations, the follow-up meeting after
measures start, and the reminder to follow a case one passed on. Run daily
(`manage.py send_reminders`); each reminder is sent once. Mail names cases by number only, and
is written in the municipality's language form."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from bts.models import User
from bts.selectors import home_municipality_id
from levels.language import municipality_language
from levels.selectors import active_guide
from levels.words import current_words

from .models import Case, Measure, ReminderSent, Watch
from .selectors import follow_up_due, my_cases_annotated

WARN_DAYS = 2  # remind this many days before a date falls due


def _when(due: date, today: date) -> str:
    return _("forfalt %(d)s") % {"d": f"{due:%d.%m.%Y}"} if due < today else f"{due:%d.%m.%Y}"


def due_items(today: date) -> dict[User, list[tuple[str, str]]]:
    """(reminder key, line) per user for everything due within WARN_DAYS or overdue."""
    horizon = today + timedelta(days=WARN_DAYS)
    items: dict[User, list[tuple[str, str]]] = defaultdict(list)
    open_cases = Case.objects.filter(status=Case.Status.OPEN).select_related("responsible")
    for case in open_cases.filter(decision_due__lte=horizon):
        items[case.responsible].append(
            (
                f"decision:{case.pk}:{case.decision_due}",
                _("Sak %(id)s: beslutning på nivå 0, %(when)s")
                % {"id": case.pk, "when": _when(case.decision_due, today)},
            )
        )
    measures = Measure.objects.filter(
        status=Measure.Status.ACTIVE, evaluation_due__lte=horizon, case__status=Case.Status.OPEN
    ).select_related("case__responsible", "responsible_person")
    for measure in measures:
        who = measure.responsible_person or measure.case.responsible
        items[who].append(
            (
                f"evaluation:{measure.pk}:{measure.evaluation_due}",
                _("Sak %(id)s: evaluering av tiltak, %(when)s")
                % {"id": measure.case_id, "when": _when(measure.evaluation_due, today)},
            )
        )
    for case in my_cases_annotated(open_cases.filter(measures__isnull=False).distinct()):
        # The case's municipality's deadline (the process's copy of its guide: no query).
        guide = active_guide(case.municipality_id)
        due = follow_up_due(case, max_days=guide.follow_up_max_days if guide else 28)
        if due and due <= horizon:
            items[case.responsible].append(
                (
                    f"followup:{case.pk}:{due}",
                    _("Sak %(id)s: oppfølgingsmøte etter at tiltakene startet, %(when)s")
                    % {"id": case.pk, "when": _when(due, today)},
                )
            )
    watches = Watch.objects.filter(remind_on__lte=today, case__status=Case.Status.OPEN)
    for watch in watches.select_related("user"):
        items[watch.user].append(
            (
                f"watch:{watch.case_id}:{watch.user_id}:{watch.remind_on}",
                _("Sak %(id)s: følg opp saken du ga videre (samtidighetsansvar)")
                % {"id": watch.case_id},
            )
        )
    return items


def send_due_reminders(today: date) -> int:
    """Mail each user the reminders not sent before; return how many users got mail.

    A reminder is marked as sent only once its mail has gone, so a failed send is tried again
    the next day; users without an e-mail address use up nothing. Each mail is in the
    language form of the person's own municipality (it names no case).
    """
    found: dict[str, dict] = {}

    def items_in(language: str) -> dict:
        if language not in found:
            with translation.override(language):
                found[language] = due_items(today)
        return found[language]

    sent_to = 0
    for user in list(items_in(settings.LANGUAGE_CODE)):
        if not (user.is_active and user.email):
            continue
        with municipality_language(home_municipality_id(user)):
            entries = items_in(translation.get_language())[user]
            sent = set(
                ReminderSent.objects.filter(key__in=[k for k, _ in entries]).values_list(
                    "key", flat=True
                )
            )
            fresh = [(key, line) for key, line in entries if key not in sent]
            if not fresh:
                continue
            body = "\n".join("- " + line for _, line in fresh)
            words = current_words().as_dict()
            send_mail(
                _("Frister i %(product)s") % words,
                f"{body}\n\n{settings.BTS_BASE_URL}\n\n"
                + _("Meldingen inneholder ingen personopplysninger. Logg inn i %(product)s.")
                % words,
                None,
                [user.email],
            )
        ReminderSent.objects.bulk_create(
            [ReminderSent(key=key) for key, _ in fresh], ignore_conflicts=True
        )
        sent_to += 1
    return sent_to
