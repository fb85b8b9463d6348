"""Writes to case data. Each function is one transaction and leaves a line in the relay log.

Nothing here notifies guardians: the product never contacts a family by itself, and the
report to barnevern must not reach them.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User
from bts.uploads import CheckedUpload, store_upload
from levels.models import Guide, Step
from levels.rules import CLOSED, WIDE_COLLABORATION_LEVEL, Move, MoveRefused, check_move

from . import notifications
from .grants import grants_sync
from .identity import identity_kind, validate_identity_number
from .models import (
    AnonymousDiscussion,
    Case,
    Child,
    ChildProtectionReport,
    Concern,
    Consent,
    Coordination,
    Decision,
    Evaluation,
    Guardian,
    Handover,
    Involvement,
    Measure,
    Meeting,
    Minutes,
    RelayEntry,
    StepCheck,
    Watch,
    WideCollaboration,
)
from .selectors import (
    led_service_ids,
    people_in_services,
    services_in_case,
    services_with_consent,
)


@dataclass(frozen=True)
class GuardianData:
    name: str
    relation: str = ""
    has_parental_responsibility: bool = True
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ConcernData:
    observation: str
    observed_on: date
    setting: str
    worry: int
    risk_factors: str = ""
    protective_factors: str = ""
    # The items ticked in the toolbox's checklists.
    risk_factor_items: list[str] = field(default_factory=list)
    protective_factor_items: list[str] = field(default_factory=list)


class ConsentMissing(Exception):
    """Bringing a service into a case needs an active consent that covers it."""


def _log(
    case: Case,
    *,
    actor: User,
    kind: RelayEntry.Kind,
    text: str,
    idempotency_key: uuid.UUID | None = None,
) -> RelayEntry:
    """One line of the relay log, at the level and step the case is at now (read from the
    database: the caller's object may predate a decision taken in the same request)."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(last_activity_at=now)
    level, step_code = Case.objects.filter(pk=case.pk).values_list("level", "step_code").get()
    return RelayEntry.objects.create(
        case=case,
        actor=actor,
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


def _steps(guide: Guide, level: int) -> list[Step]:
    return list(Step.objects.filter(level__guide=guide, level__number=level).order_by("position"))


def _first_step_code(guide: Guide, level: int) -> str:
    steps = _steps(guide, level)
    if not steps:
        raise ValidationError(
            _("Handlingsveilederen har ingen trinn på nivå %(level)s.") % {"level": level}
        )
    return steps[0].code


def _active_guide() -> Guide:
    guide = Guide.objects.filter(is_active=True).first()
    if guide is None:
        raise ValidationError(_("Ingen handlingsveileder er lastet inn."))
    return guide


@dataclass(frozen=True)
class ChildData:
    first_name: str
    last_name: str
    birth_date: date | None
    national_id: str = ""


def child_create(
    *,
    user: User,
    child: ChildData,
    guardians: list[GuardianData] = (),
    siblings: list[Child] = (),
    idempotency_key: uuid.UUID | None = None,
) -> Child:
    national_id = validate_identity_number(child.national_id) if child.national_id.strip() else ""

    @transaction.atomic
    def create() -> Child:
        created = Child.objects.create(
            first_name=child.first_name.strip(),
            last_name=child.last_name.strip(),
            birth_date=child.birth_date,
            national_id=national_id,
            national_id_kind=identity_kind(national_id) if national_id else "",
            created_by=user,
            idempotency_key=idempotency_key,
        )
        Guardian.objects.bulk_create(
            Guardian(
                child=created,
                name=g.name.strip(),
                relation=g.relation.strip(),
                has_parental_responsibility=g.has_parental_responsibility,
                phone=g.phone.strip(),
                email=g.email.strip(),
            )
            for g in guardians
            if g.name.strip()
        )
        if siblings:
            created.siblings.add(*siblings)
        return created

    created, _created = create_once(Child, key=idempotency_key, create=create)
    return created


def _new_case(*, child: Child, service: Service, user: User, **fields) -> Case:
    """A case at nivå 0, first step, held by the one who registered it."""
    case = Case.objects.create(
        child=child,
        owner_service=service,
        level=0,
        step_code=_first_step_code(_active_guide(), 0),
        created_by=user,
        responsible=user,
        **fields,
    )
    grants_sync(case, [user])
    return case


def case_open(
    *,
    user: User,
    service: Service,
    child: Child,
    concern: ConcernData,
    idempotency_key: uuid.UUID | None = None,
) -> Case:
    """Register an undring: a new case at nivå 0, its first step, and the 14-day decision."""

    @transaction.atomic
    def create() -> Case:
        guide = _active_guide()
        today = timezone.localdate()
        case = _new_case(
            child=child,
            service=service,
            user=user,
            decision_due=today + timedelta(days=guide.level0_decision_days),
            idempotency_key=idempotency_key,
        )
        Concern.objects.create(case=case, created_by=user, **concern.__dict__)
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.OPENED,
            text=_("Undring registrert i %(service)s.") % {"service": service.name},
        )
        return case

    case, _created = create_once(Case, key=idempotency_key, create=create)
    return case


def concern_add(
    *, case: Case, user: User, concern: ConcernData, idempotency_key: uuid.UUID | None = None
) -> Concern:
    """Concretise the undring with more observations (step 0.2)."""

    @transaction.atomic
    def create() -> Concern:
        added = Concern.objects.create(
            case=case, created_by=user, idempotency_key=idempotency_key, **concern.__dict__
        )
        _log(case, actor=user, kind=RelayEntry.Kind.CONCERN, text=concern.observation)
        return added

    added, _created = create_once(Concern, key=idempotency_key, create=create)
    return added


def note_add(
    *, case: Case, user: User, text: str, idempotency_key: uuid.UUID | None = None
) -> RelayEntry:
    def create() -> RelayEntry:
        return _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.NOTE,
            text=text.strip(),
            idempotency_key=idempotency_key,
        )

    entry, _created = create_once(RelayEntry, key=idempotency_key, create=create)
    return entry


