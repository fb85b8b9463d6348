import factory
from django.contrib.auth.hashers import make_password

from bts.models import MUNICIPAL_ROLES, Membership, Role, Service, User

PASSWORD = "riktig-hest-batteri-stift"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Tjeneste {n}")
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
