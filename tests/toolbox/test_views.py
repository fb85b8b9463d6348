import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bts.events import AccessAudit
from bts.models import Role
from tests.factories import UserFactory, home_municipality
from toolbox.models import CatalogueEntry, Contact, Tool

from .test_loader import OVRE_EIKER_TOOLS

pytestmark = pytest.mark.django_db

READ_URLS = [
    reverse("toolbox:tools"),
    reverse("toolbox:tool", args=["bekymringsskala-barn"]),
    reverse("toolbox:catalogue"),
    reverse("toolbox:contacts"),
]
IMPORT_URLS = [
    reverse("toolbox:catalogue_import"),
    reverse("toolbox:catalogue_example"),
]


# --- The toolbox pages --------------------------------------------------------------------------


def test_toolbox_page_lists_every_tool_under_its_group(employee_client, toolbox):
    response = employee_client.get(reverse("toolbox:tools"))

    assert response.status_code == 200
    html = response.text
    for tool in Tool.objects.all():
        assert reverse("toolbox:tool", args=[tool.slug]) in html
        assert tool.summary.split(",")[0] in html
    assert len(OVRE_EIKER_TOOLS) == Tool.objects.count() == 13
    headings = [
        "Se, forstå og vurdere",
        "Samtaler og møter",
        "Skjemaer",
        "Når barnet kan være i fare",
    ]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions), "groups in the file's order"
    # Within a group, by number: 12 and 13 (the scales) after 1–3.
    group = html[positions[0] : positions[1]]
    assert group.index("/verktoy/signaler-pa-mistrivsel/") < group.index(
        "/verktoy/bekymringsskala-barn/"
    )


def test_tool_page_shows_its_guidance_and_where_the_guide_recommends_it(
    employee_client, guide, toolbox
):
    response = employee_client.get(reverse("toolbox:tool", args=["samtykkeskjema"]))

    assert response.status_code == 200
    html = response.text
    tool = Tool.objects.get(slug="samtykkeskjema")
    for section in tool.sections:
        assert f">{section['heading']}</h2>" in html
    assert "barnevernsloven § 13-2" in html
    # The steps whose tools or guidance name the consent form, linked.
    for code in ("0.4", "1.1", "1.2", "1.3", "1.4", "2.1", "3.1"):
        assert reverse("levels:step", args=[code]) in html, code
    assert reverse("levels:step", args=["2.3"]) not in html


def test_worry_scale_page_shows_the_scale_steps(employee_client, toolbox):
    html = employee_client.get(reverse("toolbox:tool", args=["bekymringsskala-barn"])).text

    for step in Tool.objects.get(slug="bekymringsskala-barn").scale_steps:
        assert f'<span class="bts-scale__value">{step.value}</span> {step.label}' in html
    assert html.index("Litt bekymret") < html.index("Svært bekymret")


def test_factor_checklist_page_shows_risk_and_protective_lists(employee_client, toolbox):
    html = employee_client.get(
        reverse("toolbox:tool", args=["risiko-og-beskyttelsesfaktorer-del-1"])
    ).text

    assert "Risikofaktorer" in html and "Beskyttelsesfaktorer" in html
    assert "<li>Varme og kjærlige omsorgspersoner med god relasjon til barnet</li>" in html
    assert "<li>Utrygg eller ustabil bolig</li>" in html


def test_unknown_tool_is_404_and_no_toolbox_is_404(employee_client, toolbox):
    assert employee_client.get(reverse("toolbox:tool", args=["finnes-ikke"])).status_code == 404
    toolbox.delete()
    assert employee_client.get(reverse("toolbox:tools")).status_code == 404


def test_tool_text_is_escaped_never_rendered_as_html(employee_client, toolbox):
    Tool.objects.filter(slug="undringsskjemaer").update(
        title="<b>fet</b>",
        summary="<script>alert(1)</script>",
        sections=[{"heading": "<i>h</i>", "text": "- punkt <img src=x>"}],
    )

    html = employee_client.get(reverse("toolbox:tool", args=["undringsskjemaer"])).text

    assert "<script>alert(1)</script>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;fet&lt;/b&gt;" in html
    assert "<li>punkt &lt;img src=x&gt;</li>" in html


# --- Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", READ_URLS + IMPORT_URLS)
def test_anonymous_is_sent_to_login(client, toolbox, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_everyone_with_a_role_reads_the_toolbox_catalogue_and_contacts(
    client, make_user, toolbox, role
):
    client.force_login(make_user(role))
    for url in READ_URLS:
        assert client.get(url).status_code == 200, url


def test_a_user_without_a_role_is_refused(client, toolbox):
    client.force_login(UserFactory())
    for url in READ_URLS:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    "role", [r for r in Role if r not in (Role.SYSTEM_ADMIN, Role.LOCAL_ADMIN)]
)
def test_only_the_administrators_import(client, make_user, role):
    client.force_login(make_user(role))
    for url in IMPORT_URLS:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("toolbox:catalogue_import")).status_code == 403
    assert client.post(reverse("toolbox:catalogue_apply", args=[1])).status_code == 403
    assert client.get(reverse("toolbox:catalogue_preview", args=[1])).status_code == 403


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.LOCAL_ADMIN])
def test_the_administrators_reach_the_import(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("toolbox:catalogue_import")).status_code == 200
    response = client.get(reverse("toolbox:catalogue_example"))
    assert response.status_code == 200
    assert response.content.startswith(b"PK\x03\x04")
    assert "attachment" in response["Content-Disposition"]


