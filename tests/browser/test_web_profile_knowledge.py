"""What experts publish and how they stand, in a real browser on the local stack: an expert writes an
article and publishes a PDF on their pages; both show on the public profile with the expert's reputation; a
client votes the article up (the reputation grows), messages the expert from the profile asking for an
appointment and lands in the conversation; the expert's dashboard shows this week's figures (the profile
view the page counted, the answer, the reputation); search shows reputation on its cards and sorts by it.

Experts' profiles and a question to answer are set up through the API; the rest is done in the browser.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.browser import web
from tests.stack.conftest import LocalStack, Person, eventually, new_person

pytestmark = pytest.mark.stack
PASSWORD = "Stack-person-2026"
BODY = (
    "Before a first call, write one page: what you tried, what you measured and what you want.\n\n"
    "Bring the numbers. An hour goes further when the expert reads them first."
)


def _run() -> str:
    """This run's own letters (tags allow no look-alike of contact details), so searches see only its experts."""
    return "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])


def _expert(stack: LocalStack, run: str, number: int, rate: int) -> tuple[Person, str, str]:
    expert = new_person(stack, f"knowledge-expert-{run}-{number}@example.com")
    slug, name = f"{run}-k{number}", f"Expert {run.capitalize()} {chr(ord('A') + number)}"
    body = {
        "slug": slug, "name": name, "job_title": "Adviser", "categories": ["career"], "languages": ["en"],
        "tags": [f"topic {run}"], "currency": "USD", "rate_per_minute": rate, "free_minutes": 0,
    }  # fmt: skip
    saved = requests.put(f"{stack.info['api_url']}/experts/me", json=body, headers=expert.auth, timeout=30)
    assert saved.status_code == 200, saved.text
    return expert, slug, name


def _pdf(path: Path) -> Path:
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return path


def _signed_in(browsers: Callable[[], Any], stack: LocalStack, who: Person) -> Any:
    tab = browsers()
    web.sign_in(tab, stack, who.email, PASSWORD)
    return tab


def _answered_question(stack: LocalStack, asker: Person, expert: Person, run: str) -> str:
    """A question ``asker`` asks and ``expert`` answers through the API; answers its title."""
    api = stack.info["api_url"]
    title = f"How do I prepare for a salary talk {run}?"
    question = {"title": title, "body": "I have an offer and one week to answer it.", "category": "career"}
    asked = requests.post(f"{api}/questions", json=question, headers=asker.auth, timeout=30)
    assert asked.status_code == 201, asked.text
    answer = {"body": "Write down your range first, then ask them for theirs."}
    answered = requests.post(
        f"{api}/questions/{asked.json()['question_id']}/answers", json=answer, headers=expert.auth, timeout=30
    )
    assert answered.status_code == 201, answered.text
    return title


def _reputation(stack: LocalStack, slug: str) -> int:
    found = requests.get(f"{stack.info['api_url']}/experts/by-slug/{slug}", timeout=30)
    assert found.status_code == 200, found.text
    return int(found.json()["reputation"])


def _this_week(driver: Any) -> dict[str, str]:
    """The dashboard's first statistics row by its column headings."""
    table = web.wait_for(
        "the statistics table",
        lambda: driver.find_elements(By.XPATH, "//table[caption[starts-with(normalize-space(), 'Your figures')]]"),
        on_fail=lambda: web.state(driver),
    )[0]
    headings = [th.text.strip() for th in table.find_elements(By.XPATH, "./thead/tr/th")]
    cells = [c.text.strip() for c in table.find_elements(By.XPATH, "./tbody/tr[1]/*")]
    return dict(zip(headings, cells, strict=True))


