"""Every URL of the project is classified, and each class gets what it must for every role.

The walk starts at the root URL resolver, so a URL added anywhere (an app, the admin, a new
model registered in the admin) fails `test_every_url_is_classified` until someone decides who
may use it. Case URLs (`cases:`) are classified in tests/cases/test_permissions.py, which runs
them against every relation to a case, familiehjelpa's in tests/familiehjelpa/
test_permissions.py, against every relation to an inquiry, and the family's case pages in
tests/family/test_permissions.py, against every relation to a family's case; here they only
have to be in those tables.
"""

import re
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bts.models import ExternalIdentity, IdentityProvider, Membership, Role, Service, User
from bts.services import LOCAL_ADMIN_MODELS, SYSTEM_ADMIN_MODELS
from levels.loader import load_guide
from tests.cases.test_permissions import ROUTES as CASE_ROUTES
from tests.conftest import GUIDES, ROOT
from tests.factories import ServiceFactory, UserFactory, grant, home_municipality
from tests.familiehjelpa.test_permissions import ROUTES as FAMILIEHJELPA_ROUTES
from tests.family.sessions import FAMILY, family_session_key
from tests.family.test_permissions import ROUTES as FAMILY_CASE_ROUTES
from toolbox.examples import example_workbook
from toolbox.models import CatalogueEntry, CatalogueImport, Contact, Tool
from toolbox.services import catalogue_import_prepare, contact_ensure, toolbox_load

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
LOGIN = "login"  # 302 to our login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page (which sends on to ours)
ANY_LOGIN = "any-login"  # either: the admin's own views ask their login, the others ours


def walk(resolver: URLResolver = None, namespace: str = "", prefix: str = ""):
    """(name, route) of every URL pattern, depth first, names with their namespaces."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from walk(pattern, joined, route)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {route}>"
            yield (f"{namespace}:{name}" if namespace else name), route


URLS = list(walk())


# --- The classes ---------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
NO_ROLE = "no-role"  # an account with no membership yet
EMPLOYEE = "employee"
LEADER = "leader"
MUNICIPAL_LEADER = "municipal-leader"
LOCAL_ADMIN = "local-admin"
SYSTEM_ADMIN = "system-admin"
# The second municipality of the installation (Fjordvik, nynorsk, its own guide).
OTHER_EMPLOYEE = "other-municipality-employee"
OTHER_MUNICIPAL_LEADER = "other-municipal-leader"
# The employee of a PPT hosted by the first municipality and serving both.
SHARED_EMPLOYEE = "shared-employee"
RELATIONS = [
    ANONYMOUS,
    FAMILY,
    NO_ROLE,
    EMPLOYEE,
    LEADER,
    MUNICIPAL_LEADER,
    LOCAL_ADMIN,
    SYSTEM_ADMIN,
    OTHER_EMPLOYEE,
    OTHER_MUNICIPAL_LEADER,
    SHARED_EMPLOYEE,
]
# Staff accounts: a family's session (ID-porten) is another kind, with no account signed in.
SIGNED_IN = [r for r in RELATIONS if r not in (ANONYMOUS, FAMILY)]
ADMIN_RELATIONS = [ANONYMOUS, FAMILY, EMPLOYEE, MUNICIPAL_LEADER, LOCAL_ADMIN, SYSTEM_ADMIN]


@dataclass(frozen=True)
class Page:
    """What a signed-in account gets by GET and by POST (one status for all, or one per
    relation); `public` pages are open to the anonymous too (who get `anonymous`), all others
    send them to the login page. A family's session is treated as the anonymous are, except
    on the family's own pages (`family`)."""

    get: int | dict[str, int]
    post: int | dict[str, int] = 405  # the view refuses POST
    public: bool = False
    anonymous: tuple[int, int] = (200, 200)  # GET, POST for the anonymous on a public page
    family: tuple[int, int] | None = None  # GET, POST for a family's session, if not as above

    def expected(self, relation: str, method: str) -> int | str:
        if relation == FAMILY and self.family is not None:
            return self.family[0] if method == GET else self.family[1]
        if relation == FAMILY and not self.public:
            return 404  # signed in with ID-porten, on a staff page: not theirs (audited)
        if relation in (ANONYMOUS, FAMILY):
            if not self.public:
                return LOGIN
            return self.anonymous[0] if method == GET else self.anonymous[1]
        status = self.get if method == GET else self.post
        return status[relation] if isinstance(status, dict) else status


