"""Staff sign-in through the municipality's identity provider (bts.oidc does the protocol).

An identity is linked to an account the local administrator created, never to a new one: at the
first sign-in by the claim the municipality names (e-mail or user name, among the accounts with
a role in the municipality), from then on by the provider's subject alone. Linking ends the
account's local password, so a person the municipality deactivates in its identity provider has
no other way in. Every refusal is audited, without the token and without what was claimed.
"""

from django.contrib.auth import login
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import record
from .events import AccessAudit
from .middleware import IDP_SECOND_FACTOR_KEY
from .models import ExternalIdentity, IdentityProvider, User
from .oidc import SignedIn, SignInRefused

SIGNED_IN_WITH_KEY = "bts_signed_in_with"
BACKEND = "bts.auth.ModelBackend"


def sign_in_refused(*, code: str) -> None:
    """A refused sign-in, staff's or a family's: audited by its reason code alone."""
    record(kind=AccessAudit.SIGN_IN_REFUSED, detail=code)


def staff_providers():
    return IdentityProvider.objects.in_use(IdentityProvider.Audience.STAFF)


def _members_of(municipality_id: int):
    return User.objects.filter(
        Q(memberships__service__municipality_id=municipality_id)
        | Q(memberships__municipality_id=municipality_id)
    ).distinct()


def _match(provider: IdentityProvider, claims: dict) -> User:
    claimed = claims.get(provider.match_claim) if provider.match_claim else None
    if not isinstance(claimed, str) or not claimed.strip():
        raise SignInRefused("unknown_identity")
    claimed = claimed.strip()
    # An e-mail address the provider says it has not verified links no one.
    if provider.match_claim == "email" and claims.get("email_verified") is False:
        raise SignInRefused("unverified_email")
    candidates = list(
        _members_of(provider.municipality_id)
        .filter(Q(email__iexact=claimed) | Q(username__iexact=claimed))
        .exclude(external_identities__issuer=provider.issuer)[:2]
    )
    if len(candidates) != 1:
        raise SignInRefused("unknown_identity" if not candidates else "ambiguous_identity")
    return candidates[0]


@transaction.atomic
def staff_sign_in(request, *, provider: IdentityProvider, signed_in: SignedIn) -> User:
    """Start the BTS session of the account this verified identity belongs to, or raise
    SignInRefused: no account, an ambiguous one, or a deactivated one."""
    subject = signed_in.claims.get(provider.subject_claim)
    if not isinstance(subject, str) or not subject:
        raise SignInRefused("token:missing_subject")
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=provider.issuer, subject=subject)
        .first()
    )
    if link is None:
        user = _match(provider, signed_in.claims)
        link = ExternalIdentity.objects.create(user=user, issuer=provider.issuer, subject=subject)
        # From now on the identity provider decides whether this person may sign in.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record(kind=AccessAudit.IDENTITY_LINKED, actor=user, detail=provider.issuer)
    user = link.user
    if not user.is_active:
        raise SignInRefused("inactive_account")
    link.last_sign_in_at = timezone.now()
    link.save(update_fields=["last_sign_in_at"])
    # A new session: nothing of a family's or another person's session carries over.
    request.session.flush()
    login(request, user, backend=BACKEND)
    request.session[SIGNED_IN_WITH_KEY] = provider.pk
    if provider.idp_gave_second_factor(signed_in.claims):
        request.session[IDP_SECOND_FACTOR_KEY] = provider.pk
    record(kind=AccessAudit.SIGNED_IN_EXTERNAL, actor=user, detail=provider.issuer)
    return user
