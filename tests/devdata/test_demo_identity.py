"""The demo's sign-in: the identities the README lists are the demo guardians' numbers, and the
demo's configuration gives each municipality's staff an account at its own provider."""

import datetime as dt
import re

import pytest
from django.core.management import call_command

from bts.isolation import unrestricted
from bts.models import IdentityProvider
from cases.identity import IdentityKind, identity_kind
from devdata.demo_identity import guardian_number, identity_number, provider_entries
from tests.conftest import GUIDES, ROOT

ROW = re.compile(r"^\| `(\d{11})` \| ([^,]+), ", re.MULTILINE)


def test_the_readme_lists_the_demo_guardians_and_young_person_s_numbers():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [(number, name) for number, name in ROW.findall(readme) if name != "Sara Lunde"]
    assert len(rows) >= 6
    for number, name in rows:
        assert guardian_number(name) == number, name
        assert identity_kind(number) == IdentityKind.SYNTHETIC  # never a real person's
    sara = identity_number("Sara Lunde", dt.date(2010, 8, 30))
    assert f"| `{sara}` | Sara Lunde, 16, a young person with her own case" in readme


@pytest.mark.django_db
def test_each_demo_municipality_signs_its_own_staff_in(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", guide=GUIDES / "ovre-eiker.toml")
    with unrestricted():
        entries = {e["name"]: e for e in provider_entries()}
    assert IdentityProvider.objects.filter(audience="staff").count() == 2
    first = {a["login"] for a in entries["3314"]["accounts"]}
    second = {a["login"] for a in entries["4699"]["accounts"]}
    assert "ansatt" in first and "ansatt" not in second
    assert "fjordvik-tilsett" in second and "admin" not in first | second
    # ID-porten's test page lists guardians with parental responsibility, by their numbers.
    hints = entries["idporten"]["hints"]
    assert {"pid": guardian_number("Anne Solberg"), "label": "Anne Solberg (mor til Emma)"} in hints
    sara = identity_number("Sara Lunde", dt.date(2010, 8, 30))
    assert {"pid": sara, "label": "Sara Lunde (ungdom, egen sak)"} in hints
