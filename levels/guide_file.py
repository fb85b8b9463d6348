"""The action guide's file format (docs/guide-format.md): its tables and keys, and every check
of a file — each key by itself, and the guide's rules across tables — before anything is written.
Every problem is reported with the file, the line and the key."""

from __future__ import annotations

import re
from pathlib import Path

from bts.tomlfile import PHONE_RE, DataFileError, Field, Validator, read_data_file

from . import requirements
from .models import Guide, LanguageForm, Level, MeetingKind

COLOURS = {c.value for c in Level.Colour}
MODELS = {m.value for m in Guide.Model}
LANGUAGES = {form.value for form in LanguageForm}
DECIDERS = {d.value for d in Level.DecidedBy}
PURPOSES = {p.value for p in MeetingKind.Purpose if p.value}


class GuideFileError(DataFileError):
    what = "handlingsveilederen"


def _list(value) -> list:
    """A value that should be a list, as one: its type is reported by the table check, and the
    checks across tables go on with what they can read."""
    return value if isinstance(value, list) else []


def _level_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


GUIDE_FIELDS = {
    "slug": Field(max_length=50),
    "municipality": Field(max_length=120),
    "municipality_number": Field(max_length=4),
    "name": Field(max_length=200),
    "model": Field(max_length=3),
    "source": Field(required=False, max_length=300),
    "introduction": Field(required=False),
    "language": Field(required=False, max_length=2),
}
WORDS_FIELDS = {
    "product": Field(required=False, max_length=30),
    "product_long": Field(required=False, max_length=120),
    "concern": Field(required=False, max_length=40),
    "concern_definite": Field(required=False, max_length=40),
    "concern_plural": Field(required=False, max_length=40),
    "concern_compound": Field(required=False, max_length=40),
}
RULES_FIELDS = {"collaboration_from_level": Field(required=False, kind=int)}
MEETING_KIND_FIELDS = {
    "code": Field(max_length=40),
    "name": Field(max_length=120),
    "levels": Field(required=False, kind=list),
    "steps": Field(required=False, kind=list),
    "invite_family": Field(required=False, kind=bool),
    "purpose": Field(required=False, max_length=20),
}
DECISION_FIELDS = {
    "to_levels": Field(kind=list),
    "close": Field(required=False, kind=bool),
    "continue_to": Field(required=False, max_length=8),
    "closing_steps": Field(required=False, kind=list),
    "taken_by": Field(required=False, max_length=20),
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
    "requires": Field(required=False, kind=list),
    "decision": Field(kind=dict),
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
    "requires": Field(required=False, kind=list),
    "meeting_kind": Field(required=False, max_length=40),
}


