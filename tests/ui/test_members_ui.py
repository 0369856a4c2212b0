"""A member on their phone (390×844, JavaScript off) while the facilitator's console runs on a
1366×768 laptop, both on one real server: what the member files reaches the console, and the
check-in starts from it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from peerkit.live import put_on_screen
from peerkit.participation import new_link_key
from peerkit.serve import VoilaServer
from peerkit.store import Store, database_url

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "notebooks" / "facilitator.ipynb"
PROJECTOR = ROOT / "notebooks" / "projector.ipynb"
PHONE = {"width": 390, "height": 844}


@dataclass
class Cohort:
    path: Path
    meeting_id: int
    token: str
    commitment: str


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    path = tmp_path_factory.mktemp("members") / "peerkit.db"
    today = dt.date.today()
    with Store(path) as store:
        c = store.add_cohort("Harbour Circle")
        people = [
            store.add_member(c.id, name)
            for name in ("Ana Lima", "Ben Okoro", "Chloe Martin", "Dev Patel")
        ]
        last = store.add_meeting(c.id, today - dt.timedelta(days=28), place="Room 1")
        store.add_commitment(people[0].id, last.id, "Call three candidates", today)
        store.add_commitment(people[1].id, last.id, "Ben's plan", today)
        meeting = store.add_meeting(c.id, today, place="Room 1")
        put_on_screen(store, c.id, meeting_id=meeting.id)
        token = store.issue_link(people[0].id, new_link_key())
    return Cohort(path, meeting.id, token, "Call three candidates")


@pytest.fixture(scope="module")
def server(serve_notebooks: Callable[..., VoilaServer], cohort: Cohort) -> VoilaServer:
    return serve_notebooks([CONSOLE, PROJECTOR], db_url=database_url(cohort.path))


def test_a_member_files_from_a_phone_and_the_console_shows_it(
    new_page: Callable[..., Any],
    server: VoilaServer,
    cohort: Cohort,
    open_voila: Callable[..., float],
    assert_accessible: Callable[..., None],
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    member_url = f"{server.base_url}peerkit/m/{cohort.token}"
    # Checked with a scripting browser (axe runs in the page); the member's phone has none.
    look = new_page(**PHONE, is_mobile=True, has_touch=True)
    look.goto(member_url)
    assert_accessible(look)
    # Nothing wider than the phone: no sideways scrolling.
    assert look.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone = new_page(**PHONE, java_script_enabled=False, is_mobile=True, has_touch=True)
    phone.goto(member_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ana’s page")

    laptop = new_page(1366, 768)
    open_voila(laptop, server.console_url, ready="role=tab[name='Check-in']")
    laptop.get_by_role("tab", name="Check-in").click()
    filings = laptop.locator(".peerkit-filings")
    expect(filings).to_contain_text("nothing yet")

    # The update: a wrong score first, then corrected; the text typed survives.
    phone.get_by_label("Business (1–10)").fill("7")
    phone.get_by_label("Family (1–10)").fill("12")
    phone.get_by_label("Personal (1–10)").fill("6")
    phone.get_by_label("A few lines").fill("Signed the lease; hiring is slow")
    phone.get_by_role("button", name="Save my update").click()
    # The phone's browser itself refuses 12 (the field says 1–10): nothing sent, nothing lost.
    assert "saved=" not in phone.url
    expect(phone.get_by_label("A few lines")).to_have_value("Signed the lease; hiring is slow")
    phone.get_by_label("Family (1–10)").fill("8")
    phone.get_by_role("button", name="Save my update").click()
    expect(phone.get_by_role("status").first).to_contain_text("Your update is saved.")
    started = time.monotonic()
    expect(filings).to_contain_text("business 7, family 8, personal 6")
    seen = [time.monotonic() - started]

    phone.get_by_label("Your issue, in a sentence").fill("Do I let my co-founder go?")
    phone.get_by_label("A — urgent: I need the group this month").check()
    phone.get_by_label("Minutes you need (5–90)").fill("25")
    phone.get_by_role("button", name="Request the hot seat").click()
    expect(phone.get_by_role("status").first).to_contain_text("hot seat is saved")
    started = time.monotonic()
    expect(filings).to_contain_text("Do I let my co-founder go?")
    seen.append(time.monotonic() - started)

    phone.get_by_role("radio", name="Done", exact=True).check()
    phone.get_by_label("Note (optional)").fill("All three called")
    phone.get_by_role("button", name="Save progress").click()
    expect(phone.get_by_role("status").first).to_contain_text("Your progress is saved.")
    started = time.monotonic()
    row = laptop.locator(".peerkit-checkin-row", has_text=cohort.commitment)
    expect(row).to_contain_text("Reported from their page: done")
    seen.append(time.monotonic() - started)
    expect(row.get_by_role("textbox", name="Note")).to_have_value("All three called")
    assert "Ben" not in str(phone.content()).replace("Ben’s", "")

    phone.get_by_label("The meeting: worth the time? (1–10)").select_option("9")
    phone.get_by_role("button", name="Send anonymously").first.click()
    expect(phone.get_by_role("status").first).to_contain_text("without your name")
    expect(phone.get_by_text("The meeting: rated, thank you.")).to_be_visible()

    # The room confirms the check-in from the member's report, in one click.
    row.get_by_role("button", name="Done", exact=True).click()
    expect(row).to_contain_text("Recorded: done")
    with Store(cohort.path, create=False) as store:
        [review] = store.reviews(meeting_id=cohort.meeting_id)
        assert review.note == "All three called"
        assert store.answer_aggregates(cohort.meeting_id)["meeting"].count == 1

    # The Add a round list puts the request first, with its urgency and minutes.
    laptop.get_by_role("tab", name="Hot seat").click()
    options = laptop.get_by_label("Presenter").locator("option").all_text_contents()
    assert options[0].replace("\xa0", " ") == "Ana Lima — asked: A, 25 min"
    expect(laptop.get_by_role("textbox", name="Issue")).to_have_value("Do I let my co-founder go?")
    laptop.screenshot(path=str(tmp_path / "console.png"))
    phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    print(f"console showed each filing after {', '.join(f'{s:.2f}' for s in seen)} s")
