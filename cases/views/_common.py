"""What the case views share: the services a user registers for, the case read for a page
(through `cases.access`, which audits the read), the form page and the PDF response."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.downloads import attachment_response
from bts.web import Crumb, form_page

from .. import access, reads, selectors, services
from ..access import case_services
from ..models import Case


def _user_services(request: HttpRequest):
    access.require(request.user, access.Action.REGISTER)
    return selectors.active_services(case_services(request.user))


def _municipalities(request: HttpRequest):
    return selectors.registrable_municipalities(request.user)


def _service_choice(request, user_services):
    """The form asks for the service only when the user works in more than one."""
    return user_services if len(user_services) > 1 else None


def _chosen_service(form, user_services):
    return form.cleaned_data.get("service") or user_services[0]


def _visible_case(request: HttpRequest, pk: int) -> Case:
    return access.case_or_404(request.user, pk)


def _case(request: HttpRequest, pk: int, *, detail: str = "") -> Case:
    return access.case_for_read(request.user, pk, detail=detail)


def _case_for_change(
    request: HttpRequest, pk: int, policy: access.Action = access.Action.WORK_ON
) -> Case:
    return access.case_for_action(
        request.user,
        pk,
        policy,
        detail=request.resolver_match.url_name,
        audit_read=request.method == "GET",
    )


def _case_for_export(request: HttpRequest, pk: int, policy: access.Action, *, detail: str) -> Case:
    return access.case_for_export(request.user, pk, policy, detail=detail)


def _case_form_page(
    request, case, form, *, title: str, intro: str = "", submit: str, fields_template: str = ""
):
    if request.method == "POST":  # the form came back with errors: the case was read again
        reads.form_returned(case)
    case_url = reverse("cases:detail", args=[case.pk])
    return form_page(
        request,
        page_title=_("%(title)s – sak %(n)s") % {"title": title, "n": case.pk},
        crumbs=[Crumb(case_url, _("Saken om %(child)s") % {"child": case.child})],
        title=title,
        intro=intro,
        form=form,
        submit=submit,
        cancel_url=case_url,
        fields_template=fields_template,
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    return attachment_response(content, content_type="application/pdf", filename=name)


def _stamp(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def _concern_data(data) -> services.ConcernData:
    return services.ConcernData(
        observation=data["observation"],
        observed_on=data["observed_on"],
        setting=data["setting"],
        worry=data["worry"],
        risk_factors=data["risk_factors"],
        protective_factors=data["protective_factors"],
        risk_factor_items=data.get("risk_factor_items", []),
        protective_factor_items=data.get("protective_factor_items", []),
    )