def with_a_role(status: int) -> dict[str, int]:
    """For everyone who holds a role; an account with none yet gets 403."""
    return dict.fromkeys(SIGNED_IN, status) | {NO_ROLE: 403}


def only(*relations: str, status: int = 200) -> dict[str, int]:
    return dict.fromkeys(SIGNED_IN, 403) | dict.fromkeys(relations, status)


PAGES: dict[str, Page] = {
    # The start page and the guide: for every signed-in account, whatever its roles.
    "start": Page(200),
    # The guide is a municipality's: with two in the installation, an account of no
    # municipality (no role yet, the system administrator) has none.
    "levels:guide": Page(dict.fromkeys(SIGNED_IN, 200) | {NO_ROLE: 404, SYSTEM_ADMIN: 404}),
    "levels:step": Page(dict.fromkeys(SIGNED_IN, 200) | {NO_ROLE: 404, SYSTEM_ADMIN: 404}),
    # Logging in: open to all (an empty POST gets the form again); a signed-in account is sent
    # on to the start page.
    "login": Page(302, post=302, public=True),
    "logout": Page(405, post=302),
    # Signing in through the municipality's identity provider: open to all. No provider is
    # configured here, so the start finds none (404), and a callback no start preceded is
    # refused (400). tests/bts/test_sign_in.py runs them against a real provider.
    "sign_in_start": Page(404, public=True, anonymous=(404, 405)),
    "sign_in_callback": Page(400, public=True, anonymous=(400, 405)),
    # The family's pages: for a family's session and the anonymous (who sign in there); a
    # staff session is refused (403). tests/family/test_sign_in.py has them with a provider.
    "family:entry": Page(403, post=403, public=True, anonymous=(200, 405), family=(200, 405)),
    "family:sign_in": Page(403, post=403, public=True, anonymous=(404, 405)),
    "family:sign_in_callback": Page(403, post=403, public=True, anonymous=(400, 405)),
    "family:sign_out": Page(403, post=403, public=True, anonymous=(405, 302)),
    # Choosing the language: before and after signing in (an empty POST: back to the entry).
    "family:language": Page(403, post=403, public=True, anonymous=(405, 302), family=(405, 302)),
    # The address for notices: a family's session's own (the anonymous sent to sign in).
    "family:contact": Page(403, post=403, public=True, anonymous=(405, 302), family=(405, 302)),
    # The second factor's pages: an account that has given it (or needs none) is sent on.
    "two_factor": Page(302, post=302),
    "two_factor_setup": Page(302, post=302),
    # For a load balancer or a monitor (and the benchmark's floor): open, reads nothing.
    "status": Page(200, public=True, anonymous=(200, 405)),
    # The admin's login page is ours: it sends everyone to the product's login.
    "admin_login": Page(302, public=True, anonymous=(302, 405)),
    # The toolbox, the service catalogue and the contacts: each municipality's, for everyone
    # with a role; the catalogue's spreadsheet import for its local administrator
    # (toolbox.access). With two municipalities, the system administrator (of none) has no
    # toolbox (an empty catalogue and contact list), and no catalogue to import into.
    "toolbox:tools": Page(with_a_role(200) | {SYSTEM_ADMIN: 404}),
    "toolbox:tool": Page(with_a_role(200) | {SYSTEM_ADMIN: 404}),
    "toolbox:catalogue": Page(with_a_role(200)),
    "toolbox:contacts": Page(with_a_role(200)),
    "toolbox:catalogue_import": Page(
        only(LOCAL_ADMIN) | {SYSTEM_ADMIN: 404}, post=only(LOCAL_ADMIN) | {SYSTEM_ADMIN: 404}
    ),
    "toolbox:catalogue_example": Page(only(LOCAL_ADMIN, SYSTEM_ADMIN)),
    "toolbox:catalogue_preview": Page(only(LOCAL_ADMIN) | {SYSTEM_ADMIN: 404}),
    # An empty confirmation goes back to the preview; nothing is applied.
    "toolbox:catalogue_apply": Page(405, post=only(LOCAL_ADMIN, status=302) | {SYSTEM_ADMIN: 404}),
    # The dashboards (dashboards.access): a service's numbers and the lists of children behind
    # them for its leader; the municipality's aggregates and their CSV for the municipal leader.
    "dashboards:service": Page(only(LEADER)),
    "dashboards:service_list": Page(only(LEADER)),
    # Each municipal leader sees their own municipality's (tests/dashboards/test_municipalities).
    "dashboards:municipal": Page(only(MUNICIPAL_LEADER, OTHER_MUNICIPAL_LEADER)),
    "dashboards:municipal_csv": Page(only(MUNICIPAL_LEADER, OTHER_MUNICIPAL_LEADER)),
}

