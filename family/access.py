"""Who may use the family's pages: a family's session (or no session, to sign in); never a
staff session, which is refused and the refusal audited."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bts.audit import refuse
from cases.models import Case, Child, Concern, Guardian, Meeting
from cases.services import ConsentParty


def staff_session_refused() -> None:
    """Note a staff session's attempt at a family page (written after the 403)."""
    refuse(detail="family_page")


def family_cases(data: dict) -> QuerySet[Case]:
    """The cases a family's session may read: those of the children it is for, in the
    municipality it signed in to. Never a case opened on the akutt path (a report to barnevern
    with no undring): the guardians were not told, and may be the reason for it. Never, to a
    guardian, the case of a child with a strictly confidential address, unless the guardian is
    under the same protection: the case names the school, the meetings' places, the services."""
    # Parental responsibility as it is now, not as it was at sign-in.
    responsible = Guardian.objects.filter(
        pk__in=data["guardians"], child=OuterRef("child"), has_parental_responsibility=True
    )
    return Case.objects.filter(
        Exists(Concern.objects.filter(case=OuterRef("pk"))),
        Q(child_id__in=data["youth"]) | Exists(responsible),
        Q(child__address_protected=False)
        | Q(child_id__in=data["youth"])
        | Exists(responsible.filter(address_protected=True)),
        child_id__in=data["children"],
        municipality_id=data["municipality"],
    )


def own_rows(data: dict) -> tuple[QuerySet[Guardian], QuerySet[Child]]:
    """The session's own rows: its guardian rows (one per child) and the young person's child
    rows, where what the family sets for itself is kept (the address for notices, the
    language)."""
    return (
        Guardian.objects.filter(
            pk__in=data["guardians"], child__municipality_id=data["municipality"]
        ),
        Child.objects.filter(pk__in=data["youth"], municipality_id=data["municipality"]),
    )


def session_guardian(data: dict, case: Case) -> Guardian | None:
    """The session's guardian of this case's child (a guardian's row is per child)."""
    if not data["guardians"]:
        return None
    return Guardian.objects.filter(
        pk__in=data["guardians"], child_id=case.child_id, has_parental_responsibility=True
    ).first()


def family_party_or_404(data: dict, case: Case) -> ConsentParty:
    """Who the session is in this case; a 404 (audited) if no one any more."""
    party = family_party(data, case)
    if party is None:
        refuse(case_id=case.pk, detail="family_party")
        raise Http404
    return party


_UNREAD = object()


def family_party(data: dict, case: Case, guardian=_UNREAD) -> ConsentParty | None:
    """Who the session is in this case, as one who answers for consent: the guardian, or the
    young person. (`guardian`: `session_guardian`'s answer, when the caller has it.)"""
    if guardian is _UNREAD:
        guardian = session_guardian(data, case)
    if guardian is not None:
        return ConsentParty(guardian, guardian.name)
    if case.child_id in data["youth"]:
        return ConsentParty(None, case.child.first_name)
    return None


def writes_protected(party: ConsentParty) -> bool:
    """What a guardian at a strictly confidential address writes may tell where they live: it
    is kept from the other guardian."""
    return party.guardian is not None and party.guardian.address_protected


def refuse_unknown(case_pk: int, detail: str) -> None:
    """A family page asked for something that does not exist: a 404, audited."""
    refuse(case_id=case_pk, detail=detail)
    raise Http404


def sees_protected(data: dict, case: Case, guardian=_UNREAD) -> bool:
    """Whether the session may read what concerns a strictly confidential address: the young
    person, or a guardian under that protection."""
    if case.child_id in data["youth"]:
        return True
    if guardian is _UNREAD:
        guardian = session_guardian(data, case)
    return guardian is not None and guardian.address_protected


def family_case_or_404(data: dict, pk: int) -> Case:
    """The case, if this family may read it; otherwise a 404, and the attempt audited."""
    case = (
        family_cases(data)
        .filter(pk=pk)
        .select_related("child", "responsible", "owner_service")
        .first()
    )
    if case is None:
        refuse(case_id=pk, detail="family_case")
        raise Http404
    return case


# A meeting can be answered until half a day after it began (the family's page shows those).
ANSWERABLE_FOR = timedelta(hours=12)


def family_meeting_or_404(data: dict, case_pk: int, meeting_pk: int) -> Meeting:
    """A meeting ahead in one of the family's cases; otherwise a 404, and the attempt audited."""
    case = family_case_or_404(data, case_pk)
    meeting = (
        Meeting.objects.filter(
            pk=meeting_pk, case=case, starts_at__gte=timezone.now() - ANSWERABLE_FOR
        )
        .select_related("case")
        .first()
    )
    if meeting is None:
        refuse(case_id=case.pk, detail="family_meeting")
        raise Http404
    return meeting
