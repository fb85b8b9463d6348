"""Reads of familiehjelpa's records, always scoped by the user (`access.visible_inquiries`).

A child's name, level and case come from the case, through `cases.access.visible_cases`:
an inquiry linked to a case the user no longer sees (consent withdrawn) shows no child.
Lists have fixed query counts: per-row values come as subqueries and prefetches, never a query
per row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from bts.models import Role, Service, User
from bts.selectors import served_municipality_ids, services_serving, serving_q
from cases.access import case_visible_q, visible_cases
from cases.models import Case, Child, Consent, Meeting
from cases.selectors import people_in_services, possible_duplicates

from . import rules
from .access import contact_services, led_services, visible_inquiries
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

BOARD_COLUMN = 25  # cards shown per column; the column says how many more there are
HISTORY_PAGE = 50


def visible_links(user: User) -> Prefetch:
    """The inquiry's children: only those whose case the user may see, with the child."""
    return Prefetch(
        "links",
        queryset=InquiryCase.objects.filter(case_visible_q(user))
        .select_related("case__child", "case__owner_service")
        .order_by("linked_at", "id"),
        to_attr="visible_links",
    )


def linked_cases(user: User, inquiry: Inquiry) -> QuerySet[Case]:
    """The inquiry's cases the user may see (and so may write the inquiry's work into)."""
    return visible_cases(user).filter(
        Exists(InquiryCase.objects.filter(inquiry=inquiry, case=OuterRef("pk")))
    )


def open_linked_cases(user: User, inquiry: Inquiry) -> QuerySet[Case]:
    """The inquiry's open cases the user may see, with their child (the barneteam's choices)."""
    return (
        linked_cases(user, inquiry)
        .filter(status=Case.Status.OPEN)
        .select_related("child")
        .order_by("pk")
    )


def visible_case_links(user: User, inquiry: Inquiry) -> QuerySet[InquiryCase]:
    """The inquiry's links to cases the user may see (the children the reply letter names)."""
    return inquiry.links.filter(case_visible_q(user))


def familiehjelpa_services(municipality_id: int) -> QuerySet[Service]:
    """The familiehjelpa services serving the municipality (a case's, for a referral)."""
    return services_serving(municipality_id).filter(kind=Service.Kind.FAMILIEHJELPA)


def led_service(user: User) -> Service | None:
    """The familiehjelpa the team leader registers inquiries in (the first, by name)."""
    return Service.objects.filter(pk__in=led_services(user)).order_by("name").first()


def phone_service(user: User) -> Service | None:
    """The familiehjelpa whose drøftingstelefon the user answers."""
    ids = led_services(user) or contact_services(user)
    return Service.objects.filter(pk__in=ids).order_by("name").first()


def _serving_where(service: Service | None) -> QuerySet[Service]:
    """The active services serving the municipalities `service` serves, by name."""
    if service is None:
        return Service.objects.none()
    served = served_municipality_ids(service)
    return Service.objects.filter(serving_q(served), is_active=True).order_by("name")


def referring_services(user: User) -> QuerySet[Service]:
    """The services that may turn to familiehjelpa on a family's behalf: those serving the
    municipalities of the familiehjelpa the user registers inquiries in."""
    return _serving_where(led_service(user)).exclude(kind=Service.Kind.FAMILIEHJELPA)


def services_to_invite(inquiry: Inquiry) -> QuerySet[Service]:
    """The other services a conversation with the family may invite: those serving the
    municipalities the inquiry's familiehjelpa serves."""
    return _serving_where(inquiry.service).exclude(pk=inquiry.service_id)


# --- The board ------------------------------------------------------------------------------------


@dataclass
class Column:
    state: str
    label: str
    cards: list[Inquiry]
    count: int

    @property
    def more(self) -> int:
        return max(self.count - len(self.cards), 0)


