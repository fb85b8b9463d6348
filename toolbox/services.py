"""Writes: loading the toolbox file, and importing the catalogue spreadsheet in two steps
(prepare a preview, then apply exactly the previewed changes)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bts.models import Municipality, User

from .loader import parse_toolbox_file
from .models import CatalogueEntry, CatalogueImport, Contact, Tool, Toolbox, ToolGroup
from .selectors import COMPARED, Plan, catalogue_plan
from .spreadsheet import read_catalogue

# Every change to the catalogue by import takes this PostgreSQL advisory lock, so two imports
# confirmed at the same moment run one after the other and the second sees the first's result.
CATALOGUE_LOCK = 0x7B75_0001
PENDING_KEPT_FOR = timedelta(days=1)


@transaction.atomic
def toolbox_load(*, path: Path, municipality: Municipality | None = None) -> Toolbox:
    """Validate the file, then replace the toolbox of the municipality the file names (or
    `municipality`, which may take another's file) in one transaction."""
    doc = parse_toolbox_file(path)
    tb = doc["toolbox"]
    if municipality is None:
        municipality, _ = Municipality.objects.get_or_create(
            number=tb["municipality_number"], defaults={"name": tb["municipality"].strip()}
        )
    toolbox, _ = Toolbox.objects.update_or_create(
        municipality=municipality,
        defaults={
            "slug": tb["slug"],
            "municipality_name": tb["municipality"].strip(),
            "name": tb["name"].strip(),
            "source": tb.get("source", "").strip(),
            "introduction": tb.get("introduction", "").strip(),
            "catalogue_aliases": [a.strip() for a in tb.get("catalogue_aliases", [])],
            "contacts_aliases": [a.strip() for a in tb.get("contacts_aliases", [])],
            "file_sha256": doc["_sha256"],
        },
    )
    toolbox.groups.all().delete()  # and with them their tools
    groups = ToolGroup.objects.bulk_create(
        ToolGroup(
            toolbox=toolbox,
            key=g["key"],
            position=i,
            title=g["title"].strip(),
            description=g.get("description", "").strip(),
        )
        for i, g in enumerate(doc["groups"])
    )
    by_key = {g.key: g for g in groups}
    Tool.objects.bulk_create(
        Tool(
            toolbox=toolbox,
            group=by_key[t["group"]],
            slug=t["slug"],
            number=t["number"],
            title=t["title"].strip(),
            summary=t["summary"].strip(),
            levels=sorted(t["levels"]),
            aliases=[a.strip() for a in t.get("aliases", [])],
            sections=[
                {"heading": s["heading"].strip(), "text": s["text"].strip()} for s in t["sections"]
            ],
            scale=[
                {
                    "value": s["value"],
                    "label": s["label"].strip(),
                    "description": s["description"].strip(),
                }
                for s in t.get("scale", [])
            ],
            factors=[
                {
                    "kind": f["kind"],
                    "group": f["group"].strip(),
                    "items": [item.strip() for item in f["items"]],
                }
                for f in t.get("factors", [])
            ],
        )
        for t in doc["tools"]
    )
    return toolbox


# --- The catalogue import -----------------------------------------------------------------------


class ImportAlreadyApplied(Exception):
    """The import was applied before (a double submit, or someone else confirmed it)."""


class ImportStale(Exception):
    """The catalogue changed since the preview: this is what the import would do now."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__("Tiltaksoversikten er endret siden forhåndsvisningen.")


@transaction.atomic
def catalogue_import_prepare(
    *, file_name: str, data: bytes, user: User, municipality_id: int
) -> CatalogueImport:
    """Check and parse the spreadsheet, and keep its rows for the preview of the
    municipality's catalogue. Raises spreadsheet.UploadRefused or spreadsheet.SheetProblems,
    having stored nothing.

    The same file uploaded again while its preview is waiting gives the same pending import."""
    parsed = read_catalogue(name=file_name, data=data)
    sha256 = hashlib.sha256(data).hexdigest()
    CatalogueImport.objects.filter(
        status=CatalogueImport.Status.PENDING,
        uploaded_at__lt=timezone.now() - PENDING_KEPT_FOR,
    ).delete()
    pending = CatalogueImport.objects.filter(
        municipality_id=municipality_id, file_sha256=sha256, status=CatalogueImport.Status.PENDING
    )
    if existing := pending.first():
        return existing
    try:
        with transaction.atomic():
            return CatalogueImport.objects.create(
                municipality_id=municipality_id,
                file_name=file_name[:200],
                file_sha256=sha256,
                sheet=parsed.sheet[:100],
                rows=parsed.rows,
                ignored_columns=parsed.ignored_columns,
                uploaded_by=user,
            )
    except IntegrityError:
        # The same file was uploaded at the same moment; both get the one pending import.
        return pending.get()


def _entry_fields(row: dict) -> dict:
    return {name: row[name] for name in COMPARED}


@transaction.atomic
def catalogue_import_apply(
    *, catalogue_import: CatalogueImport, digest: str, user: User
) -> CatalogueImport:
    """Apply the previewed changes in one transaction: create the new entries, update the
    changed ones, deactivate those no longer in the file.

    Refused with ImportAlreadyApplied if it was applied before, and with ImportStale (carrying
    the new plan) if the changes are no longer those previewed (`digest` is the preview's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CATALOGUE_LOCK])
    locked = CatalogueImport.objects.select_for_update().get(pk=catalogue_import.pk)
    if locked.status == CatalogueImport.Status.APPLIED:
        raise ImportAlreadyApplied
    municipality_id = locked.municipality_id
    plan = catalogue_plan(locked.rows, municipality_id)
    if plan.digest != digest:
        raise ImportStale(plan)
    now = timezone.now()
    rows = {row["key"]: row for row in locked.rows}
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(
            municipality_id=municipality_id, key=row["key"], is_active=True, **_entry_fields(row)
        )
        for row in plan.new
    )
    entries = CatalogueEntry.objects.filter(municipality_id=municipality_id)
    changed = list(entries.filter(key__in=[c.key for c in plan.changed]))
    for entry in changed:
        for name, value in _entry_fields(rows[entry.key]).items():
            setattr(entry, name, value)
        entry.is_active = True
        entry.changed_at = now
    CatalogueEntry.objects.bulk_update(changed, [*COMPARED, "is_active", "changed_at"])
    entries.filter(key__in=[c.key for c in plan.removed]).update(is_active=False, changed_at=now)
    locked.status = CatalogueImport.Status.APPLIED
    locked.applied_by = user
    locked.applied_at = now
    locked.created_count = len(plan.new)
    locked.changed_count = len(plan.changed)
    locked.deactivated_count = len(plan.removed)
    locked.save()
    return locked


# --- Contacts (edited in the admin; this is for the demo data) ----------------------------------


@transaction.atomic
def contact_ensure(
    *,
    municipality: Municipality,
    category: Contact.Category,
    name: str,
    phone: str = "",
    hours: str = "",
    email: str = "",
    web: str = "",
    note: str = "",
    position: int = 0,
) -> Contact:
    """Create the municipality's contact, or update its one with this category, name and
    number."""
    contact, _ = Contact.objects.update_or_create(
        municipality=municipality,
        category=category,
        name=name,
        phone=phone,
        defaults={
            "hours": hours,
            "email": email,
            "web": web,
            "note": note,
            "position": position,
            "is_active": True,
        },
    )
    return contact
