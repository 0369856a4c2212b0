"""A member's page as HTML: plain forms that work without JavaScript, on a phone, offline.

Everything the page shows is the member's own (their update, request, commitments, progress,
their minutes summary) or the group's aggregates; nothing of another member. Every text a
person typed is escaped. The page loads nothing from anywhere: its style is inline, it has no
script, and the server's Content-Security-Policy forbids anything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from peerkit.model import Commitment, Meeting, Member
from peerkit.participation import (
    MEETING_SUBJECT,
    MINUTES_RANGE,
    SCORE_RANGE,
    URGENCY_MEANINGS,
    HotSeatRequest,
    Poll,
    Progress,
    ProgressStatus,
    Update,
    Urgency,
)

STYLE = """
:root { color-scheme: light; }
body { font: 18px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #1a1a1a; background: #f6f6f4; }
main { max-width: 40rem; margin: 0 auto; padding: 0.75rem 1rem 3rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
section { background: #fff; border: 1px solid #c9c9c4; border-radius: 8px; padding: 0.75rem 1rem;
  margin: 0.75rem 0; }
label, legend { display: block; font-weight: 600; margin: 0.6rem 0 0.2rem; }
fieldset { border: 0; padding: 0; margin: 0; }
input, select, textarea, button { font: inherit; box-sizing: border-box; }
input[type=number], select, textarea, input[type=text] { width: 100%; padding: 0.5rem;
  border: 2px solid #6b6b66; border-radius: 6px; background: #fff; }
textarea { min-height: 5rem; }
.choices label { display: inline-flex; align-items: center; gap: 0.35rem; font-weight: 400;
  margin: 0.2rem 1rem 0.2rem 0; min-height: 44px; }
.choices input { width: 1.4rem; height: 1.4rem; }
button { margin-top: 0.8rem; min-height: 48px; padding: 0.5rem 1.2rem; border: 0;
  border-radius: 6px; background: #1d4f91; color: #fff; font-weight: 700; width: 100%; }
button:focus, input:focus, select:focus, textarea:focus, a:focus { outline: 3px solid #f2a900;
  outline-offset: 2px; }
.note { color: #3d3d3a; font-size: 0.95rem; }
.saved { border-left: 6px solid #1b7a3a; padding: 0.5rem 0.75rem; background: #eaf6ee; }
.error { border-left: 6px solid #b00020; padding: 0.5rem 0.75rem; background: #fdecee; }
.filed { font-weight: 600; }
a { color: #1d4f91; }
ul { padding-left: 1.2rem; }
"""

PROGRESS_LABELS = {
    ProgressStatus.DONE: "Done",
    ProgressStatus.PARTIAL: "Partly done",
    ProgressStatus.STUCK: "Stuck",
}


@dataclass(frozen=True)
class Rating:
    """Something the member may rate now: the meeting, or one round of it."""

    subject: str
    label: str
    answered: bool


@dataclass(frozen=True)
class MemberView:
    """What one member's page shows, read by peerkit.portal.web."""

    member: Member
    cohort: str
    areas: tuple[str, ...]
    upcoming: Meeting | None  # the meeting updates and requests are for
    update: Update | None
    request: HotSeatRequest | None
    commitments: tuple[tuple[Commitment, dt.date, Progress | None], ...]
    ratings_meeting: Meeting | None  # the meeting being rated (today's, or the last one)
    ratings: tuple[Rating, ...] = ()
    last_meeting: Meeting | None = None  # the latest one held (its minutes)
    rate_text: str = ""
    current_streak: int = 0
    best_streak: int = 0
    history: tuple[tuple[dt.date, str, str], ...] = ()  # (day, outcome, commitment), newest first
    poll: Poll | None = None  # the question the facilitator has put to the room now
    poll_answered: bool = False
    messages: tuple[tuple[str, str], ...] = ()  # (kind: saved|error, text)
    typed: Mapping[str, str] = field(default_factory=dict)  # a refused form's fields


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def document(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta name='referrer' content='no-referrer'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def not_found() -> str:
    return document(
        "Link not recognised",
        "<h1>This link does not open a page</h1><p>It may have been mistyped, replaced by a "
        "newer one, or withdrawn. Ask your facilitator for your personal link.</p>",
    )


def unavailable(
    message: str,
    action: str,
    xsrf_field: str,
    typed: Mapping[str, str] | None = None,
    form: str | None = None,
) -> str:
    """The page when the store cannot be read: the message, and a form that sends again what
    the member had sent (nothing typed is lost), each field shown."""
    body = [
        "<h1>Not saved yet</h1>",
        f"<p role='alert' class='error'>{escape(message)}</p>",
        "<p>Your page could not be read just now. Try again in a minute.</p>",
    ]
    if typed and form:
        fields = "".join(
            f"<input type='hidden' name='{escape(k, quote=True)}' value='{escape(v, quote=True)}'>"
            for k, v in typed.items()
        )
        shown = "".join(
            f"<li><strong>{escape(k)}</strong>: {escape(v)}</li>" for k, v in typed.items() if v
        )
        sent_to = escape(form, quote=True)
        body.append(
            f"<p>What you sent:</p><ul>{shown}</ul>"
            f"<form method='post' action='{action}/{sent_to}'>{xsrf_field}{fields}"
            "<button type='submit'>Send it again</button></form>"
        )
    return document("Not saved yet — peerkit", "".join(body))


def member_page(view: MemberView, action: str, xsrf_field: str) -> str:
    """The whole page; ``action`` is the page's own path (forms post to ``action/<form>``)."""
    first = view.member.name.split(" ")[0]
    parts = [f"<h1>{escape(first)}’s page</h1>", f"<p class='note'>{escape(view.cohort)}</p>"]
    for kind, text in view.messages:
        role = "alert" if kind == "error" else "status"
        parts.append(f"<p role='{role}' class='{kind}'>{escape(text)}</p>")
    parts.append(_poll(view, action, xsrf_field))
    parts.append(_before(view, action, xsrf_field))
    parts.append(_commitments(view, action, xsrf_field))
    parts.append(_ratings(view, action, xsrf_field))
    parts.append(_after(view, action))
    parts.append(
        "<p class='note'>This page is yours only: do not share its address. What you file here "
        "is seen by your facilitator; ratings are anonymous, and the room sees only their "
        "average once at least three members have answered.</p>"
    )
    return document(f"{first}’s page — peerkit", "".join(parts))


def _typed(view: MemberView, name: str, stored: str) -> str:
    return view.typed.get(name, stored)


def _before(view: MemberView, action: str, xsrf: str) -> str:
    meeting = view.upcoming
    if meeting is None:
        return (
            "<section aria-labelledby='next'><h2 id='next'>Next meeting</h2><p>No meeting is "
            "scheduled yet: your facilitator will add the next one.</p></section>"
        )
    where = f", {escape(meeting.place)}" if meeting.place else ""
    head = (
        f"<section aria-labelledby='next'><h2 id='next'>Next meeting: {_day(meeting.date)}"
        f"{where}</h2><p><a href='{action}/calendar.ics'>Add it to your calendar</a></p>"
        "</section>"
    )
    low, high = SCORE_RANGE
    update = view.update
    filed = (
        f"<p class='filed' role='status'>✔ Filed {_clock(update.filed_at)}: you can change it "
        "until the meeting.</p>"
        if update
        else ""
    )
    scores = []
    for i, area in enumerate(view.areas):
        name = f"score-{area}"  # an area may hold spaces: the id is its number
        stored = str(update.scores.get(area, "")) if update else ""
        value = escape(_typed(view, name, stored), quote=True)
        scores.append(
            f"<label for='area-{i}'>{escape(area.capitalize())} "
            f"({low}–{high})</label><input type='number' inputmode='numeric' min='{low}' "
            f"max='{high}' step='1' required id='area-{i}' "
            f"name='{escape(name, quote=True)}' value='{value}'>"
        )
    text = escape(_typed(view, "text", update.text if update else ""))
    share_now = view.typed.get("share") == "yes" if view.typed else bool(update and update.shared)
    shared = " checked" if share_now else ""
    update_form = (
        "<section aria-labelledby='update'><h2 id='update'>Your update</h2>"
        f"<p class='note'>How is each area of your life going, from {low} (very hard) to {high} "
        "(excellent)? And a few lines on what is going on.</p>"
        f"{filed}<form method='post' action='{action}/update'>{xsrf}{''.join(scores)}"
        f"<label for='text'>A few lines</label><textarea id='text' name='text'>{text}</textarea>"
        f"<p class='choices'><label><input type='checkbox' name='share' value='yes'{shared}> "
        "Let our coach see my own scores (otherwise only the group's average)</label></p>"
        "<button type='submit'>Save my update</button></form></section>"
    )
    request = view.request
    asked = (
        f"<p class='filed' role='status'>✔ Requested {_clock(request.filed_at)}: urgency "
        f"{request.urgency.value}, {request.minutes} minutes.</p>"
        if request
        else ""
    )
    urgency_now = _typed(view, "urgency", request.urgency.value if request else "")
    choices = "".join(
        f"<label><input type='radio' name='urgency' value='{u.value}' required"
        f"{' checked' if urgency_now == u.value else ''}> <strong>{u.value}</strong> — "
        f"{escape(URGENCY_MEANINGS[u])}</label><br>"
        for u in Urgency
    )
    low_m, high_m = MINUTES_RANGE
    issue = escape(_typed(view, "issue", request.issue if request else ""), quote=True)
    minutes = escape(_typed(view, "minutes", str(request.minutes) if request else "30"), quote=True)
    withdraw = (
        f"<form method='post' action='{action}/withdraw'>{xsrf}"
        "<button type='submit'>Withdraw my request</button></form>"
        if request
        else ""
    )
    request_form = (
        "<section aria-labelledby='hotseat'><h2 id='hotseat'>Request the hot seat</h2>"
        f"{asked}<form method='post' action='{action}/request'>{xsrf}"
        "<label for='issue'>Your issue, in a sentence</label>"
        f"<input type='text' id='issue' name='issue' maxlength='300' required value='{issue}'>"
        f"<fieldset class='choices'><legend>Urgency</legend>{choices}</fieldset>"
        f"<label for='minutes'>Minutes you need ({low_m}–{high_m})</label>"
        f"<input type='number' inputmode='numeric' id='minutes' name='minutes' min='{low_m}' "
        f"max='{high_m}' required value='{minutes}'>"
        "<button type='submit'>Request the hot seat</button></form>"
        f"{withdraw}</section>"
    )
    return head + update_form + request_form


def _poll(view: MemberView, action: str, xsrf: str) -> str:
    poll = view.poll
    if poll is None:
        return ""
    head = f"<section aria-labelledby='poll'><h2 id='poll'>Live poll: {escape(poll.question)}</h2>"
    if view.poll_answered:
        return head + "<p class='filed' role='status'>✔ Answered, thank you.</p></section>"
    choices = "".join(
        f"<label><input type='radio' name='score' value='{n}' required> {n}</label>"
        for n in range(1, poll.high + 1)
    )
    return (
        f"{head}<form method='post' action='{action}/answer'>{xsrf}"
        f"<input type='hidden' name='subject' value='{escape(poll.subject, quote=True)}'>"
        f"<input type='hidden' name='meeting' value='{poll.meeting_id}'>"
        f"<fieldset class='choices'><legend>From 1 (not at all) to {poll.high} (very much)"
        f"</legend>{choices}</fieldset><button type='submit'>Answer anonymously</button>"
        "</form></section>"
    )


def _commitments(view: MemberView, action: str, xsrf: str) -> str:
    if not view.commitments:
        return (
            "<section aria-labelledby='commitments'><h2 id='commitments'>Your commitments</h2>"
            "<p>You have no open commitments.</p></section>"
        )
    items = []
    for commitment, target, progress in view.commitments:
        cid = commitment.id
        now = progress.status.value if progress else ""
        marked = (
            f"<p class='filed' role='status'>✔ Marked {escape(PROGRESS_LABELS[progress.status])}"
            f" {_clock(progress.at)}</p>"
            if progress
            else ""
        )
        choices = "".join(
            f"<label><input type='radio' name='status' value='{s.value}' required"
            f"{' checked' if now == s.value else ''}> {escape(label)}</label>"
            for s, label in PROGRESS_LABELS.items()
        )
        note = escape(progress.note if progress else "", quote=True)
        items.append(
            f"<li><p><strong>{escape(commitment.text)}</strong><br>"
            f"<span class='note'>target {_day(target)}</span></p>{marked}"
            f"<form method='post' action='{action}/progress'>{xsrf}"
            f"<input type='hidden' name='commitment' value='{cid}'>"
            f"<fieldset class='choices'><legend>Where it stands</legend>{choices}</fieldset>"
            f"<label for='note-{cid}'>Note (optional)</label>"
            f"<input type='text' id='note-{cid}' name='note' value='{note}'>"
            "<button type='submit'>Save progress</button></form></li>"
        )
    return (
        "<section aria-labelledby='commitments'><h2 id='commitments'>Your commitments</h2>"
        f"<ul>{''.join(items)}</ul></section>"
    )


def _ratings(view: MemberView, action: str, xsrf: str) -> str:
    meeting = view.ratings_meeting
    if meeting is None or not view.ratings:
        return ""
    low, high = SCORE_RANGE
    forms = []
    for rating in view.ratings:
        if rating.answered:
            forms.append(
                f"<p class='filed' role='status'>✔ {escape(rating.label)}: rated, thank you.</p>"
            )
            continue
        ident = rating.subject.replace(":", "-")
        options = "".join(f"<option value='{n}'>{n}</option>" for n in range(high, low - 1, -1))
        forms.append(
            f"<form method='post' action='{action}/answer'>{xsrf}"
            f"<input type='hidden' name='subject' value='{escape(rating.subject, quote=True)}'>"
            f"<input type='hidden' name='meeting' value='{meeting.id}'>"
            f"<label for='score-{ident}'>{escape(rating.label)}: worth the time? "
            f"({low}–{high})</label><select id='score-{ident}' name='score' required>"
            f"<option value=''>Choose</option>{options}</select>"
            f"<label for='line-{ident}'>One line (optional)</label>"
            f"<input type='text' id='line-{ident}' name='line' maxlength='280'>"
            "<button type='submit'>Send anonymously</button></form>"
        )
    return (
        f"<section aria-labelledby='rate'><h2 id='rate'>Rate the meeting of "
        f"{_day(meeting.date)}</h2><p class='note'>Anonymous: your answer is stored without "
        f"your name.</p>{''.join(forms)}</section>"
    )


def _after(view: MemberView, action: str) -> str:
    parts = []
    if view.last_meeting is not None:
        parts.append(
            f"<p><a href='{action}/minutes'>Your summary of the meeting of "
            f"{_day(view.last_meeting.date)}</a></p>"
        )
    if view.rate_text:
        parts.append(
            f"<p>Follow-through: <strong>{escape(view.rate_text)}</strong> · current streak "
            f"{view.current_streak} meeting{'s' if view.current_streak != 1 else ''} · best "
            f"{view.best_streak}</p>"
        )
    if view.history:
        items = "".join(
            f"<li>{_day(day)}: <strong>{escape(outcome)}</strong> — {escape(text)}</li>"
            for day, outcome, text in view.history
        )
        parts.append(f"<p>Your latest check-ins:</p><ul>{items}</ul>")
    if not parts:
        return ""
    return (
        "<section aria-labelledby='after'><h2 id='after'>After the meeting</h2>"
        f"{''.join(parts)}</section>"
    )


def ratings_for(
    meeting: Meeting, round_labels: Sequence[tuple[int, str]], answered: set[str]
) -> tuple[Rating, ...]:
    """The meeting and each of its (shown) rounds, as things to rate."""
    from peerkit.participation import round_subject

    items = [Rating(MEETING_SUBJECT, "The meeting", MEETING_SUBJECT in answered)]
    for round_id, label in round_labels:
        subject = round_subject(round_id)
        items.append(Rating(subject, label, subject in answered))
    return tuple(items)


def _clock(at: float) -> str:
    moment = dt.datetime.fromtimestamp(at)
    return f"{moment:%a} {moment.day} {moment:%b}, {moment:%H:%M}"
