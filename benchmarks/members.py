"""Members at scale: 200 members sending their update at once to one `peerkit serve` server.

The issue's target, on this machine: 200 members submitting updates at once against one server,
p95 <= 200 ms per request, no submission lost or stored twice, and the server's memory growth
bounded (no kernel per member: member pages are tornado handlers beside Voila, peerkit.portal).

One run builds a fresh SQLite store in a temporary folder (cohorts of 12 members, a meeting for
each cohort a few days ahead, a link for every member), starts one server on it with
``peerkit.serve.running_server`` (as ``peerkit serve``: the store in $PEERKIT_DB), and drives it
from this process with one keep-alive connection per member and one thread: every request of a
burst is written in one go (a few ms for all of them) and each answer is timed from its own
request's send to its last byte, as the epoll loop sees it -- no client thread per member taking
the server's two cores or the GIL.

  warm-up        the first member opens their page, sends an update, fetches voila.js (not counted);
                 then the server's RSS (/proc/PID/status) is taken;
  alone          one request at a time (--alone of them): a member's page, an update, voila.js:
                 what one request costs when nothing else is going on;
  rounds         --rounds times: every member opens their page at once (their XSRF cookie and
                 form), then every member sends an update at once (new scores and text each
                 round, so a doubled or stale row would show); and, side by side with the same
                 concurrency, every connection fetches Voila's static voila.js at once -- the
                 baseline: what the same server answers as fast as it can. The two bursts take
                 turns going first.

Then: the server's RSS again, its child processes (kernels: must be none), and, with the server
stopped, the store: each member's stored update must be their last one acknowledged (a 303 to
``?saved=update``), one row per member and meeting, no meeting added. Last, where a request's
time goes: the server's CPU time in each burst (its event-loop thread apart from its other
threads, where the portal's one store worker runs), and the store calls each request makes,
timed one at a time in this process.

    .venv/bin/python benchmarks/members.py                        # 200 members, 3 rounds
    .venv/bin/python benchmarks/members.py --members 50           # a smaller crowd
    .venv/bin/python benchmarks/members.py --members 200 --rounds 5 --alone 30

The issue's second target, in the same script: `peerkit remind` for 50 cohorts x 12 members
against a local SMTP server, a figure per message. A second store (--cohorts cohorts of 12
members, each with an e-mail address and a link, a meeting held 11 days ago where each made two
commitments, the next meeting 3 days ahead) and a real SMTP server (aiosmtpd on 127.0.0.1, in a
process of its own, that accepts every message and keeps it for the check). Then, --remind-rounds
times, side by side and taking turns going first:

  peerkit        what `peerkit remind` does for each cohort: ``build_reminders`` (personal links
                 made again from the link key), then ``send`` over one connection (smtp_tls
                 "none", no login): build and send timed apart;
  baseline       the same number of minimal messages (same recipients, a one-line body, built
                 beforehand) sent with plain ``smtplib.SMTP`` over one connection: what sending
                 alone costs;
  dry run        ``build_reminders`` then ``write_eml`` into a temporary folder (--dry-run).

The store is opened once for all cohorts (a `peerkit remind` run opens it once, for its one
cohort); a warm-up cohort goes down each path first, not counted.

Each round, the server must have received exactly one message per member on peerkit's path, to
that member only (envelope and To header), holding that member's own link.

    .venv/bin/python benchmarks/members.py                        # both parts
    .venv/bin/python benchmarks/members.py --remind-only          # only peerkit remind
    .venv/bin/python benchmarks/members.py --members-only         # only the 200 members
    .venv/bin/python benchmarks/members.py --remind-only --cohorts 10 --remind-rounds 5

A script, not a test: prints the figures; exits 1 if an update was lost or doubled, a response
was not the one expected, or the server started a kernel; or if a reminder was not received
exactly once by its member (or not sent, or a member was left out), or a dry run did not write
one file per member. Latency, memory and time per message are reported, not asserted (the
machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing
import os
import platform
import re
import secrets
import selectors
import shutil
import smtplib
import socket
import ssl
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from multiprocessing.connection import Connection as PipeEnd
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import sqlalchemy as sa  # noqa: E402
from dashboard import descendants  # noqa: E402

from peerkit.links import PREFIX, link_url  # noqa: E402
from peerkit.participation import new_link_key  # noqa: E402
from peerkit.remind import (  # noqa: E402
    KIND_HEADER,
    SMTP_TIMEOUT,
    SmtpConfig,
    build_reminders,
    send,
    write_eml,
)
from peerkit.serve import HEALTH_PATH, running_server  # noqa: E402
from peerkit.settings import notebooks_dir  # noqa: E402
from peerkit.store import Store  # noqa: E402

TARGET_MS = 200.0
COHORT_SIZE = 12
DAYS_AHEAD = 3
TIMEOUT_S = 300.0  # a hung server, not a slow one: latency is reported, never asserted
XSRF_FIELD = re.compile(r'name="_xsrf" value="([^"]+)"')
SCORE_FIELD = re.compile(r"""name=['"](score-[^'"]+)['"]""")


# --------------------------------------------------------------------------------------------
# The store


@dataclass(frozen=True)
class Crowd:
    db: Path
    tokens: dict[int, str]  # member id -> link token
    meeting_of: dict[int, int]  # member id -> the meeting their update is filed for
    meetings: dict[int, int]  # cohort id -> meetings it had before the run


def build(db: Path, members: int) -> Crowd:
    key = new_link_key()
    day = dt.date.today() + dt.timedelta(days=DAYS_AHEAD)
    tokens: dict[int, str] = {}
    meeting_of: dict[int, int] = {}
    meetings: dict[int, int] = {}
    with Store(str(db)) as store:
        for c in range((members + COHORT_SIZE - 1) // COHORT_SIZE):
            cohort = store.add_cohort(f"Cohort {c + 1:02d}")
            meeting = store.add_meeting(cohort.id, day)
            meetings[cohort.id] = 1
            for n in range(min(COHORT_SIZE, members - c * COHORT_SIZE)):
                member = store.add_member(
                    cohort.id, f"Member {n + 1:02d}", email=f"m{c + 1}-{n + 1}@example.org"
                )
                tokens[member.id] = store.issue_link(member.id, key)
                meeting_of[member.id] = meeting.id
    return Crowd(db, tokens, meeting_of, meetings)


# --------------------------------------------------------------------------------------------
# The client: one keep-alive connection per member, every burst driven from one thread


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes
    seconds: float  # from this request's send to its response's last byte

    def header(self, name: str) -> str:
        return (self.headers.get(name.lower()) or [""])[-1]


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.sock: socket.socket | None = None
        self.buffer = b""

    def open(self) -> None:
        if self.sock is None:
            self.sock = socket.create_connection((self.host, self.port), timeout=TIMEOUT_S)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def take(self) -> tuple[int, dict[str, list[str]], bytes] | None:
        """A whole response from the buffer, or None while it is still coming."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buffer[:end].decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        headers: dict[str, list[str]] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        start = end + 4
        if "content-length" in headers:
            stop = start + int(headers["content-length"][-1])
            if len(self.buffer) < stop:
                return None
            body = self.buffer[start:stop]
        elif "chunked" in (headers.get("transfer-encoding") or [""])[-1].lower():
            chunks, pos = [], start
            while True:
                line_end = self.buffer.find(b"\r\n", pos)
                if line_end < 0:
                    return None
                size = int(self.buffer[pos:line_end].split(b";")[0], 16)
                if len(self.buffer) < line_end + 2 + size + 2:
                    return None
                if size == 0:
                    trailer = self.buffer.find(b"\r\n\r\n", line_end)
                    if trailer < 0:
                        return None
                    stop = trailer + 4
                    break
                chunks.append(self.buffer[line_end + 2 : line_end + 2 + size])
                pos = line_end + 2 + size + 2
            body = b"".join(chunks)
        else:
            stop, body = start, b""
        self.buffer = self.buffer[stop:]
        for cookie in headers.get("set-cookie", []):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return status, headers, body


