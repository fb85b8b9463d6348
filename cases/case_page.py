"""The case page's case: the case row with every small collection its page shows, read in one
query (the page shows a dozen of them, and a query each would be a dozen round trips).

Each collection is a JSON array built by a subquery of the case's own query; its rows become
model instances as if loaded by the ORM, and are put on the case as plain lists named
`page_<relation>` (`case.page_concerns`, `case.page_guardians` for the child's guardians, each
consent's `page_services`), which the page and its actions read instead of the relations.
tests/cases/test_access.py holds every collection to a fresh ORM read of the same rows.
"""

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject

from bts.models import Service, User

from .models import (
    Case,
    ChildProtectionReport,
    Concern,
    Consent,
    ConsentAnswer,
    Coordination,
    Decision,
    DecisionProposal,
    Evaluation,
    Guardian,
    Handover,
    Involvement,
    Measure,
    Meeting,
    Minutes,
    StepCheck,
)


@dataclass(frozen=True)
class _Embedded:
    """A small collection of the case read inside the case's own query, as a JSON array: the
    case page shows a dozen of them, and a query each would be a dozen round trips."""

    attr: str  # the relation on the case (or child) it reads; the list is `page_<attr>`
    model: type
    rows: QuerySet  # filtered by OuterRef to the case's row
    related: tuple[tuple[str, type, tuple[str, ...]], ...] = ()  # attr, model, fields
    # A many-to-many of each row: attr, model, its rows (filtered by OuterRef to the row,
    # giving the model's fields by name)
    many: tuple[tuple[str, type, QuerySet], ...] = ()


_USER_FIELDS = ("id", "username", "first_name", "last_name")
_SERVICE_FIELDS = ("id", "name", "kind")


def _embedded_sections() -> list[_Embedded]:
    return [
        _Embedded(
            "open_handovers",
            Handover,
            Handover.objects.filter(case=OuterRef("pk"), status=Handover.Status.OFFERED),
            (("to_user", User, _USER_FIELDS), ("from_user", User, _USER_FIELDS)),
        ),
        _Embedded(
            "coordinations",
            Coordination,
            Coordination.objects.filter(case=OuterRef("pk")).order_by("-starts_at", "-id"),
            (("service", Service, ("id", "name")),),
        ),
        _Embedded(
            "guardians",
            Guardian,
            Guardian.objects.filter(child=OuterRef("child_id")).order_by("id"),
        ),
        _Embedded(
            "concerns",
            Concern,
            Concern.objects.filter(case=OuterRef("pk")).order_by("created_at", "id"),
            (("created_by", User, _USER_FIELDS),),
        ),
        _Embedded(
            "decisions",
            Decision,
            Decision.objects.filter(case=OuterRef("pk")).order_by("decided_at", "id"),
        ),
        _Embedded(
            "reports",
            ChildProtectionReport,
            ChildProtectionReport.objects.filter(case=OuterRef("pk")).order_by("reported_at"),
        ),
        _Embedded("step_checks", StepCheck, StepCheck.objects.filter(case=OuterRef("pk"))),
        _Embedded(
            "consents",
            Consent,
            Consent.objects.filter(case=OuterRef("pk")).order_by("id"),
            many=(
                (
                    "services",
                    Service,
                    Consent.services.through.objects.filter(consent=OuterRef("pk"))
                    .order_by("service__name")
                    .values(
                        json=JSONObject(id="service_id", name="service__name", kind="service__kind")
                    ),
                ),
                (
                    "answers",
                    ConsentAnswer,
                    ConsentAnswer.objects.filter(consent=OuterRef("pk"))
                    .order_by("answered_at", "id")
                    .values(
                        json=JSONObject(
                            id="id", name="name", answer="answer", answered_at="answered_at"
                        )
                    ),
                ),
            ),
        ),
        _Embedded(
            "involvements",
            Involvement,
            Involvement.objects.filter(case=OuterRef("pk")).order_by("joined_at", "id"),
            (("service", Service, _SERVICE_FIELDS),),
        ),
        _Embedded(
            "meetings",
            Meeting,
            Meeting.objects.filter(case=OuterRef("pk")).order_by("starts_at", "id"),
            (("minutes", Minutes, ("id", "version")),),
        ),
        _Embedded(
            "measures",
            Measure,
            Measure.objects.filter(case=OuterRef("pk")).order_by("starts_on", "id"),
            (
                ("responsible_service", Service, _SERVICE_FIELDS),
                ("responsible_person", User, _USER_FIELDS),
            ),
        ),
        _Embedded(
            "pending_proposals",
            DecisionProposal,
            DecisionProposal.objects.filter(
                case=OuterRef("pk"), status=DecisionProposal.Status.PENDING
            ),
            (("proposed_by", User, _USER_FIELDS),),
        ),
        # Not a relation of the case: its measures' evaluations, for what the step requires.
        _Embedded(
            "evaluations",
            Evaluation,
            Evaluation.objects.filter(measure__case=OuterRef("pk")).order_by("created_at", "id"),
        ),
    ]


def _json_of(section: _Embedded) -> ArraySubquery:
    fields = {f.attname: f.attname for f in section.model._meta.concrete_fields}
    for attr, _model, names in section.related:
        fields |= {f"{attr}.{name}": f"{attr}__{name}" for name in names}
    for attr, _model, rows in section.many:
        fields[f"{attr}[]"] = ArraySubquery(rows)
    return ArraySubquery(section.rows.values(json=JSONObject(**fields)))


def sections_json() -> dict:
    return {f"_embedded_{s.attr}": _json_of(s) for s in _embedded_sections()}


def _from_json(model, row: dict, related=(), many=()):
    """A model instance from one embedded row, with its related objects in place. Fields not
    in the row are deferred (read from the database if ever asked for), never empty."""
    instance = _instance(model, row)
    for attr, related_model, _fields in related:
        other = None
        if row.get(f"{attr}.id") is not None:
            prefix = f"{attr}."
            other = _instance(
                related_model, {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}
            )
        if other is not None:  # none: its id is null, and the ORM answers None unasked
            setattr(instance, attr, other)
    for attr, many_model, _rows in many:
        setattr(instance, f"page_{attr}", [_instance(many_model, r) for r in row[f"{attr}[]"]])
    return instance


def _instance(model, values: dict):
    """`model` as loaded from the database with these fields (in JSON's types)."""
    fields = [f for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(
        "default", [f.attname for f in fields], [f.to_python(values[f.attname]) for f in fields]
    )


def case_page(cases: QuerySet[Case], sections: dict | None = None) -> Case | None:
    """The first case of `cases` (one the caller has scoped) with its sections, or None.
    `sections`: `sections_json()`, or the same compiled once (cases.access)."""
    page = (
        cases.select_related(
            "child",
            "owner_service",
            "responsible",
            "wide_collaboration__coordinator",
            "wide_collaboration__child_coordinator",
        )
        .annotate(**(sections if sections is not None else sections_json()))
        .order_by()
    )
    try:
        case = page.get()  # no ORDER BY, as `first()` would add
    except Case.DoesNotExist:
        return None
    for section in _embedded_sections():
        rows = getattr(case, f"_embedded_{section.attr}")
        objects = [_from_json(section.model, row, section.related, section.many) for row in rows]
        setattr(case, f"page_{section.attr}", objects)
    return case
