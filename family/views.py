"""The family's way in: choosing the municipality, ID-porten, and the family's entry page.

These pages are for family sessions only: a staff session gets a 403 here, just as a family
session is sent to the login page by every staff URL (it has no account signed in)."""

import functools

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from bts import oidc
from bts.downloads import attachment_response
from bts.middleware import FAMILY_LANGUAGE_KEY, FAMILY_PATH, family_session, two_factor_exempt
from bts.views import sign_in_problem
from cases import services as case_services

from . import access, selectors, services
from .forms import (
    WRITES,
    ConsentAnswerForm,
    ConsentWithdrawForm,
    ContactForm,
    FamilyNoteForm,
    LanguageForm,
    MeetingAnswerForm,
)

FAMILY_PROBLEMS = {
    "family:no_match": (
        403,
        _(
            "Vi fant ingen sak i kommunen der du er registrert som foresatt med "
            "foreldreansvar, eller som ungdom med egen sak. Mener du at du skal ha tilgang, "
            "kontakt tjenesten som har saken."
        ),
    ),
    "family:no_parental_responsibility": (
        403,
        _(
            "Du er registrert som foresatt uten foreldreansvar. Bare foresatte med "
            "foreldreansvar kan logge inn og se saken. Er dette feil, kontakt tjenesten som "
            "har saken."
        ),
    ),
    "family:too_young": (
        403,
        _(
            "Du kan logge inn selv når du har nådd samtykkealderen. Til da kan foreldrene "
            "dine logge inn og se saken."
        ),
    ),
    "token:invalid_claim:acr": (
        403,
        _(
            "Innloggingen var ikke på sikkerhetsnivået kommunen krever. Logg inn på nytt med "
            "BankID, Buypass eller Commfides."
        ),
    ),
    "token:missing_claim:acr": (
        403,
        _(
            "ID-porten sa ikke hvilket sikkerhetsnivå du logget inn med, så du er ikke logget "
            "inn. Prøv på nytt."
        ),
    ),
}


def family_page(view):
    """Open without a staff account (the family has none), closed to a staff session."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            access.staff_session_refused()
            return render(request, "family/staff_refused.html", status=403)
        return view(request, *args, **kwargs)

    return login_not_required(two_factor_exempt(wrapped))


def with_family(view):
    """A page for a family's session only: without one, to the family's sign-in. The view
    gets the session's data."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        data = family_session(request)
        if data is None:
            return redirect("family:entry")
        return view(request, data, *args, **kwargs)

    return wrapped


def _problem(request: HttpRequest, code: str) -> HttpResponse:
    return sign_in_problem(request, code, problems=FAMILY_PROBLEMS, back="family:entry")


@family_page
@require_GET
def entry(request: HttpRequest) -> HttpResponse:
    """Signed in: who the family is here. Not signed in: sign in with ID-porten, choosing the
    municipality when the installation has several."""
    data = family_session(request)
    if data is None:
        return render(request, "family/sign_in.html", {"providers": selectors.family_providers()})
    return _entry_page(request, data)


def _entry_page(request: HttpRequest, data: dict, *, contact_form=None, status=200):
    email = selectors.family_contact(data)
    return render(
        request,
        "family/entry.html",
        {
            "children": selectors.family_children(data),
            "youth": bool(data["youth"]),
            "contact_email": email,
            "contact_confirmed": bool(email),
            "contact_form": contact_form or ContactForm(initial={"email": email}),
        },
        status=status,
    )


@family_page
@require_POST
@with_family
def contact(request: HttpRequest, data: dict) -> HttpResponse:
    """The family confirms (or removes) the e-mail address it is told at that something is new."""
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, data, contact_form=form, status=400)
    services.family_contact_confirm(data, email=form.cleaned_data["email"])
    if form.cleaned_data["email"]:
        messages.success(request, _("Takk. Du får varsel på e-post når det er noe nytt."))
    else:
        messages.success(request, _("Du får ikke lenger varsler på e-post."))
    return redirect("family:entry")