@transaction.atomic
def step_complete(*, case: Case, user: User, step_code: str, summary: str) -> Case:
    """Mark the current step done and move to the next step of the level.

    `step_code` is the step the user saw: if someone else moved the case meanwhile, nothing
    happens twice. A decision step is not completed but decided (`case_decide`).
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.step_code != step_code:
        return case
    steps = _steps(_active_guide(), case.level)
    codes = [s.code for s in steps]
    if step_code not in codes:
        raise ValidationError(_("Trinnet finnes ikke på sakens nivå i veilederen."))
    current = steps[codes.index(step_code)]
    if current.is_decision:
        raise ValidationError(_("Dette trinnet avsluttes med en beslutning."))
    if codes.index(step_code) + 1 >= len(codes):
        raise ValidationError(_("Dette er siste trinn på nivået."))
    text = _("%(code)s %(title)s er gjort.") % {"code": current.code, "title": current.title}
    ticked = set(case.step_checks.filter(step_code=step_code).values_list("item", flat=True))
    done = [item for item in current.checklist_items if item in ticked]
    if current.checklist_items:
        text += " " + _("Sjekkliste: %(done)s av %(all)s punkter.") % {
            "done": len(done),
            "all": len(current.checklist_items),
        }
    if summary.strip():
        text = f"{text} {summary.strip()}"
    _log(case, actor=user, kind=RelayEntry.Kind.STEP_DONE, text=text)
    case.step_code = codes[codes.index(step_code) + 1]
    case.save(update_fields=["step_code"])
    return case


def child_consent_age(guide: Guide, information: list[str]) -> int:
    """From this age the child must consent too: the municipality's ages, the health one when
    health information is to be shared."""
    if Consent.Information.HEALTH in information:
        return guide.child_consent_age_health
    return guide.child_consent_age


def _consent_parties(
    case: Case,
    *,
    guardians: list[Guardian],
    child_consented: bool,
    others: str,
    given_on: date,
    information: list[str],
    refused: bool,
) -> str:
    """Check who gave (or refused) the consent against the child's guardians and age; return
    them as one line. Raises ValidationError keyed by field."""
    child = case.child
    if any(g.child_id != child.pk or not g.has_parental_responsibility for g in guardians):
        raise ValidationError(
            {"guardians": _("Bare barnets foresatte med foreldreansvar kan samtykke.")}
        )
    if not (guardians or child_consented or others.strip()):
        raise ValidationError({"guardians": _("Velg hvem som samtykker.")})
    age = child.age_on(given_on)
    if not refused:
        # Everyone with parental responsibility consents for a minor; from the municipality's
        # age the child consents too, and an adult (18–24) alone.
        responsible = [g for g in child.guardians.all() if g.has_parental_responsibility]
        missing = [g.name for g in responsible if g not in guardians]
        if missing and (age is None or age < 18):
            raise ValidationError(
                {
                    "guardians": _(
                        "Alle med foreldreansvar må samtykke. Mangler: %(names)s. Hvis en av "
                        "dem sier nei, registrer det som et avslag."
                    )
                    % {"names": ", ".join(missing)}
                }
            )
        threshold = child_consent_age(_active_guide(), information)
        if age is not None and age >= threshold and not child_consented:
            raise ValidationError(
                {
                    "child_consented": _(
                        "%(child)s er %(age)s år. Fra %(threshold)s år må barnet selv samtykke."
                    )
                    % {"child": child.first_name, "age": age, "threshold": threshold}
                }
            )
    names = [f"{g.name} ({g.relation})" if g.relation else g.name for g in guardians]
    if child_consented:
        names.append(_("%(child)s (barnet)") % {"child": child.first_name})
    if others.strip():
        names.append(others.strip())
    return ", ".join(names)[:300]


def consent_record(
    *,
    case: Case,
    user: User,
    services: list[Service],
    form: str,
    purpose: str,
    given_on: date,
    guardians: list[Guardian] = (),
    child_consented: bool = False,
    others: str = "",
    information: list[str] = (),
    information_other: str = "",
    oral_note: str = "",
    document: CheckedUpload | None = None,
    expires_on: date | None = None,
    refused: bool = False,
    idempotency_key: uuid.UUID | None = None,
) -> Consent:
    """Record the answer to a request for consent: given by the guardians with parental
    responsibility (and the child by age) to the named services, or refused.

    A written consent keeps the signed form (checked by `bts.uploads`); an oral one a note of
    who received it and what was explained."""
    if form == Consent.Form.ORAL and not oral_note.strip():
        raise ValidationError(
            {"oral_note": _("Skriv hvem som fikk samtykket, når, og hva som ble forklart.")}
        )
    if not services:
        raise ValidationError({"services": _("Velg minst én tjeneste.")})
    if not refused and not (information or information_other.strip()):
        raise ValidationError({"information": _("Velg hvilke opplysninger som kan deles.")})
    guardians = list(guardians)
    given_by = _consent_parties(
        case,
        guardians=guardians,
        child_consented=child_consented,
        others=others,
        given_on=given_on,
        information=list(information),
        refused=refused,
    )

    @transaction.atomic
    def create() -> Consent:
        consent = Consent.objects.create(
            refused=refused,
            case=case,
            given_by=given_by,
            child_consented=child_consented,
            information=sorted(set(information)),
            information_other=information_other.strip(),
            form=form,
            oral_note=oral_note.strip() if form == Consent.Form.ORAL else "",
            document=store_upload(document, user=user) if document else None,
            purpose=purpose.strip(),
            given_on=given_on,
            expires_on=expires_on,
            recorded_by=user,
            idempotency_key=idempotency_key,
        )
        consent.services.set(services)
        consent.guardians.set(guardians)
        names = ", ".join(sorted(s.name for s in services))
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.CONSENT,
            text=(
                _("%(who)s har ikke gitt samtykke til samarbeid med: %(names)s.")
                if refused
                else _("Samtykke fra %(who)s (%(form)s) til samarbeid med: %(names)s.")
            )
            % {"who": consent.given_by, "form": consent.get_form_display().lower(), "names": names},
        )
        return consent

    consent, _created = create_once(Consent, key=idempotency_key, create=create)
    return consent


@transaction.atomic
def consent_withdraw(
    *, case: Case, consent: Consent, user: User, withdrawn_on: date, how: str
) -> Consent:
    """Guardians withdraw a consent: the services it covered lose access to what comes after,
    at once (unless another active consent covers them); what happened stays in the log."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk, case=case)
    if consent.withdrawn_on or consent.refused:
        return consent
    if not how.strip():
        raise ValidationError(_("Skriv hvordan samtykket ble trukket tilbake."))
    if withdrawn_on < consent.given_on:
        raise ValidationError(_("Datoen kan ikke være før samtykket ble gitt."))
    consent.withdrawn_on, consent.withdrawn_how, consent.withdrawn_by = (
        withdrawn_on,
        how.strip(),
        user,
    )
    consent.save(update_fields=["withdrawn_on", "withdrawn_how", "withdrawn_by"])
    names = ", ".join(sorted(s.name for s in consent.services.all()))
    _log(
        case,
        actor=user,
        kind=RelayEntry.Kind.CONSENT,
        text=_("%(who)s trakk tilbake samtykket %(date)s (%(how)s). Gjaldt: %(names)s.")
        % {
            "who": consent.given_by,
            "date": f"{withdrawn_on:%d.%m.%Y}",
            "how": consent.withdrawn_how,
            "names": names,
        },
    )
    return consent


