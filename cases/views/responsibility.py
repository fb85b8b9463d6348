"""Who is responsible: handovers, watching, the coordinating service, nivå 3 and a leader
moving a departing employee's cases."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bts.web import posted
from levels.rules import table
from levels.selectors import request_guide

from .. import access, selectors, services
from ..access import led_service_ids
from ..forms import (
    CoordinationForm,
    HandoverAnswerForm,
    HandoverForm,
    ReassignAllForm,
    WideCollaborationForm,
)
from ..models import Handover
from ..selectors import handover_candidates, people_in_services, services_in_case
from ._common import _case_for_change, _case_form_page, _visible_case


@require_http_methods(["GET", "POST"])
def handover_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=access.Action.HAND_OVER)
    form = HandoverForm(posted(request), candidates=handover_candidates(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.handover_offer(
                case=case,
                user=request.user,
                to_user=data["to_user"],
                message=data["message"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            form.add_error("to_user", exc)
        else:
            messages.success(request, _("Tilbudet er sendt. Du er ansvarlig til det er akseptert."))
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Overfør oppfølgingsansvaret"),
        intro=_("Du beholder saken på listen din med en påminnelse (samtidighetsansvar)."),
        submit=_("Send tilbudet"),
    )


@require_http_methods(["GET", "POST"])
def handover_answer(request: HttpRequest, pk: int, handover_pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=access.Action.READ)
    handover = get_object_or_404(
        case.handovers.filter(status=Handover.Status.OFFERED, to_user=request.user),
        pk=handover_pk,
    )
    form = HandoverAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["accept"] == "ja"
        services.handover_answer(
            handover=handover,
            user=request.user,
            accept=accept,
            answer=form.cleaned_data["answer"],
        )
        if accept:
            messages.success(request, _("Du er nå oppfølgingsansvarlig i saken."))
            return redirect("cases:detail", pk=case.pk)
        messages.success(request, _("Du har avslått å overta saken."))
        return redirect("start")
    intro = _("%(who)s spør om du vil overta som oppfølgingsansvarlig.") % {
        "who": handover.from_user
    }
    if handover.message:
        intro += " " + _("Melding: %(message)s") % {"message": handover.message}
    return _case_form_page(
        request, case, form, title=_("Vil du overta saken?"), intro=intro, submit=_("Svar")
    )


@require_POST
def watch_end(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    services.watch_end(case=case, user=request.user)
    return redirect("start")


@require_http_methods(["GET", "POST"])
def coordination(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=access.Action.SET_COORDINATION)
    form = CoordinationForm(posted(request), services=services_in_case(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.coordination_set(
                case=case,
                user=request.user,
                service=data["service"],
                reason=data["reason"],
                child_view=data["child_view"],
            )
        except ValidationError as exc:
            form.add_error("service", exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Koordinerende tjeneste"),
        intro=_("Én tjeneste har det koordinerende ansvaret i saken. Historikken beholdes."),
        submit=_("Lagre"),
    )


@require_http_methods(["GET", "POST"])
def wide_collaboration(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=access.Action.DECIDE)
    guide = request_guide(request)
    if guide is None or case.level not in table(guide).levels_requiring("offers"):
        raise Http404
    current = selectors.wide_collaboration_of(case)
    initial = (
        {
            "familiehjelpa": current.familiehjelpa,
            "coordinator": current.coordinator_id,
            "child_coordinator": current.child_coordinator_id,
            "individual_plan": current.individual_plan,
            "note": current.note,
        }
        if current
        else {}
    )
    people = people_in_services(services_in_case(case))
    form = WideCollaborationForm(posted(request), initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        services.wide_collaboration_save(case=case, user=request.user, **form.cleaned_data)
        return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Nivå %(level)s: %(title)s")
        % {
            "level": case.level,
            "title": next(lv.title for lv in guide.levels.all() if lv.number == case.level),
        },
        intro=_(
            "Familiehjelpa skal tilbys. Vurder koordinator, barnekoordinator og individuell "
            "plan. Aktuelle ledere skal være orientert om saken."
        ),
        submit=_("Lagre"),
    )


@require_http_methods(["GET", "POST"])
def reassign_all(request: HttpRequest) -> HttpResponse:
    """For leaders: move a departing employee's cases to another employee in one action."""
    access.require(request.user, access.Action.REASSIGN_ALL)
    led = led_service_ids(request.user)
    form = ReassignAllForm(
        posted(request), holders=selectors.case_holders(led), staff=selectors.staff_of(led)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.cases_reassign_all(
                leader=request.user,
                from_user=data["from_user"],
                to_user=data["to_user"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error("to_user", exc)
        else:
            messages.success(
                request,
                _("%(count)s saker er overført til %(to)s.")
                % {"count": count, "to": data["to_user"]},
            )
            return redirect("start")
    return render(request, "cases/reassign_all.html", {"form": form})
