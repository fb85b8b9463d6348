"""Who may see a case, and what they may do to it: one rule, in one module.

The rule has two forms, kept equal by tests/cases/test_access.py:
- "which cases": `visible_cases(user)` asks it of each case row (what one case, a filter or an
  aggregate needs), and `visible_branches(user)` gives the same set as a union of sets each
  read from its own index (what a long list, paged by keyset, needs);
- "may this user do X to this case": `may(user, action, case)`, which is seeing the case (the
  same rule) and the action's own condition from `RULES`.

The functions that grant a read by id (`case_for_read`, `case_for_action`, `case_for_export`)
answer 404 and note a refusal when the case is not visible, 403 and a refusal when it is
visible but the action is not allowed, and write the read's (or the export's) audit event:
reads are audited by the policy that grants them.
"""

import functools
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bts import audit
from bts.audit import record, refuse
from bts.models import Role, User
from bts.selectors import served_municipality_ids, user_memberships
from levels.language import municipality_enter
from levels.words import word_lazy

from .case_page import case_page, sections_json
from .events import CaseAudit
from .grants import granted_q
from .models import Case, CaseUserGrant, ChildProtectionReport, Consent, Involvement

# Familiehjelpa's team leader leads familiehjelpa as a service leader leads theirs.
LEADING_ROLES = (Role.LEADER, Role.FAMILIEHJELPA_LEADER)


class Action(StrEnum):
    """What a user may do with cases. REGISTER, LIST and REASSIGN_ALL are not about one case."""

    REGISTER = "register"  # register an undring (for a service one works in)
    LIST = "list"  # have a list of the cases one sees
    READ = "read"  # the case page, its fragments and documents
    REPORT = "report"  # report to barnevern
    WORK_ON = "work_on"  # notes, concerns, consents, services, steps, meetings, measures
    DECIDE = "decide"  # the level's decisions (a proposal, where the guide has the leader decide)
    CONFIRM_DECISION = "confirm_decision"  # confirm the holder's proposal, where the leader decides
    HAND_OVER = "hand_over"  # pass the case on to another holder
    SET_COORDINATION = "set_coordination"  # the coordination of nivå 3
    SEE_ACCESS_LOG = "see_access_log"  # who has read and changed the case, and its exports
    REASSIGN_ALL = "reassign_all"  # move a departing employee's open cases (not about one case)


class Who(StrEnum):
    SEES = "sees"  # everyone the rule lets see the case
    HOLDER = "holder"  # the one responsible for it
    LEADER = "leader"  # a leader of the service that owns it


@dataclass(frozen=True)
class Rule:
    who: frozenset[Who]
    open_only: bool = False  # only while the case is open


_HOLDER_OR_LEADER = frozenset({Who.HOLDER, Who.LEADER})

# Every action on a case needs seeing the case first; this is what it needs besides.
RULES: dict[Action, Rule] = {
    Action.READ: Rule(frozenset({Who.SEES})),
    # The duty to report to barnevern is everyone's who sees the case, at every level, closed too.
    Action.REPORT: Rule(frozenset({Who.SEES})),
    Action.WORK_ON: Rule(_HOLDER_OR_LEADER, open_only=True),
    # Decisions are taken by the one responsible for the undring together with the leader.
    Action.DECIDE: Rule(_HOLDER_OR_LEADER, open_only=True),
    Action.CONFIRM_DECISION: Rule(frozenset({Who.LEADER}), open_only=True),
    # The holder passes the case on; their leader may too (e.g. when someone leaves).
    Action.HAND_OVER: Rule(_HOLDER_OR_LEADER, open_only=True),
    Action.SET_COORDINATION: Rule(_HOLDER_OR_LEADER, open_only=True),
    # Leaders review who has read and changed their service's cases.
    Action.SEE_ACCESS_LOG: Rule(frozenset({Who.LEADER})),
}


# --- Who the user is, as the rule needs it -----------------------------------------------------


def led_service_ids(user: User) -> list[int]:
    return [m.service_id for m in user_memberships(user) if m.role in LEADING_ROLES]


def case_services(user: User) -> list[int]:
    """Services a user may register an undring for (where they work as employee or leader)."""
    return [m.service_id for m in user_memberships(user) if m.role in (Role.EMPLOYEE, Role.LEADER)]


