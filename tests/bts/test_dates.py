"""One plausible range per kind of date: year 1 and year 9999 are refused everywhere a date is
typed, each at its field, with what is allowed; a withdrawal cannot be dated ahead."""

import datetime as dt

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from bts.dates import RANGES, plausible
from cases.forms import (
    ChildForm,
    ConcernForm,
    ConsentForm,
    ConsentWithdrawForm,
    MeasureForm,
    MeetingForm,
)

YEAR_1, YEAR_9999 = dt.date(1, 1, 1), dt.date(9999, 12, 31)


@pytest.mark.parametrize("kind", sorted(RANGES))
def test_each_kind_refuses_year_1_and_9999_and_takes_today_where_it_may(kind):
    check = plausible(kind)
    for day in (YEAR_1, YEAR_9999):
        with pytest.raises(forms.ValidationError) as refused:
            check(day)
        assert refused.value.code == "implausible_date"
    start, end = RANGES[kind].bounds()
    check(start)
    check(end)


def test_a_withdrawal_or_an_observation_cannot_be_ahead():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    long_ago = timezone.localdate() - dt.timedelta(days=6 * 366)
    for kind in ("given", "happened"):
        with pytest.raises(forms.ValidationError, match="Datoen kan ikke være fram i tid"):
            plausible(kind)(tomorrow)
        with pytest.raises(forms.ValidationError, match="i dag eller tidligere, og ikke før"):
            plausible(kind)(long_ago)


def test_a_pregnancy_is_a_birth_date_ahead_but_not_years_ahead():
    plausible("birth")(timezone.localdate() + dt.timedelta(days=200))
    with pytest.raises(forms.ValidationError, match="Fødselsdatoen må være mellom"):
        plausible("birth")(timezone.localdate() + dt.timedelta(days=400))


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (ChildForm, "birth_date"),
        (ConcernForm, "observed_on"),
        (MeetingForm, "starts_at"),
        (MeasureForm, "evaluation_due"),
        (ConsentForm, "given_on"),
        (ConsentForm, "expires_on"),
        (ConsentWithdrawForm, "withdrawn_on"),
    ],
)
def test_every_date_field_has_its_range(form, field):
    validators = form.base_fields[field].validators
    assert any(v.__class__.__name__ == "Plausible" for v in validators), (form, field)


@pytest.mark.django_db
def test_a_birth_date_in_year_9999_is_refused_at_its_field(employee_client):
    response = employee_client.post(
        reverse("cases:child_new"),
        {"first_name": "Emma", "last_name": "Hansen", "birth_date": "9999-12-31"},
    )
    assert response.status_code == 200
    assert "Fødselsdatoen må være mellom" in " ".join(response.context["form"].errors["birth_date"])
