"""The Chatham House Rule in the minutes: "neither the identity nor the affiliation of the
speaker(s), nor that of any other participant, may be revealed" — in every format, charts and
calendar file included — and a member's personal summary that names only that member.

One meeting whose texts name members every way a facilitator might type them (full name, last
name, lower-case first name, a two-letter first name, inside markup, with a zero-width space,
by e-mail), with a member who left and one who was redacted, exported for real.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import needs_chromium, peerkit

from peerkit import minutes
from peerkit.confidentiality import A_MEMBER
from peerkit.folder import load_config
from peerkit.formats import get_format
from peerkit.meeting import RoundClock
from peerkit.minutes.follow import ScoreRow, group_rate
from peerkit.store import Store

HOT_SEAT = get_format("mastermind hot seat")

#: Every member of the cohort: name and e-mail (the redacted one's as they were before).
PEOPLE = {
    "Priya Raman": "priya.raman@example.org",
    "Al Brandt": "al@brandt.example",
    "Jonas Okafor": "jonas@okafor.example",
    "Sigrid Vantongeren": "Sigrid.Vantongeren@example.net",
    "Priya Nair": "pnair@example.org",  # shares a first name with Priya Raman
    "Teodor Halvorsen": "teodor.h@example.com",  # leaves after the meeting
    "Wilhelmina Quist": "w.quist@example.com",  # redacted
}

#: How many mentions of members' names or e-mails the meeting's shown texts hold (see record).
MENTIONS = 19
LINE = (
    "Chatham House Rule: what was said is recorded, not who said it. "
    f'{MENTIONS} mentions of members\' names or e-mail addresses were replaced with "a member".'
)


@dataclass(frozen=True)
class Record:
    store: Store
    meeting_id: int
    alias: str  # the redacted member's name now ("Former member N")


@pytest.fixture
def record(db_path: Path, clock) -> Iterator[Record]:
    """Two meetings of "Harbour Circle"; the second is the one exported."""
    with Store(db_path) as store:
        c = store.add_cohort("Harbour Circle")
        m = {name: store.add_member(c.id, name, email=email) for name, email in PEOPLE.items()}
        priya, al, jonas = m["Priya Raman"], m["Al Brandt"], m["Jonas Okafor"]
        sigrid, nair, teodor, quist = (
            m["Sigrid Vantongeren"],
            m["Priya Nair"],
            m["Teodor Halvorsen"],
            m["Wilhelmina Quist"],
        )
        earlier = store.add_meeting(c.id, "2026-02-03", place="Room 4")
        meeting = store.add_meeting(
            c.id,
            "2026-03-03",
            place="Al Brandt's office",  # 1: full name
        )
        store.update_meeting(meeting.id, next_date="2026-04-07")
        for who in (priya, al, jonas, teodor, nair):
            store.set_attendance(meeting.id, who.id, "present")
        store.set_attendance(meeting.id, sigrid.id, "apologies")
        store.set_attendance(meeting.id, quist.id, "absent")

        # Made at the earlier meeting, reviewed at this one.
        email = store.add_commitment(
            jonas.id,
            earlier.id,
            "Email w.quist@example.com the draft",  # 1: the redacted member's e-mail
            "2026-02-20",
        )
        store.record_review(
            email.id,
            meeting.id,
            "done",
            note="Done; RAMAN helped, and Teodor too.",  # 2: upper-case last name, first name
        )

        hot = store.add_round(
            meeting.id,
            priya.id,
            HOT_SEAT.name,
            issue="Since Sigrid Vantongeren left the board, priya owns the budget.",  # 2
        )
        run = RoundClock(store, hot.id, HOT_SEAT, clock)
        run.start()
        for seconds in (300, 600, 900, 300):
            clock.advance(seconds)
            run.next()
        store.add_advice(
            hot.id,
            "Ask Al before Friday, as <b>Priya</b> did.",  # 2: two-letter name, markup
            giver_id=jonas.id,
        )
        store.add_advice(
            hot.id,
            "Write to jonas@okafor.example and to Okafor's deputy.",  # 2: e-mail, last name
            giver_id=al.id,
            kind="experience",
        )
        store.add_advice(
            hot.id,
            "Teo\u200bdor Halvorsen had the same problem.",  # 1: a zero-width space inside
            giver_id=nair.id,
            kind="question",
        )
        store.add_advice(
            hot.id,
            "Wilhelmina thinks so too.",  # 1 ("Former member N" after the redaction)
            giver_id=quist.id,
            kind="resource",
        )
        store.add_advice(hot.id, "Priya Raman, keep this between us", private=True)  # not shown
        store.add_commitment(
            priya.id,
            meeting.id,
            "Call Brandt and send notes to someone@unknown.example",  # 2: last name, any e-mail
            "2026-03-20",
            round_id=hot.id,
            levels=[
                "Nothing sent to Sigrid",  # 1
                "Draft only",
                "Sent to the board",
                "Sent, and Quist agreed",  # 1 (redacted: "Former member N")
                "Wilhelmina signs off",  # 1 (redacted: "Former member N")
            ],
        )
        store.add_commitment(nair.id, meeting.id, "Draft the pricing memo", "2026-03-27")
        store.add_round(meeting.id, teodor.id, HOT_SEAT.name, private=True, keep_text=False)
        second = store.add_round(meeting.id, al.id, HOT_SEAT.name, issue="Pricing next year")
        store.add_advice(second.id, "Raise prices by 5%", giver_id=priya.id)
        store.add_parking(
            meeting.id,
            "Ask Sigrid.Vantongeren@example.net about <i>Halvorsen</i>'s budget",  # 2
        )
        store.add_parking(meeting.id, "Teodor's leaving party", private=True)  # not shown

        store.member_leaves(teodor.id, "2026-03-10")
        alias = store.redact_member(quist.id).member.name
        assert alias.startswith("Former member")
        yield Record(store, meeting.id, alias)


def forbidden(record: Record) -> list[re.Pattern[str]]:
    """Every name (full, first, last), e-mail and the redacted member's alias, whole words,
    whatever the case."""
    terms = {record.alias}
    for name, email in PEOPLE.items():
        parts = name.split()
        terms |= {name, parts[0], parts[-1], email}
    return [
        re.compile(rf"(?<![\w@.]){re.escape(term)}(?![\w@])", re.IGNORECASE)
        for term in sorted(terms)
    ]


def assert_names_nobody(record: Record, text: str, where: str) -> None:
    text = unicodedata.normalize("NFKC", text)
    found = [p.pattern for p in forbidden(record) if p.search(text)]
    assert not found, (where, found)


def one_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def exported_text(record: Record, kind: str, tmp_path: Path) -> tuple[str, str]:
    """What a reader of the Chatham House export of ``kind`` gets: every byte of text in it
    (charts' SVG and alt text included), and its readable text."""
    store, meeting_id = record.store, record.meeting_id
    if kind == "pdf":
        needs_chromium()
        from pypdf import PdfReader

        done = minutes.export(store, meeting_id, "pdf", tmp_path / "m.pdf", chatham_house=True)
        reader = PdfReader(done.path)
        text = " ".join(page.extract_text() or "" for page in reader.pages)
        info = " ".join(str(v) for v in (reader.metadata or {}).values())
        return text + " " + info, text
    if kind == "ics":
        done = minutes.export(
            store, meeting_id, "md", tmp_path / "m.md", chatham_house=True, ics=True
        )
        assert done.ics_path is not None
        raw = done.ics_path.read_bytes().decode("utf-8")
        return raw.replace("\r\n ", ""), raw  # unfolded: a name must not hide across a fold
    charts = kind == "html-charts"
    to = "md" if kind == "md" else "html"
    done = minutes.export(
        store, meeting_id, to, tmp_path / f"m.{to}", chatham_house=True, charts=charts
    )
    raw = done.path.read_text(encoding="utf-8")
    if to == "md":
        return raw, raw
    data = re.compile(r'src="data:image/svg\+xml;base64,([^"]+)"')
    svgs = [base64.b64decode(b).decode("utf-8") for b in data.findall(raw)]
    assert bool(svgs) == charts
    raw = data.sub('src=""', raw)  # decoded above: base64 is no text to search
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|title)>.*?</\1>", " ", raw, flags=re.S))
    return html.unescape(raw + " ".join(svgs)), html.unescape(visible)


