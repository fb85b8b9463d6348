"""Intake: a child is registered, an undring opens a case at nivå 0 (or, when it is akutt, a
report to barnevern does), more observations concretise it; and anonymous discussions, which
name no one."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Municipality, Service, User
from bts.selectors import home_municipality_id, served_municipality_ids
from levels.rules import FIRST_LEVEL
from levels.words import current_words

from ..events import CaseAudit
from ..grants import grants_sync
from ..identity import identity_kind, validate_for_registration
from ..models import AnonymousDiscussion, Case, Child, Concern, Guardian, RelayEntry
from ..selectors import possible_duplicates
from ._common import _active_guide, _audit, _first_step_code, _log, for_case_municipality
from .decisions import report_file


@dataclass(frozen=True)
class GuardianData:
    name: str
    relation: str = ""
    has_parental_responsibility: bool = True
    phone: str = ""
    email: str = ""
    national_id: str = ""
    address: str = ""
    address_protected: bool = False


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


@dataclass(frozen=True)
class ChildData:
    first_name: str
    last_name: str
    birth_date: date | None
    national_id: str = ""
    address_protected: bool = False


class PossibleDuplicates(Exception):
    """The child may be registered already: the user picks one of `children` or confirms that
    this is another child."""

    def __init__(self, children: list[Child]):
        super().__init__(_("Barnet kan være registrert fra før."))
        self.children = children


def _duplicates(user: User, child: ChildData) -> list[Child]:
    return list(
        possible_duplicates(
            user,
            national_id=child.national_id,
            first_name=child.first_name,
            last_name=child.last_name,
            birth_date=child.birth_date,
        )
    )


def child_create(
    *,
    user: User,
    child: ChildData,
    municipality: Municipality | None = None,
    guardians: list[GuardianData] = (),
    siblings: list[Child] = (),
    idempotency_key: uuid.UUID | None = None,
) -> Child:
    """A child, of its home `municipality` (None: the one the registering person works for, as
    the form has it when their services serve one municipality only)."""
    national_id = validate_for_registration(child.national_id)
    municipality_id = municipality.pk if municipality else home_municipality_id(user)
    if municipality_id is None:
        raise ValidationError(_("Velg barnets hjemkommune."), code="municipality_missing")

    @transaction.atomic
    def create() -> Child:
        created = Child.objects.create(
            first_name=child.first_name.strip(),
            last_name=child.last_name.strip(),
            birth_date=child.birth_date,
            national_id=national_id,
            national_id_kind=identity_kind(national_id) if national_id else "",
            address_protected=child.address_protected,
            municipality_id=municipality_id,
            created_by=user,
            idempotency_key=idempotency_key,
        )
        Guardian.objects.bulk_create(
            Guardian(
                child=created,
                name=g.name.strip(),
                national_id=validate_for_registration(g.national_id),
                relation=g.relation.strip(),
                has_parental_responsibility=g.has_parental_responsibility,
                phone=g.phone.strip(),
                email=g.email.strip(),
                address=g.address.strip(),
                address_protected=g.address_protected,
            )
            for g in guardians
            if g.name.strip()
        )
        if siblings:
            created.siblings.add(*siblings)
        return created

    created, _created = create_once(Child, key=idempotency_key, create=create)
    return created


def service_serves_child(service: Service, child: Child) -> None:
    """A case belongs to the child's home municipality: only a service that serves it may open
    one (nothing is saved otherwise)."""
    if child.municipality_id not in served_municipality_ids(service):
        raise ValidationError(
            _("%(service)s tjener ikke barn fra %(municipality)s.")
            % {"service": service.name, "municipality": child.municipality.name},
            code="municipality_not_served",
        )


def _new_case(*, child: Child, service: Service, user: User, **fields) -> Case:
    """A case at nivå 0, first step, held by the one who registered it, belonging to the
    child's home municipality."""
    service_serves_child(service, child)
    case = Case.objects.create(
        child=child,
        municipality_id=child.municipality_id,
        owner_service=service,
        level=FIRST_LEVEL,
        step_code=_first_step_code(FIRST_LEVEL),
        created_by=user,
        responsible=user,
        **fields,
    )
    grants_sync(case, [user])
    return case


