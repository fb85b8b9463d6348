"""Who serves the synthetic children: one municipality with services of every kind, or a
country of them (`--municipalities 356`), where the small ones share barnevern and PPT with
their neighbours and a BUP serves a region, as in Norway."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password

from bts.models import Membership, Municipality, Role, Service, User
from levels.loader import load_guide

from .paths import GuidePlan, plan
from .words import ADULT_NAMES, KIND_OF_SERVICES, LAST_NAMES, PLACE_NAMES

K = Service.Kind
# The largest municipality's children (a city), and how fast the sizes fall from it: a rank's
# children are LARGEST * rank ** -FALL, which at 356 municipalities sums to about 1.1 million,
# Norway's children, with the median municipality at some 1 200 and the smallest at a few
# hundred.
LARGEST, FALL, SMALLEST = 130_000, 0.9, 200
# Below these many children a municipality shares the service with its neighbours.
SHARES_BELOW = {K.CHILD_PROTECTION: 3_500, K.PPT: 2_500}
GROUP_SIZES = {K.CHILD_PROTECTION: (2, 5), K.PPT: (2, 4)}
BUP_REGION = 20  # municipalities one BUP serves
# Children per service of the kinds every municipality has many of.
CHILDREN_PER = {K.KINDERGARTEN: 220, K.SCHOOL: 450, K.HEALTH_STATION: 10_000}
# The guides the country's municipalities follow (fixtures/veiledere/), most Øvre Eiker's.
GUIDES = (("ovre-eiker.toml", 0.7), ("vestby.toml", 0.2), ("fjordvik.toml", 0.1))
STEM_WORDS = """Aus Bjør Dals Eids Fjell Gran Hov Lund Mos Nor Ro Sand Ski Sol Tin Vin Øy Ås Berg
Lye Skog Stor Vest Aur Fros Hol Kval Lin Mel Rin Sel Stav Tor Ul Val Bø Fy Gjer Hå Lom"""
STEMS = tuple(STEM_WORDS.split())
SUFFIXES = ("dal", "vik", "fjord", "berg", "strand", "nes", "sund", "haug", "land", "bygd")
STAFF = {kind: per for kind, _count, per, _share in KIND_OF_SERVICES}
SHARE = {kind: share for kind, _count, _per, share in KIND_OF_SERVICES}


@dataclass
class Staff:
    service_id: int
    kind: str
    employees: list[int]
    leader: int
    municipality_id: int  # the service's host


@dataclass
class Area:
    """One municipality's children: the guide they follow and the services that serve them."""

    municipality_id: int
    guide: GuidePlan
    weight: float  # its share of the cases
    own: dict[str, list[Staff]] = field(default_factory=lambda: defaultdict(list))
    shared: dict[str, Staff] = field(default_factory=dict)  # kind -> a service hosted elsewhere
    owners: list[Staff] = field(default_factory=list)
    owner_weights: list[float] = field(default_factory=list)
    collaborators: list[Staff] = field(default_factory=list)

    def serving(self, kind: str) -> Staff:
        return self.own[kind][0] if self.own.get(kind) else self.shared[kind]

    def settle(self) -> None:
        """Who owns its cases (weighted; the first of a kind, the bench's, twice the others),
        and who may collaborate on them."""
        for kind, _count, _per, share in KIND_OF_SERVICES:
            services = self.own.get(kind, [])
            for s in services if share else ():
                self.owners.append(s)
                self.owner_weights.append(share / len(services) * (2 if s is services[0] else 1))
        self.collaborators = [s for k in self.own for s in self.own[k]]
        self.collaborators += list(self.shared.values())