def burst(calls: list[tuple[Connection, bytes]]) -> list[Response]:
    """Send every request at once (one write each, in one go), then read the answers as they
    come; each is timed from its own send to its own last byte."""
    for conn, _ in calls:
        conn.open()  # (re)connected before the clock starts: keep-alive, as a phone's browser
    selector = selectors.DefaultSelector()
    sent: dict[int, float] = {}
    for i, (conn, raw) in enumerate(calls):
        assert conn.sock is not None
        sent[i] = time.perf_counter()
        conn.sock.sendall(raw)
        selector.register(conn.sock, selectors.EVENT_READ, i)
    results: dict[int, Response] = {}
    deadline = time.monotonic() + TIMEOUT_S
    while len(results) < len(calls):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(calls) - len(results)} requests unanswered")
        for key, _ in selector.select(timeout=1.0):
            i = key.data
            conn = calls[i][0]
            assert conn.sock is not None
            data = conn.sock.recv(1 << 16)
            now = time.perf_counter()
            if not data:
                raise ConnectionError("the server closed a connection mid-request")
            conn.buffer += data
            taken = conn.take()
            if taken is None:
                continue
            selector.unregister(conn.sock)
            status, headers, body = taken
            results[i] = Response(status, headers, body, now - sent[i])
            if "close" in (headers.get("connection") or [""])[-1].lower():
                conn.close()
    selector.close()
    return [results[i] for i in range(len(calls))]


def one(conn: Connection, raw: bytes) -> Response:
    return burst([(conn, raw)])[0]


# --------------------------------------------------------------------------------------------
# The members


@dataclass
class Member:
    id: int
    token: str
    conn: Connection
    xsrf: str = ""
    areas: tuple[str, ...] = ()
    last: tuple[dict[str, int], str] | None = None  # the last update acknowledged

    @property
    def page(self) -> str:
        return f"/{PREFIX}/{self.token}"

    def read_page(self, response: Response) -> bool:
        text = response.body.decode("utf-8", "replace")
        found = XSRF_FIELD.search(text)
        areas = tuple(dict.fromkeys(SCORE_FIELD.findall(text)))
        if response.status != 200 or found is None or "_xsrf" not in self.conn.cookies:
            return False
        self.xsrf, self.areas = found.group(1), tuple(a.removeprefix("score-") for a in areas)
        return bool(self.areas)

    def update(self, round_no: int) -> tuple[bytes, tuple[dict[str, int], str]]:
        scores = {a: (self.id * 7 + round_no * 3 + i) % 10 + 1 for i, a in enumerate(self.areas)}
        text = (
            f"Round {round_no}, member {self.id}: shipped the pilot, hiring next — "
            f"café ✓ {secrets.token_hex(4)}"
        )
        form = {"_xsrf": self.xsrf, "text": text} | {
            f"score-{a}": str(s) for a, s in scores.items()
        }
        return self.conn.request("POST", f"{self.page}/update", form), (scores, text)


@dataclass
class Burst:
    wall: float  # first send to last answer
    loop_cpu: float  # the server's main thread (tornado's event loop), seconds
    other_cpu: float  # its other threads (the portal's store worker among them), seconds
    client_cpu: float  # this process