@transaction.atomic
def service_involve(*, case: Case, user: User, service: Service) -> Involvement:
    """Bring another service into the case; refused unless an active consent covers it."""
    if service.pk == case.owner_service_id:
        raise ValidationError(_("Tjenesten eier allerede saken."))
    # Two clicks at once must not both pass the check below.
    Case.objects.select_for_update().filter(pk=case.pk).get()
    consent = (
        case.consents.filter(Consent.active_q(), services=service).order_by("-given_on").first()
    )
    if consent is None:
        raise ConsentMissing(
            _(
                "%(service)s kan ikke tas med i saken før foresatte har gitt samtykke som "
                "omfatter tjenesten. Registrer samtykket først."
            )
            % {"service": service.name}
        )
    existing = case.involvements.filter(service=service).first()
    if existing:
        return existing
    involvement = Involvement.objects.create(
        case=case, service=service, consent=consent, added_by=user
    )
    _log(
        case,
        actor=user,
        kind=RelayEntry.Kind.SERVICE_JOINED,
        text=_("%(service)s er med i saken.") % {"service": service.name},
    )
    return involvement


def case_decide(
    *,
    case: Case,
    user: User,
    to_level: int | None,
    reason: str,
    child_view: str = "",
    step_code: str | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Decision:
    """Decide at a decision step: close, continue, raise or lower, always with a reason.

    `step_code` is the step the decider saw; if the case has moved since (someone else decided),
    the decision is refused rather than applied to a case they have not seen. Raises
    MoveRefused when the step, the transition table or its conditions do not allow the move.
    """
    if not reason.strip():
        raise ValidationError(_("Skriv hvorfor dere beslutter dette."))

    @transaction.atomic
    def create() -> Decision:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise MoveRefused(_("Saken er allerede avsluttet."))
        if step_code is not None and step_code != locked.step_code:
            raise MoveRefused(
                _("Saken har endret seg siden du åpnet siden: den er nå på trinn %(step)s.")
                % {"step": locked.step_code}
            )
        step = Step.objects.filter(level__guide=_active_guide(), code=locked.step_code).first()
        if step is None or not step.is_decision:
            raise MoveRefused(
                _("Beslutningen tas på nivåets beslutningstrinn. Fullfør trinnene før det først.")
            )
        move = check_move(
            locked.level, to_level, services_with_consent=services_with_consent(locked)
        )
        decision = Decision.objects.create(
            case=locked,
            from_level=locked.level,
            to_level=to_level,
            move=move,
            step_code=locked.step_code,
            reason=reason.strip(),
            child_view=child_view.strip(),
            decided_by=user,
            idempotency_key=idempotency_key,
        )
        if to_level is CLOSED:
            text = _("Saken er avsluttet. Begrunnelse: %(reason)s")
        elif move == Move.CONTINUE:
            text = _("Saken fortsetter på nivå %(to)s. Begrunnelse: %(reason)s")
        else:
            text = _("Saken går fra nivå %(from)s til nivå %(to)s. Begrunnelse: %(reason)s")
        _log(
            locked,
            actor=user,
            kind=RelayEntry.Kind.DECISION,
            text=text % {"from": locked.level, "to": to_level, "reason": decision.reason},
        )
        if to_level is CLOSED:
            locked.status, locked.closed_at = Case.Status.CLOSED, timezone.now()
            offered = list(locked.handovers.filter(status=Handover.Status.OFFERED))
            locked.handovers.filter(pk__in=[h.pk for h in offered]).update(
                status=Handover.Status.DECLINED,
                answered_at=locked.closed_at,
                answer=_("Saken ble avsluttet."),
            )
            grants_sync(locked, [h.to_user for h in offered])
        else:
            locked.level = to_level
            locked.step_code = _first_step_code(_active_guide(), to_level)
        locked.decision_due = None
        locked.save(update_fields=["status", "closed_at", "level", "step_code", "decision_due"])
        return decision

    decision, _created = create_once(Decision, key=idempotency_key, create=create)
    return decision


def report_file(
    *,
    case: Case,
    user: User,
    reported_at,
    channel: str,
    reason: str,
    police_contacted: bool = False,
    received_by: Service | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> ChildProtectionReport:
    """Record a report to barnevern (opplysningsplikt). No consent; guardians are not told.
    When the barnevern service that received it works in BTS, its leader sees the case."""
    if received_by is not None and received_by.kind != Service.Kind.CHILD_PROTECTION:
        raise ValidationError(_("Meldingen må gå til en barneverntjeneste."))

    @transaction.atomic
    def create() -> ChildProtectionReport:
        report = ChildProtectionReport.objects.create(
            case=case,
            reported_at=reported_at,
            channel=channel,
            reason=reason.strip(),
            police_contacted=police_contacted,
            received_by=received_by,
            reported_by=user,
            idempotency_key=idempotency_key,
        )
        text = _("Melding sendt til barnevernet (%(channel)s).") % {
            "channel": report.get_channel_display().lower()
        }
        if received_by is not None:
            text = _("Melding sendt til %(service)s (%(channel)s).") % {
                "service": received_by.name,
                "channel": report.get_channel_display().lower(),
            }
        if police_contacted:
            text += " " + _("Politiet er kontaktet.")
        _log(case, actor=user, kind=RelayEntry.Kind.REPORT, text=text)
        return report

    report, _created = create_once(ChildProtectionReport, key=idempotency_key, create=create)
    return report


def case_open_with_report(
    *,
    user: User,
    service: Service,
    child: ChildData | Child,
    reported_at,
    channel: str,
    reason: str,
    police_contacted: bool = False,
    received_by: Service | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Case:
    """The akutt path: a case whose first and only entry is the report, for a child already
    registered or a new one."""

    @transaction.atomic
    def create() -> Case:
        registered = child if isinstance(child, Child) else child_create(user=user, child=child)
        # The akutt path sets no nivå 0 deadline: barnevern now assesses the child.
        case = _new_case(
            child=registered, service=service, user=user, idempotency_key=idempotency_key
        )
        report_file(
            case=case,
            user=user,
            reported_at=reported_at,
            channel=channel,
            reason=reason,
            police_contacted=police_contacted,
            received_by=received_by,
        )
        return case

    case, _created = create_once(Case, key=idempotency_key, create=create)
    return case


def anonymous_discussion_record(
    *,
    user: User,
    service: Service,
    discussed_with: str,
    discussed_on: date,
    summary: str,
    idempotency_key: uuid.UUID | None = None,
) -> AnonymousDiscussion:
    discussion, _created = create_once(
        AnonymousDiscussion,
        key=idempotency_key,
        create=lambda: AnonymousDiscussion.objects.create(
            service=service,
            discussed_with=discussed_with.strip(),
            discussed_on=discussed_on,
            summary=summary.strip(),
            created_by=user,
            idempotency_key=idempotency_key,
        ),
    )
    return discussion


# --- Meetings, minutes, measures and evaluations ------------------------------------------------


class MinutesConflict(Exception):
    """Someone saved the minutes after this user loaded them; `current` is what is stored now."""

    def __init__(self, current: Minutes):
        super().__init__(_("Referatet er endret av en annen etter at du åpnet det."))
        self.current = current


def _check_services(case: Case, chosen: list[Service]) -> None:
    allowed = set(services_in_case(case).values_list("pk", flat=True))
    outside = sorted(s.name for s in chosen if s.pk not in allowed)
    if outside:
        raise ValidationError(
            _("%(names)s er ikke med i saken.") % {"names": ", ".join(outside)},
        )


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
) -> Meeting:
    """Agree on a meeting (an invitation, not a summons). No e-mail is sent from here."""
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
        return meeting

    meeting, _created = create_once(Meeting, key=idempotency_key, create=create)
    return meeting


@transaction.atomic
def minutes_save(*, meeting: Meeting, user: User, data: dict, version: int) -> Minutes:
    """Save the minutes if nobody saved them since `version` was loaded; never overwrite.

    The first save creates them at version 1. Raises MinutesConflict with what is stored
    when the stored version is not `version`, except when the stored text is exactly the
    submitted text (a double submit): then nothing is written and the stored minutes return.
    """
    sections = {name: str(data.get(name, "")).strip() for name in Minutes.SECTIONS}
    now = timezone.now()
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
        % {
            "kind": meeting.get_kind_display().lower(),
            "date": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}",
            "version": minutes.version,
        },
    )
    return minutes