# The admin: only for the system administrator, and for them only the models of
# SYSTEM_ADMIN_MODELS (never a case: no model of the cases app is registered).
MANAGED = {f"{app}_{model}" for app, models in SYSTEM_ADMIN_MODELS.items() for model in models}
# The local administrator: these, scoped to their municipality (tests/bts/test_local_admin.py);
# the first object of each, which the URLs below open, is of their municipality.
LOCALLY_MANAGED = {f"{app}_{m}" for app, models in LOCAL_ADMIN_MODELS.items() for m in models}
STAFF = (SYSTEM_ADMIN, LOCAL_ADMIN)
ADMIN_MODEL_URL = re.compile(
    r"^admin:(?P<model>[a-z_]+?)_(?P<action>changelist|add|change|delete|history)$"
)
LOADED_FROM_FILES = {"toolbox_toolbox", "toolbox_tool", "toolbox_catalogueimport"}
ADMIN_SITE = {
    "admin:index": 200,
    "admin:app_list": 200,
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:jsi18n": 200,
    "admin:autocomplete": 403,  # asks for a model and a field; without them, refused
    "admin:view_on_site": 404,  # no model managed here has a page on the site
}
# Unnamed admin patterns: an object's bare URL redirects to its change page; the catch-all
# answers the final-slash redirect or 404.
ADMIN_UNNAMED = re.compile(r"^admin:<unnamed admin/(.+/<path:object_id>/|\(\?P<url>\.\*\)\$)>$")


def admin_expected(name: str, method: str, relation: str) -> int | str | None:
    """The status for an admin URL, or None when `name` is not an admin URL we know."""
    if not name.startswith("admin:"):
        return None
    if name == "admin:login":
        return None  # shadowed by "admin_login", which sends everyone to our login
    if relation == FAMILY:
        return 404  # signed in with ID-porten, on a staff page: not theirs (audited)
    if relation == ANONYMOUS:
        return ANY_LOGIN
    if name == "admin:logout":
        if method == POST:
            return 302  # logged out, to the login page
        return 405 if relation in STAFF else 302
    if relation not in STAFF:
        return ADMIN_LOGIN  # signed in, but not staff: the admin asks for a login
    if method == POST:
        return None  # not requested: the administrator's writes are the admin's own business
    if name in ADMIN_SITE:
        return ADMIN_SITE[name]
    if ADMIN_UNNAMED.match(name):
        return 301 if name.endswith("$>") else 302  # the final-slash redirect is permanent
    if name == "admin:auth_user_password_change":
        return 200
    match = ADMIN_MODEL_URL.match(name)
    if match is None:
        return None
    model, action = match["model"], match["action"]
    if model not in (MANAGED if relation == SYSTEM_ADMIN else LOCALLY_MANAGED):
        return 403
    if model == "otp_totp_totpdevice" and action == "add":
        return 403  # an authenticator is set up by its owner, never by the administrator
    if model == "axes_accessattempt" and action == "add":
        return 403  # attempts are made by failed logins, not by hand
    if model == "bts_externalidentity" and action == "add":
        return 403  # a link is made by the person's first sign-in, never by hand
    if model in LOADED_FROM_FILES and action in ("add", "delete"):
        return 403  # the toolbox comes from its file, an import from its spreadsheet
    return 200


