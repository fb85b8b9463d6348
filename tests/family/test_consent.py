"""Consent, digitally, per guardian: asked from the case, read on the family's page (in the
family's language beside the Norwegian text), given or refused by each guardian with parental
responsibility (and the child from the consent age); active only once everyone required has
given it; withdrawn by any of them at any time, with the services losing access at once. The
record keeps who, when, the ID-porten level, the language and the exact text shown."""

import contextlib
import datetime as dt
import io
import random
import threading
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bts.models import AuditEvent, Role
from cases import documents, services
from cases.access import visible_cases
from cases.models import Consent, ConsentAnswer, Guardian, RelayEntry
from devdata.synthetic.writer import synthetic_identity_number
from tests.factories import ServiceFactory, home_municipality
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db


def number(seed: int, born=dt.date(1985, 3, 14)) -> str:
    return synthetic_identity_number(random.Random(seed), born)


@pytest.fixture(autouse=True)
def _synthetic_numbers(settings):
    settings.BTS_SYNTHETIC_IDENTITY_NUMBERS = True


@pytest.fixture
def health(db):
    return ServiceFactory(name="Helsestasjonen")


@pytest.fixture
def emma(guide, employee):
    """Emma (7) with two guardians with parental responsibility and one without."""
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1)),
        guardians=[
            services.GuardianData("Lise Hansen", "mor", national_id=number(1)),
            services.GuardianData("Tor Hansen", "far", national_id=number(2)),
            services.GuardianData("Ola Steforelder", "stefar", has_parental_responsibility=False),
        ],
    )
    return services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )


def ask(case, employee, service, **fields):
    data = {
        "services": [service],
        "information": ["wellbeing", "health"],
        "purpose": "Samarbeid med helsestasjonen om søvn.",
    }
    return services.consent_request(case=case, user=employee, **(data | fields))


def as_guardian(client, case, name: str) -> Guardian:
    guardian = case.child.guardians.get(name=name)
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[guardian.pk], children=[case.child_id]
    )
    return guardian


def page(client, case) -> str:
    return client.get(reverse("family:case", args=[case.pk])).content.decode()


def answer(client, case, consent, choice: str, *, key=None, digest=None):
    if digest is None:
        form = client.get(reverse("family:case", args=[case.pk])).context["page"]
        shown = next(c for c in form.consents if c.consent.pk == consent.pk)
        digest = shown.digest
    prefix = f"samtykke-{consent.pk}"
    return client.post(
        reverse("family:consent_answer", args=[case.pk, consent.pk]),
        {
            f"{prefix}-answer": choice,
            f"{prefix}-digest": digest,
            f"{prefix}-idempotency_key": key or str(uuid.uuid4()),
        },
    )


def test_consent_is_pending_until_every_guardian_has_given_it(
    client, emma, employee, health, make_user
):
    nurse = make_user(Role.LEADER, service=health)
    consent = ask(emma, employee, health)
    assert consent.pending and not consent.is_active and consent.form == Consent.Form.DIGITAL
    # The text is kept as the municipality wrote it: what is authoritative.
    assert "Helsestasjonen" in consent.text and "forvaltningsloven § 13 a" in consent.text

    lise = as_guardian(client, emma, "Lise Hansen")
    assert "Jeg samtykker" in page(client, emma)
    assert answer(client, emma, consent, "given").status_code == 302
    consent.refresh_from_db()
    assert consent.pending and not consent.is_active
    # The page says whom it waits for; the service may not yet join the case.
    shown = page(client, emma)
    assert "Tor Hansen: har ikke svart ennå" in shown and "venter på svar fra alle" in shown
    with pytest.raises(services.ConsentMissing):
        services.service_involve(case=emma, user=employee, service=health)
    assert not visible_cases(nurse).filter(pk=emma.pk).exists()

    as_guardian(client, emma, "Tor Hansen")
    answer(client, emma, consent, "given")
    consent.refresh_from_db()
    assert consent.is_active and not consent.pending
    assert consent.given_by == "Lise Hansen, Tor Hansen"
    assert set(consent.guardians.values_list("name", flat=True)) == {"Lise Hansen", "Tor Hansen"}
    services.service_involve(case=emma, user=employee, service=health)
    assert visible_cases(nurse).filter(pk=emma.pk).exists()

    # Each answer keeps who, when, the ID-porten level, the language and the text shown.
    first = ConsentAnswer.objects.get(consent=consent, guardian=lise)
    assert first.answer == "given" and first.assurance == "idporten-loa-high"
    assert first.language == "nb" and first.text_shown == consent.text
    texts = [e.text for e in emma.relay_entries.filter(kind=RelayEntry.Kind.CONSENT)]
    assert any("Venter på svar fra Tor Hansen" in t for t in texts)
    assert any(t.startswith("Samtykke fra Lise Hansen, Tor Hansen (digitalt)") for t in texts)


