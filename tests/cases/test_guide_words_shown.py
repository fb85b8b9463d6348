"""The guide's words on the pages, in the e-mail and in the PDF: Vestby's guide says "BTI" and
"bekymring", Øvre Eiker's "BTS" and "undring", and neither sees the other's words."""

import re
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from bts.models import Role
from cases import services
from levels.loader import load_guide
from tests.conftest import GUIDES
from tests.factories import home_municipality

pytestmark = pytest.mark.django_db

# Per guide: its words, and a pattern for the other guide's words, which it must never show.
# "BTS" is matched in capitals only: `bts-` is the prefix of the project's CSS classes.
GUIDE_WORDS = {
    "ovre-eiker": {
        "product": "BTS",
        "long": "bedre tverrfaglig samarbeid",
        "concern": "undring",
        "definite": "undringen",
        # ("bekymring" is a word of its guide's own texts too: "Ved høy bekymring, …")
        "not": re.compile(r"(?-i:\bBTI\b)|bedre tverrfaglig innsats", re.I),
    },
    "vestby": {
        "product": "BTI",
        "long": "bedre tverrfaglig innsats",
        "concern": "bekymring",
        "definite": "bekymringen",
        "not": re.compile(r"(?-i:\bBTS\b)|bedre tverrfaglig samarbeid|undring", re.I),
    },
}


@pytest.fixture(params=sorted(GUIDE_WORDS))
def guide(request, db):
    """Each test runs under Øvre Eiker's guide and under Vestby's (make_case uses this one)."""
    return load_guide(GUIDES / f"{request.param}.toml", municipality=home_municipality())


@pytest.fixture
def words(guide):
    return GUIDE_WORDS[guide.slug]


def assert_only_its_own_words(text: str, words: dict) -> None:
    found = words["not"].search(text)
    assert found is None, f"«{found.group()}» in: …{text[max(found.start() - 80, 0) :][:200]}…"


def test_the_start_page(employee_client, make_case, guide, words):
    make_case()
    page = employee_client.get(reverse("start")).text
    product, concern = words["product"], words["concern"]
    assert f"<title>Start – {product} {guide.municipality}</title>" in page
    assert f'<span class="bts-brand__product">{product}</span>' in page
    assert f"{product} – {words['long']}. Personopplysninger om barn" in page
    assert 'aria-current="page">Start</a>' in page and f">Registrer {concern}</a>" in page
    assert_only_its_own_words(page, words)


def test_the_case_page(employee_client, make_case, words):
    case = make_case()
    page = employee_client.get(reverse("cases:detail", args=[case.pk])).text
    concern, definite = words["concern"], words["definite"]
    assert f">Konkretiser {definite}</a>" in page
    assert f'id="concerns-title">{definite.capitalize()}</h2>' in page
    assert f"{concern.capitalize()} registrert i Solsikken barnehage." in page
    assert_only_its_own_words(page, words)


def test_the_new_concern_form(employee_client, make_case, words):
    child = make_case().child
    url = reverse("cases:concern_new", args=[child.pk])
    assert "undring" not in url
    page = employee_client.get(url).text
    concern, definite = words["concern"], words["definite"]
    assert f"<title>{definite.capitalize()} – {words['product']}" in page
    assert f"{concern.capitalize()}: Emma Hansen</h1>" in page
    assert f">Registrer {definite}</button>" in page
    assert_only_its_own_words(page, words)


def test_the_first_page_of_a_new_concern(employee_client, make_case, words):
    page = employee_client.get(reverse("cases:new")).text
    assert f'<h1 class="ds-heading" data-size="lg">Registrer {words["concern"]}</h1>' in page
    assert_only_its_own_words(page, words)


def test_an_e_mail(make_case, employee, make_user, words, django_capture_on_commit_callbacks):
    case = make_case()
    colleague = make_user(Role.EMPLOYEE, first_name="Kari")
    with django_capture_on_commit_callbacks(execute=True):
        services.handover_offer(case=case, user=employee, to_user=colleague)
    [message] = mail.outbox
    product = words["product"]
    assert message.subject == f"Tilbud om å overta en sak i {product}"
    assert message.body.endswith(f"Logg inn i {product}.")
    assert_only_its_own_words(f"{message.subject}\n{message.body}", words)


def test_a_pdf(client, make_case, make_user, words):
    case = make_case()
    client.force_login(make_user(Role.LEADER))
    response = client.get(reverse("cases:case_pdf", args=[case.pk]))
    assert response.status_code == 200
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    concern = words["concern"].capitalize()
    assert words["definite"].capitalize() in text  # the section's heading
    # The relay log: the entry's kind, and its text as written when the case was opened.
    assert f"{concern} registrert: {concern} registrert i Solsikken barnehage." in text
    assert reader.metadata.creator == words["product"]
    assert_only_its_own_words(text, words)
