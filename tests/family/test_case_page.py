"""The family's own page of a case: where it is in the guide's words, who holds it and how to
reach them, the meetings ahead, the measures, the decisions with their reasons and the relay
log; never a report to barnevern, never a case opened on the akutt path, never another
family's case."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bts.events import AccessAudit
from bts.models import AuditEvent, Role
from cases import services
from family.events import FamilyAudit
from tests.factories import MunicipalityFactory, home_municipality, meeting_ahead
from tests.family.sessions import family_session_key
from tests.journey import confirmed, to_decision_step

pytestmark = pytest.mark.django_db

REPORT_REASON = "Emma forteller om slag hjemme."


def as_family(client, *, children, guardians=None, youth=(), municipality=None) -> None:
    if guardians is None:  # the children's guardians with parental responsibility
        from cases.models import Guardian

        guardians = Guardian.objects.filter(
            child_id__in=children, has_parental_responsibility=True
        ).values_list("pk", flat=True)
    key = family_session_key(
        municipality_id=(municipality or home_municipality()).pk,
        guardians=guardians,
        children=children,
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    if youth:
        session = client.session
        data = session["bts_family"]
        session["bts_family"] = data | {"guardians": [], "youth": list(youth)}
        session.save()


@pytest.fixture
def emma_case(guide, employee, make_user):
    """Emma's case at nivå 1, with a meeting ahead, a measure, a decision and a report to
    barnevern; her holder has a work phone."""
    employee.phone = "32 00 00 01"
    employee.job_title = "Pedagogisk leder"
    employee.save()
    make_user(Role.LEADER)
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1)),
        guardians=[services.GuardianData("Lise Hansen", "mor")],
    )
    case = services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter i garderoben.", timezone.localdate(), "Ute", 2),
    )
    case = to_decision_step(case, employee)
    confirmed(
        services.case_decide(
            case=case,
            user=employee,
            to_level=1,
            reason="Vedvarende undring.",
            child_view="Emma vil ha mor med.",
        )
    )
    meeting_ahead(
        case, employee, place="Solsikken barnehage, møterommet", service=case.owner_service
    )
    services.measure_add(
        case=case,
        user=employee,
        description="Fast voksen tar imot Emma",
        goal="Emma går inn uten å gråte.",
        location="I barnehagen",
        responsible_service=case.owner_service,
        responsible_person=employee,
        starts_on=timezone.localdate(),
        evaluation_due=timezone.localdate() + dt.timedelta(days=21),
    )
    services.report_file(
        case=case,
        user=employee,
        reported_at=timezone.now(),
        channel="phone",
        reason=REPORT_REASON,
    )
    case.refresh_from_db()
    return case


def test_the_guardian_reads_the_case_in_plain_words(client, emma_case, employee):
    as_family(client, children=[emma_case.child_id])
    entry = client.get(reverse("family:entry")).content.decode()
    assert reverse("family:case", args=[emma_case.pk]) in entry

    response = client.get(reverse("family:case", args=[emma_case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    # Where the case is, in the guide's words, and what comes next.
    assert "Nivå 1" in page and f"trinn {emma_case.step_code}" in page
    assert "Deretter: trinn" in page
    # Who holds it and how to reach them at work.
    assert employee.get_full_name() in page and "32 00 00 01" in page
    # The meeting ahead, the measure and when it is evaluated, the decision and its reason.
    assert "Solsikken barnehage, møterommet" in page
    assert "Fast voksen tar imot Emma" in page
    assert "Vedvarende undring." in page
    # The relay log, without the report to barnevern.
    assert "Stafettloggen" in page
    assert REPORT_REASON not in page and "melding til barnevernet" not in page.lower()
    event = AuditEvent.objects.get(kind=FamilyAudit.FAMILY_CASE_VIEWED)
    guardian = emma_case.child.guardians.get()
    assert event.case_id == emma_case.pk and event.detail == f"guardian:{guardian.pk}"


def test_a_case_opened_on_the_akutt_path_is_never_the_family_s(client, guide, employee):
    case = services.case_open_with_report(
        user=employee,
        service=employee.memberships.first().service,
        child=services.ChildData("Nora", "Berg", dt.date(2018, 1, 23)),
        reported_at=timezone.now(),
        channel="phone",
        reason=REPORT_REASON,
    )
    as_family(client, children=[case.child_id])
    entry = client.get(reverse("family:entry")).content.decode()
    assert reverse("family:case", args=[case.pk]) not in entry
    assert "Ingen sak å vise her nå." in entry
    response = client.get(reverse("family:case", args=[case.pk]))
    assert response.status_code == 404
    assert REPORT_REASON not in response.content.decode()
    refusal = AuditEvent.objects.get(kind=AccessAudit.ACCESS_REFUSED)
    assert refusal.case_id == case.pk and refusal.detail == "family_case"


def test_another_family_s_case_is_a_404_and_audited(client, emma_case, employee):
    other_child = services.child_create(
        user=employee, child=services.ChildData("Jonas", "Berg", dt.date(2018, 2, 2))
    )
    as_family(client, children=[other_child.pk])
    response = client.get(reverse("family:case", args=[emma_case.pk]))
    assert response.status_code == 404
    assert "Emma" not in response.content.decode()
    assert AuditEvent.objects.filter(kind=AccessAudit.ACCESS_REFUSED, case_id=emma_case.pk).exists()
    assert not AuditEvent.objects.filter(kind=FamilyAudit.FAMILY_CASE_VIEWED).exists()


def test_a_session_of_another_municipality_does_not_reach_the_case(client, emma_case):
    as_family(client, children=[emma_case.child_id], municipality=MunicipalityFactory())
    assert client.get(reverse("family:case", args=[emma_case.pk])).status_code == 404


def test_a_young_person_reads_their_own_case(client, emma_case):
    as_family(client, children=[emma_case.child_id], youth=[emma_case.child_id])
    assert client.get(reverse("family:case", args=[emma_case.pk])).status_code == 200
    event = AuditEvent.objects.get(kind=FamilyAudit.FAMILY_CASE_VIEWED)
    assert event.detail == f"youth:{emma_case.child_id}"


def test_without_a_family_session_the_case_page_sends_to_the_sign_in(client, emma_case):
    response = client.get(reverse("family:case", args=[emma_case.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("family:entry")


def test_a_staff_session_gets_no_family_case_page(employee_client, emma_case):
    response = employee_client.get(reverse("family:case", args=[emma_case.pk]))
    assert response.status_code == 403


def test_the_case_page_takes_a_fixed_number_of_queries(
    client, emma_case, django_assert_max_num_queries
):
    as_family(client, children=[emma_case.child_id])
    client.get(reverse("family:case", args=[emma_case.pk]))  # the guide, once per process
    # Its sections: the case, meetings (with services and answers), measures, decisions, the
    # session's guardian, the log, the access log, consents, the shared referater; and the
    # session, the audit event and a savepoint's two.
    with django_assert_max_num_queries(15):
        assert client.get(reverse("family:case", args=[emma_case.pk])).status_code == 200


def test_the_family_s_list_takes_a_fixed_number_of_queries(
    client, emma_case, employee, django_assert_max_num_queries
):
    more = [
        services.child_create(
            user=employee, child=services.ChildData(name, "Hansen", dt.date(2017, 1, 1))
        ).pk
        for name in ("Jonas", "Sara")
    ]
    as_family(client, children=[emma_case.child_id, *more])
    client.get(reverse("family:entry"))
    # The session, the children with their cases, and the address confirmed for notices.
    with django_assert_max_num_queries(6):
        assert client.get(reverse("family:entry")).status_code == 200


def test_the_family_sees_who_has_read_the_case(client, emma_case, employee):
    as_family(client, children=[emma_case.child_id])
    client.get(reverse("family:case", args=[emma_case.pk]))
    page = client.get(reverse("family:case", args=[emma_case.pk])).content.decode()
    section = page[page.index('id="family-access"') :]
    assert employee.get_full_name() in section  # the holder, who registered and changed it
    assert "familien (ID-porten)" in section  # and the family's own reads


def test_the_family_downloads_the_access_report(client, emma_case):
    as_family(client, children=[emma_case.child_id])
    response = client.get(reverse("family:access_report", args=[emma_case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(kind=FamilyAudit.FAMILY_DOCUMENT_EXPORTED)
    guardian = emma_case.child.guardians.get()
    assert event.case_id == emma_case.pk and event.detail == f"access_report;guardian:{guardian.pk}"


def test_another_family_gets_no_access_report(client, emma_case, employee):
    other = services.child_create(
        user=employee, child=services.ChildData("Jonas", "Berg", dt.date(2018, 2, 2))
    )
    as_family(client, children=[other.pk])
    assert client.get(reverse("family:access_report", args=[emma_case.pk])).status_code == 404
    assert not AuditEvent.objects.filter(kind=FamilyAudit.FAMILY_DOCUMENT_EXPORTED).exists()


def test_the_page_shows_the_newest_hundred_reads_the_report_has_them_all(client, emma_case):
    from family.selectors import ACCESS_LOG_SHOWN

    AuditEvent.objects.bulk_create(
        AuditEvent(kind="case_viewed", case_id=emma_case.pk, detail=f"n{i}") for i in range(120)
    )
    as_family(client, children=[emma_case.child_id])
    page = client.get(reverse("family:case", args=[emma_case.pk])).content.decode()
    section = page[page.index('id="family-access"') :]
    assert section.count('<li class="bts-family__item">') == ACCESS_LOG_SHOWN
    # Newest first: this very read heads the list.
    first = section.index('<li class="bts-family__item">')
    assert "familien (ID-porten)" in section[first : first + 300]


def test_a_closed_case_says_when_it_was_closed(client, emma_case, employee):
    from levels.rules import CLOSED
    from tests.journey import close_through, decide

    decide(emma_case, employee, CLOSED, "Emma har det bra nå.")
    closed = close_through(emma_case, employee)
    as_family(client, children=[closed.child_id])
    entry = client.get(reverse("family:entry")).content.decode()
    assert "avsluttet" in entry
    page = client.get(reverse("family:case", args=[closed.pk])).content.decode()
    assert f"Saken ble avsluttet {timezone.localtime(closed.closed_at):%d.%m.%Y}." in page
    assert "Deretter: trinn" not in page


def test_innsyn_never_tells_of_the_report_to_barnevern(client, emma_case, make_user):
    """The report filed, its PDF exported, barnevern's own staff reading the case: none of it in
    the family's access log or access report; the municipality's own report has it."""
    from bts.models import Service
    from cases.reports import access_report_pdf
    from cases.selectors import access_events
    from tests.factories import ServiceFactory

    barnevern = ServiceFactory(name="Barneverntjenesten", kind=Service.Kind.CHILD_PROTECTION)
    worker = make_user(Role.EMPLOYEE, service=barnevern, first_name="Bente", last_name="Barnevern")
    AuditEvent.objects.create(
        actor=worker, case_id=emma_case.pk, kind="case_viewed", detail="detail"
    )
    as_family(client, children=[emma_case.child_id])
    page = client.get(reverse("family:case", args=[emma_case.pk])).content.decode().lower()
    section = page[page.index('id="family-access"') :]
    assert "melding til barnevernet" not in section and "bente" not in section
    pdf = client.get(reverse("family:access_report", args=[emma_case.pk])).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).lower()
    assert "melding til barnevernet" not in text and "bente" not in text
    assert "familien (id-porten)" in text  # the family's own reads are there
    # The municipality's own access report has it all.
    full = access_report_pdf(
        emma_case, access_events(emma_case), start=None, end=None, request=None
    )
    full_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(full)).pages).lower()
    assert "melding til barnevernet" in full_text and "bente" in full_text