@dataclass
class Tally:
    server_pid: int
    latencies: dict[str, list[float]] = field(default_factory=dict)
    bursts: dict[str, list[Burst]] = field(default_factory=dict)
    acknowledged: int = 0  # updates answered 303 to ?saved=update in the rounds
    unexpected: dict[str, int] = field(default_factory=dict)

    def wrong(self, what: str) -> None:
        self.unexpected[what] = self.unexpected.get(what, 0) + 1

    def run(self, kind: str, calls: list[tuple[Connection, bytes]]) -> list[Response]:
        """One burst, its latencies and the CPU time it took, kept under ``kind``."""
        loop, other = thread_cpu(self.server_pid)
        client = time.process_time()
        began = time.perf_counter()
        answers = burst(calls)
        wall = time.perf_counter() - began
        client = time.process_time() - client
        loop_after, other_after = thread_cpu(self.server_pid)
        self.latencies.setdefault(kind, []).extend(a.seconds for a in answers)
        self.bursts.setdefault(kind, []).append(
            Burst(wall, loop_after - loop, other_after - other, client)
        )
        return answers


def saved(response: Response) -> bool:
    return response.status == 303 and "saved=update" in response.header("location")


def open_pages(members: list[Member], tally: Tally) -> None:
    answers = tally.run("pages", [(m.conn, m.conn.request("GET", m.page)) for m in members])
    for member, answer in zip(members, answers, strict=True):
        if not member.read_page(answer):
            tally.wrong(f"member page: {answer.status} or no form/cookie")


def send_updates(members: list[Member], round_no: int, tally: Tally) -> None:
    made = [m.update(round_no) for m in members]
    answers = tally.run("posts", [(m.conn, raw) for m, (raw, _) in zip(members, made, strict=True)])
    for member, (_, sent), answer in zip(members, made, answers, strict=True):
        if saved(answer):
            member.last = sent
            tally.acknowledged += 1
        else:
            tally.wrong(f"update: {answer.status} {answer.header('location')}")


def fetch_static(conns: list[Connection], size: int, tally: Tally) -> None:
    answers = tally.run("static", [(c, c.request("GET", "/" + HEALTH_PATH)) for c in conns])
    for answer in answers:
        if answer.status != 200 or len(answer.body) != size:
            tally.wrong(f"voila.js: {answer.status}, {len(answer.body)} bytes")


# --------------------------------------------------------------------------------------------
# The server process


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def thread_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) of the process's main thread and of its other threads."""
    tick = os.sysconf("SC_CLK_TCK")
    main = other = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = int(fields[11]) + int(fields[12])
        if int(tid) == pid:
            main += used
        else:
            other += used
    return main / tick, other / tick


def descendants_named(root: int) -> dict[int, str]:
    """Every process started by ``root`` (a kernel would be one), with its command line."""
    named = {}
    for pid in sorted(descendants(root)):
        try:
            named[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            named[pid] = "?"
    return named


# --------------------------------------------------------------------------------------------
# The store afterwards


@dataclass
class Check:
    acknowledged: int = 0
    lost: int = 0
    stale: int = 0
    doubled: int = 0
    rows: int = 0
    strays: int = 0  # rows for a meeting or member not expected
    meetings_added: int = 0


def check(crowd: Crowd, members: list[Member]) -> Check:
    result = Check()
    with Store(str(crowd.db), create=False) as store:
        stored = {}
        for meeting_id in set(crowd.meeting_of.values()):
            for member_id, update in store.updates(meeting_id).items():
                stored[(meeting_id, member_id)] = update
        for member in members:
            if member.last is None:
                continue
            result.acknowledged += 1
            found = stored.get((crowd.meeting_of[member.id], member.id))
            if found is None:
                result.lost += 1
            elif (found.scores, found.text) != member.last:
                result.stale += 1  # an earlier submission (or another's) where the last should be
        expected = {(crowd.meeting_of[m.id], m.id) for m in members}
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT meeting_id, member_id, COUNT(*) FROM member_updates GROUP BY 1, 2")
            ).all()
        result.rows = sum(n for _, _, n in rows)
        result.doubled = sum(n - 1 for _, _, n in rows if n > 1)
        result.strays = sum(n for meeting, member, n in rows if (meeting, member) not in expected)
        for cohort_id, before in crowd.meetings.items():
            result.meetings_added += len(store.meetings(cohort_id)) - before
    return result


def store_alone(crowd: Crowd, members: list[Member], samples: int) -> dict[str, float]:
    """What one request asks of the store, call by call, here (the server's one portal worker
    thread runs the same calls one after another): medians in ms."""
    from peerkit.portal.page import member_page
    from peerkit.portal.web import MemberHandler, Portal

    portal = Portal(f"sqlite:///{crowd.db}")
    handler = MemberHandler.__new__(MemberHandler)  # only its store calls, no request
    handler.portal = portal
    store = portal.store
    times: dict[str, list[float]] = {k: [] for k in ("token", "meeting", "file", "view", "render")}
    try:
        for i in range(samples):
            member = members[i % len(members)]
            began = time.perf_counter()
            found = store.member_for_token(member.token)
            times["token"].append(time.perf_counter() - began)
            assert found is not None
            began = time.perf_counter()
            meeting = store.next_meeting_on(found.cohort_id, dt.date.today(), create=True)
            times["meeting"].append(time.perf_counter() - began)
            assert meeting is not None
            began = time.perf_counter()
            store.file_update(
                found.id,
                meeting.id,
                {a: 5 for a in portal.areas},
                f"alone {i}",
                areas=portal.areas,
            )
            times["file"].append(time.perf_counter() - began)
            began = time.perf_counter()
            view = handler._view(found, (), {})
            times["view"].append(time.perf_counter() - began)
            began = time.perf_counter()
            member_page(view, "/x", '<input type="hidden" name="_xsrf" value="x"/>')
            times["render"].append(time.perf_counter() - began)
    finally:
        store.close()
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


