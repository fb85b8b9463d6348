"""Familiehjelpa's pages through the Django client: forms, htmx fragments, conflicts, counts."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Child, RelayEntry
from familiehjelpa import selectors, services
from familiehjelpa.models import AdviceCall, DukenVersion, Inquiry, InquiryEvent

from .conftest import new_child
from .helpers import row_counts
from .test_services import DUKEN, MAPPING

pytestmark = pytest.mark.django_db
State = Inquiry.State


@pytest.fixture
def leader_client(client, team_leader, guide):
    client.force_login(team_leader)
    return client


def intake(school, **overrides) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "source": "service",
        "referring_service": str(school.pk),
        "caller_name": "Per Lærer",
        "caller_role": "kontaktlærer",
        "caller_phone": "91111111",
        "about": "Emma er mye borte fra skolen. Mor ønsker hjelp.",
        "urgency": "normal",
        "child_first_name": "Emma",
        "child_last_name": "Hansen",
        "child_birth_date": "2015-03-14",
        "guardians-TOTAL_FORMS": "2",
        "guardians-INITIAL_FORMS": "0",
        "guardians-MIN_NUM_FORMS": "0",
        "guardians-MAX_NUM_FORMS": "4",
        "guardians-0-name": "Lise Hansen",
        "guardians-0-relation": "mor",
        "guardians-0-has_parental_responsibility": "on",
    }
    return data | overrides


ORAL_POST = {
    "consent": "oral",
    "consent_oral_note": "Mor samtykket på telefon til kontaktlæreren i dag.",
    "consent_information": ["wellbeing", "family"],
}


def test_an_inquiry_on_a_familys_behalf_without_consent_is_refused_next_to_the_field(
    leader_client, school
):
    before = row_counts()
    response = leader_client.post(reverse("familiehjelpa:inquiry_new"), intake(school))
    assert response.status_code == 200
    error = re.search(r'id="id_consent_error">([^<]+)<', response.text)
    assert error, "the message stands beside the consent field"
    assert "krever familiens samtykke til samarbeid med familiehjelpa" in error.group(1)
    assert row_counts() == before


def test_an_inquiry_with_oral_consent_is_registered_once_however_often_it_is_sent(
    leader_client, school
):
    data = intake(school, **ORAL_POST)
    first = leader_client.post(reverse("familiehjelpa:inquiry_new"), data)
    second = leader_client.post(reverse("familiehjelpa:inquiry_new"), data)
    inquiry = Inquiry.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("familiehjelpa:detail", args=[inquiry.pk])
    )
    assert (Child.objects.count(), Case.objects.count()) == (1, 1)
    assert inquiry.links.get().case.consents.get().form == "oral"


def test_an_oral_consent_needs_its_note(leader_client, school):
    data = intake(school, **(ORAL_POST | {"consent_oral_note": ""}))
    response = leader_client.post(reverse("familiehjelpa:inquiry_new"), data)
    assert 'id="id_consent_oral_note_error"' in response.text
    assert not Inquiry.objects.exists()


def test_a_child_familiehjelpa_knows_is_found_before_a_second_is_made(
    leader_client, register, school
):
    known = register(child=new_child()).links.get().case
    data = intake(school, **ORAL_POST)
    response = leader_client.post(reverse("familiehjelpa:inquiry_new"), data)
    assert "Kan barnet være registrert allerede?" in response.text
    assert Inquiry.objects.count() == 1
    response = leader_client.post(
        reverse("familiehjelpa:inquiry_new"), data | {"existing_child": str(known.child_id)}
    )
    assert response.status_code == 302
    assert Child.objects.count() == 1 and Case.objects.count() == 1
    assert Inquiry.objects.latest("pk").links.get().case == known


def test_a_child_like_a_known_one_is_made_when_the_user_says_it_is_another(
    leader_client, register, school
):
    known = register(child=new_child()).links.get().case
    data = intake(school, **ORAL_POST) | {"confirm_new": "on"}
    response = leader_client.post(reverse("familiehjelpa:inquiry_new"), data)
    assert response.status_code == 302
    assert Child.objects.count() == 2
    assert Inquiry.objects.latest("pk").links.get().case != known


def test_an_advice_call_stores_nothing_of_what_identifies(client, contact, guide):
    client.force_login(contact)
    response = client.post(
        reverse("familiehjelpa:advice_new"),
        {
            "idempotency_key": str(uuid.uuid4()),
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "caller_kind": "school",
            "topics": ["attendance"],
            # Whatever a crafted request sends, there is nowhere to keep it.
            "caller_name": "Per Lærer",
            "child_first_name": "Emma",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("start")
    call = AdviceCall.objects.get()
    stored = " ".join(str(getattr(call, f.attname)) for f in AdviceCall._meta.concrete_fields)
    assert "Per" not in stored and "Emma" not in stored
    assert not Inquiry.objects.exists() and not Child.objects.exists()


# --- The board and its htmx moves ----------------------------------------------------------------

HTMX_BOARD = {"HX-Request": "true", "HX-Target": "board"}


def test_an_htmx_move_returns_the_board_with_the_card_in_its_new_column(
    leader_client, school_inquiry
):
    response = leader_client.post(
        reverse("familiehjelpa:move", args=[school_inquiry.pk]),
        {"to_state": State.MAPPING, "seen_state": State.NEW},
        headers=HTMX_BOARD,
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert response["Vary"].count("HX-Request")
    mapping_column = response.text.split('id="column-kartlegging"')[1].split("</section>")[0]
    assert f'id="inquiry-{school_inquiry.pk}"' in mapping_column
    assert f"Henvendelse {school_inquiry.pk} er flyttet." in response.text
    school_inquiry.refresh_from_db()
    assert school_inquiry.state == State.MAPPING


def test_a_stale_htmx_move_shows_why_and_moves_nothing(leader_client, school_inquiry, team_leader):
    services.inquiry_move(
        inquiry=school_inquiry, user=team_leader, to_state=State.MAPPING, seen_state=State.NEW
    )
    response = leader_client.post(
        reverse("familiehjelpa:move", args=[school_inquiry.pk]),
        {"to_state": State.CLOSED, "seen_state": State.NEW, "reason": "Feil."},
        headers=HTMX_BOARD,
    )
    assert 'role="alert"' in response.text and "flyttet av en annen" in response.text
    school_inquiry.refresh_from_db()
    assert school_inquiry.state == State.MAPPING


def test_a_plain_move_without_javascript_redirects_with_a_message(leader_client, school_inquiry):
    response = leader_client.post(
        reverse("familiehjelpa:move", args=[school_inquiry.pk]),
        {"to_state": State.CLOSED, "seen_state": State.NEW, "reason": "", "next": "tavle"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("familiehjelpa:board")
    assert "Skriv hvorfor." in response.text
    school_inquiry.refresh_from_db()
    assert school_inquiry.state == State.NEW


def test_the_move_from_the_inquiry_page_returns_its_status_card(leader_client, school_inquiry):
    response = leader_client.post(
        reverse("familiehjelpa:move", args=[school_inquiry.pk]),
        {"to_state": State.MAPPING, "seen_state": State.NEW},
        headers={"HX-Request": "true", "HX-Target": "inquiry-state"},
    )
    assert response.text.lstrip().startswith('<section class="ds-card bts-card"')
    assert "Kartlegging" in response.text


def test_the_board_keeps_a_fixed_query_count_with_more_than_a_page(
    leader_client, register, school, team_leader, django_assert_max_num_queries
):
    def fill(n):
        for i in range(n):
            inquiry = register(child=new_child(first=f"Barn{i}"))
            if i % 10 == 0:
                services.mapping_save(inquiry=inquiry, user=team_leader, data={}, version=0)
            elif i % 10 == 5:
                services.inquiry_move(
                    inquiry=inquiry,
                    user=team_leader,
                    to_state=State.CLOSED,
                    seen_state=State.NEW,
                    reason="Rett til helsestasjonen.",
                )

    fill(selectors.BOARD_COLUMN + 10)  # 28 new, 4 in mapping, 3 closed
    # session, user, device, memberships, column counts, working cards, closed cards, their
    # children, agenda, next barneteam, audit, guide, acute contacts, session save; and the
    # SAVEPOINT/RELEASE pairs of ATOMIC_REQUESTS and the session save.
    with django_assert_max_num_queries(18) as queries:
        page = leader_client.get(reverse("familiehjelpa:board")).text
    assert "Og 3 til." in page  # 25 of the 28 new are shown
    count = len(queries)
    fill(20)
    with django_assert_max_num_queries(count):
        leader_client.get(reverse("familiehjelpa:board"))


def test_the_inquiry_page_keeps_a_fixed_query_count(
    leader_client, school_inquiry, team_leader, contact, django_assert_max_num_queries
):
    inquiry = school_inquiry
    services.mapping_save(inquiry=inquiry, user=team_leader, data=MAPPING, version=0)

    def grow(n):
        for i in range(n):
            services.conversation_book(
                inquiry=inquiry,
                user=team_leader,
                starts_at=timezone.now() + dt.timedelta(days=i + 1),
                place=f"Rom {i}",
                family_attendees="Mor",
            )
            latest = inquiry.duken_versions.order_by("-number").first()
            services.duken_save(
                inquiry=inquiry,
                user=team_leader,
                data=DUKEN | {"now": f"Steg {i}"},
                based_on=latest.number if latest else 0,
            )
        InquiryEvent.objects.bulk_create(
            InquiryEvent(inquiry=inquiry, actor=team_leader, kind="mapping", text=f"Linje {i}")
            for i in range(60)
        )

    grow(3)
    # session, user, device, memberships, the inquiry, its children, conversations and their
    # services, barneteam items, history, audit, guide, acute contacts, session save; and the
    # SAVEPOINT/RELEASE pairs.
    with django_assert_max_num_queries(18) as queries:
        page = leader_client.get(reverse("familiehjelpa:detail", args=[inquiry.pk])).text
    assert "Viser de 50 siste hendelsene." in page
    assert "Nivå 0 · 0.1 Undring oppstår" in page  # the child's case, its step with its title
    count = len(queries)
    grow(5)
    with django_assert_max_num_queries(count):
        leader_client.get(reverse("familiehjelpa:detail", args=[inquiry.pk]))


def test_the_numbers_page_keeps_a_fixed_query_count(
    leader_client, register, fh, team_leader, django_assert_max_num_queries
):
    def grow(n):
        for i in range(n):
            register(received_at=timezone.now() - dt.timedelta(days=31 * (i % 12)))
            AdviceCall.objects.create(
                service=fh, received_at=timezone.now(), channel="phone", registered_by=team_leader
            )

    grow(5)
    # session, user, device, memberships, five aggregates, audit, guide, acute contacts,
    # session save; and the SAVEPOINT/RELEASE pairs.
    with django_assert_max_num_queries(17) as queries:
        page = leader_client.get(reverse("familiehjelpa:numbers")).text
    assert "Drøftingstelefon (anonyme)" in page
    count = len(queries)
    grow(40)
    with django_assert_max_num_queries(count):
        leader_client.get(reverse("familiehjelpa:numbers"))


# --- DUKEN and the mapping form: conflicts are visible -------------------------------------------


def duken_post(based_on, **changes) -> dict:
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in DUKEN.items()}
    return data | {"based_on": str(based_on)} | changes


def test_duken_saves_a_version_and_shows_the_history(leader_client, school_inquiry):
    url = reverse("familiehjelpa:duken", args=[school_inquiry.pk])
    leader_client.post(url, duken_post(0))
    response = leader_client.post(url, duken_post(1, now="Ringe skolen."), follow=True)
    assert "DUKEN er lagret (versjon 2)." in response.text
    assert response.text.count("Versjon 1") >= 1 and "Versjon 2" in response.text
    assert DukenVersion.objects.count() == 2


def test_a_stale_duken_gets_a_conflict_page_with_both_versions(
    leader_client, school_inquiry, contact, team_leader
):

    url = reverse("familiehjelpa:duken", args=[school_inquiry.pk])
    leader_client.post(url, duken_post(0))
    services.duken_save(
        inquiry=school_inquiry,
        user=contact,
        data=DUKEN | {"now": "Ole ringer skolen."},
        based_on=1,
    )
    response = leader_client.post(url, duken_post(1, now="Siri ringer skolen."))
    assert response.status_code == 409
    assert "Ole ringer skolen." in response.text and "Siri ringer skolen." in response.text
    assert DukenVersion.objects.count() == 2


def test_a_stale_mapping_gets_a_conflict_page(leader_client, school_inquiry, team_leader):
    url = reverse("familiehjelpa:mapping", args=[school_inquiry.pk])
    services.mapping_save(
        inquiry=school_inquiry,
        user=team_leader,
        data=MAPPING | {"assessment": "Lagret."},
        version=0,
    )
    response = leader_client.post(url, {"version": "0", "assessment": "Min."})
    assert response.status_code == 409
    assert "Lagret." in response.text and "Min." in response.text
    assert "etter at du åpnet skjemaet." in response.text
    assert f'action="{url}"' in response.text
    assert f"Henvendelse {school_inquiry.pk}" in response.text


# --- Start page, the case page, the referral ------------------------------------------------------


def test_the_family_contact_sees_the_family_on_the_start_page(
    client, school_inquiry, team_leader, contact, django_assert_max_num_queries
):
    services.mapping_save(inquiry=school_inquiry, user=team_leader, data=MAPPING, version=0)
    services.duken_save(inquiry=school_inquiry, user=team_leader, data=DUKEN, based_on=0)
    services.family_contact_assign(
        inquiry=school_inquiry, user=team_leader, contact=contact, seen_state=State.MAPPING
    )
    client.force_login(contact)
    # As the employee's start page (tests/bts/test_views.py), with the families and their
    # children in place of the employee's cases: nothing per family.
    with django_assert_max_num_queries(16):
        page = client.get(reverse("start")).text
    section = page.split('id="families"')[1].split("</section>")[0]
    assert reverse("familiehjelpa:detail", args=[school_inquiry.pk]) in section
    assert "Emma Hansen" in section and "kort sikt innen 15.01.2027" in section


def test_the_team_leaders_start_page_counts_what_waits(client, register, team_leader, guide):
    register(urgency="urgent")
    register()
    client.force_login(team_leader)
    section = client.get(reverse("start")).text.split('id="inquiries"')[1].split("</section>")[0]
    assert "Ingen henvendelser venter." not in section
    assert "1 ny som haster" in section
    assert reverse("familiehjelpa:board") in section


def test_the_case_page_offers_the_referral_at_level_2_and_the_referral_is_consent_checked(
    client, school_case, teacher, fh
):
    client.force_login(teacher)
    page = client.get(reverse("cases:detail", args=[school_case.pk])).text
    refer = reverse("familiehjelpa:refer", args=[school_case.pk])
    assert refer in page
    school_case.consents.get().services.remove(fh)
    before = row_counts()
    response = client.post(
        refer, {"idempotency_key": str(uuid.uuid4()), "about": "Hjelp.", "urgency": "normal"}
    )
    assert response.status_code == 200
    assert "Familien må samtykke til samarbeid med familiehjelpa" in response.text
    assert row_counts() == before


def test_a_referral_lands_on_the_board_and_leaves_the_button(
    client, school_case, teacher, team_leader
):
    client.force_login(teacher)
    response = client.post(
        reverse("familiehjelpa:refer", args=[school_case.pk]),
        {
            "idempotency_key": str(uuid.uuid4()),
            "about": "Familien trenger hjelp.",
            "urgency": "soon",
        },
    )
    assert response["Location"] == reverse("cases:detail", args=[school_case.pk])
    inquiry = Inquiry.objects.get()
    assert RelayEntry.objects.filter(case=school_case, text__contains="henvist til").exists()
    page = client.get(reverse("cases:detail", args=[school_case.pk])).text
    assert reverse("familiehjelpa:refer", args=[school_case.pk]) not in page
    client.force_login(team_leader)
    board = client.get(reverse("familiehjelpa:board")).text
    assert f'id="inquiry-{inquiry.pk}"' in board and "Jonas Berg" in board


def test_no_referral_button_below_level_2(client, guide, teacher, school):
    child = case_services.child_create(
        user=teacher, child=case_services.ChildData("Ada", "Li", dt.date(2016, 1, 1))
    )
    case = case_services.case_open(
        user=teacher,
        service=school,
        child=child,
        concern=case_services.ConcernData("Trist.", timezone.localdate(), "Skolen", 1),
    )
    client.force_login(teacher)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "Henvis til familiehjelpa" not in page


def test_the_reply_letter_preview_and_pdf(leader_client, school_inquiry, team_leader):
    services.duken_save(inquiry=school_inquiry, user=team_leader, data=DUKEN, based_on=0)
    page = leader_client.get(reverse("familiehjelpa:reply_letter", args=[school_inquiry.pk])).text
    assert "Til:</strong> Lise Hansen" in page
    assert "Kopi:</strong> Eikebakken skole" in page
    assert "Emma er på skolen fire av fem dager." in page
    pdf = leader_client.get(reverse("familiehjelpa:reply_letter_pdf", args=[school_inquiry.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].startswith("attachment;")
    leader_client.post(
        reverse("familiehjelpa:reply_letter", args=[school_inquiry.pk]), {"sent": "ja"}
    )
    school_inquiry.refresh_from_db()
    assert school_inquiry.reply_sent_at is not None


def test_a_form_page_names_its_inquiry_and_leads_back_to_it(leader_client, school_inquiry):
    response = leader_client.get(
        reverse("familiehjelpa:conversation_new", args=[school_inquiry.pk])
    )
    assert response.status_code == 200
    detail = reverse("familiehjelpa:detail", args=[school_inquiry.pk])
    assert f" – henvendelse {school_inquiry.pk} – BTS" in response.text
    assert f'<a class="ds-link" href="{detail}">Henvendelse {school_inquiry.pk}</a>' in (
        response.text
    )
    assert f'<a class="ds-link" href="{detail}">Avbryt</a>' in response.text
    assert "css/familiehjelpa.css" in response.text


def test_the_intake_form_asks_for_guardians_of_a_child_new_to_bts(leader_client):
    page = leader_client.get(reverse("familiehjelpa:inquiry_new")).text
    assert page.count('<legend class="ds-heading" data-size="sm">Foresatt ') == 2
    assert "For et barn som ikke er i BTS fra før. Bare foresatte med foreldreansvar" in page
    assert 'name="guardians-TOTAL_FORMS"' in page and 'name="guardians-1-email"' in page


def test_a_reason_of_only_invisible_characters_is_no_reason(leader_client, school_inquiry):
    response = leader_client.post(
        reverse("familiehjelpa:move", args=[school_inquiry.pk]),
        {"to_state": State.CLOSED, "seen_state": State.NEW, "reason": "\u200b\u200d\u2060"},
        headers=HTMX_BOARD,
    )
    assert 'role="alert"' in response.text and "Skriv noe som kan leses." in response.text
    school_inquiry.refresh_from_db()
    assert school_inquiry.state == State.NEW