def measure_add(
    *,
    case: Case,
    user: User,
    description: str,
    goal: str,
    location: str,
    responsible_service: Service,
    responsible_person: User | None = None,
    starts_on: date,
    ends_on: date | None = None,
    evaluation_due: date,
    idempotency_key: uuid.UUID | None = None,
) -> Measure:
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("Sluttdatoen kan ikke være før tiltaket starter.")})
    if evaluation_due < starts_on:
        raise ValidationError(
            {"evaluation_due": _("Evalueringsdatoen kan ikke være før tiltaket starter.")}
        )
    _check_services(case, [responsible_service])
    if responsible_person is not None:
        _check_active([responsible_person])

    @transaction.atomic
    def create() -> Measure:
        measure = Measure.objects.create(
            case=case,
            description=description.strip(),
            goal=goal.strip(),
            location=location.strip(),
            responsible_service=responsible_service,
            responsible_person=responsible_person,
            starts_on=starts_on,
            ends_on=ends_on,
            evaluation_due=evaluation_due,
            created_by=user,
            idempotency_key=idempotency_key,
        )
        grants_sync(case, [responsible_person])
        responsible = responsible_service.name
        if responsible_person is not None:
            responsible = f"{responsible} ({responsible_person})"
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.MEASURE,
            text=_(
                "Tiltak fra %(start)s: %(description)s Ansvarlig: %(responsible)s. "
                "Evalueres innen %(due)s."
            )
            % {
                "start": f"{starts_on:%d.%m.%Y}",
                "description": _short(measure.description).rstrip(" .") + ".",
                "responsible": responsible,
                "due": f"{evaluation_due:%d.%m.%Y}",
            },
        )
        return measure

    measure, _created = create_once(Measure, key=idempotency_key, create=create)
    return measure


