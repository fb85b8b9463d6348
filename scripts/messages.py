#!/usr/bin/env python
"""The translation catalogues: bring them up to date, or list what is left to translate.

    python scripts/messages.py update   # what `make messages` runs
    python scripts/messages.py gaps     # what has no translation; changes no file

BTS's message ids are bokmål (decision 0010); a municipality's language form is bokmål or
nynorsk (docs/language.md, decision 0061). Two kinds of catalogue are kept, each as .po and
compiled .mo, both committed (the server needs no gettext tools):

- locale/nn/LC_MESSAGES/django.po: nynorsk for every message id in the code, written by Django's
  makemessages (no locations, so a moved line changes nothing; no obsolete entries).
- locale/{en,pl,uk,ar,so,ti,lt,ur}/LC_MESSAGES/django.po: the family's languages, for the
  message ids of the family's pages and the documents made for the family only (FAMILY_SOURCES:
  makemessages over a copy of those files). A family chooses one on its page; the staff's pages
  are only ever in bokmål or nynorsk.
- locale_upstream/{nb,nn}/LC_MESSAGES/{django,djangojs}.po: bokmål and nynorsk for the English
  message ids of Django's own apps (the admin, auth, forms' validation messages) that Django's
  shipped catalogues for nb and nn lack, so no page, the admin included, shows English.

`update` runs makemessages, brings the upstream catalogues in line with the installed Django,
compiles every catalogue with msgfmt (as compilemessages does, without it walking the
virtualenv) and then lists the gaps. `gaps` runs makemessages over a copy of the code, merged
into a copy of the committed catalogue, so the working tree is left alone, and lists every
message id with no translation or a fuzzy one. Both exit with status 1 while any is left.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
UPSTREAM = ROOT / "locale_upstream"
# The language forms besides the message ids' own: the code's catalogue is made for these.
CODE_LANGUAGES = ["nn"]
# The family's languages (settings.FAMILY_LANGUAGES besides nb and nn): catalogues of the
# messages in FAMILY_SOURCES only.
FAMILY_LANGUAGES = ["en", "pl", "uk", "ar", "so", "ti", "lt", "ur"]
# What a family reads: its pages, the e-mail it gets, and the documents made for it (the consent
# text and form, the meeting invitation, the access report), with the page and PDF frames.
FAMILY_SOURCES = [
    "family/*.py",
    "templates/family/*.html",
    "templates/_base.html",
    "templates/_components/form_errors.html",
    "templates/cases/_consent_text.html",
    "templates/pdf/_base.html",
    "templates/cases/pdf/_child.html",
    "templates/cases/pdf/consent_form.html",
    "templates/cases/pdf/invitation.html",
    "templates/cases/pdf/_meeting.html",
    "templates/cases/pdf/minutes.html",
    "templates/cases/pdf/consent_record.html",
    "bts/forms.py",
    "templates/cases/pdf/access_report.html",
    "cases/family_notices.py",
    # The words of the case that the family's pages show: the kinds of consent information and
    # answers, of meeting answers, the measures' status, the log's kinds, the access log.
    "cases/models/consent.py",
    "cases/models/meetings.py",
    "cases/models/measures.py",
    "cases/models/case.py",
    "cases/reports.py",
]
# gettext's plural rules for the family's languages (the header of each catalogue).
FAMILY_PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || "
    "n%100>14) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);",
    "so": "nplurals=2; plural=(n != 1);",
    "ti": "nplurals=2; plural=(n > 1);",
    "lt": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? "
    "1 : 2);",
    "ur": "nplurals=2; plural=(n != 1);",
}
UPSTREAM_LANGUAGES = ["nb", "nn"]
UPSTREAM_DOMAINS = ["django", "djangojs"]
# What makemessages reads (its defaults for the "django" domain).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
MAKEMESSAGES_OPTIONS = {"no_location": True, "no_obsolete": True, "verbosity": 0}
HOW_TO = (
    "Run `make messages`, give every entry listed a translation in the .po file it names "
    "(no empty msgstr, no '#, fuzzy' line), and run `make messages` again: it compiles the .mo "
    "files, which are committed with the .po files. See docs/language.md."
)
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
LANGUAGE_NAMES = {"nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk"}


# --- a reader and writer for the .po files gettext's own tools write ---------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.msgstr)

    def shown(self) -> str:
        text = repr(self.msgid)
        if self.msgid_plural is not None:
            text += f" / {self.msgid_plural!r}"
        return f"[{self.msgctxt}] {text}" if self.msgctxt is not None else text


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "a": "\a", "b": "\b"}


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def read_po(path: Path) -> tuple[Entry | None, list[Entry]]:
    """(header, entries) of a .po file; obsolete (#~) entries are left out."""
    header, entries = None, []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, key = None, None
        fields: dict[str, str] = {}
        flags: list[str] = []
        comments: list[str] = []
        for line in block.splitlines():
            if line.startswith("#~") or not line.strip():
                continue
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
            elif line.startswith("#"):
                comments.append(line)
            elif line.startswith('"'):
                fields[key] += _unquote(line)
            else:
                key, _, rest = line.partition(" ")
                fields[key] = _unquote(rest)
        if "msgid" not in fields:
            continue
        plurals = sorted(k for k in fields if k.startswith("msgstr["))
        entry = Entry(
            msgid=fields["msgid"],
            msgctxt=fields.get("msgctxt"),
            msgid_plural=fields.get("msgid_plural"),
            msgstr=[fields[k] for k in plurals] if plurals else [fields.get("msgstr", "")],
            flags=flags,
            comments=comments,
        )
        if entry.msgid == "" and entry.msgctxt is None:
            header = entry
        else:
            entries.append(entry)
    return header, entries


def write_po(path: Path, header: Entry, entries: list[Entry]) -> None:
    """Write the catalogue, then let msgcat lay it out as gettext's tools always do."""
    blocks = []
    for entry in [header, *entries]:
        lines = list(entry.comments)
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.append("msgctxt " + _quote(entry.msgctxt))
        lines.append("msgid " + _quote(entry.msgid))
        if entry.msgid_plural is not None:
            lines.append("msgid_plural " + _quote(entry.msgid_plural))
            lines += [f"msgstr[{n}] " + _quote(text) for n, text in enumerate(entry.msgstr)]
        else:
            lines.append("msgstr " + _quote(entry.msgstr[0]))
        blocks.append("\n".join(lines))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    run("msgcat", "--no-location", "--to-code=UTF-8", "-o", str(path), str(path))


def run(*args: str, cwd: Path | None = None) -> str:
    try:
        # Our own commands and paths, never input: S603 does not apply.
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        sys.exit(f"{args[0]} is missing: install GNU gettext (Debian: apt-get install gettext).")
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# --- the code's catalogue (makemessages) -------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def makemessages(root: Path, locale: Path, languages=CODE_LANGUAGES) -> None:
    """Django's makemessages over the sources under `root`, into the catalogues in `locale`."""
    from django.conf import settings
    from django.core.management import call_command

    saved_paths, saved_cwd = settings.LOCALE_PATHS, Path.cwd()
    settings.LOCALE_PATHS = [str(locale)]
    os.chdir(root)
    try:
        call_command("makemessages", locale=languages, **MAKEMESSAGES_OPTIONS)
    finally:
        os.chdir(saved_cwd)
        settings.LOCALE_PATHS = saved_paths


def family_makemessages(locale: Path) -> None:
    """makemessages for the family's languages over a copy of FAMILY_SOURCES only; each new
    catalogue gets its language's header."""
    with tempfile.TemporaryDirectory(prefix="bts-family-messages-") as tmp:
        for pattern in FAMILY_SOURCES:
            for source in sorted(ROOT.glob(pattern)):
                destination = Path(tmp) / source.relative_to(ROOT)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
        makemessages(Path(tmp), locale, FAMILY_LANGUAGES)
    for language in FAMILY_LANGUAGES:
        path = locale / language / "LC_MESSAGES" / "django.po"
        header, entries = read_po(path)
        text = header.msgstr[0]
        text = re.sub(
            r"Plural-Forms: [^\n]*", f"Plural-Forms: {FAMILY_PLURAL_FORMS[language]}", text
        )
        text = re.sub(r"Language: [^\n]*", f"Language: {language}", text)
        text = text.replace("charset=CHARSET", "charset=UTF-8")
        header.msgstr = [text]
        header.flags = [flag for flag in header.flags if flag != "fuzzy"]
        header.comments = [
            f"# The family's pages and documents in '{language}' (scripts/messages.py).",
        ]
        for entry in entries:
            # msgmerge's guess from a similar message is not a translation: left to translate.
            entry.comments = [c for c in entry.comments if not c.startswith("#|")]
            if "fuzzy" in entry.flags:
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                entry.msgstr = [""] * len(entry.msgstr)
        write_po(path, header, entries)


def _copy_sources(target: Path) -> None:
    """The files makemessages would read in the project, without the catalogues."""
    for dirpath, dirnames, filenames in os.walk(ROOT):
        here = Path(dirpath)
        dirnames[:] = [
            name
            for name in dirnames
            if not name.startswith(".")
            and name not in {"__pycache__", "node_modules"}
            and not (here == ROOT and name in {LOCALE.name, UPSTREAM.name})
        ]
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES:
                destination = target / (here / name).relative_to(ROOT)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, destination)


