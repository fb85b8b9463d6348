"""A service refers its case to familiehjelpa, from the case page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bts.web import add_service_errors, posted

from .. import access, selectors, services
from ..forms import ReferForm


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, case_pk: int) -> HttpResponse:
    """A service refers its case at nivå 2–3 to familiehjelpa (with the family's consent)."""
    user = request.user
    case = access.case_to_refer(user, case_pk, audit_get=request.method == "GET")
    choices = selectors.familiehjelpa_services(case.municipality_id)
    form = ReferForm(posted(request), services=choices)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_refer(
                    case=case,
                    user=user,
                    service=data.get("service") or choices.first(),
                    about=data["about"],
                    urgency=data["urgency"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Saken er henvist til familiehjelpa. Teamleder tar kontakt."),
                )
                return redirect("cases:detail", pk=case.pk)
        access.case_read_again(case)
    return render(request, "familiehjelpa/refer.html", {"case": case, "form": form})
