"""axe-core finds no serious or critical accessibility violation on the main pages.

axe is injected with page.evaluate, which goes through the DevTools protocol and is not subject
to the page's Content Security Policy, so the app's strict CSP (no inline script, no eval) stays
on here: the pages are checked exactly as users get them.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

from .helpers import login

pytestmark = [
    pytest.mark.e2e,
]

BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def assert_no_serious_violations(axe: Axe, page: Page) -> None:
    violations = [
        v for v in axe.run(page).response["violations"] if v.get("impact") in BLOCKING_IMPACTS
    ]
    report = []
    for v in violations:
        node = v["nodes"][0] if v["nodes"] else {}
        report.append(
            f"- {v['id']} ({v['impact']}): {v.get('help', '')}\n"
            f"    {len(v['nodes'])} node(s); first: target={node.get('target')} "
            f"html={node.get('html')}"
        )
    if violations:
        pytest.fail(f"axe violations on {page.url}:\n" + "\n".join(report), pytrace=False)


def test_login_page_is_accessible(page: Page, live_server, browser_log, axe, active_guide):
    page.goto(f"{live_server.url}/logg-inn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Hei, Ingrid"),
        ("/veileder/", "Handlingsveileder"),
        ("/veileder/trinn/1.2/", "Samarbeidsmøte med foresatte"),
    ],
    ids=["start", "guide", "step-1.2"],
)
def test_employee_pages_are_accessible(
    page: Page, live_server, browser_log, axe, active_guide, ansatt, path, heading
):
    login(page, live_server, "ansatt", PASSWORD)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()