class _Validator(Validator):
    def validate(self, doc: dict) -> None:
        self.unknown_tables(
            doc,
            {
                "guide": "[guide]",
                "words": "[words]",
                "rules": "[rules]",
                "meeting_kinds": "[[meeting_kinds]]",
                "deadlines": "[deadlines]",
                "consent": "[consent]",
                "acute": "[acute]",
                "levels": "[[levels]]",
            },
        )
        self._guide(doc)
        self._words(doc)
        self._deadlines(doc)
        self._consent(doc)
        self._acute(doc)
        kinds = self._meeting_kinds(doc)
        levels = self._levels(doc)
        if levels is not None:
            self._rules(doc, levels, kinds)

    def _guide(self, doc: dict) -> None:
        guide = self.section(doc, "guide", dict, "[guide]")
        if guide is None:
            return
        line = self.loc.table("[guide]")
        self.table(guide, GUIDE_FIELDS, "guide", line)
        self.slug(guide, "slug", "guide", line)
        self.municipality_number(guide, "municipality_number", "guide", line)
        self.choice(guide, "model", MODELS, "guide", line)
        self.choice(guide, "language", LANGUAGES, "guide", line)

    def _words(self, doc: dict) -> None:
        if "words" not in doc:
            return
        words = self.section(doc, "words", dict, "[words]")
        if words is not None:
            self.table(words, WORDS_FIELDS, "words", self.loc.table("[words]"))

    def _meeting_kinds(self, doc: dict) -> dict[str, tuple[str, int | None, dict]]:
        """The meeting kinds by code, with their key and line for the checks across tables."""
        kinds: dict[str, tuple[str, int | None, dict]] = {}
        if "meeting_kinds" not in doc:
            self.problem(None, "meeting_kinds", "minst én møtetype ([[meeting_kinds]]) trengs")
            return kinds
        items = self.section(doc, "meeting_kinds", list, "[[meeting_kinds]]")
        for key, line, kind in self.tables(items or [], "[[meeting_kinds]]", "meeting_kinds"):
            self.table(kind, MEETING_KIND_FIELDS, key, line)
            code = kind.get("code")
            if isinstance(code, str) and code and not re.fullmatch(r"[a-z0-9_-]+", code):
                self.problem(
                    self.loc.key(line, "code"),
                    f"{key}.code",
                    "bare små bokstaver a–z, sifre, bindestrek og understrek",
                )
            self.choice(kind, "purpose", PURPOSES, key, line)
            for j, number in enumerate(_list(kind.get("levels"))):
                if not _level_number(number):
                    self.problem(
                        self.loc.key(line, "levels"),
                        f"{key}.levels[{j}]",
                        f"skal være et nivånummer (heltall), fant {number!r}",
                    )
            if isinstance(kind.get("steps"), list):
                self.string_list(kind["steps"], f"{key}.steps", self.loc.key(line, "steps"), 8)
            code = kind.get("code")
            if isinstance(code, str) and code:
                if code in kinds:
                    self.problem(
                        self.loc.key(line, "code"), f"{key}.code", f"møtetypen «{code}» finnes før"
                    )
                kinds[code] = (key, line, kind)
        return kinds

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

    def _levels(self, doc: dict) -> list[tuple[str, int | None, dict]] | None:
        """Check each level and step by itself; return the levels (key, line, table) for the
        checks across tables, or None when the levels cannot be read."""
        levels = self.section(doc, "levels", list, "[[levels]]")
        if levels is None:
            return None
        found: list[tuple[str, int | None, dict]] = []
        if not levels:
            self.problem(None, "levels", "minst ett nivå ([[levels]]) trengs")
        codes: dict[str, str] = {}
        numbers: list[int] = []
        step_index = 0
        for key, l_line, level in self.tables(levels, "[[levels]]", "levels"):
            found.append((key, l_line, level))
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
            if isinstance(level.get("requires"), list):
                self.string_list(
                    level["requires"], f"{key}.requires", self.loc.key(l_line, "requires")
                )
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
                for list_key in ("tools", "guidance", "checklist", "requires"):
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
        return found

    def _rules(self, doc: dict, levels: list, kinds: dict) -> None:
        """The checks across tables: the rules must not contradict the guide's own levels,
        steps and meeting kinds."""
        numbers = {lv["number"] for _k, _l, lv in levels if isinstance(lv.get("number"), int)}
        codes = {
            s["code"]
            for _k, _l, lv in levels
            for s in _list(lv.get("steps"))
            if isinstance(s, dict) and isinstance(s.get("code"), str)
        }
        if "rules" in doc:
            rules = self.section(doc, "rules", dict, "[rules]")
            if rules is not None:
                line = self.loc.table("[rules]")
                self.table(rules, RULES_FIELDS, "rules", line)
                level = rules.get("collaboration_from_level")
                if isinstance(level, int) and numbers and level not in numbers - {0}:
                    self.problem(
                        self.loc.key(line, "collaboration_from_level"),
                        "rules.collaboration_from_level",
                        f"må være et av veilederens nivåer over 0, fant {level}",
                    )
        for code, (key, line, kind) in kinds.items():
            for step in _list(kind.get("steps")):
                if isinstance(step, str) and step not in codes:
                    self.problem(
                        self.loc.key(line, "steps"),
                        f"{key}.steps",
                        f"møtetypen «{code}» hører til trinnet «{step}», som ikke finnes",
                    )
            for number in _list(kind.get("levels")):
                if _level_number(number) and number not in numbers:
                    self.problem(
                        self.loc.key(line, "levels"),
                        f"{key}.levels",
                        f"møtetypen «{code}» hører til nivå {number}, som ikke finnes",
                    )
        step_index = decision_index = 0
        for key, l_line, level in levels:
            steps = [s for s in _list(level.get("steps")) if isinstance(s, dict)]
            first, step_index = step_index, step_index + len(steps)
            own = [s.get("code") for s in steps]
            number = level.get("number")
            self._level_requires(level, key, l_line)
            step_lines = [self.loc.table("[[levels.steps]]", first + j) for j in range(len(steps))]
            offers = "offers" in (level.get("requires") or [])
            for j, step in enumerate(steps):
                self._step_rules(step, f"{key}.steps[{j}]", step_lines[j], kinds, number)
                if "offers" in (step.get("requires") or []) and not offers:
                    self.problem(
                        self.loc.key(step_lines[j], "requires"),
                        f"{key}.steps[{j}].requires",
                        '«offers» kan bare kreves på et nivå som har requires = ["offers"]',
                    )
            deciding = [s.get("code") for s in steps if s.get("decision") is True]
            if not deciding:
                self.problem(l_line, f"{key}.steps", f"nivå {number} har ikke noe beslutningstrinn")
            elif len(deciding) > 1:
                self.problem(
                    l_line,
                    f"{key}.steps",
                    f"nivå {number} har flere beslutningstrinn: {', '.join(deciding)}",
                )
            decision = level.get("decision")
            if not isinstance(decision, dict):
                continue
            # The line of this level's [levels.decision]: levels without one are not counted.
            index, decision_index = decision_index, decision_index + 1
            self._decision(decision, f"{key}.decision", index, number, own, set(deciding), numbers)
            if len(deciding) == 1:
                closing = set(_list(decision.get("closing_steps")))
                after = own.index(deciding[0]) + 1
                for j, code in enumerate(own[after:], start=after):
                    if isinstance(code, str) and code not in closing:
                        self.problem(
                            self.loc.key(step_lines[j], "code"),
                            f"{key}.steps[{j}].code",
                            f"trinnet «{code}» kommer etter beslutningstrinnet «{deciding[0]}», "
                            "men er ikke et avslutningstrinn (closing_steps): "
                            "ingen sak kommer dit",
                        )

    def _level_requires(self, level: dict, key: str, line: int | None) -> None:
        for name in _list(level.get("requires")):
            if isinstance(name, str) and name not in requirements.LEVEL:
                self.problem(
                    self.loc.key(line, "requires"),
                    f"{key}.requires",
                    f"ukjent krav «{name}». Kjente krav: " + ", ".join(requirements.LEVEL),
                )

    def _step_rules(self, step: dict, key: str, line: int | None, kinds: dict, number) -> None:
        required = _list(step.get("requires"))
        for name in required:
            if isinstance(name, str) and name not in requirements.STEP:
                self.problem(
                    self.loc.key(line, "requires"),
                    f"{key}.requires",
                    f"ukjent krav «{name}». Kjente krav: " + ", ".join(requirements.STEP),
                )
        if step.get("decision") is True and required:
            self.problem(
                self.loc.key(line, "requires"),
                f"{key}.requires",
                "et beslutningstrinn er gjort når beslutningen er tatt: "
                "legg kravene på trinnene før det",
            )
        if "checklist" in required and not step.get("checklist"):
            self.problem(
                self.loc.key(line, "requires"),
                f"{key}.requires",
                "trinnet krever sjekklisten, men har ingen «checklist»",
            )
        kind = step.get("meeting_kind")
        if not isinstance(kind, str) or not kind:
            return
        if kind not in kinds:
            self.problem(
                self.loc.key(line, "meeting_kind"),
                f"{key}.meeting_kind",
                f"møtetypen «{kind}» finnes ikke i [[meeting_kinds]]",
            )
            return
        # The kind the step calls for must be one that may be booked there.
        levels, steps = _list(kinds[kind][2].get("levels")), _list(kinds[kind][2].get("steps"))
        code = step.get("code")
        fits = number in levels or code in steps
        if (levels or steps) and _level_number(number) and not fits:
            self.problem(
                self.loc.key(line, "meeting_kind"),
                f"{key}.meeting_kind",
                f"møtetypen «{kind}» hører ikke til nivå {number} eller trinnet «{code}» "
                "(se «levels» og «steps» i [[meeting_kinds]])",
            )

    def _decision(self, decision, key, index, number, own, deciding, numbers) -> None:
        line = self.loc.table("[levels.decision]", index)
        self.table(decision, DECISION_FIELDS, key, line)
        self.choice(decision, "taken_by", DECIDERS, key, line)

        def bad(name: str, message: str) -> None:
            self.problem(self.loc.key(line, name), f"{key}.{name}", message)

        to_levels = decision.get("to_levels")
        if isinstance(to_levels, list):
            for to in to_levels:
                if isinstance(to, bool) or not isinstance(to, int) or to not in numbers:
                    bad("to_levels", f"nivå {to} finnes ikke i veilederen")
            if len(set(map(repr, to_levels))) != len(to_levels):
                bad("to_levels", "samme nivå står flere ganger")
            if not to_levels and decision.get("close") is False:
                bad("to_levels", "beslutningen må kunne gå til et nivå eller avslutte saken")
        closing = decision.get("closing_steps")
        if isinstance(closing, list):
            self.string_list(closing, f"{key}.closing_steps", self.loc.key(line, "closing_steps"))
            if len(set(map(repr, closing))) != len(closing):
                bad("closing_steps", "samme trinn står flere ganger")
            for code in closing:
                if isinstance(code, str) and code not in own:
                    bad(
                        "closing_steps",
                        f"avslutningstrinnet «{code}» er ikke et trinn på nivå {number}",
                    )
                elif code in deciding:
                    bad(
                        "closing_steps",
                        f"«{code}» er nivåets beslutningstrinn og kan ikke være avslutningstrinn",
                    )
            if closing and decision.get("close") is False:
                bad(
                    "closing_steps",
                    "nivået har avslutningstrinn, men beslutningen kan ikke avslutte saken",
                )
        target = decision.get("continue_to")
        if isinstance(target, str) and target:
            if target not in own:
                bad("continue_to", f"trinnet «{target}» er ikke et trinn på nivå {number}")
            elif isinstance(closing, list) and target in closing:
                bad("continue_to", f"«{target}» er et avslutningstrinn")
            elif target in deciding:
                bad(
                    "continue_to",
                    f"«{target}» er nivåets beslutningstrinn: «fortsett» går tilbake til et "
                    "trinn før det",
                )
            if isinstance(to_levels, list) and number not in to_levels:
                bad("continue_to", f"beslutningen kan ikke fortsette på nivå {number} (to_levels)")


def parse_guide_file(path: Path) -> dict:
    """Read and validate; return the TOML document, or raise GuideFileError naming every problem."""
    return read_data_file(path, _Validator, GuideFileError)
