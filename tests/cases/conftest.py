import datetime as dt

import pytest

from bts.models import Role
from cases import services
from tests.factories import ServiceFactory


def concern(**overrides) -> services.ConcernData:
    data = {
        "observation": "Kom uten matpakke fire dager denne uka.",
        "observed_on": dt.date(2026, 11, 20),
        "setting": "Ved lunsj",
        "worry": 2,
    }
    return services.ConcernData(**(data | overrides))


@pytest.fixture
def make_case(guide, employee):
    """Open a case through the real services: a child, a concern, nivå 0."""

    def make(user=None, *, service=None, first_name="Emma", last_name="Hansen", **child):
        user = user or employee
        service = service or user.memberships.first().service
        registered = services.child_create(
            user=user,
            child=services.ChildData(
                first_name, last_name, child.get("birth_date", dt.date(2020, 3, 14)),
                child.get("national_id", ""),
            ),
            guardians=[services.GuardianData("Lise Hansen", "mor", email="lise@example.invalid")],
        )  # fmt: skip
        return services.case_open(user=user, service=service, child=registered, concern=concern())

    return make


@pytest.fixture
def school(db):
    return ServiceFactory(name="Eikebakken skole")


@pytest.fixture
def consent_for(employee):
    """Record an active consent covering these services in the case."""

    def record(case, *service_list, **fields):
        data = {
            "guardians": list(case.child.guardians.all()),
            "information": ["wellbeing"],
            "form": "written",
            "purpose": "Samarbeid om Emmas trivsel",
            "given_on": dt.date(2026, 11, 21),
        }
        return services.consent_record(
            case=case, user=employee, services=list(service_list), **(data | fields)
        )

    return record


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, first_name="Marius")


def to_decision_step(case, user):
    """Complete the steps of the case's level up to its decision step, as a user would."""
    from levels.models import Step

    case.refresh_from_db()
    while not Step.objects.get(level__guide__is_active=True, code=case.step_code).is_decision:
        case = services.step_complete(case=case, user=user, step_code=case.step_code, summary="")
    return case


def decide(case, user, to_level, reason="Begrunnelse.", **kwargs):
    """Walk to the decision step, then decide there."""
    case = to_decision_step(case, user)
    return services.case_decide(case=case, user=user, to_level=to_level, reason=reason, **kwargs)
