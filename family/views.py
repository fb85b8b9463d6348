"""The family's way in: choosing the municipality, ID-porten, and the family's entry page.

These pages are for family sessions only: a staff session gets a 403 here, just as a family
session is sent to the login page by every staff URL (it has no account signed in)."""

import functools

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from bts import oidc
from bts.downloads import attachment_response
from bts.middleware import family_session, two_factor_exempt
from bts.views import sign_in_problem
from cases import services as case_services

from . import access, selectors, services
from .forms import WRITES, FamilyNoteForm, MeetingAnswerForm

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
    return render(
        request,
        "family/entry.html",
        {"children": selectors.family_children(data), "youth": bool(data["youth"])},
    )


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
        raise Http404
    case = access.family_case_or_404(data, pk)
    form = FamilyNoteForm(request.POST, what=what)
    if not form.is_valid():
        page = selectors.family_case(data, pk)
        return render(request, "family/case.html", _case_context(page, refused=form), status=400)
    case_services.family_note_add(
        case=case,
        author=selectors.family_author(data, case),
        text=form.cleaned_data["text"],
        who=selectors.who(data),
        kind=form.kind,
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
    form = MeetingAnswerForm(request.POST, prefix=_prefix(meeting))
    if not form.is_valid():
        page = selectors.family_case(data, pk)
        context = _case_context(page, answering=meeting.pk, answer_form=form)
        return render(request, "family/case.html", context, status=400)
    case_services.meeting_answer(
        meeting=meeting,
        author=selectors.family_author(data, meeting.case),
        answer=form.cleaned_data["answer"],
        message=form.cleaned_data["message"],
        who=selectors.who(data),
        idempotency_key=form.cleaned_data["idempotency_key"],
    )
    messages.success(request, _("Takk for svaret. De som har saken, får beskjed."))
    return redirect("family:case", pk=pk)


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
