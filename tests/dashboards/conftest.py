"""Hand-counted worlds for the dashboards: cases made through `cases.services`, then moved to
their level, step and dates by direct row updates (the dashboards read rows, not history)."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bts.models import Role, Service
from cases import services
from cases.models import Case, Decision, Measure
from dashboards.stats import add_months
from familiehjelpa.models import Inquiry
from tests.factories import ServiceFactory, UserFactory, grant

# Names that must never reach a municipal leader.
CHILD_LAST_NAME = "Fjellstuen"
GUARDIAN_NAME = "Lise Fjellstuen"


def user_with(role: Role, service: Service | None = None, **fields):
    user = UserFactory(**fields)
    grant(user, role, service)
    return user


def open_case(
    user,
    service,
    *,
    first_name: str = "Oline",
    last_name: str = CHILD_LAST_NAME,
    municipality=None,
):
    child = services.child_create(
        user=user,
        child=services.ChildData(first_name, last_name, dt.date(2019, 5, 1)),
        municipality=municipality,
        guardians=[services.GuardianData(GUARDIAN_NAME, "mor")],
    )
    return services.case_open(
        user=user,
        service=service,
        child=child,
        concern=services.ConcernData(
            observation="Sovner ofte i samlingsstunden.",
            observed_on=timezone.localdate(),
            setting="I samlingsstunden",
            worry=2,
        ),
    )


def update(case: Case, **fields) -> Case:
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def measure(case: Case, user, *, starts_on: dt.date, evaluation_due: dt.date, **fields) -> Measure:
    made = services.measure_add(
        case=case,
        user=user,
        description="Fast voksen om morgenen",
        goal="Trives i samlingsstunden",
        location="Avdelingen",
        responsible_service=case.owner_service,
        responsible_person=user,
        starts_on=starts_on,
        evaluation_due=evaluation_due,
        idempotency_key=uuid.uuid4(),
    )
    if fields:
        Measure.objects.filter(pk=made.pk).update(**fields)
    return made


def decision(case: Case, user, *, move: str, from_level: int, to_level, at: dt.datetime):
    return Decision.objects.create(
        case=case,
        from_level=from_level,
        to_level=to_level,
        move=move,
        step_code=f"{from_level}.4",
        reason="Drøftet med leder.",
        decided_by=user,
        decided_at=at,
    )


def month_ago(months: int, day: int = 15, hour: int = 12) -> dt.datetime:
    """Noon on a day of the month `months` before this one, local time."""
    first = add_months(timezone.localdate().replace(day=1), -months)
    return timezone.make_aware(dt.datetime(first.year, first.month, day, hour))


@pytest.fixture
def kindergarten_world(guide, kindergarten):
    """Solsikken barnehage's open cases, counted by hand (N = 30 days for inactivity):

    A  nivå 0, 0.1, decision due 3 days ago (over deadline), untouched for 40 days (inactive)
    B  nivå 0, 0.2, decision due in 5 days, untouched for 31 days (inactive)
    C  nivå 1, 1.3, an active measure 1 day past its evaluation date, touched 29 days ago
    D  nivå 1, 1.3, a measure due in 10 days, and an ended one long past its date
    E  nivå 3, 3.1, responsibility offered to Tone, who has not answered
    and, not counted: F closed at nivå 3; G closed at nivå 0 past its deadline; H at the school,
    nivå 0 past its deadline; I at the school, nivå 3.
    """
    today, now = timezone.localdate(), timezone.now()
    school = ServiceFactory(name="Eikebakken skole", kind=Service.Kind.SCHOOL)
    ingrid = user_with(Role.EMPLOYEE, kindergarten, first_name="Ingrid")
    tone = user_with(Role.EMPLOYEE, kindergarten, first_name="Tone")
    per = user_with(Role.EMPLOYEE, school, first_name="Petter")
    cases = {}
    names = ["Aksel", "Bo", "Cato", "Dina", "Eli", "Frida", "Gro"]
    for key, first_name in zip("ABCDEFG", names, strict=True):
        cases[key] = open_case(ingrid, kindergarten, first_name=first_name)
    for key, first_name in zip("HI", ["Hans", "Ida"], strict=True):
        cases[key] = open_case(per, school, first_name=first_name, last_name="Skolebakken")
    update(
        cases["A"],
        decision_due=today - dt.timedelta(days=3),
        last_activity_at=now - dt.timedelta(days=40),
    )
    update(
        cases["B"],
        step_code="0.2",
        decision_due=today + dt.timedelta(days=5),
        last_activity_at=now - dt.timedelta(days=31),
    )
    measure(
        cases["C"],
        ingrid,
        starts_on=today - dt.timedelta(days=30),
        evaluation_due=today - dt.timedelta(days=1),
    )
    measure(
        cases["D"],
        ingrid,
        starts_on=today - dt.timedelta(days=5),
        evaluation_due=today + dt.timedelta(days=10),
    )
    measure(
        cases["D"],
        ingrid,
        starts_on=today - dt.timedelta(days=90),
        evaluation_due=today - dt.timedelta(days=60),
        status=Measure.Status.ENDED,
    )
    update(
        cases["C"],
        level=1,
        step_code="1.3",
        decision_due=None,
        last_activity_at=now - dt.timedelta(days=29),
    )
    update(cases["D"], level=1, step_code="1.3", decision_due=None)
    services.handover_offer(case=cases["E"], user=ingrid, to_user=tone)
    update(cases["E"], level=3, step_code="3.1", decision_due=None)
    update(cases["F"], level=3, step_code="3.1", status=Case.Status.CLOSED, closed_at=now)
    update(
        cases["G"],
        decision_due=today - dt.timedelta(days=20),
        status=Case.Status.CLOSED,
        closed_at=now,
    )
    update(cases["H"], decision_due=today - dt.timedelta(days=2))
    update(cases["I"], level=3, step_code="3.1", decision_due=None)
    return SimpleNamespace(
        kindergarten=kindergarten,
        school=school,
        cases=cases,
        ingrid=ingrid,
        leader=user_with(Role.LEADER, kindergarten, first_name="Marius"),
        school_leader=user_with(Role.LEADER, school, first_name="Rektor"),
    )


@pytest.fixture
def municipal_world(guide, kindergarten):
    """Cases of a kindergarten (K) and a school (S), counted by hand; months are counted back
    from this one (m1 = last month).

    Open now:  K nivå 0: 6 (opened m3), K nivå 1: 5 (opened m2, raised in m2, each with a
               measure starting 3, 5, 10, 12 and 20 days after the undring, decided 7–11 days
               after it); S nivå 0: 7 (opened m2); S nivå 3: 2 (opened m1, raised 2 and 4 days
               after, one of them continued later in m1).
    Closed:    K: 3 (opened m1, closed 5 days after).
    Familiehjelpa's inquiries: m2: 6 from the school and 2 from families; m1: 1 from the
               kindergarten and 4 from families.
    """
    school = ServiceFactory(name="Eikebakken skole", kind=Service.Kind.SCHOOL)
    ingrid = user_with(Role.EMPLOYEE, kindergarten, first_name="Ingrid")
    per = user_with(Role.EMPLOYEE, school, first_name="Petter")
    made = SimpleNamespace(kindergarten=kindergarten, school=school, ingrid=ingrid, per=per)

    def opened(user, service, n, *, months_ago, **fields):
        result = []
        for i in range(n):
            case = open_case(user, service, first_name=f"Oline{i}")
            result.append(update(case, opened_at=month_ago(months_ago), **fields))
        return result

    opened(ingrid, kindergarten, 6, months_ago=3)
    k1 = opened(ingrid, kindergarten, 5, months_ago=2, level=1, step_code="1.1")
    for case, days, decided in zip(k1, [3, 5, 10, 12, 20], [7, 8, 9, 10, 11], strict=True):
        start = case.opened_at.date() + dt.timedelta(days=days)
        measure(case, ingrid, starts_on=start, evaluation_due=start + dt.timedelta(days=28))
        decision(
            case,
            ingrid,
            move="raise",
            from_level=0,
            to_level=1,
            at=case.opened_at + dt.timedelta(days=decided),
        )
    opened(per, school, 7, months_ago=2)
    s3 = opened(per, school, 2, months_ago=1, level=3, step_code="3.1")
    for case, days in zip(s3, [2, 4], strict=True):
        decision(case, per, move="raise", from_level=1, to_level=3, at=month_ago(1, 15 + days))
    decision(s3[0], per, move="continue", from_level=3, to_level=3, at=month_ago(1, 25))
    closed = opened(ingrid, kindergarten, 3, months_ago=1)
    for case in closed:
        decision(case, ingrid, move="close", from_level=0, to_level=None, at=month_ago(1, 20))
        update(case, status=Case.Status.CLOSED, closed_at=month_ago(1, 20))
    familiehjelpa = ServiceFactory(name="Familiehjelpa", kind=Service.Kind.FAMILIEHJELPA)
    team_leader = user_with(Role.FAMILIEHJELPA_LEADER, familiehjelpa, first_name="Hege")
    for months_ago, referrer, n in [
        (2, school, 6),
        (2, None, 2),
        (1, kindergarten, 1),
        (1, None, 4),
    ]:
        for i in range(n):
            Inquiry.objects.create(
                service=familiehjelpa,
                received_at=month_ago(months_ago, 3 + i),
                channel=Inquiry.Channel.PHONE,
                source=Inquiry.Source.SERVICE if referrer else Inquiry.Source.FAMILY,
                referring_service=referrer,
                caller_name="Hvem som helst",
                about="Oversikt over hjelpen.",
                registered_by=team_leader,
            )
    made.municipal_leader = user_with(Role.MUNICIPAL_LEADER, first_name="Siri")
    return made
