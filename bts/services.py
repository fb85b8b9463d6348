from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import record
from .events import AccessAudit
from .models import (
    MUNICIPAL_ROLES,
    MUNICIPALITY_ROLES,
    Membership,
    Municipality,
    Role,
    Service,
    User,
)

SYSTEM_ADMIN_GROUP = "Systemadministratorer"
# The system administrator manages users and services here, and what the apps above register
# (the guide, the catalogue, the contacts); never cases. By app label and model name.
SYSTEM_ADMIN_MODELS = {
    "bts": [
        "user",
        "service",
        "membership",
        "municipality",
        "identityprovider",
        "externalidentity",
    ],
    # Resetting a lost authenticator: delete the user's device, and they set up a new one.
    "otp_totp": ["totpdevice"],
    # Lifting a login lockout early: delete the username's access attempt.
    "axes": ["accessattempt"],
}


LOCAL_ADMIN_GROUP = "Lokale administratorer"
# The local administrator manages their own municipality's users, their roles and services, and
# what the apps above register (the guide); bts.admin.MunicipalityScoped keeps every list and
# object to their municipality.
LOCAL_ADMIN_MODELS = {"bts": ["user", "service", "membership"]}


def system_admin_models_register(
    app_label: str, models: list[str], *, local: list[str] = ()
) -> None:
    """An app names the models the system administrator manages, and of them those a local
    administrator manages for their municipality (from its AppConfig.ready), so the foundation
    need not know the apps above it."""
    SYSTEM_ADMIN_MODELS[app_label] = list(models)
    if local:
        LOCAL_ADMIN_MODELS[app_label] = list(local)


@transaction.atomic
def system_admin_group_ensure() -> Group:
    return _group_ensure(SYSTEM_ADMIN_GROUP, SYSTEM_ADMIN_MODELS)


@transaction.atomic
def local_admin_group_ensure() -> Group:
    return _group_ensure(LOCAL_ADMIN_GROUP, LOCAL_ADMIN_MODELS)


def _group_ensure(name: str, managed: dict[str, list[str]]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    perms = Permission.objects.none()
    for app_label, models in managed.items():
        perms |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    group.permissions.set(perms)
    return group


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: Role,
    service: Service | None = None,
    municipality: Municipality | None = None,
) -> Membership:
    """Give a user a role: in a service, in a municipality (municipal leader, local
    administrator), or in the installation (system administrator). Granting twice changes
    nothing."""
    if (role in MUNICIPAL_ROLES) != (service is None):
        raise ValueError("Kommunale roller har ingen tjeneste; andre roller må ha en tjeneste.")
    if (role in MUNICIPALITY_ROLES) != (municipality is not None):
        raise ValueError("Kommunalsjef og lokal administrator hører til én kommune.")
    membership, _ = Membership.objects.get_or_create(
        user=user, role=role, service=service, municipality=municipality
    )
    if role in (Role.SYSTEM_ADMIN, Role.LOCAL_ADMIN):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        ensure = (
            system_admin_group_ensure if role == Role.SYSTEM_ADMIN else local_admin_group_ensure
        )
        user.groups.add(ensure())
    return membership


# --- Two-factor login ------------------------------------------------------------------------

TOTP_DEVICE_NAME = "Autentiseringsapp"


@transaction.atomic
def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the user is setting up: the same one on every reload, so a
    code scanned a minute ago still fits."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator with its first code. The account then has exactly this one:
    an older device (a lost phone, reset by the administrator) is removed."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        record(kind=AccessAudit.TWO_FACTOR_FAILED, actor=user, detail="setup")
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record(kind=AccessAudit.TWO_FACTOR_ENROLLED, actor=user)
    return True


@transaction.atomic
def totp_verify(*, user: User, device: TOTPDevice, token: str) -> tuple[bool, bool]:
    """The second step of a login: (whether the device takes a code now, whether this one
    fits). A code that does not fit, or comes while the device is throttling, is audited."""
    allowed, _info = device.verify_is_allowed()
    if allowed and device.verify_token(token):
        return True, True
    record(kind=AccessAudit.TWO_FACTOR_FAILED, actor=user)
    return allowed, False
