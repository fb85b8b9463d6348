"""A family's sign-in with ID-porten: the `pid` of the verified ID token, matched to the
guardians and young people the municipality's services have registered.

A guardian with parental responsibility, or a young person from the guide's consent age, gets a
family session for that municipality's children; a guardian without parental responsibility, a
child below the consent age, or a number no case knows gets none, and the refusal is audited.
The number itself is compared and forgotten: it is not kept in the session, the audit or a log.
"""

import re
import time

from django.db import transaction
from django.utils import timezone

from bts.audit import record
from bts.isolation import visible
from bts.middleware import (
    FAMILY_LANGUAGE_KEY,
    FAMILY_SESSION_KEY,
    SESSION_STARTED_KEY,
    SESSION_TOUCHED_KEY,
)
from bts.models import IdentityProvider
from bts.oidc import SignedIn, SignInRefused
from cases.models import Child, Guardian
from levels.selectors import active_guide

from . import access
from .events import FamilyAudit
from .selectors import who

_PID = re.compile(r"^[0-9]{11}$")
DEFAULT_CONSENT_AGE = 15


def _consent_age(municipality_id: int) -> int:
    guide = active_guide(municipality_id)
    return guide.child_consent_age if guide is not None else DEFAULT_CONSENT_AGE


@transaction.atomic
def family_sign_in(request, *, provider: IdentityProvider, signed_in: SignedIn) -> dict:
    """Start the family session this verified ID-porten identity is entitled to, or raise
    SignInRefused ("family:no_match", "family:no_parental_responsibility", "family:too_young")."""
    pid = signed_in.claims.get("pid")
    if not isinstance(pid, str) or _PID.fullmatch(pid) is None:
        raise SignInRefused("token:missing_claim:pid")
    municipality_id = provider.municipality_id
    # Before the session exists the request sees no municipality: the lookup sees this one.
    with visible(str(municipality_id)):
        guardians = list(
            Guardian.objects.filter(
                national_id=pid, child__municipality_id=municipality_id
            ).values_list("pk", "child_id", "has_parental_responsibility")
        )
        own = list(
            Child.objects.filter(national_id=pid, municipality_id=municipality_id).only(
                "pk", "birth_date"
            )
        )
    responsible = [(pk, child) for pk, child, has_responsibility in guardians if has_responsibility]
    today = timezone.localdate()
    consent_age = _consent_age(municipality_id)
    youth = [c.pk for c in own if (c.age_on(today) or 0) >= consent_age]
    if not responsible and not youth:
        if guardians:
            raise SignInRefused("family:no_parental_responsibility")
        raise SignInRefused("family:too_young" if own else "family:no_match")
    data = {
        "municipality": municipality_id,
        "provider": provider.pk,
        "guardians": sorted(pk for pk, _child in responsible),
        "children": sorted({child for _pk, child in responsible} | set(youth)),
        "youth": sorted(youth),
        "acr": str(signed_in.claims.get("acr", ""))[:40],
    }
    # The language chosen before signing in, else the one chosen on an earlier visit.
    language = request.session.get(FAMILY_LANGUAGE_KEY) or _saved_language(data)
    # A new session: nothing of a staff session or another family's carries over.
    request.session.flush()
    now = time.time()
    request.session[FAMILY_SESSION_KEY] = data
    if language:
        request.session[FAMILY_LANGUAGE_KEY] = language
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_TOUCHED_KEY] = now
    record(kind=FamilyAudit.FAMILY_SIGNED_IN, detail=who(data))
    return data


def _saved_language(data: dict) -> str:
    with visible(str(data["municipality"])):
        for rows in access.own_rows(data):
            language = rows.exclude(language="").values_list("language", flat=True).first()
            if language:
                return language
    return ""


@transaction.atomic
def family_contact_confirm(data: dict, *, email: str) -> None:
    """The address the family is told at that something is new, as they confirm it on their
    page (empty: no more notices). For each of the session's rows; audited without the
    address."""
    email = email.strip()
    confirmed = timezone.now() if email else None
    for rows in access.own_rows(data):
        rows.update(notice_email=email, notice_email_confirmed_at=confirmed)
    record(
        kind=FamilyAudit.FAMILY_CONTACT_CHANGED,
        detail=("confirmed;" if email else "removed;") + who(data),
    )


@transaction.atomic
def family_language_save(data: dict, *, language: str) -> None:
    """The language chosen on the family's page, also for the e-mails they get."""
    for rows in access.own_rows(data):
        rows.update(language=language)
