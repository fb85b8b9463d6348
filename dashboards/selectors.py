"""Reads for the dashboards, each a few aggregate queries whatever the number of cases.

The service leader's numbers and lists are read from `visible_cases(user)`, so no number counts,
and no list shows, a case the leader may not see. The municipal aggregates are protected by
`stats.protect` before they leave this module: a cell under 5 is never in what is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bts import audit
from bts.models import Service, User
from bts.selectors import user_memberships
from cases.access import LEADING_ROLES
from cases.events import CaseAudit
from cases.models import Case, Handover, Measure
from levels.models import Guide, Level
from levels.pyramid import Pyramid, build_pyramid
from levels.rules import FIRST_LEVEL, Move, levels_text, table
from levels.words import current_words, guide_words

from . import figures
from .access import service_open_cases
from .stats import (
    THRESHOLD,
    TOTAL,
    Cell,
    Period,
    Series,
    monthly_series,
    protect,
)

# --- The service leader's dashboard -------------------------------------------------------------


def led_services(user: User) -> list[Service]:
    """The services the user leads, from the memberships already read for the request."""
    led = {m.service_id: m.service for m in user_memberships(user) if m.role in LEADING_ROLES}
    return sorted(led.values(), key=lambda s: s.name)


@dataclass(frozen=True)
class Criterion:
    """A number on the service dashboard and the list of cases behind it."""

    slug: str
    title: str
    explanation: str
    date_label: str  # the heading of the list's date column


OPEN = "apne"
OVER_DEADLINE = "over-fristen"
EVALUATION_OVERDUE = "evaluering-forfalt"
INACTIVE = "uten-aktivitet"
WIDE = "niva-3"
HANDOVER = "venter-pa-overtakelse"
CRITERIA = (OPEN, OVER_DEADLINE, EVALUATION_OVERDUE, INACTIVE, WIDE, HANDOVER)


def criterion(slug: str, guide: Guide | None) -> Criterion:
    days = guide.level0_decision_days if guide else 14
    inactive = guide.inactive_days if guide else 30
    wide_levels = levels_text(table(guide).levels_requiring("offers")) if guide else "–"
    texts = {
        OPEN: (
            _("Åpne saker"),
            _("Saker som er åpne nå."),
            _("Siste aktivitet"),
        ),
        OVER_DEADLINE: (
            _("%(Concern_plural)s over fristen") % guide_words(guide).as_dict(),
            _(
                "Saker på nivå 0 der det ikke er besluttet innen %(days)s dager om dere skal "
                "gå videre."
            )
            % {"days": days},
            _("Frist for beslutning"),
        ),
        EVALUATION_OVERDUE: (
            _("Saker med tiltak over evalueringsdatoen"),
            _("Saker med et aktivt tiltak som har passert evalueringsdatoen."),
            _("Skulle vært evaluert"),
        ),
        INACTIVE: (
            _("Bekymring i skuffen"),
            _("Åpne saker der ingenting er gjort på %(days)s dager.") % {"days": inactive},
            _("Siste aktivitet"),
        ),
        WIDE: (
            _("Saker på nivå %(levels)s") % {"levels": wide_levels},
            _(
                "Nivået der veilederen ber om at familiehjelpa, koordinator og individuell plan "
                "tilbys. Ledere skal være orientert om hver sak på nivå %(levels)s."
            )
            % {"levels": wide_levels},
            _("Registrert"),
        ),
        HANDOVER: (
            _("Venter på at noen overtar"),
            _("Oppfølgingsansvaret er tilbudt en annen, som ikke har svart ennå."),
            _("Tilbudt"),
        ),
    }
    title, explanation, date_label = texts[slug]
    return Criterion(slug, title, explanation, date_label)


def _overdue_measures(today: date) -> QuerySet[Measure]:
    return Measure.objects.filter(
        case=OuterRef("pk"), status=Measure.Status.ACTIVE, evaluation_due__lt=today
    )


def _open_offers() -> QuerySet[Handover]:
    return Handover.objects.filter(case=OuterRef("pk"), status=Handover.Status.OFFERED)


def _criterion_q(slug: str, *, guide: Guide | None, today: date, now: datetime) -> Q:
    if slug == OVER_DEADLINE:
        return Q(level=FIRST_LEVEL, decision_due__lt=today)
    if slug == EVALUATION_OVERDUE:
        return Q(Exists(_overdue_measures(today)))
    if slug == INACTIVE:
        days = guide.inactive_days if guide else 30
        return Q(last_activity_at__lt=now - timedelta(days=days))
    if slug == WIDE:
        return Q(level__in=table(guide).levels_requiring("offers") if guide else [])
    if slug == HANDOVER:
        return Q(Exists(_open_offers()))
    return Q()


@dataclass(frozen=True)
class Number:
    criterion: Criterion
    count: int


@dataclass(frozen=True)
class StepCount:
    code: str
    title: str
    count: int
    in_guide: bool = True


@dataclass(frozen=True)
class LevelCount:
    number: int
    title: str
    colour: str
    count: int
    steps: tuple[StepCount, ...]


@dataclass(frozen=True)
class ServiceOverview:
    open: int
    numbers: tuple[Number, ...]
    levels: tuple[LevelCount, ...]


def service_overview(
    user: User, service_ids: list[int], *, guide: Guide | None, levels: list[Level]
) -> ServiceOverview:
    """The numbers of the service dashboard, in two queries: the counts of every criterion in
    one pass over the open cases, and the open cases per level and step."""
    today, now = timezone.localdate(), timezone.now()
    cases = service_open_cases(user, service_ids)
    numbers = cases.aggregate(
        **{
            slug: Count("pk", filter=_criterion_q(slug, guide=guide, today=today, now=now))
            for slug in CRITERIA
            if slug != OPEN
        }
    )
    per_step = {
        (row["level"], row["step_code"]): row["n"]
        for row in cases.values("level", "step_code").annotate(n=Count("pk")).order_by()
    }
    return ServiceOverview(
        open=sum(per_step.values()),
        numbers=tuple(Number(criterion(slug, guide), numbers[slug]) for slug in numbers),
        levels=_by_level_and_step(per_step, levels),
    )


def _by_level_and_step(per_step: dict[tuple[int, str], int], levels: list[Level]):
    """The guide's levels and steps in its order, each with its count; a step code the guide no
    longer has (a case from before a revised guide) is listed after the level's steps."""
    result = []
    known_levels = {level.number for level in levels}
    for level in sorted(levels, key=lambda lv: lv.number):
        steps = [
            StepCount(s.code, s.title, per_step.get((level.number, s.code), 0))
            for s in level.steps.all()
        ]
        codes = {s.code for s in steps}
        steps += [
            StepCount(code, _("(ikke i veilederen)"), n, in_guide=False)
            for (number, code), n in sorted(per_step.items())
            if number == level.number and code not in codes
        ]
        result.append(
            LevelCount(
                level.number, level.title, level.colour, sum(s.count for s in steps), tuple(steps)
            )
        )
    for number in sorted({n for n, _code in per_step} - known_levels):
        steps = tuple(
            StepCount(code, _("(ikke i veilederen)"), n, in_guide=False)
            for (lv, code), n in sorted(per_step.items())
            if lv == number
        )
        result.append(LevelCount(number, "", "", sum(s.count for s in steps), steps))
    return tuple(result)


