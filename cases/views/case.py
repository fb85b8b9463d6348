"""The case list and the case page with what is done on it: steps, notes, the checklist, a
further undring."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from bts.web import add_service_errors, posted
from levels.rules import table
from levels.selectors import guide_levels, guide_step, request_guide
from levels.words import guide_words

from .. import access, progress, reads, selectors, services
from ..concern_tools import concern_tools
from ..extensions import case_actions
from ..forms import CaseListFilterForm, ConcernForm, NoteForm, StepCompleteForm
from ..models import RelayEntry
from ..selectors import relay_log
from ._common import _case, _case_for_change, _case_form_page, _concern_data, _visible_case


@require_GET
@vary_on_headers("HX-Request")
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see: for an employee those they take part in, for a leader also
    every case of the services they lead. Filtered by status, level and service."""
    access.require(request.user, access.Action.LIST)
    led = selectors.services_led_by(request.user)
    params = request.GET.copy()
    params.setdefault("status", "open")
    guide = request_guide(request)
    form = CaseListFilterForm(
        params,
        services=led if len(led) > 1 else None,
        levels=guide_levels(guide) if guide else (),
    )
    filters = form.cleaned_data if form.is_valid() else {"status": "open", "level": None}
    page = reads.case_list(
        request.user,
        status=filters.get("status", "open"),
        level=filters.get("level"),
        service_id=filters["service"].pk if filters.get("service") else None,
        after=request.GET.get("etter", ""),
    )
    query = params.copy()
    query.pop("etter", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "first_page": not request.GET.get("etter"),
        "with_municipality": selectors.serves_several_municipalities(request.user),
    }
    if request.htmx and request.htmx.target == "case-list-more":
        return render(request, "cases/list.html#rows", context)
    return render(request, "cases/list.html", context)


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    kind = request.GET.get("type", "")
    if kind not in RelayEntry.Kind.values:
        kind = ""
    older = request.GET.get("eldre", "")
    target = request.htmx.target if request.htmx else None
    if target in ("relay-log", "relay-log-more"):
        # The log alone (filtered, or its next page) needs only the case row.
        case = _visible_case(request, pk)
        reads.relay_log_shown(case)
        partial = "log" if target == "relay-log" else "log_items"
        return render(
            request,
            f"cases/detail.html#{partial}",
            {"case": case, "log": relay_log(case, kind=kind, before=older), "kind": kind},
        )
    return _detail_page(request, _case(request, pk), kind=kind, older=older)


def _detail_page(request, case, *, kind="", older="", step_form=None, note_form=None):
    guide = request_guide(request)
    step = guide_step(guide, case.step_code) if guide and case.level is not None else None
    rule = _rule(guide, case)
    may_decide = access.may(request.user, access.Action.DECIDE, case)
    requirements = progress.step_requirements(case, step)
    context = {
        "case": case,
        "log": relay_log(case, kind=kind, before=older),
        "kind": kind,
        "kinds": RelayEntry.Kind.choices,
        "step": step,
        "rule": rule,
        "closing": _is_closing(rule, step),
        "closes_case": bool(rule and step and rule.closing_steps[-1:] == (step.code,)),
        "offers_here": bool(rule and "offers" in rule.requires),
        "requirements": requirements,
        "unmet": [r for r in requirements if not r.done],
        "calls_for": _calls_for(step, requirements),
        "proposal": next(iter(case.page_pending_proposals), None),
        "may_work": access.may(request.user, access.Action.WORK_ON, case),
        "may_decide": may_decide and step and step.is_decision,
        "may_decide_any": may_decide,
        "may_confirm": access.may(request.user, access.Action.CONFIRM_DECISION, case),
        "may_hand_over": access.may(request.user, access.Action.HAND_OVER, case),
        "may_see_access_log": access.may(request.user, access.Action.SEE_ACCESS_LOG, case),
        "step_form": step_form or StepCompleteForm(initial={"step_code": case.step_code}),
        "note_form": note_form or NoteForm(),
        # A note may concern a strictly confidential address only where there is one.
        "protected_address": case.child.address_protected
        or any(g.address_protected for g in case.page_guardians),
        "today": timezone.localdate(),
        "checklist": _checklist(case.page_step_checks, step),
        "extra_actions": case_actions(request.user, case),
    }
    return render(request, "cases/detail.html", context)


def _calls_for(step, requirements) -> set[str]:
    """The actions the current step calls for, shown first on the page: those that add what it
    still needs (a decision step's decision is on its card)."""
    if step is None or step.is_decision:
        return set()
    return {r.name for r in requirements if not r.done}


@require_POST
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = StepCompleteForm(request.POST)
    if form.is_valid():
        try:
            services.step_complete(
                case=case,
                user=request.user,
                step_code=form.cleaned_data["step_code"],
                summary=form.cleaned_data["summary"],
                skip_reason=form.cleaned_data["skip_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    # The errors next to their fields, on the case page as it is now (nothing was changed).
    return _detail_page(request, _case(request, pk), step_form=form)


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(
            case=case,
            user=request.user,
            text=form.cleaned_data["text"],
            shared_from=form.cleaned_data["shared_from"],
            protected_address=form.cleaned_data["protected_address"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        return redirect("cases:detail", pk=case.pk)
    # Each error at its field, on the case page as it is now (nothing was written).
    return _detail_page(request, _case(request, pk), note_form=form)


@require_http_methods(["GET", "POST"])
def concern_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = ConcernForm(posted(request), tools=concern_tools())
    if request.method == "POST" and form.is_valid():
        services.concern_add(
            case=case,
            user=request.user,
            concern=_concern_data(form.cleaned_data),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Konkretiser %(concern_definite)s") % guide_words(request_guide(request)).as_dict(),
        intro=_("Nye observasjoner, samtaler og det du har drøftet med leder."),
        submit=_("Lagre"),
        fields_template="cases/_concern_fields.html",
    )


@require_POST
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    try:
        services.checklist_save(
            case=case,
            user=request.user,
            step_code=request.POST.get("step_code", ""),
            checked=set(request.POST.getlist("item")),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        if request.htmx:
            # The page is stale: reload it whole rather than patch a part of it.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect("cases:detail", pk=case.pk)
    if request.htmx:
        # The checklist, and what the step still requires (swapped in beside it).
        page = access.case_with_sections(request.user, case.pk)
        step = guide_step(request_guide(request), page.step_code)
        context = {
            "case": page,
            "may_work": True,
            "checklist": _checklist(page.page_step_checks, step),
            "saved": True,
            "requirements": progress.step_requirements(page, step),
            "closing": _is_closing(_rule(request_guide(request), page), step),
            "oob": True,
        }
        return HttpResponse(
            render_to_string("cases/detail.html#checklist", context, request)
            + render_to_string("cases/detail.html#requirements", context, request)
        )
    return redirect("cases:detail", pk=case.pk)


def _rule(guide, case):
    """The guide's rule for the case's level (None without a guide)."""
    return table(guide).levels.get(case.level) if guide else None


def _is_closing(rule, step) -> bool:
    return bool(rule and step and step.code in rule.closing_steps)


def _checklist(checks, step) -> list[dict]:
    """The step's checklist, each item done or not by the case's checks (a list the case page
    read with the case, or a query read only when there is a step)."""
    if step is None:
        return []
    done = {c.item for c in checks if c.step_code == step.code}
    return [{"text": item, "done": item in done} for item in step.checklist_items]
