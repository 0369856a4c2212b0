"""The console's minutes export (a real PDF printed from inside a running event loop, as a
kernel's widget callback is), and the meeting the console opens on."""

from __future__ import annotations

import asyncio
import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from conftest import CONSOLE_TODAY
from helpers import needs_chromium

from peerkit.store import Store
from peerkit.widgets.close import EXPORT, EXPORTING
from peerkit.widgets.console import ANONYMOUS, Console


def queue_and_start(console: Console, issue: str = "Pricing") -> None:
    console.queue_format.value = "troika consulting"
    console.queue_issue.value = issue
    console.queue_button.click()
    console.round_buttons["start"].click()


def click_in_a_kernel(console: Console) -> list[tuple[bool, str, str]]:
    """Click Export as a kernel runs a widget callback (on a running asyncio loop), wait for
    the export to finish; return what the button and its line showed right after the click."""
    seen = []

    async def callback() -> None:
        console.closing.export_button.click()
        b = console.closing.export_button
        seen.append((b.disabled, b.description, console.closing.export_result.value))
        assert console.closing.export_task is not None
        await console.closing.export_task

    asyncio.run(callback())
    return seen


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The console's current folder: outside a cohort folder its minutes go here."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- export ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_export_from_the_console_prints_a_real_pdf(console, in_tmp):
    needs_chromium()
    queue_and_start(console)
    console.giver.value = ANONYMOUS
    assert console.advice_entry.submit("Name the risk before the price")
    console.closing.export_to.value = "md"
    console.closing.export_button.click()  # outside a loop (a script): done when click returns
    assert "Download minutes-2026-03-03.md" in console.closing.export_result.value

    console.closing.export_to.value = "pdf"
    [(disabled, description, line)] = click_in_a_kernel(console)
    # While it runs: the button says so, and the Markdown line is already gone.
    assert disabled and description == EXPORTING
    assert ".md" not in line and "Exporting the minutes as PDF" in line

    pdf = in_tmp / "minutes-2026-03-03.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Name the risk before the price" in text and "Pricing" in text
    result = console.closing.export_result.value
    assert "Download minutes-2026-03-03.pdf" in result
    assert "data:application/pdf;base64,JVBERi" in result  # "%PDF" in base64
    assert ".md" not in result and "Not exported" not in result
    button = console.closing.export_button
    assert not button.disabled and button.description == EXPORT
    assert console.status.value == ""  # nothing said at the top: the outcome is by the button


def test_a_failed_export_replaces_the_last_success_line(console, in_tmp):
    console.closing.export_to.value = "md"
    console.closing.export_button.click()
    assert "✔ Saved" in console.closing.export_result.value
    # The next file cannot be written: a folder holds its name.
    (in_tmp / "minutes-2026-03-03.html").mkdir()
    console.closing.export_to.value = "html"
    click_in_a_kernel(console)
    result = console.closing.export_result.value
    assert "Not exported" in result and "is a folder" in result and "role='alert'" in result
    assert "✔" not in result and "Download" not in result
    button = console.closing.export_button
    assert not button.disabled and button.description == EXPORT


@pytest.fixture
def folder_console(store, cohort, clock, in_tmp, monkeypatch):
    """The console of a cohort folder that `peerkit init` made on the cohort fixture's store
    (the current folder is elsewhere, as a kernel's may be)."""
    from peerkit.folder import init_folder

    for name in ("PEERKIT_CONFIG", "PEERKIT_DB", "PEERKIT_COHORT", "PEERKIT_ALLOWED_COHORTS"):
        monkeypatch.delenv(name, raising=False)
    c, _, _ = cohort
    config = init_folder(in_tmp / "circle", c.name, store=store.url)
    return Console(store, c, clock=clock, today=CONSOLE_TODAY, config=config)


def test_a_file_that_cannot_be_written_is_said_plainly(folder_console):
    (folder_console.config.folder / "minutes").write_text("a file where the folder should be")
    folder_console.closing.export_button.click()
    result = folder_console.closing.export_result.value
    assert "Not exported: The file could not be written" in result


def test_the_console_and_peerkit_minutes_both_write_to_the_cohort_folders_minutes(
    folder_console, in_tmp, monkeypatch
):
    from html import escape

    from click.testing import CliRunner

    from peerkit.cli import cli

    folder = folder_console.config.folder
    assert not (folder / "minutes").exists()
    folder_console.closing.export_to.value = "md"
    folder_console.closing.export_button.click()
    written = folder / "minutes" / "minutes-2026-03-03.md"
    saved = folder_console.closing.export_result.value
    assert f"✔ Saved <code>{escape(str(written))}</code>" in saved
    from_the_console = written.read_text(encoding="utf-8")
    assert not list(in_tmp.glob("minutes*"))  # not where the kernel happens to run
    written.unlink()

    monkeypatch.chdir(folder)
    said = CliRunner().invoke(cli, ["minutes", "2026-03-03", "--to", "md"])
    assert said.exit_code == 0, said.output
    assert said.output == "Wrote minutes/minutes-2026-03-03.md\n"
    assert written.read_text(encoding="utf-8") == from_the_console


def test_the_export_line_is_cleared_when_another_meeting_opens(store, cohort, clock, in_tmp):
    c, _, meeting = cohort
    console = Console(store, c, clock=clock, today=dt.date(2026, 4, 7))
    assert console.meeting_id == meeting.id  # no meeting today yet: the latest
    console.closing.export_button.click()
    assert "✔ Saved" in console.closing.export_result.value
    console.today_button.click()
    assert console.meeting_id != meeting.id
    assert console.closing.export_result.value == ""


