"""DUKEN with the family: the form (every save a new version), each version and its PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bts.downloads import attachment_response
from bts.web import add_service_errors

from .. import access, documents, selectors, services
from ..access import Action
from ..documents import duken_groups
from ..forms import DukenForm
from ..models import DukenVersion
from .common import conflict, conflict_rows, municipality


@require_http_methods(["GET", "POST"])
def duken(request: HttpRequest, pk: int) -> HttpResponse:
    """DUKEN with the family: every save a new version; two editors conflict visibly."""
    user, is_get = request.user, request.method == "GET"
    action = Action.READ if is_get else Action.WORK_ON
    inquiry = access.inquiry_for(user, pk, action, detail="duken", audit_get=is_get)
    latest = selectors.duken_latest(inquiry)
    form = None
    if request.method == "POST":
        form = DukenForm(request.POST)
        if form.is_valid():
            try:
                version = services.duken_save(
                    inquiry=inquiry,
                    user=user,
                    data=form.values(),
                    based_on=form.cleaned_data["based_on"],
                )
            except services.DukenConflict as exc:
                access.read_again(user, inquiry, "duken:conflict")
                current = exc.current
                return conflict(
                    request,
                    inquiry,
                    title=_("DUKEN er lagret av en annen"),
                    rows=conflict_rows(DukenVersion, DukenVersion.FIELDS, current, form.values()),
                    saved_by=current.saved_by,
                    saved_at=current.saved_at,
                    form=DukenForm(initial={**form.values(), "based_on": current.number}),
                    action="familiehjelpa:duken",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("DUKEN er lagret (versjon %(v)s).") % {"v": version.number},
                )
                return redirect("familiehjelpa:duken", pk=pk)
        access.read_again(user, inquiry)
    elif access.may(user, Action.WORK_ON, inquiry):
        initial = latest.values() if latest else {"held_on": timezone.localdate()}
        form = DukenForm(initial={**initial, "based_on": latest.number if latest else 0})
    return render(
        request,
        "familiehjelpa/duken.html",
        {
            "inquiry": inquiry,
            "form": form,
            "groups": duken_groups(form, None if form else latest),
            "latest": latest,
            "versions": selectors.duken_versions(inquiry),
        },
    )


@require_GET
def duken_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version as the family's printable copy."""
    version = access.duken_version_for(request.user, pk, number, audit_get=True)
    return render(
        request,
        "familiehjelpa/duken_print.html",
        {"inquiry": version.inquiry, "version": version, "groups": duken_groups(version=version)},
    )


@require_GET
def duken_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = access.duken_version_for(request.user, pk, number, audit_get=False)
    return attachment_response(
        documents.duken_pdf_export(version, user=request.user, municipality=municipality(request)),
        content_type="application/pdf",
        filename=f"duken-henvendelse-{pk}-v{version.number}.pdf",
    )
