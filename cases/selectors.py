"""Reads of case data, always scoped by the user: another service's case is simply not there.
Which cases a user sees is `cases.access`."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Now, Right
from django.utils import timezone

from bts.models import Membership, Municipality, Role, Service, StoredFile, User
from bts.selectors import (
    current_membership_q,
    served_municipality_ids,
    services_serving,
    user_memberships,
)

from .access import (
    case_services,
    covered_involvements,
    led_service_ids,
    visible_case_ids,
    visible_page,
)
from .models import (
    Case,
    Child,
    DecisionProposal,
    Evaluation,
    Guardian,
    Handover,
    Measure,
    Meeting,
    RelayEntry,
    StepCheck,
    Watch,
    WideCollaboration,
)


def visible_children(user: User) -> QuerySet[Child]:
    """Children the user registered, or whose case they may see."""
    of_visible_cases = Case.objects.filter(pk__in=visible_case_ids(user)).values("child_id")
    return Child.objects.filter(Q(created_by=user) | Q(pk__in=of_visible_cases))


def find_children(user: User, *, query: str = "", birth_date: date | None = None, limit: int = 20):
    children = visible_children(user)
    for word in query.split():
        children = children.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if birth_date:
        children = children.filter(birth_date=birth_date)
    return children.order_by("last_name", "first_name", "pk")[:limit]


# A phone number is compared by its last eight digits: "+47 900 11 222" is "90011222".
PHONE_DIGITS = 8


def _phone_digits(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else ""


def children_sharing_guardian(
    user: User, *, names=(), phones=(), emails=(), limit: int = 10
) -> QuerySet[Child]:
    """Visible children with a guardian of the same name, phone number or e-mail address as
    one given for a child being registered. Guardians carry no identity number or birth date,
    so these are what tells that two children have a guardian in common."""
    same = Q()
    for name in {" ".join(n.split()) for n in names} - {""}:
        same |= Q(name__iexact=name)
    for email in {e.strip() for e in emails} - {""}:
        same |= Q(email__iexact=email)
    for phone in {_phone_digits(p) for p in phones} - {""}:
        same |= Q(phone_digits=phone)
    if not same:
        return Child.objects.none()
    digits = Func(
        F("phone"),
        Value(r"\D"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=CharField(),
    )
    guardians = Guardian.objects.annotate(phone_digits=Right(digits, PHONE_DIGITS)).filter(same)
    return (
        visible_children(user)
        .filter(pk__in=guardians.values("child_id"))
        .order_by("last_name", "first_name", "pk")[:limit]
    )


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


def proposals_waiting(user: User) -> QuerySet[DecisionProposal]:
    """Decisions proposed in open cases of the services the user leads, waiting for a leader
    to confirm them (where the guide has the leader decide)."""
    return (
        DecisionProposal.objects.filter(
            status=DecisionProposal.Status.PENDING,
            case__owner_service_id__in=led_service_ids(user),
            case__status=Case.Status.OPEN,
        )
        .select_related("case__child", "proposed_by")
        .order_by("proposed_at", "id")
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


def _served_through(user: User, services=None) -> set[int]:
    """The municipalities the user's services (of `services`, else all) serve, from their
    memberships: no query."""
    return {
        m
        for membership in user_memberships(user)
        if membership.service is not None
        and (services is None or membership.service_id in services)
        for m in served_municipality_ids(membership.service)
    }


def serves_several_municipalities(user: User) -> bool:
    """Whether the user's services between them serve more than one municipality (their
    lists then say whose each case is)."""
    return len(_served_through(user)) > 1


def registrable_municipalities(user: User) -> QuerySet[Municipality]:
    """The home municipalities a child may be registered with, when there is a choice: those
    the services the user registers for serve (read from their memberships, so no query when
    they serve one municipality; none then, and the child is of that one)."""
    ids = _served_through(user, set(case_services(user)))
    if len(ids) < 2:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def active_services(ids) -> QuerySet[Service]:
    """The active ones of these services, by name (what a user may register for), with the
    municipalities they serve."""
    return (
        Service.objects.filter(pk__in=ids, is_active=True)
        .prefetch_related("partner_municipalities")
        .order_by("name")
    )


def services_led_by(user: User) -> QuerySet[Service]:
    """The services the user leads, by name (the case list's service filter)."""
    return Service.objects.filter(pk__in=led_service_ids(user)).order_by("name")


def other_active_services(case: Case) -> QuerySet[Service]:
    """The active services serving the case's municipality besides the case's owner, by name:
    those a consent may cover."""
    return services_serving(case.municipality_id).exclude(pk=case.owner_service_id)


def case_holders(service_ids) -> QuerySet[User]:
    """Who holds open cases these services own (whose cases a leader may move on)."""
    return (
        User.objects.filter(
            responsible_cases__status=Case.Status.OPEN,
            responsible_cases__owner_service_id__in=service_ids,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def staff_of(service_ids) -> QuerySet[User]:
    """The people working in these services now."""
    return people_in_services(Service.objects.filter(pk__in=service_ids))


def measures_with_evaluations(case: Case) -> QuerySet[Measure]:
    """The case's measures with their responsible and their evaluations (and who made them)."""
    return case.measures.select_related(
        "responsible_service", "responsible_person"
    ).prefetch_related(
        Prefetch("evaluations", queryset=Evaluation.objects.select_related("created_by"))
    )


def wide_collaboration_of(case: Case) -> WideCollaboration | None:
    """What was settled for nivå 3 (familiehjelpa, coordinators, plan), if anything yet."""
    return WideCollaboration.objects.filter(case=case).first()


def step_checks(case: Case) -> QuerySet[StepCheck]:
    """The items ticked off on the case's checklists."""
    return case.step_checks.all()


def archive_package(case: Case) -> StoredFile | None:
    """The case's archive package, if one has been made."""
    return StoredFile.objects.filter(pk=case.archive_id).first() if case.archive_id else None


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


def access_events(
    case: Case,
    *,
    start: date | None = None,
    end: date | None = None,
    for_family: bool = False,
) -> list:
    """Every audit event of one case in a period (local dates, both inclusive), oldest first:
    what the access report and the CSV export list in full (`for_family`: as the family's copy,
    `family_access_q`)."""
    from bts.models import AuditEvent

    events = AuditEvent.objects.filter(case_id=case.pk).select_related("actor")
    if for_family:
        events = events.filter(family_access_q())
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        events = events.filter(at__date__lte=end)
    return list(events.order_by("at", "id"))


def latest_access_events(case: Case, *, count: int, for_family: bool = False) -> list:
    """The newest `count` audit events of one case, newest first (a page's short list; the
    access report has them all)."""
    from bts.models import AuditEvent

    events = AuditEvent.objects.filter(case_id=case.pk).select_related("actor")
    if for_family:
        events = events.filter(family_access_q())
    return list(events.order_by("-at", "-id")[:count])


def family_access_q() -> Q:
    """What the family's innsyn leaves out: the report to barnevern (filing it, exporting it) and
    everything barnevern's own staff did in the case, which would tell that one was made. The
    guardians are never told of it here (opplysningsplikt); the municipality's full access report
    has it."""
    from .events import CaseAudit

    barnevern = Membership.objects.filter(
        user=OuterRef("actor_id"), service__kind=Service.Kind.CHILD_PROTECTION
    )
    return ~(Q(kind=CaseAudit.REPORT_FILED) | Q(detail__startswith="report") | Q(Exists(barnevern)))


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
    two queries, never a scan of every case the user may see."""
    page = visible_page(
        user,
        size=CASE_LIST_PAGE,
        status=status,
        level=level,
        service_id=service_id,
        cursor=_parse_cursor(after),
    )
    ids = [pk for pk, _at in page]
    rows = Case.objects.filter(pk__in=ids[:CASE_LIST_PAGE]).select_related(
        "child", "owner_service", "responsible", "municipality"
    )
    by_id = {case.pk: case for case in rows}
    cases = [by_id[pk] for pk in ids[:CASE_LIST_PAGE]]
    following = ""
    if len(ids) > CASE_LIST_PAGE:
        following = f"{cases[-1].last_activity_at.isoformat()}~{cases[-1].pk}"
    return CaseListPage(cases, following)


def cases_off_the_guide(municipality, steps_by_level: dict[int, set[str]]) -> list[str]:
    """Open cases of `municipality` at a level or step a guide about to be put in use there
    does not have: they could neither complete their step nor decide (say which, so they are
    moved first). Read as the few (level, step) pairs open cases stand at, then their ids."""
    open_cases = Case.objects.filter(municipality=municipality, status=Case.Status.OPEN)
    pairs = open_cases.values_list("level", "step_code").distinct().order_by()
    off = Q(pk__in=[])
    for level, code in pairs:
        if code not in steps_by_level.get(level, ()):
            off |= Q(level=level, step_code=code)
    stranded = list(open_cases.filter(off).order_by("pk").values_list("pk", flat=True))
    if not stranded:
        return []
    shown = ", ".join(str(pk) for pk in stranded[:10]) + (" …" if len(stranded) > 10 else "")
    return [
        f"{len(stranded)} åpne saker står på et nivå eller trinn veilederen ikke har "
        f"(sak {shown}). Flytt eller avslutt dem først, eller behold trinnkodene i veilederen."
    ]


def family_voice_before_meeting(meeting: Meeting) -> list[RelayEntry]:
    """What the family asked to take up at this meeting: the topics they wrote on their page
    since the meeting before it (or since the case opened)."""
    earlier = (
        meeting.case.meetings.filter(starts_at__lt=meeting.starts_at)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    topics = meeting.case.relay_entries.filter(
        kind=RelayEntry.Kind.FAMILY_TOPIC, at__lte=meeting.starts_at
    )
    if earlier is not None:
        topics = topics.filter(at__gt=earlier)
    return list(topics.order_by("at", "id"))


def child_words_since(measure: Measure) -> list[RelayEntry]:
    """The child's own words the family wrote on their page since the measure began: what the
    evaluation hears the child through."""
    return list(
        measure.case.relay_entries.filter(
            kind=RelayEntry.Kind.CHILD_WORDS, at__date__gte=measure.starts_on
        ).order_by("at", "id")
    )