def test_the_export_line_goes_with_a_meeting_purged_elsewhere(console, store, in_tmp):
    console.closing.export_button.click()
    assert "✔ Saved" in console.closing.export_result.value
    store.purge_meeting(console.meeting_id)  # the CLI, or another window
    console.refresh()
    assert console.meeting_id is None and console.closing.export_result.value == ""


def test_export_with_no_meeting_open_says_so_by_the_button(store, clock, in_tmp):
    empty = store.add_cohort("Empty Circle")
    console = Console(store, empty, clock=clock, today=CONSOLE_TODAY)
    console.closing.export_button.click()
    assert "Not exported: Open a meeting first." in console.closing.export_result.value
    assert not list(in_tmp.glob("minutes*"))


# -- the meeting the console opens on ---------------------------------------------------------

MEETING_DAY = dt.date(2026, 4, 7)


@pytest.fixture
def last_month_on_screen(store, cohort):
    """Last month's meeting on screen, and today's meeting already in the store."""
    c, _, last_month = cohort
    today = store.add_meeting(c.id, MEETING_DAY, place="Room 2")
    store.set_screen(c.id, meeting_id=last_month.id, round_id=0)
    return c, last_month, today


def test_the_console_opens_todays_meeting_over_last_months_on_screen(
    store, clock, last_month_on_screen
):
    c, _, today = last_month_on_screen
    console = Console(store, c, clock=clock, today=MEETING_DAY)
    assert console.meeting_id == today.id
    assert store.screen(c.id).meeting_id == today.id  # the projector follows


def test_a_live_round_keeps_its_meeting_open(store, clock, last_month_on_screen):
    c, last_month, _ = last_month_on_screen
    running = Console(store, c, clock=clock, today=CONSOLE_TODAY)  # yesterday's console
    queue_and_start(running)
    console = Console(store, c, clock=clock, today=MEETING_DAY)  # a reload after midnight
    assert console.meeting_id == last_month.id
    assert console.timer.running and console.moment == "hot_seat"  # on the live round
    running.round_buttons["finish"].click()
    assert Console(store, c, clock=clock, today=MEETING_DAY).meeting_id != last_month.id


def test_with_no_meeting_today_the_console_opens_the_one_on_screen_else_the_latest(
    store, cohort, clock
):
    c, _, first = cohort
    later = store.add_meeting(c.id, "2026-04-07")
    assert Console(store, c, clock=clock, today=dt.date(2026, 5, 5)).meeting_id == later.id
    store.set_screen(c.id, meeting_id=first.id, round_id=0)
    assert Console(store, c, clock=clock, today=dt.date(2026, 5, 5)).meeting_id == first.id


def test_a_meeting_set_for_today_at_the_last_meeting_is_opened(store, cohort, clock):
    """Last month's meeting set today as the next date: the console opens today's meeting (made
    as "Open today's meeting" makes it), not last month's; a second console opens the same."""
    c, _, last_month = cohort
    store.update_meeting(last_month.id, next_date=MEETING_DAY)
    store.set_screen(c.id, meeting_id=last_month.id, round_id=0)
    console = Console(store, c, clock=clock, today=MEETING_DAY)
    today = store.meeting(console.meeting_id)
    assert today.date == MEETING_DAY and today.place == last_month.place
    assert store.screen(c.id).meeting_id == today.id
    scribe = Console(store, c, clock=clock, today=MEETING_DAY)
    assert scribe.meeting_id == today.id
    assert [m.date for m in store.meetings(c.id)] == [last_month.date, MEETING_DAY]


def test_no_meeting_is_made_on_a_day_nothing_is_set_for(store, cohort, clock):
    c, _, last_month = cohort
    store.update_meeting(last_month.id, next_date=MEETING_DAY)
    console = Console(store, c, clock=clock, today=MEETING_DAY + dt.timedelta(days=1))
    assert console.meeting_id == last_month.id
    assert len(store.meetings(c.id)) == 1


def test_the_meeting_asked_for_wins(store, clock, last_month_on_screen):
    c, last_month, _ = last_month_on_screen
    console = Console(store, c, clock=clock, today=MEETING_DAY, meeting_id=last_month.id)
    assert console.meeting_id == last_month.id


# -- the link to the accountability view ------------------------------------------------------


def test_the_console_links_to_the_accountability_view_in_a_new_tab(store, cohort, clock, in_tmp):
    c, _, _ = cohort
    assert Console(store, c, clock=clock, today=CONSOLE_TODAY).views.value == ""  # none here
    (in_tmp / "accountability.ipynb").write_text("{}")  # served beside the console
    link = Console(store, c, clock=clock, today=CONSOLE_TODAY).views.value
    assert "href='accountability.ipynb'" in link
    assert "target='_blank'" in link and "rel='noopener'" in link
    assert "Accountability view" in link and "opens in a new tab" in link


def test_in_a_cohort_folder_the_link_is_to_its_own_accountability_view(tmp_path, clock):
    from peerkit.folder import init_folder

    config = init_folder(tmp_path / "circle", "Circle")
    assert (config.folder / "accountability.ipynb").is_file()
    with Store(config.store_url) as store:
        console = Console(store, store.cohort("Circle"), clock=clock, config=config)
        assert "href='accountability.ipynb'" in console.views.value