def evaluation_add(
    *,
    measure: Measure,
    user: User,
    effect: str,
    child_experience: str,
    guardians_view: str,
    outcome: str,
    evaluated_on: date,
    next_evaluation_due: date | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Evaluation:
    """Evaluate a measure. "end" ends it (from the evaluation date unless it had an end date);
    "continue" and "change" move its evaluation date to the next evaluation."""
    ending = outcome == Evaluation.Outcome.END
    if not ending and next_evaluation_due is None:
        raise ValidationError(
            {"next_evaluation_due": _("Skriv når tiltaket skal evalueres neste gang.")}
        )

    @transaction.atomic
    def create() -> Evaluation:
        locked = (
            Measure.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=measure.pk)
        )
        if not locked.is_active:
            raise ValidationError(_("Tiltaket er allerede avsluttet."))
        evaluation = Evaluation.objects.create(
            measure=locked,
            effect=effect.strip(),
            child_experience=child_experience.strip(),
            guardians_view=guardians_view.strip(),
            outcome=outcome,
            evaluated_on=evaluated_on,
            next_evaluation_due=None if ending else next_evaluation_due,
            created_by=user,
            idempotency_key=idempotency_key,
        )
        if ending:
            locked.status = Measure.Status.ENDED
            locked.ends_on = locked.ends_on or evaluated_on
        else:
            locked.evaluation_due = next_evaluation_due
        locked.save(update_fields=["status", "ends_on", "evaluation_due"])
        text = _("Tiltaket «%(description)s» er evaluert: %(outcome)s.") % {
            "description": _short(locked.description),
            "outcome": evaluation.get_outcome_display().lower(),
        }
        if not ending:
            text += " " + _("Neste evaluering innen %(due)s.") % {
                "due": f"{next_evaluation_due:%d.%m.%Y}"
            }
        _log(locked.case, actor=user, kind=RelayEntry.Kind.EVALUATION, text=text)
        return evaluation

    evaluation, _created = create_once(Evaluation, key=idempotency_key, create=create)
    return evaluation