def test_the_consent_pdf_shows_each_digital_confirmation(client, emma, employee, health):
    consent = ask(emma, employee, health)
    for name in ("Lise Hansen", "Tor Hansen"):
        as_guardian(client, emma, name)
        answer(client, emma, consent, "given")
    consent.refresh_from_db()
    pdf = documents.consent_record_pdf(emma, consent)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Digitale bekreftelser" in text
    squashed = "".join(text.split())  # a table cell may wrap
    assert squashed.count("idporten-loa-high") == 2
    assert "Lise Hansen" in text and "Tor Hansen" in text


def test_a_double_submit_records_one_answer(client, emma, employee, health):
    consent = ask(emma, employee, health)
    as_guardian(client, emma, "Lise Hansen")
    key = str(uuid.uuid4())
    answer(client, emma, consent, "given", key=key)
    answer(client, emma, consent, "given", key=key)
    answer(client, emma, consent, "given")  # a second form, the same person
    assert ConsentAnswer.objects.filter(consent=consent).count() == 1
    assert (
        emma.relay_entries.filter(kind=RelayEntry.Kind.CONSENT, by_family="Lise Hansen").count()
        == 1
    )


def test_one_refusal_ends_the_request(client, emma, employee, health):
    consent = ask(emma, employee, health)
    as_guardian(client, emma, "Tor Hansen")
    answer(client, emma, consent, "refused")
    consent.refresh_from_db()
    assert consent.refused and not consent.pending and not consent.is_active
    as_guardian(client, emma, "Lise Hansen")
    assert "Jeg samtykker" not in page(client, emma)
    response = answer(client, emma, consent, "given", digest="x" * 32)
    assert response.status_code == 302
    assert not ConsentAnswer.objects.filter(consent=consent, guardian__name="Lise Hansen").exists()


def test_an_answer_to_a_changed_text_is_refused(client, emma, employee, health):
    consent = ask(emma, employee, health)
    as_guardian(client, emma, "Lise Hansen")
    response = answer(client, emma, consent, "given", digest="0" * 32)
    assert response.status_code == 302
    assert not ConsentAnswer.objects.filter(consent=consent).exists()
    followed = client.get(response["Location"]).content.decode()
    assert "Teksten er endret siden du leste den" in followed