# -- Chatham House: nobody named, in any format -------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        "html",
        "md",
        pytest.param("pdf", marks=pytest.mark.slow),
        "ics",
        pytest.param("html-charts", marks=pytest.mark.slow),
    ],
)
def test_chatham_house_export_names_nobody(record, tmp_path, kind):
    everything, readable = exported_text(record, kind, tmp_path)
    assert_names_nobody(record, everything, kind)
    readable = one_line(readable)
    if kind == "ics":
        summaries = re.findall(r"^SUMMARY:(.*)$", everything, re.MULTILINE)
        assert "SUMMARY:Due: Call a member and send notes to a member" in everything
        assert not any(s.strip().endswith(")") for s in summaries), (
            summaries
        )  # no "(owner)" after it
        assert "X-WR-CALNAME:Harbour Circle\r\n" in everything
        return
    assert LINE in readable.replace("\\", "")  # the count line, with the right number
    assert "Since a member left the board, a member owns the budget." in readable
    assert "Present: 5 members · apologies: 1 · absent: 1" in readable
    assert "The group since 3 Feb 2026:" in readable
    assert "Each member" not in readable and "GAS T-score" not in readable
    if kind == "html-charts":
        alts = re.findall(r'<img [^>]*alt="([^"]*)"', everything)
        assert len(alts) == 1  # round 1's time; no chart of the members' follow-through
        assert alts[0].startswith("Round 1, planned and used time: Present 5:00 of 5 min")