# --- Responsibility ------------------------------------------------------------------------------


def handover_offer(
    *,
    case: Case,
    user: User,
    to_user: User,
    message: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Handover:
    """Offer the responsibility to another employee; nothing moves until they accept."""
    if not case.is_open:
        raise ValidationError(_("Saken er avsluttet."))
    if to_user.pk == case.responsible_id:
        raise ValidationError(_("Personen er allerede oppfølgingsansvarlig."))
    if not to_user.is_active:
        raise ValidationError(_("Bare aktive brukere kan overta en sak."))

    @transaction.atomic
    def create() -> Handover:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open or to_user.pk == locked.responsible_id:
            raise ValidationError(_("Saken er avsluttet eller allerede hos denne personen."))
        if case.handovers.filter(status=Handover.Status.OFFERED).exists():
            raise ValidationError(
                _("Saken er allerede tilbudt noen. Vent på svar, eller be dem avslå.")
            )
        handover = Handover.objects.create(
            case=case,
            from_user=user,
            to_user=to_user,
            message=message.strip(),
            idempotency_key=idempotency_key,
        )
        grants_sync(case, [to_user])
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.HANDOVER,
            text=_("Oppfølgingsansvaret er tilbudt %(to)s.") % {"to": to_user},
        )
        notifications.handover_offered(handover)
        return handover

    handover, _created = create_once(Handover, key=idempotency_key, create=create)
    return handover


