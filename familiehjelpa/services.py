"""Writes to familiehjelpa's records. Each function is one transaction.

Work that touches a child's case goes through `cases.services` (the case itself, consent,
bringing a service in, coordination, meetings, the offer of responsibility) with its checks,
and leaves a line in that case's relay log; every step also leaves a line in the inquiry's own
history (`InquiryEvent`). History lines name cases by number only, never a child: the inquiry
keeps no copy of case data.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Role, Service, User
from bts.uploads import CheckedUpload
from cases import services as case_services
from cases.grants import grants_sync
from cases.models import Case, Child, Consent, Meeting, RelayEntry, WideCollaboration
from cases.selectors import people_in_services, services_in_case, visible_cases
from levels.rules import WIDE_COLLABORATION_LEVEL

from . import rules
from .models import (
    AdviceCall,
    ChildTeamItem,
    Conversation,
    DukenVersion,
    Inquiry,
    InquiryCase,
    InquiryEvent,
    Mapping,
)
from .rules import MoveRefused
from .selectors import has_active_consent_for, linked_cases

State = Inquiry.State

# A new case from an inquiry starts with the inquiry as its undring; the urgency of the
# inquiry is the worry it is registered with (cases.models.Concern.Worry).
WORRY_BY_URGENCY = {
    Inquiry.Urgency.NORMAL: 2,  # Noe bekymret
    Inquiry.Urgency.SOON: 3,  # Ganske bekymret
    Inquiry.Urgency.URGENT: 4,  # Svært bekymret
}
# The case levels a service's case may be referred to familiehjelpa from.
REFERRAL_LEVELS = (2, 3)
FUTURE_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Caller:
    """Who called, e-mailed or came, and how to reach them."""

    name: str
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ConsentData:
    """The family's consent as told to familiehjelpa: oral (with a note) or written (with the
    signed form). Given by every guardian with parental responsibility registered for the
    child, and by the child from the municipality's age."""

    form: str
    information: tuple[str, ...] = ()
    information_other: str = ""
    oral_note: str = ""
    document: CheckedUpload | None = None
    child_consented: bool = False


@dataclass(frozen=True)
class NewChild:
    child: case_services.ChildData
    guardians: tuple[case_services.GuardianData, ...] = ()


@dataclass(frozen=True)
class CaseReference:
    """The referring service's own case, by its number and the child's birth date."""

    number: int
    birth_date: date


ChildRef = NewChild | Child | CaseReference


class MappingConflict(Exception):
    """Someone saved the mapping form after this user loaded it; `current` is what is stored."""

    def __init__(self, current: Mapping):
        super().__init__(_("Kartleggingsskjemaet er endret av en annen etter at du åpnet det."))
        self.current = current


class DukenConflict(Exception):
    """A newer DUKEN version was saved after this user loaded theirs; `current` is it."""

    def __init__(self, current: DukenVersion):
        super().__init__(_("DUKEN er lagret av en annen etter at du åpnet den."))
        self.current = current


def needs_consent_message(service: Service | None) -> str:
    return _(
        "%(service)s henvender seg på vegne av familien. Det krever familiens samtykke til "
        "samarbeid med familiehjelpa: registrer samtykket (muntlig med notat, eller skriftlig "
        "med det signerte skjemaet), eller oppgi tjenestens sak der samtykket er registrert."
    ) % {"service": service.name if service else _("En tjeneste")}


# --- History and relay log -----------------------------------------------------------------------


def _event(
    inquiry: Inquiry,
    user: User,
    kind: InquiryEvent.Kind,
    text: str,
    *,
    from_state: str = "",
    to_state: str = "",
) -> InquiryEvent:
    return InquiryEvent.objects.create(
        inquiry=inquiry,
        actor=user,
        kind=kind,
        text=text,
        from_state=from_state,
        to_state=to_state,
    )


def _relay(inquiry: Inquiry, user: User, kind: RelayEntry.Kind, text: str) -> None:
    """A line in the relay log of each open case of the inquiry the user may see: a case whose
    consent no longer covers familiehjelpa gets nothing more from it."""
    for case in linked_cases(user, inquiry).filter(status=Case.Status.OPEN):
        case_services.relay_entry_add(case=case, user=user, kind=kind, text=text)