def test_chatham_house_keeps_what_was_said_and_drops_who(record):
    store, meeting_id = record.store, record.meeting_id
    text = minutes.render(store, meeting_id, "md", chatham_house=True)
    assert isinstance(text, str)
    lines = text.splitlines()
    assert "**Tuesday 3 March 2026** · A member's office" in lines
    assert [line for line in lines if line.startswith("## ")] == [
        "## Attendance",
        "## Check-in",
        "## Round 1",  # numbered, no presenter; the private round neither shown nor counted
        "## Round 2",
        "## Other commitments",
        "## Parking lot",
        "## Next meeting",
        "## Follow-through",
    ]
    assert "**Issue:** Since a member left the board, a member owns the budget." in lines
    assert (
        "- **A member**: Email a member the draft (from 3 Feb 2026): **done**. "
        "*Done; a member helped, and a member too.*"
    ) in lines
    assert "- Ask a member before Friday, as \\<b\\>a member\\</b\\> did." in lines
    assert "- Write to a member and to a member's deputy." in lines
    assert "- A member had the same problem." in lines
    assert "- A member thinks so too." in lines
    assert "- **A member**: Call a member and send notes to a member, by **20 Mar 2026**" in lines
    assert (
        "  - Levels: -2 Nothing sent to a member · -1 Draft only · +0 Sent to the board · "
        "+1 Sent, and a member agreed · +2 A member signs off"
    ) in lines
    assert "- **A member**: Draft the pricing memo, by **27 Mar 2026**" in lines
    assert "- Ask a member about \\<i\\>a member\\</i\\>'s budget" in lines
    assert "keep this between us" not in text and "leaving party" not in text
    assert "*(" not in text  # no giver after any advice


def test_gather_replaces_each_mention_once_and_only_under_the_rule(record):
    store, meeting_id = record.store, record.meeting_id
    hidden = minutes.gather(store, meeting_id, chatham_house=True)
    assert hidden.names_replaced == MENTIONS and hidden.names_hidden
    assert [r.presenter for r in hidden.rounds] == [None, None]
    assert {c.owner for c in hidden.commitments} == {A_MEMBER}
    assert (hidden.present, hidden.apologies, hidden.absent) == ((), (), ())
    assert hidden.headcount is not None and hidden.headcount.present == 5
    follow = hidden.follow_through
    assert follow is not None and follow.rows == () and follow.group == (1, "100%")
    # Group minutes without the rule are as they always were: names and texts untouched.
    plain = minutes.gather(store, meeting_id)
    assert plain.names_replaced == 0 and not plain.names_hidden
    assert plain.meeting.place == "Al Brandt's office"
    assert [r.presenter for r in plain.rounds] == ["Priya Raman", "Al Brandt"]
    assert plain.rounds[0].issue.startswith("Since Sigrid Vantongeren left")
    named = minutes.render(store, meeting_id, "md")
    assert isinstance(named, str) and "Present (5):" in named
    with pytest.raises(AssertionError):  # the search the export tests rely on finds names
        assert_names_nobody(record, named, "group minutes")


def test_a_meeting_without_names_in_its_text_says_so(db_path):
    with Store(db_path) as store:
        c = store.add_cohort("Quiet Circle")
        ana = store.add_member(c.id, "Ana Lund")
        meeting = store.add_meeting(c.id, "2026-03-03")
        store.add_round(meeting.id, ana.id, HOT_SEAT.name, issue="Hiring")
        text = minutes.render(store, meeting.id, "md", chatham_house=True)
        assert isinstance(text, str)
        assert (
            "*Chatham House Rule: what was said is recorded, not who said it. "
            "No member was named in the text.*"
        ) in text
        assert "Attendance was not recorded." in text and "Ana" not in text


def test_the_groups_rate_is_rounded_on_exact_halves():
    def row(reviewed: int, credit: float) -> ScoreRow:
        rate = credit / reviewed if reviewed else None
        return ScoreRow(1, "x", reviewed, 0, rate, "", None, 0, 0)

    assert group_rate([row(20, 11.5)]) == (20, "58%")  # 57.5% exactly: half-percents round up
    assert group_rate([row(3, 1.0), row(7, 4.5), row(0, 0.0)]) == (10, "55%")
    assert group_rate([row(200, 199.5)]) == (200, "99%")  # never 100% with a miss
    assert group_rate([]) == (0, "nothing due")


# -- a member's own summary -------------------------------------------------------------------


