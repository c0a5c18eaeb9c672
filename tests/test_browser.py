"""The pages in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): home, the query editor,
the Tokyo liaison-office proposal and its argument graph, and the document with the quote highlighted. A screenshot
of each step goes to test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_api import api as api_fixture  # noqa: F401  (one server for the module)
from tests.test_serve_support import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def page(api_fixture: tuple[Server, httpx.Client]) -> Iterator[object]:  # noqa: F811
    from playwright.sync_api import sync_playwright

    server, _ = api_fixture
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1300, "height": 1000}, base_url=server.url)
        tab = context.new_page()
        requests: list[str] = []
        tab.on("request", lambda r: requests.append(r.url))
        tab.offsite = requests  # type: ignore[attr-defined]
        yield tab
        context.close()
        browser.close()


def shot(page: object, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_1_home_page(page) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text() == "policykg"
    assert page.locator("text=Establish a NATO liaison office in Tokyo").count() >= 1
    shot(page, "1-home")


def test_2_run_a_named_query_in_the_editor(page) -> None:
    page.goto("/query")
    page.select_option("#examples", "stances-on-proposal")
    page.locator(".yasqe_queryButton:visible").click()
    page.wait_for_selector(".yasr table tbody tr >> visible=true", timeout=20_000)
    rows = page.locator(".yasr table tbody tr:visible")
    assert rows.count() >= 5
    assert "france" in page.locator(".yasr table tbody:visible").inner_text()
    shot(page, "2-query-editor")


def test_3_the_tokyo_proposal_and_its_argument_graph(page) -> None:
    page.goto("/page/proposal/nato-tokyo-liaison-office")
    page.wait_for_function("window.policykgGraph && window.policykgGraph.nodes().length > 5")
    labels = page.evaluate("window.policykgGraph.nodes().map(n => n.data('label'))")
    assert any("North Atlantic" in label and "Articles V and VI" in label for label in labels)
    attack_into_tokyo = page.evaluate(
        """window.policykgGraph.edges('.attack').filter(e => e.target().hasClass('proposal'))
             .map(e => e.source().data('id'))"""
    )
    assert "https://w3id.org/policykg/id/claim/french-official-north-atlantic-scope" in attack_into_tokyo
    assert page.locator("#graph canvas").count() >= 1
    shot(page, "3-proposal")


def test_4_click_through_to_the_document_and_see_the_quote_highlighted(page) -> None:
    page.goto("/page/proposal/nato-tokyo-liaison-office")
    page.locator("#objection-french-official-north-atlantic-scope a", has_text="France cool on proposal").first.click()
    page.wait_for_url("**/page/document/france-cool-on-nato-tokyo-office")
    # Spans overlap (a stance quotes part of the claim): every segment of the claim's quote is highlighted and names
    # the claim; the shortest annotation covering a segment is its link target.
    highlighted = page.locator("a.hl[title*='Articles V and VI']")
    text = "".join(highlighted.all_inner_texts())
    assert text == "both article V and article VI (in its statutes) clearly limit the scope to North Atlantic"
    assert page.locator("a.hl[href='/page/claim/french-official-north-atlantic-scope']").count() >= 1
    highlighted.first.scroll_into_view_if_needed()
    shot(page, "4-document")


def test_5_the_pages_fetched_nothing_from_elsewhere(page) -> None:
    offsite = [u for u in page.offsite if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert not offsite, offsite
