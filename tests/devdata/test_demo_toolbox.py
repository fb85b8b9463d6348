import pytest
from django.core.management import call_command
from django.db.models import Count

from devdata.management.commands.seed_demo import SECOND_CONTACTS
from tests.toolbox.conftest import TOOLBOXES
from toolbox.examples import EXAMPLE_CONTACTS, EXAMPLE_ROWS
from toolbox.models import CatalogueEntry, CatalogueImport, Contact, Tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_toolbox", str(TOOLBOXES / "ovre-eiker.toml"))
    call_command("seed_demo")


def _per_municipality(model, **filters) -> dict[str, int]:
    rows = model.objects.filter(**filters).values_list("municipality__number")
    return dict(rows.annotate(n=Count("pk")).order_by())


def test_the_demo_has_the_toolbox_a_catalogue_and_contacts(demo):
    """Each of the two municipalities its own: Øvre Eiker's toolbox file (Fjordvik takes it
    too), the example catalogue imported by each one's local administrator, and contacts."""
    tools = dict(
        Tool.objects.values_list("toolbox__municipality__number").annotate(n=Count("pk")).order_by()
    )
    assert tools == {"3314": 13, "4699": 13}
    entries = _per_municipality(CatalogueEntry, is_active=True)
    assert entries == {"3314": len(EXAMPLE_ROWS), "4699": len(EXAMPLE_ROWS)}
    assert _per_municipality(Contact) == {
        "3314": len(EXAMPLE_CONTACTS),
        "4699": len(SECOND_CONTACTS),
    }
    imports = CatalogueImport.objects.order_by("municipality__number")
    assert [(i.status, i.applied_by.username) for i in imports] == [
        (CatalogueImport.Status.APPLIED, "lokaladmin"),
        (CatalogueImport.Status.APPLIED, "fjordvik-admin"),
    ]


def test_running_the_demo_twice_creates_no_duplicates(demo):
    CatalogueEntry.objects.filter(key="T-01").update(name="Endret av administrator")
    call_command("load_toolbox", str(TOOLBOXES / "ovre-eiker.toml"))
    call_command("seed_demo")

    assert Tool.objects.count() == 2 * 13
    assert CatalogueEntry.objects.count() == 2 * len(EXAMPLE_ROWS)
    assert Contact.objects.count() == len(EXAMPLE_CONTACTS) + len(SECOND_CONTACTS)
    assert CatalogueImport.objects.count() == 2
    assert set(CatalogueEntry.objects.filter(key="T-01").values_list("name", flat=True)) == {
        "Endret av administrator"
    }