def test_withdrawal_ends_the_other_service_s_access_at_its_next_request(
    client, emma, employee, health, make_user
):
    nurse = make_user(Role.LEADER, service=health)
    consent = ask(emma, employee, health)
    for name in ("Lise Hansen", "Tor Hansen"):
        as_guardian(client, emma, name)
        answer(client, emma, consent, "given")
    services.service_involve(case=emma, user=employee, service=health)
    nurse_client = Client()
    nurse_client.force_login(nurse)
    assert nurse_client.get(reverse("cases:detail", args=[emma.pk])).status_code == 200

    # Withdrawing needs the box ticked.
    url = reverse("family:consent_withdraw", args=[emma.pk, consent.pk])
    client.post(url, {})
    consent.refresh_from_db()
    assert consent.is_active
    client.post(url, {"confirm": "on"})
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate() and not consent.is_active
    assert consent.withdrawn_how == "av Tor Hansen på familiens side"
    assert nurse_client.get(reverse("cases:detail", args=[emma.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        case_id=emma.pk, detail__startswith="consent_withdraw;guardian:"
    ).exists()


def test_a_guardian_who_has_given_it_can_withdraw_it_while_it_waits(client, emma, employee, health):
    consent = ask(emma, employee, health)
    as_guardian(client, emma, "Lise Hansen")
    answer(client, emma, consent, "given")
    client.post(reverse("family:consent_withdraw", args=[emma.pk, consent.pk]), {"confirm": "on"})
    consent.refresh_from_db()
    assert consent.withdrawn_on and not consent.pending
    # The other guardian can no longer make it active.
    as_guardian(client, emma, "Tor Hansen")
    answer(client, emma, consent, "given", digest="x" * 32)
    consent.refresh_from_db()
    assert not consent.is_active


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_racing_the_last_answer_ends_withdrawn(
    guide, employee, health, django_db_blocker
):
    """The last guardian's consent and the first's withdrawal at the same moment: whichever
    the database takes first, the consent ends withdrawn."""
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1)),
        guardians=[
            services.GuardianData("Lise Hansen", "mor", national_id=number(1)),
            services.GuardianData("Tor Hansen", "far", national_id=number(2)),
        ],
    )
    case = services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )
    consent = ask(case, employee, health)
    lise, tor = child.guardians.order_by("name")
    services.consent_answer(
        case=case,
        consent=consent,
        party=services.ConsentParty(lise, lise.name),
        answer="given",
        assurance="idporten-loa-high",
        language="nb",
        text_shown=consent.text,
        who=f"guardian:{lise.pk}",
    )
    barrier = threading.Barrier(2)
    errors = []

    def run(action):
        try:
            barrier.wait()
            action()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def give():
        with contextlib.suppress(services.ConsentClosed):
            services.consent_answer(
                case=case,
                consent=consent,
                party=services.ConsentParty(tor, tor.name),
                answer="given",
                assurance="idporten-loa-high",
                language="nb",
                text_shown=consent.text,
                who=f"guardian:{tor.pk}",
            )

    def withdraw():
        services.consent_withdraw_by_family(
            case=case,
            consent=consent,
            party=services.ConsentParty(lise, lise.name),
            who=f"guardian:{lise.pk}",
        )

    threads = [threading.Thread(target=run, args=(a,)) for a in (give, withdraw)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None and not consent.is_active


def test_a_request_reaches_only_those_who_can_answer_on_the_page(emma, employee, health):
    tor = emma.child.guardians.get(name="Tor Hansen")
    tor.national_id = ""
    tor.save()
    with pytest.raises(ValidationError) as refused:
        ask(emma, employee, health)
    assert "Tor Hansen kan ikke svare på familiens side" in " ".join(
        refused.value.message_dict["services"]
    )
    assert not emma.consents.exists()


def test_the_young_person_answers_too_from_the_consent_age(client, guide, employee, health):
    born = timezone.localdate().replace(year=timezone.localdate().year - 16)
    child = services.child_create(
        user=employee,
        child=services.ChildData("Sara", "Lunde", born, number(7, born)),
        guardians=[services.GuardianData("Anne Lunde", "mor", national_id=number(8))],
    )
    case = services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Sara er mye borte.", timezone.localdate(), "Skolen", 2),
    )
    consent = ask(case, employee, health)
    as_guardian(client, case, "Anne Lunde")
    answer(client, case, consent, "given")
    consent.refresh_from_db()
    assert consent.pending  # Sara, 16, answers too
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, children=[child.pk]
    )
    session = client.session
    session["bts_family"] = session["bts_family"] | {"guardians": [], "youth": [child.pk]}
    session.save()
    answer(client, case, consent, "given")
    consent.refresh_from_db()
    assert consent.is_active and consent.child_consented
    assert ConsentAnswer.objects.get(consent=consent, by_child=True).name == "Sara"


def test_consent_asked_tells_confirmed_guardians_by_e_mail_without_personal_data(
    client, emma, employee, health, mailoutbox, django_capture_on_commit_callbacks
):
    lise = as_guardian(client, emma, "Lise Hansen")
    client.post(reverse("family:contact"), {"email": "lise@example.invalid"})
    lise.refresh_from_db()
    assert lise.notice_email == "lise@example.invalid" and lise.notice_email_confirmed_at
    Guardian.objects.filter(name="Tor Hansen").update(email="tor@example.invalid")  # unconfirmed
    with django_capture_on_commit_callbacks(execute=True):
        ask(emma, employee, health)
    (mail,) = mailoutbox
    assert mail.to == ["lise@example.invalid"]
    for word in ("Emma", "Hansen", "samtykke", "Helsestasjonen"):
        assert word not in mail.body and word not in mail.subject
    assert "/familie/" in mail.body


