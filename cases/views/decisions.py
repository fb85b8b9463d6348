"""Decisions on the way forward and reports to barnevern, with their PDFs."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bts.web import add_service_errors, posted
from levels.rules import MoveRefused, Option, classify, table
from levels.selectors import request_guide

from .. import access, documents, services
from ..forms import DecisionForm, ProposalAnswerForm, ReportForm
from ..models import DecisionProposal
from ._common import _case_for_change, _case_for_export, _case_form_page, _pdf, _stamp


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=access.Action.DECIDE)
    guide = request_guide(request)
    if guide is None:
        raise Http404
    form = DecisionForm(
        posted(request),
        rules=table(guide),
        level=case.level,
        initial={"step_code": case.step_code},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_decide(
                case=case,
                user=request.user,
                to_level=data["to_level"],
                reason=data["reason"],
                child_view=data["child_view"],
                child_not_heard=data["child_not_heard"],
                step_code=data["step_code"],
                idempotency_key=data["idempotency_key"],
            )
        except MoveRefused as exc:
            form.add_error("to_level", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Beslutning"),
        intro=_("Hva er veien videre? Skriv alltid hvorfor."),
        submit=_("Lagre beslutning"),
    )


@require_http_methods(["GET", "POST"])
def proposal_answer(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """A leader confirms, or does not, the decision the holder proposed."""
    case = _case_for_change(request, pk, policy=access.Action.CONFIRM_DECISION)
    proposal = get_object_or_404(
        case.proposals.select_related("proposed_by"),
        pk=proposal_pk,
        status=DecisionProposal.Status.PENDING,
    )
    form = ProposalAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_answer(
                proposal=proposal,
                user=request.user,
                confirm=form.cleaned_data["confirm"],
                answer=form.cleaned_data["answer"],
            )
        except MoveRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Forslag til beslutning"),
        intro=_("%(holder)s foreslår: %(option)s. Begrunnelse: %(reason)s")
        % {
            "holder": proposal.proposed_by,
            "option": Option(
                classify(proposal.from_level, proposal.to_level), proposal.to_level
            ).label,
            "reason": proposal.reason,
        },
        submit=_("Lagre svaret"),
    )


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=access.Action.REPORT)
    form = ReportForm(posted(request), municipality_ids=[case.municipality_id])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.report_file(
            case=case,
            user=request.user,
            reported_at=data["reported_at"],
            channel=data["channel"],
            reason=data["reason"],
            police_contacted=data["police_contacted"],
            received_by=data.get("received_by"),
            idempotency_key=data["idempotency_key"],
        )
        return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Melding til barnevernet"),
        intro=_(
            "Opplysningsplikten gjelder på alle nivåer og krever ikke "
            "samtykke. Foresatte varsles ikke."
        ),
        submit=_("Registrer meldingen"),
    )


@require_GET
def report_pdf(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """The report to barnevern as it was filed."""
    case = _case_for_export(request, pk, access.Action.READ, detail=f"report_pdf:{report_pk}")
    report = get_object_or_404(
        case.reports.select_related("received_by", "reported_by"), pk=report_pk
    )
    return _pdf(
        documents.report_pdf(case, report),
        f"melding-barnevernet-sak-{case.pk}-{_stamp(report.reported_at)}.pdf",
    )


@require_GET
def decision_pdf(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    case = _case_for_export(request, pk, access.Action.READ, detail=f"decision_pdf:{decision_pk}")
    decision = get_object_or_404(case.decisions.select_related("decided_by"), pk=decision_pk)
    return _pdf(
        documents.decision_pdf(case, decision),
        f"beslutning-sak-{case.pk}-{_stamp(decision.decided_at)}.pdf",
    )
