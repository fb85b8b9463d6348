"""The reply letter to the family: its preview, recording that it was sent, and its PDF."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bts.downloads import attachment_response

from .. import access, documents, selectors, services
from ..access import Action
from ..models import Inquiry
from .common import municipality


def _letter_context(request, inquiry: Inquiry) -> dict:
    return documents.letter_context(
        inquiry,
        cases=selectors.visible_case_links(request.user, inquiry),
        municipality=municipality(request),
    )


@require_http_methods(["GET", "POST"])
def reply_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The written reply to the family, with a copy to the referring service: a preview from the
    inquiry and the latest DUKEN; the team leader records when it is sent."""
    user, is_get = request.user, request.method == "GET"
    action = Action.READ if is_get else Action.TRIAGE
    inquiry = access.inquiry_for(user, pk, action, detail="reply_letter", audit_get=is_get)
    if request.method == "POST":
        if request.POST.get("sent") == "ja":
            services.reply_sent(inquiry=inquiry, user=user)
            messages.success(request, _("Det er registrert at svaret er sendt."))
        return redirect("familiehjelpa:detail", pk=pk)
    context = _letter_context(request, inquiry)
    context["may_triage"] = access.may(user, Action.TRIAGE, inquiry)
    return render(request, "familiehjelpa/reply_letter.html", context)


@require_GET
def reply_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = access.inquiry_for(
        request.user, pk, Action.READ, detail="reply_letter_pdf", audit_get=False
    )
    return attachment_response(
        documents.reply_letter_export(
            inquiry, user=request.user, context=_letter_context(request, inquiry)
        ),
        content_type="application/pdf",
        filename=f"svarbrev-henvendelse-{inquiry.pk}.pdf",
    )