def child_register(
    *,
    user: User,
    child: ChildData,
    municipality: Municipality | None = None,
    guardians: list[GuardianData] = (),
    siblings: list[Child] = (),
    confirmed_new: bool = False,
    idempotency_key: uuid.UUID | None = None,
) -> Child:
    """Register a child from the form: find before create. Raises PossibleDuplicates when the
    user sees a child with the same identity number, or name and birth date, unless they have
    confirmed that this is another child."""
    if not confirmed_new and (duplicates := _duplicates(user, child)):
        raise PossibleDuplicates(duplicates)
    return child_create(
        user=user,
        child=child,
        municipality=municipality,
        guardians=guardians,
        siblings=siblings,
        idempotency_key=idempotency_key,
    )


@for_case_municipality
def case_open(
    *,
    user: User,
    service: Service,
    child: Child,
    concern: ConcernData,
    idempotency_key: uuid.UUID | None = None,
    audited: bool = True,
) -> Case:
    """Register an undring: a new case at nivå 0, its first step, and the 14-day decision.

    `audited=False`: another app opening a case as one step of its own action (familiehjelpa)
    writes its own event instead of the "case created" one."""

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
            text=_("%(Concern)s registrert i %(service)s.")
            % {"service": service.name, **current_words().as_dict()},
        )
        if audited:
            _audit(user=user, case=case, kind=CaseAudit.CASE_CREATED)
        return case

    case, _created = create_once(Case, key=idempotency_key, create=create)
    return case


@for_case_municipality
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
        _audit(user=user, case=case, detail="concern")
        return added

    added, _created = create_once(Concern, key=idempotency_key, create=create)
    return added


@for_case_municipality
def case_open_with_report(
    *,
    user: User,
    service: Service,
    child: ChildData | Child,
    municipality: Municipality | None = None,
    reported_at,
    channel: str,
    reason: str,
    police_contacted: bool = False,
    received_by: Service | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Case:
    """The akutt path: a case whose first and only entry is the report, for a child already
    registered or a new one (of `municipality`). Its audit event is the report's."""

    @transaction.atomic
    def create() -> Case:
        registered = (
            child
            if isinstance(child, Child)
            else child_create(user=user, child=child, municipality=municipality)
        )
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


def acute_case_open(
    *,
    user: User,
    service: Service,
    child: ChildData,
    municipality: Municipality | None = None,
    existing_child_id: str = "",
    confirmed_new: bool = False,
    reported_at,
    channel: str,
    reason: str,
    police_contacted: bool = False,
    received_by: Service | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Case:
    """The akutt form: the report for the registered child the user picked among the possible
    duplicates (`existing_child_id`), or for a new child. Raises PossibleDuplicates while the
    user sees children like this one and has neither picked one nor confirmed a new one."""
    duplicates = _duplicates(user, child)
    chosen = next((d for d in duplicates if str(d.pk) == existing_child_id), None)
    if not (chosen or not duplicates or confirmed_new):
        raise PossibleDuplicates(duplicates)
    return case_open_with_report(
        user=user,
        service=service,
        child=chosen or child,
        municipality=municipality,
        reported_at=reported_at,
        channel=channel,
        reason=reason,
        police_contacted=police_contacted,
        received_by=received_by,
        idempotency_key=idempotency_key,
    )


def anonymous_discussion_record(
    *,
    user: User,
    service: Service,
    discussed_with: str,
    discussed_on: date,
    summary: str,
    idempotency_key: uuid.UUID | None = None,
) -> AnonymousDiscussion:
    """A discussion with barnevern or another service without the child's name: counted, and
    audited without a case."""

    @transaction.atomic
    def create() -> AnonymousDiscussion:
        discussion = AnonymousDiscussion.objects.create(
            service=service,
            discussed_with=discussed_with.strip(),
            discussed_on=discussed_on,
            summary=summary.strip(),
            created_by=user,
            idempotency_key=idempotency_key,
        )
        _audit(user=user, kind=CaseAudit.ANONYMOUS_DISCUSSION)
        return discussion

    discussion, _created = create_once(AnonymousDiscussion, key=idempotency_key, create=create)
    return discussion
