"""Who gets what on every case URL: a permission matrix generated from `cases.urls`.

Every URL pattern of the app is classified below (register / case-read / case-write, with the
methods its view accepts). A new pattern that is not classified fails
`test_every_url_is_classified`, so no page can be added without deciding who may use it.

Each row is one request by one relation to the case: the status it must get, and that nothing
was written (an empty POST proves the access check without passing any form).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, reverse
from django.utils import timezone

from bts.models import Role
from bts.uploads import CheckedUpload
from cases import services
from cases import urls as case_urls
from cases.models import DecisionProposal, Meeting
from levels.loader import load_guide
from tests.factories import (
    MunicipalityFactory,
    ServiceFactory,
    UserFactory,
    grant,
    home_municipality,
    signed_form_pdf,
)
from tests.family.sessions import FAMILY, family_session_key
from tests.journey import decide

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
REGISTER, READ, WRITE = "register", "case-read", "case-write"
LEADER_TOOL = "leader-tool"  # no case in the URL: for leaders of a service only
CASE_LIST = "case-list"  # no case in the URL: everyone in a service, each their own cases

# Who a case URL is for, per method: "see" = everyone who sees the case (visible_cases),
# "work" = its holder and the leader of the owner service (the policies), "answer" = only the
# one offered the responsibility (the handover is looked up among offers to the user).
SEE, WORK, ANSWER = "see", "work", "answer"
LEAD = "lead"  # only the leader of the service that owns the case


@dataclass(frozen=True)
class Route:
    kind: str
    methods: tuple[str, ...]
    who: dict[str, str] = field(default_factory=dict)  # case URLs: method -> SEE/WORK/ANSWER
    empty_post: int = 200  # what an allowed, empty POST gets: the form again, or a redirect
    audit_kind: str = "case_viewed"  # what a GET of it writes in the audit log
    # The fixture's open case has no archive package yet, so the one allowed gets a 404.
    absent: bool = False


def form(who_get: str = WORK, who_post: str = WORK, kind: str = WRITE) -> Route:
    return Route(kind, (GET, POST), {GET: who_get, POST: who_post})


def action(who: str = WORK) -> Route:
    return Route(WRITE, (POST,), {POST: who}, empty_post=302)


ROUTES: dict[str, Route] = {
    # Registering an undring: no case yet.
    "new": Route(REGISTER, (GET, POST)),
    "acute": Route(REGISTER, (GET, POST)),
    "child": Route(REGISTER, (GET, POST)),  # POST keeps names out of URLs
    "child_new": Route(REGISTER, (GET, POST)),
    "concern_new": Route(REGISTER, (GET, POST)),
    "anonymous_new": Route(REGISTER, (GET, POST)),
    # The case list: no case in the URL; each user sees the cases visible_cases gives them.
    "list": Route(CASE_LIST, (GET,)),
    # A leader moves a departing employee's cases: the form lists only their own services' cases.
    "reassign_all": Route(LEADER_TOOL, (GET, POST)),
    "access_log": Route(READ, (GET,), {GET: LEAD}),
    # The family's access report (innsyn i logg) as PDF, and the log as CSV: the same leader.
    "access_report": Route(READ, (GET,), {GET: LEAD}, audit_kind="document_exported"),
    "access_log_csv": Route(READ, (GET,), {GET: LEAD}, audit_kind="document_exported"),
    # The case page and what hangs off it.
    "detail": Route(READ, (GET,), {GET: SEE}),
    # Its errors are shown next to the fields on the case page (an empty POST: the page again).
    "step_done": Route(WRITE, (POST,), {POST: WORK}, empty_post=200),
    "checklist": action(),
    # Its errors are shown next to the fields on the case page (an empty POST: the page again).
    "note_add": Route(WRITE, (POST,), {POST: WORK}, empty_post=200),
    "concern_add": form(),
    "consent_new": form(),
    "consent_withdraw": form(),
    # The signed form: a download for everyone who sees the case, audited as an export.
    "consent_document": Route(READ, (GET,), {GET: SEE}, audit_kind="document_exported"),
    # The case's documents as PDF/A, for everyone who sees the case (audited as exports) …
    "minutes_pdf": Route(READ, (GET,), {GET: SEE}, audit_kind="document_exported"),
    "invitation_pdf": Route(READ, (GET,), {GET: SEE}, audit_kind="document_exported"),
    "consent_pdf": Route(READ, (GET,), {GET: SEE}, audit_kind="document_exported"),
    "report_pdf": Route(READ, (GET,), {GET: SEE}, audit_kind="document_exported"),
    "decision_pdf": Route(READ, (GET,), {GET: SEE}, audit_kind="document_exported"),
    # … a consent form to sign, for those who work on the case (the PDF comes back on POST) …
    "consent_form": form(),
    # Consent asked on the family's page: as registering one.
    "consent_ask": form(),
    # … and for the owner service's leader, the whole case and its archive package.
    "case_pdf": Route(READ, (GET,), {GET: LEAD}, audit_kind="document_exported"),
    "archive": Route(WRITE, (GET, POST), {GET: LEAD, POST: LEAD}, empty_post=302),
    "archive_download": Route(
        READ, (GET,), {GET: LEAD}, audit_kind="document_exported", absent=True
    ),
    "involve": form(),
    "decide": form(),
    "report": form(SEE, SEE),  # the duty to report is everyone's who sees the case
    "meeting_new": form(),
    "minutes": form(SEE, WORK, kind=READ),
    # Sharing the referat with the family (a fixture meeting has none yet: back with a message).
    "minutes_share": action(),
    "measure_new": form(),
    "evaluation_new": form(SEE, WORK, kind=READ),
    "handover_new": form(),
    "handover_answer": form(ANSWER, ANSWER),
    # A leader of the owner service confirms (or not) a decision the holder proposed.
    "proposal_answer": form(LEAD, LEAD),
    "watch_end": action(SEE),
    "coordination": form(),
    "wide_collaboration": form(),
}

# URL parameters and the fixture object whose pk fills them.
PARAMETERS = {
    "pk": "case",
    "child_pk": "child",
    "meeting_pk": "meeting",
    "measure_pk": "measure",
    "handover_pk": "handover",
    "consent_pk": "consent",
    "report_pk": "report",
    "decision_pk": "decision",
    "proposal_pk": "proposal",
}

PATTERNS = list(case_urls.urlpatterns)
BY_NAME = {p.name: p for p in PATTERNS if isinstance(p, URLPattern)}
URL_LABELS = [f"cases:{getattr(p, 'name', None) or p}" for p in PATTERNS]

ANONYMOUS = "anonymous"
OWNER = "owner"  # the responsible employee, who registered the case
OWNER_LEADER = "owner-leader"  # leads the service that owns the case
RECIPIENT = "recipient"  # a kindergarten employee offered the responsibility (open handover)
COLLEAGUE = "colleague"  # same service, no part in the case
OTHER_LEADER = "other-leader"  # leads the school, which is not in the case
INVOLVED_LEADER = "involved-leader"  # leads the health station, in the case under consent
BARNEVERN_LEADER = "barnevern-leader"  # leads the barnevern service a report went to
MUNICIPAL_LEADER = "municipal-leader"
LOCAL_ADMIN = "local-admin"  # the case's municipality's local administrator
SYSTEM_ADMIN = "system-admin"
# Across municipalities. The case belongs to A; B is the other municipality of the world.
SHARED_EMPLOYEE = "shared-employee"  # of a PPT hosted by B serving A, at the case's meeting
SHARED_LEADER = "shared-leader"  # leads that PPT, in the case under consent
FORMER_PARTNER_LEADER = "former-partner-leader"  # leads a service of B, in the case under
# consent while it served A; A has since been taken off its list
OTHER_MUNICIPALITY_LEADER = "other-municipality-leader"  # leads a kindergarten of B
OTHER_MUNICIPAL_LEADER = "other-municipal-leader"  # B's municipal leader
RELATIONS = [
    ANONYMOUS,
    FAMILY,  # the case's own child's guardian, signed in with ID-porten: no staff URL is theirs
    OWNER,
    OWNER_LEADER,
    RECIPIENT,
    COLLEAGUE,
    OTHER_LEADER,
    INVOLVED_LEADER,
    BARNEVERN_LEADER,
    MUNICIPAL_LEADER,
    LOCAL_ADMIN,
    SYSTEM_ADMIN,
    SHARED_EMPLOYEE,
    SHARED_LEADER,
    FORMER_PARTNER_LEADER,
    OTHER_MUNICIPALITY_LEADER,
    OTHER_MUNICIPAL_LEADER,
]
# See the case through their service, but neither hold it nor lead its owner.
READERS = {RECIPIENT, INVOLVED_LEADER, BARNEVERN_LEADER, SHARED_EMPLOYEE, SHARED_LEADER}
MUNICIPAL = {MUNICIPAL_LEADER, LOCAL_ADMIN, SYSTEM_ADMIN, OTHER_MUNICIPAL_LEADER}
OUTSIDERS = {
    COLLEAGUE,
    OTHER_LEADER,
    FORMER_PARTNER_LEADER,
    OTHER_MUNICIPALITY_LEADER,
} | MUNICIPAL
LOGIN = "login"  # expected: 302 to the login page

HTMX = {"HX-Request": "true", "HX-Target": "relay-log"}
DETAIL_FRAGMENT = "detail[htmx]"  # the relay log fragment of the case page
CHILD_LAST_NAME = "Fjellstuen"  # must never show on a refusal
SIGNED_FORM = signed_form_pdf()


def expected(relation: str, name: str, method: str) -> int | str:
    """The status this relation must get for this request."""
    if relation == FAMILY:
        return 404  # signed in with ID-porten, on a staff page: not theirs (audited)
    if relation == ANONYMOUS:
        return LOGIN
    route = ROUTES[name.removesuffix("[htmx]")]
    allowed = (404 if route.absent else 200) if method == GET else route.empty_post
    if route.kind == CASE_LIST:
        return 403 if relation in MUNICIPAL else allowed
    if route.kind == LEADER_TOOL:
        leaders = (
            OWNER_LEADER,
            OTHER_LEADER,
            INVOLVED_LEADER,
            BARNEVERN_LEADER,
            SHARED_LEADER,
            FORMER_PARTNER_LEADER,
            OTHER_MUNICIPALITY_LEADER,
        )
        return allowed if relation in leaders else 403
    if route.kind == REGISTER:
        if relation in MUNICIPAL:
            return 403  # they cannot register an undring
        if name == "concern_new" and relation in OUTSIDERS:
            return 404  # the child is not one they may see
        return allowed
    if relation in OUTSIDERS:
        return 404  # no existence oracle: the case is simply not there
    who = route.who[method]
    if who == ANSWER:
        return allowed if relation == RECIPIENT else 404
    if who == LEAD:
        return allowed if relation == OWNER_LEADER else 403
    if who == WORK and relation in READERS:
        return 403  # sees the case, but does not hold it (an offer is not yet holding it)
    return allowed


def _matrix():
    rows = []
    for relation in RELATIONS:
        for pattern in PATTERNS:
            name = getattr(pattern, "name", None)
            if name not in ROUTES:
                continue  # test_every_url_is_classified fails for it
            rows += [(relation, name, method) for method in ROUTES[name].methods]
            if name == "detail":
                rows.append((relation, DETAIL_FRAGMENT, GET))
    return rows


MATRIX = _matrix()


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("cases").get_models(include_auto_created=True)
    )


def _rows() -> dict[str, int]:
    """The row count of every table of the cases app (M2M tables included), in one query."""
    tables, quote = _tables(), connection.ops.quote_name
    # The table names come from the models, not from input.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


# --- The world: built once for the module, inside a transaction rolled back at its end ----------

GUIDE = Path(__file__).resolve().parents[2] / "fixtures" / "veiledere" / "ovre-eiker.toml"


def _user(role: Role, service=None, municipality=None, **fields):
    user = UserFactory(**fields)
    grant(user, role, service, municipality)
    return user


def _open_case(user, service, first_name: str, last_name: str):
    child = services.child_create(
        user=user,
        child=services.ChildData(first_name, last_name, dt.date(2020, 3, 14)),
        guardians=[services.GuardianData("Lise Fjellstuen", "mor")],
    )
    concern = services.ConcernData(
        observation="Kom uten matpakke fire dager denne uka.",
        observed_on=timezone.localdate(),
        setting="Ved lunsj",
        worry=2,
    )
    return services.case_open(user=user, service=service, child=child, concern=concern)


def _decide(case, user, to_level: int) -> None:
    decide(case, user, to_level, reason="Drøftet med leder.")
    case.refresh_from_db()


def _proposal(case, user) -> DecisionProposal:
    """A decision the holder proposed, waiting for the leader (as where the guide says the
    leader decides)."""
    case.refresh_from_db()
    return DecisionProposal.objects.create(
        case=case,
        from_level=case.level,
        to_level=case.level,
        step_code=case.step_code,
        reason="Foreslått i testen.",
        child_view="Barnet vil fortsette.",
        proposed_by=user,
    )


def _meeting(case, user, service, also=()) -> Meeting:
    return services.meeting_invite(
        case=case,
        user=user,
        kind="samarbeidsmote",
        # Held yesterday: its referat can be written.
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="Solsikken barnehage",
        agenda="Hvordan har barnet det om morgenen?",
        participants=[user, *also],
        participant_services=[service],
        idempotency_key=uuid.uuid4(),
    )


def _measure(case, user, service):
    today = timezone.localdate()
    return services.measure_add(
        case=case,
        user=user,
        description="Fast voksen tar imot barnet hver morgen.",
        goal="Gråter ikke ved levering tre av fem dager innen fire uker.",
        location="Solsikken barnehage",
        responsible_service=service,
        responsible_person=user,
        starts_on=today,
        evaluation_due=today + dt.timedelta(days=28),
        idempotency_key=uuid.uuid4(),
    )


def _build_world() -> SimpleNamespace:
    """A kindergarten case at nivå 3 (so every page exists) with a meeting, a measure and an
    open handover, all made through the services; and one user per relation. The case is of
    municipality A; a PPT, a barnevern and a BUP hosted by B serve A too."""
    load_guide(GUIDE)
    home, other = home_municipality(), MunicipalityFactory(number="4699", name="Fjordvik")
    kindergarten = ServiceFactory(name="Solsikken barnehage")
    school = ServiceFactory(name="Eikebakken skole", kind="school")
    health = ServiceFactory(name="Eiker helsestasjon", kind="health_station")
    ppt, bup = (
        ServiceFactory(name=name, kind=kind, municipality=other)
        for name, kind in (("Fjord PPT", "ppt"), ("Fjord BUP", "external"))
    )
    for shared in (ppt, bup):
        shared.partner_municipalities.add(home)
    employee = _user(Role.EMPLOYEE, kindergarten, first_name="Ingrid")
    recipient = _user(Role.EMPLOYEE, kindergarten, first_name="Tone")
    case = _open_case(employee, kindergarten, "Emma", CHILD_LAST_NAME)
    _decide(case, employee, 1)
    consent = services.consent_record(
        case=case,
        user=employee,
        services=[health, ppt, bup],
        guardians=list(case.child.guardians.all()),
        information=["wellbeing", "health"],
        form="written",
        document=CheckedUpload(SIGNED_FORM, "application/pdf"),
        purpose="Samarbeid om Emmas trivsel",
        given_on=timezone.localdate(),
    )
    for service in (health, ppt, bup):
        services.service_involve(case=case, user=employee, service=service)
    barnevern = ServiceFactory(name="Fjord barneverntjeneste", kind="child_protection")
    barnevern.municipality = other  # hosted by B, serving A
    barnevern.save()
    barnevern.partner_municipalities.add(home)
    report = services.report_file(
        case=case,
        user=employee,
        reported_at=timezone.now(),
        channel="phone",
        reason="Meldt etter samtale med leder.",
        received_by=barnevern,
    )
    _decide(case, employee, 3)
    assert case.level == 3, "the fixture needs a nivå 3 case for cases:wide_collaboration"
    shared_employee = _user(Role.EMPLOYEE, ppt, first_name="Eva")
    meeting = _meeting(case, employee, kindergarten, also=[shared_employee])
    services.minutes_save(
        meeting=meeting, user=employee, data={"present": "Mor og Ingrid"}, version=0
    )
    return SimpleNamespace(
        kindergarten=kindergarten,
        case=case,
        child=case.child,
        consent=consent,
        report=report,
        decision=case.decisions.order_by("pk").first(),
        meeting=meeting,
        measure=_measure(case, employee, kindergarten),
        handover=services.handover_offer(case=case, user=employee, to_user=recipient),
        proposal=_proposal(case, employee),
        users={
            OWNER: employee,
            OWNER_LEADER: _user(Role.LEADER, kindergarten, first_name="Marius"),
            RECIPIENT: recipient,
            COLLEAGUE: _user(Role.EMPLOYEE, kindergarten, first_name="Kari"),
            OTHER_LEADER: _user(Role.LEADER, school, first_name="Per"),
            INVOLVED_LEADER: _user(Role.LEADER, health, first_name="Hilde"),
            BARNEVERN_LEADER: _user(Role.LEADER, barnevern, first_name="Bente"),
            MUNICIPAL_LEADER: _user(Role.MUNICIPAL_LEADER, first_name="Siri"),
            LOCAL_ADMIN: _user(Role.LOCAL_ADMIN, first_name="Lene"),
            SYSTEM_ADMIN: _user(Role.SYSTEM_ADMIN, first_name="Anders"),
            SHARED_EMPLOYEE: shared_employee,
            SHARED_LEADER: _user(Role.LEADER, ppt, first_name="Geir"),
            FORMER_PARTNER_LEADER: _former_partner_leader(bup, home),
            OTHER_MUNICIPALITY_LEADER: _user(
                Role.LEADER,
                ServiceFactory(name="Fjordvik barnehage", municipality=other),
                first_name="Eirik",
            ),
            OTHER_MUNICIPAL_LEADER: _user(
                Role.MUNICIPAL_LEADER, municipality=other, first_name="Randi"
            ),
        },
    )


def _former_partner_leader(service, municipality):
    """The leader of `service`, which took part in the case; then the case's municipality was
    taken off its list, which ends its access with nothing deleted."""
    leader = _user(Role.LEADER, service, first_name="Bodil")
    service.partner_municipalities.remove(municipality)
    assert service.involvements.exists(), "what it logged stays"
    return leader


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once: each test runs in its own savepoint inside this transaction, so what a
    request writes (audit events, sessions) is gone before the next test."""
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
        world.sessions[FAMILY] = family_session_key(
            municipality_id=world.case.municipality_id,
            guardians=world.case.child.guardians.values_list("pk", flat=True),
            children=[world.case.child_id],
        )
        yield world
        transaction.set_rollback(True)


