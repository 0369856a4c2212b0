"""Accountability across sessions: the store's scoring frames, the phase timing frame, and the
accountability notebook a coach opens (run headless as Voila and papermill would run it)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import queued_callbacks_ran, run_headless

from peerkit import scoring
from peerkit.model import PeerkitError
from peerkit.store import Store
from peerkit.store.frames import read_frames

# --------------------------------------------------------------------------------------------
# Store.frames


def both_paths(store: Store, cohort_id: int | None = None) -> tuple[dict, ...]:
    """The frames read on SQLite's packed path and on the portable (any database) path."""
    if not store.is_sqlite:
        return (store.frames(cohort_id),)
    with store.engine.connect() as conn:
        packed = read_frames(conn, True, cohort_id, packed=True)
    with store.engine.connect() as conn:
        portable = read_frames(conn, True, cohort_id, packed=False)
    return packed, portable


def test_frames_follow_the_scoring_contract(demo_db: Path) -> None:
    with Store(demo_db, create=False) as store:
        frames = store.frames()
    reviews = frames["reviews"]
    assert tuple(reviews.columns) == scoring.REVIEW_COLUMNS
    assert reviews["outcome"].dtype == scoring.OUTCOME_DTYPE
    assert reviews["level"].dtype == "Int64"
    for column in ("target_date", "reviewed_on", "new_target_date"):
        assert pd.api.types.is_datetime64_dtype(reviews[column].dtype), column
    assert reviews["review_id"].is_monotonic_increasing
    assert set(reviews["outcome"].astype(str)) <= {
        "done",
        "partial",
        "not done",
        "dropped",
        "renegotiated",
    }
    assert reviews["new_target_date"].notna().eq(reviews["outcome"] == "renegotiated").all()
    assert tuple(frames["members"].columns) == scoring.MEMBER_COLUMNS
    assert tuple(frames["meetings"].columns) == scoring.MEETING_COLUMNS
    assert frames["members"]["redacted"].dtype == bool
    assert len(frames["members"]) == 12 and len(frames["meetings"]) == 14


def test_packed_and_portable_paths_read_the_same_frames(demo_db: Path) -> None:
    with Store(demo_db, create=False) as store:
        packed, portable = both_paths(store)
        board = scoring.scoreboard(**packed)
    for name in ("reviews", "members", "meetings"):
        pd.testing.assert_frame_equal(packed[name], portable[name])
    assert len(board) == 12


def test_each_review_judges_the_target_it_had_then(store, cohort) -> None:
    c, (ana, ben, *_), first = cohort
    april = store.add_meeting(c.id, "2026-04-07")
    may = store.add_meeting(c.id, "2026-05-05")
    june = store.add_meeting(c.id, "2026-06-02")
    chain = store.add_commitment(ana.id, first.id, "Hire a lead", "2026-04-01", weight=2.5)
    plain = store.add_commitment(ben.id, first.id, "Call the board", "2026-04-07")
    store.record_review(chain.id, april.id, "renegotiated", new_target_date="2026-05-01")
    store.record_review(plain.id, april.id, "partial", level=-1)
    store.record_review(chain.id, may.id, "renegotiated", new_target_date="2026-06-30")
    store.record_review(chain.id, june.id, "done", level=2)
    for frames in both_paths(store, c.id):
        reviews = frames["reviews"]
        mine = reviews[reviews["commitment_id"] == chain.id]
        assert [str(d.date()) for d in mine["target_date"]] == [
            "2026-04-01",
            "2026-05-01",
            "2026-06-30",
        ]
        assert [str(d.date()) for d in mine["reviewed_on"]] == [
            "2026-04-07",
            "2026-05-05",
            "2026-06-02",
        ]
        assert list(mine["level"]) == [pd.NA, pd.NA, 2]
        assert list(mine["weight"]) == [2.5, 2.5, 2.5]
        other = reviews[reviews["commitment_id"] == plain.id].iloc[0]
        assert other["outcome"] == "partial" and other["level"] == -1
    board = scoring.scoreboard(**store.frames(c.id)).set_index("name")
    # Renegotiated late twice (a miss each time), then done on time.
    assert board.loc["Ana", "reviewed"] == 3 and board.loc["Ana", "renegotiated"] == 2
    assert board.loc["Ana", "rate_text"] == "33%"
    assert board.loc["Chloe", "rate_text"] == scoring.NOTHING_DUE


