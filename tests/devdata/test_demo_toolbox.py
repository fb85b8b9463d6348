import pytest
from django.core.management import call_command

from tests.toolbox.conftest import TOOLBOXES
from toolbox.examples import EXAMPLE_CONTACTS, EXAMPLE_ROWS
from toolbox.models import CatalogueEntry, CatalogueImport, Contact, Tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_toolbox", str(TOOLBOXES / "ovre-eiker.toml"))
    call_command("seed_demo")


def test_the_demo_has_the_toolbox_a_catalogue_and_contacts(demo):
    assert Tool.objects.count() == 13
    assert CatalogueEntry.objects.filter(is_active=True).count() == len(EXAMPLE_ROWS)
    assert Contact.objects.count() == len(EXAMPLE_CONTACTS)
    done = CatalogueImport.objects.get()
    assert done.status == CatalogueImport.Status.APPLIED and done.applied_by.username == "admin"


def test_running_the_demo_twice_creates_no_duplicates(demo):
    CatalogueEntry.objects.filter(key="T-01").update(name="Endret av administrator")
    call_command("load_toolbox", str(TOOLBOXES / "ovre-eiker.toml"))
    call_command("seed_demo")

    assert Tool.objects.count() == 13
    assert CatalogueEntry.objects.count() == len(EXAMPLE_ROWS)
    assert Contact.objects.count() == len(EXAMPLE_CONTACTS)
    assert CatalogueImport.objects.count() == 1
    assert CatalogueEntry.objects.get(key="T-01").name == "Endret av administrator"