def log_in(client, world, relation: str) -> None:
    if relation != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[relation]


def url_for(name: str, objects, **override) -> str:
    """The URL of `cases:<name>` with every parameter filled from the fixture's objects."""
    kwargs = {}
    for key in BY_NAME[name].pattern.converters:
        assert key in PARAMETERS, f"unknown URL parameter <{key}> in cases:{name}"
        kwargs[key] = override.get(key) or getattr(objects, PARAMETERS[key]).pk
    return reverse(f"cases:{name}", kwargs=kwargs)


def request(client, method: str, url: str, *, htmx: bool = False):
    if method == GET:
        return client.get(url, headers=HTMX if htmx else None)
    return client.post(url, {})


# --- The classification itself -------------------------------------------------------------------


@pytest.mark.parametrize("label", URL_LABELS)
def test_every_url_is_classified(label):
    name = label.removeprefix("cases:")
    assert name in ROUTES, f"unclassified URL: {label}"
    for key in BY_NAME[name].pattern.converters:
        assert key in PARAMETERS, f"unknown URL parameter <{key}> in {label}"


def test_no_classified_url_has_disappeared():
    gone = sorted(set(ROUTES) - set(BY_NAME))
    assert not gone, f"classified but no longer in cases.urls: {gone}"


def test_the_matrix_covers_every_relation_and_url():
    assert {(r, n) for r, n, _m in MATRIX} >= {(r, n) for r in RELATIONS for n in ROUTES}


