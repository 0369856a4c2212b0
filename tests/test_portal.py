"""Member pages on a real server (peerkit serve's Voila, with the facilitator's secret set):
what a member's link reaches, and everything it must not."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from peerkit.participation import new_link_key
from peerkit.serve import VoilaServer, running_server
from peerkit.settings import notebooks_dir
from peerkit.store import Store

pytestmark = pytest.mark.slow

SECRET = "facilitator-secret-0123456789"
KEY = new_link_key()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]
    seconds: float


class Phone:
    """One member's browser: a cookie jar, no JavaScript, redirects not followed."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect,
        )

    def open(self, url: str, form: dict[str, str] | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        start = time.monotonic()
        try:
            with self.opener.open(urllib.request.Request(url, data=data), timeout=60) as r:
                return Answer(
                    r.status, r.read().decode(), dict(r.headers), time.monotonic() - start
                )
        except urllib.error.HTTPError as err:
            return Answer(
                err.code, err.read().decode(), dict(err.headers), time.monotonic() - start
            )

    def xsrf(self, page: str) -> str:
        found = re.search(r'name="_xsrf" value="([^"]+)"', page)
        assert found, "the page's forms carry no XSRF field"
        return found.group(1)


@dataclass
class Room:
    server: VoilaServer
    store: Store
    tokens: dict[str, str]
    ids: dict[str, int]
    meeting_id: int
    commitments: dict[str, int]

    def page(self, name: str) -> str:
        return f"{self.server.base_url}peerkit/m/{self.tokens[name]}"


OTHERS_SECRETS = ("Ben's secret acquisition", "Ben Okoro", "Chloe Martin")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    folder = tmp_path_factory.mktemp("portal")
    db = folder / "peerkit.db"
    today = dt.date.today()
    with Store(db) as store:
        cohort = store.add_cohort("Harbour Circle")
        names = ("Ana Lima", "Ben Okoro", "Chloe Martin", "Dev Patel")
        people = {
            n: store.add_member(cohort.id, n, email=f"{n.split()[0].lower()}@example.org")
            for n in names
        }
        older = store.add_meeting(cohort.id, today - dt.timedelta(days=56), place="Room 1")
        last = store.add_meeting(cohort.id, today - dt.timedelta(days=28), place="Room 1")
        for name, text in (("Ana Lima", "Wrote the job ad"), ("Ben Okoro", "Ben's old secret")):
            done = store.add_commitment(people[name].id, older.id, text, last.date)
            store.record_review(done.id, last.id, "done")
        meeting = store.add_meeting(cohort.id, today, place="Room 1")
        rnd = store.add_round(last.id, people["Ana Lima"].id, "mastermind hot seat", issue="Hiring")
        today_round = store.add_round(meeting.id, people["Ben Okoro"].id, "mastermind hot seat")
        store.log_phase_event(today_round.id, "start", at=time.time() - 600)
        mine = store.add_commitment(
            people["Ana Lima"].id,
            last.id,
            "Call three candidates",
            today + dt.timedelta(days=3),
            round_id=rnd.id,
        )
        theirs = store.add_commitment(people["Ben Okoro"].id, last.id, OTHERS_SECRETS[0], today)
        hidden = store.add_commitment(
            people["Ana Lima"].id, last.id, "My private health plan", today, private=True
        )
        tokens = {n: store.issue_link(m.id, KEY) for n, m in people.items()}
        ids = {n: m.id for n, m in people.items()}
        commitments = {"mine": mine.id, "theirs": theirs.id, "private": hidden.id}
        meeting_id = meeting.id
    with (
        running_server(notebooks_dir(), db_url=f"sqlite:///{db}", token=SECRET) as server,
        Store(db) as store,
    ):
        yield Room(server, store, tokens, ids, meeting_id, commitments)


def _assert_nothing_of_others(body: str) -> None:
    for secret in OTHERS_SECRETS:
        assert secret not in body
    assert "My private health plan" not in body


def test_a_member_sees_their_own_page_only_and_it_loads_nothing_from_outside(room: Room):
    answer = Phone().open(room.page("Ana Lima"))
    assert answer.status == 200
    assert "Ana’s page" in answer.body and "Call three candidates" in answer.body
    assert "Your latest check-ins" in answer.body and "Wrote the job ad" in answer.body
    _assert_nothing_of_others(answer.body)
    assert "Ben's old secret" not in answer.body
    assert "<script" not in answer.body
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", answer.body)
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_a_member_files_an_update_and_a_request_without_javascript(room: Room):
    phone = Phone()
    page = phone.open(room.page("Dev Patel")).body
    form = {
        "_xsrf": phone.xsrf(page),
        "score-business": "6",
        "score-family": "9",
        "score-personal": "7",
        "text": "Closed the round",
        "share": "yes",
    }
    saved = phone.open(room.page("Dev Patel") + "/update", form)
    assert saved.status == 303 and saved.headers["Location"].endswith("?saved=update#update")
    update = room.store.updates(room.meeting_id)[room.ids["Dev Patel"]]
    assert update.scores == {"business": 6, "family": 9, "personal": 7} and update.shared
    request = {
        "_xsrf": form["_xsrf"],
        "issue": "Pricing for Europe",
        "urgency": "B",
        "minutes": "20",
    }
    assert phone.open(room.page("Dev Patel") + "/request", request).status == 303
    again = phone.open(room.page("Dev Patel") + "?saved=request")
    assert "Your request for the hot seat is saved." in again.body
    assert "✔ Filed" in again.body and "✔ Requested" in again.body
    assert "value='Pricing for Europe'" in again.body


def test_bad_input_says_why_keeps_the_text_and_saves_nothing(room: Room):
    phone = Phone()
    page = phone.open(room.page("Chloe Martin")).body
    form = {
        "_xsrf": phone.xsrf(page),
        "score-business": "11",
        "score-family": "5",
        "score-personal": "",
        "text": "A long story I do not want to type twice",
    }
    refused = phone.open(room.page("Chloe Martin") + "/update", form)
    assert refused.status == 400
    assert "Not saved: Give a score from 1 to 10 for business, personal." in refused.body
    assert "A long story I do not want to type twice" in refused.body
    assert room.ids["Chloe Martin"] not in room.store.updates(room.meeting_id)


def test_a_form_without_its_xsrf_token_is_refused_and_saves_nothing(room: Room):
    phone = Phone()
    phone.open(room.page("Chloe Martin"))
    form = {"issue": "Forged request", "urgency": "A", "minutes": "30"}
    refused = phone.open(room.page("Chloe Martin") + "/request", form)
    assert refused.status == 403 and "Nothing was saved" in refused.body
    assert "Forged request" in refused.body  # shown back to resend, not saved
    # Another site's form: its own cookie-less post with a made-up token.
    stranger = Phone().open(room.page("Chloe Martin") + "/request", {**form, "_xsrf": "2|x|y|z"})
    assert stranger.status == 403
    assert room.ids["Chloe Martin"] not in room.store.hot_seat_requests(room.meeting_id)
    _assert_nothing_of_others(refused.body)


def test_another_members_commitment_is_out_of_reach(room: Room):
    phone = Phone()
    page = phone.open(room.page("Ana Lima")).body
    for which in ("theirs", "private"):
        form = {
            "_xsrf": phone.xsrf(page),
            "commitment": str(room.commitments[which]),
            "status": "done",
        }
        refused = phone.open(room.page("Ana Lima") + "/progress", form)
        assert refused.status == 400 and "No such commitment of yours" in refused.body
        _assert_nothing_of_others(refused.body)
    assert room.store.progress(room.commitments.values()) == {}
    form = {
        "_xsrf": phone.xsrf(page),
        "commitment": str(room.commitments["mine"]),
        "status": "partial",
        "note": "2 of 3",
    }
    assert phone.open(room.page("Ana Lima") + "/progress", form).status == 303
    assert (
        room.store.progress([room.commitments["mine"]])[room.commitments["mine"]].note == "2 of 3"
    )


def test_guessed_and_revoked_tokens_open_nothing_and_are_slowed_and_logged(room: Room):
    store = room.store
    revoked_token = store.issue_link(room.ids["Chloe Martin"], KEY)
    store.revoke_link(room.ids["Chloe Martin"])
    phone = Phone()
    answers = [phone.open(f"{room.server.base_url}peerkit/m/{revoked_token}")]
    guesses = ["A" * 32, "guess-" + "b" * 26, room.tokens["Ana Lima"][:-2] + "xy", "c" * 32]
    answers += [phone.open(f"{room.server.base_url}peerkit/m/{g}") for g in guesses]
    assert {a.status for a in answers} == {404}
    assert all("This link does not open a page" in a.body for a in answers)
    for answer in answers:
        _assert_nothing_of_others(answer.body)
        assert "Ana" not in answer.body
    # After three, each bad link waits: 0.25 s, then 0.5 s.
    assert answers[-1].seconds >= 0.5 and answers[-2].seconds >= 0.25
    log = room.server.log_text()
    assert "links that open no page from 127.0.0.1" in log
    assert not any(token in log for token in [revoked_token, *guesses, *room.tokens.values()])
    # Posting with a bad token saves nothing either.
    assert (
        phone.open(f"{room.server.base_url}peerkit/m/{'d' * 32}/update", {"text": "x"}).status
        == 404
    )
    # Re-issued, Chloe's page opens again.
    room.tokens["Chloe Martin"] = store.issue_link(room.ids["Chloe Martin"], KEY)
    assert Phone().open(room.page("Chloe Martin")).status == 200


def test_a_member_token_does_not_open_the_console_or_the_projector(room: Room):
    for notebook in ("facilitator.ipynb", "projector.ipynb", "accountability.ipynb"):
        url = f"{room.server.base_url}voila/render/{notebook}?token={room.tokens['Ana Lima']}"
        answer = Phone().open(url)
        assert answer.status in (302, 403)
        assert "Harbour Circle" not in answer.body
        _assert_nothing_of_others(answer.body)
    api = Phone().open(f"{room.server.base_url}api/kernels?token={room.tokens['Ana Lima']}")
    assert api.status in (302, 403, 404)  # Voila's server has no kernels API to reach


def test_ratings_are_anonymous_once_each_and_shown_only_as_a_group(room: Room):
    meeting = room.meeting_id
    for name in ("Ana Lima", "Ben Okoro"):
        phone = Phone()
        page = phone.open(room.page(name)).body
        assert "Rate the meeting of" in page and "Round 1: worth the time?" in page
        form = {
            "_xsrf": phone.xsrf(page),
            "subject": "meeting",
            "meeting": str(meeting),
            "score": "8",
        }
        assert phone.open(room.page(name) + "/answer", form).status == 303
        again = phone.open(room.page(name) + "/answer", form)
        assert again.status == 400 and "already answered" in again.body
        assert "The meeting: rated, thank you." in phone.open(room.page(name)).body
    aggregate = room.store.answer_aggregates(meeting)["meeting"]
    assert aggregate.count == 2 and not aggregate.shown  # two answers: no average yet
    phone = Phone()
    page = phone.open(room.page("Dev Patel")).body
    bad = {
        "_xsrf": phone.xsrf(page),
        "subject": "round:999999",
        "meeting": str(meeting),
        "score": "3",
    }
    assert phone.open(room.page("Dev Patel") + "/answer", bad).status == 400
    assert room.store.answer_aggregates(meeting)["meeting"].count == 2


def test_under_the_chatham_house_rule_a_members_pages_name_nobody_else(room: Room):
    room.store.set_screen(room.store.meeting(room.meeting_id).cohort_id, chatham_house=True)
    phone = Phone()
    for path in ("", "/minutes", "/calendar.ics"):
        answer = phone.open(room.page("Ana Lima") + path)
        assert answer.status == 200, path
        _assert_nothing_of_others(answer.body)
        assert "Dev Patel" not in answer.body


def test_member_pages_are_served_over_https_with_a_certificate(tmp_path_factory, room: Room):
    import ssl
    import subprocess

    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=peerkit.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    db = room.store.url
    with running_server(notebooks_dir(), db_url=db, certfile=cert, keyfile=key) as server:
        assert server.base_url.startswith("https://")
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False  # the certificate names peerkit.test, not 127.0.0.1
        url = f"{server.base_url}peerkit/m/{room.tokens['Ana Lima']}"
        with urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
        ).open(url, timeout=60) as answer:
            assert answer.status == 200 and "Ana’s page" in answer.read().decode()
        plain = url.replace("https://", "http://", 1)
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(plain, timeout=30)