@family_page
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The family chooses the language of its pages (before or after signing in); back to the
    page it chose from."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect("family:entry")
    chosen = form.cleaned_data["language"]
    request.session[FAMILY_LANGUAGE_KEY] = chosen
    if (data := family_session(request)) is not None:
        services.family_language_save(data, language=chosen)
    back = form.cleaned_data["next"]
    if back.startswith(FAMILY_PATH) and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("family:entry")


@family_page
@require_GET
@with_family
def case(request: HttpRequest, data: dict, pk: int) -> HttpResponse:
    """One of the family's cases, in plain words (a 404 for any other)."""
    page = selectors.family_case(data, pk)
    return render(request, "family/case.html", _case_context(page))


def _prefix(meeting) -> str:
    # One form per meeting on the page: their fields' ids must differ.
    return f"mote-{meeting.pk}"


def _case_context(page, *, refused=None, answering=None, answer_form=None) -> dict:
    """The case page's forms: what the family writes (the log, a topic, the child's words) and
    each meeting its own answer form (its own double-submit key); a form just refused comes
    back with its errors."""
    for meeting in page.meetings:
        answered = answering is not None and meeting.pk == answering
        meeting.answer_form = (
            answer_form if answered else MeetingAnswerForm(prefix=_prefix(meeting))
        )
    forms = {what: FamilyNoteForm(what=what) for what in WRITES}
    if refused is not None:
        forms[refused.what] = refused
    for item in page.consents:
        item.answer_form = ConsentAnswerForm(
            prefix=f"samtykke-{item.consent.pk}", initial={"digest": item.digest}
        )
    return {
        "page": page,
        "note_form": forms["notat"],
        "topic_form": forms["tema"],
        "words_form": forms["barnets-ord"],
    }


@family_page
@require_POST
@with_family
def write(request: HttpRequest, data: dict, pk: int, what: str) -> HttpResponse:
    """The family's own words in the log ("Vår stemme"), a topic for the next meeting, or the
    child's own words before an evaluation (`what`: forms.WRITES)."""
    if what not in WRITES:
        access.refuse_unknown(pk, "family_write")
    case = access.family_case_or_404(data, pk)
    party = access.family_party_or_404(data, case)
    form = FamilyNoteForm(request.POST, what=what)
    if not form.is_valid():
        page = selectors.family_case(data, pk)
        return render(request, "family/case.html", _case_context(page, refused=form), status=400)
    case_services.family_note_add(
        case=case,
        author=party.name,
        text=form.cleaned_data["text"],
        who=selectors.who(data),
        kind=form.kind,
        protected_address=access.writes_protected(party),
        idempotency_key=form.cleaned_data["idempotency_key"],
    )
    messages.success(request, _("Takk. Det du skrev, står nå i loggen."))
    return redirect("family:case", pk=case.pk)


@family_page
@require_POST
@with_family
def meeting_answer(request: HttpRequest, data: dict, pk: int, meeting_pk: int) -> HttpResponse:
    """The family comes to a meeting, or asks for another time."""
    meeting = access.family_meeting_or_404(data, pk, meeting_pk)
    party = access.family_party_or_404(data, meeting.case)
    form = MeetingAnswerForm(request.POST, prefix=_prefix(meeting))
    if not form.is_valid():
        page = selectors.family_case(data, pk)
        context = _case_context(page, answering=meeting.pk, answer_form=form)
        return render(request, "family/case.html", context, status=400)
    case_services.meeting_answer(
        meeting=meeting,
        author=party.name,
        answer=form.cleaned_data["answer"],
        message=form.cleaned_data["message"],
        who=selectors.who(data),
        protected_address=access.writes_protected(party),
        idempotency_key=form.cleaned_data["idempotency_key"],
    )
    messages.success(request, _("Takk for svaret. De som har saken, får beskjed."))
    return redirect("family:case", pk=pk)