@pytest.mark.parametrize(
    ("name", "method"),
    [(n, m) for n, r in ROUTES.items() for m in (GET, POST) if m not in r.methods],
    ids=lambda v: v if v in (GET, POST) else f"cases:{v}",
)
def test_methods_a_view_does_not_accept_are_405(client, world, name, method):
    """Keeps the `methods` of the table true to the views."""
    log_in(client, world, OWNER)
    before = _rows()
    response = request(client, method, url_for(name, world))
    assert response.status_code == 405, f"{method} cases:{name}: got {response.status_code}"
    assert _rows() == before


# --- The matrix ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relation", "name", "method"),
    MATRIX,
    ids=[f"{r}-{m}-cases:{n}" for r, n, m in MATRIX],
)
def test_permission_matrix(client, world, relation, name, method):
    log_in(client, world, relation)
    htmx = name == DETAIL_FRAGMENT
    url = url_for(name.removesuffix("[htmx]"), world)
    log_before, rows_before = world.case.relay_entries.count(), _rows()

    response = request(client, method, url, htmx=htmx)

    want, got = expected(relation, name, method), response.status_code
    where = f"{method} {url}{' (htmx)' if htmx else ''} as {relation}"
    if want == LOGIN:
        location = response.get("Location", "")
        assert got == 302 and location.startswith("/logg-inn/"), (
            f"{where}: expected a redirect to /logg-inn/, got {got} {location}"
        )
    else:
        assert got == want, f"{where}: expected {want}, got {got}"
    assert world.case.relay_entries.count() == log_before, f"{where} wrote to the relay log"
    assert _rows() == rows_before, f"{where} wrote rows in the cases app"
    if got in (403, 404) or (
        ROUTES[name.removesuffix("[htmx]")].kind == CASE_LIST and (relation in OUTSIDERS)
    ):
        assert CHILD_LAST_NAME not in response.text, f"{where} shows the child's name"
    if name == "list" and relation in (OWNER, OWNER_LEADER, INVOLVED_LEADER, BARNEVERN_LEADER):
        assert CHILD_LAST_NAME in response.text, f"{where} leaves out a case they see"
    if htmx and got == 200:
        assert "<html" not in response.text, f"{where} is the whole page, not the fragment"


