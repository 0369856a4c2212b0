"""Minutes: what they hold, what they never hold, and that every export stays text and offline."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import needs_chromium

from peerkit import minutes
from peerkit.cli import cli, main
from peerkit.formats import get_format
from peerkit.meeting import RoundClock
from peerkit.minutes.notebook import to_notebook
from peerkit.minutes.templates import markdown2html
from peerkit.minutes.text import md
from peerkit.model import PeerkitError
from peerkit.store import Store

HOT_SEAT = get_format("mastermind hot seat")  # present 5 · questions 10 · advice 15 · commit 5
VENV_BIN = Path(sys.executable).parent
EVIL = "<img src=x onerror=alert(1)>"
ISSUE = (
    "Hiring <script>alert('x')</script> & *urgent* [link](javascript:alert(1)) "
    "https://evil.example/x www.evil.example $5m and $2m &amp; # not a heading"
)
SECRETS = (
    "SECRET-ADVICE",
    "SECRET-COMMITMENT",
    "SECRET-ISSUE",
    "SECRET-ROUND-ADVICE",
    "SECRET-ROUND-COMMITMENT",
    "SECRET-PARKING",
)
MODES = [{}, {"chatham_house": True}, {"member": "Ana"}, {"member": "Ben"}, {"member": EVIL}]


# -- a small, nasty meeting -----------------------------------------------------------------


@pytest.fixture
def record(store: Store, cohort, clock):
    """Two meetings of the test cohort, with private segments and markup in every text."""
    c, (ana, ben, chloe, dev), first = cohort
    evil = store.add_member(c.id, EVIL)
    store.update_meeting(first.id, next_date="2026-04-07")
    for who, status in ((ana, "present"), (ben, "present"), (chloe, "apologies")):
        store.set_attendance(first.id, who.id, status)
    store.set_attendance(first.id, dev.id, "present")
    store.set_attendance(first.id, evil.id, "present")

    hot = store.add_round(first.id, ana.id, HOT_SEAT.name, issue=ISSUE)
    run = RoundClock(store, hot.id, HOT_SEAT, clock)
    run.start()
    clock.advance(300)
    run.next()  # present: 5:00 of 5
    clock.advance(700)
    run.next()  # questions: 11:40 of 10
    run.extend(1)
    clock.advance(950)
    run.next()  # advice: 15:50 of 15, extended by 1 min
    clock.advance(200)
    run.next()  # commitments: 3:20 of 5, and the round is finished
    starred = store.add_advice(hot.id, "Talk to <b>HR</b> first", giver_id=ben.id)
    store.edit_advice(starred.id, starred=True)
    store.add_advice(hot.id, "I did this in 2019", giver_id=dev.id, kind="experience")
    store.add_advice(hot.id, "<img src=x onerror=alert(2)>", giver_id=evil.id, kind="question")
    store.add_advice(hot.id, "Read https://example.com/book", kind="resource")
    store.add_advice(hot.id, "SECRET-ADVICE", giver_id=ben.id, private=True)
    call = store.add_commitment(
        ana.id, first.id, "Call HR by Friday", "2026-03-20", round_id=hot.id
    )
    store.add_commitment(ana.id, first.id, "SECRET-COMMITMENT", "2026-03-21", private=True)
    send = store.add_commitment(
        ben.id, first.id, "Send Ana the <contract> template", "2026-03-25", round_id=hot.id
    )
    store.add_commitment(evil.id, first.id, f"{EVIL} does the *budget*", "2026-03-30")

    hidden = store.add_round(first.id, ben.id, HOT_SEAT.name, issue="SECRET-ISSUE", private=True)
    store.add_advice(hidden.id, "SECRET-ROUND-ADVICE", giver_id=ana.id)
    in_hidden = store.add_commitment(
        ben.id, first.id, "SECRET-ROUND-COMMITMENT", "2026-03-28", round_id=hidden.id
    )
    queued = store.add_round(first.id, dev.id, HOT_SEAT.name, issue="Time")  # never started
    store.add_advice(queued.id, "Say no more often", giver_id=ana.id)
    store.add_parking(first.id, "Book the venue <b>early</b>")
    store.add_parking(first.id, "SECRET-PARKING", private=True)

    second = store.add_meeting(c.id, "2026-04-07", place="Room <2>")
    for who in (ana, ben, dev, evil):
        store.set_attendance(second.id, who.id, "present")
    store.record_review(call.id, second.id, "done", note="Went <well>")
    store.record_review(send.id, second.id, "renegotiated", new_target_date="2026-05-05")
    private_one = next(x for x in store.commitments() if x.text == "SECRET-COMMITMENT")
    store.record_review(private_one.id, second.id, "done")
    store.record_review(in_hidden.id, second.id, "not done")
    next_round = store.add_round(second.id, dev.id, "a coach's own format", issue="Pricing")
    store.add_advice(next_round.id, "Raise prices", giver_id=ana.id)
    store.add_commitment(
        dev.id, second.id, "Dev's pricing plan", "2026-05-01", round_id=next_round.id
    )
    return store, first, second


def html_of(store, meeting_id, **kw) -> str:
    text = minutes.render(store, meeting_id, "html", **kw)
    assert isinstance(text, str)
    return text


def md_of(store, meeting_id, **kw) -> str:
    text = minutes.render(store, meeting_id, "md", **kw)
    assert isinstance(text, str)
    return text


class Page(HTMLParser):
    """Every tag with its attributes, and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