def test_a_refused_import_is_audited(client, make_user):
    from bts.models import AuditEvent

    user = make_user(Role.LEADER)
    client.force_login(user)
    client.get(reverse("toolbox:catalogue_import"))

    event = AuditEvent.objects.get(kind=AccessAudit.ACCESS_REFUSED)
    assert event.actor == user and event.detail == "toolbox:import_catalogue"


# --- Query counts stay fixed as data grows ------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_toolbox_pages_keep_a_fixed_query_count(employee_client, guide, toolbox):
    employee_client.get(reverse("start"))  # the process's copy of the guide, made once
    list_queries = _count(employee_client, reverse("toolbox:tools"))
    detail_queries = _count(employee_client, reverse("toolbox:tool", args=["samtykkeskjema"]))
    first = Tool.objects.get(number=1)
    Tool.objects.bulk_create(
        Tool(
            toolbox=toolbox,
            group=first.group,
            slug=f"ekstra-{i}",
            number=100 + i,
            title=f"Ekstra {i}",
            summary="Mer.",
            levels=[0],
            sections=[{"heading": "H", "text": "T"}],
        )
        for i in range(60)
    )
    assert _count(employee_client, reverse("toolbox:tools")) == list_queries
    assert _count(employee_client, reverse("toolbox:tool", args=["ekstra-3"])) == detail_queries
    assert list_queries <= 12 and detail_queries <= 12


def test_catalogue_and_contacts_keep_a_fixed_query_count(
    employee_client, guide, django_assert_max_num_queries
):
    entries = lambda n, start: [  # noqa: E731
        CatalogueEntry(
            municipality=home_municipality(), key=f"T-{i}", name=f"Tiltak {i}", level=i % 4
        )
        for i in range(start, n)
    ]
    contacts = lambda n, start: [  # noqa: E731
        Contact(
            municipality=home_municipality(),
            category=Contact.Category.OTHER,
            name=f"Kontakt {i}",
            phone=f"{10000 + i}",
        )
        for i in range(start, n)
    ]
    CatalogueEntry.objects.bulk_create(entries(3, 0))
    Contact.objects.bulk_create(contacts(3, 0))
    employee_client.get(reverse("start"))  # the process's copy of the guide, made once
    small = (
        _count(employee_client, reverse("toolbox:catalogue")),
        _count(employee_client, reverse("toolbox:contacts")),
    )
    CatalogueEntry.objects.bulk_create(entries(80, 3))  # more than three pages of 25
    Contact.objects.bulk_create(contacts(60, 3))
    large = (
        _count(employee_client, reverse("toolbox:catalogue")),
        _count(employee_client, reverse("toolbox:contacts")),
    )
    assert large == small
    assert _count(employee_client, reverse("toolbox:catalogue") + "?side=3&q=Tiltak") == small[0]
    for url in (reverse("toolbox:catalogue"), reverse("toolbox:contacts")):
        with django_assert_max_num_queries(12):
            assert employee_client.get(url).status_code == 200


# --- Every toolbox URL, from the resolver -------------------------------------------------------


def _toolbox_urls() -> list[str]:
    """Every URL of the app, so a new view cannot be left out of the checks below."""
    from toolbox.urls import urlpatterns

    args = {"tool": ["samtykkeskjema"], "catalogue_preview": [1], "catalogue_apply": [1]}
    return [reverse(f"toolbox:{p.name}", args=args.get(p.name, [])) for p in urlpatterns]


def test_every_toolbox_url_needs_login_and_a_role(client, toolbox):
    urls = _toolbox_urls()
    assert len(urls) == 8
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
    client.force_login(UserFactory())  # logged in, no role
    for url in urls:
        for method in (client.get, client.post):
            assert method(url).status_code in (403, 405), url


def test_no_template_or_view_of_the_toolbox_marks_text_safe():
    from tests.conftest import ROOT

    sources = [
        *(ROOT / "templates" / "toolbox").glob("*.html"),
        ROOT / "templates" / "levels" / "step.html",
        ROOT / "templates" / "_components" / "level_tags.html",
        *(ROOT / "toolbox").rglob("*.py"),
    ]
    assert len(sources) > 10
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "|safe" not in text and "mark_safe" not in text and "autoescape off" not in text, (
            path
        )