# --- Sub-objects belong to their own case --------------------------------------------------------


@pytest.fixture
def other(world) -> SimpleNamespace:
    """A second case of the same employee, with its own meeting, measure and handover offered
    to the same recipient: all visible to them, but not through the first case's URLs."""
    employee, kindergarten = world.users[OWNER], world.kindergarten
    case = _open_case(employee, kindergarten, "Jonas", "Berg")
    return SimpleNamespace(
        case=case,
        meeting=_meeting(case, employee, kindergarten),
        measure=_measure(case, employee, kindergarten),
        handover=services.handover_offer(case=case, user=employee, to_user=world.users[RECIPIENT]),
        proposal=_proposal(case, employee),
        consent=services.consent_record(
            case=case,
            user=employee,
            services=[world.kindergarten],
            guardians=list(case.child.guardians.all()),
            information=["wellbeing"],
            form="written",
            document=CheckedUpload(SIGNED_FORM, "application/pdf"),
            purpose="Samarbeid",
            given_on=timezone.localdate(),
        ),
    )


CROSS = [
    (name, method, key, relation)
    for name, key, relation in [
        ("minutes", "meeting_pk", OWNER),
        ("evaluation_new", "measure_pk", OWNER),
        ("handover_answer", "handover_pk", RECIPIENT),
        ("proposal_answer", "proposal_pk", OWNER_LEADER),
        ("consent_withdraw", "consent_pk", OWNER),
        ("consent_document", "consent_pk", OWNER),
    ]
    for method in ROUTES[name].methods
]


