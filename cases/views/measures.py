"""Measures and their evaluations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bts.web import add_service_errors, posted

from .. import access, reads, selectors, services
from ..forms import EvaluationForm, MeasureForm
from ..selectors import people_in_services, services_in_case
from ._common import _case_for_change, _case_form_page


@require_http_methods(["GET", "POST"])
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    collaborating = services_in_case(case)
    form = MeasureForm(
        posted(request),
        services=collaborating,
        people=people_in_services(collaborating),
        initial={"responsible_service": case.owner_service_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_add(
                case=case,
                user=request.user,
                description=data["description"],
                goal=data["goal"],
                location=data["location"],
                responsible_service=data["responsible_service"],
                responsible_person=data["responsible_person"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                evaluation_due=data["evaluation_due"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Tiltaket er registrert."))
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Nytt tiltak"),
        intro=_(
            "Et tiltak har et målbart mål, en ansvarlig, en periode og en dato for evaluering. "
            "Barnet involveres og foresatte informeres."
        ),
        submit=_("Lagre tiltaket"),
    )


@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Evaluate an active measure; everyone who sees the case may read its evaluations."""
    policy = access.Action.WORK_ON if request.method == "POST" else access.Action.READ
    case = _case_for_change(request, pk, policy=policy)
    measure = get_object_or_404(selectors.measures_with_evaluations(case), pk=measure_pk)
    form = EvaluationForm(posted(request), measure=measure)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluation_add(
                    measure=measure,
                    user=request.user,
                    effect=data["effect"],
                    child_experience=data["child_experience"],
                    child_not_heard=data["child_not_heard"],
                    guardians_view=data["guardians_view"],
                    outcome=data["outcome"],
                    evaluated_on=data["evaluated_on"],
                    next_evaluation_due=data["next_evaluation_due"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Evalueringen er registrert."))
                return redirect("cases:detail", pk=case.pk)
        reads.form_returned(case)
    elif not (measure.is_active and access.may(request.user, access.Action.WORK_ON, case)):
        form = None
    return render(
        request,
        "cases/evaluation_new.html",
        {
            "case": case,
            "measure": measure,
            "form": form,
            "today": timezone.localdate(),
            "child_words": selectors.child_words_since(measure),
        },
    )
