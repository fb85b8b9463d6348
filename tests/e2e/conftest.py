"""Browser tests: Debian's chromium, driven by Playwright, against pytest-django's live server.

Playwright's sync API keeps an asyncio event loop running in the main thread for as long as
Playwright is started, and Django refuses ORM calls from a thread with a running loop
(SynchronousOnlyOperation) unless DJANGO_ALLOW_ASYNC_UNSAFE is set. pytest-playwright starts
Playwright once per session, which would leave the loop (and the need for the variable) running
through every test collected after this folder. So here Playwright and the browser live for this
package only: `playwright`, `browser_type`, `launch_browser`, `browser` and `browser_context_args`
are overridden with scope="package", and the variable is set just before Playwright starts and
restored right after it stops. Nothing of it reaches the other test folders.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserType, Page, Playwright, sync_playwright

from bts.models import Role, Service
from bts.services import membership_grant
from cases import services
from cases.models import Case, Measure, Meeting
from levels.loader import load_guide
from levels.models import Step
from tests.factories import ServiceFactory, UserFactory
from tests.journey import confirmed, to_decision_step

from .helpers import BrowserLog

CHROMIUM = "/usr/bin/chromium"
GUIDE_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "veiledere" / "ovre-eiker.toml"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


# --- Playwright, confined to this package -------------------------------------------------------


@pytest.fixture(scope="package")
def _django_orm_beside_playwright_loop() -> Iterator[None]:
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def playwright(
    _django_orm_beside_playwright_loop, _pw_api_request_contexts
) -> Iterator[Playwright]:
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Playwright cannot download its own browsers here; use Debian's chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict, browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server) -> dict:
    return {
        "base_url": live_server.url,
        "locale": "nb-NO",
        "timezone_id": "Europe/Oslo",
        "viewport": {"width": 1280, "height": 900},
    }


# --- What every browser test gets ---------------------------------------------------------------


@pytest.fixture(autouse=True)
def browser_log(page: Page) -> Iterator[BrowserLog]:
    """Collects console errors (a CSP violation is one), uncaught errors and failed requests.

    Tests call `browser_log.assert_clean()` after each page; this teardown check is the safety net
    for anything after the last call.
    """
    log = BrowserLog()
    log.attach(page)
    yield log
    log.assert_clean("at end of test")


# --- Data ---------------------------------------------------------------------------------------


@pytest.fixture
def active_guide(transactional_db):
    """Øvre Eiker's guide, loaded from the real fixture file and made active."""
    return load_guide(GUIDE_FILE)


@pytest.fixture
def ansatt(transactional_db):
    """«ansatt» (Ingrid), an employee in a kindergarten; password is tests.factories.PASSWORD."""
    kindergarten = ServiceFactory(name="Solsikken barnehage")
    user = UserFactory(username="ansatt", first_name="Ingrid", last_name="Ansatt")
    membership_grant(user=user, role=Role.EMPLOYEE, service=kindergarten)
    return user


@pytest.fixture
def leder(ansatt):
    """«leder» (Marius), leader of ansatt's kindergarten; password is tests.factories.PASSWORD."""
    kindergarten = Service.objects.get(name="Solsikken barnehage")
    user = UserFactory(username="leder", first_name="Marius", last_name="Leder")
    membership_grant(user=user, role=Role.LEADER, service=kindergarten)
    return user


@pytest.fixture
def eikebakken(transactional_db):
    """A school: another service that can be brought into a case."""
    return ServiceFactory(name="Eikebakken skole", kind=Service.Kind.SCHOOL)


# --- Cases, made through cases.services ----------------------------------------------------------


@dataclass(frozen=True)
class CaseAtLevel3:
    """A case at nivå 3 and what was made in it (see `case_at_level_3`)."""

    case: Case
    meeting: Meeting
    measure: Measure


@pytest.fixture
def emma(ansatt):
    """Emma Hansen (born 14.03.2020) with her mother as guardian, registered by ansatt."""
    return services.child_create(
        user=ansatt,
        child=services.ChildData("Emma", "Hansen", date(2020, 3, 14)),
        guardians=[services.GuardianData("Lise Hansen", "mor")],
    )