def _card_annotations(qs: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    """What the move conditions of a card need, as EXISTS subqueries (no row fan-out)."""
    return qs.annotate(
        has_conversation=Exists(Conversation.objects.filter(inquiry=OuterRef("pk"))),
        on_child_team_agenda=Exists(ChildTeamItem.objects.filter(inquiry=OuterRef("pk"))),
    )


def board(user: User) -> list[Column]:
    """The team leader's inquiries by state: the longest waiting first in each working column,
    the most recently closed first among the closed. At most BOARD_COLUMN cards per column
    (a window over the states, so one query for all working columns), and the full counts."""
    mine = Inquiry.objects.filter(service_id__in=led_services(user))
    counts = dict(mine.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    working = _card_annotations(
        mine.exclude(state=Inquiry.State.CLOSED).annotate(
            position=Window(
                RowNumber(), partition_by=[F("state")], order_by=[F("received_at"), F("id")]
            )
        )
    ).filter(position__lte=BOARD_COLUMN)
    closed = _card_annotations(mine.filter(state=Inquiry.State.CLOSED)).order_by(
        "-state_changed_at", "-id"
    )[:BOARD_COLUMN]
    related = ("referring_service", "family_contact")
    cards = [
        *working.select_related(*related).order_by("received_at", "id"),
        *closed.select_related(*related),
    ]
    prefetch_related_objects(cards, visible_links(user))  # one query for every card's children
    by_state: dict[str, list[Inquiry]] = {s: [] for s in Inquiry.State.values}
    for card in cards:
        by_state[card.state].append(card)
    return [
        Column(state, label, by_state[state], counts.get(state, 0))
        for state, label in Inquiry.State.choices
    ]


def card_moves(inquiry: Inquiry) -> list[dict]:
    """The moves the table allows from the card's state, each as a button (nothing more is
    needed, or the condition is met), a reason form, or a link to the form that meets it."""
    facts = rules.Facts(
        has_conversation=inquiry.has_conversation,
        has_family_contact=inquiry.family_contact_id is not None,
        on_child_team_agenda=inquiry.on_child_team_agenda,
    )
    moves = []
    for move in rules.moves_from(inquiry.state):
        if move.condition == rules.REASON:
            kind = "reason"
        elif facts.meets(move.condition):
            kind = "button"
        else:
            kind = "link"
        moves.append(
            {"to": move.to_state, "label": move.label, "kind": kind, "needs": move.condition}
        )
    return moves


# --- One inquiry ----------------------------------------------------------------------------------


def with_page(user: User) -> Callable[[QuerySet[Inquiry]], QuerySet[Inquiry]]:
    """What the inquiry's page shows, loaded with it (for `access.inquiry_for`)."""

    def shape(qs: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
        return (
            _card_annotations(qs)
            .select_related(
                "service", "referring_service", "family_contact", "registered_by", "mapping"
            )
            .prefetch_related(
                visible_links(user),
                Prefetch(
                    "conversations",
                    queryset=Conversation.objects.prefetch_related("invited_services"),
                ),
                Prefetch(
                    "child_team_items",
                    queryset=ChildTeamItem.objects.select_related(
                        "meeting", "decided_service", "offered_to", "case__child"
                    ).filter(case_visible_q(user)),
                    to_attr="visible_child_team_items",
                ),
            )
            .annotate(
                duken_latest=Subquery(
                    DukenVersion.objects.filter(inquiry=OuterRef("pk"))
                    .order_by("-number")
                    .values("number")[:1]
                )
            )
        )

    return shape


def inquiry_detail(user: User, pk: int) -> Inquiry:
    """One visible inquiry with what its page shows; raises Inquiry.DoesNotExist otherwise."""
    return with_page(user)(visible_inquiries(user)).get(pk=pk)


def mapping_of(inquiry: Inquiry) -> Mapping | None:
    return Mapping.objects.filter(inquiry=inquiry).select_related("updated_by").first()


def history(inquiry: Inquiry) -> list[InquiryEvent]:
    """The newest HISTORY_PAGE events of the inquiry's own history."""
    return list(inquiry.events.select_related("actor").order_by("-at", "-id")[:HISTORY_PAGE])


def duken_versions(inquiry: Inquiry) -> list[DukenVersion]:
    """Every saved version, newest first, without their text (the history list)."""
    return list(
        inquiry.duken_versions.select_related("saved_by")
        .only("id", "inquiry_id", "number", "saved_at", "held_on", "saved_by")
        .order_by("-number")
    )


def duken_latest(inquiry: Inquiry) -> DukenVersion | None:
    return inquiry.duken_versions.select_related("saved_by").order_by("-number").first()


def children_like(
    user: User, *, first_name: str, last_name: str, birth_date: date | None
) -> list[Child]:
    """Children the user sees with this name and birth date: a new child may be one of them."""
    return list(
        possible_duplicates(
            user,
            national_id="",
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
        )
    )


def has_active_consent_for(case: Case, service: Service) -> bool:
    return case.consents.filter(Consent.active_q(), services=service).exists()


# --- Family contacts ------------------------------------------------------------------------------


def contact_pool(service: Service) -> QuerySet[User]:
    """The family contacts of the service, each with how many open inquiries they follow now."""
    open_load = (
        Inquiry.objects.filter(family_contact=OuterRef("pk"))
        .exclude(state=Inquiry.State.CLOSED)
        .order_by()
        .values("family_contact")
        .annotate(n=Count("id"))
        .values("n")
    )
    return people_in_services([service], roles=[Role.FAMILY_CONTACT]).annotate(
        caseload=Subquery(open_load)
    )


def families_for(user: User) -> list[Inquiry]:
    """The family contact's open families for the start page, with what is due: the next
    conversation, and the short- and long-term dates of the latest DUKEN."""
    now = timezone.now()
    latest = DukenVersion.objects.filter(inquiry=OuterRef("pk")).order_by("-number")
    return list(
        visible_inquiries(user)
        .filter(family_contact=user)
        .exclude(state=Inquiry.State.CLOSED)
        .annotate(
            next_conversation=Subquery(
                Conversation.objects.filter(inquiry=OuterRef("pk"), starts_at__gte=now)
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
            short_term_by=Subquery(latest.values("short_term_by")[:1]),
            long_term_by=Subquery(latest.values("long_term_by")[:1]),
            duken_saved_at=Subquery(latest.values("saved_at")[:1]),
        )
        .select_related("referring_service")
        .prefetch_related(visible_links(user))
        .order_by(F("short_term_by").asc(nulls_last=True), "received_at")[:50]
    )


def leader_summary(user: User) -> dict:
    """Open inquiries per state and the urgent new ones, for the team leader's start page."""
    led = led_services(user)
    rows = dict(
        Inquiry.objects.filter(service_id__in=led)
        .exclude(state=Inquiry.State.CLOSED)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    urgent = Inquiry.objects.filter(
        service_id__in=led, state=Inquiry.State.NEW, urgency=Inquiry.Urgency.URGENT
    ).count()
    states = [(label, rows.get(state, 0)) for state, label in Inquiry.State.choices[:-1]]
    return {"states": states, "open": sum(rows.values()), "urgent_new": urgent}


# --- Barneteam ------------------------------------------------------------------------------------


def next_child_team(user: User) -> Meeting | None:
    """The next barneteam meeting a case of the team leader's service is on (its time and place
    are the team's next meeting), or None when none is scheduled."""
    return (
        Meeting.objects.filter(
            starts_at__gte=timezone.now(),
            child_team_item__inquiry__service_id__in=led_services(user),
        )
        .order_by("starts_at")
        .only("id", "starts_at", "place")
        .first()
    )


def child_team_agenda(user: User) -> list[ChildTeamItem]:
    """Undecided border cases on the barneteam's coming agenda, for the board."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    return list(
        ChildTeamItem.objects.filter(
            case_visible_q(user),
            inquiry__service_id__in=led_services(user),
            decided_at__isnull=True,
            meeting__starts_at__gte=start,
        )
        .select_related("meeting", "case__child")
        .order_by("meeting__starts_at", "id")[:20]
    )


def decision_candidates(case: Case) -> tuple[QuerySet[Service], QuerySet[User]]:
    """Services the barneteam may give the follow-up responsibility (the owner and those an
    active consent of the case covers), and the people in them who could hold the case."""
    covered = Consent.objects.filter(Consent.active_q(), case=case).values("services")
    services = Service.objects.filter(
        Q(pk=case.owner_service_id) | Q(pk__in=covered), is_active=True
    ).order_by("name")
    roles = [Role.EMPLOYEE, Role.LEADER, Role.FAMILY_CONTACT, Role.CHILD_COORDINATOR]
    return services, people_in_services(services, roles=roles)


# --- Numbers --------------------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5) over an interval: the median duration."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class MonthRow:
    month: date
    by_source: dict[str, int]
    by_channel: dict[str, int]
    advice: int

    @property
    def total(self) -> int:
        return sum(self.by_source.values())


def months_back(today: date, count: int) -> list[date]:
    """The first day of this month and of the `count - 1` months before it, oldest first."""
    months, year, month = [], today.year, today.month
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def numbers(user: User, *, months: int = 12) -> dict:
    """The team leader's numbers for the last `months` months: inquiries per month by source
    and by channel, anonymous advice calls per month, the median time from inquiry to first
    contact (by source), and open inquiries per family contact. Aggregate queries only: five,
    whatever the data."""
    led = led_services(user)
    today = timezone.localdate()
    periods = months_back(today, months)
    since = timezone.make_aware(datetime.combine(periods[0], datetime.min.time()))
    inquiries = Inquiry.objects.filter(service_id__in=led, received_at__gte=since)
    month = TruncMonth("received_at", output_field=DateField())
    grouped = (
        inquiries.annotate(month=month)
        .values("month", "source", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    advice = dict(
        AdviceCall.objects.filter(service_id__in=led, received_at__gte=since)
        .annotate(month=month)
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
        .order_by()
    )
    by_source: dict[tuple, int] = {}
    by_channel: dict[tuple, int] = {}
    for row in grouped:  # aggregated rows: at most months × sources × channels
        m = row["month"]
        by_source[m, row["source"]] = by_source.get((m, row["source"]), 0) + row["n"]
        by_channel[m, row["channel"]] = by_channel.get((m, row["channel"]), 0) + row["n"]
    rows = [
        MonthRow(
            month=m,
            by_source={s: by_source.get((m, s), 0) for s in Inquiry.Source.values},
            by_channel={c: by_channel.get((m, c), 0) for c in Inquiry.Channel.values},
            advice=advice.get(m, 0),
        )
        for m in periods
    ]
    waited = F("first_contact_at") - F("received_at")
    contacted = inquiries.filter(first_contact_at__isnull=False)
    medians = dict(
        contacted.values("source")
        .annotate(median=Median(waited))
        .values_list("source", "median")
        .order_by()
    )
    overall = inquiries.aggregate(
        median=Median(waited, filter=Q(first_contact_at__isnull=False)),
        without=Count("id", filter=Q(first_contact_at__isnull=True)),
    )
    per_contact = list(
        Inquiry.objects.filter(service_id__in=led)
        .exclude(state=Inquiry.State.CLOSED)
        .values("family_contact", "family_contact__first_name", "family_contact__last_name")
        .annotate(n=Count("id"))
        .order_by("family_contact__last_name", "family_contact__first_name")
    )
    return {
        "periods": periods,
        "rows": rows,
        "totals": MonthRow(
            month=periods[0],
            by_source={s: sum(r.by_source[s] for r in rows) for s in Inquiry.Source.values},
            by_channel={c: sum(r.by_channel[c] for r in rows) for c in Inquiry.Channel.values},
            advice=sum(r.advice for r in rows),
        ),
        "median_first_contact": overall["median"],
        "median_by_source": {s: medians.get(s) for s in Inquiry.Source.values},
        "without_first_contact": overall["without"],
        "open_per_contact": per_contact,
    }


def as_days(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)
