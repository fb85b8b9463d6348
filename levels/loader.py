"""Load a municipality's action guide from a human-editable TOML file (see docs/guide-format.md).

The whole file is checked first (levels.guide_file); a failed load leaves the database exactly
as it was.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from bts.models import Municipality

from .guide_file import CONSENT_DEFAULTS, DEADLINE_DEFAULTS, GuideFileError, parse_guide_file
from .models import AcuteContact, Guide, LanguageForm, Level, MeetingKind, Step
from .selectors import guide_cache_clear
from .words import DEFAULTS, PRODUCT_DEFAULTS

__all__ = ["GuideFileError", "guide_in_use_checks", "load_guide", "parse_guide_file"]


# Apps above this one that keep step codes (cases) check a guide before it is put in use:
# each callable takes the municipality and {level number: step codes} of the new guide and
# returns problems.
guide_in_use_checks: list = []


def _steps_by_level(doc: dict) -> dict[int, set[str]]:
    return {lv["number"]: {s["code"] for s in lv["steps"]} for lv in doc["levels"]}


def guide_municipality(doc: dict) -> Municipality:
    """The municipality the file names by its number; the installation gains it when it has
    none by that number yet (the operator who loads the file is the one who would create it)."""
    g = doc["guide"]
    municipality, _created = Municipality.objects.get_or_create(
        number=g["municipality_number"], defaults={"name": g["municipality"].strip()}
    )
    return municipality


@transaction.atomic
def load_guide(
    path: Path, *, activate: bool = True, municipality: Municipality | None = None
) -> Guide:
    """Validate the file, then replace the municipality's guide with the same slug in one
    transaction, as the
    guide of the municipality the file names (or of `municipality`: one that takes another's
    guide as its own). A guide put in use may not leave an open case of its municipality at a
    step it does not have."""
    doc = parse_guide_file(path)
    if municipality is None:
        municipality = guide_municipality(doc)
    if activate:
        steps = _steps_by_level(doc)
        problems = [p for check in guide_in_use_checks for p in check(municipality, steps)]
        if problems:
            raise GuideFileError(path, problems)
    g, acute = doc["guide"], doc["acute"]
    language = g.get("language", LanguageForm.BOKMAL)
    words = {k: v.strip() for k, v in doc.get("words", {}).items()}
    guide, _ = Guide.objects.update_or_create(
        municipality=municipality,
        slug=g["slug"],
        defaults={
            "name": g["name"].strip(),
            "model": g["model"],
            "source": g.get("source", "").strip(),
            "introduction": g.get("introduction", "").strip(),
            "acute_title": acute["title"].strip(),
            "acute_text": acute["text"].strip(),
            "file_sha256": doc["_sha256"],
            "language": language,
            "product_name": words.get("product", g["model"]),
            "product_long_name": words.get("product_long", PRODUCT_DEFAULTS[g["model"], language]),
            **{
                f"concern_word{suffix}": words.get(f"concern{suffix}", default)
                for suffix, default in (
                    ("", DEFAULTS[language]["concern"]),
                    ("_definite", DEFAULTS[language]["concern_definite"]),
                    ("_plural", DEFAULTS[language]["concern_plural"]),
                    ("_compound", DEFAULTS[language]["concern_compound"]),
                )
            },
            "collaboration_from_level": doc.get("rules", {}).get("collaboration_from_level", 2),
            **(DEADLINE_DEFAULTS | doc.get("deadlines", {})),
            **(CONSENT_DEFAULTS | doc.get("consent", {})),
        },
    )
    guide.acute_contacts.all().delete()
    guide.levels.all().delete()
    guide.meeting_kinds.all().delete()
    MeetingKind.objects.bulk_create(
        MeetingKind(
            guide=guide,
            code=k["code"],
            position=i,
            name=k["name"].strip(),
            levels=k.get("levels", []),
            steps=k.get("steps", []),
            invite_family=k.get("invite_family", True),
            purpose=k.get("purpose", ""),
        )
        for i, k in enumerate(doc["meeting_kinds"])
    )
    AcuteContact.objects.bulk_create(
        AcuteContact(
            guide=guide,
            position=i,
            name=c["name"].strip(),
            phone=c["phone"].strip(),
            hours=c.get("hours", "").strip(),
            note=c.get("note", "").strip(),
        )
        for i, c in enumerate(acute["contacts"])
    )
    steps = []
    for lv in doc["levels"]:
        level = Level.objects.create(
            guide=guide,
            number=lv["number"],
            title=lv["title"].strip(),
            summary=lv["summary"].strip(),
            description=lv.get("description", "").strip(),
            colour=lv["colour"],
            to_levels=lv["decision"]["to_levels"],
            may_close=lv["decision"].get("close", True),
            continue_step=lv["decision"].get("continue_to", ""),
            closing_steps=lv["decision"].get("closing_steps", []),
            decided_by=lv["decision"].get("taken_by", Level.DecidedBy.HOLDER),
            requires=lv.get("requires", []),
        )
        steps += [
            Step(
                level=level,
                code=s["code"],
                position=j,
                title=s["title"].strip(),
                situation=s.get("situation", "").strip(),
                what_to_do=s["what_to_do"].strip(),
                responsible=s["responsible"].strip(),
                tools=[t.strip() for t in s.get("tools", [])],
                guidance=[t.strip() for t in s.get("guidance", [])],
                checklist=[t.strip() for t in s.get("checklist", [])],
                is_decision=s.get("decision", False),
                requires=s.get("requires", []),
                meeting_kind=s.get("meeting_kind", ""),
            )
            for j, s in enumerate(lv["steps"])
        ]
    Step.objects.bulk_create(steps)
    if activate and not guide.is_active:
        Guide.objects.filter(municipality=municipality, is_active=True).update(is_active=False)
        guide.is_active = True
        guide.save(update_fields=["is_active"])
    # Bulk writes send no signals: forget the cached guide now (for this transaction's own
    # reads) and again when the new one is committed (for the requests that read before).
    guide_cache_clear()
    transaction.on_commit(guide_cache_clear)
    return guide
