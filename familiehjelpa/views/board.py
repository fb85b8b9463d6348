"""The team leader's board (and a move on it) and the numbers."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import access, selectors, services
from ..access import Action
from ..forms import MoveForm
from ..models import Inquiry
from ..rules import MoveRefused


def _board_context(request: HttpRequest, **extra) -> dict:
    columns = selectors.board(request.user)
    for column in columns:
        for card in column.cards:
            card.moves = selectors.card_moves(card)
    return {"columns": columns, **extra}


@require_GET
@vary_on_headers("HX-Request")
def board(request: HttpRequest) -> HttpResponse:
    access.tool(request.user, Action.USE_BOARD, what="board", read="familiehjelpa:tavle")
    context = _board_context(request)
    if request.htmx and request.htmx.target == "board":
        return render(request, "familiehjelpa/board.html#columns", context)
    context |= {
        "agenda": selectors.child_team_agenda(request.user),
        "next_child_team": selectors.next_child_team(request.user),
    }
    return render(request, "familiehjelpa/board.html", context)


@require_POST
@vary_on_headers("HX-Request")
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """One move on the board (or on the inquiry's page), by htmx or a plain form."""
    inquiry = access.inquiry_for(request.user, pk, Action.TRIAGE, detail="move", audit_get=False)
    form = MoveForm(request.POST)
    error = ""
    if not form.is_valid():
        reason = form.errors.get("reason")
        error = reason[0] if reason else _("Velg hvor henvendelsen skal flyttes.")
    else:
        data = form.cleaned_data
        try:
            services.inquiry_move(
                inquiry=inquiry,
                user=request.user,
                to_state=data["to_state"],
                seen_state=data["seen_state"],
                reason=data["reason"],
            )
        except MoveRefused as exc:
            error = str(exc)
    if error:  # the inquiry is shown again, as it is
        access.read_again(request.user, inquiry, "move_refused")
    target = request.htmx.target if request.htmx else None
    if target == "board":
        return render(
            request,
            "familiehjelpa/board.html#columns",
            _board_context(request, move_error=error, moved=None if error else pk),
        )
    if target == "inquiry-state":
        inquiry = selectors.inquiry_detail(request.user, pk)
        return render(
            request,
            "familiehjelpa/detail.html#state",
            {
                "inquiry": inquiry,
                "moves": selectors.card_moves(inquiry),
                "move_error": error,
                "may_triage": True,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Henvendelsen er flyttet."))
    if request.POST.get("next") == "tavle":
        return redirect("familiehjelpa:board")
    return redirect("familiehjelpa:detail", pk=pk)


@require_GET
def numbers(request: HttpRequest) -> HttpResponse:
    access.tool(request.user, Action.USE_BOARD, what="numbers", read="familiehjelpa:tall")
    data = selectors.numbers(request.user)
    return render(
        request,
        "familiehjelpa/numbers.html",
        {
            **data,
            "sources": Inquiry.Source.choices,
            "channels": Inquiry.Channel.choices,
            "median_days": selectors.as_days(data["median_first_contact"]),
            "median_days_by_source": [
                (label, selectors.as_days(data["median_by_source"][value]))
                for value, label in Inquiry.Source.choices
            ],
        },
    )
