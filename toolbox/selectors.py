"""Reads for the toolbox, the catalogue and the contact list: each municipality's own, that of
the municipality the work is for (bts.tenancy). Nothing here is about a child, so nothing is
scoped further than `access.may` decides (everyone with a role reads their municipality's)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from bts.models import Municipality
from bts.tenancy import current_municipality_id
from levels.models import Step
from levels.selectors import active_guide

from .loader import normalise_name
from .models import CatalogueEntry, CatalogueImport, Contact, Level, Tool, Toolbox, ToolGroup
from .spreadsheet import FIELD_LABELS

# --- The toolbox --------------------------------------------------------------------------------


def toolbox_municipality_id() -> int | None:
    """The municipality whose toolbox, catalogue and contacts the work reads: the one it is for;
    with none in context (the installation's administrator), that of the installation's guide
    if it has only one."""
    municipality_id = current_municipality_id()
    if municipality_id is None:
        guide = active_guide()
        municipality_id = guide.municipality_id if guide is not None else None
    if municipality_id is None:  # no guide yet: the installation's one municipality, if so
        only = list(Municipality.objects.values_list("pk", flat=True)[:2])
        municipality_id = only[0] if len(only) == 1 else None
    return municipality_id


def current_toolbox() -> Toolbox | None:
    return Toolbox.objects.filter(municipality_id=toolbox_municipality_id()).first()


def toolbox_groups(toolbox: Toolbox) -> list[tuple[ToolGroup, list[Tool]]]:
    """The groups in their order, each with its tools by number, in one query."""
    tools = (
        Tool.objects.filter(toolbox=toolbox)
        .select_related("group")
        .only("slug", "number", "title", "summary", "levels", "group")
        .order_by("group__position", "number")
    )
    return [(group, list(items)) for group, items in groupby(tools, key=lambda t: t.group)]


def tool_by_slug(slug: str) -> Tool | None:
    tools = Tool.objects.select_related("toolbox", "group")
    return tools.filter(toolbox__municipality_id=toolbox_municipality_id(), slug=slug).first()


@dataclass(frozen=True)
class NamedLink:
    """A name as a guide writes it, and the page it leads to (None: no page has that name)."""

    name: str
    url: str | None


def _link_map() -> dict[str, str]:
    """Every name of a tool, the catalogue and the contact list, normalised, to its page."""
    mapping: dict[str, str] = {}
    rows = Tool.objects.filter(toolbox__municipality_id=toolbox_municipality_id()).values_list(
        "slug", "title", "aliases", "toolbox__catalogue_aliases", "toolbox__contacts_aliases"
    )
    for i, (slug, title, aliases, catalogue_aliases, contacts_aliases) in enumerate(rows):
        url = reverse("toolbox:tool", args=[slug])
        for name in (title, *aliases):
            mapping[normalise_name(name)] = url
        if i == 0:
            for name in catalogue_aliases:
                mapping[normalise_name(name)] = reverse("toolbox:catalogue")
            for name in contacts_aliases:
                mapping[normalise_name(name)] = reverse("toolbox:contacts")
    return mapping


def request_link_map(request) -> dict[str, str]:
    """The name-to-page map, read once per request however many lists ask for it."""
    if request is None:
        return _link_map()
    if not hasattr(request, "_bts_tool_links"):
        request._bts_tool_links = _link_map()
    return request._bts_tool_links


def named_links(request, names: list[str]) -> list[NamedLink]:
    mapping = request_link_map(request)
    return [NamedLink(name, mapping.get(normalise_name(name))) for name in names]


@dataclass(frozen=True)
class StepUse:
    code: str
    title: str


def steps_recommending(tool: Tool) -> list[StepUse]:
    """The steps of the guide in use that name this tool among their tools or guidance."""
    names = {normalise_name(n) for n in (tool.title, *tool.aliases)}
    steps = (
        # The guide of the municipality the person works for.
        Step.objects.filter(level__guide=active_guide())
        .order_by("level__number", "position")
        .values_list("code", "title", "tools", "guidance")
    )
    return [
        StepUse(code, title)
        for code, title, tools, guidance in steps
        if names & {normalise_name(n) for n in (*tools, *guidance)}
    ]


# --- The catalogue ------------------------------------------------------------------------------


def catalogue_search(
    *, query: str = "", level: int | None = None, age: int | None = None
) -> QuerySet[CatalogueEntry]:
    """Active entries; every word of `query` in the name, description or provider; at `level`;
    and for `age` (entries that give no age are kept: they do not say they are not for it)."""
    entries = CatalogueEntry.objects.filter(
        municipality_id=toolbox_municipality_id(), is_active=True
    )
    for word in query.split():
        entries = entries.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(provider__icontains=word)
        )
    if level is not None:
        entries = entries.filter(level=level)
    if age is not None:
        entries = entries.filter(
            Q(age_from__isnull=True) | Q(age_from__lte=age),
            Q(age_to__isnull=True) | Q(age_to__gte=age),
        )
    return entries.order_by("level", "name", "key")


COMPARED = (
    "name",
    "description",
    "level",
    "age_from",
    "age_to",
    "provider",
    "contact",
    "referral_required",
)


def shown(field_name: str, value) -> str:
    """A field's value as the preview shows it."""
    if field_name == "level":
        return Level(value).label
    if field_name == "referral_required":
        return {True: _("Ja"), False: _("Nei")}.get(value, _("Ikke oppgitt"))
    if field_name == "is_active":
        return _("Ja") if value else _("Nei")
    if value is None or value == "":
        return _("(tom)")
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object

    @property
    def old_shown(self) -> str:
        return shown(self.field, self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.field, self.new)


@dataclass(frozen=True)
class EntryChange:
    key: str
    name: str
    row: int | None
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What applying an import would do to the catalogue as it is now."""

    new: tuple[dict, ...] = ()
    changed: tuple[EntryChange, ...] = ()
    unchanged: tuple[EntryChange, ...] = ()
    removed: tuple[EntryChange, ...] = ()
    digest: str = field(default="", compare=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.removed)


def _digest(new, changed, removed) -> str:
    """A fingerprint of exactly the changes shown, so a confirmation applies what was seen."""
    payload = {
        "new": [{k: v for k, v in row.items() if k != "row"} for row in new],
        "changed": [[c.key, [[f.field, f.old, f.new] for f in c.changes]] for c in changed],
        "removed": [c.key for c in removed],
    }
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def catalogue_plan(rows: list[dict], municipality_id: int) -> Plan:
    """Compare the parsed rows with the municipality's catalogue: new, changed (old → new per
    field), unchanged, and removed (active entries whose ID is no longer in the file)."""
    entries = {e.key: e for e in CatalogueEntry.objects.filter(municipality_id=municipality_id)}
    new, changed, unchanged = [], [], []
    for row in rows:
        entry = entries.get(row["key"])
        if entry is None:
            new.append(row)
            continue
        changes = [
            FieldChange(name, FIELD_LABELS[name], getattr(entry, name), row[name])
            for name in COMPARED
            if getattr(entry, name) != row[name]
        ]
        if not entry.is_active:
            changes.append(FieldChange("is_active", _("Aktiv"), False, True))
        target = changed if changes else unchanged
        target.append(EntryChange(row["key"], row["name"], row["row"], tuple(changes)))
    in_file = {row["key"] for row in rows}
    removed = [
        EntryChange(e.key, e.name, None)
        for e in sorted(entries.values(), key=lambda e: (e.level, e.name, e.key))
        if e.is_active and e.key not in in_file
    ]
    return Plan(
        new=tuple(new),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
        digest=_digest(new, changed, removed),
    )


def recent_imports(municipality_id: int, limit: int = 10) -> QuerySet[CatalogueImport]:
    return (
        CatalogueImport.objects.filter(
            municipality_id=municipality_id, status=CatalogueImport.Status.APPLIED
        )
        .select_related("applied_by")
        .defer("rows")
        .order_by("-applied_at")[:limit]
    )


# --- Contacts -----------------------------------------------------------------------------------


def contacts_by_category() -> list[tuple[str, list[Contact]]]:
    """The shown contacts under their category's heading, in the categories' order."""
    order = {value: i for i, value in enumerate(Contact.Category.values)}
    contacts = sorted(
        Contact.objects.filter(municipality_id=toolbox_municipality_id(), is_active=True),
        key=lambda c: (order[c.category], c.position, c.name),
    )
    return [
        (Contact.Category(category).label, list(items))
        for category, items in groupby(contacts, key=lambda c: c.category)
    ]