@transaction.atomic
def handover_answer(*, handover: Handover, user: User, accept: bool, answer: str = "") -> Handover:
    """The offered employee accepts (and becomes responsible) or declines, with a reason.

    Samtidighetsansvar: the one who passed the case on keeps it on their list with a reminder.
    """
    handover = Handover.objects.select_for_update().select_related("case").get(pk=handover.pk)
    if handover.to_user_id != user.pk:
        raise ValidationError(_("Bare den som har fått tilbudet kan svare."))
    if handover.status != Handover.Status.OFFERED:
        return handover
    if not accept and not answer.strip():
        raise ValidationError(_("Skriv hvorfor du avslår."))
    case = Case.objects.select_for_update().get(pk=handover.case_id)
    if accept and not case.is_open:
        raise ValidationError(_("Saken er avsluttet og kan ikke overtas."))
    handover.status = Handover.Status.ACCEPTED if accept else Handover.Status.DECLINED
    handover.answered_at, handover.answer = timezone.now(), answer.strip()
    handover.save(update_fields=["status", "answered_at", "answer"])
    previous = case.responsible
    if accept:
        case.responsible = user
        case.save(update_fields=["responsible"])
        remind_on = timezone.localdate() + timedelta(days=_active_guide().follow_up_max_days)
        Watch.objects.update_or_create(case=case, user=previous, defaults={"remind_on": remind_on})
        Watch.objects.filter(case=case, user=user).delete()
        text = _("%(to)s har overtatt som oppfølgingsansvarlig etter %(from)s.") % {
            "to": user,
            "from": previous,
        }
    else:
        text = _("%(to)s avslo å overta saken: %(answer)s") % {
            "to": user,
            "answer": handover.answer,
        }
    grants_sync(case, [user, previous])
    _log(case, actor=user, kind=RelayEntry.Kind.HANDOVER, text=text)
    return handover


@transaction.atomic
def watch_end(*, case: Case, user: User) -> None:
    """Stop following a case one passed on (the samtidighetsansvar is fulfilled)."""
    if Watch.objects.filter(case=case, user=user).delete()[0]:
        grants_sync(case, [user])
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.HANDOVER,
            text=_("%(who)s følger ikke lenger saken.") % {"who": user},
        )


@transaction.atomic
def coordination_set(
    *, case: Case, user: User, service: Service, reason: str, child_view: str = ""
) -> Coordination:
    """Record which service coordinates the case; the previous one keeps its period in history."""
    if not reason.strip():
        raise ValidationError(_("Skriv hvorfor denne tjenesten skal koordinere."))
    _check_services(case, [service])
    Case.objects.select_for_update().filter(pk=case.pk).get()
    now = timezone.now()
    current = case.coordinations.filter(ends_at__isnull=True).first()
    if current and current.service_id == service.pk:
        return current
    case.coordinations.filter(ends_at__isnull=True).update(ends_at=now)
    coordination = Coordination.objects.create(
        case=case,
        service=service,
        starts_at=now,
        reason=reason.strip(),
        child_view=child_view.strip(),
        set_by=user,
    )
    _log(
        case,
        actor=user,
        kind=RelayEntry.Kind.COORDINATION,
        text=_("%(service)s har det koordinerende ansvaret. Begrunnelse: %(reason)s")
        % {"service": service, "reason": coordination.reason},
    )
    return coordination