def test_frames_of_one_cohort_leave_the_others_out(store, cohort) -> None:
    c, (ana, *_), first = cohort
    other = store.add_cohort("Other Circle")
    eve = store.add_member(other.id, "Eve")
    theirs = store.add_meeting(other.id, "2026-03-10")
    later = store.add_meeting(other.id, "2026-04-10")
    mine_later = store.add_meeting(c.id, "2026-04-07")
    commitment = store.add_commitment(eve.id, theirs.id, "Ship it", "2026-04-01")
    store.record_review(commitment.id, later.id, "done")
    ours = store.add_commitment(ana.id, first.id, "Plan", "2026-04-01")
    store.record_review(ours.id, mine_later.id, "not done")
    frames = store.frames(c.id)
    assert set(frames["members"]["cohort_id"]) == {c.id}
    assert set(frames["meetings"]["cohort_id"]) == {c.id}
    assert list(frames["reviews"]["commitment_id"]) == [ours.id]
    everything = store.frames()
    assert len(everything["reviews"]) == 2 and len(everything["members"]) == 5


def test_an_empty_store_gives_empty_frames_that_score(store) -> None:
    frames = store.frames()
    assert len(frames["reviews"]) == 0
    assert tuple(frames["reviews"].columns) == scoring.REVIEW_COLUMNS
    assert frames["reviews"]["outcome"].dtype == scoring.OUTCOME_DTYPE
    assert scoring.scoreboard(**frames).empty


def test_ids_too_large_to_pack_take_the_portable_path(store, cohort, db_path) -> None:
    # SQLite only (db_path): the packed path is SQLite's.
    c, (ana, *_), first = cohort
    second = store.add_meeting(c.id, "2026-04-07")
    made = store.add_commitment(ana.id, first.id, "Plan", "2026-04-01")
    store.record_review(made.id, second.id, "done")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE reviews SET id = 3000000000")
    with store.engine.connect() as conn, pytest.raises(PeerkitError, match="packed"):
        read_frames(conn, True, None, packed=True)
    reviews = store.frames()["reviews"]
    assert list(reviews["review_id"]) == [3_000_000_000]
    assert list(reviews["outcome"]) == ["done"]


# --------------------------------------------------------------------------------------------
# Store.phase_frame


def play(store, clock, round_id, steps) -> None:
    """Log phase events at the frozen clock: ("next", 90) waits 90 s, then goes on."""
    for kind, wait in steps:
        clock.advance(wait)
        store.log_phase_event(round_id, kind, clock(), value=60.0 if kind == "extend" else None)


def test_phase_frame_has_planned_and_used_seconds_per_phase(store, cohort, clock) -> None:
    c, (ana, ben, chloe, dev), meeting = cohort
    troika = store.add_round(meeting.id, ana.id, "troika consulting", position=0)
    play(
        store,
        clock,
        troika.id,
        [("start", 0), ("next", 100), ("extend", 30), ("next", 150), ("finish", 200)],
    )
    store.add_round(meeting.id, ben.id, "troika consulting", position=1)  # never started
    odd = store.add_round(meeting.id, chloe.id, "a format nobody knows", position=2)
    play(store, clock, odd.id, [("start", 0), ("finish", 60)])
    secret = store.add_round(meeting.id, dev.id, "wise crowds", position=3, private=True)
    play(store, clock, secret.id, [("start", 0), ("finish", 60)])

    frame = store.phase_frame(meeting.id)
    assert list(frame.columns[:5]) == ["round_id", "phase", "position", "planned_s", "used_s"]
    assert set(frame["round_id"]) == {troika.id}
    assert list(frame["position"]) == [0, 1, 2, 3]
    assert list(frame["planned_s"]) == [120.0, 120.0, 300.0, 120.0]  # share 2 · clarify 2 · …
    used = list(frame["used_s"])
    assert used[:3] == [100.0, 180.0, 200.0]
    assert math.isnan(used[3])  # finished before the last phase: never reached
    assert store.phase_frame(cohort_id=c.id).equals(frame)
    # Rounds are numbered as the minutes number them (private ones left out), by presenter.
    assert set(frame["round"]) == {1} and set(frame["presenter"]) == {"Ana"}
    with_private = store.phase_frame(meeting.id, include_private=True)
    assert set(with_private["round_id"]) == {troika.id, secret.id}
    assert with_private.drop_duplicates("round_id")[["round", "presenter"]].values.tolist() == [
        [1, "Ana"],
        [4, "Dev"],
    ]