def is_classified(name: str) -> bool:
    if name.startswith("cases:"):
        return name.removeprefix("cases:") in CASE_ROUTES
    if name.startswith("familiehjelpa:"):
        return name.removeprefix("familiehjelpa:") in FAMILIEHJELPA_ROUTES
    if name.removeprefix("family:") in FAMILY_CASE_ROUTES:
        return name.startswith("family:")
    if name in PAGES or name == "admin:login":
        return True
    return any(
        admin_expected(name, method, relation) is not None
        for method in (GET, POST)
        for relation in RELATIONS
    )


@pytest.mark.parametrize(("name", "route"), URLS, ids=[n for n, _r in URLS])
def test_every_url_is_classified(name, route):
    assert is_classified(name), f"unclassified URL {name} ({route}): decide who may use it"


def test_no_case_data_is_registered_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "cases" not in registered and "familiehjelpa" not in registered


def test_classified_pages_still_exist():
    names = {n for n, _r in URLS}
    assert set(PAGES) <= names, sorted(set(PAGES) - names)


# --- The world: one user per relation and an object of every model the admin manages ----------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=fast),
    ):
        load_guide(GUIDES / "ovre-eiker.toml")
        other = load_guide(GUIDES / "fjordvik.toml").municipality
        kindergarten = ServiceFactory(name="Solsikken barnehage")
        other_kindergarten = ServiceFactory(name="Fjordvik barnehage", municipality=other)
        ppt = ServiceFactory(name="PP-tjenesten", kind="ppt")
        ppt.partner_municipalities.add(other)
        users = {NO_ROLE: UserFactory()}
        for relation, role, service, municipality in [
            (EMPLOYEE, Role.EMPLOYEE, kindergarten, None),
            (LEADER, Role.LEADER, kindergarten, None),
            (MUNICIPAL_LEADER, Role.MUNICIPAL_LEADER, None, None),
            (LOCAL_ADMIN, Role.LOCAL_ADMIN, None, None),
            (SYSTEM_ADMIN, Role.SYSTEM_ADMIN, None, None),
            (OTHER_EMPLOYEE, Role.EMPLOYEE, other_kindergarten, None),
            (OTHER_MUNICIPAL_LEADER, Role.MUNICIPAL_LEADER, None, other),
            (SHARED_EMPLOYEE, Role.EMPLOYEE, ppt, None),
        ]:
            users[relation] = UserFactory()
            grant(users[relation], role, service, municipality)
        Group.objects.create(name="Ei gruppe")
        toolbox_load(path=ROOT / "fixtures" / "verktoy" / "ovre-eiker.toml")
        # The other municipality takes the same file for its own toolbox.
        toolbox_load(path=ROOT / "fixtures" / "verktoy" / "ovre-eiker.toml", municipality=other)
        catalogue_import_prepare(
            municipality_id=home_municipality().pk,
            file_name="tiltak.xlsx",
            data=example_workbook(),
            user=users[SYSTEM_ADMIN],
        )
        CatalogueEntry.objects.create(
            municipality=home_municipality(), key="T1", name="Åpen barnehage", level=0
        )
        contact_ensure(
            municipality=home_municipality(),
            category=Contact.Category.CHILD_PROTECTION,
            name="Barnevernvakta",
            phone="02800",
        )
        # The other municipality signs its staff in through its own identity provider (the
        # first has none: its sign-in start is a 404 above).
        IdentityProvider.objects.create(
            municipality=other,
            audience=IdentityProvider.Audience.STAFF,
            issuer="https://login.fjordvik.invalid",
            client_id="bts",
            client_secret="env:BTS_OIDC_FJORDVIK",
        )
        ExternalIdentity.objects.create(
            user=users[OTHER_EMPLOYEE], issuer="https://login.fjordvik.invalid", subject="s-1"
        )
        AccessAttempt.objects.create(username="noen", failures_since_start=1)
        AccessLog.objects.create(username="noen")
        AccessFailureLog.objects.create(username="noen")
        sessions = {}
        for relation, user in users.items():
            browser = Client()
            browser.force_login(user)  # both factors (tests/conftest.py)
            sessions[relation] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        sessions[FAMILY] = family_session_key(municipality_id=home_municipality().pk)
        yield {"users": users, "sessions": sessions}
        transaction.set_rollback(True)