@transaction.atomic
def wide_collaboration_save(
    *,
    case: Case,
    user: User,
    familiehjelpa: str,
    coordinator: User | None,
    child_coordinator: User | None,
    individual_plan: str,
    note: str = "",
) -> WideCollaboration:
    """Nivå 3: record what familiehjelpa, a coordinator, a barnekoordinator and an individual
    plan were offered, and the family's answer."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.level != WIDE_COLLABORATION_LEVEL:
        raise ValidationError(_("Dette gjelder saker på nivå 3."))
    before = WideCollaboration.objects.filter(case=case).first()
    same = before and (
        before.familiehjelpa,
        before.coordinator_id,
        before.child_coordinator_id,
        before.individual_plan,
        before.note,
    ) == (
        familiehjelpa,
        coordinator.pk if coordinator else None,
        child_coordinator.pk if child_coordinator else None,
        individual_plan,
        note.strip(),
    )
    if same:
        return before  # a double submit, or nothing changed: no second log line
    wide, _created = WideCollaboration.objects.update_or_create(
        case=case,
        defaults={
            "familiehjelpa": familiehjelpa,
            "coordinator": coordinator,
            "child_coordinator": child_coordinator,
            "individual_plan": individual_plan,
            "note": note.strip(),
            "updated_by": user,
        },
    )
    previous = [before.coordinator, before.child_coordinator] if before else []
    grants_sync(case, [coordinator, child_coordinator, *previous])
    parts = [
        _("Familiehjelpa: %(a)s") % {"a": wide.get_familiehjelpa_display().lower()},
        _("koordinator: %(c)s") % {"c": coordinator or _("ikke valgt")},
        _("barnekoordinator: %(c)s") % {"c": child_coordinator or _("ikke valgt")},
        _("individuell plan: %(a)s") % {"a": wide.get_individual_plan_display().lower()},
    ]
    _log(case, actor=user, kind=RelayEntry.Kind.WIDE, text="; ".join(parts) + ".")
    return wide


@transaction.atomic
def checklist_save(*, case: Case, user: User, step_code: str, checked: set[str]) -> set[str]:
    """Record which checklist items of the case's current step are done; return that set.

    Only the guide's own items for the step count; a stale form for an earlier step is refused.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if step_code != case.step_code:
        raise ValidationError(_("Saken har gått videre til et annet trinn. Last siden på nytt."))
    step = Step.objects.filter(level__guide=_active_guide(), code=step_code).first()
    allowed = set(step.checklist_items) if step else set()
    checked &= allowed
    existing = set(case.step_checks.filter(step_code=step_code).values_list("item", flat=True))
    StepCheck.objects.bulk_create(
        StepCheck(case=case, step_code=step_code, item=item, checked_by=user)
        for item in sorted(checked - existing)
    )
    case.step_checks.filter(step_code=step_code, item__in=existing - checked).delete()
    return checked


@transaction.atomic
def cases_reassign_all(*, leader: User, from_user: User, to_user: User, reason: str) -> int:
    """A leader moves every open case a departing employee holds in the leader's services to
    another employee, in one action (no acceptance step: the leader decides). Returns how many."""
    if not reason.strip():
        raise ValidationError(_("Skriv hvorfor sakene overføres."))
    led = led_service_ids(leader)
    if from_user.pk == to_user.pk:
        raise ValidationError(_("Velg en annen person å overføre til."))
    staff = people_in_services(Service.objects.filter(pk__in=led))
    if not staff.filter(pk=to_user.pk).exists():
        raise ValidationError(_("Den som overtar, må jobbe i en tjeneste du leder."))
    cases = list(
        Case.objects.select_for_update()
        .filter(responsible=from_user, status=Case.Status.OPEN, owner_service_id__in=led)
        .order_by("pk")
    )
    for case in cases:
        offered = list(case.handovers.filter(status=Handover.Status.OFFERED))
        case.handovers.filter(pk__in=[h.pk for h in offered]).update(
            status=Handover.Status.DECLINED,
            answered_at=timezone.now(),
            answer=_("Ansvaret ble overført av leder."),
        )
        case.responsible = to_user
        case.save(update_fields=["responsible"])
        grants_sync(case, [from_user, to_user, *(h.to_user for h in offered)])
        _log(
            case,
            actor=leader,
            kind=RelayEntry.Kind.HANDOVER,
            text=_("%(leader)s overførte oppfølgingsansvaret fra %(from)s til %(to)s: %(reason)s")
            % {"leader": leader, "from": from_user, "to": to_user, "reason": reason.strip()},
        )
    if cases:
        notifications.cases_reassigned(to_user, count=len(cases))
    return len(cases)