def untranslated(locale: Path) -> dict[Path, list[Entry]]:
    """The entries with no translation (empty or fuzzy) in the code's catalogues in `locale`,
    named by the committed catalogue they belong in."""
    gaps = {}
    for language in [*CODE_LANGUAGES, *FAMILY_LANGUAGES]:
        path = locale / language / "LC_MESSAGES" / "django.po"
        missing = [entry for entry in read_po(path)[1] if not entry.translated]
        if missing:
            gaps[LOCALE / language / "LC_MESSAGES" / "django.po"] = missing
    return gaps


def code_gaps() -> dict[Path, list[Entry]]:
    """The message ids of the code as it is now that the committed catalogues do not translate:
    makemessages over a copy of the code, merged into a copy of the catalogues."""
    with tempfile.TemporaryDirectory(prefix="bts-messages-") as tmp:
        sources, locale = Path(tmp) / "src", Path(tmp) / "locale"
        _copy_sources(sources)
        for language in [*CODE_LANGUAGES, *FAMILY_LANGUAGES]:
            committed = LOCALE / language / "LC_MESSAGES" / "django.po"
            if committed.exists():
                copy = locale / language / "LC_MESSAGES" / "django.po"
                copy.parent.mkdir(parents=True)
                shutil.copyfile(committed, copy)
        makemessages(sources, locale)
        family_makemessages(locale)
        return untranslated(locale)


