import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bts.models import Role, Service
from cases import services as case_services
from cases.models import Case
from familiehjelpa import services
from familiehjelpa.models import Inquiry
from tests.factories import ServiceFactory
from tests.journey import decide, to_decision_step

__all__ = ["to_decision_step"]

ORAL = services.ConsentData(
    form="oral",
    information=("wellbeing", "family"),
    oral_note="Mor samtykket på telefon til kontaktlæreren 2. desember; formålet ble forklart.",
)


@pytest.fixture
def fh(db):
    return ServiceFactory(name="Familiehjelpa", kind=Service.Kind.FAMILIEHJELPA)


@pytest.fixture
def school(db):
    return ServiceFactory(name="Eikebakken skole", kind=Service.Kind.SCHOOL)


@pytest.fixture
def health(db):
    return ServiceFactory(name="Helsestasjonen", kind=Service.Kind.HEALTH_STATION)


@pytest.fixture
def team_leader(make_user, fh):
    return make_user(Role.FAMILIEHJELPA_LEADER, service=fh, first_name="Siri", last_name="Haugen")


@pytest.fixture
def contact(make_user, fh):
    return make_user(Role.FAMILY_CONTACT, service=fh, first_name="Ole", last_name="Bakke")


@pytest.fixture
def other_contact(make_user, fh):
    return make_user(Role.FAMILY_CONTACT, service=fh, first_name="Kari", last_name="Lund")


@pytest.fixture
def teacher(make_user, school):
    return make_user(Role.EMPLOYEE, service=school, first_name="Per", last_name="Lærer")


@pytest.fixture
def rektor(make_user, school):
    return make_user(Role.LEADER, service=school, first_name="Hanne", last_name="Lie")


def new_child(
    first="Emma",
    last="Hansen",
    born=dt.date(2015, 3, 14),
    guardians=("Lise Hansen",),
    confirmed_new=True,
):
    """A new child. Tests register children on purpose, so by default as one the user has
    confirmed is not among the children like it (test_audit.py tests that check)."""
    return services.NewChild(
        child=case_services.ChildData(first, last, born),
        guardians=tuple(case_services.GuardianData(g, "mor") for g in guardians),
        confirmed_new=confirmed_new,
    )


@pytest.fixture
def register(guide, team_leader, fh, school):
    """Register an inquiry through the service, as the team leader does on the phone."""

    def make(**overrides) -> Inquiry:
        data = {
            "user": team_leader,
            "service": fh,
            "received_at": timezone.now(),
            "channel": Inquiry.Channel.PHONE,
            "source": Inquiry.Source.FAMILY,
            "caller": services.Caller("Lise Hansen", "mor", "90000000"),
            "about": "Emma vil ikke på skolen, og mor trenger hjelp til å få oversikt.",
        }
        return services.inquiry_register(**(data | overrides))

    return make


@pytest.fixture
def school_inquiry(register, school):
    """A call from the school on the family's behalf, with the family's oral consent: a new
    child, a new case owned by familiehjelpa, the school in it under the consent."""
    return register(
        source=Inquiry.Source.SERVICE,
        referring_service=school,
        caller=services.Caller("Per Lærer", "kontaktlærer", "91111111"),
        child=new_child(),
        consent=ORAL,
    )


def raise_to(case: Case, user, level: int) -> Case:
    """Decide the case up to `level` (consent and another service must be in place for 2+)."""
    while case.level < level:
        decide(case, user, case.level + 1, reason="Drøftet med leder.")
        case.refresh_from_db()
    return case


@pytest.fixture
def school_case(guide, teacher, school, health, fh):
    """The school's case about Jonas at nivå 2, the health station in under consent, and the
    family's consent covering familiehjelpa too (not yet in the case)."""
    child = case_services.child_create(
        user=teacher,
        child=case_services.ChildData("Jonas", "Berg", dt.date(2014, 5, 2)),
        guardians=[case_services.GuardianData("Anne Berg", "mor")],
    )
    case = case_services.case_open(
        user=teacher,
        service=school,
        child=child,
        concern=case_services.ConcernData(
            observation="Mye fravær.", observed_on=timezone.localdate(), setting="Skolen", worry=3
        ),
    )
    case = raise_to(case, teacher, 1)
    case_services.consent_record(
        case=case,
        user=teacher,
        services=[health, fh],
        guardians=list(child.guardians.all()),
        information=["wellbeing", "health"],
        form="oral",
        oral_note="Mor samtykket i møte.",
        purpose="Samarbeid om Jonas",
        given_on=timezone.localdate(),
    )
    case_services.service_involve(case=case, user=teacher, service=health)
    return raise_to(case, teacher, 2)


@pytest.fixture
def world(school_inquiry, team_leader, contact, fh, school):
    return SimpleNamespace(
        inquiry=school_inquiry,
        case=school_inquiry.links.get().case,
        team_leader=team_leader,
        contact=contact,
        fh=fh,
        school=school,
    )
