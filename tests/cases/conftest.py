import datetime as dt

import pytest

from bts.models import Role
from cases import services
from tests.factories import ServiceFactory
from tests.journey import decide, to_decision_step

__all__ = ["decide", "to_decision_step"]


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
