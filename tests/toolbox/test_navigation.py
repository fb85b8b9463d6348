import pytest
from django.urls import reverse

from bts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_menu_has_the_toolbox_catalogue_and_contacts_for_roles(client, make_user, toolbox):
    client.force_login(make_user(Role.EMPLOYEE))
    html = client.get(reverse("toolbox:tool", args=["samtykkeskjema"])).text
    nav = html.split('aria-label="Hovedmeny"')[1].split("</nav>")[0]
    assert '<a class="ds-link" href="/verktoy/" aria-current="page">Verktøykasse</a>' in nav
    assert '<a class="ds-link" href="/tiltak/">Tiltaksoversikt</a>' in nav
    assert '<a class="ds-link" href="/kontakter/">Kontakter</a>' in nav

    client.force_login(UserFactory())
    nav = client.get(reverse("start")).text.split('aria-label="Hovedmeny"')[1].split("</nav>")[0]
    assert "/verktoy/" not in nav and "/tiltak/" not in nav


def test_the_menu_marks_the_page_one_is_on(client, make_user, guide, toolbox):
    client.force_login(make_user(Role.EMPLOYEE))
    for url, label in [
        (reverse("levels:step", args=["1.2"]), "Handlingsveileder"),
        (reverse("toolbox:catalogue"), "Tiltaksoversikt"),
        (reverse("toolbox:contacts"), "Kontakter"),
        (reverse("cases:new"), "Registrer undring"),
        (reverse("start"), "Start"),
    ]:
        nav = client.get(url).text.split('aria-label="Hovedmeny"')[1].split("</nav>")[0]
        assert nav.count('aria-current="page"') == 1, url
        assert f'aria-current="page">{label}</a>' in nav, url