@dataclass(frozen=True)
class Scope:
    """What every form of the rule starts from: the services the user works in and leads, and
    the municipalities those services serve, as groups of (services, municipalities) with the
    same served municipalities (usually one group)."""

    own: tuple[int, ...]
    led: tuple[int, ...]
    areas: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = ()

    def served(self, services) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
        """The groups narrowed to `services` (dropping the groups left empty)."""
        wanted = set(services)
        narrowed = ((tuple(s for s in group if s in wanted), area) for group, area in self.areas)
        return tuple((group, area) for group, area in narrowed if group)


def _scope(user: User) -> Scope | None:
    """None when the user sees no case: not logged in, deactivated, or in no service."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    services = {m.service_id: m.service for m in user_memberships(user) if m.service_id}
    if not services:
        return None
    groups: dict[tuple[int, ...], list[int]] = {}
    for service_id, service in sorted(services.items()):
        groups.setdefault(served_municipality_ids(service), []).append(service_id)
    areas = tuple(sorted((tuple(ids), area) for area, ids in groups.items()))
    return Scope(tuple(sorted(services)), tuple(sorted(led_service_ids(user))), areas)


def _in_area(scope: Scope, services, field: str) -> Q:
    """`field` (e.g. "owner_service_id") is one of `services`, and the case's municipality one
    they serve: a service taken off a municipality's list sees none of its cases from then on."""
    q = Q(pk__in=[])
    for group, area in scope.served(services):
        q |= Q(**{f"{field}__in": group, "municipality_id__in": area})
    return q


# --- "Which cases": the rule asked of each case ------------------------------------------------


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


def _access_q(user_id: int, scope: Scope) -> Q:
    # Taking part (registered, holds, offered, follows, meeting, measure, nivå 3 role: the
    # per-case grant, see cases.grants) counts only while the user works in a service that is
    # in the case: the owner, or one involved under an active consent. Withdrawal, expiry or
    # leaving the service ends access at once, with no event needed.
    # Every way in is through a service, and counts only for the municipalities it serves.
    in_case_service = _in_area(scope, scope.own, "owner_service_id")
    for group, area in scope.served(scope.own):
        involved = covered_involvements().filter(case=OuterRef("pk"), service_id__in=group)
        in_case_service |= Exists(involved) & Q(municipality_id__in=area)
    access = granted_q(user_id) & in_case_service
    for group, area in scope.served(scope.led):
        involved_under_consent = covered_involvements().filter(
            case=OuterRef("pk"), service_id__in=group
        )
        reported_to = ChildProtectionReport.objects.filter(
            case=OuterRef("pk"), received_by_id__in=group
        )
        access |= Q(municipality_id__in=area) & (
            Q(owner_service_id__in=group) | Exists(involved_under_consent) | Exists(reported_to)
        )
    return access


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
    return Case.objects.filter(_access_q(user.pk, scope))


def visible_case(user: User, pk: int) -> QuerySet[Case]:
    """The one case `pk`, if this user may see it (what every case page and fragment asks):
    `visible_cases(user).filter(pk=pk)`, with the rule's SQL from the cache below."""
    scope = _scope(user)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(_compiled_rule(user.pk, scope, timezone.localdate()), pk=pk)


def case_visible_q(user: User, field: str = "case") -> Q:
    """ "The case `field` points to is one the user may see", asked row by row: for filtering a
    few rows that point to cases (an inquiry's links, say), where `field__in=visible_cases`
    would have the database consider every case first."""
    return Q(Exists(visible_cases(user).filter(pk=OuterRef(field))))


# --- "Which cases": the same rule as a union, for long lists -----------------------------------


@dataclass(frozen=True)
class Branch:
    """One set of visible cases: rows of `rows`, whose case is reached through `prefix`."""

    rows: QuerySet
    prefix: str  # "" when the rows are cases, "case__" when they point to one

    @property
    def case_id(self) -> str:
        return f"{self.prefix}id" if self.prefix else "pk"


def visible_branches(user: User) -> list[Branch]:
    """`visible_cases` as a union of sets, each read from its own index: the cases taking part
    in which the user's service is the owner, or involved under consent; and for a leader,
    each led service's own cases, those involving a led service under consent, and those
    reported to it. What a list of many cases is made from (each branch gives its own first
    page in index order); tests keep it equal to `visible_cases`."""
    scope = _scope(user)
    return [] if scope is None else _branches(user.pk, scope)


