"""The small pieces of the form → service → redirect pattern that every app's views share."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.timezone import localtime


def posted(request: HttpRequest):
    """The form's data on a POST, even an empty one (`request.POST or None` would leave an
    empty submission unbound, and so without its error messages)."""
    return request.POST if request.method == "POST" else None


def errors_held_back(*forms) -> None:
    """Show bound forms (or formsets) again without their messages: the user asked for
    something on the way, such as a search, not to submit them. What they wrote stays."""
    for form in forms:
        for each in getattr(form, "forms", [form]):
            each.errors.clear()
        if hasattr(form, "non_form_errors"):
            form.non_form_errors().clear()


def posted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def add_service_errors(form, exc: ValidationError, rename: dict | None = None) -> None:
    """A service's errors next to the fields they name (renamed to the form's own names where
    they differ), and at the top of the form otherwise."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = rename.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def moment(value) -> str:
    """A time as the pages show it (d.m.Y H:i, local time)."""
    return date_format(localtime(value), "d.m.Y H:i")


def day(value) -> str:
    """A time's date as the pages show it (d.m.Y, local time)."""
    return date_format(localtime(value), "d.m.Y")


@dataclass(frozen=True)
class Crumb:
    url: str
    label: str


def form_page(
    request: HttpRequest,
    *,
    page_title: str,
    crumbs: list[Crumb],
    title: str,
    form,
    submit: str,
    cancel_url: str,
    intro: str = "",
    fields_template: str = "",
    stylesheet: str = "",
) -> HttpResponse:
    """A page with one form about one object (a case, an inquiry): its crumbs, a heading, an
    introduction, the fields (or a template of its own for them) and "Avbryt" back."""
    return render(
        request,
        "_components/form_page.html",
        {
            "page_title": page_title,
            "crumbs": crumbs,
            "title": title,
            "intro": intro,
            "form": form,
            "submit": submit,
            "cancel_url": cancel_url,
            "fields_template": fields_template,
            "stylesheet": stylesheet,
        },
    )


def conflict_rows(labelled: list[tuple[str, object, object]]) -> list[dict]:
    """(label, saved, own) of each part of a text; the parts that differ, side by side."""
    return [
        {"label": label, "saved": saved, "own": own}
        for label, saved, own in labelled
        if saved != own
    ]


def conflict_page(
    request: HttpRequest,
    *,
    page_title: str,
    title: str,
    crumbs: list[Crumb],
    notice: str,
    saved_label: str,
    rows: list[dict],
    form,
    action: str,
    submit: str,
    stylesheet: str = "",
) -> HttpResponse:
    """Someone saved the same text first: their text beside the user's unsaved one, and a form
    with the user's text to merge into and save again (409, nothing was overwritten)."""
    return render(
        request,
        "_components/conflict.html",
        {
            "page_title": page_title,
            "title": title,
            "crumbs": crumbs,
            "notice": notice,
            "saved_label": saved_label,
            "rows": rows,
            "form": form,
            "action": action,
            "submit": submit,
            "stylesheet": stylesheet,
        },
        status=409,
    )