# -- safety: text stays text, nothing leaves the machine -------------------------------------


@pytest.mark.parametrize("mode", MODES, ids=["group", "chatham", "ana", "ben", "evil"])
def test_html_holds_no_script_no_handler_and_no_external_url(record, mode):
    store, first, second = record
    for meeting in (first, second):
        page = Page(html_of(store, meeting.id, **mode))
        names = [tag for tag, _ in page.tags]
        assert "script" not in names and "iframe" not in names and "object" not in names
        assert "link" not in names  # stylesheets are inlined
        for tag, attrs in page.tags:
            for name, value in attrs.items():
                assert not name.startswith("on"), (tag, name, value)
                if name in ("src", "href", "action", "srcset", "poster", "data"):
                    assert value and (value.startswith("data:") or value.startswith("#")), (
                        tag,
                        name,
                        value,
                    )
        imgs = [attrs for tag, attrs in page.tags if tag == "img"]
        assert all(a.get("src", "").startswith("data:image/") for a in imgs)


def test_markup_in_user_text_comes_out_as_the_text_typed(record):
    store, first, _ = record
    page = Page(html_of(store, first.id))
    text = page.visible
    assert EVIL in text  # the name, as characters
    assert " ".join(ISSUE.split()) in text
    assert "Talk to <b>HR</b> first" in text
    assert "<img src=x onerror=alert(2)>" in text
    assert "Book the venue <b>early</b>" in text
    assert not any(tag in ("b", "a") for tag, _ in page.tags)  # no markup from the users


def test_html_is_one_page_for_phone_and_paper(record):
    store, first, _ = record
    html = html_of(store, first.id)
    page = Page(html)
    metas = {
        a.get("name") or a.get("http-equiv"): a.get("content") for t, a in page.tags if t == "meta"
    }
    assert "width=device-width" in metas["viewport"]
    assert "default-src 'none'" in metas["Content-Security-Policy"]
    assert "@media print" in html and "@page" in html
    assert "require" not in html and "mathjax" not in html.lower() and "cdn" not in html.lower()
    assert html.startswith("<!DOCTYPE html>")


