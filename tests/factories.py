import io

import factory
from django.contrib.auth.hashers import make_password

from bts.models import (
    MUNICIPAL_ROLES,
    MUNICIPALITY_ROLES,
    Membership,
    Municipality,
    Role,
    Service,
    User,
)

PASSWORD = "riktig-hest-batteri-stift"


# The municipality of the tests' services and children unless a test names another: the one
# Øvre Eiker's guide file (the `guide` fixture) names.
HOME = {"number": "3314", "name": "Øvre Eiker kommune"}


def home_municipality() -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(
        number=HOME["number"], defaults={"name": HOME["name"]}
    )
    return municipality


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{9000 + n % 999:04d}")
    name = factory.LazyAttribute(lambda m: f"Kommune {m.number}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Tjeneste {n}")
    municipality = factory.LazyFunction(home_municipality)
    kind = Service.Kind.KINDERGARTEN
    provider = Service.Provider.PUBLIC


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = "Kari"
    last_name = factory.Sequence(lambda n: f"Nordmann{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.EMPLOYEE
    service = factory.Maybe(
        factory.LazyAttribute(lambda m: m.role in MUNICIPAL_ROLES),
        yes_declaration=None,
        no_declaration=factory.SubFactory(ServiceFactory),
    )
    municipality = factory.Maybe(
        factory.LazyAttribute(lambda m: m.role in MUNICIPALITY_ROLES),
        yes_declaration=factory.LazyFunction(home_municipality),
        no_declaration=None,
    )


def grant(user: User, role: Role, service: Service | None = None, municipality=None):
    """`membership_grant`, with the tests' home municipality for the municipality's roles."""
    from bts.services import membership_grant

    if role in MUNICIPALITY_ROLES and municipality is None:
        municipality = home_municipality()
    return membership_grant(user=user, role=role, service=service, municipality=municipality)


def signed_form_pdf(*, pages: int = 1, filler: int = 0) -> bytes:
    """A real PDF, as a scanner makes one: what a signed form must be to pass bts.uploads. With
    `filler`, its page carries that many bytes of content (a large scan)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if filler:
        stream = DecodedStreamObject()
        stream.set_data(b"% scan\n" * (filler // 7 + 1))
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def meeting_ahead(
    case, user: User, *, days: float = 3, starts_at=None, place="Barnehagen", service=None
):
    """A collaboration meeting in `case`, booked by `user` `days` ahead with themselves and
    their service (or `service`) invited: what many tests need before the page they test."""
    import datetime as dt

    from django.utils import timezone

    from cases import services

    return services.meeting_invite(
        case=case,
        user=user,
        kind="samarbeidsmote",
        starts_at=starts_at or timezone.now() + dt.timedelta(days=days),
        place=place,
        agenda="Hvordan har Emma det?",
        participants=[user],
        participant_services=[service or user.memberships.first().service],
    )
