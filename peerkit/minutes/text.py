"""Text helpers for the minutes: Markdown escaping, punctuation, dates and durations.

Everything a user typed (names, advice, issues, commitments, notes, places) goes through
:func:`md` before it is put into a Markdown cell. nbconvert renders Markdown cells with mistune,
which passes raw HTML through and turns bare URLs into links, so the escaping here makes text
stay text: HTML tags, entities, emphasis, links, autolinks, math (``$``), tables and block
markers all come out as the characters that were typed. Only what could change the meaning is
escaped, so the Markdown export still pastes cleanly into chat tools (``Founder & CEO`` stays as
it is; ``<b>`` becomes ``\\<b\\>``).
"""

from __future__ import annotations

import datetime as dt
import re

# Characters escaped wherever they are: the inline markup of CommonMark/GFM and of nbconvert's
# math plugin, raw HTML's opening and closing brackets, table pipes, heading hashes; "&" only when
# it would start an entity or character reference; the ":" of "scheme://" and the "." of
# "www." so that mistune's url plugin does not make a link of them.
_INLINE = re.compile(
    r"[\\`*_\[\]<>$|~#]|&(?=#?[A-Za-z0-9]+;)|(?<=[A-Za-z]):(?=//)|(?<=\bwww)\.",
    re.IGNORECASE,
)
# Markers that start a block when they open a line: lists, headings underlined, block quotes.
_LEADING_SIGN = re.compile(r"^([-+=])")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")


def md(text: str | None) -> str:
    """``text`` as Markdown that renders as exactly that text, on one line.

    Runs of whitespace (newlines included) become one space: every piece of user text in the
    minutes sits in a list item, a table cell or a sentence, where a newline could start a block.
    """
    if not text:
        return ""
    one_line = " ".join(str(text).split())
    escaped = _INLINE.sub(lambda m: "\\" + m.group(0), one_line)
    escaped = _LEADING_SIGN.sub(r"\\\1", escaped)
    return _LEADING_NUMBER.sub(r"\1\\\2", escaped)


def plain(text: str | None) -> str:
    """``text`` on one line, unescaped (for calendar files and titles that escape on their own)."""
    return " ".join(str(text or "").split())


def then(text: str | None, mark: str) -> str:
    """``text`` on one line, followed by ``mark`` ("," or ".") with the punctuation said once.

    A text's own full stop gives way to the mark ("…with leads." + "," → "…with leads,"); a
    "!", "?" or ellipsis ("…", "...") stays and stands for it ("Ask why?" + "," → "Ask why?").
    """
    line = plain(text)
    if line.endswith(("!", "?", "…", "..")):
        return line
    return line.removesuffix(".") + mark


def long_date(day: dt.date) -> str:
    """``Tuesday 6 October 2026`` (English, whatever the locale)."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """``6 Oct 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def clock(seconds: float) -> str:
    """``5:07`` for minutes and seconds, ``1:02:03`` past an hour."""
    total = int(round(abs(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"-{text}" if seconds < 0 and total else text


def signed_clock(seconds: float) -> str:
    """``+1:12`` over, ``−0:45`` under (a real minus sign), ``±0:00`` on time."""
    if abs(seconds) < 0.5:
        return "±0:00"
    return ("+" if seconds > 0 else "\u2212") + clock(abs(seconds))


def minutes_text(seconds: float) -> str:
    """``5 min``, ``1.5 min``, ``1 h 20 min``."""
    minutes = seconds / 60.0
    if minutes >= 60:
        hours, rest = divmod(int(round(minutes)), 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{minutes:.1f}".rstrip("0").rstrip(".") + " min"


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