def object_id(route: str) -> str:
    """The id of an existing object for an admin route like admin/bts/service/<path:…>/…"""
    app, model = route.split("/")[1:3]
    return str(apps.get_model(app, model).objects.order_by("pk").values_list("pk", flat=True)[0])


def url_of(name: str, route: str) -> str:
    if name in ("sign_in_start", "family:sign_in"):
        return reverse(name, args=[home_municipality().number])
    if name == "levels:step":
        return reverse(name, args=["1.2"])
    if name == "dashboards:service_list":
        return reverse(name, args=["niva-3"])
    if name == "toolbox:tool":
        return reverse(name, args=[Tool.objects.order_by("pk").first().slug])
    if name in ("toolbox:catalogue_preview", "toolbox:catalogue_apply"):
        return reverse(name, args=[CatalogueImport.objects.get().pk])
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "bts"})
    if name == "admin:view_on_site":
        return reverse(name, args=["1", "1"])
    if name == "admin:auth_user_password_change":
        return reverse(name, args=[object_id("admin/bts/user/")])
    if name.startswith("admin:<unnamed"):
        if "<path:object_id>" in route:
            return "/" + route.replace("<path:object_id>", object_id(route))
        return "/admin/bts/service"  # the catch-all: adds the final slash
    if "<path:object_id>" in route:
        return reverse(name, args=[object_id(route)])
    return reverse(name)


def _rows() -> tuple:
    from bts.models import AuditEvent

    return (
        User.objects.count(),
        Service.objects.count(),
        Membership.objects.count(),
        Group.objects.count(),
        CatalogueEntry.objects.count(),
        AuditEvent.objects.filter(kind__in=["case_created", "case_changed"]).count(),
    )


def _matrix():
    rows = []
    for name, route in URLS:
        if name.startswith(("cases:", "familiehjelpa:")) or (
            name.startswith("family:") and name.removeprefix("family:") in FAMILY_CASE_ROUTES
        ):
            continue
        # In the admin every account that is not staff is turned away alike: two of them stand
        # for the rest (a service role and a municipal one).
        relations = ADMIN_RELATIONS if name.startswith("admin:") else RELATIONS
        for relation in relations:
            for method in (GET, POST):
                if name in PAGES:
                    want = PAGES[name].expected(relation, method)
                else:
                    want = admin_expected(name, method, relation)
                    if want is None:
                        continue
                rows.append((relation, name, route, method, want))
    return rows


MATRIX = _matrix()


@pytest.mark.parametrize(
    ("relation", "name", "route", "method", "want"),
    MATRIX,
    ids=[f"{r}-{m}-{n}" for r, n, _route, m, _w in MATRIX],
)
def test_url_matrix(client, world, relation, name, route, method, want):
    if relation != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][relation]
    url = url_of(name, route)
    before = _rows()

    response = client.get(url) if method == GET else client.post(url, {})

    got, where = response.status_code, f"{method} {url} as {relation}"
    if want in (LOGIN, ADMIN_LOGIN, ANY_LOGIN):
        targets = {
            LOGIN: ("/logg-inn/",),
            ADMIN_LOGIN: ("/admin/login/",),
            ANY_LOGIN: ("/logg-inn/", "/admin/login/"),
        }[want]
        location = response.get("Location", "")
        assert got == 302 and location.startswith(targets), f"{where}: {got} {location}"
    else:
        assert got == want, f"{where}: expected {want}, got {got}"
    if got in (302, 403, 404, 405) and name not in ("login", "logout"):
        assert _rows() == before, f"{where} wrote something"
