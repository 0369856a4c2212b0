"""Minutes say each punctuation mark once: a commitment typed with its own full stop, "!", "?"
or ellipsis is not followed by another mark ("…with leads., by 31 Dec")."""

from __future__ import annotations

import re
from html import unescape

import pytest

from peerkit import minutes
from peerkit.minutes.text import then

#: What a facilitator typed, and how the commitment's line reads before "by <date>".
TYPED = {
    "Call three leads.": "Call three leads, by",
    "Ship the pilot!": "Ship the pilot! by",
    "Ask the board for a budget?": "Ask the board for a budget? by",
    "Think about hiring…": "Think about hiring… by",
    "Draft the memo...": "Draft the memo... by",
    "Book the offsite": "Book the offsite, by",
}


@pytest.mark.parametrize(
    ("typed", "comma", "stop"),
    [
        ("Call three leads.", "Call three leads,", "Call three leads."),
        ("Ship the pilot!", "Ship the pilot!", "Ship the pilot!"),
        ("Ask why?", "Ask why?", "Ask why?"),
        ("Think about hiring…", "Think about hiring…", "Think about hiring…"),
        ("Draft the memo...", "Draft the memo...", "Draft the memo..."),
        ("Book the offsite", "Book the offsite,", "Book the offsite."),
    ],
)
def test_a_sentence_mark_is_said_once(typed, comma, stop):
    assert then(typed, ",") == comma
    assert then(f"  {typed}\n", ".") == stop


@pytest.fixture
def met(store, cohort):
    """A round in which Ana commits to each of TYPED, and is advised in sentences."""
    c, (ana, ben, *_), meeting = cohort
    rnd = store.add_round(meeting.id, ana.id, "troika consulting", issue="Pipeline")
    for text in TYPED:
        store.add_commitment(ana.id, meeting.id, text, "2026-03-31", round_id=rnd.id)
    store.add_advice(rnd.id, "Start with warm leads!", giver_id=ben.id)
    store.add_advice(rnd.id, "Name the risk before the price.", giver_id=ben.id)
    return store, meeting


def _shown(text: str) -> str:
    """The minutes' visible text, one line (tags and Markdown's escapes and stars dropped)."""
    text = re.sub(r"<style.*?</style>", "", text, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", "", text)).replace("*", "").replace("\\", "")
    return " ".join(text.split())


@pytest.mark.parametrize("to", ["md", "html"])
def test_the_minutes_punctuate_commitments_and_advice_once(met, to):
    store, meeting = met
    rendered = minutes.render(store, meeting.id, to)
    assert isinstance(rendered, str)
    shown = _shown(rendered)
    for line in TYPED.values():
        assert f"Ana: {line} 31 Mar 2026" in shown, line
    assert "Start with warm leads! (Ben)" in shown
    assert "Name the risk before the price. (Ben)" in shown
    assert not re.search(r"[.!?…][.,]", shown.replace("...", "…")), shown
