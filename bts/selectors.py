import functools

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_date

from .models import Membership, Service, User


def current_membership_q(prefix: str = "") -> Q:
    """A membership in force today, in an active service (or a municipal one, with none).
    `prefix` reaches it through a relation, e.g. "memberships__"."""
    today = timezone.localdate()
    return (
        (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": today}))
        & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": today}))
        & (Q(**{f"{prefix}service__isnull": True}) | Q(**{f"{prefix}service__is_active": True}))
    )


def _partners(service_ref: str) -> ArraySubquery:
    """The ids of the municipalities a service serves besides its host."""
    partners = Service.partner_municipalities.through.objects.filter(
        service_id=OuterRef(service_ref)
    )
    return ArraySubquery(partners.order_by("municipality_id").values("municipality_id"))


def active_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(current_membership_q(), user=user)
        .select_related("service")
        .annotate(partner_ids=_partners("service_id"))
    )


def serving_q(municipality_ids, prefix: str = "") -> Q:
    """The services (reached through `prefix`) that serve one of these municipalities: hosted
    there, or one of its partners."""
    partners = Service.partner_municipalities.through.objects.filter(
        service_id=OuterRef(f"{prefix}pk"), municipality_id__in=municipality_ids
    )
    return Q(**{f"{prefix}municipality_id__in": municipality_ids}) | Exists(partners)


def services_serving(municipality_id: int) -> QuerySet[Service]:
    """The active services that serve this municipality's children, by name."""
    return Service.objects.filter(serving_q([municipality_id]), is_active=True).order_by("name")


def served_municipality_ids(service: Service) -> tuple[int, ...]:
    """The municipalities whose children a service serves: its host and its partners (read
    with the user's memberships, else asked once per service object)."""
    served = getattr(service, "_bts_served", None)
    if served is None:
        partners = [m.pk for m in service.partner_municipalities.all()]  # prefetched, or a query
        served = service._bts_served = tuple(sorted({service.municipality_id, *partners}))
    return served


def _user_annotations() -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    memberships = (
        Membership.objects.filter(current_membership_q(), user=OuterRef("pk"))
        .order_by("service__name", "role")
        .values(
            json=JSONObject(
                id="id",
                role="role",
                municipality_id="municipality_id",
                service_id="service_id",
                service_municipality_id=F("service__municipality_id"),
                service_partners=_partners("service_id"),
                valid_from="valid_from",
                valid_to="valid_to",
                service_name=F("service__name"),
                service_kind=F("service__kind"),
                service_provider=F("service__provider"),
            )
        )
    )
    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True).values("pk")
    return {
        "_membership_rows": ArraySubquery(memberships),
        "_device_ids": ArraySubquery(devices),
    }


@functools.lru_cache(maxsize=2)
def _compiled_user_annotations(today) -> tuple[tuple[str, RawSQL], ...]:
    """`_user_annotations()` compiled once a day (they hold today's date): compiling them cost
    more than the query (measured 4-9 ms a request, docs/decisions/0055). Used only at the top
    level of a query on User; tests/bts/test_selectors.py holds the query built from them to
    the one the ORM compiles fresh."""
    query = User._default_manager.annotate(**_user_annotations()).query
    compiler = query.get_compiler("default")
    compiled = []
    for name, annotation in query.annotations.items():
        sql, params = compiler.compile(annotation)
        raw = RawSQL(sql, tuple(params), output_field=annotation.output_field)  # noqa: S611
        compiled.append((name, raw))
    return tuple(compiled)


def user_with_memberships(user_id) -> User | None:
    """The user, with their current memberships (and services) and the ids of their confirmed
    authenticators, in one query: what the session's user is asked on every request."""
    annotations = dict(_compiled_user_annotations(timezone.localdate()))
    user = User._default_manager.filter(pk=user_id).annotate(**annotations).first()
    if user is not None:
        user._bts_memberships = [_membership(user, row) for row in user._membership_rows]
        user._bts_device_ids = set(user._device_ids)
    return user


def _membership(user: User, row: dict) -> Membership:
    service = None
    if row["service_id"] is not None:
        service = Service(
            id=row["service_id"],
            name=row["service_name"],
            kind=row["service_kind"],
            provider=row["service_provider"],
            municipality_id=row["service_municipality_id"],
            is_active=True,
        )
        partners = row["service_partners"] or []
        service._bts_served = tuple(sorted({service.municipality_id, *partners}))
    membership = Membership(
        id=row["id"],
        user=user,
        service=service,
        municipality_id=row["municipality_id"],
        role=row["role"],
        valid_from=parse_date(row["valid_from"]) if row["valid_from"] else None,
        valid_to=parse_date(row["valid_to"]) if row["valid_to"] else None,
    )
    membership._state.adding = False
    return membership


def user_memberships(user: User) -> list[Membership]:
    """The user's current memberships, fetched once per user object (that is, per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_bts_memberships"):
        memberships = list(active_memberships(user))
        for membership in memberships:
            if membership.service is not None:
                served = {membership.service.municipality_id, *membership.partner_ids}
                membership.service._bts_served = tuple(sorted(served))
        user._bts_memberships = memberships
    return user._bts_memberships


def home_municipality_id(user) -> int | None:
    """The municipality a person works for when no case says otherwise: that of their
    municipal role, else the host of their first service (None: the system administrator)."""
    memberships = user_memberships(user)
    for membership in memberships:
        if membership.municipality_id:
            return membership.municipality_id
    for membership in memberships:
        if membership.service_id:
            return membership.service.municipality_id
    return None


def request_memberships(request) -> list[Membership]:
    # Error pages can render before AuthenticationMiddleware has run.
    return user_memberships(getattr(request, "user", None))


def user_roles(request) -> set[str]:
    return {m.role for m in request_memberships(request)}


def admin_overview() -> dict:
    return {
        "users": User.objects.filter(is_active=True).count(),
        "services": Service.objects.filter(is_active=True).count(),
    }
