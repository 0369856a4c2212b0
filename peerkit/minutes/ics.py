"""A calendar file (RFC 5545) for the minutes: the next meeting and each commitment's target date.

Written by hand (no runtime dependency): all-day events, stable UIDs (re-importing the file
updates the events instead of duplicating them), text escaped and lines folded as the RFC says.
"""

from __future__ import annotations

import datetime as dt
import re

from peerkit.minutes.content import Minutes
from peerkit.minutes.text import plain

PRODID = "-//peerkit//minutes//EN"


def calendar(minutes: Minutes) -> str:
    """The .ics text (CRLF line ends) of the events the minutes announce.

    Under the Chatham House Rule it names nobody: no owner after a commitment, no member in the
    calendar's name (a calendar file travels further than the minutes: synced, shared, kept).
    """
    stamp = minutes.generated.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    cohort = plain(minutes.cohort)
    named = minutes.member if minutes.member and not minutes.chatham_house else None
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(cohort + (' · ' + named if named else ''))}",
    ]
    if minutes.next_meeting is not None:
        lines += _event(
            uid=f"meeting-{minutes.meeting.cohort_id}-{minutes.next_meeting:%Y%m%d}@peerkit",
            day=minutes.next_meeting,
            stamp=stamp,
            summary=f"{cohort}: next meeting",
            description=f"Agreed at the meeting of {minutes.meeting.date.isoformat()}.",
        )
    seen: set[int] = set()
    for c in (*minutes.commitments, *minutes.still_open):
        if c.id in seen:
            continue
        seen.add(c.id)
        owner = "" if minutes.member or minutes.chatham_house else f" ({plain(c.owner)})"
        lines += _event(
            uid=f"commitment-{c.id}@peerkit",
            day=c.target,
            stamp=stamp,
            summary=f"Due: {plain(c.text)}{owner}",
            description=f"Commitment made at the {cohort} meeting of {c.made_on.isoformat()}.",
            categories="peerkit commitment",
        )
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(
    *,
    uid: str,
    day: dt.date,
    stamp: str,
    summary: str,
    description: str,
    categories: str | None = None,
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_text(summary)}",
        f"DESCRIPTION:{_text(description)}",
        "TRANSP:TRANSPARENT",
    ]
    if categories:
        lines.append(f"CATEGORIES:{_text(categories)}")
    lines.append("END:VEVENT")
    return lines


_SPECIAL = re.compile(r"([\\;,])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon and comma escaped, newlines as \\n."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _SPECIAL.sub(r"\\\1", value).replace("\n", "\\n")


def _fold(line: str, limit: int = 75) -> str:
    """Fold a content line at ``limit`` octets without splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= limit:
        return line
    parts: list[str] = []
    start, width = 0, limit
    while start < len(data):
        end = min(start + width, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # do not cut inside a multi-byte character
        parts.append(data[start:end].decode("utf-8"))
        start, width = end, limit - 1  # continuation lines start with one space
    return "\r\n ".join(parts)
