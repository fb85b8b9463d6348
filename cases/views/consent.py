"""Consent: recording it, its signed form, involving a service it covers, withdrawing it, the
form to sign and the record of a consent as PDF."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bts.downloads import attachment_response
from bts.web import add_service_errors, posted
from levels.selectors import request_guide

from .. import access, documents, reads, selectors, services
from ..forms import (
    ConsentAskForm,
    ConsentForm,
    ConsentFormForm,
    ConsentWithdrawForm,
    InvolveForm,
)
from ..models import Consent
from ._common import _case_for_change, _case_for_export, _case_form_page, _pdf, _visible_case


@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = ConsentForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        services=selectors.other_active_services(case),
        child=case.child,
        guide=request_guide(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                case=case,
                user=request.user,
                services=list(data["services"]),
                guardians=list(data.get("guardians") or []),
                child_consented=data.get("child_consented", False),
                others=data["others"],
                information=data["information"],
                information_other=data["information_other"],
                form=data["form"],
                oral_note=data["oral_note"],
                document=data["document"],
                purpose=data["purpose"],
                given_on=data["given_on"],
                expires_on=data["expires_on"],
                refused=data["refused"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Registrer samtykke"),
        intro=_(
            "Samtykket gis til tjenester, ikke til personer. Alle med foreldreansvar samtykker, "
            "og barnet selv fra kommunens aldersgrense. Det kan trekkes tilbake når som helst."
        ),
        submit=_("Lagre samtykke"),
    )


@require_GET
def consent_document(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """The signed consent form, for everyone who sees the case: as a download, never shown
    inline, audited as a read."""
    case = _visible_case(request, pk)
    consent = reads.signed_consent_form(case, consent_pk)
    return attachment_response(
        bytes(consent.document.content),
        content_type=consent.document.content_type,
        filename=f"samtykke-sak-{case.pk}-{consent.given_on:%Y-%m-%d}.{consent.document.extension}",
    )


@require_http_methods(["GET", "POST"])
def involve(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = InvolveForm(posted(request), services=selectors.other_active_services(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_involve(
                case=case, user=request.user, service=form.cleaned_data["service"]
            )
        except services.ConsentMissing as exc:
            form.add_error("service", str(exc))
        except ValidationError as exc:
            form.add_error("service", exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Ta med en annen tjeneste"),
        intro=_("Krever samtykke som omfatter tjenesten."),
        submit=_("Ta med i saken"),
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    # An active consent, or a request on the family's page still waiting for answers.
    consent = get_object_or_404(
        case.consents.filter(Consent.withdrawable_q()),
        pk=consent_pk,
    )
    form = ConsentWithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                case=case,
                consent=consent,
                user=request.user,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                how=form.cleaned_data["how"],
            )
        except ValidationError as exc:
            form.add_error("withdrawn_on", exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Trekk tilbake samtykke"),
        intro=_(
            "Tjenestene samtykket gjaldt, mister tilgang til det som skjer etter dette, "
            "med mindre et annet samtykke gjelder dem. Det som er gjort, blir stående."
        ),
        submit=_("Registrer tilbaketrekkingen"),
    )


@require_GET
def consent_pdf(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """The record of a consent as given, refused, withdrawn or expired."""
    case = _case_for_export(request, pk, access.Action.READ, detail=f"consent_pdf:{consent_pk}")
    consent = get_object_or_404(
        case.consents.select_related("recorded_by").prefetch_related("services"), pk=consent_pk
    )
    return _pdf(
        documents.consent_record_pdf(case, consent),
        f"samtykke-sak-{case.pk}-{consent.given_on:%Y-%m-%d}.pdf",
    )


@require_http_methods(["GET", "POST"])
def consent_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for consent on the family's page: each guardian with parental responsibility (and
    the child from the consent age) gives or refuses it there after signing in with ID-porten."""
    case = _case_for_change(request, pk)
    form = ConsentAskForm(posted(request), services=selectors.other_active_services(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_request(
                case=case,
                user=request.user,
                services=list(data["services"]),
                information=data["information"],
                information_other=data["information_other"],
                purpose=data["purpose"],
                expires_on=data["expires_on"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Be om samtykke på familiens side"),
        intro=_(
            "Hver foresatt med foreldreansvar, og barnet selv fra kommunens aldersgrense, leser "
            "teksten på familiens side i ID-porten og svarer der. Samtykket gjelder først når "
            "alle har sagt ja. De får e-post om at det er noe nytt, hvis de har bekreftet en "
            "adresse."
        ),
        submit=_("Be om samtykke"),
    )


@require_http_methods(["GET", "POST"])
def consent_form(request: HttpRequest, pk: int) -> HttpResponse:
    """A consent form filled in for the family to sign: the services, the information, the
    purpose, their rights and the law. Nothing is recorded; the signed form comes back later."""
    # Showing the form is a read; making the PDF is the export it audits (cases.reads).
    case = _case_for_change(request, pk)
    form = ConsentFormForm(posted(request), services=selectors.other_active_services(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pdf = reads.consent_form_blank(
            case,
            documents.ConsentRequest(
                services=list(data["services"]),
                information=data["information"],
                information_other=data["information_other"],
                purpose=data["purpose"],
                expires_on=data["expires_on"],
            ),
            language=data["language"] or None,
        )
        return _pdf(pdf, f"samtykkeskjema-sak-{case.pk}.pdf")
    return _case_form_page(
        request,
        case,
        form,
        title=_("Samtykkeskjema til signering"),
        intro=_(
            "Velg det samtykket skal gjelde. Du får skjemaet som PDF, fylt ut med barnets og "
            "foresattes navn, formålet, rettighetene og lovgrunnlaget. Når det er signert, "
            "registrerer du samtykket og laster opp skjemaet."
        ),
        submit=_("Lag skjemaet (PDF)"),
    )