# --------------------------------------------------------------------------------------------
# Report


def quantile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def spread(values: Iterable[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"p50 {quantile(ms, 50):7.1f}  p95 {quantile(ms, 95):7.1f}  max {max(ms):7.1f} ms"
        f"  (n={len(ms)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200, help="members sending at once")
    parser.add_argument(
        "--rounds", type=int, default=3, help="bursts of updates, each member one a round"
    )
    parser.add_argument("--alone", type=int, default=20, help="requests timed one at a time")
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--remind-only", action="store_true", help="only the peerkit remind part (no Voila server)"
    )
    only.add_argument("--members-only", action="store_true", help="only the members-at-once part")
    parser.add_argument(
        "--cohorts", type=int, default=50, help=f"cohorts of {COHORT_SIZE} members reminded"
    )
    parser.add_argument(
        "--remind-rounds", type=int, default=3, help="times each remind path is run"
    )
    args = parser.parse_args(argv)
    if args.members < 1 or args.rounds < 1 or args.alone < 1:
        parser.error("--members, --rounds and --alone must be at least 1")
    if args.cohorts < 1 or args.remind_rounds < 1:
        parser.error("--cohorts and --remind-rounds must be at least 1")

    print(f"{os.cpu_count()} CPUs, python {platform.python_version()}")
    status = 0 if args.remind_only else members_part(args)
    if not args.members_only:
        status = max(status, remind_part(args))
    return status


def members_part(args: argparse.Namespace) -> int:
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    folder = Path(tempfile.mkdtemp(prefix="peerkit-members-"))
    try:
        began = time.perf_counter()
        crowd = build(folder / "members.db", args.members)
        print(
            f"store: {len(crowd.tokens)} members in {len(crowd.meetings)} cohorts, a meeting each"
            f" on {dt.date.today() + dt.timedelta(days=DAYS_AHEAD)} "
            f"(built in {time.perf_counter() - began:.1f} s)",
            flush=True,
        )
        with running_server(notebooks_dir(), db_url=f"sqlite:///{crowd.db}") as server:
            pid = server.process.pid
            parts = urllib.parse.urlsplit(server.base_url)
            host, port = parts.hostname or "127.0.0.1", parts.port or 80
            print(f"server: Voila on {server.base_url} (pid {pid})", flush=True)
            members = [
                Member(member_id, token, Connection(host, port))
                for member_id, token in crowd.tokens.items()
            ]
            tally = Tally(pid)

            # Warm-up: one member's page, update and voila.js, not counted.
            first = members[0]
            if not first.read_page(one(first.conn, first.conn.request("GET", first.page))):
                tally.wrong("warm-up page")
            raw, sent = first.update(0)
            if saved(one(first.conn, raw)):
                first.last = sent
            else:
                tally.wrong("warm-up update")
            size = len(one(first.conn, first.conn.request("GET", "/" + HEALTH_PATH)).body)
            before = memory_kib(pid)

            # One request at a time.
            for i in range(args.alone):
                m = members[i % len(members)]
                (answer,) = tally.run("page alone", [(m.conn, m.conn.request("GET", m.page))])
                if not m.read_page(answer):
                    tally.wrong("member page alone")
                raw, sent = m.update(0)
                (answer,) = tally.run("post alone", [(m.conn, raw)])
                if saved(answer):
                    m.last = sent
                else:
                    tally.wrong(f"update alone: {answer.status}")
                static = [(m.conn, m.conn.request("GET", "/" + HEALTH_PATH))]
                (answer,) = tally.run("static alone", static)
                if answer.status != 200 or len(answer.body) != size:
                    tally.wrong(f"voila.js alone: {answer.status}")

            # Everyone at once, --rounds times; the update and static bursts take turns first.
            conns = [m.conn for m in members]
            for r in range(1, args.rounds + 1):
                if r % 2 == 0:
                    fetch_static(conns, size, tally)
                    time.sleep(0.2)
                open_pages(members, tally)
                time.sleep(0.2)
                send_updates(members, r, tally)
                time.sleep(0.2)
                if r % 2 == 1:
                    fetch_static(conns, size, tally)
                    time.sleep(0.2)
                posts = quantile(tally.latencies["posts"][-len(members) :], 95) * 1000
                statics = quantile(tally.latencies["static"][-len(members) :], 95) * 1000
                print(
                    f"  round {r}/{args.rounds}: updates p95 {posts:.0f} ms"
                    f" (burst {tally.bursts['posts'][-1].wall:.2f} s),"
                    f" voila.js p95 {statics:.0f} ms",
                    flush=True,
                )
            time.sleep(0.5)
            after = memory_kib(pid)
            kernels = descendants_named(pid)
            errors = [line for line in server.log_text().splitlines() if "error" in line.lower()]
            for c in conns:
                c.close()
        checked = check(crowd, members)
        calls = store_alone(crowd, members, max(args.alone, 10))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    n = args.members
    report(n, args.rounds, size, tally, calls)
    growth = (after["VmRSS"] - before["VmRSS"]) / 1024
    print()
    print(
        f"  updates acknowledged (303 to ?saved=update): {tally.acknowledged} of"
        f" {len(tally.latencies['posts'])} sent in the rounds; last ones checked:"
        f" {checked.acknowledged} members"
    )
    print(f"  lost (no row)                  {checked.lost}  (target 0)")
    print(f"  stale (not the last one sent)  {checked.stale}  (target 0)")
    print(f"  duplicated (extra rows)        {checked.doubled}  (target 0)")
    print(f"  rows in member_updates         {checked.rows}  (expected {n})")
    print(
        f"  stray rows / meetings added    {checked.strays} / {checked.meetings_added}  (target 0)"
    )
    print(
        f"  unexpected responses           {sum(tally.unexpected.values())}  (target 0)"
        + "".join(f"\n    {what}: {count}" for what, count in tally.unexpected.items())
    )
    print(
        f"  server RSS                     {before['VmRSS'] / 1024:.1f} MiB after warm-up ->"
        f" {after['VmRSS'] / 1024:.1f} MiB after (growth {growth:+.1f} MiB,"
        f" {growth * 1024 / n:+.0f} KiB per member; peak {after['VmHWM'] / 1024:.1f} MiB)"
    )
    print(
        f"  kernels (server's children)    {len(kernels)}  (target 0)"
        + "".join(f"\n    {p}: {cmd[:120]}" for p, cmd in kernels.items())
    )
    if errors:
        print(f"  server log: {len(errors)} lines naming an error, the last:")
        for line in errors[-5:]:
            print(f"    {line[:160]}")
    print("\nload average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    failures = (
        checked.lost
        + checked.stale
        + checked.doubled
        + checked.strays
        + checked.meetings_added
        + abs(checked.rows - n)
        + sum(tally.unexpected.values())
        + len(kernels)
    )
    return 1 if failures else 0


def report(n: int, rounds: int, size: int, tally: Tally, calls: dict[str, float]) -> None:
    lat = tally.latencies
    p95_post = quantile(lat["posts"], 95) * 1000
    p95_static = quantile(lat["static"], 95) * 1000
    print()
    print(
        f"{n} members at once, {rounds} rounds, one server (voila.js: {size} bytes);"
        " latency from each request's send to its last byte"
    )
    rows = [
        ("update POST, all at once", spread(lat["posts"])),
        ("voila.js GET, all at once (baseline)", spread(lat["static"])),
        ("member page GET, all at once", spread(lat["pages"])),
        ("update POST, alone", spread(lat["post alone"])),
        ("voila.js GET, alone", spread(lat["static alone"])),
        ("member page GET, alone", spread(lat["page alone"])),
    ]
    width = max(len(r[0]) for r in rows)
    for label, text in rows:
        print(f"  {label:<{width}}  {text}")
    print()
    print(
        f"  update p95 / target        {p95_post:.0f} / {TARGET_MS:.0f} ms = "
        f"{p95_post / TARGET_MS:.2f}  {'ok' if p95_post <= TARGET_MS else 'MISSED'}"
    )
    print(
        f"  update p95 / voila.js p95  {p95_post:.0f} / {p95_static:.0f} ms = "
        f"{p95_post / p95_static:.2f}"
    )
    print(
        f"  voila.js p95 / target      {p95_static:.0f} / {TARGET_MS:.0f} ms = "
        f"{p95_static / TARGET_MS:.2f}  (what the server answers at best, this crowd)"
    )
    print()
    print(
        "where the time goes: per request, wall = burst's first send to last answer / requests;"
        " CPU from /proc (10 ms ticks, summed over bursts)"
    )
    print(
        f"  {'burst':<20} {'burst wall':>10} {'per request':>12} {'server loop':>12}"
        f" {'server other':>13} {'this client':>12}"
    )
    for kind, label in (
        ("posts", "updates, at once"),
        ("static", "voila.js, at once"),
        ("pages", "pages, at once"),
        ("post alone", "update, alone"),
        ("static alone", "voila.js, alone"),
        ("page alone", "page, alone"),
    ):
        bursts = tally.bursts[kind]
        count = len(lat[kind])
        wall = statistics.median(b.wall for b in bursts)

        def per(total: float, count: int = count) -> str:
            return f"{total / count * 1000:.2f} ms"

        print(
            f"  {label:<20} {wall:>8.3f} s {per(sum(b.wall for b in bursts)):>12}"
            f" {per(sum(b.loop_cpu for b in bursts)):>12}"
            f" {per(sum(b.other_cpu for b in bursts)):>13}"
            f" {per(sum(b.client_cpu for b in bursts)):>12}"
        )
    print(
        f"  store calls one at a time in this process (median): member_for_token"
        f" {calls['token']:.2f} ms, next_meeting_on {calls['meeting']:.2f} ms, file_update"
        f" {calls['file']:.2f} ms (an update's three);"
        f" a page's view {calls['view']:.2f} ms, its HTML {calls['render']:.2f} ms"
    )
    serial = (calls["token"] + calls["meeting"] + calls["file"]) * n / 1000
    took = statistics.median(b.wall for b in tally.bursts["posts"])
    print(
        f"  an update's store calls x {n}, one after another on the portal's one worker thread:"
        f" {serial:.2f} s; the update burst took {took:.2f} s"
    )


# --------------------------------------------------------------------------------------------
# The second target: `peerkit remind` for 50 cohorts x 12 members against a local SMTP server

SENDER = "Coach Kim <kim@example.org>"
PUBLIC_URL = "https://peerkit.example.org"
PAST_DAYS = 11  # the meeting the commitments were made at, this many days ago
NAMES = (
    "Ana Lima",
    "Ben Okafor",
    "Chloé Martin",
    "Dev Patel",
    "Eva Novak",
    "Femi Adeyemi",
    "Grace Chen",
    "Hugo Brandt",
    "Ines Souza",
    "Jonas Berg",
    "Kemal Aydin",
    "Lena Fischer",
)


@dataclass(frozen=True)
class Cohorts:
    db: Path
    key: bytes
    ids: list[int]  # cohort ids, in the order they are reminded
    recipients: dict[int, list[str]]  # cohort id -> its members' To addresses, in store order
    tokens: dict[str, str]  # e-mail address -> that member's link token


def build_cohorts(db: Path, cohorts: int, size: int) -> Cohorts:
    """``cohorts`` cohorts of ``size`` members, each with an e-mail address and a link, a
    meeting held PAST_DAYS ago where each member made two commitments (one naming another
    member, due before the next meeting; one due after it), and the next meeting DAYS_AHEAD
    from today."""
    key = new_link_key()
    today = dt.date.today()
    ids: list[int] = []
    recipients: dict[int, list[str]] = {}
    tokens: dict[str, str] = {}
    with Store(str(db)) as store:
        for c in range(cohorts):
            cohort = store.add_cohort(f"Remind cohort {c + 1:02d}")
            past = store.add_meeting(
                cohort.id, today - dt.timedelta(days=PAST_DAYS), place="Harbour Street, room 4"
            )
            store.add_meeting(
                cohort.id, today + dt.timedelta(days=DAYS_AHEAD), place="Harbour Street, room 4"
            )
            members = []
            for n in range(size):
                name = NAMES[n % len(NAMES)] + (
                    f" {n // len(NAMES) + 1}" if n >= len(NAMES) else ""
                )
                address = f"r{c + 1}-{n + 1}@example.org"
                members.append(store.add_member(cohort.id, name, email=address))
            for i, member in enumerate(members):
                other = members[(i + 1) % len(members)]
                store.add_commitment(
                    member.id,
                    past.id,
                    f"Send {other.name} the pilot's numbers and ask about pricing",
                    today + dt.timedelta(days=1),
                )
                store.add_commitment(
                    member.id,
                    past.id,
                    "Hire a sales lead for the north region — draft the role first",
                    today + dt.timedelta(days=DAYS_AHEAD + 14),
                )
                tokens[member.email or ""] = store.issue_link(member.id, key)
            ids.append(cohort.id)
            recipients[cohort.id] = [m.email or "" for m in members]
    return Cohorts(db, key, ids, recipients, tokens)


# The local SMTP server: aiosmtpd in a process of its own (spawned, so it shares no GIL with
# the sender), answering 250 to every message and keeping what it received for the check.


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes


class Inbox:
    """aiosmtpd's handler: keeps every message accepted, nothing else (a relay's least)."""

    def __init__(self) -> None:
        self.got: list[Received] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.got.append(
            Received(
                str(getattr(envelope, "mail_from", "")),
                tuple(getattr(envelope, "rcpt_tos", ())),
                bytes(getattr(envelope, "content", b"")),
            )
        )
        return "250 OK"


def smtp_server(conn: PipeEnd) -> None:
    """The server process: sends its port, then answers "take" with what it received since
    the last "take" (and forgets it), until anything else arrives."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    conn.send(port)
    try:
        while conn.recv() == "take":
            got, inbox.got = inbox.got, []
            conn.send(got)
    finally:
        controller.stop()


class SmtpServer:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=smtp_server, args=(child,), daemon=True)
        self.process.start()
        if not self.conn.poll(60):
            raise TimeoutError("the SMTP server did not start")
        self.port: int = self.conn.recv()
        assert self.process.pid is not None
        self.pid: int = self.process.pid

    def take(self) -> list[Received]:
        self.conn.send("take")
        if not self.conn.poll(TIMEOUT_S):
            raise TimeoutError("the SMTP server did not answer")
        return self.conn.recv()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send("stop")
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# The three paths, each timed stage by stage: wall, this process's CPU, the server's CPU.


@dataclass
class Stage:
    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0


class Clock:
    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def __call__(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), sum(thread_cpu(self.server_pid))

    def add(self, stage: Stage, began: tuple[float, float, float]) -> None:
        now = self()
        stage.wall += now[0] - began[0]
        stage.client_cpu += now[1] - began[1]
        stage.server_cpu += now[2] - began[2]


@dataclass
class PathRun:
    messages: int = 0
    stages: dict[str, Stage] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    files: int = 0

    def stage(self, name: str) -> Stage:
        return self.stages.setdefault(name, Stage())


def remind_path(store: Store, cohorts: Cohorts, config: SmtpConfig, clock: Clock) -> PathRun:
    """peerkit's path, as `peerkit remind` runs for each cohort: build_reminders, then send
    over one connection (a connection per cohort)."""
    run = PathRun()
    today = dt.date.today()
    for cohort_id in cohorts.ids:
        began = clock()
        mailing = build_reminders(
            store, cohort_id, today=today, public_url=PUBLIC_URL, key=cohorts.key, sender=SENDER
        )
        clock.add(run.stage("build"), began)
        began = clock()
        report = send(mailing.messages, config)
        clock.add(run.stage("send"), began)
        run.messages += len(mailing.messages)
        run.notes += mailing.notes
        run.failed += report.failed
    return run


def dry_run_path(store: Store, cohorts: Cohorts, folder: Path, clock: Clock) -> PathRun:
    """`peerkit remind --dry-run FOLDER` for each cohort: build_reminders, then write_eml
    (a folder per cohort: the file names are the members' names)."""
    run = PathRun()
    today = dt.date.today()
    for cohort_id in cohorts.ids:
        began = clock()
        mailing = build_reminders(
            store, cohort_id, today=today, public_url=PUBLIC_URL, key=cohorts.key, sender=SENDER
        )
        clock.add(run.stage("build"), began)
        began = clock()
        paths = write_eml(mailing.messages, folder / f"cohort-{cohort_id}")
        clock.add(run.stage("write"), began)
        run.messages += len(mailing.messages)
        run.files += len(paths)
        run.notes += mailing.notes
    return run


def minimal_messages(cohorts: Cohorts) -> list[EmailMessage]:
    messages = []
    for cohort_id in cohorts.ids:
        for address in cohorts.recipients[cohort_id]:
            message = EmailMessage()
            message["From"] = SENDER
            message["To"] = address
            message["Subject"] = "Before our meeting"
            message.set_content("Our next meeting is on Thursday.\n")
            messages.append(message)
    return messages


def baseline_path(port: int, messages: list[EmailMessage], clock: Clock) -> PathRun:
    """What sending alone costs: the same number of minimal messages to the same recipients,
    built beforehand, sent with plain smtplib over one connection."""
    run = PathRun()
    envelope_sender = parseaddr(SENDER)[1]
    began = clock()
    with smtplib.SMTP("127.0.0.1", port, timeout=SMTP_TIMEOUT) as smtp:
        for message in messages:
            refused = smtp.send_message(message, from_addr=envelope_sender)
            run.failed += [(to, str(why)) for to, why in refused.items()]
    clock.add(run.stage("send"), began)
    run.messages = len(messages)
    return run


def connection_alone(port: int, samples: int) -> float:
    """One smtplib connection with nothing sent (connect, EHLO, QUIT), as send() opens one per
    cohort: median seconds."""
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port, timeout=SMTP_TIMEOUT) as smtp:
            smtp.ehlo()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def ssl_context_alone(samples: int) -> float:
    """ssl.create_default_context(), which peerkit.remind's _connect calls for every connection
    (smtp_tls "none" too): median seconds."""
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        ssl.create_default_context()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


@dataclass
class Delivery:
    received: int = 0
    expected: int = 0
    missing: int = 0  # members whose message did not arrive
    doubled: int = 0  # members who got more than one
    strays: int = 0  # messages to no member, or to several at once
    wrong: int = 0  # envelope, To header, sender or kind not the member's reminder
    wrong_link: int = 0  # the body does not hold that member's own link

    @property
    def failures(self) -> int:
        return (
            self.missing
            + self.doubled
            + self.strays
            + self.wrong
            + self.wrong_link
            + abs(self.received - self.expected)
        )


def check_delivery(received: list[Received], cohorts: Cohorts, *, reminders: bool) -> Delivery:
    """One message per member, to that member only (envelope and To header), from the sender;
    with ``reminders``, a peerkit reminder holding the member's own link."""
    expected = {e for emails in cohorts.recipients.values() for e in emails}
    result = Delivery(received=len(received), expected=len(expected))
    counts: dict[str, int] = {}
    sender = parseaddr(SENDER)[1]
    parser = BytesParser(policy=email_policy.default)
    for got in received:
        if len(got.rcpt_tos) != 1 or got.rcpt_tos[0] not in expected:
            result.strays += 1
            continue
        to = got.rcpt_tos[0]
        counts[to] = counts.get(to, 0) + 1
        message = parser.parsebytes(got.content)
        if (
            got.mail_from != sender
            or parseaddr(str(message["To"]))[1] != to
            or parseaddr(str(message["From"]))[1] != sender
            or (reminders and str(message.get(KIND_HEADER, "")) != "reminder")
        ):
            result.wrong += 1
        if reminders:
            body = message.get_body(("plain",))
            text = str(body.get_content()) if body is not None else ""
            if link_url(PUBLIC_URL, cohorts.tokens[to]) not in text:
                result.wrong_link += 1
    result.missing = len(expected - set(counts))
    result.doubled = sum(n - 1 for n in counts.values() if n > 1)
    return result


@dataclass
class RemindRound:
    peerkit: PathRun
    baseline: PathRun
    dry: PathRun
    delivered: Delivery
    baseline_delivered: Delivery

    def ms(self, path: str, stage: str) -> float:
        run: PathRun = getattr(self, path)
        if stage == "total":
            wall = sum(s.wall for s in run.stages.values())
        else:
            wall = run.stages[stage].wall
        return wall / max(run.messages, 1) * 1000


def remind_part(args: argparse.Namespace) -> int:
    size = COHORT_SIZE
    print("\nload average before remind: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    folder = Path(tempfile.mkdtemp(prefix="peerkit-remind-"))
    server: SmtpServer | None = None
    rounds: list[RemindRound] = []
    try:
        began = time.perf_counter()
        cohorts = build_cohorts(folder / "remind.db", args.cohorts, size)
        n = sum(len(e) for e in cohorts.recipients.values())
        print(
            f"store: {args.cohorts} cohorts x {size} members = {n} members with an e-mail"
            f" address and a link, 2 open commitments each, a meeting {PAST_DAYS} days ago and"
            f" one in {DAYS_AHEAD} days (built in {time.perf_counter() - began:.1f} s)",
            flush=True,
        )
        server = SmtpServer()
        print(f"SMTP server: aiosmtpd on 127.0.0.1:{server.port} (pid {server.pid})", flush=True)
        config = SmtpConfig("127.0.0.1", server.port, "none", "", None, SENDER)
        clock = Clock(server.pid)
        minimal = minimal_messages(cohorts)
        with Store(str(cohorts.db), create=False) as store:
            # Warm-up, not counted: one cohort down each path.
            first = Cohorts(
                cohorts.db,
                cohorts.key,
                cohorts.ids[:1],
                {cohorts.ids[0]: cohorts.recipients[cohorts.ids[0]]},
                cohorts.tokens,
            )
            remind_path(store, first, config, clock)
            baseline_path(server.port, minimal[:size], clock)
            dry_run_path(store, first, folder / "warm-up", clock)
            server.take()
            connect = connection_alone(server.port, 10)
            context = ssl_context_alone(10)

            order = ("peerkit", "baseline", "dry")
            for r in range(args.remind_rounds):
                turn = order[r % 3 :] + order[: r % 3]  # each path takes its turn first
                done: dict[str, PathRun] = {}
                delivered = baseline_delivered = Delivery()
                for path in turn:
                    time.sleep(0.2)
                    if path == "peerkit":
                        done[path] = remind_path(store, cohorts, config, clock)
                        delivered = check_delivery(server.take(), cohorts, reminders=True)
                    elif path == "baseline":
                        done[path] = baseline_path(server.port, minimal, clock)
                        baseline_delivered = check_delivery(server.take(), cohorts, reminders=False)
                    else:
                        eml = folder / f"eml-{r}"
                        done[path] = dry_run_path(store, cohorts, eml, clock)
                        shutil.rmtree(eml, ignore_errors=True)
                one = RemindRound(
                    done["peerkit"], done["baseline"], done["dry"], delivered, baseline_delivered
                )
                rounds.append(one)
                print(
                    f"  round {r + 1}/{args.remind_rounds} ({', '.join(turn)}):"
                    f" peerkit {one.ms('peerkit', 'total'):.2f} ms/message"
                    f" (build {one.ms('peerkit', 'build'):.2f},"
                    f" send {one.ms('peerkit', 'send'):.2f}),"
                    f" baseline {one.ms('baseline', 'send'):.2f},"
                    f" dry run {one.ms('dry', 'total'):.2f};"
                    f" received {delivered.received}/{delivered.expected}",
                    flush=True,
                )
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    return remind_report(args.cohorts, size, rounds, connect, context)


def remind_report(
    cohorts: int, size: int, rounds: list[RemindRound], connect: float, context: float
) -> int:
    n = rounds[0].peerkit.messages

    def figure(path: str, stage: str) -> str:
        values = [r.ms(path, stage) for r in rounds]
        return f"{statistics.median(values):7.2f} ms  ({min(values):.2f}-{max(values):.2f})"

    def cpu(path: str, stages: tuple[str, ...]) -> str:
        client = statistics.median(
            sum(getattr(r, path).stages[s].client_cpu for s in stages) for r in rounds
        )
        server = statistics.median(
            sum(getattr(r, path).stages[s].server_cpu for s in stages) for r in rounds
        )
        count = max(getattr(rounds[0], path).messages, 1)
        return f"{client / count * 1000:8.2f} ms {server / count * 1000:12.2f} ms"

    print()
    print(
        f"peerkit remind, {cohorts} cohorts x {size} members = {n} messages to one local SMTP"
        f" server (aiosmtpd, its own process), {len(rounds)} rounds; wall time per message,"
        " median of rounds (min-max); CPU from /proc (10 ms ticks), median of rounds"
    )
    rows = [
        ("peerkit: build_reminders", "peerkit", "build", ("build",)),
        (f"peerkit: send ({cohorts} connections, one a cohort)", "peerkit", "send", ("send",)),
        ("peerkit: total", "peerkit", "total", ("build", "send")),
        ("baseline: smtplib, minimal messages, 1 connection", "baseline", "send", ("send",)),
        ("dry run: build_reminders", "dry", "build", ("build",)),
        ("dry run: write_eml", "dry", "write", ("write",)),
        ("dry run: total", "dry", "total", ("build", "write")),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"  {'':<{width}}  {'wall per message':<26} {'this client':>11} {'SMTP server':>15}")
    for label, path, stage, stages in rows:
        print(f"  {label:<{width}}  {figure(path, stage):<26} {cpu(path, stages)}")
    total = statistics.median(r.ms("peerkit", "total") for r in rounds)
    sent = statistics.median(r.ms("peerkit", "send") for r in rounds)
    base = statistics.median(r.ms("baseline", "send") for r in rounds)
    ratios = [r.ms("peerkit", "total") / r.ms("baseline", "send") for r in rounds]
    print()
    print(
        f"  peerkit total / baseline   {total:.2f} / {base:.2f} ms = {total / base:.2f}"
        f"  (per round: {', '.join(f'{x:.2f}' for x in ratios)})"
    )
    print(f"  peerkit send / baseline    {sent:.2f} / {base:.2f} ms = {sent / base:.2f}")
    print(
        f"  a connection alone (connect, EHLO, QUIT; median of 10): {connect * 1000:.2f} ms;"
        f" x {cohorts} = {connect * cohorts / n * 1000:.2f} ms per message of peerkit's send"
    )
    print(
        f"  ssl.create_default_context() alone (send makes one per connection, smtp_tls"
        f' "none" too; median of 10): {context * 1000:.2f} ms; x {cohorts} ='
        f" {context * cohorts / n * 1000:.2f} ms per message of peerkit's send"
    )
    print(
        f"  all {n} reminders, one after another: {total * n / 1000:.2f} s"
        f" (sending alone: {base * n / 1000:.2f} s)"
    )

    failures = 0
    print()
    for i, r in enumerate(rounds, 1):
        d, b = r.delivered, r.baseline_delivered
        print(
            f"  round {i}: peerkit's path: received {d.received} (expected {d.expected});"
            f" missing {d.missing}, doubled {d.doubled}, strays {d.strays}, wrong"
            f" headers {d.wrong}, not the member's own link {d.wrong_link} (target 0);"
            f" send failures {len(r.peerkit.failed)}, notes {len(r.peerkit.notes)};"
            f" baseline received {b.received}, dry run wrote {r.dry.files} files"
        )
        failures += (
            d.failures
            + len(r.peerkit.failed)
            + len(r.peerkit.notes)
            + b.failures
            + len(r.baseline.failed)
            + abs(r.dry.files - d.expected)
            + len(r.dry.notes)
        )
        for note in r.peerkit.notes[:3]:
            print(f"    note: {note}")
        for to, why in r.peerkit.failed[:3]:
            print(f"    not sent to {to}: {why}")
    print("\nload average after remind: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
