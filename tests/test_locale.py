"""BTS in bokmål and nynorsk (docs/language.md, decision 0061).

The catalogues are complete and compiled: every message id in the code has a nynorsk
translation, the compiled .mo files are the .po files as they are, and no page, the admin
included, falls back to English. The municipality's language form, not the browser, decides
what a page is written in, and dates and numbers are Norwegian in both forms. (The case page,
its documents and the e-mail in nynorsk: tests/cases/test_nynorsk.py.)
"""

import gettext
import importlib.util
import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format

from bts.models import Role
from bts.pdf import DocumentMeta
from levels.language import language_form_for, municipality_language

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "messages.py"
CODE_CATALOGUE = ROOT / "locale" / "nn" / "LC_MESSAGES" / "django.po"
CATALOGUES = sorted(
    [*(ROOT / "locale").glob("*/LC_MESSAGES/*.po"), *(ROOT / "locale_upstream").glob("*/*/*.po")]
)


def _messages_script():
    spec = importlib.util.spec_from_file_location("bts_messages", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- The catalogues ----------------------------------------------------------------------------


def test_the_catalogues_are_there():
    assert CODE_CATALOGUE in CATALOGUES
    assert {p.parent.parent.name for p in CATALOGUES if "locale_upstream" in p.parts} == {
        "nb",
        "nn",
    }
    assert [code for code, _name in settings.LANGUAGES] == ["nb", "nn"]
    assert settings.LOCALE_PATHS == [ROOT / "locale", ROOT / "locale_upstream"]


@pytest.mark.parametrize("po", CATALOGUES, ids=_shown)
def test_the_committed_mo_is_the_po_compiled(po, tmp_path):
    compiled = tmp_path / "compiled.mo"
    done = subprocess.run(  # noqa: S603 - our own files
        ["msgfmt", "--check-format", "-o", str(compiled), str(po)],  # noqa: S607 - GNU gettext
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{_shown(po)} does not compile:\n{done.stderr}"
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{_shown(committed)} is missing: run `make messages`, commit it."

    def catalogue(mo: Path) -> dict:
        with mo.open("rb") as file:
            return gettext.GNUTranslations(file)._catalog

    assert catalogue(committed) == catalogue(compiled), (
        f"{_shown(committed)} is not {_shown(po)} compiled: run `make messages` and commit the .mo."
    )


def test_every_message_has_a_translation():
    """No string left in the other form: makemessages over the code as it is now finds no
    message id without a nynorsk translation (empty or fuzzy), and Django's own apps have
    none in English for bokmål or nynorsk."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCRIPT), "gaps"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# Words only bokmål has (nynorsk: ikkje, kva, kven, kvar, korleis, eg, berre, òg, nokon, noko,
# mykje, sjølv, vere, vart, enno, frå, heime, namn, teneste, tilsett, leiar, førespurnad,
# rettleiar, avgjerd, de, dykkar, saka, …).
BOKMAL_ONLY = re.compile(
    r"\b(ikke|hva|hvem|hvor\w*|hvilke\w*|jeg|bare|også|noen|noe|mye|selv|være|vært|ble|blitt"
    r"|ennå|fra|hjemme?|navn\w*|tjenest\w*|ansatt\w*|leder\w*|henvend\w*|veileder\w*"
    r"|beslutn\w*|dere|deres|saken|siden|allerede)\b",
    re.IGNORECASE,
)
# Where bokmål is meant: the demo's user names, the column names the importer reads, and
# Digdir's name for its staff login.
BOKMAL_MEANT = {
    "Logg inn som ansatt, leder,": {"ansatt", "leder"},
    "For ansatte, hvis leverandøren krever det (Ansattporten": {"ansattporten"},
    "Regnearket trenger kolonnene": {"navn", "fra", "henvisning"},
}


def test_the_nynorsk_is_not_bokmal():
    """A translation copied from its bokmål message id, or half translated, is caught here."""
    _header, entries = _messages_script().read_po(CODE_CATALOGUE)
    assert len(entries) > 1000
    found = []
    for entry in entries:
        meant = next((w for k, w in BOKMAL_MEANT.items() if entry.msgid.startswith(k)), set())
        for text in entry.msgstr:
            words = {w.lower() for w in BOKMAL_ONLY.findall(text)} - meant
            if words:
                found.append(f"{entry.msgid!r}: {text!r} ({', '.join(sorted(words))})")
    assert not found, "bokmål in the nynorsk catalogue:\n" + "\n".join(found)


# --- Dates and numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "monday"), [("nb", "mandag"), ("nn", "måndag")])
def test_dates_and_numbers_are_norwegian_in_both_forms(language, monday):
    with translation.override(language):
        assert date_format(date(2026, 12, 7), "j. F Y") == "7. desember 2026"
        assert date_format(date(2026, 12, 7), "DATE_FORMAT") == "7. desember 2026"
        assert date_format(date(2026, 12, 7), "SHORT_DATE_FORMAT") == "07.12.2026"
        assert date_format(date(2026, 12, 7), "l") == monday
        assert number_format(Decimal("1234567.5"), 1, force_grouping=True) == "1\xa0234\xa0567,5"
        rendered = Template('{{ d|date:"j. F Y" }} {{ n|floatformat:2 }}').render(
            Context({"d": date(2026, 12, 7), "n": 2.5})
        )
        assert rendered == "7. desember 2026 2,50"


# --- The language form: the municipality's, not the browser's -----------------------------------


def test_the_language_form_is_the_guides():
    class Guide:
        language = "nn"

    assert language_form_for(Guide()) == "nn"
    assert language_form_for(None) == settings.LANGUAGE_CODE == "nb"
    Guide.language = "se"  # a form BTS has no catalogue for
    assert language_form_for(Guide()) == "nb"
    Guide.language = ""
    assert language_form_for(Guide()) == "nb"


def test_code_outside_a_request_uses_it(nynorsk):
    with municipality_language():
        assert translation.get_language() == "nn"
        assert translation.gettext("Saker er for dem som arbeider i en tjeneste.") == (
            "Saker er for dei som arbeider i ei teneste."
        )
        assert DocumentMeta(title="t", author="a", subject="s", municipality="m").language == "nn"
    assert translation.get_language() == "nb"


def test_pages_are_in_bokmal_when_the_guide_says_so(employee_client, guide):
    response = employee_client.get(reverse("start"), headers={"Accept-Language": "nn"})

    html = response.text
    assert '<html lang="nb"' in html
    assert response["Content-Language"] == "nb"
    assert "Hopp til hovedinnhold" in html and "Mine saker" in html
    assert "Hopp til hovudinnhaldet" not in html


def test_pages_are_in_nynorsk_when_the_guide_says_so(employee_client, nynorsk):
    response = employee_client.get(reverse("start"), headers={"Accept-Language": "nb"})

    html = response.text
    assert '<html lang="nn"' in html
    assert response["Content-Language"] == "nn"
    assert "Hopp til hovudinnhaldet" in html and "Sakene mine" in html
    assert "Personopplysningar om barn er teiepliktige" in html
    assert "Hopp til hovedinnhold" not in html and "Mine saker" not in html
    assert translation.get_language() == "nb", "the request's language stays in the request"


def test_the_language_cookie_changes_nothing(employee_client, guide):
    employee_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"
    assert '<html lang="nb"' in employee_client.get(reverse("start")).text


def test_without_a_guide_pages_are_in_bokmal(client, db):
    response = client.get(reverse("login"))
    assert '<html lang="nb"' in response.text and response["Content-Language"] == "nb"


def test_the_login_and_the_error_pages_follow_the_guide(client, nynorsk):
    login = client.get(reverse("login")).text
    assert '<html lang="nn"' in login
    assert "For tilsette i tenestene til kommunen for barn, unge og familiar." in login

    client.force_login(_user(Role.EMPLOYEE))
    missing = client.get("/finst-ikkje/")
    assert missing.status_code == 404
    assert "Fann ikkje sida" in missing.text and '<html lang="nn"' in missing.text

    with translation.override("nn"):
        error = render_to_string("500.html")
    assert '<html lang="nn" dir="ltr"' in error and "Noko gjekk gale" in error


def _user(role):
    from bts.services import membership_grant
    from tests.factories import ServiceFactory, UserFactory, grant

    user = UserFactory()
    if role == Role.SYSTEM_ADMIN:
        grant(user, role)
    else:
        membership_grant(user=user, role=role, service=ServiceFactory())
    return user


# --- The admin ----------------------------------------------------------------------------------

ENGLISH_IN_THE_ADMIN = [
    "Skip to main content",
    "Toggle theme",
    ">Run<",
    "Attempt Time",
    "User Agent",
    "Failed Logins",
    "Locked Out",
    "access attempt",
    "Form Data",
    "Meta Data",
    "TOTP device",
    "Otp_Totp",
    "Axes",
]

ADMIN_WORDS = {
    "nb": {
        "index": ["Brukere, tjenester, handlingsveileder, tiltak og kontakter",
                  "Innloggingssperre", "Autentiseringsapper", "Hopp til hovedinnhold"],
        "axes": ["Tidspunkt", "Nettleser", "Brukernavn", "Mislykkede forsøk", "sperret", "Utfør"],
    },
    "nn": {
        "index": ["Brukarar, tenester, handlingsrettleiar, tiltak og kontaktar",
                  "Innloggingssperre", "Autentiseringsappar", "Hopp til hovudinnhaldet"],
        "axes": ["Tidspunkt", "Nettlesar", "Brukarnamn", "Mislukka forsøk", "sperra", "Utfør"],
    },
}  # fmt: skip


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_admin_is_norwegian_with_the_products_look(client, guide, request, language):
    if language == "nn":
        request.getfixturevalue("nynorsk")
    AccessAttempt.objects.create(
        username="ingrid", ip_address="192.0.2.1", user_agent="Firefox", http_accept="*/*",
        path_info="/logg-inn/", get_data="", post_data="", failures_since_start=5,
    )  # fmt: skip
    client.force_login(_user(Role.SYSTEM_ADMIN))

    index = client.get(reverse("admin:index"))
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    devices = client.get(reverse("admin:otp_totp_totpdevice_changelist"))

    assert index.status_code == attempts.status_code == devices.status_code == 200
    assert f'<html lang="{language}"' in index.text
    assert "/static/css/admin.css" in index.text and "BTS – administrasjon" in index.text
    for word in ADMIN_WORDS[language]["index"]:
        assert word in index.text, word
    for word in ADMIN_WORDS[language]["axes"]:
        assert word in attempts.text, word
    for page in (index, attempts, devices):
        for english in ENGLISH_IN_THE_ADMIN:
            assert english not in page.text, (english, page.request["PATH_INFO"])