def _branches(user_id: int, scope: Scope) -> list[Branch]:
    granted = CaseUserGrant.objects.filter(
        user=user_id,
        permission__codename="view_case",
        permission__content_type__app_label="cases",
    ).values("content_object_id")
    branches = []
    for group, area in scope.served(scope.own):
        branches += [
            Branch(
                Case.objects.filter(
                    pk__in=granted, owner_service_id__in=group, municipality_id__in=area
                ),
                "",
            ),
            Branch(
                covered_involvements().filter(
                    service_id__in=group, case__in=granted, municipality_id__in=area
                ),
                "case__",
            ),
        ]
    for group, area in scope.served(scope.led):
        branches += [
            Branch(Case.objects.filter(owner_service_id=s, municipality_id__in=area), "")
            for s in group
        ]
        branches += [
            Branch(
                covered_involvements().filter(service_id__in=group, municipality_id__in=area),
                "case__",
            ),
            Branch(
                ChildProtectionReport.objects.filter(
                    received_by_id__in=group, municipality_id__in=area
                ),
                "case__",
            ),
        ]
    return branches


def visible_page(
    user: User, *, size: int, status="", level=None, service_id=None, cursor=None
) -> list[tuple]:
    """(id, last activity) of a page of visible cases, most recently active first, from
    `cursor` (last activity, id) on, with one row more than `size` when there is a next page:
    each branch's first page in its index's order, united and ordered once more, so a page
    costs the same however many cases the user sees. Its SQL comes from the cache below."""
    scope = _scope(user)
    if scope is None:
        return []
    sql, params = _compiled_page(
        user.pk, scope, timezone.localdate(), size, status, level, service_id, cursor
    )
    with connection.cursor() as db:
        db.execute(sql, params)
        return db.fetchall()


def _page_rows(user_id: int, scope: Scope, size, status, level, service_id, cursor) -> QuerySet:
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
        .values_list(b.case_id, f"{b.prefix}last_activity_at")[: size + 1]
        for b in _branches(user_id, scope)
    ]
    union = firsts[0].union(*firsts[1:]).order_by("-last_activity_at", "-pk")
    return union[: size + 1]


def visible_case_ids(user: User) -> QuerySet:
    """The ids of `visible_cases(user)`, from `visible_branches`."""
    branches = [b.rows.values_list(b.case_id, flat=True) for b in visible_branches(user)]
    if not branches:
        return Case.objects.none().values_list("pk", flat=True)
    return branches[0].union(*branches[1:])


# --- "May this user do X" ----------------------------------------------------------------------


def _sees(user: User, case: Case) -> bool:
    """The rule asked of one loaded case. A case read through this policy was seen by it in
    the same request (the user object lives for one request), so it costs no second query."""
    if case.pk in _seen(user):
        return True
    if not visible_case(user, case.pk).exists():
        return False
    _mark_seen(user, case)
    return True


def _seen(user: User) -> set[int]:
    # Kept on the user object, as its memberships are (bts.selectors.user_memberships).
    if not hasattr(user, "_bts_seen_case_ids"):
        user._bts_seen_case_ids = set()
    return user._bts_seen_case_ids


def _mark_seen(user: User, case: Case) -> Case:
    _seen(user).add(case.pk)
    return case


def may(user: User, action: Action, case: Case | None = None) -> bool:
    """Whether `user` may do `action` (to `case`, for the actions on one case)."""
    scope = _scope(user)
    if action == Action.REGISTER:
        return bool(case_services(user))
    if action == Action.LIST:
        # Everyone who works in a service has a list of the cases they see (municipal roles
        # see no case, only aggregates).
        return scope is not None
    if action == Action.REASSIGN_ALL:
        return bool(led_service_ids(user))
    if scope is None or case is None or not _sees(user, case):
        return False
    rule = RULES[action]
    if rule.open_only and not case.is_open:
        return False
    return (
        Who.SEES in rule.who
        or (Who.HOLDER in rule.who and case.responsible_id == user.pk)
        or (Who.LEADER in rule.who and case.owner_service_id in scope.led)
    )


_DENIED = {
    Action.REGISTER: (
        "register",
        format_lazy(
            gettext_lazy("Du er ikke ansatt i en tjeneste som kan registrere {concern}."),
            concern=word_lazy("concern"),
        ),
    ),
    Action.LIST: ("list", gettext_lazy("Saker er for dem som arbeider i en tjeneste.")),
    Action.REASSIGN_ALL: ("reassign_all", gettext_lazy("Bare ledere kan overføre andres saker.")),
}


