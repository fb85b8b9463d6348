"""The family's languages: the family chooses the language of its pages (before or after signing
in); the pages, the e-mail and the documents made for the family follow it, right to left where
the language is, with PDFs that embed fonts for the script. The consent's legal text stays the
Norwegian one, shown beside the translation. Staff pages never change language."""

import datetime as dt
import io
import random
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services
from cases.models import ConsentAnswer, Guardian
from devdata.synthetic.writer import synthetic_identity_number
from tests.factories import ServiceFactory, home_municipality, meeting_ahead
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _synthetic_numbers(settings):
    settings.BTS_SYNTHETIC_IDENTITY_NUMBERS = True


@pytest.fixture
def emma(guide, employee):
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1)),
        guardians=[
            services.GuardianData(
                "Lise Hansen",
                "mor",
                national_id=synthetic_identity_number(random.Random(1), dt.date(1985, 3, 14)),
            )
        ],
    )
    return services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )


def sign_in(client, case) -> Guardian:
    guardian = case.child.guardians.get()
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[guardian.pk], children=[case.child_id]
    )
    return guardian


def choose(client, language: str, back: str = "/familie/"):
    return client.post(reverse("family:language"), {"language": language, "next": back})


def fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_sign_in_page_in_arabic_right_to_left(client):
    assert choose(client, "ar")["Location"] == "/familie/"
    page = client.get(reverse("family:entry")).content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert "ID-porten" in page and "For familier" not in page


def test_the_case_page_in_english_after_signing_in_and_the_choice_is_kept(client, emma):
    guardian = sign_in(client, emma)
    url = reverse("family:case", args=[emma.pk])
    response = choose(client, "en", back=url)
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert '<html lang="en" dir="ltr"' in page and "Hvem som har saken" not in page
    guardian.refresh_from_db()
    assert guardian.language == "en"  # for the e-mail it gets


def test_staff_pages_stay_in_the_municipality_s_language_form(client, emma):
    sign_in(client, emma)
    choose(client, "pl")
    assert '<html lang="pl"' in client.get(reverse("family:entry")).content.decode()
    login = client.get(reverse("login")).content.decode()
    assert '<html lang="nb" dir="ltr"' in login


def test_a_staff_session_cannot_choose_and_a_foreign_next_is_ignored(client, employee):
    assert choose(client, "uk", back="https://example.invalid/")["Location"] == "/familie/"
    assert choose(client, "xx")["Location"] == "/familie/"  # not a family language
    assert '<html lang="uk"' in client.get(reverse("family:entry")).content.decode()
    client.force_login(employee)
    assert choose(client, "en").status_code == 403


def test_the_consent_text_in_norwegian_beside_the_translation_and_kept_as_shown(
    client, emma, employee
):
    health = ServiceFactory(name="Helsestasjonen")
    consent = services.consent_request(
        case=emma,
        user=employee,
        services=[health],
        information=["health"],
        purpose="Samarbeid om søvn.",
    )
    sign_in(client, emma)
    url = reverse("family:case", args=[emma.pk])
    choose(client, "ar", back=url)
    response = client.get(url)
    page = response.content.decode()
    shown = next(c for c in response.context["page"].consents if c.consent.pk == consent.pk)
    assert shown.translation and shown.translation != consent.text
    assert "forvaltningsloven § 13 a nr. 1" in shown.translation  # the law's name kept
    assert '<div lang="nb" dir="ltr">' in page  # the authoritative text, marked as Norwegian
    prefix = f"samtykke-{consent.pk}"
    client.post(
        reverse("family:consent_answer", args=[emma.pk, consent.pk]),
        {
            f"{prefix}-answer": "given",
            f"{prefix}-digest": shown.digest,
            f"{prefix}-idempotency_key": str(uuid.uuid4()),
        },
    )
    answer = ConsentAnswer.objects.get(consent=consent)
    assert answer.language == "ar"
    assert answer.text_shown == consent.text + "\n\n" + shown.translation


def test_documents_for_the_family_embed_fonts_for_its_script(client, emma, employee):
    meeting = meeting_ahead(emma, employee)
    sign_in(client, emma)
    invitation = reverse("family:document", args=[emma.pk, "invitasjon", meeting.pk])
    choose(client, "ar")
    arabic = client.get(reverse("family:access_report", args=[emma.pk])).content
    # Embedded as subsets named after print.css's families (Noto Naskh Arabic, Noto Ethiopic).
    assert any("BTS-Arabic" in name for name in fonts(arabic))
    choose(client, "ti")
    tigrinya = client.get(invitation).content
    assert any("BTS-Ethiopic" in name for name in fonts(tigrinya))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(tigrinya)).pages)
    assert any("\u1200" <= ch <= "\u137f" for ch in text)  # Ethiopic letters, searchable


def test_the_e_mail_is_in_the_language_the_guardian_chose(
    emma, employee, mailoutbox, django_capture_on_commit_callbacks
):
    Guardian.objects.filter(child=emma.child).update(
        notice_email="lise@example.invalid",
        notice_email_confirmed_at=timezone.now(),
        language="pl",
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_ahead(emma, employee)
    (mail,) = [m for m in mailoutbox if m.to == ["lise@example.invalid"]]
    assert "ID-porten" in mail.body and "Det er noe nytt" not in mail.body


def test_the_form_to_sign_in_the_family_s_language_with_the_norwegian_beside(
    client, emma, employee
):
    health = ServiceFactory(name="Helsestasjonen")
    client.force_login(employee)
    response = client.post(
        reverse("cases:consent_form", args=[emma.pk]),
        {
            "services": [health.pk],
            "information": ["wellbeing"],
            "purpose": "Samarbeid om søvn.",
            "language": "ar",
        },
    )
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)  # the Arabic
    assert "Teksten som gjelder (norsk)" not in text  # its heading is in Arabic too …
    assert "Tjenester samtykket gjelder" in text  # … above the Norwegian text that holds
    assert any("BTS-Arabic" in name for name in fonts(response.content))
    assert '<html lang="nb"' in client.get(reverse("cases:detail", args=[emma.pk])).content.decode()


def test_the_header_leads_a_family_to_its_own_page(client, emma):
    sign_in(client, emma)
    page = client.get(reverse("family:case", args=[emma.pk])).content.decode()
    assert '<a class="bts-brand" href="/familie/">' in page
