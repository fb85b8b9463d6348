"""What the case services share: the relay log, the active guide's steps, the checks of who and
which services may take part, and the case's audit event."""

import functools
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from bts import audit
from bts.models import Service, User
from bts.selectors import served_municipality_ids
from levels import rules
from levels.language import municipality_language
from levels.models import Guide
from levels.selectors import active_guide

from ..events import CaseAudit
from ..models import Case, RelayEntry
from ..selectors import people_in_services, services_in_case


def _audit(
    *,
    user: User,
    case: Case | None = None,
    kind: str = CaseAudit.CASE_CHANGED,
    detail: str = "",
) -> None:
    """The action's one audit event, written inside its transaction: call it only once the
    action has changed something (a refused or repeated action writes none)."""
    audit.record(kind=kind, actor=user, case_id=case.pk if case else None, detail=detail)


def _log(
    case: Case,
    *,
    actor: User | None,
    kind: RelayEntry.Kind,
    text: str,
    idempotency_key: uuid.UUID | None = None,
    by_family: str = "",
    shared_from=None,
    protected_address: bool = False,
) -> RelayEntry:
    """One line of the relay log, at the level and step the case is at now (read from the
    database: the caller's object may predate a decision taken in the same request)."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(last_activity_at=now)
    level, step_code = Case.objects.filter(pk=case.pk).values_list("level", "step_code").get()
    return RelayEntry.objects.create(
        case=case,
        actor=actor,
        by_family=by_family,
        shared_from=shared_from,
        protected_address=protected_address,
        kind=kind,
        text=text,
        level=level,
        step_code=step_code,
        at=now,
        idempotency_key=idempotency_key,
    )


def relay_entry_add(*, case: Case, user: User, kind: RelayEntry.Kind, text: str) -> RelayEntry:
    """A relay-log line for work another app does in the case (familiehjelpa's triage, say), in
    that work's transaction."""
    return _log(case, actor=user, kind=kind, text=text.strip())


def for_case_municipality(service):
    """A case service works for the case's municipality (the child's, for a new case): its
    guide, deadlines, words and language form, whoever calls it and wherever they work."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        municipality_id = _municipality_of(kwargs)
        if municipality_id is None:
            return service(*args, **kwargs)
        with municipality_language(municipality_id):
            return service(*args, **kwargs)

    return run


def _municipality_of(kwargs: dict) -> int | None:
    """The municipality a service's arguments are about: the case's (itself, or a meeting's or
    a handover's, which carry it: bts.isolation), else the new case's child's or the
    municipality named."""
    for held in ("case", "meeting", "handover", "child"):  # (a child to register has none yet)
        if (municipality_id := getattr(kwargs.get(held), "municipality_id", None)) is not None:
            return municipality_id
    municipality = kwargs.get("municipality")
    return municipality.pk if municipality is not None else None


def _active_guide() -> Guide:
    """The guide in use, with its levels, steps and meeting kinds (the process's copy)."""
    guide = active_guide()
    if guide is None:
        raise ValidationError(_("Ingen handlingsveileder er lastet inn."))
    return guide


def _rules() -> rules.Table:
    return rules.table(_active_guide())


def _first_step_code(level: int) -> str:
    try:
        return rules.first_step(_rules(), level)
    except rules.MoveRefused as exc:
        raise ValidationError(str(exc)) from exc


def _check_services(case: Case, chosen: list[Service]) -> None:
    allowed = set(services_in_case(case).values_list("pk", flat=True))
    outside = sorted(s.name for s in chosen if s.pk not in allowed)
    if outside:
        raise ValidationError(
            _("%(names)s er ikke med i saken.") % {"names": ", ".join(outside)},
        )


def _check_serve(case: Case, services: list[Service], *, field: str | None = None) -> None:
    """Only services that serve the child's municipality take part in its case."""
    outside = sorted(
        s.name for s in services if case.municipality_id not in served_municipality_ids(s)
    )
    if outside:
        message = _("%(names)s tjener ikke barnets kommune.") % {"names": ", ".join(outside)}
        raise ValidationError({field: message} if field else message)


def _check_active(users: list[User]) -> None:
    if any(not u.is_active for u in users):
        raise ValidationError(_("Bare aktive brukere kan være med."))


def _check_people_in_case(case: Case, users: list[User]) -> None:
    """Meeting participants get access to the case, so they must work in one of its services."""
    inside = set(
        people_in_services(services_in_case(case))
        .filter(pk__in=[u.pk for u in users])
        .values_list("pk", flat=True)
    )
    outside = sorted(str(u) for u in users if u.pk not in inside)
    if outside:
        raise ValidationError(
            _("%(names)s jobber ikke i en tjeneste som er med i saken.")
            % {"names": ", ".join(outside)}
        )


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(80)