@pytest.mark.parametrize(
    ("name", "method", "key", "relation"),
    CROSS,
    ids=[f"{r}-{m}-cases:{n}-of-another-case" for n, m, _k, r in CROSS],
)
def test_a_sub_object_of_another_case_is_404(client, world, other, name, method, key, relation):
    log_in(client, world, relation)
    url = url_for(name, world, **{key: getattr(other, PARAMETERS[key]).pk})
    rows_before = _rows()
    response = request(client, method, url)
    assert response.status_code == 404, (
        f"{method} {url} as {relation}: expected 404, got {response.status_code}"
    )
    assert _rows() == rows_before
    # …while through its own case the same object is there for them.
    assert client.get(url_for(name, other)).status_code == 200


# --- Audit completeness ---------------------------------------------------------------------------

# Every GET that shows case data, as the relations that may see it, and the fragment.
AUDITED_READS = [
    (relation, name)
    for relation in (OWNER, OWNER_LEADER, RECIPIENT, INVOLVED_LEADER, BARNEVERN_LEADER)
    for name, route in ROUTES.items()
    if route.kind != REGISTER
    and route.kind not in (LEADER_TOOL, CASE_LIST)
    and GET in route.methods
    and expected(relation, name, GET) == 200
] + [(OWNER, DETAIL_FRAGMENT)]