def test_a_running_round_counts_up_to_now(store, cohort, clock) -> None:
    _, (ana, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, "troika consulting")
    play(store, clock, rnd.id, [("start", 0), ("next", 130)])
    frame = store.phase_frame(meeting.id, now=clock() + 45)
    assert list(frame["used_s"][:2]) == [130.0, 45.0]
    assert frame["used_s"][2:].isna().all()


@pytest.mark.slow
def test_phase_frame_of_the_demo_feeds_the_chart(demo_db: Path) -> None:
    from peerkit import charts

    with Store(demo_db, create=False) as store:
        last = store.meetings()[-1]
        frame = store.phase_frame(last.id)
    assert len(frame) and (frame["used_s"] > 0).all()
    assert frame["meeting_id"].eq(last.id).all()
    svg = charts.to_svg(charts.phase_timing(frame, theme="print"))
    assert svg.startswith("<svg")
    assert np.isfinite(frame["planned_s"]).all()


# --------------------------------------------------------------------------------------------
# The accountability notebook and its view

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "accountability.ipynb"
DEMO_NAMES = (
    "Priya Raman",
    "Marcus Webb",
    "Elena Sokolova",
    "David Okafor",
    "Sofia Lindqvist",
    "James Whitfield",
    "Aiko Tanaka",
    "Rafael Mendes",
    "Hannah Berg",
    "Omar Haddad",
    "Claire Dubois",
    "Tom Keller",
)


def shown_html(nb) -> str:
    """The HTML an executed notebook's last output shows, read as a file viewer reads it."""
    return outputs(nb)[-1]["data"]["text/html"]


def backgrounds(text: str) -> set[str]:
    """The background colour of each SVG chart in some HTML."""
    import re

    return set(re.findall(r"<svg[^>]*>\s*<rect [^>]*fill=\"(#[0-9a-f]{6})\"", text))