def random_text(rng: random.Random) -> str:
    pieces = [
        "<",
        ">",
        "&",
        "&amp;",
        "&#60;",
        "*",
        "**",
        "_",
        "`",
        "[",
        "]",
        "(",
        ")",
        "!",
        "#",
        "|",
        "$",
        "$$",
        "~~",
        "\\",
        "\\(",
        "\\[",
        "---",
        "===",
        "1.",
        "- ",
        "+ ",
        "> ",
        "\n",
        "  ",
        "http://x.y",
        "https://a.b/c?d=e",
        "www.w.org",
        "a@b.org",
        "<script>",
        "</p>",
        "{{ x }}",
        "{% if %}",
        "javascript:alert(1)",
        "src=files/x",
        "\t",
        "é",
        "★",
        "word",
    ]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))


# What nbconvert's Markdown filter would read as LaTeX math: an unescaped "$", "\\[" or "\\("
# after an escaped backslash, "\\begin{".
MATH = re.compile(r"(?<!\\)\$|\\\\[\[(]|\\begin\{")


def test_any_text_renders_as_itself_and_as_nbconverts_filter_renders_it():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rng = random.Random(5)
    compared = 0
    for _ in range(400):
        raw = random_text(rng)
        expected = " ".join(raw.split())
        if not expected:
            continue
        source = f"- {md(raw)}"
        ours = markdown2html(source)
        page = Page(ours)
        assert [t for t, _ in page.tags] == ["ul", "li"], (raw, ours)
        assert page.visible == expected, (raw, ours)
        if not MATH.search(source):  # nbconvert's filter adds math, which minutes never hold
            assert ours == markdown2html_mistune(source), raw
            compared += 1
    assert compared > 250


# -- what the minutes hold -------------------------------------------------------------------


@pytest.mark.slow
def test_private_segments_never_appear_in_any_export(record, tmp_path):
    store, first, second = record
    for meeting in (first, second):
        for mode in MODES:
            for to in ("html", "md"):
                text = minutes.render(store, meeting.id, to, **mode)
                assert isinstance(text, str)
                assert not any(s in text for s in SECRETS), (meeting.date, mode, to)
            done = minutes.export(store, meeting.id, "md", tmp_path / "m.md", ics=True, **mode)
            assert done.ics_path is not None
            ics = done.ics_path.read_text(encoding="utf-8")
            assert not any(s in ics for s in SECRETS)
            notebook = json.dumps(minutes.build(store, meeting.id, **mode))
            assert not any(s in notebook for s in SECRETS)


def test_markdown_has_a_heading_per_round_and_lists(record):
    store, first, second = record
    text = md_of(store, first.id)
    lines = text.splitlines()
    assert lines[0] == "# Minutes: Test Circle"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## Attendance",
        "## Check-in",
        "## Round 1: Ana",  # the private round is not there, nor its number
        "## Round 2: Dev",
        "## Other commitments",
        "## Parking lot",
        "## Next meeting",
        "## Follow-through",
    ]
    assert "### Time used" in lines and "### Advice" in lines and "### Commitments" in lines
    assert "- **Present (4):** \\<img src=x onerror=alert(1)\\>, Ana, Ben, Dev" in lines
    assert "- **Apologies (1):** Chloe" in lines
    assert "- Present: 5:00 of 5 min (±0:00)" in lines
    assert "- Clarifying questions: 11:40 of 10 min (+1:40)" in lines
    assert "- Advice: 15:50 of 15 min (+0:50), extended by 1 min" in lines
    assert "- Commitments: 3:20 of 5 min (\u22121:40)" in lines
    assert "- **Ana**: Call HR by Friday, by **20 Mar 2026**" in lines
    assert "**Tuesday 7 April 2026**" in lines
    # Markup is escaped, nothing else is: it pastes into chat as it reads.
    assert "- ★ Talk to \\<b\\>HR\\</b\\> first *(Ben)*" in lines
    assert "Founder & CEO" in md("Founder & CEO")
    assert not re.search(r"(?<!\\)<", text)


