"""Member pages served beside Voila: tornado handlers, no kernel per phone.

``GET  <base>peerkit/m/<token>``             the member's page
``POST <base>peerkit/m/<token>/<form>``      update, request, withdraw, progress, answer
``GET  <base>peerkit/m/<token>/minutes``     their summary of the latest meeting (``--member``)
``GET  <base>peerkit/m/<token>/calendar.ics`` the next meeting and their commitments' dates

The token in the address is the member's only key: it reaches their own page and nothing else
(the console and projector still need the facilitator's secret beyond loopback). Forms carry
tornado's XSRF token (a cookie and a hidden field that must match). A client that sends tokens
that open nothing is slowed (each such request waits longer, up to :data:`MAX_DELAY` seconds)
and logged by address, never by token; request logs name no token either.

Every store call runs on one worker thread (:data:`WORKER`), so the server's event loop keeps
answering while SQLite writes, and writes never wait on each other's locks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from tornado import web

from peerkit.links import PREFIX
from peerkit.model import Meeting, Member, PeerkitError, check_text
from peerkit.participation import DEFAULT_LIFE_AREAS, check_scores, latest_held, upcoming
from peerkit.portal.page import (
    MemberView,
    Rating,
    document,
    member_page,
    not_found,
    ratings_for,
    unavailable,
)

log = logging.getLogger("peerkit.portal")

FORMS = ("update", "request", "withdraw", "progress", "answer")
#: Bad tokens from one address: the first few are answered at once, then each waits longer.
FREE_FAILURES = 3
MAX_DELAY = 8.0
FAILURE_WINDOW = 600.0
#: How many days after a meeting its members may still rate it.
RATING_DAYS = 7

WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="peerkit-portal")
T = TypeVar("T")

HEADERS = {
    # Nothing from anywhere else, no script at all, forms only to this server.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class Portal:
    """The store and settings member pages read, opened once per server process."""

    def __init__(self, store_url: str | None = None) -> None:
        self._store: Any = None
        self._store_url = store_url
        self.failures: dict[str, list[float]] = {}
        self.areas: tuple[str, ...] = DEFAULT_LIFE_AREAS
        self.chatham_house = False
        self.name_others = False
        self.updates: Batched[Any] = Batched(
            lambda filings: self.store.file_updates(filings, areas=self.areas)
        )

    @property
    def store(self) -> Any:
        if self._store is None:
            from peerkit.settings import resolve
            from peerkit.store import Store

            settings = resolve()
            self.areas = tuple(settings.life_areas) or DEFAULT_LIFE_AREAS
            self.chatham_house = settings.chatham_house
            self.name_others = settings.name_others_in_member_minutes
            self._store = Store(
                self._store_url or settings.store_url,
                create=False,
                allowed_cohorts=settings.allowed_cohorts,
            )
        return self._store

    def failed(self, address: str, now: float) -> float:
        """Count a bad token from ``address``; the seconds its answer should wait."""
        recent = [t for t in self.failures.get(address, []) if now - t < FAILURE_WINDOW]
        recent.append(now)
        self.failures[address] = recent
        if len(self.failures) > 10_000:  # forget the oldest addresses: bounded memory
            for stale in sorted(self.failures, key=lambda a: self.failures[a][-1])[:5_000]:
                del self.failures[stale]
        extra = len(recent) - FREE_FAILURES
        if extra > 0:
            log.warning(
                "peerkit: %d links that open no page from %s in the last %d minutes",
                len(recent),
                address,
                FAILURE_WINDOW // 60,
            )
        return 0.0 if extra <= 0 else min(MAX_DELAY, 0.25 * 2 ** (extra - 1))


async def in_worker(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(WORKER, functools.partial(call, *args, **kwargs))


class Batched(Generic[T]):
    """Writes that arrive together, written together: each :meth:`submit` waits for its item
    to be committed, and the worker commits every item waiting at that moment in one
    transaction (``write_many``). A burst of members filing at once then costs one commit,
    not one each. A failed transaction fails every item in it, with its message."""

    def __init__(self, write_many: Callable[[list[T]], object]) -> None:
        self.write_many = write_many
        self.pending: list[tuple[T, asyncio.Future[None]]] = []
        self.writing = False

    async def submit(self, item: T) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((item, done))
        if not self.writing:
            self.writing = True
            asyncio.get_running_loop().create_task(self._drain())
        await done

    async def _drain(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    await in_worker(self.write_many, [item for item, _ in batch])
                except Exception as exc:
                    for _, done in batch:
                        done.set_exception(exc)
                else:
                    for _, done in batch:
                        done.set_result(None)
        finally:
            self.writing = False


class MemberHandler(web.RequestHandler):
    """A member's page and forms. Not a Jupyter handler: the member's token is the key."""

    portal: Portal

    def initialize(self, portal: Portal) -> None:
        self.portal = portal

    def set_default_headers(self) -> None:
        for name, value in HEADERS.items():
            self.set_header(name, value)

    def _request_summary(self) -> str:
        # Logs name the route, never the token.
        return f"{self.request.method} /{PREFIX}/… ({self.request.remote_ip})"

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """An unexpected failure is logged by its kind and message, never with the request
        (its address holds the member's token)."""
        if isinstance(value, web.HTTPError):
            super().log_exception(typ, value, tb)
            return
        log.error("peerkit: a member page failed (%s): %s", typ.__name__, value)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(
            document(
                "Not available",
                "<h1>This page is not available right now</h1><p>Try again in a minute; if it "
                "goes on, tell your facilitator.</p>",
            )
        )

    def check_xsrf_cookie(self) -> None:
        """Checked in :meth:`post` (after the token), so a refused form is shown again."""

    async def _member(self, token: str) -> Member | None:
        member = await in_worker(self.portal.store.member_for_token, token)
        if member is None:
            delay = self.portal.failed(self.request.remote_ip or "?", time.monotonic())
            if delay:
                await asyncio.sleep(delay)
            self.set_status(404)
            self.finish(not_found())
        return member

    async def get(self, token: str, what: str | None = None) -> None:
        member = await self._member(token)
        if member is None:
            return
        if what == "minutes":
            await self._minutes(member)
            return
        if what == "calendar.ics":
            await self._calendar(member)
            return
        if what:
            raise web.HTTPError(404)
        saved = self.get_query_argument("saved", "")
        messages = (("saved", SAVED.get(saved, "Saved.")),) if saved else ()
        await self._page(member, token, messages)

    async def post(self, token: str, what: str | None = None) -> None:
        typed = {k: self.get_body_argument(k, "") for k in self.request.body_arguments}
        typed.pop("_xsrf", None)
        try:
            member = await self._member(token)
        except PeerkitError as exc:  # the store cannot be read: give back what was sent
            self.set_status(503)
            action = self._action(token)
            form = what if what in FORMS else None
            self.finish(unavailable(str(exc), action, self.xsrf_form_html(), typed, form))
            return
        if member is None:
            return
        if what not in FORMS:
            raise web.HTTPError(404)
        try:
            web.RequestHandler.check_xsrf_cookie(self)
        except web.HTTPError:
            self.set_status(403)
            message = (
                "Nothing was saved: this form had expired or did not come from your page. "
                "Your text is below: send it again."
            )
            await self._page(member, token, (("error", message),), typed, what)
            return
        try:
            if what == "update":
                await self._file_update(member, typed)
            else:
                await in_worker(self._file, member, what, typed)
        except PeerkitError as exc:
            self.set_status(400)
            await self._page(member, token, (("error", f"Not saved: {exc}"),), typed, what)
            return
        self.redirect(
            f"{self.request.path.rsplit('/', 1)[0]}?saved={what}#{ANCHORS[what]}", status=303
        )

    # -- filing -----------------------------------------------------------------------------

    async def _file_update(self, member: Member, typed: dict[str, str]) -> None:
        """An update: checked here, then written with the others arriving at the same time."""
        areas = self.portal.areas
        scores = check_scores(areas, {area: typed.get(f"score-{area}") for area in areas})
        text = check_text(typed.get("text", ""), "Your update", allow_empty=True)
        shared = typed.get("share") == "yes"
        meeting = await in_worker(self._next_meeting, member)
        await self.portal.updates.submit((member, meeting, scores, text, shared))

    def _next_meeting(self, member: Member) -> Meeting:
        meeting = self.portal.store.next_meeting_on(member.cohort_id, dt.date.today(), create=True)
        if meeting is None:
            raise PeerkitError("No meeting is scheduled yet.")
        return meeting

    def _file(self, member: Member, what: str, typed: dict[str, str]) -> None:
        store = self.portal.store
        if what == "answer":
            meeting = _rated(store.meetings(member.cohort_id))
            if meeting is None or typed.get("meeting") != str(meeting.id):
                raise PeerkitError("This meeting is no longer open for ratings.")
            subjects = {r.subject for r in ratings_for(meeting, self._round_labels(meeting), set())}
            poll = store.open_poll(meeting.id)
            if poll is not None:
                subjects.add(poll.subject)
            if typed.get("subject") not in subjects:
                raise PeerkitError("There is nothing to rate by that name.")
            store.answer(
                member.id, meeting.id, typed["subject"], typed.get("score"), typed.get("line", "")
            )
            return
        if what == "progress":
            try:
                commitment = int(typed.get("commitment", ""))
            except ValueError:
                raise PeerkitError("No such commitment of yours.") from None
            store.mark_progress(
                member.id, commitment, typed.get("status", ""), typed.get("note", "")
            )
            return
        meeting = self._next_meeting(member)
        if what == "request":
            store.request_hot_seat(
                member.id,
                meeting.id,
                typed.get("issue", ""),
                typed.get("urgency", ""),
                typed.get("minutes", ""),
            )
        elif what == "withdraw":
            store.withdraw_request(member.id, meeting.id)

    # -- reading ----------------------------------------------------------------------------

    async def _page(
        self,
        member: Member,
        token: str,
        messages: tuple[tuple[str, str], ...],
        typed: dict[str, str] | None = None,
        form: str | None = None,
    ) -> None:
        action = self._action(token)
        try:
            view = await in_worker(self._view, member, messages, typed or {})
        except PeerkitError as exc:
            # The store cannot be read (a database restarting): what was typed is not lost.
            self.set_status(503)
            said = " ".join(text for _, text in messages)
            message = f"{said} {exc}".strip()
            self.finish(unavailable(message, action, self.xsrf_form_html(), typed, form))
            return
        self.finish(member_page(view, action, self.xsrf_form_html()))

    def _action(self, token: str) -> str:
        """The page's own address (its forms post below it)."""
        return f"{self.application.settings.get('base_url', '/').rstrip('/')}/{PREFIX}/{token}"

    def _view(
        self, member: Member, messages: tuple[tuple[str, str], ...], typed: dict[str, str]
    ) -> MemberView:
        from peerkit.minutes.follow import follow_through

        store = self.portal.store
        today = dt.date.today()
        with store.reading():
            cohort = store.cohort(member.cohort_id)
            meetings = store.meetings(member.cohort_id)
            upcoming_one = upcoming(meetings, today)
            update = request = None
            if upcoming_one is not None and upcoming_one.id:
                update = store.updates(upcoming_one.id).get(member.id)
                request = store.hot_seat_requests(upcoming_one.id).get(member.id)
            mine = store.open_commitments(member.cohort_id)
            shown = store.shown_commitment_ids(c for c, _ in mine if c.owner_id == member.id)
            mine = [(c, target) for c, target in mine if c.id in shown]
            progress = store.progress(shown)
            rated = _rated(meetings)
            ratings: tuple[Rating, ...] = ()
            poll, answered = None, set()
            if rated is not None:
                answered = store.answered(member.id, rated.id)
                ratings = ratings_for(rated, self._round_labels(rated), answered)
                poll = store.open_poll(rated.id)
            last = latest_held(meetings, today)
            history = _history(store, member, {m.id: m.date for m in meetings})
        rate_text, current, best = "", 0, 0
        if last is not None:
            follow = follow_through(store, last, [member.id])
            if follow.rows:
                row = follow.rows[0]
                rate_text, current, best = row.rate_text, row.current_streak, row.best_streak
        return MemberView(
            member=member,
            cohort=cohort.name,
            areas=self.portal.areas,
            upcoming=upcoming_one,
            update=update,
            request=request,
            commitments=tuple((c, target, progress.get(c.id)) for c, target in mine),
            ratings_meeting=rated,
            ratings=ratings,
            poll=poll,
            poll_answered=poll is not None and poll.subject in answered,
            last_meeting=last,
            rate_text=rate_text,
            current_streak=current,
            best_streak=best,
            history=history,
            messages=messages,
            typed=typed,
        )

    def _chatham(self, member: Member) -> bool:
        """Whether the cohort meets under the Chatham House Rule: its settings say so, or the
        console's switch is on."""
        screen = self.portal.store.screen(member.cohort_id)
        return bool(self.portal.chatham_house or screen.chatham_house)

    def _round_labels(self, meeting: Meeting) -> list[tuple[int, str]]:
        """The meeting's rounds that started, as "Round 1"…: no presenter, no private round."""
        store = self.portal.store
        events = store.meeting_phase_events(meeting.id)
        shown = [r for r in store.rounds(meeting.id) if not r.private and events.get(r.id)]
        return [(r.id, f"Round {i}") for i, r in enumerate(shown, 1)]

    async def _minutes(self, member: Member) -> None:
        def render() -> str | None:
            from peerkit.minutes import render as render_minutes

            store = self.portal.store
            last = latest_held(store.meetings(member.cohort_id), dt.date.today())
            if last is None:
                return None
            return str(
                render_minutes(
                    store,
                    last.id,
                    "html",
                    member=str(member.id),
                    chatham_house=self._chatham(member),
                    name_others=self.portal.name_others,
                    scores=True,
                )
            )

        text = await in_worker(render)
        if text is None:
            self.finish(document("No minutes yet", "<h1>No meeting has been held yet</h1>"))
            return
        # The minutes page carries its own inline style and charts; still nothing from outside.
        self.finish(text)

    async def _calendar(self, member: Member) -> None:
        def calendar() -> str | None:
            from peerkit.minutes.content import gather
            from peerkit.minutes.ics import calendar as ics

            store = self.portal.store
            meetings = store.meetings(member.cohort_id)
            base = latest_held(meetings, dt.date.today()) or (meetings[0] if meetings else None)
            if base is None:
                return None
            minutes = gather(
                store,
                base.id,
                member=str(member.id),
                chatham_house=self._chatham(member),
                scores=False,
            )
            return ics(minutes)

        text = await in_worker(calendar)
        if text is None:
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/calendar; charset=utf-8")
        self.set_header("Content-Disposition", "attachment; filename=peerkit.ics")
        self.finish(text)


#: How many of a member's latest reviews their page lists.
HISTORY = 6


def _rated(meetings: Sequence[Meeting]) -> Meeting | None:
    """The meeting members may rate now: the latest one held up to today, for a week."""
    today = dt.date.today()
    last = latest_held(meetings, today)
    return last if last is not None and (today - last.date).days <= RATING_DAYS else None


def _history(
    store: Any, member: Member, days: dict[int, dt.date]
) -> tuple[tuple[dt.date, str, str], ...]:
    """The member's latest reviews, newest first: (the meeting's day, the outcome, the
    commitment), private ones left out."""
    made = store.commitments(owner_id=member.id)
    shown = store.shown_commitment_ids(made)
    own = {c.id: c for c in made if c.id in shown}
    reviews = store.reviews(commitment_ids=list(own)) if own else []
    reviews.sort(key=lambda r: (days.get(r.meeting_id, dt.date.min), r.id), reverse=True)
    return tuple(
        (days[r.meeting_id], r.outcome.value, own[r.commitment_id].text)
        for r in reviews[:HISTORY]
        if r.meeting_id in days
    )


SAVED = {
    "update": "Your update is saved.",
    "request": "Your request for the hot seat is saved.",
    "withdraw": "Your request is withdrawn.",
    "progress": "Your progress is saved.",
    "answer": "Thank you: your answer is saved, without your name.",
}
ANCHORS = {
    "update": "update",
    "request": "hotseat",
    "withdraw": "hotseat",
    "progress": "commitments",
    "answer": "rate",
}


def log_request(handler: MemberHandler) -> None:
    """A member page's request in a server's log: its status, route and client, never its
    address (which holds the token)."""
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    took = 1000.0 * handler.request.request_time()
    log.log(level, "%d %s %.2fms", status, handler._request_summary(), took)


def handlers(base_url: str, portal: Portal | None = None) -> list[tuple[str, Any, dict[str, Any]]]:
    """The member pages' routes under ``base_url`` (one Portal shared by them)."""
    from jupyter_server.utils import url_path_join

    shared = {"portal": portal or Portal()}
    route = url_path_join(base_url, PREFIX, r"([A-Za-z0-9_\-]{1,128})(?:/([a-z.]+))?/?")
    return [(route, MemberHandler, shared)]
