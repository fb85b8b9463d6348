"""With DEBUG off, the error pages (400, 403, 404, 500) carry the product's look (its
stylesheets), Norwegian text and the Content-Security-Policy, and show nothing of the fault."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_the_product_s_page(response, status: int, heading: str) -> None:
    page = response.content.decode()
    assert response.status_code == status
    assert heading in page and '<html lang="nb"' in page
    assert "/static/css/bts.css" in page
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Traceback" not in page and "RuntimeError" not in page
    # A way on: the start page, from the page itself as well as from its header.
    assert page.count(">Til startsiden</a>") >= 1 and '<a class="ds-link" href="/' in page


def test_400(guide, settings):
    assert not settings.DEBUG
    response = Client().get("/", HTTP_HOST="ikke en vert")
    assert_the_product_s_page(response, 400, "Forespørselen kunne ikke brukes")


def test_403(client, guide, make_user):
    from django.urls import reverse

    from bts.models import Role

    client.force_login(make_user(Role.EMPLOYEE))  # the service's dashboard is its leader's
    response = client.get(reverse("dashboards:service"))
    assert_the_product_s_page(response, 403, "Ingen tilgang")


def test_404(employee_client, guide):
    assert_the_product_s_page(employee_client.get("/finnes-ikke/"), 404, "Fant ikke siden")


def test_500(guide, settings):
    settings.ROOT_URLCONF = "tests.bts.error_urls"
    browser = Client(raise_request_exception=False)
    response = browser.get("/feiler/")
    assert_the_product_s_page(response, 500, "Noe gikk galt")


def test_503_while_the_database_cannot_be_reached(guide, settings):
    settings.ROOT_URLCONF = "tests.bts.error_urls"
    browser = Client(raise_request_exception=False)
    response = browser.get("/uten-database/")
    assert_the_product_s_page(response, 503, "Prøv igjen om litt")
    assert response["Retry-After"] == "10"
    assert "Connection refused" not in response.content.decode()