def test_advice_is_grouped_by_kind_with_starred_first(record):
    store, first, _ = record
    text = md_of(store, first.id)
    advice = text.split("### Advice")[1].split("### Commitments")[0]
    kinds = re.findall(r"^\*\*(\w+)\*\*$", advice, re.MULTILINE)
    assert kinds == ["Suggestions", "Experience", "Questions", "Resources"]
    assert advice.index("★ Talk to") < advice.index("I did this")
    assert "Read https\\://example.com/book" in advice  # anonymous: no name after it


def test_checkin_shows_each_review_and_its_outcome(record):
    store, _, second = record
    text = md_of(store, second.id)
    checkin = text.split("## Check-in")[1].split("## Round")[0]
    assert "2 commitments reviewed: 1 done, 1 renegotiated." in checkin
    assert "- **Ana**: Call HR by Friday (from 3 Mar 2026): **done**. *Went \\<well\\>*" in checkin
    assert "**renegotiated**, new target 5 May 2026" in checkin
    assert "Room \\<2\\>" in text
    # A format this machine does not know: no phases, but no crash either.
    assert "a coach's own format is not known here" in text


def test_chatham_house_names_no_giver_next_to_any_advice(record):
    store, first, second = record
    names = [m.name for m in store.members()]
    for meeting in (first, second):
        plain = md_of(store, meeting.id)
        assert "*(Ben)*" in plain or meeting is second
        text = md_of(store, meeting.id, chatham_house=True)
        assert "Chatham House Rule" in text
        for block in text.split("### Advice")[1:]:
            advice = block.split("###")[0]
            for name in names:
                assert md(name) not in advice, name
        page = Page(html_of(store, meeting.id, chatham_house=True))
        assert "Chatham House Rule" in page.visible


def test_member_mode_holds_that_members_actions_and_no_one_elses_commitments(record):
    store, first, second = record
    ana = md_of(store, first.id, member="Ana")
    assert ana.startswith("# Actions for Ana")
    assert "Call HR by Friday" in ana and "20 Mar 2026" in ana
    assert "Talk to \\<b\\>HR\\</b\\> first" in ana  # advice Ana received
    assert "Send Ana the" not in ana and "budget" not in ana and "Dev's pricing" not in ana
    assert "## Attendance" not in ana and "## Parking lot" not in ana

    dev = md_of(store, first.id, member="Dev")
    assert "### Round 2: Dev" in dev and "This round did not start." in dev
    # The other members are "a member" unless the group agreed to be named (name_others).
    assert "Say no more often *(a member)*" in dev and "Call HR" not in dev
    assert "Say no more often *(Ana)*" in md_of(store, first.id, member="Dev", name_others=True)

    ben = md_of(store, first.id, member="Ben")
    assert "You did not present at this meeting." in ben
    assert "Send a member the \\<contract\\> template" in ben and "Call HR" not in ben
    assert "1 mention of other members' names or e-mail addresses was replaced" in ben

    later = md_of(store, second.id, member="ben")  # names match whatever the case
    assert "## Still open from earlier meetings" in later
    assert (
        "Send a member the \\<contract\\> template (from 3 Mar 2026), due **5 May 2026**" in later
    )
    assert "Call HR" not in later and "Dev's pricing" not in later
    named = md_of(store, second.id, member="ben", name_others=True)
    assert "Send Ana the \\<contract\\> template" in named

    with pytest.raises(PeerkitError, match="No member named 'Zed'"):
        minutes.render(store, first.id, "md", member="Zed")


def test_follow_through_leaves_private_commitments_out_of_the_record(record):
    store, _, second = record
    text = md_of(store, second.id)
    summary = text.split("## Follow-through")[1]
    # Ana's private commitment was reviewed "done": her record counts only Call HR.
    assert "- **Ana**: 100% done over 1 review" in summary
    # Ben's "not done" on the commitment made in the private round is out too; what is left is
    # a renegotiation after the due date, which counts as a miss.
    assert "- **Ben**: 0% done over 1 review" in summary
    assert "At this check-in: 50% done over 2 commitments reviewed" in summary