# --- the upstream catalogues (what Django's own catalogues lack) -------------------------------


def _django_catalogue_dirs() -> list[Path]:
    """Django's own locale folders for the apps BTS installs, and Django's core one."""
    import django
    from django.apps import apps

    django_dir = Path(django.__file__).resolve().parent
    dirs = [django_dir / "conf" / "locale"]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(django_dir) and (path / "locale").is_dir():
            dirs.append(path / "locale")
    return dirs


def upstream_missing(language: str, domain: str) -> list[Entry]:
    """The English message ids of Django's apps that no Django catalogue for `language` has."""
    english: dict[tuple, Entry] = {}
    covered: set[tuple] = set()
    for locale in _django_catalogue_dirs():
        source = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
        if source.exists():
            for entry in read_po(source)[1]:
                english.setdefault(entry.key, entry)
        translated = locale / language / "LC_MESSAGES" / f"{domain}.po"
        if translated.exists():
            covered |= {entry.key for entry in read_po(translated)[1] if entry.translated}
    return [entry for key, entry in english.items() if key not in covered]


def upstream_path(language: str, domain: str) -> Path:
    return UPSTREAM / language / "LC_MESSAGES" / f"{domain}.po"


def upstream_update(language: str, domain: str) -> None:
    path = upstream_path(language, domain)
    header, kept = read_po(path) if path.exists() else (None, [])
    translations = {entry.key: entry for entry in kept}
    entries = []
    for source in upstream_missing(language, domain):
        entry = Entry(
            msgid=source.msgid,
            msgctxt=source.msgctxt,
            msgid_plural=source.msgid_plural,
            msgstr=["", ""] if source.msgid_plural is not None else [""],
            flags=[flag for flag in source.flags if flag.endswith("-format")],
        )
        if entry.key in translations:
            entry.msgstr = translations[entry.key].msgstr
            entry.flags = translations[entry.key].flags
        entries.append(entry)
    if not entries and not path.exists():
        return
    header = header or Entry(
        msgid="",
        msgstr=[
            "Project-Id-Version: BTS\nPO-Revision-Date: 2026-12-07 12:00+0100\n"
            f"Last-Translator: BTS\nLanguage-Team: {LANGUAGE_NAMES[language]}\n"
            f"Language: {language}\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
            f"Plural-Forms: {PLURAL_FORMS}\n"
        ],
        comments=[
            f"# {LANGUAGE_NAMES[language]} for the English message ids of Django's own apps that",
            "# Django's catalogues lack. Kept up to date by `make messages` (scripts/messages.py).",
        ],
    )
    write_po(path, header, entries)