def test_a_members_summary_shows_the_others_as_a_member(record):
    store, meeting_id = record.store, record.meeting_id
    text = minutes.render(store, meeting_id, "md", member="Priya Raman")
    assert isinstance(text, str)
    assert text.startswith("# Actions for Priya Raman")
    # "priya" stays: it is her name, and Priya Nair's first name too (replacing it could pin
    # her own words on someone else).
    assert "**Issue:** Since a member left the board, priya owns the budget." in text
    # Her own name stays, in any case and in markup; "Al" and the givers are "a member".
    assert "- Ask a member before Friday, as \\<b\\>Priya\\</b\\> did. *(a member)*" in text
    assert "- Write to a member and to a member's deputy. *(a member)*" in text
    assert "- A member had the same problem. *(a member)*" in text
    # Member mode replaces the members' own e-mails, not every address.
    assert "- Call a member and send notes to someone@unknown.example, by" in text
    assert "The other members are not named in this summary." in text
    for name in ("Al", "Brandt", "Jonas", "Okafor", "Sigrid", "Nair", "Teodor", "Wilhelmina"):
        assert not re.search(rf"\b{name}\b", text, re.IGNORECASE), name
    assert record.alias not in text
    # Her round, her commitment and the place: the mentions of others in MENTIONS, less the
    # check-in note and commitment (Jonas's), the parking lot (not in her summary), her own
    # "Priya" twice and the unknown e-mail address.
    mine = minutes.gather(store, meeting_id, member="Priya Raman")
    assert mine.names_replaced == MENTIONS - 3 - 2 - 2 - 1 == 11


def test_a_members_summary_names_the_others_when_the_group_agreed(record, tmp_path):
    store, meeting_id = record.store, record.meeting_id
    text = minutes.render(store, meeting_id, "md", member="Priya Raman", name_others=True)
    assert isinstance(text, str)
    assert "- Ask Al before Friday, as \\<b\\>Priya\\</b\\> did. *(Jonas Okafor)*" in text
    assert "Since Sigrid Vantongeren left the board" in text
    assert "not named" not in text
    # The setting the group agrees in: off unless the cohort's peerkit.toml turns it on.
    (tmp_path / "peerkit.toml").write_text('[peerkit]\ncohort = "Harbour Circle"\n')
    assert load_config(tmp_path).name_others_in_member_minutes is False
    (tmp_path / "peerkit.toml").write_text(
        '[peerkit]\ncohort = "Harbour Circle"\nname_others_in_member_minutes = true\n'
    )
    assert load_config(tmp_path).name_others_in_member_minutes is True


def test_chatham_house_wins_over_naming_the_others(record, tmp_path):
    store, meeting_id = record.store, record.meeting_id
    done = minutes.export(
        store,
        meeting_id,
        "md",
        tmp_path / "priya.md",
        member="Priya Raman",
        chatham_house=True,
        name_others=True,
        ics=True,
    )
    text = done.path.read_text(encoding="utf-8")
    assert text.startswith("# Actions for Priya Raman")
    assert "- Ask a member before Friday, as \\<b\\>Priya\\</b\\> did." in text
    assert "*(" not in text  # no giver at all under the rule
    assert "send notes to a member" in text  # any e-mail address, under the rule
    assert done.ics_path is not None
    ics = done.ics_path.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "X-WR-CALNAME:Harbour Circle\r\n" in ics and "Priya" not in ics
    others = [n for n in PEOPLE if n != "Priya Raman"]
    for name in others:
        assert name not in text and name.split()[-1] not in text, name
    assert dt.date(2026, 3, 3).isoformat() in ics


@pytest.mark.slow
def test_peerkit_minutes_in_a_folder_follows_its_naming_setting(tmp_path):
    folder = tmp_path / "circle"
    made = peerkit("init", str(folder), "--cohort", "Harbour Circle")
    assert made.returncode == 0, made.stderr
    with Store(folder / "peerkit.db") as store:
        c = store.cohort("Harbour Circle")
        ana, ben = (store.add_member(c.id, n) for n in ("Ana Ito", "Ben Cole"))
        meeting = store.add_meeting(c.id, "2026-03-03")
        rnd = store.add_round(meeting.id, ana.id, "troika consulting", issue="Pricing")
        store.add_advice(rnd.id, "Raise it; Ben Cole did", giver_id=ben.id)

    def member_minutes() -> str:
        done = peerkit("minutes", "latest", "--member", "Ana Ito", "--to", "md", cwd=folder)
        assert done.returncode == 0, done.stderr
        return (folder / "minutes" / "minutes-2026-03-03-ana-ito.md").read_text()

    assert "Ben" not in member_minutes()
    config = folder / "peerkit.toml"
    text = config.read_text()
    assert "name_others_in_member_minutes = false" in text  # peerkit init writes it, off
    config.write_text(
        text.replace(
            "name_others_in_member_minutes = false", "name_others_in_member_minutes = true"
        )
    )
    assert "Ben Cole" in member_minutes()