# -- one renderer: peerkit minutes, the console and jupyter nbconvert ---------------------------


def test_nbconverts_exporters_give_the_bytes_peerkit_minutes_gives(demo_db, record):
    import nbformat

    from peerkit.minutes.exporter import MinutesExporter, MinutesMarkdownExporter

    exporters = {"html": MinutesExporter(), "md": MinutesMarkdownExporter()}
    with Store(demo_db, create=False) as store:
        for meeting in store.meetings()[-4:]:
            for mode in ({}, {"chatham_house": True}, {"member": "Priya Raman"}):
                notebook = to_notebook(minutes.gather(store, meeting.id, **mode))
                for to, exporter in exporters.items():
                    theirs, resources = exporter.from_notebook_node(nbformat.from_dict(notebook))
                    assert theirs == minutes.convert(notebook, to)
                    assert resources["output_extension"] == minutes.TARGETS[to]


def test_a_hand_edited_notebook_shows_its_math_and_code_as_text_or_not_at_all(record):
    store, first, _ = record
    notebook = to_notebook(minutes.gather(store, first.id))
    notebook["cells"] += [
        {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "Euler: $e^{i\\pi}$"},
        {"cell_type": "code", "id": "c", "metadata": {}, "source": "SECRET-CODE", "outputs": []},
        {"cell_type": "raw", "id": "r", "metadata": {}, "source": "<script>alert(1)</script>"},
    ]
    html = minutes.convert(notebook, "html")
    assert isinstance(html, str)
    assert "Euler: $e^{i\\pi}$" in Page(html).visible
    assert "SECRET-CODE" not in html and "<script>" not in html


def test_no_second_renderer_no_switch_on_imports_and_no_cache_in_home(record, tmp_path):
    folder = Path(minutes.__file__).parent
    for path in folder.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "sys.modules" not in source, path.name
        assert "bytecode_cache" not in source and "BytecodeCache" not in source, path.name
    assert not (folder / "lean.py").exists()
    # content uses follow (the scores), never the reverse: no import cycle between them.
    assert "peerkit.minutes.content" not in (folder / "follow.py").read_text(encoding="utf-8")
    store, first, _ = record
    home = tmp_path / "home"
    home.mkdir()
    code = (
        "from peerkit.store import Store\n"
        "from peerkit import minutes\n"
        f"s = Store({store.url!r}, create=False)\n"
        f"minutes.export(s, {first.id}, 'html', {str(tmp_path / 'x.html')!r})\n"
    )
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert list(home.iterdir()) == []


def test_a_cohorts_templates_override_peerkits(record, tmp_path):
    store, first, _ = record
    (tmp_path / "index.html.j2").write_text(
        "{%- extends 'minutes.html.j2' -%}\n"
        "{% block colophon %}<footer>Coached by Jo</footer>{% endblock colophon %}\n",
        encoding="utf-8",
    )
    (tmp_path / "cohort.css").write_text("h1 { color: #123456; }", encoding="utf-8")
    (tmp_path / "index.md.j2").write_text(
        "{%- extends 'minutes.md.j2' -%}\n{% block md_footer %}-- Jo{% endblock md_footer %}\n",
        encoding="utf-8",
    )
    html = html_of(store, first.id, template_dirs=[tmp_path])
    assert "<footer>Coached by Jo</footer>" in html and "#123456" in html
    assert "Made with peerkit" not in html
    text = minutes.render(store, first.id, "md", template_dirs=[tmp_path])
    assert isinstance(text, str) and text.rstrip().endswith("-- Jo")
    assert "Coached by Jo" not in html_of(store, first.id)  # nothing sticks to later exports
    # The layout a cohort folder's templates/README.md shows: a peerkit-minutes/ subfolder.
    folder = tmp_path / "cohort-templates"
    (folder / "peerkit-minutes").mkdir(parents=True)
    (folder / "peerkit-minutes" / "index.html.j2").write_text(
        '{%- extends "peerkit-minutes/minutes.html.j2" -%}\n'
        "{%- block closing -%}<p>Our next retreat is in June.</p>{%- endblock closing -%}\n",
        encoding="utf-8",
    )
    html = html_of(store, first.id, template_dirs=[folder])
    assert "<p>Our next retreat is in June.</p>" in html and "Made with peerkit" in html
    with pytest.raises(PeerkitError, match="does not exist"):
        minutes.render(store, first.id, template_dirs=[tmp_path / "nope"])


