import datetime as dt
import re
import uuid
from urllib.parse import unquote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bts.events import AccessAudit
from bts.models import AuditEvent, Role
from cases.events import CaseAudit
from cases.models import Case, Child, RelayEntry
from tests.cases.conftest import decide, to_decision_step

pytestmark = pytest.mark.django_db
FNR = "26111593816"  # python-stdnum's example number (born 2015)


def concern_post(**extra) -> dict:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "observation": "Kom uten matpakke fire dager denne uka.",
        "observed_on": "2026-11-20",
        "setting": "Ved lunsj",
        "worry": "2",
        **extra,
    }


def child_post(**extra) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "first_name": "Emma",
        "last_name": "Hansen",
        "birth_date": "2020-03-14",
        "national_id": "",
        "guardians-TOTAL_FORMS": "2",
        "guardians-INITIAL_FORMS": "0",
        "guardians-MIN_NUM_FORMS": "0",
        "guardians-MAX_NUM_FORMS": "4",
        "guardians-0-name": "Lise Hansen",
        "guardians-0-relation": "mor",
        "guardians-0-has_parental_responsibility": "on",
        "guardians-1-has_parental_responsibility": "on",
    }
    return data | extra


def test_register_an_undring_from_the_akutt_question_to_the_case_page(employee_client, guide):
    response = employee_client.post(reverse("cases:new"), {"acute": "nei"})
    assert response["Location"] == reverse("cases:child")
    search = employee_client.post(reverse("cases:child"), {"q": "Emma"})
    assert search.status_code == 200 and "Ingen treff" in search.text

    response = employee_client.post(reverse("cases:child_new"), child_post(national_id=FNR))
    child = Child.objects.get()
    assert response["Location"] == reverse("cases:concern_new", args=[child.pk])
    assert child.guardians.get().name == "Lise Hansen"

    response = employee_client.post(response["Location"], concern_post())
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])

    page = employee_client.get(response["Location"]).text
    assert "Saken om Emma Hansen" in page
    assert "261115 *****" in page
    assert FNR not in page
    assert "0.1 Undring oppstår" in page
    assert "Undring registrert" in page


def test_akutt_yes_leads_to_the_report_with_the_numbers(employee_client, guide):
    response = employee_client.post(reverse("cases:new"), {"acute": "ja"})
    assert response["Location"] == reverse("cases:acute")
    page = employee_client.get(reverse("cases:acute")).text
    assert "Foresatte skal ikke involveres" in page
    assert 'href="tel:47663707"' in page

    response = employee_client.post(
        reverse("cases:acute"),
        {
            "child-first_name": "Emma", "child-last_name": "Hansen",
            "child-birth_date": "2020-03-14", "child-national_id": "",
            "report-idempotency_key": str(uuid.uuid4()),
            "report-reported_at": "2026-11-23T10:15", "report-channel": "phone",
            "report-reason": "Forteller om slag hjemme.",
        },
    )  # fmt: skip
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert list(case.relay_entries.values_list("kind", flat=True)) == [RelayEntry.Kind.REPORT]
    assert mail.outbox == []


def test_a_missing_answer_gets_a_norwegian_message_next_to_the_field(employee_client, guide):
    page = employee_client.post(reverse("cases:new"), {}).text
    assert 'id="id_acute_error"' in page
    assert "Feltet er påkrevet" in page


def test_bad_identity_number_is_refused_next_to_the_field_and_creates_nothing(
    employee_client, guide
):
    page = employee_client.post(
        reverse("cases:child_new"), child_post(national_id="26111593817")
    ).text
    assert 'id="id_national_id_error"' in page
    assert "Kontrollsifrene stemmer ikke" in page
    assert not Child.objects.exists()


