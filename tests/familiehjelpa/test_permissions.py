"""Who gets what on every familiehjelpa URL: a permission matrix generated from its URLconf.

Every URL pattern of the app is classified below. Each row is one request by one relation to
the inquiry (or, for the referral, to the case): the status it must get, and that nothing was
written (an empty POST proves the access check without passing any form). An inquiry is
familiehjelpa's own: to anyone who may not see it, it is a 404, exactly like a case.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, reverse
from django.utils import timezone

from bts.models import AuditEvent, Role, Service
from cases import services as case_services
from cases.events import CaseAudit
from familiehjelpa import services
from familiehjelpa import urls as fh_urls
from familiehjelpa.events import InquiryAudit
from familiehjelpa.models import Inquiry
from levels.loader import load_guide
from tests.factories import ServiceFactory, UserFactory, grant, home_municipality
from tests.family.sessions import FAMILY, family_session_key
from tests.journey import decide

from .conftest import to_decision_step
from .helpers import row_counts

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
TOOL = "tool"  # no inquiry in the URL: the team leader's tools
PHONE = "phone"  # the drøftingstelefon: whoever answers familiehjelpa's phone
INQUIRY = "inquiry"
CASE = "case"  # the referral: a case URL, by the case's own rules

# Who an inquiry URL is for, per method.
SEE = "see"  # the team leader and the family's contact
WORK = "work"  # the same, while the inquiry is open (conversations, DUKEN)
TRIAGE = "triage"  # the team leader only
HOLD = "hold"  # the case's holder and the owner service's leader


@dataclass(frozen=True)
class Route:
    kind: str
    methods: tuple[str, ...]
    who: dict[str, str] = field(default_factory=dict)
    empty_post: int = 200  # what an allowed empty POST gets: the form again, or a redirect
    audit_kind: str = InquiryAudit.INQUIRY_VIEWED
    audit_case: bool = False  # the read names the case (its id in the audit event)


def form(get: str = TRIAGE, post: str = TRIAGE, **kw) -> Route:
    return Route(INQUIRY, (GET, POST), {GET: get, POST: post}, **kw)


ROUTES: dict[str, Route] = {
    "board": Route(TOOL, (GET,)),
    "numbers": Route(TOOL, (GET,)),
    "inquiry_new": Route(TOOL, (GET, POST)),
    "advice_new": Route(PHONE, (GET, POST)),
    "refer": Route(
        CASE,
        (GET, POST),
        {GET: HOLD, POST: HOLD},
        audit_kind=CaseAudit.CASE_VIEWED,
        audit_case=True,
    ),
    "detail": Route(INQUIRY, (GET,), {GET: SEE}),
    "move": Route(INQUIRY, (POST,), {POST: TRIAGE}, empty_post=302),
    "mapping": form(SEE, TRIAGE),
    "child_add": form(),
    "conversation_new": form(WORK, WORK),
    "duken": form(SEE, WORK),
    "duken_version": Route(INQUIRY, (GET,), {GET: SEE}),
    "duken_pdf": Route(INQUIRY, (GET,), {GET: SEE}, audit_kind=CaseAudit.DOCUMENT_EXPORTED),
    "contact_assign": form(),
    "child_team_refer": form(),
    "child_team_decide": form(audit_kind=CaseAudit.CASE_VIEWED, audit_case=True),
    "reply_letter": form(SEE, TRIAGE, empty_post=302),
    "reply_letter_pdf": Route(INQUIRY, (GET,), {GET: SEE}, audit_kind=CaseAudit.DOCUMENT_EXPORTED),
}

PARAMETERS = {"pk": "inquiry", "number": "duken_number", "item_pk": "item", "case_pk": "case"}
PATTERNS = list(fh_urls.urlpatterns)
BY_NAME = {p.name: p for p in PATTERNS if isinstance(p, URLPattern)}

ANONYMOUS = "anonymous"
TEAM_LEADER = "team-leader"
CONTACT = "family-contact"  # the family's contact
OTHER_CONTACT = "other-contact"  # a family contact in the same service, not this family's
OTHER_TEAM_LEADER = "other-team-leader"  # team leader of another familiehjelpa
TEACHER = "teacher"  # holds the school's case the inquiry is about
REKTOR = "rektor"  # leads the school
MUNICIPAL_LEADER = "municipal-leader"
SYSTEM_ADMIN = "system-admin"
RELATIONS = [
    ANONYMOUS,
    FAMILY,  # a family signed in with ID-porten: no staff URL is theirs
    TEAM_LEADER,
    CONTACT,
    OTHER_CONTACT,
    OTHER_TEAM_LEADER,
    TEACHER,
    REKTOR,
    MUNICIPAL_LEADER,
    SYSTEM_ADMIN,
]
LOGIN = "login"
CHILD_NAME, ABOUT = "Fjellstuen", "Morgenene er vanskelige hjemme"
HTMX = {"HX-Request": "true", "HX-Target": "board"}
BOARD_FRAGMENT = "board[htmx]"


def expected(relation: str, name: str, method: str) -> int | str:
    if relation == FAMILY:
        return 404  # signed in with ID-porten, on a staff page: not theirs (audited)
    if relation == ANONYMOUS:
        return LOGIN
    route = ROUTES[name.removesuffix("[htmx]")]
    allowed = 200 if method == GET else route.empty_post
    # Every team leader has the tools, for their own service's inquiries.
    if route.kind == TOOL:
        return allowed if relation in (TEAM_LEADER, OTHER_TEAM_LEADER) else 403
    if route.kind == PHONE:
        phone = (TEAM_LEADER, OTHER_TEAM_LEADER, CONTACT, OTHER_CONTACT)
        return allowed if relation in phone else 403
    if route.kind == CASE:
        # The school's case, referred: familiehjelpa is in it, so its team leader and the
        # family's contact see it; only those who hold it or lead its service may refer it.
        if relation in (TEACHER, REKTOR):
            return allowed
        return 403 if relation in (TEAM_LEADER, CONTACT) else 404
    if relation not in (TEAM_LEADER, CONTACT):
        return 404  # no existence oracle: the inquiry is simply not there
    if route.who[method] == TRIAGE and relation == CONTACT:
        return 403  # sees the inquiry, but does not triage
    return allowed


def _matrix():
    rows = []
    for relation in RELATIONS:
        for pattern in PATTERNS:
            name = getattr(pattern, "name", None)
            if name not in ROUTES:
                continue  # test_every_url_is_classified fails for it
            rows += [(relation, name, m) for m in ROUTES[name].methods]
            if name == "board":
                rows.append((relation, BOARD_FRAGMENT, GET))
    return rows


MATRIX = _matrix()
GUIDE = Path(__file__).resolve().parents[2] / "fixtures" / "veiledere" / "ovre-eiker.toml"


def _user(role, service=None, **fields):
    user = UserFactory(**fields)
    grant(user, role, service)
    return user


def _build_world() -> SimpleNamespace:
    """The school's case about a child at nivå 2, referred to familiehjelpa under consent;
    the inquiry mapped, with a conversation, DUKEN, the family contact and a barneteam item."""
    load_guide(GUIDE)
    fh = ServiceFactory(name="Familiehjelpa", kind=Service.Kind.FAMILIEHJELPA)
    other_fh = ServiceFactory(name="Familiehjelpa Vest", kind=Service.Kind.FAMILIEHJELPA)
    school = ServiceFactory(name="Eikebakken skole", kind=Service.Kind.SCHOOL)
    health = ServiceFactory(name="Helsestasjonen", kind=Service.Kind.HEALTH_STATION)
    teacher = _user(Role.EMPLOYEE, school, first_name="Ragnhild", last_name="Kontaktlærer")
    leader = _user(Role.FAMILIEHJELPA_LEADER, fh, first_name="Siri")
    contact = _user(Role.FAMILY_CONTACT, fh, first_name="Ole")
    child = case_services.child_create(
        user=teacher,
        child=case_services.ChildData("Emma", CHILD_NAME, dt.date(2014, 3, 14)),
        guardians=[case_services.GuardianData("Lise Fjellstuen", "mor")],
    )
    case = case_services.case_open(
        user=teacher,
        service=school,
        child=child,
        concern=case_services.ConcernData("Fravær.", timezone.localdate(), "Skolen", 3),
    )
    for level in (1, 2):
        case = to_decision_step(case, teacher)
        if level == 2:
            case_services.consent_record(
                case=case,
                user=teacher,
                services=[health, fh],
                guardians=list(child.guardians.all()),
                information=["wellbeing"],
                form="oral",
                oral_note="Mor samtykket.",
                purpose="Samarbeid",
                given_on=timezone.localdate(),
            )
            case_services.service_involve(case=case, user=teacher, service=health)
        decide(case, teacher, level, reason="Videre.")
        case.refresh_from_db()
    inquiry = services.case_refer(case=case, user=teacher, service=fh, about=ABOUT)
    services.mapping_save(
        inquiry=inquiry, user=leader, data={"help_wanted": "Oversikt."}, version=0
    )
    services.conversation_book(
        inquiry=inquiry,
        user=leader,
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="Rådhuset",
        family_attendees="Mor",
    )
    duken = services.duken_save(
        inquiry=inquiry,
        user=leader,
        data={"plan_for": "Familien", "held_on": timezone.localdate(), "dreams": "Ro."},
        based_on=0,
    )
    services.family_contact_assign(
        inquiry=inquiry, user=leader, contact=contact, seen_state=inquiry.State.CONVERSATION
    )
    item = services.child_team_refer(
        inquiry=inquiry,
        user=leader,
        case=case,
        question="Hvem følger opp?",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place="Rådhuset",
    )
    inquiry.refresh_from_db()
    return SimpleNamespace(
        fh=fh,
        inquiry=inquiry,
        case=case,
        duken_number=SimpleNamespace(pk=duken.number),
        item=item,
        users={
            TEAM_LEADER: leader,
            CONTACT: contact,
            OTHER_CONTACT: _user(Role.FAMILY_CONTACT, fh, first_name="Kari"),
            OTHER_TEAM_LEADER: _user(Role.FAMILIEHJELPA_LEADER, other_fh, first_name="Vera"),
            TEACHER: teacher,
            REKTOR: _user(Role.LEADER, school, first_name="Hanne"),
            MUNICIPAL_LEADER: _user(Role.MUNICIPAL_LEADER, first_name="Tone"),
            SYSTEM_ADMIN: _user(Role.SYSTEM_ADMIN, first_name="Per"),
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=fast),
    ):
        world = _build_world()
        world.sessions = {}
        for relation, user in world.users.items():
            browser = Client()
            browser.force_login(user)
            world.sessions[relation] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        world.sessions[FAMILY] = family_session_key(municipality_id=home_municipality().pk)
        yield world
        transaction.set_rollback(True)


def log_in(client, world, relation):
    if relation != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[relation]


def url_for(name: str, objects, **override) -> str:
    kwargs = {}
    for key in BY_NAME[name].pattern.converters:
        assert key in PARAMETERS, f"unknown URL parameter <{key}> in familiehjelpa:{name}"
        kwargs[key] = override.get(key) or getattr(objects, PARAMETERS[key]).pk
    return reverse(f"familiehjelpa:{name}", kwargs=kwargs)


def request(client, method, url, *, htmx=False):
    if method == GET:
        return client.get(url, headers=HTMX if htmx else None)
    return client.post(url, {})


@pytest.mark.parametrize("name", [getattr(p, "name", str(p)) for p in PATTERNS])
def test_every_url_is_classified(name):
    assert name in ROUTES, f"unclassified URL: familiehjelpa:{name}"
    for key in BY_NAME[name].pattern.converters:
        assert key in PARAMETERS


def test_no_classified_url_has_disappeared():
    assert not sorted(set(ROUTES) - set(BY_NAME))


@pytest.mark.parametrize(
    ("name", "method"),
    [(n, m) for n, r in ROUTES.items() for m in (GET, POST) if m not in r.methods],
)
def test_methods_a_view_does_not_accept_are_405(client, world, name, method):
    log_in(client, world, TEAM_LEADER)
    before = row_counts()
    assert request(client, method, url_for(name, world)).status_code == 405
    assert row_counts() == before


@pytest.mark.parametrize(
    ("relation", "name", "method"), MATRIX, ids=[f"{r}-{m}-{n}" for r, n, m in MATRIX]
)
def test_permission_matrix(client, world, relation, name, method):
    log_in(client, world, relation)
    htmx = name == BOARD_FRAGMENT
    url = url_for(name.removesuffix("[htmx]"), world)
    before = row_counts()
    state = world.inquiry.state

    response = request(client, method, url, htmx=htmx)

    want, got = expected(relation, name, method), response.status_code
    where = f"{method} {url}{' (htmx)' if htmx else ''} as {relation}"
    if want == LOGIN:
        assert got == 302 and response["Location"].startswith("/logg-inn/"), where
    else:
        assert got == want, f"{where}: expected {want}, got {got}"
    assert row_counts() == before, f"{where} wrote rows"
    assert Inquiry.objects.get(pk=world.inquiry.pk).state == state
    if got in (403, 404) or relation not in (TEAM_LEADER, CONTACT, TEACHER, REKTOR):
        assert CHILD_NAME not in response.text and ABOUT not in response.text, where
    if htmx and got == 200:
        assert "<html" not in response.text and 'id="board"' in response.text


def test_a_barneteam_item_of_another_inquiry_is_404(client, world):
    log_in(client, world, TEAM_LEADER)
    other = services.inquiry_register(
        user=world.users[TEAM_LEADER],
        service=world.fh,
        received_at=timezone.now(),
        channel="phone",
        source="family",
        caller=services.Caller("Mor"),
        about="Hjelp.",
    )
    assert client.get(url_for("child_team_decide", world, pk=other.pk)).status_code == 404
    assert client.get(url_for("duken_version", world, pk=other.pk)).status_code == 404


# --- Audit completeness ---------------------------------------------------------------------------

AUDITED_READS = [
    (relation, name)
    for relation in (TEAM_LEADER, CONTACT, TEACHER)
    for name, route in ROUTES.items()
    if GET in route.methods
    and name not in ("inquiry_new", "advice_new")
    and expected(relation, name, GET) == 200
] + [(TEAM_LEADER, BOARD_FRAGMENT)]


@pytest.mark.parametrize(
    ("relation", "name"), AUDITED_READS, ids=[f"{r}-{n}" for r, n in AUDITED_READS]
)
def test_every_read_writes_exactly_one_audit_event_without_personal_data(
    client, world, relation, name
):
    log_in(client, world, relation)
    route = ROUTES[name.removesuffix("[htmx]")]
    before = AuditEvent.objects.count()
    response = request(client, GET, url_for(name.removesuffix("[htmx]"), world), htmx="[" in name)
    assert response.status_code == 200
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.kind for e in events] == [route.audit_kind], name
    event = events[0]
    assert event.actor_id == world.users[relation].pk and event.request_id
    if route.audit_case:
        assert event.case_id == world.case.pk
    elif route.kind == INQUIRY:
        assert event.detail.startswith(f"henvendelse:{world.inquiry.pk}")
    text = " ".join((event.detail, event.reason, event.role))
    for personal in ("Emma", CHILD_NAME, "Ragnhild", "Lise"):
        assert personal not in text


def test_a_change_writes_its_audit_event(client, world):
    log_in(client, world, TEAM_LEADER)
    before = AuditEvent.objects.count()
    client.post(
        url_for("move", world),
        {"to_state": "avsluttet", "seen_state": world.inquiry.state, "reason": "Ferdig."},
    )
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.kind, e.detail) for e in events] == [
        ("inquiry_changed", f"henvendelse:{world.inquiry.pk}:flytt:{world.inquiry.state}>avsluttet")
    ]