@pytest.mark.slow
def test_jupyter_nbconvert_exports_a_minutes_notebook(record, tmp_path):
    import nbformat

    store, first, _ = record
    notebook = minutes.build(store, first.id)
    nbformat.validate(notebook)
    path = tmp_path / "minutes.ipynb"
    nbformat.write(notebook, path)
    result = subprocess.run(
        [str(VENV_BIN / "jupyter"), "nbconvert", "--to", "peerkit-minutes", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "minutes.html").read_text(encoding="utf-8")
    assert html == html_of(store, first.id)
    assert EVIL in Page(html).visible


def test_an_export_does_not_import_nbconvert_or_jsonschema(demo_copy, tmp_path):
    code = (
        "import sys\n"
        "from peerkit.store import Store\n"
        "from peerkit import minutes\n"
        f"s = Store({str(demo_copy)!r}, create=False)\n"
        f"minutes.export(s, s.find_meeting('latest').id, 'html', {str(tmp_path / 'x.html')!r})\n"
        "heavy = ('nbconvert', 'nbformat', 'nbclient', 'jupyter_client', 'jsonschema',"
        " 'bs4', 'bleach', 'altair')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "x.html").stat().st_size > 1000


# -- calendar, PDF, charts --------------------------------------------------------------------


def test_ics_holds_the_next_meeting_and_each_target_date(record, tmp_path):
    import icalendar

    store, first, _ = record
    done = minutes.export(store, first.id, "md", tmp_path / "m.md", ics=True)
    assert done.ics_path == tmp_path / "m.ics"
    cal = icalendar.Calendar.from_ical(done.ics_path.read_bytes())
    events = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in cal.walk("VEVENT")}
    assert events == {
        "Test Circle: next meeting": dt.date(2026, 4, 7),
        "Due: Call HR by Friday (Ana)": dt.date(2026, 3, 20),
        "Due: Send Ana the <contract> template (Ben)": dt.date(2026, 3, 25),
        f"Due: {EVIL} does the *budget* ({EVIL})": dt.date(2026, 3, 30),
    }
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    assert all(len(line) <= 75 for line in done.ics_path.read_bytes().split(b"\r\n"))

    mine = minutes.export(store, first.id, "md", tmp_path / "ana.md", ics=True, member="Ana")
    assert mine.ics_path is not None
    cal = icalendar.Calendar.from_ical(mine.ics_path.read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == [
        "Due: Call HR by Friday",
        "Test Circle: next meeting",
    ]


@pytest.mark.slow
def test_pdf_holds_the_members_and_the_commitments(record, tmp_path):
    needs_chromium()
    from pypdf import PdfReader

    store, first, second = record
    done = minutes.export(store, first.id, "pdf", tmp_path / "m.pdf")
    assert done.path.read_bytes().startswith(b"%PDF")
    reader = PdfReader(done.path)
    text = unicodedata.normalize(
        "NFKC", " ".join(page.extract_text() or "" for page in reader.pages)
    )
    text = " ".join(text.split())
    for name in ("Ana", "Ben", "Chloe", "Dev", EVIL):
        assert name in text, name
    for commitment in ("Call HR by Friday", "Send Ana the <contract> template"):
        assert commitment in text, commitment
    assert not any(s in text for s in SECRETS)


@pytest.mark.slow
def test_pdf_prints_inside_a_running_event_loop(record, tmp_path):
    """A kernel's thread always runs an asyncio loop (a notebook cell, a widget callback), where
    Playwright's sync API refuses to start: the print runs on a worker thread of its own."""
    import asyncio

    needs_chromium()
    store, first, _ = record

    async def cell() -> minutes.Exported:
        return minutes.export(store, first.id, "pdf", tmp_path / "m.pdf")

    done = asyncio.run(cell())
    assert done.path.read_bytes().startswith(b"%PDF")


def test_pdf_without_chromium_says_how_to_get_it(record, tmp_path, monkeypatch):
    store, first, _ = record
    monkeypatch.setenv("PEERKIT_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(PeerkitError, match="apt-get install chromium"):
        minutes.export(store, first.id, "pdf", tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()


@pytest.mark.slow
def test_charts_are_inline_svg_described_in_words(record):
    store, first, _ = record
    html = html_of(store, first.id, charts=True)
    page = Page(html)
    imgs = [a for t, a in page.tags if t == "img"]
    assert len(imgs) == 2  # round 1's time, the members' follow-through
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in imgs)
    assert imgs[0]["alt"].startswith("Round 1, planned and used time: Present 5:00 of 5 min")
    assert EVIL in imgs[1]["alt"]
    assert not any(s in html for s in SECRETS)
    assert "data:image" not in md_of(store, first.id, charts=True)  # Markdown stays text


# -- the command -------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_writes_minutes_named_by_date_in_the_current_folder(demo_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("minutes", "latest", "--db", str(demo_copy))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Wrote minutes-2026-10-06.html"
    assert Page((tmp_path / "minutes-2026-10-06.html").read_text()).visible.startswith(
        "Confidential"
    )
    result = run("minutes", "2026-09-01", "--db", str(demo_copy), "--to", "md", "--ics")
    assert result.output.strip() == "Wrote minutes-2026-09-01.md and minutes-2026-09-01.ics"
    text = (tmp_path / "minutes-2026-09-01.md").read_text()
    assert text.startswith("# Minutes: Northstar CTO Circle")
    result = run(
        "minutes",
        "1",
        "--db",
        str(demo_copy),
        "--to",
        "md",
        "--member",
        "Priya Raman",
        "--chatham-house",
        "-o",
        "priya.md",
    )
    assert result.exit_code == 0 and (tmp_path / "priya.md").read_text().startswith(
        "# Actions for Priya Raman"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2030-01-01"], "No meeting on 2030-01-01."),
        (["999"], "No meeting with id 999"),
        (["yesterday"], "is not a date"),
        (["latest", "--to", "docx"], "Cannot export minutes to 'docx': use one of html, md, pdf."),
        (["latest", "--member", "Zed"], "No member named 'Zed'"),
        (["latest", "-o", "/no/such/folder/m.html"], "does not exist"),
    ],
)
def test_cli_errors_are_one_plain_line(demo_copy, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["minutes", *args, "--db", str(demo_copy)])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Error: ") and message in err
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_missing_store(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["minutes", "latest", "--db", str(tmp_path / "none.db")])
    assert exit_info.value.code == 1
    assert "No peerkit store at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_cli_in_a_cohort_folder_uses_its_store_templates_and_settings(
    demo_db, tmp_path, monkeypatch
):
    (tmp_path / "peerkit.toml").write_text(
        "[peerkit]\n"
        'cohort = "Northstar CTO Circle"\n'
        f'store = "sqlite:///{demo_db}"\n'
        "chatham_house = true\n",
        encoding="utf-8",
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cohort.css").write_text("h1 { color: #654321; }")
    monkeypatch.chdir(tmp_path)
    result = run("minutes", "latest", "-o", "m.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "#654321" in html and "Chatham House Rule" in html
