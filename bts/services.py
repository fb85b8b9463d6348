from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import MUNICIPAL_ROLES, Membership, Role, Service, User

SYSTEM_ADMIN_GROUP = "Systemadministratorer"
# The system administrator manages users, services, the guide, the catalogue and the contacts,
# and never reads cases. The toolbox itself comes from its file: the admin may only view it.
SYSTEM_ADMIN_MODELS = {
    "bts": ["user", "service", "membership"],
    "levels": ["guide", "level", "step", "acutecontact"],
    "toolbox": ["catalogueentry", "catalogueimport", "contact", "toolbox", "tool"],
}


@transaction.atomic
def system_admin_group_ensure() -> Group:
    group, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
    perms = Permission.objects.none()
    for app_label, models in SYSTEM_ADMIN_MODELS.items():
        perms |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    group.permissions.set(perms)
    return group


@transaction.atomic
def membership_grant(*, user: User, role: Role, service: Service | None = None) -> Membership:
    """Give a user a role; municipal roles have no service. Granting twice changes nothing."""
    if (role in MUNICIPAL_ROLES) != (service is None):
        raise ValueError("Kommunale roller har ingen tjeneste; andre roller må ha en tjeneste.")
    membership, _ = Membership.objects.get_or_create(user=user, role=role, service=service)
    if role == Role.SYSTEM_ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(system_admin_group_ensure())
    return membership
