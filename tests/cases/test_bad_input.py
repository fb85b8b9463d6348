"""Bad input on the case page gets its own message at its field, and changes nothing: a note
too long, with a NUL, or of invisible characters only; a step completed from a page that no
longer holds; a zero-width text in any required field."""

import uuid

import pytest
from django.urls import reverse

from cases.models import RelayEntry

pytestmark = pytest.mark.django_db

ZERO_WIDTH = "\u200b\u200c\u2060\ufeff"


def notes(case) -> int:
    return case.relay_entries.filter(kind=RelayEntry.Kind.NOTE).count()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 5001, "5000 eller færre tegn"),
        ("Emma\x00har det fint", "Null-tegn er ikke tillatt"),
        (ZERO_WIDTH, "Skriv noe som kan leses."),
    ],
    ids=["too-long", "nul", "invisible"],
)
def test_a_bad_note_is_refused_at_its_field(employee_client, make_case, text, message):
    case = make_case()
    response = employee_client.post(
        reverse("cases:note_add", args=[case.pk]),
        {"text": text, "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Notatet kan ikke være tomt" not in page
    assert notes(case) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"step_code": "", "summary": "Gjort."}, "siden var utdatert"),
        ({"summary": "x" * 2001}, "2000 eller færre tegn"),
        ({"summary": "Gjort\x00"}, "Null-tegn er ikke tillatt"),
    ],
    ids=["no-step", "summary-too-long", "summary-nul"],
)
def test_a_step_completed_with_a_bad_field_says_so(employee_client, make_case, data, message):
    case = make_case()
    data = {"step_code": case.step_code} | data
    response = employee_client.post(reverse("cases:step_done", args=[case.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    before = case.step_code
    case.refresh_from_db()
    assert case.step_code == before


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("cases:child_new", "first_name"), ("cases:child_new", "last_name")],
)
def test_zero_width_text_is_not_text_in_any_required_field(employee_client, url_name, field):
    response = employee_client.post(reverse(url_name), {field: ZERO_WIDTH})
    assert response.status_code == 200
    form = response.context["form"]
    assert "Skriv noe som kan leses." in form.errors.get(field, [])
