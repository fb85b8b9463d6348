"""Load a municipality's action guide from a human-editable TOML file (see docs/guide-format.md).

The whole file is validated before anything is written; every problem is reported with the file,
the line and the key, and a failed load leaves the database exactly as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction

from bts.tomlfile import PHONE_RE, DataFileError, Field, Validator, read_data_file

from .models import AcuteContact, Guide, Level, Step
from .selectors import guide_cache_clear

COLOURS = {c.value for c in Level.Colour}
MODELS = {m.value for m in Guide.Model}


class GuideFileError(DataFileError):
    what = "handlingsveilederen"


GUIDE_FIELDS = {
    "slug": Field(max_length=50),
    "municipality": Field(max_length=120),
    "name": Field(max_length=200),
    "model": Field(max_length=3),
    "source": Field(required=False, max_length=300),
    "introduction": Field(required=False),
}
DEADLINE_FIELDS = {
    "level0_decision_days": Field(required=False, kind=int),
    "follow_up_min_days": Field(required=False, kind=int),
    "follow_up_max_days": Field(required=False, kind=int),
    "inactive_days": Field(required=False, kind=int),
}
DEADLINE_DEFAULTS = {
    "level0_decision_days": 14,
    "follow_up_min_days": 14,
    "follow_up_max_days": 28,
    "inactive_days": 30,
}
CONSENT_FIELDS = {
    "child_consent_age": Field(required=False, kind=int),
    "child_consent_age_health": Field(required=False, kind=int),
    "child_heard_age": Field(required=False, kind=int),
}
CONSENT_DEFAULTS = {"child_consent_age": 15, "child_consent_age_health": 16, "child_heard_age": 7}
ACUTE_FIELDS = {"title": Field(max_length=200), "text": Field(), "contacts": Field(kind=list)}
CONTACT_FIELDS = {
    "name": Field(max_length=120),
    "phone": Field(max_length=32),
    "hours": Field(required=False, max_length=120),
    "note": Field(required=False, max_length=300),
}
LEVEL_FIELDS = {
    "number": Field(kind=int),
    "title": Field(max_length=200),
    "summary": Field(),
    "description": Field(required=False),
    "colour": Field(max_length=8),
    "steps": Field(kind=list),
}
STEP_FIELDS = {
    "code": Field(max_length=8),
    "title": Field(max_length=200),
    "situation": Field(required=False),
    "what_to_do": Field(),
    "responsible": Field(),
    "tools": Field(required=False, kind=list),
    "guidance": Field(required=False, kind=list),
    "checklist": Field(required=False, kind=list),
    "decision": Field(required=False, kind=bool),
}


class _Validator(Validator):
    def validate(self, doc: dict) -> None:
        self.unknown_tables(
            doc,
            {
                "guide": "[guide]",
                "deadlines": "[deadlines]",
                "consent": "[consent]",
                "acute": "[acute]",
                "levels": "[[levels]]",
            },
        )
        self._guide(doc)
        self._deadlines(doc)
        self._consent(doc)
        self._acute(doc)
        self._levels(doc)

    def _guide(self, doc: dict) -> None:
        guide = self.section(doc, "guide", dict, "[guide]")
        if guide is None:
            return
        line = self.loc.table("[guide]")
        self.table(guide, GUIDE_FIELDS, "guide", line)
        self.slug(guide, "slug", "guide", line)
        self.choice(guide, "model", MODELS, "guide", line)

    def _deadlines(self, doc: dict) -> None:
        if "deadlines" not in doc:
            return
        deadlines = self.section(doc, "deadlines", dict, "[deadlines]")
        if deadlines is None:
            return
        line = self.loc.table("[deadlines]")
        self.table(deadlines, DEADLINE_FIELDS, "deadlines", line)
        for name, value in deadlines.items():
            if name in DEADLINE_FIELDS and isinstance(value, int) and not 1 <= value <= 365:
                self.problem(
                    self.loc.key(line, name),
                    f"deadlines.{name}",
                    f"må være et antall dager fra 1 til 365, fant {value}",
                )
        merged = DEADLINE_DEFAULTS | {k: v for k, v in deadlines.items() if isinstance(v, int)}
        if merged["follow_up_min_days"] > merged["follow_up_max_days"]:
            self.problem(
                self.loc.key(line, "follow_up_min_days"),
                "deadlines.follow_up_min_days",
                "kan ikke være større enn follow_up_max_days",
            )

    def _consent(self, doc: dict) -> None:
        if "consent" not in doc:
            return
        consent = self.section(doc, "consent", dict, "[consent]")
        if consent is None:
            return
        line = self.loc.table("[consent]")
        self.table(consent, CONSENT_FIELDS, "consent", line)
        for name, value in consent.items():
            if name in CONSENT_FIELDS and isinstance(value, int) and not 0 <= value <= 18:
                self.problem(
                    self.loc.key(line, name),
                    f"consent.{name}",
                    f"må være en alder fra 0 til 18 år, fant {value}",
                )

    def _acute(self, doc: dict) -> None:
        acute = self.section(doc, "acute", dict, "[acute]")
        if acute is None:
            return
        line = self.loc.table("[acute]")
        self.table(acute, ACUTE_FIELDS, "acute", line)
        contacts = acute.get("contacts")
        if not isinstance(contacts, list):
            return
        if not contacts:
            self.problem(line, "acute.contacts", "minst én kontakt ([[acute.contacts]]) trengs")
        for key, c_line, contact in self.tables(contacts, "[[acute.contacts]]", "acute.contacts"):
            self.table(contact, CONTACT_FIELDS, key, c_line)
            phone = contact.get("phone")
            if isinstance(phone, str) and phone.strip() and not PHONE_RE.match(phone.strip()):
                self.problem(
                    self.loc.key(c_line, "phone"),
                    f"{key}.phone",
                    f"telefonnummer kan bare ha sifre, mellomrom og +, fant «{phone}»",
                )

    def _levels(self, doc: dict) -> None:
        levels = self.section(doc, "levels", list, "[[levels]]")
        if levels is None:
            return
        if not levels:
            self.problem(None, "levels", "minst ett nivå ([[levels]]) trengs")
        codes: dict[str, str] = {}
        numbers: list[int] = []
        step_index = 0
        for key, l_line, level in self.tables(levels, "[[levels]]", "levels"):
            self.table(level, LEVEL_FIELDS, key, l_line)
            number = level.get("number")
            if isinstance(number, int) and not isinstance(number, bool):
                if number in numbers:
                    self.problem(
                        self.loc.key(l_line, "number"),
                        f"{key}.number",
                        f"nivå {number} finnes allerede",
                    )
                numbers.append(number)
            self.choice(level, "colour", COLOURS, key, l_line)
            steps = level.get("steps")
            if not isinstance(steps, list):
                continue
            if not steps:
                self.problem(
                    l_line,
                    f"{key}.steps",
                    "minst ett trinn ([[levels.steps]]) trengs på hvert nivå",
                )
            first, step_index = step_index, step_index + len(steps)
            for s_key, s_line, step in self.tables(
                steps, "[[levels.steps]]", f"{key}.steps", start=first
            ):
                self.table(step, STEP_FIELDS, s_key, s_line)
                for list_key in ("tools", "guidance", "checklist"):
                    if isinstance(step.get(list_key), list):
                        self.string_list(
                            step[list_key], f"{s_key}.{list_key}", self.loc.key(s_line, list_key)
                        )
                code = step.get("code")
                if not isinstance(code, str) or not code:
                    continue
                c_line = self.loc.key(s_line, "code")
                if isinstance(number, int) and not re.fullmatch(rf"{number}\.\d+", code):
                    self.problem(
                        c_line,
                        f"{s_key}.code",
                        f"trinnkoden «{code}» må ha formen «{number}.<nummer>» på nivå {number}",
                    )
                if code in codes:
                    self.problem(
                        c_line,
                        f"{s_key}.code",
                        f"trinnkoden «{code}» er brukt før, i {codes[code]}",
                    )
                codes[code] = s_key
        if numbers and sorted(numbers) != list(range(len(numbers))):
            # Point at the first level whose number cannot fit a gap-free 0, 1, 2 … sequence.
            culprit = next((i for i, n in enumerate(numbers) if n >= len(numbers)), 0)
            self.problem(
                self.loc.key(self.loc.table("[[levels]]", culprit), "number"),
                f"levels[{culprit}].number",
                "nivåene må være nummerert 0, 1, 2 … uten hull, fant "
                + ", ".join(str(n) for n in sorted(numbers)),
            )


def parse_guide_file(path: Path) -> dict:
    """Read and validate; return the TOML document, or raise GuideFileError naming every problem."""
    return read_data_file(path, _Validator, GuideFileError)


@transaction.atomic
def load_guide(path: Path, *, activate: bool = True) -> Guide:
    """Validate the file, then replace the guide with the same slug in one transaction."""
    doc = parse_guide_file(path)
    g, acute = doc["guide"], doc["acute"]
    guide, _ = Guide.objects.update_or_create(
        slug=g["slug"],
        defaults={
            "municipality": g["municipality"].strip(),
            "name": g["name"].strip(),
            "model": g["model"],
            "source": g.get("source", "").strip(),
            "introduction": g.get("introduction", "").strip(),
            "acute_title": acute["title"].strip(),
            "acute_text": acute["text"].strip(),
            "file_sha256": doc["_sha256"],
            **(DEADLINE_DEFAULTS | doc.get("deadlines", {})),
            **(CONSENT_DEFAULTS | doc.get("consent", {})),
        },
    )
    guide.acute_contacts.all().delete()
    guide.levels.all().delete()
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
            )
            for j, s in enumerate(lv["steps"])
        ]
    Step.objects.bulk_create(steps)
    if activate and not guide.is_active:
        Guide.objects.filter(is_active=True).update(is_active=False)
        guide.is_active = True
        guide.save(update_fields=["is_active"])
    # Bulk writes send no signals: forget the cached guide now (for this transaction's own
    # reads) and again when the new one is committed (for the requests that read before).
    guide_cache_clear()
    transaction.on_commit(guide_cache_clear)
    return guide