@family_page
@require_POST
@with_family
def consent_answer(request: HttpRequest, data: dict, pk: int, consent_pk: int) -> HttpResponse:
    """A guardian (or the young person) gives or refuses a consent asked for on their page,
    having read its text (the form says which: a text changed since is read again)."""
    case, shown = selectors.family_consent(data, pk, consent_pk)
    form = ConsentAnswerForm(request.POST, prefix=f"samtykke-{consent_pk}")
    back = reverse("family:case", args=[case.pk]) + f"#consent-{consent_pk}"
    if not form.is_valid():
        messages.error(request, _("Svaret kom ikke fram. Prøv igjen."))
        return redirect(back)
    if form.cleaned_data["digest"] != shown.digest and shown.mine is None:
        messages.error(
            request, _("Teksten er endret siden du leste den. Les den på nytt, og svar igjen.")
        )
        return redirect(back)
    try:
        case_services.consent_answer(
            case=case,
            consent=shown.consent,
            party=access.family_party_or_404(data, case),
            answer=form.cleaned_data["answer"],
            assurance=data.get("acr", ""),
            language=translation.get_language(),
            text_shown=shown.text_shown,
            who=selectors.who(data),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except case_services.ConsentClosed as closed:
        messages.error(request, str(closed))
    else:
        messages.success(request, _("Takk. Svaret ditt er lagret."))
    return redirect(back)


@family_page
@require_POST
@with_family
def consent_withdraw(request: HttpRequest, data: dict, pk: int, consent_pk: int) -> HttpResponse:
    """Withdraw a consent on the family's page: the services lose access at once."""
    case, shown = selectors.family_consent(data, pk, consent_pk)
    back = reverse("family:case", args=[case.pk]) + f"#consent-{consent_pk}"
    if not shown.may_withdraw:
        messages.error(request, _("Dette samtykket kan ikke trekkes tilbake her."))
        return redirect(back)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["confirm"][0])
        return redirect(back)
    case_services.consent_withdraw_by_family(
        case=case,
        consent=shown.consent,
        party=access.family_party_or_404(data, case),
        who=selectors.who(data),
    )
    messages.success(
        request, _("Samtykket er trukket tilbake. Tjenestene får ikke dele mer om barnet.")
    )
    return redirect(back)


@family_page
@require_GET
@with_family
def document(request: HttpRequest, data: dict, pk: int, kind: str, object_pk: int) -> HttpResponse:
    """A referat shared with the family, an invitation, a consent or a decision, as PDF/A."""
    filename, pdf = selectors.family_document(data, pk, kind, object_pk, request=request)
    return attachment_response(pdf, content_type="application/pdf", filename=filename)


@family_page
@require_GET
@with_family
def access_report(request: HttpRequest, data: dict, pk: int) -> HttpResponse:
    """Innsyn i logg: the family downloads who has read and changed the case, as PDF/A."""
    case, pdf = selectors.family_access_report(data, pk, request=request)
    return attachment_response(
        pdf, content_type="application/pdf", filename=f"innsyn-i-logg-sak-{case.pk}.pdf"
    )


@family_page
@require_GET
def sign_in(request: HttpRequest, number: str) -> HttpResponse:
    provider = get_object_or_404(selectors.family_providers(), municipality__number=number)
    try:
        return oidc.begin(request, provider, callback="family:sign_in_callback")
    except oidc.ProviderUnavailable:
        return _problem(request, "unavailable")


@family_page
@require_GET
def sign_in_callback(request: HttpRequest) -> HttpResponse:
    """Where ID-porten sends the person back."""
    provider = oidc.pending_provider(request, selectors.family_providers())
    if provider is None:
        return _problem(request, "oauth:unknown_state")
    try:
        signed_in = oidc.finish(request, provider)
        services.family_sign_in(request, provider=provider, signed_in=signed_in)
    except oidc.ProviderUnavailable:
        return _problem(request, "unavailable")
    except oidc.SignInRefused as refused:
        return _problem(request, refused.code)
    return redirect("family:entry")


@family_page
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the family's session here, and offers ID-porten's own sign-out."""
    data = family_session(request)
    auth_logout(request)
    provider = selectors.family_providers().filter(pk=data["provider"]).first() if data else None
    end_session = provider and oidc.end_session_url(
        provider, post_logout_redirect_uri=request.build_absolute_uri(reverse("family:entry"))
    )
    if not end_session:
        return redirect("family:entry")
    return render(request, "family/signed_out.html", {"end_session": end_session})
