"""The municipal dashboard as CSV: the same protected tables as the page, one after another.

Written through `bts.csv.csv_response`, which neutralises formula cells. Every count here is a
`stats.Cell`'s text, so a count under 5 is "<5" in the file as on the page; nothing in the file
names a child, a guardian, a person or a case.
"""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from bts import audit
from cases.events import CaseAudit
from levels.words import current_words

from .selectors import KIND_LABELS, MunicipalDashboard
from .stats import THRESHOLD


def query(dashboard: MunicipalDashboard) -> str:
    """The filter as a query string, for the CSV link and the audit detail."""
    params = {
        "fra": f"{dashboard.period.first:%Y-%m}",
        "til": f"{dashboard.period.last:%Y-%m}",
    }
    if dashboard.kind:
        params["type"] = dashboard.kind
    return urlencode(params)


def csv_rows(dashboard: MunicipalDashboard) -> tuple[list[str], list[list[str]]]:
    period = dashboard.period
    words = current_words().as_dict()
    kind = KIND_LABELS.get(dashboard.kind, dashboard.kind) if dashboard.kind else _("Alle")
    rows: list[list[str]] = [
        [_("Periode"), f"{period.first:%Y-%m}", f"{period.last:%Y-%m}"],
        [_("Tjenestetype"), str(kind)],
        [
            _(
                "Tall fra 1 til %(n)s vises som <%(t)s; «skjult» er skjult for at et lite "
                "tall ikke skal kunne regnes ut av summen."
            )
            % {"n": THRESHOLD - 1, "t": THRESHOLD}
        ],
        [],
        [_("Åpne saker nå, etter nivå")],
        [_("Nivå"), _("Antall")],
    ]
    rows += [[label, cell.text] for _number, label, cell in dashboard.levels]
    rows += [
        [],
        [_("Åpne saker nå, etter tjenestetype og nivå")],
        [
            _("Tjenestetype"),
            *(_("Nivå %(n)s") % {"n": c} for c in dashboard.level_columns),
            _("I alt"),
        ],
    ]
    kind_rows = list(dashboard.kind_rows)
    if dashboard.kind_total:
        kind_rows.append(dashboard.kind_total)
    rows += [[str(row.label), *(cell.text for cell in row.cells)] for row in kind_rows]
    rows += [
        [],
        [_("Per måned (saker registrert og beslutninger tatt i måneden)")],
        [_("Måned"), *(s.label for s in dashboard.series)],
    ]
    rows += [
        [f"{month:%Y-%m}", *(s.cells[i].text for s in dashboard.series)]
        for i, month in enumerate(dashboard.months)
    ]
    rows += [
        [],
        [_("Tid fra %(concern)s, for saker registrert i perioden (median)") % words],
        [_("Fra"), _("Median dager")],
    ]
    rows += [
        [m.label, f"{m.days:.0f}" if m.days is not None else m.text] for m in dashboard.medians
    ]
    return [_("%(product)s – oversikt for kommunen") % words], rows


def csv_export(dashboard: MunicipalDashboard) -> tuple[list[str], list[list[str]]]:
    """The CSV's header and rows, handed out as an export: audited with its filter."""
    audit.record(kind=CaseAudit.DOCUMENT_EXPORTED, detail=f"dashboard:municipal {query(dashboard)}")
    return csv_rows(dashboard)
