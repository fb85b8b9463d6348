"""Reads of case data, always scoped by the user: another service's case is simply not there."""

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject, Now
from django.utils import timezone

from bts.models import Membership, Role, Service, User
from bts.selectors import current_membership_q, user_memberships
from bts.sql import compiled_condition, compiled_once

from .grants import granted_q
from .models import (
    Case,
    CaseUserGrant,
    Child,
    ChildProtectionReport,
    Concern,
    Consent,
    Coordination,
    Decision,
    Guardian,
    Handover,
    Involvement,
    Measure,
    Meeting,
    Minutes,
    RelayEntry,
    StepCheck,
    Watch,
)

# Familiehjelpa's team leader leads familiehjelpa as a service leader leads theirs.
LEADING_ROLES = (Role.LEADER, Role.FAMILIEHJELPA_LEADER)


def led_service_ids(user: User) -> list[int]:
    return [m.service_id for m in user_memberships(user) if m.role in LEADING_ROLES]


def _scope(user: User) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(services the user works in, services they lead), or None when they see no case (not
    logged in, deactivated, or in no service): what every form of the access rule starts from."""
    if not user.is_authenticated or not user.is_active:
        return None
    own = tuple(sorted({m.service_id for m in user_memberships(user) if m.service_id}))
    return (own, tuple(sorted(led_service_ids(user)))) if own else None


def case_services(user: User) -> list[int]:
    """Services a user may register an undring for (where they work as employee or leader)."""
    return [m.service_id for m in user_memberships(user) if m.role in (Role.EMPLOYEE, Role.LEADER)]


def covered_involvements() -> QuerySet[Involvement]:
    """Involvements an active consent of their case still covers for their service.

    Any active consent counts, not only the one the service joined under: a renewed consent
    keeps the service in; withdrawal or expiry of the last one takes it out at once.
    """
    return Involvement.objects.filter(
        Exists(
            Consent.objects.filter(
                Consent.active_q(), case=OuterRef("case"), services=OuterRef("service")
            )
        )
    )


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases this user may see: those they take part in, those of services they lead
    (owning it, or involved in it under an active consent), and, for the leader of a barnevern
    service, those reported to it.

    Ordinary employees do not see every case of their service; municipal leaders and the system
    administrator see none (they get aggregates and administration, not children).
    """
    scope = _scope(user)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(_access_q(user.pk, *scope))


def _access_q(user_id: int, own: tuple[int, ...], led: tuple[int, ...]) -> Q:
    # Taking part (registered, holds, offered, follows, meeting, measure, nivå 3 role: the
    # per-case grant, see cases.grants) counts only while the user works in a service that is
    # in the case: the owner, or one involved under an active consent. Withdrawal, expiry or
    # leaving the service ends access at once, with no event needed.
    in_case_service = Q(owner_service_id__in=own) | Exists(
        covered_involvements().filter(case=OuterRef("pk"), service_id__in=own)
    )
    access = granted_q(user_id) & in_case_service
    if led:
        involved_under_consent = covered_involvements().filter(
            case=OuterRef("pk"), service_id__in=led
        )
        reported_to = ChildProtectionReport.objects.filter(
            case=OuterRef("pk"), received_by_id__in=led
        )
        access |= Q(owner_service_id__in=led) | Exists(involved_under_consent) | Exists(reported_to)
    return access


def visible_case(user: User, pk: int) -> QuerySet[Case]:
    """`visible_cases(user).filter(pk=pk)`, by the same rule, with the rule's SQL compiled once
    per user, services and day: what every case page and fragment asks. The SQL names the
    case table itself, so this is for reading the case, never for use inside another query."""
    scope = _scope(user)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(_compiled_access(user.pk, *scope, timezone.localdate()), pk=pk)


@functools.lru_cache(maxsize=512)
def _compiled_access(user_id: int, own: tuple, led: tuple, today: date) -> RawSQL:
    """The rule's SQL; `today` is in the key because consents expire by the day."""
    return compiled_condition(Case.objects.filter(_access_q(user_id, own, led)))


@dataclass(frozen=True)
class _Branch:
    """One set of visible cases: rows of `rows`, whose case is reached through `prefix`."""

    rows: QuerySet
    prefix: str  # "" when the rows are cases, "case__" when they point to one

    @property
    def case_id(self) -> str:
        return f"{self.prefix}id" if self.prefix else "pk"