def upstream_gaps() -> dict[Path, list[Entry]]:
    gaps = {}
    for language in UPSTREAM_LANGUAGES:
        for domain in UPSTREAM_DOMAINS:
            path = upstream_path(language, domain)
            done = {e.key for e in read_po(path)[1] if e.translated} if path.exists() else set()
            missing = [e for e in upstream_missing(language, domain) if e.key not in done]
            if missing:
                gaps[path] = missing
    return gaps


# --- compiling, and the two commands ------------------------------------------------------------


def catalogues() -> list[Path]:
    return sorted([*LOCALE.glob("*/LC_MESSAGES/*.po"), *UPSTREAM.glob("*/LC_MESSAGES/*.po")])


def compile_catalogue(po: Path, mo: Path) -> None:
    """msgfmt with the checks compilemessages asks for: a translation that drops or changes a
    placeholder is refused."""
    run("msgfmt", "--check-format", "-o", str(mo), str(po))


def report(gaps: dict[Path, list[Entry]]) -> int:
    if not gaps:
        print("Every message has a translation.")
        return 0
    count = sum(len(entries) for entries in gaps.values())
    print(f"{count} message(s) have no translation (empty or fuzzy):")
    for path, entries in gaps.items():
        print(f"\n{path.relative_to(ROOT)}:")
        for entry in entries:
            print(f"  {entry.shown()}")
    print("\n" + HOW_TO)
    return 1


def update() -> int:
    makemessages(ROOT, LOCALE)
    family_makemessages(LOCALE)
    for language in UPSTREAM_LANGUAGES:
        for domain in UPSTREAM_DOMAINS:
            upstream_update(language, domain)
    for po in catalogues():
        compile_catalogue(po, po.with_suffix(".mo"))
    return report({**untranslated(LOCALE), **upstream_gaps()})


def main(argv: list[str]) -> int:
    if argv not in (["update"], ["gaps"]):
        print(__doc__)
        return 2
    _django()
    return update() if argv == ["update"] else report({**code_gaps(), **upstream_gaps()})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