LIST_PAGE = 50


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    page: int
    has_next: bool


def service_case_list(
    user: User,
    service_ids: list[int],
    slug: str,
    *,
    guide: Guide | None,
    filters: dict[str, object],
    level: int | None = None,
    step: str = "",
    page: int = 1,
) -> CasePage:
    """The children behind one number, as the leader's list shows them: a read of case data,
    audited as one event per page with the criterion and the list's `filters` (no names)."""
    shown = service_case_page(
        user, service_ids, slug, guide=guide, level=level, step=step, page=page
    )
    audit.record(
        kind=CaseAudit.CASE_LIST_VIEWED,
        detail=" ".join(
            [f"dashboard:{slug}", *(f"{k}={v}" for k, v in filters.items()), f"side={shown.page}"]
        ),
    )
    return shown


def service_case_page(
    user: User,
    service_ids: list[int],
    slug: str,
    *,
    guide: Guide | None,
    level: int | None = None,
    step: str = "",
    page: int = 1,
) -> CasePage:
    """One page of the open cases behind a number, with what the list shows, in one query."""
    today, now = timezone.localdate(), timezone.now()
    cases = (
        service_open_cases(user, service_ids)
        .filter(_criterion_q(slug, guide=guide, today=today, now=now))
        .select_related("child", "owner_service", "responsible")
    )
    if level is not None:
        cases = cases.filter(level=level)
    if step:
        cases = cases.filter(step_code=step)
    if slug == OVER_DEADLINE:
        cases = cases.annotate(shown_date=F("decision_due")).order_by("decision_due", "pk")
    elif slug == EVALUATION_OVERDUE:
        first_overdue = _overdue_measures(today).order_by("evaluation_due")
        cases = cases.annotate(
            shown_date=Subquery(first_overdue.values("evaluation_due")[:1])
        ).order_by("shown_date", "pk")
    elif slug == WIDE:
        cases = cases.annotate(shown_date=TruncDate("opened_at")).order_by("opened_at", "pk")
    elif slug == HANDOVER:
        offer = _open_offers()
        cases = cases.annotate(
            shown_date=TruncDate(Subquery(offer.values("offered_at")[:1])),
            offered_to=Subquery(
                offer.annotate(
                    name=Concat("to_user__first_name", Value(" "), "to_user__last_name")
                ).values("name")[:1]
            ),
        ).order_by("shown_date", "pk")
    else:  # open cases, and those without activity: the longest untouched first
        cases = cases.annotate(shown_date=TruncDate("last_activity_at")).order_by(
            "last_activity_at", "pk"
        )
    start = (page - 1) * LIST_PAGE
    rows = list(cases[start : start + LIST_PAGE + 1])
    return CasePage(rows[:LIST_PAGE], page, len(rows) > LIST_PAGE)