def case_visible_q(user: User, field: str = "case") -> Q:
    """ "The case `field` points to is one the user may see", asked row by row: for filtering a
    few rows that point to cases (an inquiry's links, say), where `field__in=visible_cases`
    would have the database consider every case first."""
    return Q(Exists(visible_cases(user).filter(pk=OuterRef(field))))


def _visibility_branches(user: User) -> list[_Branch]:
    """`visible_cases` as a union of sets, each read from its own index: the cases taking part
    in which the user's service is the owner, or involved under consent; and for a leader,
    each led service's own cases, those involving a led service under consent, and those
    reported to it. What a list of many cases is made from; a test keeps it equal to
    `visible_cases`, which asks the same rules of one row at a time (what one case needs)."""
    scope = _scope(user)
    return [] if scope is None else _branches(user.pk, *scope)


def _branches(user_id: int, own: tuple[int, ...], led: tuple[int, ...]) -> list[_Branch]:
    granted = CaseUserGrant.objects.filter(
        user=user_id,
        permission__codename="view_case",
        permission__content_type__app_label="cases",
    ).values("content_object_id")
    branches = [
        _Branch(Case.objects.filter(pk__in=granted, owner_service_id__in=own), ""),
        _Branch(covered_involvements().filter(service_id__in=own, case__in=granted), "case__"),
    ]
    branches += [_Branch(Case.objects.filter(owner_service_id=s), "") for s in led]
    if led:
        branches += [
            _Branch(covered_involvements().filter(service_id__in=led), "case__"),
            _Branch(ChildProtectionReport.objects.filter(received_by_id__in=led), "case__"),
        ]
    return branches


def visible_case_ids(user: User) -> QuerySet:
    """The ids of `visible_cases(user)`, from `_visibility_branches`."""
    branches = [b.rows.values_list(b.case_id, flat=True) for b in _visibility_branches(user)]
    if not branches:
        return Case.objects.none().values_list("pk", flat=True)
    return branches[0].union(*branches[1:])


def visible_children(user: User) -> QuerySet[Child]:
    """Children the user registered, or whose case they may see."""
    of_visible_cases = Case.objects.filter(pk__in=visible_case_ids(user)).values("child_id")
    return Child.objects.filter(Q(created_by=user) | Q(pk__in=of_visible_cases))


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


@dataclass(frozen=True)
class _Embedded:
    """A small collection of the case read inside the case's own query, as a JSON array: the
    case page shows a dozen of them, and a query each would be a dozen round trips."""

    attr: str  # the relation on the case (or child) whose cache it fills
    model: type
    rows: QuerySet  # filtered by OuterRef to the case's row
    related: tuple[tuple[str, type, tuple[str, ...]], ...] = ()  # attr, model, fields
    # A many-to-many of each row: attr, model, its rows (filtered by OuterRef to the row,
    # giving the model's fields by name)
    many: tuple[tuple[str, type, QuerySet], ...] = ()


_USER_FIELDS = ("id", "username", "first_name", "last_name")
_SERVICE_FIELDS = ("id", "name", "kind")


def _embedded_sections() -> list[_Embedded]:
    return [
        _Embedded(
            "open_handovers",
            Handover,
            Handover.objects.filter(case=OuterRef("pk"), status=Handover.Status.OFFERED),
            (("to_user", User, _USER_FIELDS), ("from_user", User, _USER_FIELDS)),
        ),
        _Embedded(
            "coordinations",
            Coordination,
            Coordination.objects.filter(case=OuterRef("pk")).order_by("-starts_at", "-id"),
            (("service", Service, ("id", "name")),),
        ),
        _Embedded(
            "guardians",
            Guardian,
            Guardian.objects.filter(child=OuterRef("child_id")).order_by("id"),
        ),
        _Embedded(
            "concerns",
            Concern,
            Concern.objects.filter(case=OuterRef("pk")).order_by("created_at", "id"),
            (("created_by", User, _USER_FIELDS),),
        ),
        _Embedded(
            "decisions",
            Decision,
            Decision.objects.filter(case=OuterRef("pk")).order_by("decided_at", "id"),
        ),
        _Embedded(
            "reports",
            ChildProtectionReport,
            ChildProtectionReport.objects.filter(case=OuterRef("pk")).order_by("reported_at"),
        ),
        _Embedded("step_checks", StepCheck, StepCheck.objects.filter(case=OuterRef("pk"))),
        _Embedded(
            "consents",
            Consent,
            Consent.objects.filter(case=OuterRef("pk")).order_by("id"),
            many=(
                (
                    "services",
                    Service,
                    Consent.services.through.objects.filter(consent=OuterRef("pk"))
                    .order_by("service__name")
                    .values(
                        json=JSONObject(id="service_id", name="service__name", kind="service__kind")
                    ),
                ),
            ),
        ),
        _Embedded(
            "involvements",
            Involvement,
            Involvement.objects.filter(case=OuterRef("pk")).order_by("joined_at", "id"),
            (("service", Service, _SERVICE_FIELDS),),
        ),
        _Embedded(
            "meetings",
            Meeting,
            Meeting.objects.filter(case=OuterRef("pk")).order_by("starts_at", "id"),
            (("minutes", Minutes, ("id", "version")),),
        ),
        _Embedded(
            "measures",
            Measure,
            Measure.objects.filter(case=OuterRef("pk")).order_by("starts_on", "id"),
            (
                ("responsible_service", Service, _SERVICE_FIELDS),
                ("responsible_person", User, _USER_FIELDS),
            ),
        ),
    ]