def test_an_experts_article_and_document_show_on_the_profile_votes_raise_the_reputation_and_the_dashboard_counts(
    local_stack: LocalStack, browsers: Callable[[], Any], tmp_path: Path
) -> None:
    run = _run()
    api = local_stack.info["api_url"]
    expert, slug, name = _expert(local_stack, run, 0, rate=500)
    _, _, cheaper = _expert(local_stack, run, 1, rate=100)
    client = new_person(local_stack, f"knowledge-client-{run}@example.com")
    question_title = _answered_question(local_stack, client, expert, run)  # an answer: 2 points
    assert _reputation(local_stack, slug) == 2

    # The expert writes an article (5 points) and publishes a PDF (3 points) on their pages.
    expert_tab = _signed_in(browsers, local_stack, expert)
    web.open_page(expert_tab, local_stack, "/expert/articles")
    web.wait_heading(expert_tab, "Your articles")
    web.wait_text(expert_tab, "You have published no articles yet.")
    article_title = f"Preparing a first call {run}"
    web.fill(expert_tab, "Title", article_title)
    web.fill(expert_tab, "Article", BODY)
    web.choose(expert_tab, "Category", "Career & coaching")
    web.fill(expert_tab, "Tags", "calls, preparation")
    web.click(expert_tab, "Publish the article")
    web.wait_text(expert_tab, f"“{article_title}” published.")
    web.button(expert_tab, f"Edit {article_title}")
    web.record_page(expert_tab, "expert-articles")

    web.open_page(expert_tab, local_stack, "/expert/documents")
    web.wait_heading(expert_tab, "Your documents")
    pdf = _pdf(tmp_path / "first-call-checklist.pdf")
    web.field(expert_tab, "File").send_keys(str(pdf))
    web.wait_text(expert_tab, f"Uploaded {pdf.name}.")
    web.fill(expert_tab, "Title", f"First call checklist {run}")
    web.fill(expert_tab, "Description (optional)", "One page to fill in before we talk.")
    web.click(expert_tab, "Publish the document")
    web.wait_text(expert_tab, f"“First call checklist {run}” published.")
    web.wait_text(expert_tab, f"Download {pdf.name}")
    web.record_page(expert_tab, "expert-documents")
    assert _reputation(local_stack, slug) == 2 + 5 + 3

    # The client reads them on the profile, with the reputation and how the expert answers messages.
    tab = _signed_in(browsers, local_stack, client)
    tab.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    web.open_page(tab, local_stack, f"/e/{slug}")
    web.wait_heading(tab, name)
    web.wait_text(tab, "10 reputation points")
    web.wait_text(tab, "No answers yet")  # no messages answered yet
    web.wait_text(tab, article_title)
    web.wait_text(tab, f"Download {pdf.name}")
    web.wait_text(tab, question_title)
    link = web.button(tab, f"Download {pdf.name}").get_attribute("href")
    downloaded = requests.get(link, timeout=30)
    assert (downloaded.status_code, downloaded.content) == (200, pdf.read_bytes())
    web.record_page(tab, "client-profile-knowledge")
    question_link = web.button(tab, question_title).get_attribute("pathname")
    assert question_link.startswith("/questions/"), question_link

    # The article's page: its text as paragraphs; the client votes it up (10 points).
    web.click(tab, article_title)
    web.wait_heading(tab, article_title)
    paragraphs = [p.text for p in tab.find_elements(By.XPATH, "//div[contains(@class, 'article-body')]/p")]
    assert paragraphs == BODY.split("\n\n")
    web.click(tab, f"Vote up: {article_title}")
    web.wait_text(tab, "1 up, 0 down (you voted up)")
    assert web.button(tab, f"Vote up: {article_title}").get_attribute("aria-pressed") == "true"
    web.record_page(tab, "client-article")
    tab.refresh()
    web.wait_text(tab, "1 up, 0 down (you voted up)")  # the standing vote, looked up again
    web.open_page(tab, local_stack, f"/e/{slug}")
    web.wait_text(tab, "20 reputation points")

    # The expert sees their own article without vote buttons.
    article_path = web.button(tab, article_title).get_attribute("pathname")
    web.open_page(expert_tab, local_stack, article_path)
    web.wait_heading(expert_tab, article_title)
    web.wait_text(expert_tab, "1 up, 0 down")
    assert not expert_tab.find_elements(By.XPATH, "//button[normalize-space()='Vote up']")

    # A message from the profile, asking for an appointment at 10:00 Tokyo time in five days.
    web.wait_heading(tab, name)
    web.fill(tab, "Your message", "Could we talk about my offer next week?")
    web.check(tab, "Ask for an appointment")
    when = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=5)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    web.fill(tab, "Preferred time 1", when.strftime("%Y-%m-%dT%H:%M"))
    web.fill(tab, "Minutes", "45")
    web.click(tab, "Send the message")
    web.wait_for(
        "the conversation's page", lambda: "/conversations/" in tab.current_url, on_fail=lambda: web.state(tab)
    )
    web.field(tab, "Message")  # the conversation's composer
    web.wait_text(tab, "Could we talk about my offer next week?")
    web.record_page(tab, "client-direct-conversation")
    thread_id = requests.utils.unquote(tab.current_url.rsplit("/conversations/", 1)[1])
    assert thread_id == f"direct:{client.sub}.{expert.sub}"
    sent = requests.get(f"{api}/conversations/{requests.utils.quote(thread_id, safe='')}/messages", headers=client.auth,
                        timeout=30)  # fmt: skip
    assert sent.status_code == 200, sent.text
    [request] = [m["appointment_request"] for m in sent.json()["items"] if m.get("appointment_request")]
    utc = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (request["preferred_times"], request["minutes"]) == ([utc], 45)

    # Search: reputation on the cards, the most first by default; the lowest price first when asked.
    web.open_page(tab, local_stack, f"/search?q={requests.utils.quote(f'topic {run}')}")
    web.wait_text(tab, "Showing 2 experts (all of them).")
    assert web.field(tab, "Sort by").get_attribute("value") == "reputation"
    cards = tab.find_elements(By.XPATH, "//ul[@aria-labelledby='results-title']/li")
    assert [c.find_element(By.TAG_NAME, "h3").text for c in cards] == [name, cheaper]
    assert "20 reputation points" in cards[0].text
    assert "\n0 reputation points" in cards[1].text
    web.record_page(tab, "client-search-reputation")
    web.choose(tab, "Currency", "USD")
    web.choose(tab, "Sort by", "Lowest price")
    web.click(tab, "Search", within=tab.find_element(By.XPATH, "//form[@aria-label='Search filters']"))
    web.wait_for("sort=price in the address", lambda: "sort=price" in tab.current_url, on_fail=lambda: web.state(tab))
    web.wait_for(
        "the cheaper expert first",
        lambda: (
            [e.text for e in tab.find_elements(By.XPATH, "//ul[@aria-labelledby='results-title']/li//h3")]
            == [cheaper, name]
        ),
        on_fail=lambda: web.state(tab),
    )

    # The dashboard: the reputation, and this week's figures (the profile views the pages counted).
    eventually(
        "the search appearances counted",
        lambda: (
            requests.get(f"{api}/me/statistics?weeks=1", headers=expert.auth, timeout=30).json()["weeks"][0][
                "search_appearances"
            ]
            >= 2
        ),
        30,
        lambda: "",
    )
    web.open_page(expert_tab, local_stack, "/expert")
    web.wait_heading(expert_tab, "Your expert dashboard")
    web.wait_text(expert_tab, "This week and the last 7")
    web.wait_text(expert_tab, "20 reputation points")
    week = _this_week(expert_tab)
    assert week["Week"].startswith("This week (")
    # The client opened the profile twice today: one view (a viewer counts once a day; the expert's own don't count).
    assert int(week["Profile views"]) == 1
    assert int(week["Search appearances"]) >= 2
    assert (week["Answers"], week["Reputation"], week["Calls"], week["Bookings"]) == ("1", "+20", "0", "0")
    rows = expert_tab.find_elements(By.XPATH, "//table[caption]/tbody/tr")
    assert len(rows) == 8
    region = expert_tab.find_element(By.XPATH, "//div[@role='region'][@aria-label='Your weekly statistics']")
    assert region.find_element(By.TAG_NAME, "table")
    web.record_page(expert_tab, "expert-dashboard-statistics")