def test_a_jupyter_server_with_the_extension_serves_member_pages_without_its_token(
    room: Room, tmp_path_factory
):
    """The other way in (JupyterLab, a hub's single-user servers): the jupyter-server extension
    adds the same routes; the server's own token is not what opens a member's page."""
    import os
    import subprocess
    import sys

    from helpers import wait_until

    from peerkit.serve import free_port

    port = free_port()
    home = tmp_path_factory.mktemp("jupyter")
    env = {
        **os.environ,
        "PEERKIT_DB": room.store.url,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_TOKEN": SECRET,
    }
    log_file = home / "server.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.jpserver_extensions=peerkit.portal=True",
            "--allow-root",
            f"--ServerApp.root_dir={home}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file.open("wb"),
    )
    try:
        base = f"http://127.0.0.1:{port}/"

        def up() -> bool:
            try:
                return Phone().open(base + "api/status").status in (200, 403)
            except urllib.error.URLError:
                return process.poll() is not None  # stop waiting: it died

        wait_until(up, "the Jupyter server to answer")
        assert process.poll() is None, "the Jupyter server exited"
        answer = Phone().open(f"{base}peerkit/m/{room.tokens['Dev Patel']}")
        assert answer.status == 200 and "Dev’s page" in answer.body
        _assert_nothing_of_others(answer.body)
        assert Phone().open(f"{base}api/contents?token={room.tokens['Dev Patel']}").status == 403
        assert Phone().open(f"{base}peerkit/m/{'e' * 32}").status == 404
        phone = Phone()
        page = phone.open(f"{base}peerkit/m/{room.tokens['Dev Patel']}").body
        bad = {"_xsrf": phone.xsrf(page), "issue": "x", "urgency": "Z", "minutes": "5"}
        assert phone.open(f"{base}peerkit/m/{room.tokens['Dev Patel']}/request", bad).status == 400
    finally:
        process.terminate()
        process.wait(timeout=30)
    log = log_file.read_text()
    assert "400 POST /peerkit/m/…" in log  # the refused form is logged, by its route
    assert room.tokens["Dev Patel"] not in log


