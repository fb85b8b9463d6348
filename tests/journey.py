"""Walking a case through the guide in tests, as the users would: tick each step's checklist,
complete the step (what else it requires is recorded as done without, with the reason the
guide asks for), and decide at the decision step; where the guide has the leader take the
decision, a leader of the case's service confirms the proposal."""

from bts.models import Membership, Role, User
from bts.services import membership_grant
from cases import services
from cases.models import Case, Decision, DecisionProposal
from levels.selectors import active_guide, guide_step

SKIPPED = "Ikke en del av det testen prøver."


def to_decision_step(case: Case, user: User) -> Case:
    """Complete the steps of the case's level up to its decision step."""
    case.refresh_from_db()
    while not (step := guide_step(active_guide(), case.step_code)).is_decision:
        services.checklist_save(
            case=case, user=user, step_code=step.code, checked=set(step.checklist_items)
        )
        case = services.step_complete(
            case=case, user=user, step_code=step.code, summary="", skip_reason=SKIPPED
        )
    return case


def leader_of(case: Case) -> User:
    """A leader of the case's service (one is made when the service has none)."""
    membership = (
        Membership.objects.filter(
            service=case.owner_service, role=Role.LEADER, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if membership is not None:
        return membership.user
    from tests.factories import UserFactory

    leader = UserFactory(first_name="Lea", last_name="Leder")
    membership_grant(user=leader, role=Role.LEADER, service=case.owner_service)
    return leader


def confirmed(result: Decision | DecisionProposal) -> Decision:
    """The decision itself: a proposal is confirmed by a leader of the case's service."""
    if isinstance(result, Decision):
        return result
    services.proposal_answer(proposal=result, user=leader_of(result.case), confirm=True)
    return Decision.objects.filter(case=result.case).latest("decided_at", "id")


def decide(case: Case, user: User, to_level, reason="Begrunnelse.", **kwargs) -> Decision:
    """Walk to the decision step, then decide there (confirmed where a leader must)."""
    case = to_decision_step(case, user)
    kwargs.setdefault("child_view", "Barnet sier at det er greit.")
    return confirmed(
        services.case_decide(case=case, user=user, to_level=to_level, reason=reason, **kwargs)
    )


def close_through(case: Case, user: User) -> Case:
    """After a decision to close: complete the closing steps until the case is closed."""
    case.refresh_from_db()
    while case.is_open:
        step = guide_step(active_guide(), case.step_code)
        services.checklist_save(
            case=case, user=user, step_code=step.code, checked=set(step.checklist_items)
        )
        case = services.step_complete(
            case=case, user=user, step_code=step.code, summary="", skip_reason=SKIPPED
        )
    return case