# --- The municipal dashboard --------------------------------------------------------------------

KINDS = list(Service.Kind.values)
KIND_LABELS = dict(Service.Kind.choices)
MOVES = (
    (Move.RAISE, gettext_lazy("Hevet")),
    (Move.LOWER, gettext_lazy("Senket")),
    (Move.CONTINUE, gettext_lazy("Fortsatt på samme nivå")),
    (Move.CLOSE, gettext_lazy("Avsluttet")),
)


def open_cases_table(
    levels: list[Level], municipality_id: int | None = None
) -> tuple[dict, list[str], list[str]]:
    """Open cases now per service kind and level, of one municipality (None: all), protected as
    one table with both margins (the pyramid is its total row, the cases per kind its total
    column), in two queries."""
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    if municipality_id is not None:
        open_cases = open_cases.filter(municipality_id=municipality_id)
    # Grouped by service, not kind: an index-only scan of (municipality, status, owner_service,
    # level), where a join to each case's service first would read every open case's row.
    # COUNT(*), not COUNT(id): the id is not in that index, and asking for it made the planner
    # read every open case of the installation instead (250 ms at national size, not 13).
    rows = list(
        open_cases.values("owner_service_id", "level")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("owner_service_id", "level", "n")
    )
    # The kinds of those services only (an installation has thousands).
    owners = {service_id for service_id, _level, _n in rows}
    kind_of = dict(Service.objects.filter(pk__in=owners).values_list("pk", "kind"))
    counts: dict[tuple[str, str], int] = {}
    for service_id, level, n in rows:
        key = (kind_of[service_id], str(level))
        counts[key] = counts.get(key, 0) + n
    kinds = KINDS + sorted({k for k, _lv in counts} - set(KINDS))
    columns = sorted({str(lv.number) for lv in levels} | {lv for _k, lv in counts}, key=int)
    return protect(counts, kinds, columns), kinds, columns


def municipal_pyramid(levels: list[Level], table: dict, *, kind: str = TOTAL) -> Pyramid:
    return build_pyramid(levels, {lv.number: table[kind, str(lv.number)].text for lv in levels})


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    cells: tuple[Cell, ...]  # per level, then the total


@dataclass(frozen=True)
class MedianDays:
    label: str
    days: float | None  # None: fewer than THRESHOLD cases, not shown

    @property
    def text(self) -> str:
        if self.days is None:
            return _("færre enn %(n)s saker") % {"n": THRESHOLD}
        return _("%(days)s dager") % {"days": f"{self.days:.0f}"}


