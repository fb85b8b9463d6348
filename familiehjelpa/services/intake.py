"""Intake: an inquiry on the team leader's mapping form, the children it is about (their cases
created or joined), and the consent gate: a service calling on the family's behalf needs the
family's consent to familiehjelpa."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.audit import record
from bts.idempotency import create_once
from bts.models import Service, User
from bts.uploads import CheckedUpload
from cases import services as case_services
from cases.access import visible_cases
from cases.models import Case, Child, Consent, RelayEntry
from levels.words import current_words

from ..events import InquiryAudit, inquiry_ref
from ..models import Inquiry, InquiryCase, InquiryEvent
from ..selectors import children_like, has_active_consent_for
from .common import (
    FUTURE_SLACK,
    State,
    bring_in,
    case_changed,
    changed,
    history_add,
    lock,
    require_open,
)
from .contacts import connect_contact

# A new case from an inquiry starts with the inquiry as its undring; the urgency of the
# inquiry is the worry it is registered with (cases.models.Concern.Worry).
WORRY_BY_URGENCY = {
    Inquiry.Urgency.NORMAL: 2,  # Noe bekymret
    Inquiry.Urgency.SOON: 3,  # Ganske bekymret
    Inquiry.Urgency.URGENT: 4,  # Svært bekymret
}


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
    # The user saw the children it might be and said it is none of them.
    confirmed_new: bool = False


@dataclass(frozen=True)
class CaseReference:
    """The referring service's own case, by its number and the child's birth date."""

    number: int
    birth_date: date


ChildRef = NewChild | Child | CaseReference


class DuplicateChildren(Exception):
    """The new child may be one the user's services know already (same name and birth date):
    the user chooses one of `children`, or confirms that this is another child."""

    def __init__(self, children: list[Child]):
        super().__init__(_("Barnet kan være registrert allerede."))
        self.children = children


def needs_consent_message(service: Service | None) -> str:
    return _(
        "%(service)s henvender seg på vegne av familien. Det krever familiens samtykke til "
        "samarbeid med familiehjelpa: registrer samtykket (muntlig med notat, eller skriftlig "
        "med det signerte skjemaet), eller oppgi tjenestens sak der samtykket er registrert."
    ) % {"service": service.name if service else _("En tjeneste")}


def inquiry_submitted(*, user: User, idempotency_key: uuid.UUID | None) -> Inquiry | None:
    """The inquiry this user's form registered already (a double submit: the first one made
    it)."""
    if idempotency_key is None:
        return None
    return Inquiry.objects.filter(idempotency_key=idempotency_key, registered_by=user).first()


def child_link_submitted(*, inquiry: Inquiry, idempotency_key: uuid.UUID | None) -> bool:
    """Whether this form linked its child to the inquiry already (a double submit)."""
    if idempotency_key is None:
        return False
    return InquiryCase.objects.filter(idempotency_key=idempotency_key, inquiry=inquiry).exists()


def _check_new_child(user: User, child: ChildRef | None) -> None:
    """A new child is registered only when no child the user sees has its name and birth date,
    or when the user has seen those and confirmed that this is another child."""
    if not isinstance(child, NewChild) or child.confirmed_new:
        return
    data = child.child
    known = children_like(
        user, first_name=data.first_name, last_name=data.last_name, birth_date=data.birth_date
    )
    if known:
        raise DuplicateChildren(known)


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

    Raises ValidationError keyed by field, or DuplicateChildren when a new child may be one the
    user's services know already; on any refusal nothing is written."""
    _check_new_child(user, child)
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
        words = current_words()
        errors["channel"] = _("Henvisninger i %(product)s gjøres fra saken.") % words.as_dict()
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
        history_add(inquiry, user, InquiryEvent.Kind.REGISTERED, text, to_state=State.NEW)
        if child is not None:
            _link(inquiry, user, child, consent)
        record(kind=InquiryAudit.INQUIRY_CREATED, actor=user, detail=inquiry_ref(inquiry.pk))
        return inquiry

    inquiry, _created = create_once(Inquiry, key=idempotency_key, create=create)
    return inquiry


def inquiry_child_add(
    *,
    inquiry: Inquiry,
    user: User,
    child: ChildRef | None,
    consent: ConsentData | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> InquiryCase:
    """Another child the inquiry is about (a sibling, or the child once the family is ready to
    say who it is): its case is created or joined as at registration, with the same consent
    rule and the same check for a child the user's services know already."""
    if child is None:
        raise ValidationError({"child": _("Skriv hvem barnet er.")})
    _check_new_child(user, child)
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
        locked = lock(inquiry)
        require_open(locked)
        link, created = _link(locked, user, child, consent, idempotency_key=idempotency_key)
        if created:
            changed(locked, user, "child")
            case_changed(link.case_id, user)
        return link

    link, _created = create_once(InquiryCase, key=idempotency_key, create=create)
    return link


def _link(
    inquiry: Inquiry,
    user: User,
    child: ChildRef,
    consent: ConsentData | None,
    *,
    idempotency_key: uuid.UUID | None = None,
) -> tuple[InquiryCase, bool]:
    """Create or join the child's case and link the inquiry to it (inside the caller's
    transaction); whether the link is new. Find before create: the service's own case by its
    number, or the child's open case among those the user sees; only then a new case, owned by
    familiehjelpa."""
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
        # A child new to BTS is registered in familiehjelpa's own municipality.
        registered = case_services.child_create(
            user=user,
            child=child.child,
            municipality=familiehjelpa.municipality,
            guardians=list(child.guardians),
        )
        case = _open_case(inquiry, user, registered)
    existing = InquiryCase.objects.filter(inquiry=inquiry, case=case).first()
    if existing:
        return existing, False
    if consent is not None:
        _record_consent(inquiry, user, case, consent)
    if inquiry.source == Inquiry.Source.SERVICE and not has_active_consent_for(case, familiehjelpa):
        raise ValidationError({"consent": needs_consent_message(inquiry.referring_service)})
    bring_in(case, user, familiehjelpa)
    referring = inquiry.referring_service
    if referring and has_active_consent_for(case, referring):
        bring_in(case, user, referring)
    link = InquiryCase.objects.create(
        inquiry=inquiry, case=case, linked_by=user, idempotency_key=idempotency_key
    )
    history_add(
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
        connect_contact(inquiry, user, case, inquiry.family_contact, previous=None)
    return link, True


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
        audited=False,
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
        audited=False,
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
