import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bts.models import Role
from tests.factories import home_municipality
from toolbox.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(db):
    C = Contact.Category
    Contact.objects.create(
        municipality=home_municipality(),
        category=C.FAMILIEHJELPA,
        name="Familiehjelpa",
        phone="476 92 052",
        hours="hverdager 13:00–15:00",
    )
    Contact.objects.create(
        municipality=home_municipality(),
        category=C.CHILD_PROTECTION,
        name="Barnevern vakttelefon",
        phone="409 21 233",
        hours="kveld og helg",
        position=2,
    )
    Contact.objects.create(
        municipality=home_municipality(),
        category=C.CHILD_PROTECTION,
        name="Barnevern vakttelefon",
        phone="476 63 707",
        hours="hverdager 08:30–15:00",
        position=1,
    )
    Contact.objects.create(
        municipality=home_municipality(),
        category=C.EMERGENCY,
        name="Politi – nødnummer",
        phone="112",
    )
    Contact.objects.create(
        municipality=home_municipality(),
        category=C.OTHER,
        name="Kommunens nettside",
        web="https://www.example.invalid/",
        email="post@example.invalid",
    )
    Contact.objects.create(
        municipality=home_municipality(),
        category=C.OTHER,
        name="Gammelt nummer",
        phone="123",
        is_active=False,
    )


def test_contacts_are_grouped_with_tel_links(employee_client, contacts):
    html = employee_client.get(reverse("toolbox:contacts")).text

    assert '<a class="ds-link bts-contact__phone" href="tel:47692052">476 92 052</a>' in html
    assert '<a class="ds-link bts-contact__phone" href="tel:112">112</a>' in html
    assert '<a class="ds-link" href="mailto:post@example.invalid">' in html
    assert '<a class="ds-link" href="https://www.example.invalid/">' in html
    # Emergency numbers first; within barnevern, by position.
    assert (
        html.index(">Nødnumre</h2>")
        < html.index(">Barnevern</h2>")
        < html.index(">Familiehjelpa</h2>")
    )
    assert html.index("476 63 707") < html.index("409 21 233")
    assert "Gammelt nummer" not in html


def test_contact_text_is_escaped(employee_client):
    Contact.objects.create(
        municipality=home_municipality(),
        category=Contact.Category.OTHER,
        name="<b>x</b>",
        phone="1",
        note="<script>y</script>",
    )
    html = employee_client.get(reverse("toolbox:contacts")).text
    assert "<script>y</script>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_a_contact_needs_a_valid_number_or_an_address():
    with pytest.raises(ValidationError) as exc_info:
        Contact(
            municipality=home_municipality(), category=Contact.Category.OTHER, name="Ingen"
        ).full_clean()
    assert "Fyll ut minst ett av telefon, e-post og nettside." in str(exc_info.value)
    with pytest.raises(ValidationError) as exc_info:
        Contact(
            municipality=home_municipality(),
            category=Contact.Category.OTHER,
            name="Feil",
            phone="ring meg",
        ).full_clean()
    assert "sifre, mellomrom og +" in str(exc_info.value)
    with pytest.raises(ValidationError):
        Contact(
            municipality=home_municipality(),
            category=Contact.Category.OTHER,
            name="Skript",
            web="javascript:alert(1)",
        ).full_clean()


def test_the_system_administrator_edits_contacts_and_catalogue_in_the_admin(client, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)

    response = client.post(
        reverse("admin:toolbox_contact_add"),
        {
            "municipality": home_municipality().pk,
            "category": "police",
            "name": "Politiet",
            "phone": "02800",
            "position": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    assert Contact.objects.get(name="Politiet").phone_uri == "tel:02800"
    response = client.post(
        reverse("admin:toolbox_catalogueentry_add"),
        {
            "municipality": home_municipality().pk,
            "key": "T-1",
            "name": "PPT",
            "description": "",
            "level": 2,
            "age_from": "",
            "age_to": "",
            "provider": "",
            "contact": "",
            "referral_required": "true",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    # The toolbox itself comes from its file: shown, never edited here.
    assert client.get(reverse("admin:toolbox_tool_changelist")).status_code == 200
    assert client.get(reverse("admin:toolbox_tool_add")).status_code == 403


def test_other_roles_do_not_reach_the_admin(client, make_user):
    client.force_login(make_user(Role.LEADER))
    response = client.get(reverse("admin:toolbox_contact_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_existing_administrators_group_gets_the_new_permissions_after_migrate(make_user):
    from django.contrib.auth.models import Group, Permission

    from bts.services import SYSTEM_ADMIN_GROUP
    from toolbox.apps import _refresh_system_admin_group

    make_user(Role.SYSTEM_ADMIN)
    group = Group.objects.get(name=SYSTEM_ADMIN_GROUP)
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="toolbox"))

    _refresh_system_admin_group(sender=None)

    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_contact", "change_catalogueentry", "view_tool"} <= codenames