@dataclass(frozen=True)
class MunicipalDashboard:
    period: Period
    kind: str  # TOTAL: every kind
    pyramid: Pyramid
    levels: tuple[tuple[int, str, Cell], ...]  # (number, label, cell) of the pyramid
    kind_rows: tuple[KindRow, ...]
    kind_total: KindRow | None  # all kinds, when no kind is chosen
    level_columns: tuple[str, ...]
    months: tuple[date, ...]
    series: tuple[Series, ...]  # one protected count per month; the first is cases opened
    medians: tuple[MedianDays, ...]

    @property
    def month_rows(self) -> list[tuple[date, tuple[Cell, ...]]]:
        return [(m, tuple(s.cells[i] for s in self.series)) for i, m in enumerate(self.months)]

    def series_by_key(self, key: str) -> Series:
        return next(s for s in self.series if s.key == key)


def time_to_first(
    period: Period, *, kind: str = TOTAL, municipality_id: int | None = None
) -> tuple[MedianDays, MedianDays]:
    """Median days from the undring (the case opened) to its first measure's start and to its
    first decision, for the cases opened in the period, from the monthly figures. A median of
    fewer than THRESHOLD cases is not returned."""
    found = figures.medians(period, kind=kind, municipality_id=municipality_id)

    def median(label, series) -> MedianDays:
        days, n = found[series]
        return MedianDays(label, days if n >= THRESHOLD else None)

    words = current_words().as_dict()
    return (
        median(_("Fra %(concern)s til første tiltak") % words, figures.TO_MEASURE),
        median(_("Fra %(concern)s til første beslutning") % words, figures.TO_DECISION),
    )


def municipal_dashboard(
    *, period: Period, kind: str, levels: list[Level], municipality_id: int | None = None
) -> MunicipalDashboard:
    """Everything the municipal dashboard and its CSV show for one municipality's children
    (None: the installation's), protected: the open cases now, and the period's monthly
    figures (counted again first where a write has changed them)."""
    table, kinds, columns = open_cases_table(levels, municipality_id)
    months = period.months
    figures.refresh(period)
    opened, decisions, inquiries = figures.counts(period, municipality_id)
    row_kinds = sorted({k for k, *_rest in (*opened, *decisions)} | set(kinds), key=_kind_order)
    series = [
        monthly_series("opened", _("Nye saker"), opened, months=months, rows=row_kinds, row=kind)
    ]
    for move, label in MOVES:
        counts = {(r, m): n for (r, m, mv), n in decisions.items() if mv == move}
        series.append(
            monthly_series(str(move), str(label), counts, months=months, rows=row_kinds, row=kind)
        )
    # Familiehjelpa's inquiries by where they came from: a kind of service, or the family itself
    # (its own row, so the month's total counts it, and no service kind shows it).
    series.append(
        monthly_series(
            "inquiries",
            _("Henvendelser til familiehjelpa"),
            inquiries,
            months=months,
            rows=sorted({*row_kinds, *(r for r, _m in inquiries)}, key=_kind_order),
            row=kind,
        )
    )
    level_titles = {str(lv.number): f"Nivå {lv.number} – {lv.title}" for lv in levels}
    return MunicipalDashboard(
        period=period,
        kind=kind,
        pyramid=municipal_pyramid(levels, table, kind=kind),
        levels=tuple((int(c), level_titles.get(c, f"Nivå {c}"), table[kind, c]) for c in columns),
        kind_rows=tuple(
            KindRow(k, KIND_LABELS.get(k, k), tuple(table[k, c] for c in (*columns, TOTAL)))
            for k in kinds
            if not kind or k == kind
        ),
        kind_total=None
        if kind
        else KindRow(
            TOTAL, _("Alle tjenestetyper"), tuple(table[TOTAL, c] for c in (*columns, TOTAL))
        ),
        level_columns=tuple(columns),
        months=tuple(months),
        series=tuple(series),
        medians=time_to_first(period, kind=kind, municipality_id=municipality_id),
    )


FAMILY = figures.FAMILY


def _kind_order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), kind)
