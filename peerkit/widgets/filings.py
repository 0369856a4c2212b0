"""What members filed from their own page, as the console and the projector show it: who has
filed an update (and its scores), who asked for the hot seat (urgency, minutes, issue), and the
room's answers to a live poll (aggregates only)."""

from __future__ import annotations

from peerkit.live import Snapshot
from peerkit.participation import MIN_ANSWERS, Aggregate, Poll
from peerkit.widgets.parts import escape


def filings_html(snap: Snapshot) -> str:
    """A line saying how many filed, a row for each member who filed something, and the names
    of those who have not (one line): the check-in below stays on the screen."""
    if snap.meeting is None:
        return ""
    members = snap.active
    if not snap.updates and not snap.requests:
        return (
            "<p role='status' class='peerkit-filings'><strong>Filed from members' pages:</strong>"
            " nothing yet (peerkit links gives each member their page).</p>"
        )
    rows = []
    quiet = []
    for member in members:
        update = snap.updates.get(member.id)
        request = snap.requests.get(member.id)
        if update is None and request is None:
            quiet.append(member.name)
            continue
        filed = "—"
        if update is not None:
            scores = ", ".join(f"{escape(a)} {v}" for a, v in update.scores.items())
            said = f" · <em>{escape(update.text)}</em>" if update.text else ""
            filed = f"✔ {scores}{said}"
        asked = (
            f"✔ <strong>{request.urgency.value}</strong>, {request.minutes} min: "
            f"{escape(request.issue)}"
            if request is not None
            else "—"
        )
        rows.append(
            f"<tr><th scope='row'>{escape(member.name)}</th><td>{filed}</td><td>{asked}</td></tr>"
        )
    filed_count = sum(1 for m in members if m.id in snap.updates)
    asked_count = sum(1 for m in members if m.id in snap.requests)
    not_yet = (
        f"<p class='peerkit-help'>Nothing filed yet: {escape(', '.join(quiet))}.</p>"
        if quiet
        else ""
    )
    return (
        "<div class='peerkit-filings'><table><caption>Filed from members' pages: "
        f"{filed_count} of {len(members)} updates, {asked_count} hot-seat "
        f"request{'s' if asked_count != 1 else ''} (urgency A, B, C)</caption><thead><tr>"
        "<th scope='col'>Member</th><th scope='col'>Update (1–10)</th>"
        "<th scope='col'>Hot seat</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{not_yet}</div>"
    )


def poll_line(poll: Poll | None, aggregate: Aggregate | None) -> str:
    """The open poll as the room sees it: the question, how many answered, and the average only
    once enough have answered (peerkit.participation.MIN_ANSWERS)."""
    if poll is None:
        return ""
    count = aggregate.count if aggregate else 0
    if aggregate is not None and aggregate.mean is not None:
        result = f"{count} answered · average <strong>{aggregate.mean:g}</strong> of {poll.high}"
    else:
        result = f"{count} answered · the average shows once {MIN_ANSWERS} have answered"
    return f"<p class='peerkit-poll' role='status'>Poll: {escape(poll.question)} — {result}</p>"