def test_a_form_with_two_errors_sums_them_up_as_links_to_the_fields(employee_client, guide):
    page = employee_client.post(
        reverse("cases:child_new"), child_post(first_name="", last_name="")
    ).text
    opening = re.search(r'<div class="ds-alert bts-error-summary"[^>]*>', page)[0]
    assert 'tabindex="-1"' in opening and "data-focus-on-load" in opening
    summary = page.split(opening, 1)[1].split("</div>", 1)[0]
    assert re.findall(r'<a class="ds-link" href="(#[^"]+)">', summary) == [
        "#id_first_name",
        "#id_last_name",
    ]
    assert 'id="id_first_name"' in page and 'id="id_last_name"' in page
    assert not Child.objects.exists()


def test_a_possible_duplicate_is_shown_before_a_second_child_is_created(
    employee_client, guide, make_case
):
    existing = make_case().child
    page = employee_client.post(reverse("cases:child_new"), child_post()).text
    assert 'id="duplicates"' in page
    assert reverse("cases:concern_new", args=[existing.pk]) in page
    assert Child.objects.count() == 1

    response = employee_client.post(reverse("cases:child_new"), child_post(confirm_new="on"))
    assert response.status_code == 302
    assert Child.objects.count() == 2


def test_a_double_submitted_undring_opens_one_case(employee_client, guide, make_case):
    child = make_case().child
    data = concern_post()
    url = reverse("cases:concern_new", args=[child.pk])
    first, second = employee_client.post(url, data), employee_client.post(url, data)
    assert first["Location"] == second["Location"]
    assert Case.objects.filter(child=child).count() == 2  # the fixture's own case + one


def test_identity_number_never_reaches_a_url_or_the_audit_log(employee_client, guide):
    response = employee_client.post(reverse("cases:child_new"), child_post(national_id=FNR))
    assert FNR not in response["Location"]
    response = employee_client.post(response["Location"], concern_post())
    assert FNR not in response["Location"]
    employee_client.get(response["Location"])
    for event in AuditEvent.objects.all():
        assert FNR not in f"{event.detail} {event.reason}"
    assert AuditEvent.objects.filter(kind=CaseAudit.CASE_CREATED).count() == 1


CASE_URLS = [
    ("cases:detail", "get"),
    ("cases:concern_add", "get"),
    ("cases:consent_new", "get"),
    ("cases:involve", "get"),
    ("cases:decide", "get"),
    ("cases:report", "get"),
    ("cases:step_done", "post"),
    ("cases:note_add", "post"),
    ("cases:decide", "post"),
    ("cases:report", "post"),
]


@pytest.mark.parametrize("name,method", CASE_URLS, ids=[f"{m}-{n}" for n, m in CASE_URLS])
def test_another_services_case_is_a_404_never_a_403(client, make_case, make_user, school, name,
                                                     method):  # fmt: skip
    case = make_case()
    client.force_login(make_user(Role.LEADER, service=school))
    response = getattr(client, method)(reverse(name, args=[case.pk]), {})
    assert response.status_code == 404
    assert Case.objects.get().relay_entries.count() == 1


