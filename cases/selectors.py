"""Reads of case data, always scoped by the user: another service's case is simply not there."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from bts.models import Role, User
from bts.selectors import active_memberships

from .models import Case, Child, Consent, Involvement, Measure, Meeting, RelayEntry


def led_service_ids(user: User) -> list[int]:
    return list(
        active_memberships(user).filter(role=Role.LEADER).values_list("service_id", flat=True)
    )


def case_services(user: User) -> list[int]:
    """Services a user may register an undring for (where they work as employee or leader)."""
    return list(
        active_memberships(user)
        .filter(role__in=[Role.EMPLOYEE, Role.LEADER])
        .values_list("service_id", flat=True)
    )


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases this user may see: those they take part in, and those of services they lead.

    Ordinary employees do not see every case of their service; municipal leaders and the system
    administrator see none (they get aggregates and administration, not children).
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    access = Q(responsible=user) | Q(created_by=user)
    led = led_service_ids(user)
    if led:
        involved_under_consent = Involvement.objects.filter(
            Consent.active_q("consent__"), case=OuterRef("pk"), service_id__in=led
        )
        access |= Q(owner_service_id__in=led) | Exists(involved_under_consent)
    return Case.objects.filter(access)


def visible_children(user: User) -> QuerySet[Child]:
    """Children the user registered, or whose case they may see."""
    return Child.objects.filter(
        Q(created_by=user) | Q(Exists(visible_cases(user).filter(child=OuterRef("pk"))))
    )


def find_children(user: User, *, query: str = "", birth_date: date | None = None):
    children = visible_children(user)
    for word in query.split():
        children = children.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if birth_date:
        children = children.filter(birth_date=birth_date)
    return children.order_by("last_name", "first_name")[:20]


def possible_duplicates(
    user: User, *, national_id: str, first_name: str, last_name: str, birth_date: date | None
) -> QuerySet[Child]:
    """Visible children with the same identity number, or the same name and birth date."""
    same = Q()
    if national_id:
        same |= Q(national_id=national_id)
    if birth_date:
        same |= Q(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            birth_date=birth_date,
        )
    if not same:
        return Child.objects.none()
    return visible_children(user).filter(same)


def case_detail(user: User, pk: int) -> Case:
    """One visible case with what its page shows; raises Case.DoesNotExist otherwise."""
    return (
        visible_cases(user)
        .select_related("child", "owner_service", "responsible")
        .prefetch_related(
            "child__guardians",
            "concerns__created_by",
            Prefetch(
                "involvements",
                queryset=Involvement.objects.select_related("service", "consent"),
            ),
            Prefetch("consents", queryset=Consent.objects.prefetch_related("services")),
            "decisions",
            Prefetch("meetings", queryset=Meeting.objects.select_related("minutes")),
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related(
                    "responsible_service", "responsible_person"
                ),
            ),
        )
        .get(pk=pk)
    )


def relay_log(case: Case, *, kind: str = "", limit: int = 200) -> QuerySet[RelayEntry]:
    entries = case.relay_entries.select_related("actor")
    if kind:
        entries = entries.filter(kind=kind)
    return entries[:limit]


def services_with_consent(case: Case) -> int:
    """Other services taking part under an active consent (what raising to nivå 2 needs)."""
    return (
        case.involvements.filter(Consent.active_q("consent__"))
        .exclude(service_id=case.owner_service_id)
        .count()
    )


def my_cases(user: User) -> QuerySet[Case]:
    """The employee's own open cases with what is due, soonest first."""
    return (
        Case.objects.filter(responsible=user, status=Case.Status.OPEN)
        .select_related("child", "owner_service")
        .order_by("decision_due", "-last_activity_at")
    )


def is_overdue(due: date | None) -> bool:
    return due is not None and due < timezone.localdate()