def test_staff_ask_from_the_case_and_see_the_answers(client, emma, employee, health):
    client.force_login(employee)
    url = reverse("cases:consent_ask", args=[emma.pk])
    assert client.get(url).status_code == 200
    data = {
        "services": [health.pk],
        "information": ["wellbeing"],
        "purpose": "Samarbeid om søvn.",
        "idempotency_key": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit asks once
    consent = emma.consents.get()
    assert consent.pending and consent.recorded_by == employee
    page = client.get(reverse("cases:detail", args=[emma.pk])).content.decode()
    assert "venter på svar på familiens side" in page and "Ingen har svart ennå." in page

    # Someone required who cannot answer there: the request is refused at the field.
    Guardian.objects.filter(name="Lise Hansen").update(national_id="")
    refused = client.post(url, data | {"idempotency_key": str(uuid.uuid4())})
    assert refused.status_code == 200
    assert "Lise Hansen kan ikke svare på familiens side" in refused.content.decode()
    assert emma.consents.count() == 1


def test_a_different_second_answer_is_refused_not_reported_saved(client, emma, employee, health):
    consent = ask(emma, employee, health)
    as_guardian(client, emma, "Lise Hansen")
    answer(client, emma, consent, "given")
    response = answer(client, emma, consent, "refused", digest="x" * 32)
    followed = client.get(response["Location"]).content.decode()
    assert "Du har allerede svart «samtykker»" in followed
    assert ConsentAnswer.objects.get(consent=consent).answer == "given"


def test_a_request_past_its_expiry_takes_no_answers(client, emma, employee, health):
    consent = ask(emma, employee, health, expires_on=timezone.localdate() + dt.timedelta(days=1))
    Consent.objects.filter(pk=consent.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    as_guardian(client, emma, "Lise Hansen")
    assert "Jeg samtykker" not in page(client, emma)
    answer(client, emma, consent, "given", digest="x" * 32)
    assert not ConsentAnswer.objects.filter(consent=consent).exists()


def test_staff_end_a_request_still_waiting(client, emma, employee, health):
    consent = ask(emma, employee, health)
    staff = Client()
    staff.force_login(employee)
    staff.post(
        reverse("cases:consent_withdraw", args=[emma.pk, consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat(), "how": "Mor ringte og sa nei."},
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on and not consent.pending
    as_guardian(client, emma, "Tor Hansen")
    answer(client, emma, consent, "given", digest="x" * 32)
    assert not ConsentAnswer.objects.filter(consent=consent).exists()


def test_a_form_s_key_sent_to_another_consent_is_refused_cleanly(client, emma, employee, health):
    first = ask(emma, employee, health)
    second = ask(emma, employee, ServiceFactory(name="PPT"))
    as_guardian(client, emma, "Lise Hansen")
    key = str(uuid.uuid4())
    answer(client, emma, first, "given", key=key)
    response = answer(client, emma, second, "given", key=key)
    assert response.status_code == 302
    assert "Svaret kom ikke fram" in client.get(response["Location"]).content.decode()
    assert not ConsentAnswer.objects.filter(consent=second).exists()


def test_a_guardian_who_lost_parental_responsibility_is_out_at_once(client, emma):
    as_guardian(client, emma, "Tor Hansen")
    assert client.get(reverse("family:case", args=[emma.pk])).status_code == 200
    Guardian.objects.filter(name="Tor Hansen").update(has_parental_responsibility=False)
    assert client.get(reverse("family:case", args=[emma.pk])).status_code == 404


def test_the_page_with_several_consents_in_english_takes_a_fixed_number_of_queries(
    client, emma, employee, health, django_assert_max_num_queries
):
    ask(emma, employee, health)
    as_guardian(client, emma, "Lise Hansen")
    client.post(reverse("family:language"), {"language": "en", "next": "/familie/"})
    url = reverse("family:case", args=[emma.pk])
    client.get(url)
    with django_assert_max_num_queries(17) as one:
        client.get(url)
    for name in ("PPT", "Barneverntjenesten", "BUP"):
        ask(emma, employee, ServiceFactory(name=name))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_staff_see_a_waiting_request_as_one_they_can_end(client, emma, employee, health):
    consent = ask(emma, employee, health)
    staff = Client()
    staff.force_login(employee)
    page = staff.get(reverse("cases:detail", args=[emma.pk])).content.decode()
    assert reverse("cases:consent_withdraw", args=[emma.pk, consent.pk]) in page


def test_the_family_s_copy_of_a_consent_leaves_out_staff_s_notes(client, emma, employee, health):
    consent = services.consent_record(
        case=emma,
        user=employee,
        services=[health],
        guardians=list(emma.child.guardians.filter(has_parental_responsibility=True)),
        information=["wellbeing"],
        form="oral",
        oral_note="Mor ringte fra krisesenteret i Drammen.",
        purpose="Samarbeid.",
        given_on=timezone.localdate(),
    )
    as_guardian(client, emma, "Lise Hansen")
    url = reverse("family:document", args=[emma.pk, "samtykke", consent.pk])
    family_copy = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(client.get(url).content)).pages
    )
    staff_copy = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(documents.consent_record_pdf(emma, consent))).pages
    )
    assert "krisesenteret" in staff_copy and employee.get_full_name() in staff_copy
    assert "krisesenteret" not in family_copy and employee.get_full_name() not in family_copy
