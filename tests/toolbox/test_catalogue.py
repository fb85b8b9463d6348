"""Searching and filtering the tiltaksoversikt: a plain GET form, and the same with htmx."""

import pytest
from django.urls import reverse

from tests.factories import home_municipality
from toolbox.models import CatalogueEntry
from toolbox.selectors import catalogue_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    rows = [
        ("T-1", "Helsestasjon", "Oppfølging av alle barn.", 0, 0, 5, "Helsestasjonen"),
        ("T-2", "Helsesykepleier i skolen", "Samtaler med elever.", 0, 6, 19, "Helsestasjonen"),
        ("T-3", "Tverrfaglig team i barnehagen", "Drøfting med samtykke.", 1, 1, 5, "Barnehagen"),
        ("T-4", "Familiehjelpa", "Én dør inn for familier.", 2, None, None, "Familiehjelpa"),
        ("T-5", "Ressursteam 15–24", "Ungdom som står utenfor skole.", 2, 15, 24, "Ressursteamet"),
        (
            "T-6",
            "BUP",
            "Psykisk helsevern for barn og unge.",
            3,
            None,
            17,
            "Spesialisthelsetjenesten",
        ),
    ]
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(
            municipality=home_municipality(),
            key=key,
            name=name,
            description=description,
            level=level,
            age_from=low,
            age_to=high,
            provider=provider,
        )
        for key, name, description, level, low, high, provider in rows
    )
    CatalogueEntry.objects.create(
        municipality=home_municipality(), key="T-9", name="Nedlagt tilbud", level=0, is_active=False
    )


def keys(**filters) -> list[str]:
    return list(catalogue_search(**filters).values_list("key", flat=True))


def test_search_matches_name_description_and_provider_for_every_word(catalogue):
    assert keys(query="helsestasjon") == ["T-1", "T-2"]  # name, and provider
    assert keys(query="skole") == ["T-2", "T-5"]  # name, and description
    assert keys(query="helsestasjon elever") == ["T-2"]
    assert keys(query="SPESIALIST") == ["T-6"]
    assert keys(query="finnes ikke") == []


def test_filter_by_level_and_by_age(catalogue):
    assert keys(level=0) == ["T-1", "T-2"]
    assert keys(level=2) == ["T-4", "T-5"]
    # Age 16: within T-2 and T-5; T-4 gives no age; BUP is "up to 17".
    assert keys(age=16) == ["T-2", "T-4", "T-5", "T-6"]
    assert keys(age=3) == ["T-1", "T-3", "T-4", "T-6"]
    assert keys(age=20, level=2) == ["T-4", "T-5"]


def test_deactivated_entries_are_never_shown(catalogue):
    assert "T-9" not in keys()
    assert "T-9" not in keys(query="nedlagt")


def test_the_page_filters_with_a_plain_get_form(employee_client, catalogue):
    html = employee_client.get(reverse("toolbox:catalogue"), {"q": "team", "nivaa": "1"}).text

    assert 'method="get"' in html and 'role="search"' in html
    assert "Tverrfaglig team i barnehagen" in html
    assert "Ressursteam 15–24" not in html  # level 2
    assert "1 tiltak" in html
    assert '<option value="1" selected>' in html


def test_the_page_groups_by_traffic_light_level(employee_client, catalogue):
    html = employee_client.get(reverse("toolbox:catalogue")).text

    headings = [
        "Nivå 0 – grønn: for alle",
        "Nivå 1 – gul: i egen tjeneste",
        "Nivå 2 – oransje: samarbeid med andre tjenester",
        "Nivå 3 – rød: bredt tverrfaglig samarbeid",
    ]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions)
    assert 'class="bts-level bts-level--red"' in html
    assert "6 tiltak" in html
    assert "Nedlagt tilbud" not in html


def test_the_entry_shows_provider_age_and_referral(employee_client, catalogue):
    CatalogueEntry.objects.filter(key="T-6").update(referral_required=True, contact="Via fastlegen")
    html = employee_client.get(reverse("toolbox:catalogue"), {"q": "BUP"}).text

    assert "<dd>Spesialisthelsetjenesten</dd>" in html
    assert "<dd>til 17 år</dd>" in html
    assert "<dd>Krever henvisning</dd>" in html
    assert "<dd>Via fastlegen</dd>" in html
    html = employee_client.get(reverse("toolbox:catalogue"), {"q": "Helsestasjon"}).text
    assert "<dd>0–5 år</dd>" in html and "<dd>Ikke oppgitt</dd>" in html


def test_a_bad_age_is_explained_next_to_the_field_and_not_used(employee_client, catalogue):
    html = employee_client.get(reverse("toolbox:catalogue"), {"alder": "30"}).text

    assert 'id="id_alder_error"' in html
    assert "Alderen må være fra 0 til 24 år." in html
    assert "6 tiltak" in html


def test_htmx_gets_only_the_results_and_the_count(employee_client, catalogue):
    response = employee_client.get(
        reverse("toolbox:catalogue"), {"q": "familie"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.text
    assert "<html" not in html and "<form" not in html
    assert "Familiehjelpa" in html and "Helsestasjon" not in html
    assert 'hx-swap-oob="innerHTML:#catalogue-count"' in html and "1 tiltak" in html
    full = employee_client.get(reverse("toolbox:catalogue"), {"q": "familie"})
    assert "HX-Request" in full["Vary"] and "<form" in full.text


def test_pages_keep_the_filters(employee_client):
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(
            municipality=home_municipality(), key=f"T-{i:03}", name=f"Tiltak {i:03}", level=1
        )
        for i in range(60)
    )
    html = employee_client.get(reverse("toolbox:catalogue"), {"q": "Tiltak", "nivaa": "1"}).text

    assert "60 tiltak · side 1 av 3" in html
    assert 'href="?q=Tiltak&amp;nivaa=1&amp;side=2"' in html
    assert "Tiltak 024" in html and "Tiltak 025" not in html
    page3 = employee_client.get(
        reverse("toolbox:catalogue"), {"q": "Tiltak", "nivaa": "1", "side": 3}
    )
    assert "Tiltak 059" in page3.text and "Tiltak 049" not in page3.text
    assert 'href="?q=Tiltak&amp;nivaa=1&amp;side=2"' in page3.text  # previous


def test_catalogue_text_is_escaped(employee_client):
    CatalogueEntry.objects.create(
        municipality=home_municipality(),
        key="X",
        name="<script>x()</script>",
        description="<b>fet</b>",
        level=0,
        contact="<i>i</i>",
    )
    html = employee_client.get(reverse("toolbox:catalogue")).text
    assert (
        "<script>x()</script>" not in html and "<b>fet</b>" not in html and "<i>i</i>" not in html
    )
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_only_the_administrator_sees_the_import_link(client, make_user, catalogue):
    from bts.models import Role

    client.force_login(make_user(Role.LEADER))
    assert reverse("toolbox:catalogue_import") not in client.get(reverse("toolbox:catalogue")).text
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    assert reverse("toolbox:catalogue_import") in client.get(reverse("toolbox:catalogue")).text
