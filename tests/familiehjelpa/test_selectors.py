"""Who sees which inquiry, the board, and the numbers, counted by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bts.models import Role
from familiehjelpa import selectors, services
from familiehjelpa.access import Action, may
from familiehjelpa.models import AdviceCall, Inquiry
from tests.factories import ServiceFactory

from .conftest import ORAL, new_child

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
State = Inquiry.State


def seen(user) -> set[int]:
    return set(selectors.visible_inquiries(user).values_list("pk", flat=True))


def test_the_team_leader_sees_every_inquiry_of_their_service_and_no_other(
    register, team_leader, make_user
):
    ours = register()
    other_fh = ServiceFactory(name="Familiehjelpa Vest", kind="familiehjelpa")
    stranger = make_user(Role.FAMILIEHJELPA_LEADER, service=other_fh)
    theirs = services.inquiry_register(
        user=stranger,
        service=other_fh,
        received_at=timezone.now(),
        channel="phone",
        source="family",
        caller=services.Caller("Far"),
        about="Hjelp.",
    )
    assert seen(team_leader) == {ours.pk}
    assert seen(stranger) == {theirs.pk}


def test_a_family_contact_sees_only_the_families_they_follow(
    register, team_leader, contact, other_contact
):
    mine, not_mine = register(), register()
    for inquiry in (mine, not_mine):
        services.mapping_save(inquiry=inquiry, user=team_leader, data={}, version=0)
    services.family_contact_assign(
        inquiry=mine, user=team_leader, contact=contact, seen_state=State.MAPPING
    )
    assert seen(contact) == {mine.pk}
    assert seen(other_contact) == set()


def test_a_family_contact_who_leaves_the_service_sees_nothing(register, team_leader, contact):
    inquiry = register()
    services.mapping_save(inquiry=inquiry, user=team_leader, data={}, version=0)
    services.family_contact_assign(
        inquiry=inquiry, user=team_leader, contact=contact, seen_state=State.MAPPING
    )
    contact.memberships.update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    contact = type(contact).objects.get(pk=contact.pk)  # a new request: memberships re-read
    assert seen(contact) == set()


@pytest.mark.parametrize(
    "role", [Role.EMPLOYEE, Role.LEADER, Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN]
)
def test_nobody_outside_familiehjelpa_sees_an_inquiry(school_inquiry, make_user, school, role):
    municipal = role in (Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN)
    user = make_user(role, service=None if municipal else school)
    assert seen(user) == set()
    assert not may(user, Action.USE_BOARD) and not may(user, Action.RECORD_ADVICE)


def test_an_employee_role_in_familiehjelpa_is_not_a_team_leader(make_user, fh, school_inquiry):
    user = make_user(Role.EMPLOYEE, service=fh)
    assert seen(user) == set() and not may(user, Action.USE_BOARD)


def test_the_board_shows_a_child_only_while_its_case_is_visible(
    school_case, register, school, team_leader, teacher
):
    from cases import services as case_services

    inquiry = register(
        source="service",
        referring_service=school,
        child=services.CaseReference(school_case.pk, school_case.child.birth_date),
    )
    names = lambda: [  # noqa: E731
        str(link.case.child)
        for column in selectors.board(team_leader)
        for card in column.cards
        if card.pk == inquiry.pk
        for link in card.visible_links
    ]
    assert names() == ["Jonas Berg"]
    case_services.consent_withdraw(
        case=school_case,
        consent=school_case.consents.get(),
        user=teacher,
        withdrawn_on=timezone.localdate(),
        how="Brev",
    )
    assert names() == [], "consent withdrawn: familiehjelpa sees the inquiry, not the child"


def test_the_board_lists_each_state_oldest_first_and_counts_beyond_a_page(register, team_leader):
    now = timezone.now()
    for i in range(selectors.BOARD_COLUMN + 5):
        register(received_at=now - dt.timedelta(hours=i), about=f"Henvendelse {i}")
    columns = {c.state: c for c in selectors.board(team_leader)}
    new = columns[State.NEW]
    assert new.count == selectors.BOARD_COLUMN + 5 and new.more == 5
    assert len(new.cards) == selectors.BOARD_COLUMN
    received = [c.received_at for c in new.cards]
    assert received == sorted(received), "the longest waiting first"
    assert columns[State.MAPPING].count == 0 and columns[State.MAPPING].cards == []


def test_the_contact_pool_shows_each_contacts_open_caseload(
    register, team_leader, contact, other_contact, fh
):
    for n in range(3):
        inquiry = register()
        services.mapping_save(inquiry=inquiry, user=team_leader, data={}, version=0)
        services.family_contact_assign(
            inquiry=inquiry, user=team_leader, contact=contact, seen_state=State.MAPPING
        )
        if n == 2:
            services.inquiry_move(
                inquiry=inquiry,
                user=team_leader,
                to_state=State.CLOSED,
                seen_state=State.CONTACT_ASSIGNED,
                reason="Ferdig.",
            )
    pool = {u.pk: u.caseload for u in selectors.contact_pool(fh)}
    assert pool == {contact.pk: 2, other_contact.pk: None}


# --- Numbers --------------------------------------------------------------------------------------


def at(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=OSLO)


@pytest.fixture
def december(monkeypatch):
    """Today is 15 December 2026 in Oslo."""
    fixed = at(2026, 12, 15, 14)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed


def test_the_numbers_match_a_hand_count(register, school, team_leader, contact, fh, december):
    """Eight inquiries and three advice calls over three months, counted by hand:

    | month    | family | service | phone | e-mail | in person | advice |
    | Oct 2026 | 1      | 1       | 2     | 0      | 0         | 1      |
    | Nov 2026 | 2      | 1       | 1     | 1      | 1         | 0      |
    | Dec 2026 | 1      | 2       | 2     | 1      | 0         | 2      |

    Time to first contact: the families' inquiries are their own first contact (0 days); the
    services' at 2, 4 and 6 days (median 4); one service inquiry has had no contact yet.
    """
    rows = [
        # received, source, channel, first contact after (days) or None
        (at(2026, 10, 3), "family", "phone", 0),
        (at(2026, 10, 20), "service", "phone", 2),
        (at(2026, 11, 1, 0), "family", "email", 0),  # just after midnight in Oslo: November
        (at(2026, 11, 12), "family", "in_person", 0),
        (at(2026, 11, 30, 23), "service", "phone", 4),  # late evening: still November
        (at(2026, 12, 1), "family", "phone", 0),
        (at(2026, 12, 2), "service", "email", 6),
        (at(2026, 12, 10), "service", "phone", None),
    ]
    for received, source, channel, days in rows:
        extra = {"referring_service": school} if source == "service" else {}
        if source == "service":
            extra |= {"child": new_child(), "consent": ORAL}
        inquiry = register(received_at=received, source=source, channel=channel, **extra)
        if days is not None:
            Inquiry.objects.filter(pk=inquiry.pk).update(
                first_contact_at=received + dt.timedelta(days=days)
            )
    # An old one outside the twelve months, and one of another familiehjelpa: not counted.
    register(received_at=at(2025, 11, 30))
    other = ServiceFactory(name="Familiehjelpa Vest", kind="familiehjelpa")
    Inquiry.objects.create(
        service=other,
        received_at=at(2026, 12, 3),
        channel="phone",
        source="family",
        caller_name="X",
        about="Y",
        registered_by=team_leader,
    )
    for received in (at(2026, 10, 9), at(2026, 12, 4), at(2026, 12, 14)):
        AdviceCall.objects.create(
            service=fh,
            received_at=received,
            channel="phone",
            topics=["other"],
            registered_by=team_leader,
        )
    AdviceCall.objects.create(
        service=other, received_at=at(2026, 12, 4), channel="phone", registered_by=team_leader
    )

    data = selectors.numbers(team_leader)

    by_month = {r.month: r for r in data["rows"]}
    assert len(data["rows"]) == 12 and data["rows"][0].month == dt.date(2026, 1, 1)
    oct_, nov, dec = (by_month[dt.date(2026, m, 1)] for m in (10, 11, 12))
    assert (oct_.by_source, oct_.advice) == ({"family": 1, "service": 1}, 1)
    assert (nov.by_source, nov.advice) == ({"family": 2, "service": 1}, 0)
    assert (dec.by_source, dec.advice) == ({"family": 1, "service": 2}, 2)
    assert oct_.by_channel == {"phone": 2, "email": 0, "in_person": 0, "bts": 0}
    assert nov.by_channel == {"phone": 1, "email": 1, "in_person": 1, "bts": 0}
    assert dec.by_channel == {"phone": 2, "email": 1, "in_person": 0, "bts": 0}
    assert data["totals"].total == 8 and data["totals"].advice == 3
    assert sum(r.total for r in data["rows"]) == 8
    assert data["median_by_source"] == {"family": dt.timedelta(0), "service": dt.timedelta(days=4)}
    # All seven with a first contact: 0, 0, 0, 0, 2, 4, 6 days → median 0.
    assert data["median_first_contact"] == dt.timedelta(0)
    assert data["without_first_contact"] == 1
    # Nobody assigned yet: every open inquiry of the service counts as not assigned.
    assert [(r["family_contact"], r["n"]) for r in data["open_per_contact"]] == [(None, 9)]


def test_open_per_family_contact(register, team_leader, contact, other_contact):
    inquiries = [register() for _ in range(4)]
    for inquiry, who in zip(inquiries, [contact, contact, other_contact, None], strict=True):
        services.mapping_save(inquiry=inquiry, user=team_leader, data={}, version=0)
        if who:
            services.family_contact_assign(
                inquiry=inquiry, user=team_leader, contact=who, seen_state=State.MAPPING
            )
    rows = {r["family_contact"]: r["n"] for r in selectors.numbers(team_leader)["open_per_contact"]}
    assert rows == {contact.pk: 2, other_contact.pk: 1, None: 1}