class _People:
    """Services and their staff, written through the writer."""

    def __init__(self, writer, rng: random.Random, tag: str, repeat: int):
        self.writer, self.rng, self.tag = writer, rng, tag
        self.password = make_password(None)  # unusable: synthetic staff never log in
        # Each place name `repeat` times over, in a seeded order.
        self.names = iter(rng.sample(PLACE_NAMES * repeat, len(PLACE_NAMES) * repeat))

    def service(self, kind: str, municipality_id: int, suffix: str = "", partners=()) -> Staff:
        rng, writer = self.rng, self.writer
        place = next(self.names)
        label = Service.Kind(kind).label
        service_id = writer.add(
            Service,
            name=f"{place} {label.lower()}{suffix} (syntetisk {self.tag})",
            kind=kind,
            municipality_id=municipality_id,
            provider=Service.Provider.PRIVATE if rng.random() < 0.15 else "public",
        )
        if partners:
            writer.link(Service, "partner_municipalities", service_id, partners)
        members = []
        for j in range(STAFF[kind] + 1):
            user_id = writer.add(
                User,
                password=self.password,
                username=f"syn-{self.tag}-{service_id}-{j}",
                first_name=rng.choice(ADULT_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email="",
                date_joined=datetime(2020, 1, 1, tzinfo=UTC),
                is_superuser=False,
                is_staff=False,
                is_active=True,
            )
            role = Role.LEADER if j == 0 else Role.EMPLOYEE
            if kind == K.FAMILIEHJELPA:
                role = Role.FAMILIEHJELPA_LEADER if j == 0 else Role.FAMILY_CONTACT
            writer.add(Membership, user_id=user_id, service_id=service_id, role=role)
            members.append(user_id)
        return Staff(service_id, kind, members[1:], members[0], municipality_id)


def one_municipality(writer, rng, tag: str, municipality_id: int, guide: GuidePlan) -> list[Area]:
    """The municipality of the guide in use, with KIND_OF_SERVICES' services."""
    people = _People(writer, rng, tag, 3)
    area = Area(municipality_id, guide, 1.0)
    for kind, count, _per, _share in KIND_OF_SERVICES:
        for i in range(count):
            suffix = f" {i + 1}" if count > 1 else ""
            area.own[kind].append(people.service(kind, municipality_id, suffix))
    area.settle()
    return [area]


@dataclass
class Place:
    number: str
    name: str
    children: int


def places(rng: random.Random, n: int) -> list[Place]:
    """`n` municipalities, the largest first: kommunenummer 8001… (no real one starts so)."""
    names = [f"{stem}{suffix}" for stem in STEMS for suffix in SUFFIXES]
    names = rng.sample(names, n)
    sizes = [LARGEST] + [
        max(SMALLEST, round(LARGEST * rank**-FALL * rng.uniform(0.6, 1.4)))
        for rank in range(2, n + 1)
    ]
    sizes = [sizes[0], *sorted(sizes[1:], reverse=True)]
    return [Place(f"{8000 + i + 1:04d}", f"{names[i]} kommune", c) for i, c in enumerate(sizes)]


def country(writer, rng, tag: str, n: int) -> list[Area]:
    """`n` municipalities of Norway's spread of sizes, each with its own guide (loaded), its
    own kindergartens, schools and the rest, barnevern and PPT shared among neighbouring
    small ones, and a BUP per region."""
    made = places(rng, n)
    Municipality.objects.bulk_create(
        [Municipality(number=p.number, name=p.name) for p in made], ignore_conflicts=True
    )
    ids = dict(Municipality.objects.filter(number__in=[p.number for p in made]).values_list(
        "number", "pk"
    ))  # fmt: skip
    plans = _guides(rng, made, ids)
    total = sum(p.children for p in made)
    areas = [Area(ids[p.number], plans[p.number], p.children / total) for p in made]
    people = _People(writer, rng, tag, 400)
    for place, area in zip(made, areas, strict=True):
        for kind in (*CHILDREN_PER, K.NAV, K.FAMILIEHJELPA, K.ADULT_SERVICE, *SHARES_BELOW):
            if kind in SHARES_BELOW and place.children < SHARES_BELOW[kind]:
                continue
            count = (
                max(1, round(place.children / CHILDREN_PER[kind])) if kind in CHILDREN_PER else 1
            )
            for i in range(count):
                suffix = f" {i + 1}" if count > 1 else ""
                area.own[kind].append(people.service(kind, area.municipality_id, suffix))
    # Along the coast: neighbours are next to each other in one seeded order.
    coast = rng.sample(range(n), n)
    for kind, below in SHARES_BELOW.items():
        small = [i for i in coast if made[i].children < below]
        low, high = GROUP_SIZES[kind]
        while small:
            size = rng.randint(low, high)
            group, small = small[:size], small[size:]
            _share(people, kind, [areas[i] for i in group])
    for start in range(0, n, BUP_REGION):
        _share(people, K.EXTERNAL, [areas[i] for i in coast[start : start + BUP_REGION]])
    for area in areas:
        area.settle()
    return areas


def _share(people: _People, kind: str, group: list[Area]) -> None:
    """One service for the group, hosted by its largest municipality."""
    host = max(group, key=lambda a: a.weight)
    partners = [a.municipality_id for a in group if a is not host]
    staff = people.service(kind, host.municipality_id, partners=partners)
    host.own[kind].append(staff)
    for area in group:
        if area is not host:
            area.shared[kind] = staff


def _guides(rng, made: list[Place], ids: dict[str, int]) -> dict[str, GuidePlan]:
    """Each municipality's own guide, loaded from one of the fixture files: the plans are
    made once per file (every copy of a file plans the same)."""
    from django.conf import settings

    folder = settings.BASE_DIR / "fixtures" / "veiledere"
    files = [name for name, _w in GUIDES]
    weights = [w for _name, w in GUIDES]
    plans: dict[str, GuidePlan] = {}
    by_file: dict[str, GuidePlan] = {}
    for place in made:
        name = files[0] if place is made[0] else rng.choices(files, weights)[0]
        guide = load_guide(
            folder / name, municipality=Municipality.objects.get(pk=ids[place.number])
        )
        if name not in by_file:
            by_file[name] = plan(guide)
        plans[place.number] = by_file[name]
    return plans
