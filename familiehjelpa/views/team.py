"""The people around the family: the family contact, and the barneteam (a border case on its
agenda, and its decision)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bts.web import add_service_errors, posted

from .. import access, selectors, services
from ..access import Action
from ..forms import ChildTeamDecisionForm, ChildTeamForm, ContactForm
from ..rules import MoveRefused
from .common import form_page


def _triage(request: HttpRequest, pk: int, url_name: str):
    """The team leader's inquiry; a GET of the form is its read."""
    return access.inquiry_for(
        request.user, pk, Action.TRIAGE, detail=url_name, audit_get=request.method == "GET"
    )


@require_http_methods(["GET", "POST"])
def contact_assign(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _triage(request, pk, "contact_assign")
    form = ContactForm(
        posted(request),
        pool=selectors.contact_pool(inquiry.service),
        initial={"seen_state": inquiry.state, "contact": inquiry.family_contact_id},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.family_contact_assign(
                    inquiry=inquiry,
                    user=request.user,
                    contact=form.cleaned_data["contact"],
                    seen_state=form.cleaned_data["seen_state"],
                )
            except MoveRefused as exc:
                form.add_error("contact", str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(who)s er familiekontakt for familien.")
                    % {"who": form.cleaned_data["contact"]},
                )
                return redirect("familiehjelpa:detail", pk=pk)
        access.read_again(request.user, inquiry)
    return form_page(
        request,
        inquiry,
        form,
        title=_("Tildel familiekontakt"),
        intro=_(
            "Familiekontakten følger familien, koordinerer hjelpen og blir koordinator i "
            "familiens saker. Den som byttes ut, mister tilgangen dette ga."
        ),
        submit=_("Tildel"),
    )


@require_http_methods(["GET", "POST"])
def child_team_refer(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _triage(request, pk, "child_team_refer")
    upcoming = selectors.next_child_team(request.user)
    initial = (
        {"starts_at": timezone.localtime(upcoming.starts_at), "place": upcoming.place}
        if upcoming
        else {}
    )
    form = ChildTeamForm(
        posted(request), cases=selectors.open_linked_cases(request.user, inquiry), initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.child_team_refer(
                    inquiry=inquiry,
                    user=request.user,
                    case=data["case"],
                    question=data["question"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    idempotency_key=data["idempotency_key"],
                )
            except MoveRefused as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saken står på barneteamets sakliste."))
                return redirect("familiehjelpa:detail", pk=pk)
        access.read_again(request.user, inquiry)
    if upcoming:
        when = timezone.localtime(upcoming.starts_at)
        intro = _("Neste barneteam er %(date)s kl. %(time)s, %(place)s.") % {
            "date": f"{when:%d.%m.%Y}",
            "time": f"{when:%H:%M}",
            "place": upcoming.place,
        }
    else:
        intro = _("Ingen barneteammøter er satt opp ennå. Skriv når og hvor barneteamet møtes.")
    return form_page(
        request,
        inquiry,
        form,
        title=_("Meld saken inn til barneteamet"),
        intro=intro
        + " "
        + _("Barneteamet beslutter hvem som har oppfølgingsansvaret i grensesaker."),
        submit=_("Sett på saklisten"),
    )


@require_http_methods(["GET", "POST"])
def child_team_decide(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, is_get = request.user, request.method == "GET"
    inquiry = access.inquiry_for(
        user, pk, Action.TRIAGE, detail="child_team_decide", audit_get=False
    )
    item = access.child_team_item_for(user, inquiry, item_pk, audit_get=is_get)
    choices, people = selectors.decision_candidates(item.case)
    form = ChildTeamDecisionForm(posted(request), services=choices, people=people)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.child_team_decide(
                    item=item,
                    user=user,
                    service=data["service"],
                    reason=data["reason"],
                    child_view=data["child_view"],
                    offer_to=data["offer_to"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Barneteamets beslutning er registrert."))
                return redirect("familiehjelpa:detail", pk=pk)
        access.child_team_item_read_again(user, item)
    when = timezone.localtime(item.meeting.starts_at)
    return form_page(
        request,
        inquiry,
        form,
        title=_("Barneteamets beslutning"),
        intro=_("Saken om %(child)s, barneteamet %(date)s: %(question)s")
        % {"child": item.case.child, "date": f"{when:%d.%m.%Y}", "question": item.question},
        submit=_("Registrer beslutningen"),
    )