@pytest.mark.parametrize(
    ("relation", "name"), AUDITED_READS, ids=[f"{r}-cases:{n}" for r, n in AUDITED_READS]
)
def test_every_read_of_case_data_writes_exactly_one_audit_event(client, world, relation, name):
    from bts.models import AuditEvent

    log_in(client, world, relation)
    before = AuditEvent.objects.count()
    response = request(
        client, GET, url_for(name.removesuffix("[htmx]"), world), htmx=name == DETAIL_FRAGMENT
    )
    assert response.status_code == 200
    events = list(AuditEvent.objects.order_by("id")[before:])
    audit_kind = ROUTES[name.removesuffix("[htmx]")].audit_kind
    assert [(e.kind, e.case_id) for e in events] == [(audit_kind, world.case.pk)], name
    child = world.case.child
    for event in events:
        text = " ".join(str(v) for v in (event.detail, event.reason, event.role))
        assert child.last_name not in text and child.first_name not in text
        assert event.actor_id == world.users[relation].pk and event.request_id


def test_a_change_writes_its_audit_event_with_the_change(client, world):
    from bts.models import AuditEvent

    log_in(client, world, OWNER)
    before = AuditEvent.objects.count()
    client.post(
        url_for("note_add", world), {"idempotency_key": str(uuid.uuid4()), "text": "Ringte."}
    )
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.kind, e.detail) for e in events] == [("case_changed", "note")]
