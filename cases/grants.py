"""Per-case grants: who takes part in a case, kept in guardian's direct-FK table.

Taking part is a fact of the case: having registered it, holding it, an open offer to hold
it, following it after passing it on (samtidighetsansvar), a meeting one attends, a measure
one owns, a nivå 3 coordinator role. Each service that changes one of these facts calls
`grants_sync` for the people it touched, inside its own transaction, so the grant appears
and disappears with the event. `visible_cases` then asks one indexed table instead of
re-deriving participation from seven others on every request.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from guardian.shortcuts import assign_perm, remove_perm

from bts.models import User

from .models import Case, CaseUserGrant, Handover, Measure, Meeting, Watch, WideCollaboration

PERMISSION = "cases.view_case"


@dataclass(frozen=True)
class Participation:
    """A fact kept by another app that makes someone take part in a case (familiehjelpa's family
    contact, say): how to find the cases a user takes part in that way, and the users a case
    has that way. Registered from the app's `ready()`, so `cases` never imports that app."""

    cases_of: Callable[[User], Q]
    users_of: Callable[[Case], Iterable[int]]


_PARTICIPATIONS: list[Participation] = []


def participation_register(participation: Participation) -> None:
    if participation not in _PARTICIPATIONS:
        _PARTICIPATIONS.append(participation)


def takes_part_q(user: User) -> Q:
    """The facts that make `user` take part in a case (the source the grants are kept from)."""
    registered = Q()
    for participation in _PARTICIPATIONS:
        registered |= participation.cases_of(user)
    return registered | (
        Q(responsible=user)
        | Q(created_by=user)
        | Exists(
            Handover.objects.filter(
                case=OuterRef("pk"), to_user=user, status=Handover.Status.OFFERED
            )
        )
        | Exists(Watch.objects.filter(case=OuterRef("pk"), user=user))
        | Exists(Meeting.objects.filter(case=OuterRef("pk"), participants=user))
        | Exists(Measure.objects.filter(case=OuterRef("pk"), responsible_person=user))
        | Exists(
            WideCollaboration.objects.filter(
                Q(coordinator=user) | Q(child_coordinator=user), case=OuterRef("pk")
            )
        )
    )


def granted_q(user: User | int) -> Q:
    """Cases `user` (or the user of that id) holds a grant for (an EXISTS on the grant table's
    case+user index)."""
    return Exists(
        CaseUserGrant.objects.filter(
            content_object=OuterRef("pk"),
            user=user,
            permission__codename="view_case",
            permission__content_type__app_label="cases",
        )
    )


def grants_sync(case: Case, users: Iterable[User | None]) -> None:
    """Make the grants of these users on this case match the facts, after an event changed
    them. Call it inside the event's transaction."""
    for user in {u for u in users if u is not None}:
        if Case.objects.filter(takes_part_q(user), pk=case.pk).exists():
            if not CaseUserGrant.objects.filter(content_object=case, user=user).exists():
                assign_perm(PERMISSION, user, case)
        else:
            remove_perm(PERMISSION, user, case)


def grants_rebuild(cases: Iterable[Case] | None = None) -> int:
    """Recompute every grant from the facts (after a restore, or to verify); returns how many
    grants exist afterwards."""
    for case in cases if cases is not None else Case.objects.all().iterator():
        grants_sync(case, participants(case))
    return CaseUserGrant.objects.count()


def participants(case: Case) -> set[User]:
    """Everyone a fact of the case names, plus everyone holding a grant on it now."""
    ids = {case.created_by_id, case.responsible_id}
    ids |= set(case.handovers.values_list("to_user_id", flat=True))
    ids |= set(case.watches.values_list("user_id", flat=True))
    ids |= set(
        Meeting.participants.through.objects.filter(meeting__case=case).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(case.measures.values_list("responsible_person_id", flat=True))
    for wide in WideCollaboration.objects.filter(case=case):
        ids |= {wide.coordinator_id, wide.child_coordinator_id}
    for participation in _PARTICIPATIONS:
        ids |= set(participation.users_of(case))
    ids |= set(CaseUserGrant.objects.filter(content_object=case).values_list("user_id", flat=True))
    ids.discard(None)
    return set(User.objects.filter(pk__in=ids))
