"""Intake: registering an inquiry, adding a child to one, and the drøftingstelefon."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bts.web import add_service_errors, posted, posted_files
from cases import services as case_services
from cases.forms import GuardianFormSet

from .. import access, selectors, services
from ..access import Action
from ..forms import AdviceForm, ChildConsentForm, InquiryForm
from .common import CONSENT_FIELDS, posted_key


def _consent(data) -> services.ConsentData | None:
    if not data.get("consent"):
        return None
    return services.ConsentData(
        form=data["consent"],
        information=tuple(data["consent_information"]),
        oral_note=data["consent_oral_note"],
        document=data["consent_document"],
        child_consented=data["consent_child"],
    )


def _child(form, guardians) -> services.ChildRef | None:
    """The child a valid ChildConsentForm names: the service's own case, one of the children
    shown as possibly the same, or a new one (None: the form names no child)."""
    data = form.cleaned_data
    if data.get("case_number"):
        return services.CaseReference(data["case_number"], data["case_birth_date"])
    if not form.names_child:
        return None
    chosen = data.get("existing_child")
    child = next((c for c in form.duplicates if c.pk == chosen), None) if chosen else None
    if child is not None:
        return child
    return services.NewChild(
        child=case_services.ChildData(
            data["child_first_name"], data["child_last_name"], data["child_birth_date"]
        ),
        guardians=tuple(
            case_services.GuardianData(**g) for g in guardians.cleaned_data if g and g["name"]
        ),
        confirmed_new=data["confirm_new"],
    )


def _duplicates(request, form) -> list:
    """The children the user sees who may be the new child the form names (the choices of its
    "Mener du et av disse barna?")."""
    if not form.is_valid() or not form.names_child or form.cleaned_data.get("case_number"):
        return []
    data = form.cleaned_data
    return selectors.children_like(
        request.user,
        first_name=data["child_first_name"],
        last_name=data["child_last_name"],
        birth_date=data["child_birth_date"],
    )


@require_http_methods(["GET", "POST"])
def inquiry_new(request: HttpRequest) -> HttpResponse:
    """The mapping form's first part: who called, about what, which child, and the consent."""
    access.tool(request.user, Action.REGISTER, what="inquiry_new")
    referring = selectors.referring_services(request.user)
    form = InquiryForm(posted(request), posted_files(request), referring=referring)
    guardians = GuardianFormSet(posted(request), prefix="guardians")
    if request.method == "POST":
        sent = services.inquiry_submitted(user=request.user, idempotency_key=posted_key(request))
        if sent:  # a double submit: the first one made it
            return redirect("familiehjelpa:detail", pk=sent.pk)
        if duplicates := _duplicates(request, form):
            form = InquiryForm(
                request.POST, request.FILES, referring=referring, duplicates=duplicates
            )
        if form.is_valid() and guardians.is_valid():
            data = form.cleaned_data
            try:
                inquiry = services.inquiry_register(
                    user=request.user,
                    service=selectors.led_service(request.user),
                    received_at=data["received_at"],
                    channel=data["channel"],
                    source=data["source"],
                    referring_service=data["referring_service"],
                    caller=services.Caller(
                        data["caller_name"],
                        data["caller_role"],
                        data["caller_phone"],
                        data["caller_email"],
                    ),
                    about=data["about"],
                    urgency=data["urgency"],
                    child=_child(form, guardians),
                    consent=_consent(data),
                    idempotency_key=data["idempotency_key"],
                )
            except services.DuplicateChildren as exc:  # shown first: choose one, or confirm
                form = InquiryForm(
                    request.POST, request.FILES, referring=referring, duplicates=exc.children
                )
                form.is_valid()
            except ValidationError as exc:
                add_service_errors(form, exc, CONSENT_FIELDS)
            else:
                messages.success(request, _("Henvendelsen er registrert."))
                return redirect("familiehjelpa:detail", pk=inquiry.pk)
    return render(request, "familiehjelpa/inquiry_new.html", {"form": form, "guardians": guardians})


@require_http_methods(["GET", "POST"])
def child_add(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = access.inquiry_for(
        request.user, pk, Action.TRIAGE, detail="child_add", audit_get=request.method == "GET"
    )
    form = ChildConsentForm(posted(request), posted_files(request))
    guardians = GuardianFormSet(posted(request), prefix="guardians")
    if request.method == "POST":
        if services.child_link_submitted(inquiry=inquiry, idempotency_key=posted_key(request)):
            return redirect("familiehjelpa:detail", pk=pk)  # a double submit: the first made it
        if duplicates := _duplicates(request, form):
            form = ChildConsentForm(request.POST, request.FILES, duplicates=duplicates)
        if form.is_valid() and guardians.is_valid():
            try:
                services.inquiry_child_add(
                    inquiry=inquiry,
                    user=request.user,
                    child=_child(form, guardians),
                    consent=_consent(form.cleaned_data),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except services.DuplicateChildren as exc:  # shown first: choose one, or confirm
                form = ChildConsentForm(request.POST, request.FILES, duplicates=exc.children)
                form.is_valid()
            except ValidationError as exc:
                add_service_errors(form, exc, CONSENT_FIELDS | {"child": "child_first_name"})
            else:
                messages.success(request, _("Barnet er knyttet til henvendelsen."))
                return redirect("familiehjelpa:detail", pk=pk)
        access.read_again(request.user, inquiry)
    return render(
        request,
        "familiehjelpa/child_add.html",
        {"inquiry": inquiry, "form": form, "guardians": guardians},
    )


@require_http_methods(["GET", "POST"])
def advice_new(request: HttpRequest) -> HttpResponse:
    """The drøftingstelefon: counted, stored without anything that identifies anyone."""
    user = request.user
    access.tool(user, Action.RECORD_ADVICE, what="advice_new")
    form = AdviceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.advice_call_record(
                user=user,
                service=selectors.phone_service(user),
                received_at=data["received_at"],
                channel=data["channel"],
                caller_kind=data["caller_kind"],
                topics=data["topics"],
                advice=data["advice"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Drøftingen er registrert og telles, uten personopplysninger.")
            )
            return redirect(
                "familiehjelpa:board" if access.may(user, Action.USE_BOARD) else "start"
            )
    return render(request, "familiehjelpa/advice_new.html", {"form": form})