def outputs(nb) -> list[dict]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def scoreboard_rows(text: str) -> dict[str, str]:
    """Member name -> the rest of its scoreboard row, from the view's HTML."""
    import re

    table = text[text.index("<table class='peerkit-scoreboard'>") :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr><th scope='row' class='text'>(.*?)</th>(.*?)</tr>", table)
    return dict(rows)


def test_the_notebook_is_committed_clean_and_short() -> None:
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for name in ("store = None", "cohort = None", "since = None", "window = 3"):
        assert name in code[0].source
    assert len(code) == 2 and len(code[1].source.splitlines()) <= 3
    assert "peerkit.accountability" in code[1].source
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.slow
def test_the_notebook_runs_headless_on_the_demo_store(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = run_headless(NOTEBOOK, demo_db, tmp_path, monkeypatch)
    assert not [o for o in outputs(nb) if o.get("output_type") == "error"]
    shown = outputs(nb)[-1]
    # Nobody watches this run: the view is static HTML, not a widget (nothing to show it).
    assert "application/vnd.jupyter.widget-view+json" not in shown["data"]
    assert shown["data"]["text/plain"].startswith("Showing 12 members of Northstar CTO Circle")
    text = shown_html(nb)
    assert "peerkit cannot" not in text
    assert set(scoreboard_rows(text)) == set(DEMO_NAMES)
    assert text.count("<svg") >= 4  # heatmap, trend, distribution, phase timing
    assert "Phase time used against planned" in text
    assert "cdn" not in text.lower() and "<script" not in text.lower()
    assert backgrounds(text) == {"#ffffff"}  # outside Voila: the print theme


@pytest.mark.slow
def test_papermill_parameters_choose_store_cohort_and_window(demo_db: Path, tmp_path: Path) -> None:
    import papermill

    out = tmp_path / "out.ipynb"
    nb = papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={
            "store": str(demo_db),
            "cohort": "Northstar CTO Circle",
            "since": "2026-06-01",
            "window": 4,
        },
        cwd=str(tmp_path),
        progress_bar=False,
        kernel_name="python3",
    )
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert not [o for o in outputs(nb) if o.get("output_type") == "error"]
    text = shown_html(nb)
    rows = scoreboard_rows(text)
    assert set(rows) == set(DEMO_NAMES)
    # Tom Keller left before June: nothing was due for him since, and it says so.
    assert "nothing due" in rows["Tom Keller"] and "0%" not in rows["Tom Keller"]
    assert "since 2026-06-01" in text
    assert "over the last 4 meetings" in text
    assert text.count("<svg") >= 4


@pytest.mark.slow
def test_the_view_redraws_when_a_chooser_changes(demo_db: Path) -> None:
    import datetime as dt

    from peerkit.accountability import EVERY_MEETING, ScoreboardView, scoreboard_view

    view = scoreboard_view(str(demo_db), None, None, 3)
    assert view.since.label == "every meeting"
    assert isinstance(view, ScoreboardView)
    assert view.draws == 1
    assert "over the last 3 meetings" in view.charts.value
    assert view.charts.value.count("<svg") == 4
    assert set(scoreboard_rows(view.table.value)) == set(DEMO_NAMES)

    view.window.value = 5
    assert view.draws == 2
    assert "over the last 5 meetings" in view.charts.value

    # "Since" lists the meetings' dates, written as ISO dates.
    assert view.since.options[:3] == (
        ("every meeting", EVERY_MEETING),
        ("2025-09-02", dt.date(2025, 9, 2)),
        ("2025-10-07", dt.date(2025, 10, 7)),
    )
    view.since.value = dt.date(2026, 6, 2)
    assert view.draws == 3 and view.since.label == "2026-06-02"
    assert "nothing due" in scoreboard_rows(view.table.value)["Tom Keller"]
    assert "since 2026-06-02" in view.status.value

    assert view.theme.value == "print" and backgrounds(view.charts.value) == {"#ffffff"}
    view.theme.value = "projector"
    assert view.draws == 4 and backgrounds(view.charts.value) == {"#111111"}

    first = view.meeting.value
    view.meeting.value = view.meeting.options[-1][1]  # the oldest meeting
    assert view.draws == 5 and view.meeting.value != first

    view.since.value = EVERY_MEETING  # back to every meeting
    assert view.draws == 6 and view.since.label == "every meeting"
    assert "14 meetings." in view.status.value and "since" not in view.status.value


def test_names_are_text_in_the_table_and_the_charts(store, cohort) -> None:
    from peerkit.accountability import ScoreboardView

    c, (ana, *_), first = cohort
    store.update_member(ana.id, name="<img src=x onerror=alert(1)> & Ana")
    second = store.add_meeting(c.id, "2026-04-07")
    made = store.add_commitment(ana.id, first.id, "Plan", "2026-04-01")
    store.record_review(made.id, second.id, "done")
    view = ScoreboardView(store, c.id)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; Ana" in view.table.value
    for html_text in (view.table.value, view.charts.value, view.status.value):
        assert "<img" not in html_text
    # Members with nothing due read "nothing due", never 0%.
    rows = scoreboard_rows(view.table.value)
    assert all("nothing due" in rows[name] for name in ("Ben", "Chloe", "Dev"))


@pytest.mark.usefixtures("on_a_page")
def test_bad_parameters_show_one_plain_message(demo_db: Path, tmp_path: Path) -> None:
    from peerkit.accountability import scoreboard_view

    missing = scoreboard_view(str(tmp_path / "none.db"))
    assert f"No peerkit store at {tmp_path / 'none.db'}: name yours" in missing.value
    assert "role='alert'" in missing.value and "peerkit demo" not in missing.value
    assert not (tmp_path / "none.db").exists()
    assert "not a date" in scoreboard_view(str(demo_db), since="2026-13-01").value
    assert "No cohort named" in scoreboard_view(str(demo_db), cohort="Nope").value
    assert "whole number" in scoreboard_view(str(demo_db), window=0).value


def test_in_a_run_nobody_watches_bad_parameters_fail_it(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerkit.accountability import scoreboard_view

    for name in ("SERVER_SOFTWARE", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(PeerkitError, match="No peerkit store at .*-p store PATH"):
        scoreboard_view(str(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(PeerkitError, match="No cohort named"):
        scoreboard_view(str(demo_db), cohort="Nope")


@pytest.mark.slow
def test_served_by_voila_the_scores_are_drawn_after_the_first_paint(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from peerkit.accountability import ScoreboardView

    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")

    async def open_page() -> None:
        with Store(demo_db, create=False) as store:
            view = ScoreboardView(store, store.cohort().id)
            assert view.theme.value == "projector"  # Voila serves peerkit dark
            assert view.draws == 0 and "Loading" in view.status.value
            assert view._painted in view.widget.children
            view._painted._handle_custom_msg({"painted": True}, [])  # the browser drew it
            await queued_callbacks_ran()
            assert view.draws == 1 and view.charts.value.count("<svg") == 4
            assert backgrounds(view.charts.value) == {"#111111"}
            view._painted._handle_custom_msg({"painted": True}, [])  # a second tab
            await queued_callbacks_ran()
            assert view.draws == 1

    asyncio.run(open_page())


def test_a_private_commitment_counts_in_no_score(store, cohort) -> None:
    """Reviews of a private commitment, or of one made in a private round, are left out of the
    scores and charts as they are left out of the minutes and the check-in."""
    c, (ana, *_), first = cohort
    later = store.add_meeting(c.id, "2026-04-07")
    secret = store.add_round(first.id, ana.id, "troika consulting", private=True)
    counted = store.add_commitment(ana.id, first.id, "Call the board", "2026-04-01")
    hidden = [
        store.add_commitment(ana.id, first.id, "Private one", "2026-04-01", private=True),
        store.add_commitment(ana.id, first.id, "In the round", "2026-04-01", round_id=secret.id),
    ]
    for pledge in (counted, *hidden):
        store.record_review(pledge.id, later.id, "not done")
    for frames in both_paths(store, c.id):
        assert frames["reviews"]["commitment_id"].tolist() == [counted.id]


def chart_svgs(text: str) -> list[str]:
    import re

    return re.findall(r"<svg.*?</svg>", text, flags=re.S)


@pytest.mark.slow
def test_phase_timing_names_rounds_by_number_and_presenter_unless_chatham_house(
    demo_copy: Path,
) -> None:
    from helpers import svg_texts

    from peerkit.accountability import ScoreboardView

    with Store(demo_copy, create=False) as store:
        c = store.cohort()
        view = ScoreboardView(store, c.id)
        timing = store.phase_frame(view.meeting.value)
        rounds_of = timing.drop_duplicates("round_id")
        heads = [f"Round {n} · {p}" for n, p in rounds_of[["round", "presenter"]].values]
        assert heads
        texts = [t.text for t in svg_texts(chart_svgs(view.charts.value)[-1])]
        assert all(texts.count(head) == 1 for head in heads), heads
        assert not [t for t in texts if t.startswith("Round") and t not in heads]

        store.set_screen(c.id, chatham_house=True)  # the console's Chatham House mode
        view.refresh()
        texts = [t.text for t in svg_texts(chart_svgs(view.charts.value)[-1])]
        numbers = [head.split(" · ")[0] for head in heads]
        rounds = [t for t in texts if t.startswith("Round")]
        assert sorted(rounds) == sorted(numbers)
        for name in timing["presenter"]:
            assert not [t for t in texts if name in t]


@pytest.mark.slow
def test_every_date_on_the_page_is_an_iso_date(demo_db: Path) -> None:
    """Axis labels, the charts' descriptions (alt text), the table, the choosers: YYYY-MM-DD."""
    import re

    from helpers import svg_texts

    from peerkit.accountability import ScoreboardView

    months = r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d"
    with Store(demo_db, create=False) as store:
        view = ScoreboardView(store, store.cohort().id, since=dt.date(2026, 6, 2))
        page = "\n".join([view.status.value, view.table.value, view.charts.value])
        labels = [label for label, _ in view.since.options + view.meeting.options]
    assert re.findall(r"\d{4}-\d{2}-\d{2}", page)
    assert not re.findall(months, page, flags=re.I)
    assert not re.findall(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", page)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", label) for label in labels[1:])
    heatmap = [t.text for t in svg_texts(chart_svgs(view.charts.value)[0])]
    assert {"2026-06-02", "2026-10-06"} <= set(heatmap)  # the meetings, as axis labels
    described = re.findall(r'aria-label="([^"]*)"', view.charts.value)
    assert any("2026-06-02" in d for d in described)
