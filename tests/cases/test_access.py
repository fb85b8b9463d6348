"""The one case-access policy (cases/access.py): "which cases" and "may X" are one rule."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bts.models import AuditEvent, Role, User
from cases import access
from cases.access import RULES, Action, Who, may, visible_cases
from cases.events import CaseAudit
from cases.models import Case
from tests.conftest import as_owner

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ("bts", "cases", "dashboards", "familiehjelpa", "levels", "toolbox")


def _fresh(user: User) -> User:
    # A user object as a request has it: nothing remembered from an earlier question.
    return User.objects.get(pk=user.pk)


def test_may_agrees_with_visible_cases_for_every_relation_on_realistic_data(guide):
    """On synthetic data with every kind of taking part, consent, report and handover, `may`
    asked of one case answers READ exactly for the cases `visible_cases` lists; every other
    action needs READ and its own rule besides."""
    from bts.models import Membership
    from cases.models import Consent
    from devdata.synthetic import seed_synthetic

    with as_owner():
        seed_synthetic(cases=200, seed=5)
    consents = list(Consent.objects.order_by("pk").values_list("pk", flat=True))
    Consent.objects.filter(pk__in=consents[::3]).update(withdrawn_on=dt.date(2026, 1, 1))
    Consent.objects.filter(pk__in=consents[1::5]).update(expires_on=dt.date(2026, 1, 1))
    leaders = Membership.objects.filter(role__in=["leader", "familiehjelpa_leader"])
    users = [
        *User.objects.filter(pk__in=leaders.values("user_id")),
        *User.objects.filter(pk__in=Membership.objects.values("user_id")).order_by("pk")[::11],
    ]
    checked = 0
    for user in users:
        visible = set(visible_cases(user).values_list("pk", flat=True))
        others = list(Case.objects.order_by("?")[:10])
        sample = [*Case.objects.filter(pk__in=sorted(visible)[:10]), *others]
        for case in sample:
            seen = case.pk in visible
            assert may(_fresh(user), Action.READ, case) == seen, (user.username, case.pk)
            asker = _fresh(user)
            for action, rule in RULES.items():
                expected = seen and (not rule.open_only or case.is_open)
                expected = expected and (
                    Who.SEES in rule.who
                    or (Who.HOLDER in rule.who and case.responsible_id == user.pk)
                    or (
                        Who.LEADER in rule.who
                        and case.owner_service_id in access.led_service_ids(user)
                    )
                )
                assert may(asker, action, case) == expected, (user.username, case.pk, action)
        checked += bool(visible)
    assert checked >= 10


def test_reading_is_seeing_and_the_access_log_is_the_leaders(
    make_case, employee, leader, make_user
):
    case = make_case()
    colleague = make_user(Role.EMPLOYEE)
    assert not may(_fresh(colleague), Action.READ, case)  # reading is seeing, not always True
    assert may(_fresh(employee), Action.READ, case) and may(_fresh(employee), Action.REPORT, case)
    assert may(_fresh(leader), Action.SEE_ACCESS_LOG, case)
    assert not may(_fresh(employee), Action.SEE_ACCESS_LOG, case)


def test_a_case_read_through_the_policy_costs_no_second_query_to_ask_may(make_case, employee):
    case = make_case()
    user = _fresh(employee)
    read = access.case_or_404(user, case.pk)
    with CaptureQueriesContext(connection) as queries:
        assert may(user, Action.WORK_ON, read) and may(user, Action.DECIDE, read)
    assert len(queries) == 0


def test_the_reads_it_grants_are_audited_and_refused_as_before(make_case, employee, make_user):
    case = make_case()
    before = AuditEvent.objects.count()
    read = access.case_for_read(_fresh(employee), case.pk, detail="x")
    assert read.pk == case.pk
    event = AuditEvent.objects.latest("id")
    assert (event.kind, event.case_id, event.detail) == (CaseAudit.CASE_VIEWED, case.pk, "x")
    access.case_for_action(
        _fresh(employee), case.pk, Action.WORK_ON, detail="note_add", audit_read=False
    )
    access.case_for_export(_fresh(employee), case.pk, Action.READ, detail="case_pdf:1")
    assert AuditEvent.objects.latest("id").kind == CaseAudit.DOCUMENT_EXPORTED
    assert AuditEvent.objects.count() == before + 2
    colleague = make_user(Role.EMPLOYEE)
    with pytest.raises(Http404):
        access.case_for_read(colleague, case.pk)
    assert AuditEvent.objects.latest("id").detail == "not_visible"  # outside a request: at once
    with pytest.raises(PermissionDenied):  # sees it, but the access log is for leaders
        access.case_for_action(
            _fresh(employee), case.pk, Action.SEE_ACCESS_LOG, detail="access_log", audit_read=True
        )
    event = AuditEvent.objects.latest("id")
    assert (event.kind, event.detail) == ("access_refused", "access_log")


def test_the_case_page_sections_are_what_the_orm_reads_fresh(
    make_case, employee, school, consent_for
):
    """The case page's one query hands its sections to the case as `page_<relation>` lists: each
    must equal what the ORM itself reads, field by field, so a change in Django's own
    loading shows here first."""
    case = make_case()
    consent_for(case, school)
    page = access.case_for_read(_fresh(employee), case.pk)
    fresh = Case.objects.get(pk=case.pk)
    with CaptureQueriesContext(connection) as queries:
        loaded = {
            name: list(getattr(page, f"page_{name}"))
            for name in ("concerns", "consents", "involvements", "decisions", "reports",
                         "step_checks", "coordinations", "meetings", "measures")
        }  # fmt: skip
        loaded["guardians"] = list(page.page_guardians)
        services = [list(c.page_services) for c in loaded["consents"]]
        related = [i.service for i in loaded["involvements"]]
        related += [c.created_by for c in loaded["concerns"]]
    assert len(queries) == 0
    assert loaded["consents"] and loaded["concerns"] and loaded["guardians"]
    for name, rows in loaded.items():
        owner = fresh.child if name == "guardians" else fresh
        orm = list(getattr(owner, name).all())
        assert [r.pk for r in rows] == sorted(
            (r.pk for r in orm), key=[r.pk for r in rows].index
        ) and len(rows) == len(orm), name
        by_pk = {r.pk: r for r in orm}
        for row in rows:
            for field in row._meta.concrete_fields:
                if field.attname in row.__dict__:
                    assert getattr(row, field.attname) == getattr(by_pk[row.pk], field.attname), (
                        name,
                        field.name,
                    )
    assert services == [list(c.services.order_by("name")) for c in fresh.consents.order_by("id")]
    assert related and all(isinstance(r, (User, type(school))) for r in related)


_PRIVATE = re.compile(
    r"_state\.fields_cache|_result_cache|_prefetch_done|_prefetched_objects_cache|RawSQL\(|"
    r"\b_get_FIELD_display\b|compiled_once|compiled_condition"
)
# The access policy's one cache of compiled SQL, held to the ORM's fresh output by the test
# below. No module writes the ORM's private state (the case page's sections are plain lists).
ALLOWED = {
    "cases/access.py": {"RawSQL("},
    "bts/selectors.py": {"RawSQL("},  # the session user's memberships, tests/bts/test_selectors.py
}


def _sql(queryset) -> tuple[str, tuple]:
    # Only the grouping parentheses and spaces differ between an expression kept as SQL and
    # the same expression compiled in place.
    sql, params = queryset.query.sql_with_params()
    return re.sub(r"[\s()]", "", sql), tuple(params)


def test_the_policys_cached_sql_is_what_the_orm_compiles_fresh(
    make_case, employee, leader, make_user, school, consent_for
):
    from cases.case_page import sections_json

    case = make_case()
    consent_for(case, school)
    today = timezone.localdate()
    for user in (employee, leader, make_user(Role.LEADER, service=school)):
        scope = access._scope(user)
        fresh = Case.objects.filter(access._access_q(user.pk, scope), pk=case.pk)
        assert _sql(access.visible_case(user, case.pk)) == _sql(fresh)
        for args in ((50, "open", None, None, None), (50, "", 1, school.pk, (case.opened_at, 9))):
            rows = access._page_rows(user.pk, scope, *args)
            assert access._compiled_page(user.pk, scope, today, *args) == (
                rows.query.sql_with_params()[0],
                tuple(rows.query.sql_with_params()[1]),
            )
    fresh = Case.objects.annotate(**sections_json())
    assert _sql(Case.objects.annotate(**dict(access._compiled_sections()))) == _sql(fresh)


def test_no_hand_compiled_sql_or_private_orm_state_in_the_access_rule_or_the_selectors():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or "/management/" in rel:
                continue
            for match in _PRIVATE.finditer(path.read_text()):
                if match.group(0) not in ALLOWED.get(rel, set()):
                    found.append(f"{rel}: {match.group(0)}")
    assert not (ROOT / "bts" / "sql.py").exists()
    assert found == []
