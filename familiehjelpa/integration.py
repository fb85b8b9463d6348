"""What familiehjelpa adds to the case workflow, registered in `FamiliehjelpaConfig.ready()`.

- The family contact takes part in the cases of the families they follow: a fact `cases.grants`
  keeps grants from, so `visible_cases` includes them while their service is in the case.
- A service's case at nivå 2–3 offers "Henvis til familiehjelpa" on the case page.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from bts.models import Service, User
from cases.extensions import CaseAction
from cases.models import Case
from cases.policies import may_work_on

from .models import Inquiry, InquiryCase
from .services import REFERRAL_LEVELS


def cases_of_family_contact(user: User) -> Q:
    """Cases linked to an inquiry this user is the family contact for."""
    return Q(Exists(InquiryCase.objects.filter(case=OuterRef("pk"), inquiry__family_contact=user)))


def family_contacts_of(case: Case) -> Iterable[int]:
    return (
        Inquiry.objects.filter(links__case=case, family_contact__isnull=False)
        .values_list("family_contact_id", flat=True)
        .distinct()
    )


def referral_action(user: User, case: Case) -> list[CaseAction]:
    """The referral, for those who work on an open case at nivå 2–3 that familiehjelpa is not
    in yet. Reads only what the case page has loaded (its owner and involvements)."""
    if not (case.is_open and case.level in REFERRAL_LEVELS and may_work_on(user, case)):
        return []
    if case.owner_service.kind == Service.Kind.FAMILIEHJELPA:
        return []
    if any(i.service.kind == Service.Kind.FAMILIEHJELPA for i in case.involvements.all()):
        return []
    return [
        CaseAction(_("Henvis til familiehjelpa"), reverse("familiehjelpa:refer", args=[case.pk]))
    ]