def _lock(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().select_related("service").get(pk=inquiry.pk)


def _require_open(inquiry: Inquiry) -> None:
    if not inquiry.is_open:
        raise ValidationError(_("Henvendelsen er avsluttet. Gjenåpne den først."))


def _facts(inquiry: Inquiry, reason: str = "") -> rules.Facts:
    return rules.Facts(
        has_conversation=inquiry.conversations.exists(),
        has_family_contact=inquiry.family_contact_id is not None,
        on_child_team_agenda=inquiry.child_team_items.exists(),
        reason=reason,
    )


def _apply_move(inquiry: Inquiry, user: User, to_state: str, reason: str = "") -> None:
    """Move the (locked) inquiry and log it: its history, the relay log of its cases."""
    from_state = inquiry.state
    inquiry.state, inquiry.state_changed_at = to_state, timezone.now()
    if to_state == State.CLOSED:
        inquiry.close_reason = reason.strip()
    inquiry.save(update_fields=["state", "state_changed_at", "close_reason"])
    labels = {"from": State(from_state).label, "to": State(to_state).label}
    text = _("Flyttet fra «%(from)s» til «%(to)s».") % labels
    if reason.strip():
        text += " " + _("Begrunnelse: %(reason)s") % {"reason": reason.strip()}
    _event(inquiry, user, InquiryEvent.Kind.MOVED, text, from_state=from_state, to_state=to_state)
    _relay(
        inquiry,
        user,
        RelayEntry.Kind.COORDINATION,
        _("Familiehjelpa: henvendelse %(n)s er flyttet fra «%(from)s» til «%(to)s».")
        % ({"n": inquiry.pk} | labels),
    )


def _move_for_action(inquiry: Inquiry, to_state: str) -> bool:
    """Whether the work that leads to `to_state` (booking a conversation, assigning a family
    contact, the barneteam) moves the inquiry there. Raises MoveRefused when the inquiry is
    not ready for that work yet; an inquiry already further on keeps its state."""
    if inquiry.state == to_state:
        return False
    if rules.allows(inquiry.state, to_state):
        return True
    if inquiry.state == State.NEW:
        raise MoveRefused(_("Kartlegg henvendelsen først."))
    if inquiry.state == State.CLOSED:
        raise MoveRefused(_("Henvendelsen er avsluttet. Gjenåpne den først."))
    return False


# --- Registering an inquiry and linking it to the child's case ----------------------------------


def _check_caller(errors: dict, caller: Caller, about: str, received_at) -> None:
    if not caller.name.strip():
        errors["caller_name"] = _("Skriv hvem som henvendte seg.")
    if not about.strip():
        errors["about"] = _("Skriv hva henvendelsen gjelder.")
    if received_at > timezone.now() + FUTURE_SLACK:
        errors["received_at"] = _("Tidspunktet kan ikke være fram i tid.")


def inquiry_register(
    *,
    user: User,
    service: Service,
    received_at: datetime,
    channel: str,
    source: str,
    caller: Caller,
    about: str,
    urgency: str = Inquiry.Urgency.NORMAL,
    referring_service: Service | None = None,
    child: ChildRef | None = None,
    consent: ConsentData | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Inquiry:
    """Record an inquiry on the team leader's mapping form. About a child, it creates or joins
    the child's case. A service calling on the family's behalf needs the family's consent to
    familiehjelpa: recorded now in the case, or already there in the service's own case.

    Raises ValidationError keyed by field; on any refusal nothing is written."""
    errors: dict[str, str] = {}
    if service.kind != Service.Kind.FAMILIEHJELPA:
        raise ValidationError(_("Henvendelser registreres i familiehjelpa."))
    if source == Inquiry.Source.SERVICE:
        if referring_service is None:
            errors["referring_service"] = _("Velg tjenesten som henvender seg.")
        elif child is None or (isinstance(child, NewChild) and consent is None):
            errors["consent"] = needs_consent_message(referring_service)
    else:
        referring_service = None
        if isinstance(child, CaseReference):
            errors["case_number"] = _(
                "Et saksnummer brukes når en tjeneste henvender seg om sin egen sak."
            )
    if channel == Inquiry.Channel.BTS:
        errors["channel"] = _("Henvisninger i BTS gjøres fra saken.")
    _check_caller(errors, caller, about, received_at)
    if errors:
        raise ValidationError(errors)

    @transaction.atomic
    def create() -> Inquiry:
        inquiry = Inquiry.objects.create(
            service=service,
            received_at=received_at,
            channel=channel,
            source=source,
            referring_service=referring_service,
            caller_name=caller.name.strip(),
            caller_role=caller.role.strip(),
            caller_phone=caller.phone.strip(),
            caller_email=caller.email.strip(),
            about=about.strip(),
            urgency=urgency,
            # The family that calls itself is in contact with familiehjelpa there and then.
            first_contact_at=received_at if source == Inquiry.Source.FAMILY else None,
            registered_by=user,
            idempotency_key=idempotency_key,
        )
        text = _("Registrert: %(channel)s, %(source)s.") % {
            "channel": inquiry.get_channel_display().lower(),
            "source": inquiry.get_source_display().lower(),
        }
        if referring_service:
            text = _("Registrert: %(channel)s fra %(service)s på vegne av familien.") % {
                "channel": inquiry.get_channel_display().lower(),
                "service": referring_service.name,
            }
        _event(inquiry, user, InquiryEvent.Kind.REGISTERED, text, to_state=State.NEW)
        if child is not None:
            _link(inquiry, user, child, consent)
        return inquiry

    inquiry, _created = create_once(Inquiry, key=idempotency_key, create=create)
    return inquiry


def inquiry_child_add(
    *,
    inquiry: Inquiry,
    user: User,
    child: ChildRef,
    consent: ConsentData | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> InquiryCase:
    """Another child the inquiry is about (a sibling, or the child once the family is ready to
    say who it is): its case is created or joined as at registration, with the same consent
    rule."""
    if inquiry.source == Inquiry.Source.SERVICE and isinstance(child, NewChild) and consent is None:
        raise ValidationError({"consent": needs_consent_message(inquiry.referring_service)})
    if inquiry.source == Inquiry.Source.FAMILY and isinstance(child, CaseReference):
        raise ValidationError(
            {
                "case_number": _(
                    "Et saksnummer brukes når en tjeneste henvender seg om sin egen sak."
                )
            }
        )

    @transaction.atomic
    def create() -> InquiryCase:
        locked = _lock(inquiry)
        _require_open(locked)
        return _link(locked, user, child, consent, idempotency_key=idempotency_key)

    link, _created = create_once(InquiryCase, key=idempotency_key, create=create)
    return link


def _link(
    inquiry: Inquiry,
    user: User,
    child: ChildRef,
    consent: ConsentData | None,
    *,
    idempotency_key: uuid.UUID | None = None,
) -> InquiryCase:
    """Create or join the child's case and link the inquiry to it (inside the caller's
    transaction). Find before create: the service's own case by its number, or the child's
    open case among those the user sees; only then a new case, owned by familiehjelpa."""
    familiehjelpa = inquiry.service
    if isinstance(child, CaseReference):
        case = _referred_case(inquiry, child)
    elif isinstance(child, Child):
        case = (
            visible_cases(user)
            .filter(child=child, status=Case.Status.OPEN)
            .order_by("-opened_at")
            .first()
        ) or _open_case(inquiry, user, child)
    else:
        registered = case_services.child_create(
            user=user, child=child.child, guardians=list(child.guardians)
        )
        case = _open_case(inquiry, user, registered)
    existing = InquiryCase.objects.filter(inquiry=inquiry, case=case).first()
    if existing:
        return existing
    if consent is not None:
        _record_consent(inquiry, user, case, consent)
    if inquiry.source == Inquiry.Source.SERVICE and not has_active_consent_for(case, familiehjelpa):
        raise ValidationError({"consent": needs_consent_message(inquiry.referring_service)})
    _bring_in(case, user, familiehjelpa)
    referring = inquiry.referring_service
    if referring and has_active_consent_for(case, referring):
        _bring_in(case, user, referring)
    link = InquiryCase.objects.create(
        inquiry=inquiry, case=case, linked_by=user, idempotency_key=idempotency_key
    )
    _event(
        inquiry,
        user,
        InquiryEvent.Kind.LINKED,
        _("Knyttet til sak %(case)s.") % {"case": case.pk},
    )
    case_services.relay_entry_add(
        case=case,
        user=user,
        kind=RelayEntry.Kind.SERVICE_JOINED,
        text=_("Henvendelse %(n)s til familiehjelpa (%(channel)s, %(source)s) gjelder saken.")
        % {
            "n": inquiry.pk,
            "channel": inquiry.get_channel_display().lower(),
            "source": (referring.name if referring else inquiry.get_source_display().lower()),
        },
    )
    if inquiry.family_contact_id:
        _connect_contact(inquiry, user, case, inquiry.family_contact, previous=None)
    return link


def _referred_case(inquiry: Inquiry, reference: CaseReference) -> Case:
    """The referring service's open case by number and the child's birth date, if an active
    consent in it covers familiehjelpa. The one read of a case outside `visible_cases`: it
    answers the same for a case that does not exist and one without that consent, so it tells
    nothing about cases familiehjelpa may not see."""
    covered = Consent.objects.filter(
        Consent.active_q(), case=OuterRef("pk"), services=inquiry.service
    )
    case = (
        Case.objects.filter(
            pk=reference.number,
            owner_service=inquiry.referring_service,
            status=Case.Status.OPEN,
            child__birth_date=reference.birth_date,
        )
        .filter(Exists(covered))
        .first()
    )
    if case is None:
        raise ValidationError(
            {
                "case_number": _(
                    "Fant ingen åpen sak med nummer %(n)s fra %(service)s der familien har "
                    "samtykket til samarbeid med familiehjelpa. Sjekk saksnummeret og barnets "
                    "fødselsdato, eller be tjenesten registrere samtykket i saken."
                )
                % {"n": reference.number, "service": inquiry.referring_service.name}
            }
        )
    return case


def _open_case(inquiry: Inquiry, user: User, child: Child) -> Case:
    """A new case for the child, owned by familiehjelpa, with the inquiry as its undring."""
    return case_services.case_open(
        user=user,
        service=inquiry.service,
        child=child,
        concern=case_services.ConcernData(
            observation=inquiry.about,
            observed_on=min(timezone.localdate(inquiry.received_at), timezone.localdate()),
            setting=_("Henvendelse til familiehjelpa (%(channel)s, %(source)s)")
            % {
                "channel": inquiry.get_channel_display().lower(),
                "source": (
                    inquiry.referring_service.name
                    if inquiry.referring_service
                    else inquiry.get_source_display().lower()
                ),
            },
            worry=WORRY_BY_URGENCY[inquiry.urgency],
        ),
    )


def _record_consent(inquiry: Inquiry, user: User, case: Case, consent: ConsentData) -> Consent:
    """The family's consent to familiehjelpa (and to the referring service, which then takes
    part in the case), checked by `cases.services.consent_record` against the child's guardians
    with parental responsibility and the child's age."""
    services = [inquiry.service]
    if inquiry.referring_service and inquiry.referring_service != inquiry.service:
        services.append(inquiry.referring_service)
    responsible = [g for g in case.child.guardians.all() if g.has_parental_responsibility]
    purpose = _(
        "Familiehjelpa: kartlegging og koordinert hjelp til familien etter henvendelse %(n)s."
    ) % {"n": inquiry.pk}
    return case_services.consent_record(
        case=case,
        user=user,
        services=services,
        form=consent.form,
        purpose=purpose,
        given_on=timezone.localdate(),
        guardians=responsible,
        child_consented=consent.child_consented,
        information=list(consent.information),
        information_other=consent.information_other,
        oral_note=consent.oral_note,
        document=consent.document,
    )


def _bring_in(case: Case, user: User, service: Service) -> None:
    """The service takes part in the case, under the consent that covers it (checked)."""
    if service.pk == case.owner_service_id:
        return
    if case.involvements.filter(service=service).exists():
        return
    case_services.service_involve(case=case, user=user, service=service)


def case_refer(
    *,
    case: Case,
    user: User,
    service: Service,
    about: str,
    urgency: str = Inquiry.Urgency.NORMAL,
    idempotency_key: uuid.UUID | None = None,
) -> Inquiry:
    """A service refers its case at nivå 2–3 to familiehjelpa: familiehjelpa comes into the
    case under the family's consent (refused without it), and the inquiry lands on the team
    leader's board, already linked to the case."""
    if service.kind != Service.Kind.FAMILIEHJELPA:
        raise ValidationError(_("Velg familiehjelpa."))
    if not case.is_open:
        raise ValidationError(_("Saken er avsluttet."))
    if case.level not in REFERRAL_LEVELS:
        raise ValidationError(
            _("Saker på nivå 2 og 3 kan henvises til familiehjelpa. Denne saken er på nivå %(n)s.")
            % {"n": case.level}
        )
    if case.owner_service_id == service.pk:
        raise ValidationError(_("Saken er allerede familiehjelpas."))
    if not about.strip():
        raise ValidationError({"about": _("Skriv hva familien og dere ønsker hjelp til.")})

    @transaction.atomic
    def create() -> Inquiry:
        open_referral = (
            Inquiry.objects.filter(service=service, links__case=case)
            .exclude(state=State.CLOSED)
            .first()
        )
        if open_referral:
            return open_referral
        try:
            _bring_in(case, user, service)
        except case_services.ConsentMissing as exc:
            raise ValidationError(
                _(
                    "Familien må samtykke til samarbeid med familiehjelpa før saken kan "
                    "henvises. Registrer samtykket i saken først."
                )
            ) from exc
        inquiry = Inquiry.objects.create(
            service=service,
            channel=Inquiry.Channel.BTS,
            source=Inquiry.Source.SERVICE,
            referring_service=case.owner_service,
            caller_name=user.get_full_name() or user.username,
            caller_role=user.job_title,
            caller_phone=user.phone,
            caller_email=user.email,
            about=about.strip(),
            urgency=urgency,
            registered_by=user,
            idempotency_key=idempotency_key,
        )
        InquiryCase.objects.create(inquiry=inquiry, case=case, linked_by=user)
        _event(
            inquiry,
            user,
            InquiryEvent.Kind.REGISTERED,
            _("Henvist i BTS fra %(service)s, sak %(case)s.")
            % {"service": case.owner_service.name, "case": case.pk},
            to_state=State.NEW,
        )
        case_services.relay_entry_add(
            case=case,
            user=user,
            kind=RelayEntry.Kind.SERVICE_JOINED,
            text=_("Saken er henvist til %(service)s (henvendelse %(n)s).")
            % {"service": service.name, "n": inquiry.pk},
        )
        return inquiry

    inquiry, _created = create_once(Inquiry, key=idempotency_key, create=create)
    return inquiry


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
    call, _created = create_once(
        AdviceCall,
        key=idempotency_key,
        create=lambda: AdviceCall.objects.create(
            service=service,
            received_at=received_at,
            channel=channel,
            caller_kind=caller_kind,
            topics=sorted(set(topics)),
            advice=advice.strip(),
            registered_by=user,
            idempotency_key=idempotency_key,
        ),
    )
    return call


# --- Triage ---------------------------------------------------------------------------------------


@transaction.atomic
def inquiry_move(
    *, inquiry: Inquiry, user: User, to_state: str, seen_state: str, reason: str = ""
) -> Inquiry:
    """Move the inquiry on the board. `seen_state` is the state the user saw: if someone moved
    it meanwhile, the move is refused rather than applied to a state they have not seen (the
    row is locked, so two moves at once cannot both pass). Raises MoveRefused."""
    locked = _lock(inquiry)
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
    rules.check_move(locked.state, to_state, _facts(locked, reason))
    _apply_move(locked, user, to_state, reason)
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
    locked = _lock(inquiry)
    _require_open(locked)
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
    _event(locked, user, InquiryEvent.Kind.MAPPING, text)
    if locked.state == State.NEW:
        _apply_move(locked, user, State.MAPPING)
    return current


def _check_invited(inquiry: Inquiry, user: User, invited: list[Service]) -> None:
    """Inviting a service to talk about the family shares what the family tells: each invited
    service must be covered by the family's consent in every case of the inquiry."""
    others = [s for s in invited if s.pk != inquiry.service_id]
    if not others:
        return
    cases = list(linked_cases(user, inquiry).filter(status=Case.Status.OPEN))
    if not cases:
        raise ValidationError(
            {
                "invited_services": _(
                    "Andre tjenester kan inviteres når barnet er knyttet til henvendelsen og "
                    "familien har samtykket til samarbeid med dem."
                )
            }
        )
    missing = sorted(
        {
            s.name
            for case in cases
            for s in others
            if s.pk != case.owner_service_id and not has_active_consent_for(case, s)
        }
    )
    if missing:
        raise ValidationError(
            {
                "invited_services": _(
                    "%(names)s kan ikke inviteres før familien har samtykket til samarbeid med "
                    "tjenesten. Registrer samtykket i saken først."
                )
                % {"names": ", ".join(missing)}
            }
        )


def conversation_book(
    *,
    inquiry: Inquiry,
    user: User,
    starts_at: datetime,
    place: str,
    family_attendees: str,
    trusted_person: str = "",
    invited_services: list[Service] = (),
    note: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Conversation:
    """Book a conversation with the family (the family is told a trusted person may come).
    Agreeing on it is familiehjelpa's first contact with the family, if none is recorded."""
    errors = {}
    if not place.strip():
        errors["place"] = _("Skriv hvor samtalen skal være.")
    if not family_attendees.strip():
        errors["family_attendees"] = _("Skriv hvem fra familien som kommer.")
    if errors:
        raise ValidationError(errors)
    invited_services = list(invited_services)

    @transaction.atomic
    def create() -> Conversation:
        locked = _lock(inquiry)
        _require_open(locked)
        moves = _move_for_action(locked, State.CONVERSATION)
        _check_invited(locked, user, invited_services)
        conversation = Conversation.objects.create(
            inquiry=locked,
            starts_at=starts_at,
            place=place.strip(),
            family_attendees=family_attendees.strip(),
            trusted_person=trusted_person.strip(),
            note=note.strip(),
            booked_by=user,
            idempotency_key=idempotency_key,
        )
        conversation.invited_services.set(invited_services)
        if locked.first_contact_at is None:
            locked.first_contact_at = timezone.now()
            locked.save(update_fields=["first_contact_at"])
        when = timezone.localtime(starts_at)
        text = _("Samtale med familien %(date)s kl. %(time)s på %(place)s er avtalt.") % {
            "date": f"{when:%d.%m.%Y}",
            "time": f"{when:%H:%M}",
            "place": conversation.place,
        }
        if invited_services:
            text += " " + _("Tjenester som inviteres: %(names)s.") % {
                "names": ", ".join(sorted(s.name for s in invited_services))
            }
        if conversation.trusted_person:
            text += " " + _("En tillitsperson kommer.")
        _event(locked, user, InquiryEvent.Kind.CONVERSATION, text)
        _relay(locked, user, RelayEntry.Kind.MEETING, _("Familiehjelpa: %(t)s") % {"t": text})
        if moves:
            _apply_move(locked, user, State.CONVERSATION)
        return conversation

    conversation, _created = create_once(Conversation, key=idempotency_key, create=create)
    return conversation


@transaction.atomic
def duken_save(*, inquiry: Inquiry, user: User, data: dict, based_on: int) -> DukenVersion:
    """Save DUKEN as a new version, never over an old one. `based_on` is the version the user
    opened (0 for none): if a newer one was saved since, raises DukenConflict with it, unless it
    holds exactly what was submitted (a double submit). Unchanged text makes no new version."""
    locked = _lock(inquiry)
    _require_open(locked)
    values = {}
    for name in DukenVersion.FIELDS:
        value = data.get(name)
        is_date = name in ("held_on", "short_term_by", "long_term_by")
        values[name] = value if is_date else str(value or "").strip()
    errors = {}
    if not values["plan_for"]:
        errors["plan_for"] = _("Skriv hvem planen er til.")
    if not values["held_on"]:
        errors["held_on"] = _("Skriv datoen DUKEN fylles ut.")
    short, long = values["short_term_by"], values["long_term_by"]
    if short and long and long < short:
        errors["long_term_by"] = _("Lang sikt kan ikke være før kort sikt.")
    if errors:
        raise ValidationError(errors)
    latest = locked.duken_versions.select_related("saved_by").order_by("-number").first()
    if (latest.number if latest else 0) != based_on:
        if latest and latest.values() == values:
            return latest
        raise DukenConflict(latest)
    if latest and latest.values() == values:
        return latest
    version = DukenVersion.objects.create(
        inquiry=locked,
        number=(latest.number if latest else 0) + 1,
        saved_by=user,
        saved_at=timezone.now(),
        **values,
    )
    _event(
        locked,
        user,
        InquiryEvent.Kind.DUKEN,
        _("DUKEN er lagret (versjon %(v)s).") % {"v": version.number},
    )
    text = (
        _("Familiehjelpa: DUKEN er fylt ut sammen med familien.")
        if version.number == 1
        else _("Familiehjelpa: DUKEN er revidert sammen med familien (versjon %(v)s).")
        % {"v": version.number}
    )
    _relay(locked, user, RelayEntry.Kind.NOTE, text)
    return version


# --- The family contact ---------------------------------------------------------------------------


def _connect_contact(
    inquiry: Inquiry, user: User, case: Case, contact: User, *, previous: User | None
) -> None:
    """In the case: familiehjelpa coordinates (its family contact is the coordinator, at nivå 3
    the case's named coordinator), the log says who, and the grants follow."""
    if case.is_open and services_in_case(case).filter(pk=inquiry.service_id).exists():
        case_services.coordination_set(
            case=case,
            user=user,
            service=inquiry.service,
            reason=_("Familiekontakten i familiehjelpa koordinerer hjelpen til familien."),
        )
        if case.level == WIDE_COLLABORATION_LEVEL:
            wide = WideCollaboration.objects.filter(case=case).first()
            case_services.wide_collaboration_save(
                case=case,
                user=user,
                familiehjelpa=WideCollaboration.Answer.ACCEPTED,
                coordinator=contact,
                child_coordinator=wide.child_coordinator if wide else None,
                individual_plan=wide.individual_plan if wide else WideCollaboration.Answer.NOT_YET,
                note=wide.note if wide else "",
            )
        text = _("Familiekontakt fra %(service)s: %(contact)s.") % {
            "service": inquiry.service.name,
            "contact": contact,
        }
        if previous is not None:
            text = _("Familiekontakt fra %(service)s: %(contact)s, etter %(previous)s.") % {
                "service": inquiry.service.name,
                "contact": contact,
                "previous": previous,
            }
        case_services.relay_entry_add(
            case=case, user=user, kind=RelayEntry.Kind.COORDINATION, text=text
        )
    grants_sync(case, [contact, previous])


@transaction.atomic
def family_contact_assign(
    *, inquiry: Inquiry, user: User, contact: User, seen_state: str
) -> Inquiry:
    """Connect a family contact from the service's pool (or replace the one there). The contact
    takes part in the family's cases (the registered participation, so `visible_cases` and the
    grants include them), becomes their coordinator, and sees the family on their start page;
    a replaced contact loses what only this gave them."""
    locked = _lock(inquiry)
    if locked.state != seen_state:
        raise MoveRefused(
            _("Henvendelsen er endret mens du så på den. Den har nå status «%(state)s».")
            % {"state": locked.get_state_display()}
        )
    _require_open(locked)
    moves = _move_for_action(locked, State.CONTACT_ASSIGNED)
    pool = people_in_services([locked.service], roles=[Role.FAMILY_CONTACT])
    if not pool.filter(pk=contact.pk).exists():
        message = _("%(who)s er ikke familiekontakt i %(service)s.") % {
            "who": contact,
            "service": locked.service.name,
        }
        raise ValidationError({"contact": message})
    previous = locked.family_contact
    if previous is not None and previous.pk == contact.pk:
        return locked
    locked.family_contact = contact
    locked.save(update_fields=["family_contact"])
    text = _("%(contact)s er familiekontakt.") % {"contact": contact}
    if previous is not None:
        text = _("%(contact)s er familiekontakt etter %(previous)s.") % {
            "contact": contact,
            "previous": previous,
        }
    _event(locked, user, InquiryEvent.Kind.CONTACT, text)
    visible = set(linked_cases(user, locked).values_list("pk", flat=True))
    for link in locked.links.select_related("case", "case__child"):
        if link.case_id in visible:
            _connect_contact(locked, user, link.case, contact, previous=previous)
        else:
            grants_sync(link.case, [contact, previous])
    if moves:
        _apply_move(locked, user, State.CONTACT_ASSIGNED)
    return locked


# --- Barneteam ------------------------------------------------------------------------------------


def child_team_refer(
    *,
    inquiry: Inquiry,
    user: User,
    case: Case,
    question: str,
    starts_at: datetime,
    place: str,
    idempotency_key: uuid.UUID | None = None,
) -> ChildTeamItem:
    """Put a border case on the barneteam's agenda: a barneteam meeting in the case at the
    team's next meeting (or the one the team leader sets), with the question for the team."""
    errors = {}
    if not question.strip():
        errors["question"] = _("Skriv hva barneteamet skal ta stilling til.")
    if not place.strip():
        errors["place"] = _("Skriv hvor barneteamet møtes.")
    if errors:
        raise ValidationError(errors)

    @transaction.atomic
    def create() -> ChildTeamItem:
        locked = _lock(inquiry)
        _require_open(locked)
        if not linked_cases(user, locked).filter(pk=case.pk, status=Case.Status.OPEN).exists():
            raise ValidationError({"case": _("Velg en åpen sak som henvendelsen gjelder.")})
        moves = _move_for_action(locked, State.CHILD_TEAM)
        waiting = ChildTeamItem.objects.filter(case=case, decided_at__isnull=True).first()
        if waiting:
            day = timezone.localtime(waiting.meeting.starts_at)
            message = _("Saken står allerede på barneteamets sakliste %(date)s.") % {
                "date": f"{day:%d.%m.%Y}"
            }
            raise ValidationError({"case": message})
        participants = [user]
        if locked.family_contact_id and locked.family_contact.is_active:
            participants.append(locked.family_contact)
        meeting = case_services.meeting_invite(
            case=case,
            user=user,
            kind=Meeting.Kind.CHILD_TEAM,
            starts_at=starts_at,
            place=place,
            agenda=question,
            participants=participants,
            participant_services=[locked.service],
        )
        item = ChildTeamItem.objects.create(
            inquiry=locked,
            case=case,
            meeting=meeting,
            question=question.strip(),
            referred_by=user,
            idempotency_key=idempotency_key,
        )
        when = f"{timezone.localtime(starts_at):%d.%m.%Y}"
        _event(
            locked,
            user,
            InquiryEvent.Kind.CHILD_TEAM,
            _("Sak %(case)s er meldt inn til barneteamet %(date)s.")
            % {"case": case.pk, "date": when},
        )
        case_services.relay_entry_add(
            case=case,
            user=user,
            kind=RelayEntry.Kind.MEETING,
            text=_(
                "Familiehjelpa har meldt saken inn til barneteamet %(date)s: hvilken tjeneste "
                "skal ha oppfølgingsansvaret?"
            )
            % {"date": when},
        )
        if moves:
            _apply_move(locked, user, State.CHILD_TEAM)
        return item

    item, _created = create_once(ChildTeamItem, key=idempotency_key, create=create)
    return item


@transaction.atomic
def child_team_decide(
    *,
    item: ChildTeamItem,
    user: User,
    service: Service,
    reason: str,
    child_view: str = "",
    offer_to: User | None = None,
) -> ChildTeamItem:
    """Record the barneteam's decision: which service has the follow-up responsibility, why,
    and the child's view. That service comes into the case (under consent), becomes the
    coordinating service, and the responsibility is offered to the person in it who is to hold
    the case; it moves when they accept (the case's handover), and the log shows each step."""
    item = (
        ChildTeamItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "case", "inquiry__service")
        .get(pk=item.pk)
    )
    if item.is_decided:
        return item
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Skriv hvorfor barneteamet besluttet dette.")
    meeting_day = timezone.localdate(item.meeting.starts_at)
    if meeting_day > timezone.localdate():
        errors["service"] = _("Beslutningen registreres når barneteamet har møttes (%(date)s).") % {
            "date": f"{meeting_day:%d.%m.%Y}"
        }
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().select_related("responsible").get(pk=item.case_id)
    if not case.is_open:
        raise ValidationError({"service": _("Saken er avsluttet.")})
    try:
        _bring_in(case, user, service)
    except case_services.ConsentMissing as exc:
        raise ValidationError({"service": str(exc)}) from exc
    holder_in_service = people_in_services([service]).filter(pk=case.responsible_id).exists()
    if offer_to is None and not holder_in_service:
        message = _("Velg hvem i %(service)s som skal tilbys oppfølgingsansvaret.") % {
            "service": service.name
        }
        raise ValidationError({"offer_to": message})
    if offer_to is not None and not people_in_services([service]).filter(pk=offer_to.pk).exists():
        message = _("%(who)s jobber ikke i %(service)s.") % {
            "who": offer_to,
            "service": service.name,
        }
        raise ValidationError({"offer_to": message})
    date_text = f"{meeting_day:%d.%m.%Y}"
    text = _(
        "Barneteamet besluttet %(date)s at %(service)s har oppfølgingsansvaret. "
        "Begrunnelse: %(reason)s"
    ) % {"date": date_text, "service": service.name, "reason": reason.strip()}
    if child_view.strip():
        text += " " + _("Barnets syn: %(view)s") % {"view": child_view.strip()}
    case_services.relay_entry_add(case=case, user=user, kind=RelayEntry.Kind.DECISION, text=text)
    case_services.coordination_set(
        case=case,
        user=user,
        service=service,
        reason=_("Barneteamets beslutning %(date)s: %(reason)s")
        % {"date": date_text, "reason": reason.strip()},
        child_view=child_view,
    )
    offered = None
    if offer_to is not None and offer_to.pk != case.responsible_id:
        case_services.handover_offer(
            case=case,
            user=user,
            to_user=offer_to,
            message=_("Barneteamet har besluttet at %(service)s har oppfølgingsansvaret.")
            % {"service": service.name},
        )
        offered = offer_to
    item.decided_service, item.decision_reason = service, reason.strip()
    item.child_view, item.offered_to = child_view.strip(), offered
    item.decided_by, item.decided_at = user, timezone.now()
    item.save()
    history = _("Barneteamet besluttet at %(service)s har oppfølgingsansvaret i sak %(case)s.") % {
        "service": service.name,
        "case": case.pk,
    }
    if offered:
        history += " " + _("Ansvaret er tilbudt %(who)s.") % {"who": offered}
    _event(item.inquiry, user, InquiryEvent.Kind.CHILD_TEAM, history)
    return item


# --- The reply ------------------------------------------------------------------------------------


@transaction.atomic
def reply_sent(*, inquiry: Inquiry, user: User) -> Inquiry:
    """Record that the written reply went to the family, with its copy to the referring
    service (seed 002 § 2.4). Recording it twice changes nothing."""
    locked = _lock(inquiry)
    if locked.reply_sent_at is not None:
        return locked
    locked.reply_sent_at = timezone.now()
    locked.save(update_fields=["reply_sent_at"])
    text = _("Skriftlig svar er sendt til familien.")
    if locked.referring_service_id:
        text = _("Skriftlig svar er sendt til familien, med kopi til %(service)s.") % {
            "service": locked.referring_service.name
        }
    _event(locked, user, InquiryEvent.Kind.REPLY, text)
    _relay(locked, user, RelayEntry.Kind.NOTE, _("Familiehjelpa: %(t)s") % {"t": text})
    return locked