@pytest.fixture
def case_at_level_0(active_guide, ansatt, leder, emma):
    """ansatt's undring about Emma: a case at nivå 0, step 0.1, one checklist item ticked."""
    case = services.case_open(
        user=ansatt,
        service=Service.objects.get(name="Solsikken barnehage"),
        child=emma,
        concern=services.ConcernData(
            observation="Emma gråter og holder fast i mor i garderoben hver morgen.",
            observed_on=timezone.localdate(),
            setting="I garderoben ved levering",
            worry=2,
        ),
    )
    first_item = Step.objects.get(level__guide=active_guide, code=case.step_code).checklist_items[0]
    services.checklist_save(case=case, user=ansatt, step_code=case.step_code, checked={first_item})
    return case


@pytest.fixture
def case_at_level_3(case_at_level_0, ansatt, leder, eikebakken) -> CaseAtLevel3:
    """Emma's case raised to nivå 3 with Eikebakken skole (consent given), at its decision step,
    with a meeting and its referat, an evaluated measure, what nivå 3 offered, and an open offer
    of the responsibility from ansatt to leder."""
    case = case_at_level_0
    today = timezone.localdate()
    kindergarten = case.owner_service
    case = to_decision_step(case, ansatt)
    confirmed(
        services.case_decide(
            case=case,
            user=ansatt,
            to_level=1,
            reason="Undringen er vedvarende.",
            child_view="Emma sier at hun gruer seg til å bli levert.",
        )
    )
    services.consent_record(
        case=case,
        user=ansatt,
        services=[eikebakken],
        guardians=list(case.child.guardians.all()),
        information=["wellbeing"],
        form="written",
        purpose="Samarbeid med skolen om Emmas trivsel.",
        given_on=today,
    )
    services.service_involve(case=case, user=ansatt, service=eikebakken)
    case = to_decision_step(case, ansatt)
    services.case_decide(
        case=case,
        user=ansatt,
        to_level=3,
        reason="Sammensatte behov.",
        child_view="Emma vil at mor skal være med på møtene.",
    )
    case = to_decision_step(case, ansatt)
    meeting = services.meeting_invite(
        case=case,
        user=ansatt,
        kind="tverrfaglig_team",
        starts_at=timezone.now().replace(second=0, microsecond=0) - timedelta(days=1),
        place="Solsikken barnehage, møterommet",
        agenda="Hvordan har Emma det, og hva kan barnehagen og skolen gjøre sammen?",
        participants=[ansatt, leder],
        participant_services=[kindergarten, eikebakken],
        other_participants="Lise Hansen (mor)",
    )
    services.minutes_save(
        meeting=meeting,
        user=ansatt,
        data={
            "present": "Lise Hansen (mor), Ingrid Ansatt, Marius Leder",
            "child_voice": "Emma vil at en voksen hun kjenner tar imot henne.",
            "shared_understanding": "Morgenene er vanskelige for Emma.",
        },
        version=0,
    )
    measure = services.measure_add(
        case=case,
        user=ansatt,
        description="Fast voksen tar imot Emma ved levering",
        goal="Emma går inn på avdelingen uten å gråte minst fire av fem morgener.",
        location="I barnehagen",
        responsible_service=kindergarten,
        responsible_person=ansatt,
        starts_on=today - timedelta(days=14),
        evaluation_due=today + timedelta(days=14),
    )
    services.evaluation_add(
        measure=measure,
        user=ansatt,
        effect="Emma går inn uten å gråte tre av fem morgener.",
        child_experience="Emma sier at hun liker at Ingrid venter.",
        guardians_view="Mor ser at morgenene hjemme er roligere.",
        outcome="continue",
        evaluated_on=today,
        next_evaluation_due=today + timedelta(days=28),
    )
    services.wide_collaboration_save(
        case=case,
        user=ansatt,
        familiehjelpa="accepted",
        coordinator=leder,
        child_coordinator=None,
        individual_plan="not_yet",
    )
    services.handover_offer(case=case, user=ansatt, to_user=leder, message="Jeg har ferie.")
    case.refresh_from_db()
    return CaseAtLevel3(case=case, meeting=meeting, measure=measure)
