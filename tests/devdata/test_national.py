"""seed_synthetic at national size (`--municipalities`): a country of municipalities of
Norway's spread of sizes, small ones sharing barnevern and PPT with their neighbours, each
case its child's municipality's and following its guide."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Count, F

from bts.isolation import visible, visible_for
from bts.models import Municipality, Service, User
from cases.access import visible_cases
from cases.models import Case, Involvement
from devdata.synthetic import country as layout
from devdata.synthetic import seed_synthetic
from devdata.synthetic.generate import NATIONAL_BENCH_USERS
from levels.models import Guide
from tests.conftest import as_owner

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
N = 10


@pytest.fixture
def small_country(monkeypatch):
    # A country of ten, the largest small enough that its neighbours share their services.
    monkeypatch.setattr(layout, "LARGEST", 5_000)


@pytest.fixture
def seeded(guide, small_country):
    with as_owner():
        return seed_synthetic(cases=800, seed=4, now=NOW, municipalities=N)


@pytest.mark.django_db
def test_the_sizes_follow_norways_spread():
    import random

    made = layout.places(random.Random(1), 356)
    sizes = [p.children for p in made]
    assert sizes[0] == 130_000 and min(sizes) < 1_000
    assert 1_000_000 < sum(sizes) < 1_250_000  # Norway's children, about
    assert 800 < sorted(sizes)[178] < 2_000  # the median municipality
    assert len({p.number for p in made}) == len({p.name for p in made}) == 356


@pytest.mark.django_db
def test_a_country_of_municipalities_each_with_its_guide_and_services(seeded):
    ours = Municipality.objects.filter(number__startswith="80")
    assert ours.count() == N
    assert Guide.objects.filter(municipality__in=ours, is_active=True).count() == N
    # Every municipality's children have cases, in their own municipality's services or in
    # a shared one serving it; the largest has the most.
    per = dict(Case.objects.values_list("municipality").annotate(n=Count("id")))
    assert set(per) == set(ours.values_list("pk", flat=True))
    assert max(per, key=per.get) == ours.get(number="8001").pk
    # A case is owned by a service of its own municipality, and its child lives there.
    assert not Case.objects.exclude(owner_service__municipality_id=F("municipality_id")).exists()
    assert not Case.objects.exclude(child__municipality_id=F("municipality_id")).exists()


@pytest.mark.django_db
def test_small_neighbours_share_barnevern_and_ppt(seeded):
    for kind in (Service.Kind.CHILD_PROTECTION, Service.Kind.PPT):
        shared = Service.objects.filter(kind=kind, municipality__number__startswith="80")
        shared = shared.annotate(n=Count("partner_municipalities")).filter(n__gt=0)
        assert shared.exists(), kind
    # Every service a case takes in serves the case's municipality.
    for involvement in Involvement.objects.select_related("service", "case")[:300]:
        served = {involvement.service.municipality_id}
        served |= set(involvement.service.partner_municipalities.values_list("pk", flat=True))
        assert involvement.case.municipality_id in served


@pytest.mark.django_db
def test_the_bench_accounts_of_a_country(seeded):
    assert set(NATIONAL_BENCH_USERS) <= set(User.objects.values_list("username", flat=True))
    shared_leader = User.objects.get(username="bench-delt-leder")
    small = User.objects.get(username="bench-liten-ansatt")
    # The shared barnevern's leader sees several municipalities; the small one's employee one.
    assert len(visible_for(shared_leader).split(",")) > 1
    assert len(visible_for(small).split(",")) == 1
    assert visible_cases(User.objects.get(username="bench-liten-leder")).exists()
    with visible(visible_for(small)), connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT municipality_id) FROM cases_case")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_two_workers_write_what_one_would_in_shape(guide, small_country):
    """Two processes, each its own transaction and every other id: every row is there, the
    keys fit, and the next id the app takes is past them all."""
    with as_owner():
        counts = seed_synthetic(cases=400, seed=4, now=NOW, municipalities=N, workers=2)
    with visible("*"):
        assert counts["cases_case"] == Case.objects.count() == 400
        assert not Case.objects.exclude(child__municipality_id=F("municipality_id")).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
        assert cursor.fetchone()[0] > Case.objects.order_by("-pk").values_list("pk", flat=True)[0]


@pytest.mark.django_db
def test_the_command_refuses_a_country_or_workers_out_of_range(settings, guide):
    from django.core.management import CommandError, call_command

    settings.BTS_SYNTHETIC = True
    for args in (["--municipalities", "0"], ["--municipalities", "401"], ["--workers", "9"]):
        with pytest.raises(CommandError, match="--municipalities må være 1–400"):
            call_command("seed_synthetic", "--cases", "5", *args)
    assert not Case.objects.exists()
