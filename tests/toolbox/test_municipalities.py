"""Each municipality has its own toolbox, tiltaksoversikt and contact list: its people read
those, its local administrator imports and edits them, and nothing of another's."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from bts.models import AuditEvent, Role
from levels.loader import load_guide
from tests.conftest import GUIDES
from tests.factories import (
    MunicipalityFactory,
    ServiceFactory,
    UserFactory,
    grant,
    home_municipality,
)
from toolbox.models import CatalogueEntry, CatalogueImport, Contact, Toolbox
from toolbox.selectors import catalogue_plan
from toolbox.services import catalogue_import_prepare, contact_ensure

from .conftest import TOOLBOXES

pytestmark = pytest.mark.django_db


@pytest.fixture
def fjordvik(guide):
    return load_guide(GUIDES / "fjordvik.toml").municipality


@pytest.fixture
def world(guide, fjordvik, make_user, toolbox):
    ours, theirs = home_municipality(), fjordvik
    CatalogueEntry.objects.create(municipality=ours, key="A-1", name="Åpen barnehage", level=0)
    CatalogueEntry.objects.create(municipality=theirs, key="A-1", name="Fjordvik-kafé", level=0)
    contact_ensure(municipality=ours, category="police", name="Politiet Eiker", phone="02800")
    contact_ensure(
        municipality=theirs, category="police", name="Lensmannen Fjordvik", phone="02800"
    )
    school = ServiceFactory(name="Fjordvik skule", kind="school", municipality=theirs)
    return {
        "ours": ours,
        "theirs": theirs,
        "employee": make_user(Role.EMPLOYEE),
        "stranger": make_user(Role.EMPLOYEE, service=school),
        "admin": make_user(Role.LOCAL_ADMIN),
        "their_admin": grant(UserFactory(), Role.LOCAL_ADMIN, municipality=theirs).user,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_reads_their_own_municipalitys_catalogue_and_contacts(world):
    mine = _client(world["employee"])
    assert "Åpen barnehage" in mine.get(reverse("toolbox:catalogue")).text
    assert "Fjordvik-kafé" not in mine.get(reverse("toolbox:catalogue")).text
    contacts = mine.get(reverse("toolbox:contacts")).text
    assert "Politiet Eiker" in contacts and "Lensmannen Fjordvik" not in contacts
    theirs = _client(world["stranger"])
    assert "Fjordvik-kafé" in theirs.get(reverse("toolbox:catalogue")).text
    assert "Åpen barnehage" not in theirs.get(reverse("toolbox:catalogue")).text
    assert "Lensmannen Fjordvik" in theirs.get(reverse("toolbox:contacts")).text


def test_a_municipality_without_a_toolbox_has_none_and_can_take_a_neighbours(world):
    theirs = _client(world["stranger"])
    assert theirs.get(reverse("toolbox:tools")).status_code == 404
    assert theirs.get(reverse("toolbox:tool", args=["samtykkeskjema"])).status_code == 404
    out = io.StringIO()
    call_command("load_toolbox", str(TOOLBOXES / "ovre-eiker.toml"), "--municipality", "4699",
                 stdout=out)  # fmt: skip
    assert out.getvalue().startswith("Fjordvik kommune:")
    assert Toolbox.objects.count() == 2  # Øvre Eiker's stays
    assert theirs.get(reverse("toolbox:tools")).status_code == 200
    with pytest.raises(CommandError, match="Ingen kommune har kommunenummeret 9998"):
        call_command("load_toolbox", str(TOOLBOXES / "ovre-eiker.toml"), "--municipality", "9998")


def test_the_local_administrator_imports_their_municipalitys_catalogue(world, xlsx):
    client = _client(world["their_admin"])
    upload = io.BytesIO(xlsx())
    upload.name = "tiltak.xlsx"
    response = client.post(reverse("toolbox:catalogue_import"), {"file": upload})
    pending = CatalogueImport.objects.get()
    assert pending.municipality == world["theirs"]
    assert response.url == reverse("toolbox:catalogue_preview", args=[pending.pk])
    digest = catalogue_plan(pending.rows, pending.municipality_id).digest
    client.post(reverse("toolbox:catalogue_apply", args=[pending.pk]), {"digest": digest})
    # The import replaced Fjordvik's catalogue (its A-1 is not in the file) and left ours.
    assert not CatalogueEntry.objects.get(municipality=world["theirs"], key="A-1").is_active
    assert CatalogueEntry.objects.get(municipality=world["ours"], key="A-1").is_active
    assert CatalogueEntry.objects.filter(municipality=world["ours"]).count() == 1
    # Another municipality's administrator does not reach this import.
    other = _client(world["admin"])
    for name in ("toolbox:catalogue_preview", "toolbox:catalogue_apply"):
        method = other.post if name.endswith("apply") else other.get
        assert method(reverse(name, args=[pending.pk]), {"digest": digest}).status_code == 404


def test_an_employee_cannot_import(world):
    response = _client(world["employee"]).get(reverse("toolbox:catalogue_import"))
    assert response.status_code == 403


def test_in_the_admin_the_local_administrator_sees_and_edits_their_own_only(world):
    client = _client(world["admin"])
    page = client.get(reverse("admin:toolbox_contact_changelist")).text
    assert "Politiet Eiker" in page and "Lensmannen Fjordvik" not in page
    theirs = Contact.objects.get(name="Lensmannen Fjordvik")
    response = client.get(reverse("admin:toolbox_contact_change", args=[theirs.pk]))
    assert response.status_code == 404
    refused = AuditEvent.objects.filter(kind="access_refused", actor=world["admin"])
    assert refused.filter(detail="admin:contact").count() == 1
    entry = CatalogueEntry.objects.get(municipality=world["theirs"])
    assert (
        client.get(reverse("admin:toolbox_catalogueentry_change", args=[entry.pk])).status_code
        == 404
    )
    # A new contact can only be their own municipality's.
    response = client.post(
        reverse("admin:toolbox_contact_add"),
        {"municipality": world["theirs"].pk, "category": "other", "name": "Snik", "phone": "1"},
    )
    assert response.status_code == 200
    assert not Contact.objects.filter(name="Snik").exists()


def test_the_same_file_waits_once_per_municipality(world, xlsx):
    data = xlsx()
    user = world["admin"]
    a = catalogue_import_prepare(file_name="t.xlsx", data=data, user=user,
                                 municipality_id=world["ours"].pk)  # fmt: skip
    b = catalogue_import_prepare(file_name="t.xlsx", data=data, user=user,
                                 municipality_id=world["theirs"].pk)  # fmt: skip
    again = catalogue_import_prepare(file_name="t.xlsx", data=data, user=user,
                                     municipality_id=world["ours"].pk)  # fmt: skip
    assert a.pk == again.pk != b.pk


def test_a_guide_file_can_be_loaded_for_another_municipality_by_the_command(world):
    new = MunicipalityFactory(number="9997", name="Nyby kommune")
    call_command("load_guide", str(GUIDES / "vestby.toml"), "--municipality", "9997",
                 stdout=io.StringIO())  # fmt: skip
    from levels.models import Guide

    assert Guide.objects.get(municipality=new, is_active=True).slug == "vestby"
