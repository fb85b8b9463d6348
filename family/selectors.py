"""What a family's session reads: its children and their cases, in the guide's words. Each read
of a case is audited (who: the guardians or the young person the session is for)."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from bts.audit import record
from bts.models import IdentityProvider, Service, User
from cases.models import Case, Child, Decision, Measure, Meeting, RelayEntry
from cases.reports import access_report_pdf, describe
from cases.selectors import access_events, latest_access_events
from levels.models import Step
from levels.selectors import case_guide, guide_levels, step_with_neighbours

from . import access
from .events import FamilyAudit

# What the family's relay log leaves out: the report to barnevern (opplysningsplikt), which
# guardians are never told of here.
HIDDEN_ENTRIES = (RelayEntry.Kind.REPORT,)
ACCESS_LOG_SHOWN = 100


def family_providers():
    return IdentityProvider.objects.in_use(IdentityProvider.Audience.FAMILY)


def who(data: dict) -> str:
    """The session's people, for the audit trail: ids, never names or numbers."""
    if data["guardians"]:
        return f"guardian:{','.join(map(str, data['guardians']))}"
    return f"youth:{','.join(map(str, data['youth']))}"


def family_children(data: dict) -> list[Child]:
    """The children this session is for, each with the cases it may read (`family_cases`)."""
    cases = access.family_cases(data).only("pk", "child_id", "opened_at", "status")
    return list(
        Child.objects.filter(pk__in=data["children"], municipality_id=data["municipality"])
        .only("pk", "first_name", "last_name")
        .prefetch_related(
            Prefetch("cases", queryset=cases.order_by("-opened_at"), to_attr="family_cases")
        )
        .order_by("first_name")
    )


@dataclass(frozen=True)
class FamilyCase:
    """One case as the family reads it."""

    case: Case
    level_title: str
    step: Step | None
    next_step: Step | None
    holder: User | None
    service: Service
    meetings: list[Meeting]
    measures: list[Measure]
    decisions: list[Decision]
    log: list[RelayEntry]
    # Who has read and changed the case, in words, newest first (the PDF has them all).
    access_log: list[dict]


def family_case(data: dict, pk: int) -> FamilyCase:
    """The case page of a family: where the case is, who holds it, the meetings ahead, the
    measures, the decisions with their reasons and the log. A 404 (audited) for any case the
    session may not read; the read itself is audited."""
    case = access.family_case_or_404(data, pk)
    guide = case_guide(case)
    step = next_step = None
    level_title = ""
    if guide is not None:
        step, _previous, next_step = step_with_neighbours(guide, case.step_code)
        level_title = next((lv.title for lv in guide_levels(guide) if lv.number == case.level), "")
    record(kind=FamilyAudit.FAMILY_CASE_VIEWED, case_id=case.pk, detail=who(data))
    return FamilyCase(
        case=case,
        level_title=level_title,
        step=step,
        next_step=next_step if case.status == Case.Status.OPEN else None,
        holder=case.responsible,
        service=case.owner_service,
        meetings=list(
            case.meetings.filter(starts_at__gte=timezone.now() - access.ANSWERABLE_FOR)
            .prefetch_related("participant_services", "family_answers")
            .order_by("starts_at")
        ),
        measures=list(
            case.measures.select_related("responsible_service").order_by("evaluation_due")
        ),
        decisions=list(case.decisions.order_by("-decided_at")),
        log=list(
            case.relay_entries.exclude(kind__in=HIDDEN_ENTRIES)
            .filter(Q(shared_from__isnull=True) | Q(shared_from__lte=timezone.now()))
            .select_related("actor")
            .order_by("-at", "-id")
        ),
        access_log=[describe(e) for e in latest_access_events(case, count=ACCESS_LOG_SHOWN)],
    )


def family_author(data: dict, case: Case) -> str:
    """The name a note from this session is signed with: the guardian of the case's child, or
    the young person."""
    from cases.models import Guardian

    if data["guardians"]:
        guardian = Guardian.objects.filter(pk__in=data["guardians"], child_id=case.child_id)
        name = guardian.values_list("name", flat=True).first()
        if name:
            return name
    return case.child.first_name


def family_access_report(data: dict, pk: int, *, request) -> tuple[Case, bytes]:
    """The access report (innsyn i logg) of one of the family's cases, as PDF/A: every read
    and change of the case. The download is itself audited."""
    case = access.family_case_or_404(data, pk)
    pdf = access_report_pdf(case, access_events(case), start=None, end=None, request=request)
    record(
        kind=FamilyAudit.FAMILY_DOCUMENT_EXPORTED,
        case_id=case.pk,
        detail=f"access_report;{who(data)}"[:120],
    )
    return case, pdf