def _json_of(section: _Embedded) -> ArraySubquery:
    fields = {f.attname: f.attname for f in section.model._meta.concrete_fields}
    for attr, _model, names in section.related:
        fields |= {f"{attr}.{name}": f"{attr}__{name}" for name in names}
    for attr, _model, rows in section.many:
        fields[f"{attr}[]"] = ArraySubquery(rows)
    return ArraySubquery(section.rows.values(json=JSONObject(**fields)))


def _embedded_json() -> dict:
    return {f"_embedded_{s.attr}": _json_of(s) for s in _embedded_sections()}


def _from_json(model, row: dict, related=(), many=()):
    """A model instance from one embedded row, with its related objects in place. Fields not
    in the row are deferred (read from the database if ever asked for), never empty."""
    instance = _instance(model, row)
    for attr, related_model, _fields in related:
        other = None
        if row.get(f"{attr}.id") is not None:
            prefix = f"{attr}."
            other = _instance(
                related_model, {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}
            )
        instance._state.fields_cache[attr] = other  # None: there is none, as select_related
    for attr, many_model, _rows in many:
        _cache_related(instance, attr, [_instance(many_model, r) for r in row[f"{attr}[]"]])
    return instance


def _instance(model, values: dict):
    """`model` as loaded from the database with these fields (in JSON's types)."""
    fields = [f for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(
        "default", [f.attname for f in fields], [f.to_python(values[f.attname]) for f in fields]
    )


def _cache_related(instance, name: str, objects: list) -> None:
    """What prefetch_related would leave: `instance.<name>.all()` answers without a query."""
    manager = getattr(instance, name)
    queryset = manager.all()
    queryset._result_cache, queryset._prefetch_done = objects, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    instance._prefetched_objects_cache[name] = queryset


def case_detail(user: User, pk: int) -> Case:
    """One visible case with what its page shows; raises Case.DoesNotExist otherwise.

    The case with its sections (guardians, concerns, consents and the services each covers,
    decisions, reports, checklist, coordination, open offers, services, meetings, measures) in
    one query."""
    sections = _embedded_sections()
    case = (
        visible_case(user, pk)
        .select_related(
            "child",
            "owner_service",
            "responsible",
            "wide_collaboration__coordinator",
            "wide_collaboration__child_coordinator",
        )
        .annotate(**dict(compiled_once(Case, _embedded_json)))
        .get()
    )
    for section in sections:
        rows = getattr(case, f"_embedded_{section.attr}")
        objects = [_from_json(section.model, row, section.related, section.many) for row in rows]
        if section.attr == "open_handovers":
            case.open_handovers = objects
        elif section.attr == "guardians":
            _cache_related(case.child, "guardians", objects)
        else:
            _cache_related(case, section.attr, objects)
    return case


LOG_PAGE = 25


@dataclass(frozen=True)
class LogPage:
    entries: list[RelayEntry]
    older: str  # cursor for the next (older) page, "" when there is none


def relay_log(case: Case, *, kind: str = "", before: str = "") -> LogPage:
    """One page of the relay log, newest first, by keyset on (at, id): a page costs the same
    however long the log is. `before` is the cursor of the previous page ("" for the newest)."""
    entries = case.relay_entries.select_related("actor").order_by("-at", "-id")
    if kind:
        entries = entries.filter(kind=kind)
    cursor = _parse_cursor(before)
    if cursor:
        at, pk = cursor
        entries = entries.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    rows = list(entries[: LOG_PAGE + 1])
    older = ""
    if len(rows) > LOG_PAGE:
        rows = rows[:LOG_PAGE]
        older = f"{rows[-1].at.isoformat()}~{rows[-1].pk}"
    return LogPage(rows, older)


@functools.lru_cache(maxsize=256)
def _page_sql(user_id, own, led, today, status, level, service_id, cursor) -> tuple[str, tuple]:
    """The SQL of a page's (id, last activity) rows: each branch's first page, united.
    `today` is in the key because consents expire by the day."""

    def conditions(prefix: str) -> Q:
        q = Q()
        if status:
            q &= Q(**{f"{prefix}status": status})
        if level is not None:
            q &= Q(**{f"{prefix}level": level})
        if service_id is not None:
            q &= Q(**{f"{prefix}owner_service_id": service_id})
        if cursor:
            at, pk = cursor
            q &= Q(**{f"{prefix}last_activity_at__lt": at}) | Q(
                **{f"{prefix}last_activity_at": at, f"{prefix}id__lt": pk}
            )
        return q

    firsts = [
        b.rows.filter(conditions(b.prefix))
        .order_by(f"-{b.prefix}last_activity_at", f"-{b.case_id}")
        .values_list(b.case_id, f"{b.prefix}last_activity_at")[: CASE_LIST_PAGE + 1]
        for b in _branches(user_id, own, led)
    ]
    union = firsts[0].union(*firsts[1:]).order_by("-last_activity_at", "-pk")
    sql, params = union[: CASE_LIST_PAGE + 1].query.sql_with_params()
    return sql, tuple(params)


def _parse_cursor(value: str):
    at, _, pk = value.partition("~")
    try:
        return datetime.fromisoformat(at), int(pk)
    except ValueError:
        return None


def services_with_consent(case: Case) -> int:
    """Other services taking part under an active consent (what raising to nivå 2 needs)."""
    return (
        covered_involvements().filter(case=case).exclude(service_id=case.owner_service_id).count()
    )


def my_cases(user: User) -> QuerySet[Case]:
    """The employee's own open cases with what is due: the nivå 0 decision, the next measure
    evaluation, and the first follow-up meeting after measures start."""
    return my_cases_annotated(
        Case.objects.filter(responsible=user, status=Case.Status.OPEN)
        .select_related("child", "owner_service")
        .order_by(F("decision_due").asc(nulls_last=True), "-last_activity_at")
    )


def my_cases_annotated(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Add the dates `follow_up_due` and the start page need, as subqueries (no row fan-out)."""
    measures = Measure.objects.filter(case=OuterRef("pk"))
    return cases.annotate(
        next_evaluation=Subquery(
            measures.filter(status=Measure.Status.ACTIVE)
            .order_by("evaluation_due")
            .values("evaluation_due")[:1]
        ),
        first_measure_on=Subquery(measures.order_by("starts_on").values("starts_on")[:1]),
        # Only a meeting already held counts as the follow-up, not one still ahead.
        last_meeting_at=Subquery(
            Meeting.objects.filter(case=OuterRef("pk"), starts_at__lte=Now())
            .order_by("-starts_at")
            .values("starts_at")[:1]
        ),
    )


def service_cases(user: User) -> QuerySet[Case]:
    """Open cases of the services the user leads, deadlines first."""
    return my_cases_annotated(
        Case.objects.filter(owner_service_id__in=led_service_ids(user), status=Case.Status.OPEN)
        .select_related("child", "owner_service", "responsible")
        .order_by(F("decision_due").asc(nulls_last=True), "-last_activity_at")
    )


def follow_up_due(case: Case, *, max_days: int) -> date | None:
    """A follow-up meeting is due within `max_days` (the municipality's setting, e.g. 2–4 weeks)
    after measures start, until one is held."""
    if case.first_measure_on is None:
        return None
    # The meeting that agreed the measures (on the start day) is not the follow-up.
    if case.last_meeting_at and timezone.localdate(case.last_meeting_at) > case.first_measure_on:
        return None
    return case.first_measure_on + timedelta(days=max_days)


def with_follow_up_due(cases: list[Case], *, max_days: int) -> list[Case]:
    """Set `follow_up_due` on each case of a list from `my_cases_annotated` (no queries)."""
    for case in cases:
        case.follow_up_due = follow_up_due(case, max_days=max_days)
    return cases


def handovers_for(user: User) -> QuerySet[Handover]:
    return (
        Handover.objects.filter(to_user=user, status=Handover.Status.OFFERED)
        .select_related("case__child", "from_user")
        .order_by("offered_at")
    )


def watched_cases(user: User) -> QuerySet[Watch]:
    """Cases the user passed on and still follows (samtidighetsansvar)."""
    return (
        Watch.objects.filter(user=user, case__status=Case.Status.OPEN)
        .select_related("case__child", "case__responsible")
        .order_by("remind_on")
    )


def services_in_case(case: Case) -> QuerySet[Service]:
    """The services in the case: its owner and those taking part under an active consent."""
    involved = covered_involvements().filter(case=case).values("service_id")
    return Service.objects.filter(
        Q(pk=case.owner_service_id) | Q(pk__in=involved), is_active=True
    ).order_by("name")


def people_in_services(services, *, roles=None) -> QuerySet[User]:
    """Active users with a membership in force in one of these services (optionally in roles)."""
    current = Membership.objects.filter(
        current_membership_q(), user=OuterRef("pk"), service__in=services
    )
    if roles:
        current = current.filter(role__in=roles)
    return User.objects.filter(Exists(current), is_active=True).order_by("last_name", "first_name")


def handover_candidates(case: Case) -> QuerySet[User]:
    """Employees of the services in the case who could hold it."""
    roles = [Role.EMPLOYEE, Role.LEADER, Role.FAMILY_CONTACT, Role.CHILD_COORDINATOR]
    return people_in_services(services_in_case(case), roles=roles).exclude(pk=case.responsible_id)


def is_overdue(due: date | None) -> bool:
    return due is not None and due < timezone.localdate()


ACCESS_LOG_PAGE = 100


def access_log(case: Case, *, before: int | None = None) -> tuple[list, int | None]:
    """Audit events of one case, newest first, in keyset pages; returns (events, older cursor)."""
    from bts.models import AuditEvent

    events = AuditEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("-id")
    if before:
        events = events.filter(id__lt=before)
    rows = list(events[: ACCESS_LOG_PAGE + 1])
    if len(rows) > ACCESS_LOG_PAGE:
        return rows[:ACCESS_LOG_PAGE], rows[ACCESS_LOG_PAGE - 1].pk
    return rows, None


def access_events(case: Case, *, start: date | None = None, end: date | None = None) -> list:
    """Every audit event of one case in a period (local dates, both inclusive), oldest first:
    what the access report and the CSV export list in full."""
    from bts.models import AuditEvent

    events = AuditEvent.objects.filter(case_id=case.pk).select_related("actor")
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        events = events.filter(at__date__lte=end)
    return list(events.order_by("at", "id"))


CASE_LIST_PAGE = 50


@dataclass(frozen=True)
class CaseListPage:
    cases: list[Case]
    next_cursor: str  # "" on the last page


def case_list(
    user: User,
    *,
    status: str = Case.Status.OPEN,
    level: int | None = None,
    service_id: int | None = None,
    after: str = "",
) -> CaseListPage:
    """The cases a user may see, most recently active first, in keyset pages: a page costs the
    same on the first page and the thousandth, however many cases there are.

    Each branch of visibility gives its own first page (ordered by an index, stopped after a
    page), the union of those is ordered once more, and the page's cases are then read whole:
    two queries, never a scan of every case the user may see. The first query's SQL is compiled
    once per user, filter, page and day (compiling its five subqueries cost as much as running
    them)."""
    scope = _scope(user)
    if scope is None:
        return CaseListPage([], "")
    cursor = _parse_cursor(after)
    sql, params = _page_sql(
        user.pk, *scope, timezone.localdate(), status, level, service_id, cursor
    )
    with connection.cursor() as db:
        db.execute(sql, params)
        page = db.fetchall()
    ids = [pk for pk, _at in page]
    rows = Case.objects.filter(pk__in=ids[:CASE_LIST_PAGE]).select_related(
        "child", "owner_service", "responsible"
    )
    by_id = {case.pk: case for case in rows}
    cases = [by_id[pk] for pk in ids[:CASE_LIST_PAGE]]
    following = ""
    if len(ids) > CASE_LIST_PAGE:
        following = f"{cases[-1].last_activity_at.isoformat()}~{cases[-1].pk}"
    return CaseListPage(cases, following)
