"""One inquiry: its page, the kartleggingsskjema and booking a conversation with the family."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bts.web import add_service_errors, posted
from levels.selectors import request_guide
from levels.words import guide_words

from .. import access, selectors, services
from ..access import Action
from ..documents import sections
from ..forms import ConversationForm, MappingForm
from ..models import Inquiry, Mapping
from ..rules import MoveRefused
from .common import conflict, conflict_rows, form_page


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inquiry = access.inquiry_for(user, pk, Action.READ, detail="", shape=selectors.with_page(user))
    return render(
        request,
        "familiehjelpa/detail.html",
        {
            "inquiry": inquiry,
            "moves": selectors.card_moves(inquiry),
            "events": selectors.history(inquiry),
            "history_page": selectors.HISTORY_PAGE,
            "may_triage": access.may(user, Action.TRIAGE, inquiry),
            "may_work": access.may(user, Action.WORK_ON, inquiry),
            "mapping": getattr(inquiry, "mapping", None),
            "now": timezone.now(),
        },
    )


def _mapping_initial(mapping: Mapping | None, inquiry: Inquiry) -> dict:
    initial = mapping.sections() if mapping else {}
    return {
        **initial,
        "version": mapping.version if mapping else 0,
        "first_contact_at": inquiry.first_contact_at,
    }


@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The kartleggingsskjema: the team leader fills it in; the family contact reads it."""
    user, is_get = request.user, request.method == "GET"
    action = Action.READ if is_get else Action.TRIAGE
    inquiry = access.inquiry_for(user, pk, action, detail="mapping", audit_get=is_get)
    saved = selectors.mapping_of(inquiry)
    form = None
    if request.method == "POST":
        form = MappingForm(request.POST)
        if form.is_valid():
            try:
                services.mapping_save(
                    inquiry=inquiry,
                    user=user,
                    data=form.sections(),
                    version=form.cleaned_data["version"],
                    first_contact_at=form.cleaned_data["first_contact_at"],
                )
            except services.MappingConflict as exc:
                access.read_again(user, inquiry, "mapping:conflict")
                return conflict(
                    request,
                    inquiry,
                    title=_("Kartleggingsskjemaet er endret av en annen"),
                    rows=conflict_rows(Mapping, Mapping.SECTIONS, exc.current, form.sections()),
                    saved_by=exc.current.updated_by,
                    saved_at=exc.current.updated_at if exc.current.pk else None,
                    form=MappingForm(initial={**form.cleaned_data, "version": exc.current.version}),
                    action="familiehjelpa:mapping",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Kartleggingsskjemaet er lagret."))
                return redirect("familiehjelpa:detail", pk=pk)
        access.read_again(user, inquiry)
    elif access.may(user, Action.TRIAGE, inquiry) and inquiry.is_open:
        form = MappingForm(initial=_mapping_initial(saved, inquiry))
    return render(
        request,
        "familiehjelpa/mapping.html",
        {
            "inquiry": inquiry,
            "form": form,
            "saved": saved,
            "sections": sections(Mapping, Mapping.SECTIONS, saved),
        },
    )


@require_http_methods(["GET", "POST"])
def conversation_new(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = access.inquiry_for(
        request.user,
        pk,
        Action.WORK_ON,
        detail="conversation_new",
        audit_get=request.method == "GET",
    )
    form = ConversationForm(posted(request), services=selectors.services_to_invite(inquiry))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.conversation_book(
                    inquiry=inquiry,
                    user=request.user,
                    starts_at=data["starts_at"],
                    place=data["place"],
                    family_attendees=data["family_attendees"],
                    trusted_person=data["trusted_person"],
                    invited_services=list(data["invited_services"]),
                    note=data["note"],
                    idempotency_key=data["idempotency_key"],
                )
            except MoveRefused as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Samtalen er avtalt."))
                return redirect("familiehjelpa:detail", pk=pk)
        access.read_again(request.user, inquiry)
    return form_page(
        request,
        inquiry,
        form,
        title=_("Avtal samtale med familien"),
        intro=_(
            "Familien tilbys en samtale, og får vite at en tillitsperson kan være med. Avtal "
            "hvem fra tjenestene som skal inviteres. %(product)s sender ingen invitasjon."
        )
        % guide_words(request_guide(request)).as_dict(),
        submit=_("Avtal samtalen"),
    )
