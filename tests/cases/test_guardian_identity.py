"""A guardian's identity number: what a guardian's ID-porten sign-in is matched on. Typed in
with the child, validated like the child's, stored as 11 digits, shown masked."""

import datetime as dt
import random

import pytest
from django.urls import reverse

from cases import services
from cases.forms import GuardianForm
from cases.models import Guardian
from devdata.synthetic.writer import synthetic_identity_number

pytestmark = pytest.mark.django_db

NUMBER = "15108695088"  # a valid fødselsnummer (tests/cases/test_identity.py)
SYNTHETIC = synthetic_identity_number(random.Random(1), dt.date(1985, 3, 14))


def test_a_wrong_number_is_refused_at_the_field():
    form = GuardianForm({"name": "Lise Hansen", "national_id": "15108695089"})
    assert not form.is_valid()
    assert list(form.errors) == ["national_id"]


def test_the_number_is_optional_and_typed_as_people_write_it():
    assert GuardianForm({"name": "Lise Hansen"}).is_valid()
    form = GuardianForm({"name": "Lise Hansen", "national_id": "151086 950 88"})
    assert form.is_valid() and form.cleaned_data["national_id"] == NUMBER


def test_a_synthetic_test_number_only_where_the_installation_takes_them(settings):
    assert not GuardianForm({"name": "Lise", "national_id": SYNTHETIC}).is_valid()
    settings.BTS_SYNTHETIC_IDENTITY_NUMBERS = True
    assert GuardianForm({"name": "Lise", "national_id": SYNTHETIC}).is_valid()


def test_the_number_is_stored_and_shown_masked(guide, employee, client):
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2020, 3, 14)),
        guardians=[services.GuardianData("Lise Hansen", "mor", national_id="151086 95088")],
    )
    assert Guardian.objects.get(child=child).national_id == NUMBER
    case = services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", dt.date.today(), "Ute", 2),
    )
    client.force_login(employee)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "151086 *****" in page
    assert NUMBER not in page