def require(user: User, action: Action) -> None:
    """For the actions not about one case: a 403 and a noted refusal unless `may`."""
    detail, message = _DENIED[action]
    audit.require(may(user, action), detail=detail, message=str(message))


# --- Reads granted by id, audited here ---------------------------------------------------------


def case_or_404(user: User, pk: int, *, related: tuple[str, ...] = ()) -> Case:
    """The case row (with `related` rows joined) if the user may see it; otherwise a 404, noted
    as a refused attempt. Writes no read event: for the callers that write the event of what
    they do with it."""
    cases = visible_case(user, pk)
    case = (cases.select_related(*related) if related else cases).first()
    if case is None:
        refuse(case_id=pk, detail="not_visible")
        raise Http404
    return _granted(user, case)


def _granted(user: User, case: Case) -> Case:
    """A case granted by id: the rest of the request works for its municipality (its guide,
    words and language form)."""
    municipality_enter(case.municipality_id)
    return _mark_seen(user, case)


def case_with_sections(user: User, pk: int) -> Case | None:
    """The visible case `pk` with what its page shows (cases.case_page), in one query."""
    return case_page(visible_case(user, pk), sections=dict(_compiled_sections()))


def case_for_read(user: User, pk: int, *, detail: str = "") -> Case:
    """The case with what its page shows, read in one query, and one audit event for the read."""
    case = case_with_sections(user, pk)
    if case is None:
        refuse(case_id=pk, detail="not_visible")
        raise Http404
    record(kind=CaseAudit.CASE_VIEWED, actor=user, case_id=case.pk, detail=detail)
    return _granted(user, case)


def case_for_action(
    user: User,
    pk: int,
    action: Action,
    *,
    detail: str,
    audit_read: bool,
    related: tuple[str, ...] = (),
) -> Case:
    """A case the user may do `action` to. `audit_read`: the request only shows it (a form), so
    this is a read and is audited as one here; a change is audited by the service that makes it
    (or as a read, by its caller, when the form comes back)."""
    case = case_or_404(user, pk, related=related)
    if not may(user, action, case):
        refuse(case_id=case.pk, detail=detail)
        raise PermissionDenied(_("Du kan ikke endre denne saken."))
    if audit_read:
        record(kind=CaseAudit.CASE_VIEWED, actor=user, case_id=case.pk, detail=detail)
    return case


def case_for_export(user: User, pk: int, action: Action, *, detail: str) -> Case:
    """A case the user may export from; the export is its one audit event (not a page read)."""
    case = case_or_404(user, pk)
    if not may(user, action, case):
        refuse(case_id=case.pk, detail=detail)
        raise PermissionDenied(_("Du kan ikke hente dette fra saken."))
    record(kind=CaseAudit.DOCUMENT_EXPORTED, actor=user, case_id=case.pk, detail=detail)
    return case


# --- The one cache: the rule's and the case page's SQL, compiled once ----------------------------
# Compiling the rule's subqueries and the case page's JSON sections costs Django more than
# running them (measured in docs/decisions/0055). Their SQL depends only on the user, their
# services and the day (consents expire by the day), so it is compiled once per those and kept
# as expressions over the case table, used only at the top level of a query on Case (inside
# another query Django would rename the table). tests/cases/test_access.py holds the queries
# built from them to the ones the ORM compiles fresh, so a change in Django's output fails there.


@functools.lru_cache(maxsize=512)
def _compiled_rule(user_id: int, scope: Scope, today: date) -> RawSQL:
    query = Case.objects.filter(_access_q(user_id, scope)).query
    sql, params = query.where.as_sql(query.get_compiler("default"), connection)
    return _raw(sql, params, BooleanField())


@functools.cache
def _compiled_sections() -> tuple[tuple[str, RawSQL], ...]:
    query = Case.objects.annotate(**sections_json()).query
    compiler = query.get_compiler("default")
    compiled = []
    for name, annotation in query.annotations.items():
        sql, params = compiler.compile(annotation)
        compiled.append((name, _raw(sql, params, annotation.output_field)))
    return tuple(compiled)


def _raw(sql: str, params, output_field) -> RawSQL:
    # The ORM's own SQL for our querysets, with its parameters kept apart.
    return RawSQL(sql, tuple(params), output_field=output_field)  # noqa: S611


@functools.lru_cache(maxsize=256)
def _compiled_page(user_id, scope, today, size, status, level, service_id, cursor):
    sql, params = _page_rows(
        user_id, scope, size, status, level, service_id, cursor
    ).query.sql_with_params()
    return sql, tuple(params)
