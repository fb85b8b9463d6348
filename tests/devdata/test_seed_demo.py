"""`seed_demo`: the demo municipality, its logins and cases (devdata)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bts.models import Membership, Service, User
from tests.bts.test_auth import DEMO_USERNAMES

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_municipality_and_one_login_per_role(demo_data):
    assert set(User.objects.values_list("username", flat=True)) == set(DEMO_USERNAMES)
    assert Service.objects.count() >= 10
    assert len(set(Service.objects.values_list("kind", flat=True))) >= 8
    ansatt = User.objects.get(username="ansatt")
    assert ansatt.memberships.get().service.kind == Service.Kind.KINDERGARTEN
    leder = User.objects.get(username="leder").memberships.get()
    assert leder.service == ansatt.memberships.get().service
    assert User.objects.get(username="admin").is_staff


def test_seed_demo_twice_changes_nothing(demo_data):
    before = (User.objects.count(), Service.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Service.objects.count(), Membership.objects.count()) == before


def test_seed_demo_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demomodus"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_with_a_guide_loaded_the_demo_has_cases_at_several_levels_once(settings, guide):
    from cases.models import Case

    settings.DEMO_MODE = True
    call_command("seed_demo")
    call_command("seed_demo")
    # The services' cases (familiehjelpa's demo inquiries have their own test), walked through
    # Øvre Eiker's guide: open ones at nivå 0 (three), 1 and 2, and one closed.
    services_cases = Case.objects.filter(municipality__number="3314").exclude(
        owner_service__kind="familiehjelpa"
    )
    assert sorted(services_cases.filter(status="open").values_list("level", flat=True)) == [
        0,
        0,
        0,
        1,
        2,
    ]
    assert services_cases.filter(status="closed").count() == 1
    from django.utils import timezone

    assert Case.objects.get(child__first_name="Ali").decision_due < timezone.localdate()
    # Jonas's meetings (the undringssamtale at nivå 0, the samarbeidsmøte at nivå 1) have their
    # referat.
    jonas = Case.objects.get(child__first_name="Jonas")
    assert [m.minutes.version for m in jonas.meetings.all()] == [1, 1]


def test_seed_demo_without_a_guide_makes_no_cases_and_says_how_to_choose_one(demo_data):
    from cases.models import Case

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert not Case.objects.exists()
    assert "--guide" in out.getvalue()


def test_seed_demo_refuses_a_guide_file_that_does_not_load(settings, tmp_path):
    settings.DEMO_MODE = True
    broken = tmp_path / "broken.toml"
    broken.write_text('[guide]\nslug = "x"\n')
    with pytest.raises(CommandError, match=r"broken\.toml"):
        call_command("seed_demo", "--guide", str(broken))
    assert not User.objects.exists()
