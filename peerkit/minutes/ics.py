"""A calendar file (RFC 5545) for the minutes: the next meeting and each commitment's target date.

Written with the ``icalendar`` package: all-day events, stable UIDs (re-importing the file
updates the events instead of duplicating them), text escaped and lines folded as the RFC says.
"""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar, Event

from peerkit.minutes.content import Minutes
from peerkit.minutes.text import plain

PRODID = "-//peerkit//minutes//EN"


def calendar(minutes: Minutes) -> str:
    """The .ics text (CRLF line ends) of the events the minutes announce.

    Under the Chatham House Rule it names nobody: no owner after a commitment, no member in the
    calendar's name (a calendar file travels further than the minutes: synced, shared, kept).
    """
    stamp = minutes.generated.astimezone(dt.UTC)
    cohort = plain(minutes.cohort)
    named = minutes.member if minutes.member and not minutes.chatham_house else None
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(cohort + (" · " + named if named else "")))
    if minutes.next_meeting is not None:
        cal.add_component(
            _event(
                uid=f"meeting-{minutes.meeting.cohort_id}-{minutes.next_meeting:%Y%m%d}@peerkit",
                day=minutes.next_meeting,
                stamp=stamp,
                summary=f"{cohort}: next meeting",
                description=f"Agreed at the meeting of {minutes.meeting.date.isoformat()}.",
            )
        )
    seen: set[int] = set()
    for c in (*minutes.commitments, *minutes.still_open):
        if c.id in seen:
            continue
        seen.add(c.id)
        owner = "" if minutes.member or minutes.chatham_house else f" ({plain(c.owner)})"
        cal.add_component(
            _event(
                uid=f"commitment-{c.id}@peerkit",
                day=c.target,
                stamp=stamp,
                summary=f"Due: {plain(c.text)}{owner}",
                description=f"Commitment made at the {cohort} meeting of {c.made_on.isoformat()}.",
                categories="peerkit commitment",
            )
        )
    return cal.to_ical().decode("utf-8")


def _event(
    *,
    uid: str,
    day: dt.date,
    stamp: dt.datetime,
    summary: str,
    description: str,
    categories: str | None = None,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", _text(summary))
    event.add("description", _text(description))
    event.add("transp", "TRANSPARENT")
    if categories:
        event.add("categories", [categories])
    return event


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """Text for a TEXT value: line ends as newlines, other control characters (which RFC 5545
    does not allow) left out; icalendar escapes the rest."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