@pytest.mark.postgres
def test_an_update_sent_while_the_database_is_down_is_given_back_to_send_again(pg_cluster, pg_url):
    with Store(pg_url) as store:
        c = store.add_cohort("Harbour Circle")
        ana = store.add_member(c.id, "Ana Lima")
        meeting = store.add_meeting(c.id, dt.date.today() + dt.timedelta(days=2))
        token = store.issue_link(ana.id, KEY)
    with running_server(notebooks_dir(), db_url=pg_url) as server:
        url = f"{server.base_url}peerkit/m/{token}"
        phone = Phone()
        page = phone.open(url).body
        form = {
            "_xsrf": phone.xsrf(page),
            "score-business": "5",
            "score-family": "6",
            "score-personal": "7",
            "text": "Written on the train, not to be typed twice",
        }
        pg_cluster.stop()
        try:
            down = phone.open(url + "/update", form)
        finally:
            pg_cluster.start()
        assert down.status == 503 and "Not saved yet" in down.body
        assert "Written on the train, not to be typed twice" in down.body
        again = {
            name: value for name, value in re.findall(r"name='([^']+)' value='([^']*)'", down.body)
        }
        again["_xsrf"] = phone.xsrf(down.body)
        action = re.search(r"<form method='post' action='([^']+)'", down.body)
        assert action and action.group(1).endswith("/update")
        resent = phone.open(f"{server.base_url.rstrip('/')}{action.group(1)}", again)
        assert resent.status == 303
        with Store(pg_url) as store:
            update = store.updates(meeting.id)[ana.id]
            assert update.text == "Written on the train, not to be typed twice"