def test_a_colleague_without_part_in_the_case_gets_404(client, make_case, make_user):
    case = make_case()
    client.force_login(make_user(Role.EMPLOYEE))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_municipal_leader_cannot_register_or_read_cases(client, make_case, make_user):
    case = make_case()
    client.force_login(make_user(Role.MUNICIPAL_LEADER))
    assert client.get(reverse("cases:new")).status_code == 403
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_leader_can_decide_on_the_service_case(client, make_case, leader):
    case = to_decision_step(make_case(), leader)
    client.force_login(leader)
    response = client.post(
        reverse("cases:decide", args=[case.pk]),
        {"idempotency_key": str(uuid.uuid4()), "step_code": "0.4", "to_level": "1",
         "reason": "Grunn til tiltak.", "child_view": "Vil ha hjelp."},
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.level == 1


def test_a_decision_from_a_stale_page_is_refused_with_a_message(client, make_case, leader):
    case = to_decision_step(make_case(), leader)
    decide(case, leader, 1, "Allerede besluttet.")
    client.force_login(leader)
    page = client.post(
        reverse("cases:decide", args=[case.pk]),
        {"idempotency_key": str(uuid.uuid4()), "step_code": "0.4", "to_level": "1",
         "reason": "Fra en gammel fane.", "child_view": "Vil ha hjelp."},
    ).text  # fmt: skip
    assert "Saken har endret seg siden du åpnet siden" in page
    assert case.decisions.count() == 1


def test_a_refused_move_is_explained_next_to_the_choice(employee_client, make_case):
    case = make_case()
    decide(case, case.responsible, 1, "Ja.")
    case = to_decision_step(case, case.responsible)
    page = employee_client.post(
        reverse("cases:decide", args=[case.pk]),
        {"idempotency_key": str(uuid.uuid4()), "step_code": "1.4", "to_level": "2",
         "reason": "Skolen trengs.", "child_view": "Vil ha hjelp."},
    ).text  # fmt: skip
    assert 'id="id_to_level_error"' in page
    assert "minst én annen tjeneste" in page
    case.refresh_from_db()
    assert case.level == 1


def test_involving_a_service_without_consent_is_refused_with_a_clear_message(
    employee_client, make_case, school
):
    case = make_case()
    page = employee_client.post(
        reverse("cases:involve", args=[case.pk]), {"service": school.pk}
    ).text
    assert "Eikebakken skole kan ikke tas med i saken før foresatte har gitt samtykke" in page
    assert not case.involvements.exists()


def test_relay_log_filter_as_an_htmx_fragment(employee_client, make_case):
    case = make_case()
    from cases import services

    services.note_add(case=case, user=case.responsible, text="Ringte mor.")
    url = reverse("cases:detail", args=[case.pk])
    response = employee_client.get(
        url, {"type": "note"}, headers={"HX-Request": "true", "HX-Target": "relay-log"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" not in response.text
    assert response.text.strip().startswith('<ol class="ds-list--unstyled bts-log" id="relay-log"')
    assert "Ringte mor." in response.text and "Undring registrert i" not in response.text
    assert response["Cache-Control"] == "no-store"


def test_each_read_of_the_case_writes_exactly_one_audit_event(employee_client, make_case):
    case = make_case()
    url = reverse("cases:detail", args=[case.pk])
    before = AuditEvent.objects.filter(case_id=case.pk).count()
    employee_client.get(url)
    employee_client.get(url, headers={"HX-Request": "true", "HX-Target": "relay-log"})
    events = AuditEvent.objects.filter(case_id=case.pk).order_by("id")[before:]
    assert [(e.kind, e.detail) for e in events] == [
        ("case_viewed", ""),
        ("case_viewed", "fragment:log"),
    ]
    assert all(e.request_id and e.actor_id for e in events)


def test_audit_events_cannot_be_changed_or_deleted(make_case):
    from django.db import DatabaseError, transaction

    # The app's role has no UPDATE or DELETE on the table; the trigger refuses the owner too.
    REFUSED = r"append-only|permission denied for table bts_auditevent"

    make_case()
    event = AuditEvent.objects.create(kind=CaseAudit.CASE_VIEWED, case_id=1)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="endret")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_start_page_lists_my_cases_with_overdue_decisions(employee_client, make_case):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(decision_due=timezone.localdate() - dt.timedelta(1))
    page = employee_client.get(reverse("start")).text
    assert reverse("cases:detail", args=[case.pk]) in page
    assert "Forfalt" in page


def _bulk_log(case, n: int) -> None:
    RelayEntry.objects.bulk_create(
        RelayEntry(case=case, actor=case.responsible, kind="note", level=0, text=f"Notat {i}")
        for i in range(n)
    )


def test_case_page_keeps_a_fixed_query_count_with_a_long_log(
    employee_client, make_case, django_assert_max_num_queries
):
    case = make_case()
    _bulk_log(case, 250)
    # As tests/cases/test_measures.py: 7 queries, and the guide's 4 that a process caches, and
    # the ATOMIC_REQUESTS savepoint with its release.
    with django_assert_max_num_queries(13) as queries:
        page = employee_client.get(reverse("cases:detail", args=[case.pk])).text
    assert "Notat 249" in page
    count = len(queries)
    _bulk_log(case, 250)
    with django_assert_max_num_queries(count):
        employee_client.get(reverse("cases:detail", args=[case.pk]))


def test_start_page_keeps_a_fixed_query_count_with_many_cases(
    employee_client, make_case, django_assert_max_num_queries
):
    for i in range(55):
        make_case(first_name=f"Barn{i}")
    # The same as with one case (tests/bts/test_views.py): nothing per case.
    with django_assert_max_num_queries(13):  # + ATOMIC_REQUESTS savepoint
        page = employee_client.get(reverse("start")).text
    assert len(re.findall(r'href="/saker/\d+/"', page)) == 50
    assert page.count("Nivå 0 · 0.1 Undring oppstår") == 50  # each step with its title
    assert "Du har flere åpne saker." in page


def test_double_submitted_note_and_concern_make_one_each(employee_client, make_case):
    case = make_case()
    note = {"idempotency_key": str(uuid.uuid4()), "text": "Ringte mor."}
    for _ in range(2):
        employee_client.post(reverse("cases:note_add", args=[case.pk]), note)
    concern = concern_post(observation="Ny observasjon.")
    for _ in range(2):
        employee_client.post(reverse("cases:concern_add", args=[case.pk]), concern)
    assert case.relay_entries.filter(kind="note").count() == 1
    assert case.concerns.filter(observation="Ny observasjon.").count() == 1
    assert case.relay_entries.filter(kind="concern").count() == 1


def test_child_search_finds_by_post_so_no_name_reaches_a_url(employee_client, make_case):
    case = make_case()
    page = employee_client.post(reverse("cases:child"), {"q": "emma"}).text
    assert reverse("cases:concern_new", args=[case.child.pk]) in page
    assert 'method="post"' in employee_client.get(reverse("cases:child")).text


def test_the_log_fragment_reads_only_the_case_and_its_log(
    employee_client, make_case, django_assert_max_num_queries
):
    from levels.selectors import active_guide

    case = make_case()
    headers = {"HX-Request": "true", "HX-Target": "relay-log"}
    # The guide, whose language form every response is in, is kept by the process
    # (levels.selectors.active_guide), not read per request: have it, as a running process has.
    active_guide()
    # session, user, second factor's device, memberships, case, audit, log, + savepoints.
    with django_assert_max_num_queries(9):
        employee_client.get(reverse("cases:detail", args=[case.pk]), headers=headers)


def test_a_report_can_be_filed_on_a_closed_case(employee_client, make_case, employee):
    case = make_case()
    decide(case, employee, None, "Avklart.")
    assert (
        reverse("cases:report", args=[case.pk])
        in employee_client.get(reverse("cases:detail", args=[case.pk])).text
    )
    response = employee_client.post(
        reverse("cases:report", args=[case.pk]),
        {"idempotency_key": str(uuid.uuid4()), "reported_at": "2026-11-23T10:00",
         "channel": "phone", "reason": "Ny opplysning etter avslutning."},
    )  # fmt: skip
    assert response.status_code == 302
    assert case.reports.count() == 1


def test_the_whole_relay_log_is_reachable_page_by_page(
    employee_client, make_case, django_assert_max_num_queries
):
    from cases.selectors import LOG_PAGE

    case = make_case()
    _bulk_log(case, 119)  # 120 entries with the opening one
    url = reverse("cases:detail", args=[case.pk])
    page = employee_client.get(url).text
    assert page.count('class="bts-log__entry"') == LOG_PAGE
    older = re.search(r'eldre=([^"#&]+)', page)[1]

    more = {"HX-Request": "true", "HX-Target": "relay-log-more"}
    seen = LOG_PAGE
    while older:
        with django_assert_max_num_queries(9):
            fragment = employee_client.get(url, {"eldre": unquote(older)}, headers=more).text
        assert "<ol" not in fragment  # only the next entries, appended in place
        seen += fragment.count('class="bts-log__entry"')
        match = re.search(r'eldre=([^"#&]+)', fragment)
        older = match[1] if match else ""
    assert seen == 120
    assert "Undring registrert i" in fragment  # the oldest entry, on the last page

    # Without JavaScript the same link opens the case page at the older entries: the first
    # page held Notat 118 back to Notat 119 - LOG_PAGE.
    no_js = employee_client.get(url, {"eldre": unquote(re.search(r'eldre=([^"#&]+)', page)[1])})
    assert f"Notat {118 - LOG_PAGE}<" in no_js.text
    assert f"Notat {119 - LOG_PAGE}<" not in no_js.text


def _acute_post(**extra) -> dict:
    return {
        "child-first_name": "Emma", "child-last_name": "Hansen",
        "child-birth_date": "2020-03-14", "child-national_id": "",
        "report-idempotency_key": str(uuid.uuid4()),
        "report-reported_at": "2026-11-23T10:15", "report-channel": "phone",
        "report-reason": "Forteller om slag hjemme.",
        **extra,
    }  # fmt: skip


def test_akutt_path_shows_a_possible_duplicate_and_can_use_the_registered_child(
    employee_client, make_case
):
    existing = make_case().child
    page = employee_client.post(reverse("cases:acute"), _acute_post()).text
    assert 'id="duplicates"' in page and f'value="{existing.pk}"' in page
    assert Child.objects.count() == 1 and Case.objects.count() == 1

    response = employee_client.post(
        reverse("cases:acute"), _acute_post(existing_child=str(existing.pk))
    )
    assert response.status_code == 302
    assert Child.objects.count() == 1
    assert Case.objects.filter(child=existing).count() == 2


def test_akutt_path_creates_another_child_only_when_confirmed(employee_client, make_case):
    make_case()
    employee_client.post(reverse("cases:acute"), _acute_post(**{"child-confirm_new": "on"}))
    assert Child.objects.count() == 2


def test_the_leader_sees_who_read_the_case_and_the_employee_does_not(
    client, employee_client, make_case, leader
):
    case = make_case()
    employee_client.get(reverse("cases:detail", args=[case.pk]))
    url = reverse("cases:access_log", args=[case.pk])
    assert employee_client.get(url).status_code == 403
    client.force_login(leader)
    page = client.get(url).text
    # The read above, and the creation the case service wrote when the fixture opened the case.
    assert "Sak lest" in page and "Sak opprettet" in page
    assert str(case.responsible) in page
    assert (
        reverse("cases:access_log", args=[case.pk])
        in client.get(reverse("cases:detail", args=[case.pk])).text
    )


def test_refused_attempts_are_logged_although_the_request_is_rolled_back(
    client, make_case, make_user, school
):
    case = make_case()
    principal = make_user(Role.LEADER, service=school)
    client.force_login(principal)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:note_add", args=[case.pk]), {"text": "x"}).status_code == 404
    refused = AuditEvent.objects.filter(kind=AccessAudit.ACCESS_REFUSED)
    assert [(e.actor_id, e.case_id, e.detail) for e in refused.order_by("id")] == [
        (principal.pk, case.pk, "not_visible"),
        (principal.pk, case.pk, "not_visible"),
    ]
    assert not AuditEvent.objects.filter(kind=CaseAudit.CASE_VIEWED, actor=principal)

    client.force_login(make_user(Role.MUNICIPAL_LEADER))
    assert client.get(reverse("cases:new")).status_code == 403
    assert refused.filter(detail="register").count() == 1


def test_the_access_log_pages_back_in_time(client, make_case, leader):
    from cases.selectors import ACCESS_LOG_PAGE

    case = make_case()
    AuditEvent.objects.bulk_create(
        AuditEvent(kind=CaseAudit.CASE_VIEWED, case_id=case.pk, detail=f"lesing {i}")
        for i in range(ACCESS_LOG_PAGE + 5)
    )
    client.force_login(leader)
    url = reverse("cases:access_log", args=[case.pk])
    first = client.get(url).text
    assert first.count("<tr><td>") == ACCESS_LOG_PAGE
    older = re.search(r"eldre=(\d+)", first)[1]
    second = client.get(url, {"eldre": older}).text
    assert "lesing 0<" in second and "lesing 104<" not in second
    assert "eldre=" not in second


def test_the_access_log_keeps_a_fixed_query_count_with_more_than_a_page(
    client, make_case, make_user, leader, django_assert_max_num_queries
):
    from cases.selectors import ACCESS_LOG_PAGE

    case = make_case()
    readers = [make_user(Role.EMPLOYEE) for _ in range(3)]

    def read(n: int) -> None:
        AuditEvent.objects.bulk_create(
            AuditEvent(
                kind=CaseAudit.CASE_VIEWED,
                actor=readers[i % 3],
                role=Role.EMPLOYEE,
                case_id=case.pk,
                detail="page",
            )
            for i in range(n)
        )

    read(ACCESS_LOG_PAGE + 5)
    client.force_login(leader)
    url = reverse("cases:access_log", args=[case.pk])
    client.get(reverse("start"))  # the guide in the process cache, as a running server has it
    # session, user, the case, the page of events with their actors, the audit event, the
    # savepoint and its release: 8, whoever read it and however long the log is.
    with django_assert_max_num_queries(8) as queries:
        page = client.get(url).text
    assert page.count("<tr><td>") == ACCESS_LOG_PAGE
    count = len(queries)
    read(3 * ACCESS_LOG_PAGE)
    with django_assert_max_num_queries(count):
        client.get(url)


def _step_events(case) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(case_id=case.pk, kind=CaseAudit.CASE_CHANGED)
        .order_by("id")
        .values_list("kind", "detail")
    )


def test_a_step_is_audited_as_changed_only_when_it_was_done(employee_client, make_case):
    """A refused step (a decision step is decided, not completed) and a repeated one (the case
    has moved on) change nothing and write no "case changed" event; a real step writes one."""
    from cases import services

    case = make_case()
    url = reverse("cases:step_done", args=[case.pk])
    posted = {"step_code": "0.1", "summary": "", "skip_reason": "Drøftet muntlig."}
    assert employee_client.post(url, posted).status_code == 302
    assert _step_events(case) == [("case_changed", "step")]

    employee_client.post(url, posted)  # stale: already done
    assert _step_events(case) == [("case_changed", "step")]

    for code in ("0.2", "0.3"):
        services.step_complete(
            case=case, user=case.responsible, step_code=code, summary="", skip_reason="Gjort."
        )
    before = _step_events(case)
    response = employee_client.post(url, {"step_code": "0.4", "summary": ""}, follow=True)
    assert "Dette trinnet avsluttes med en beslutning." in response.text
    case.refresh_from_db()
    assert case.step_code == "0.4"
    assert _step_events(case) == before


def test_a_form_page_names_its_case_and_leads_back_to_it(employee_client, make_case):
    case = make_case()
    response = employee_client.get(reverse("cases:concern_add", args=[case.pk]))
    assert response.status_code == 200
    detail = reverse("cases:detail", args=[case.pk])
    assert f"<title>Konkretiser undringen – sak {case.pk} – BTS" in response.text
    assert f'<a class="ds-link" href="{detail}">Saken om {case.child}</a>' in response.text
    assert f'<a class="ds-link" href="{detail}">Avbryt</a>' in response.text


def test_the_child_form_asks_for_two_guardians_with_the_note_on_consent(employee_client):
    page = employee_client.get(reverse("cases:child_new")).text
    assert page.count('<legend class="ds-heading" data-size="sm">Foresatt ') == 2
    assert page.count("Bare foresatte med foreldreansvar kan samtykke på barnets vegne.") == 1
    assert 'name="guardians-TOTAL_FORMS"' in page and 'name="guardians-1-email"' in page
