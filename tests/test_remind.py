"""`peerkit remind`: each member gets, by e-mail, what is due before the next meeting and their
personal link (or, with --minutes, their own summary of the last meeting), through a real SMTP
server (aiosmtpd on loopback) or as .eml files; nothing of another member, nothing private."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
import socket
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from peerkit.cli import main
from peerkit.links import link_key
from peerkit.portal.web import PREFIX
from peerkit.remind import SmtpConfig, build_reminders, send, write_eml
from peerkit.settings import Settings
from peerkit.store import Store

TODAY = "2026-11-20"  # the next meeting is the one the meeting of 3 Nov set: Tue 8 Dec 2026
PUBLIC_URL = "https://peer.example.org/"
SENDER = "Coach Kim <kim@example.org>"
ENV_NAMES = [t.metadata["env"] for t in Settings.declared().values() if t.metadata.get("env")]

ANA_DUE = ("Call three clients about the pilot", "Review the budget with Ben Okafor")
ANA_LATER = "Draft the hiring plan"
ANA_PRIVATE = "Book the clinic appointment"
ANA_IN_PRIVATE_ROUND = "Tell the board about the merger"
BEN_OWN = "Rewrite the onboarding guide"
BEN_ADVICE = "Ask your CFO before the board meets"


# -- a real SMTP server -----------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the test's SMTP server received, and the logins it accepted."""

    port: int
    received: list[Any] = field(default_factory=list)  # aiosmtpd envelopes
    logins: list[tuple[str, str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550

    def messages(self) -> dict[str, EmailMessage]:
        """Each message received, by its one recipient."""
        found: dict[str, EmailMessage] = {}
        for envelope in self.received:
            assert len(envelope.rcpt_tos) == 1, envelope.rcpt_tos
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            found[envelope.rcpt_tos[0]] = parsed
        return found


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.box.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.box.received.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 that offers no STARTTLS and accepts any login (over plain
    text: it is on this computer), noting the user and password."""
    box = Mailbox(_free_port())

    def authenticator(server, session, envelope, mechanism, data) -> AuthResult:
        assert isinstance(data, LoginPassword)
        box.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)

    controller = Controller(
        _Handler(box),
        hostname="127.0.0.1",
        port=box.port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


# -- a cohort -------------------------------------------------------------------------------


@dataclass
class Circle:
    store: Store
    db: Path
    key: bytes
    ids: dict[str, int]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder we are in, with none of peerkit's variables set but the link key's file (so no
    test touches ~/.config)."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEERKIT_LINK_KEY_FILE", str(tmp_path / "link.key"))
    monkeypatch.setenv("PEERKIT_PUBLIC_URL", PUBLIC_URL)
    return tmp_path


@pytest.fixture
def circle(here: Path, db_path: Path, sqlite_template: Path) -> Iterator[Circle]:
    """Leaders A: Ana and Ben (e-mail, links), Chloe (no e-mail), Dev (left), Eve (link
    revoked); one meeting on Tue 3 Nov 2026 that set the next for Tue 8 Dec."""
    shutil.copyfile(sqlite_template, db_path)
    key = link_key(here / "link.key")
    with Store(db_path) as store:
        c = store.add_cohort("Leaders A")
        ana = store.add_member(c.id, "Ana Lima", email="ana@example.org")
        ben = store.add_member(c.id, "Ben Okafor", email="ben@example.org")
        chloe = store.add_member(c.id, "Chloe Martin")
        dev = store.add_member(c.id, "Dev Patel", email="dev@example.org")
        eve = store.add_member(c.id, "Eve Stone", email="eve@example.org")
        meeting = store.add_meeting(
            c.id, "2026-11-03", place="Hotel Rivoli, Lisbon", next_date="2026-12-08"
        )
        ana_round = store.add_round(meeting.id, ana.id, "mastermind hot seat", issue="Growth")
        store.add_advice(ana_round.id, BEN_ADVICE, giver_id=ben.id)
        for text, day in [
            (ANA_LATER, "2027-01-15"),
            (ANA_DUE[1], "2026-12-07"),
            (ANA_DUE[0], "2026-12-01"),
        ]:
            store.add_commitment(ana.id, meeting.id, text, day, round_id=ana_round.id)
        store.add_commitment(ana.id, meeting.id, ANA_PRIVATE, "2026-12-02", private=True)
        secret = store.add_round(meeting.id, ana.id, "mastermind hot seat", private=True)
        store.add_commitment(
            ana.id, meeting.id, ANA_IN_PRIVATE_ROUND, "2026-12-03", round_id=secret.id
        )
        ben_round = store.add_round(meeting.id, ben.id, "mastermind hot seat", issue="Hiring")
        store.add_commitment(ben.id, meeting.id, BEN_OWN, "2026-12-05", round_id=ben_round.id)
        for who in (ana, ben, dev, eve):
            store.issue_link(who.id, key)
        store.revoke_link(eve.id)
        store.member_leaves(dev.id, "2026-10-01")
        ids = {m.name.split()[0]: m.id for m in (ana, ben, chloe, dev, eve)}
        yield Circle(store, db_path, key, ids)


@pytest.fixture
def peerkit(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """The `peerkit` command as a user runs it (errors are one line on stderr): its exit code,
    output and errors."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _use(monkeypatch: pytest.MonkeyPatch, box: Mailbox, **smtp: str) -> None:
    """Send through the test's server, unencrypted (it is on 127.0.0.1); ``smtp``: more
    PEERKIT_SMTP_… variables (USER="kim" sets $PEERKIT_SMTP_USER)."""
    values = {
        "PEERKIT_SMTP_HOST": "127.0.0.1",
        "PEERKIT_SMTP_PORT": str(box.port),
        "PEERKIT_SMTP_TLS": "none",
        "PEERKIT_MAIL_FROM": SENDER,
        **{f"PEERKIT_SMTP_{name}": value for name, value in smtp.items()},
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # lines end in CRLF on the wire


def _token(body: str) -> str:
    found = re.search(rf"^{re.escape(PUBLIC_URL)}{PREFIX}/(\S+)$", body, re.M)
    assert found, body
    return found.group(1)


# -- reminders ------------------------------------------------------------------------------


def test_each_member_gets_what_is_due_before_the_next_meeting_and_their_own_link(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox)
    code, out, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert (code, err) == (0, "")
    got = mailbox.messages()
    assert set(got) == {"ana@example.org", "ben@example.org", "eve@example.org"}
    assert "Sent to Ana Lima <ana@example.org>" in out.splitlines()
    assert out.splitlines()[-1] == "Sent 3 of 3 messages."

    ana = got["ana@example.org"]
    assert ana["Subject"] == "Before our meeting on Tue 8 Dec: 2 commitments due"
    assert ana["From"] == SENDER and ana["To"] == "Ana Lima <ana@example.org>"
    assert ana["Date"] and re.fullmatch(r"<[^@\s]+@example\.org>", ana["Message-ID"])
    assert ana.get_content_type() == "text/plain" and ana.get_content_charset() == "utf-8"
    body = _text(ana)
    assert body.startswith("Hello Ana,\n")
    assert "Our next meeting is on Tue 8 Dec 2026, at Hotel Rivoli, Lisbon." in body
    # Due by the meeting first (by date), then what is due later.
    due = [
        "- Call three clients about the pilot (by Tue 1 Dec 2026)",
        "- Review the budget with a member (by Mon 7 Dec 2026)",
        "- Draft the hiring plan (by Fri 15 Jan 2027)",
    ]
    assert [body.index(line) for line in due] == sorted(body.index(line) for line in due)
    # Nothing of another member, nothing private.
    for absent in ("Ben", "Okafor", BEN_OWN, BEN_ADVICE, ANA_PRIVATE, ANA_IN_PRIVATE_ROUND):
        assert absent not in body and absent not in str(ana["Subject"])
    # The personal link opens Ana's own page.
    member = circle.store.member_for_token(_token(body))
    assert member is not None and member.id == circle.ids["Ana"]

    ben = got["ben@example.org"]
    assert ben["Subject"] == "Before our meeting on Tue 8 Dec: 1 commitment due"
    assert BEN_OWN in _text(ben) and "Ana" not in _text(ben) and ANA_DUE[0] not in _text(ben)
    member = circle.store.member_for_token(_token(_text(ben)))
    assert member is not None and member.id == circle.ids["Ben"]

    eve = got["eve@example.org"]
    assert eve["Subject"] == "Before our meeting on Tue 8 Dec: nothing due"
    assert PREFIX not in _text(eve)  # her link was revoked: no link line


def test_members_without_an_email_who_left_or_without_a_working_link_are_named(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox)
    code, out, _ = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("Chloe Martin: no e-mail address: nothing sent") for line in lines)
    assert "Dev Patel: left the group on 2026-10-01: nothing sent." in lines
    assert any(line.startswith("Eve Stone: their link was revoked") for line in lines)
    assert "dev@example.org" not in {r for e in mailbox.received for r in e.rcpt_tos}


def test_no_next_meeting_is_said_once_and_nothing_is_sent(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox)
    code, out, _ = peerkit("remind", "--db", str(circle.db), "--today", "2026-12-09")
    assert code == 0
    assert "Leaders A: no next meeting is known" in out and "No reminders to send." in out
    assert mailbox.received == []


def test_dry_run_writes_the_very_messages_it_would_send_as_files_only_you_can_read(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit, here: Path
) -> None:
    _use(monkeypatch, mailbox)
    code, out, _ = peerkit(
        "remind", "--db", str(circle.db), "--today", TODAY, "--dry-run", "outbox"
    )
    assert code == 0 and mailbox.received == []
    assert "Wrote 3 reminders into outbox; nothing was sent." in out
    files = sorted((here / "outbox").iterdir())
    assert [f.name for f in files] == [
        "reminder-ana-lima.eml",
        "reminder-ben-okafor.eml",
        "reminder-eve-stone.eml",
    ]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    written = {}
    for f in files:
        parsed = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        written[str(parsed["To"])] = parsed

    assert peerkit("remind", "--db", str(circle.db), "--today", TODAY)[0] == 0
    sent = {str(m["To"]): m for m in mailbox.messages().values()}
    assert set(written) == set(sent)
    for to, message in sent.items():
        twin = written[to]
        assert (twin["From"], twin["Subject"]) == (message["From"], message["Subject"])
        assert _text(twin) == _text(message)


def test_a_dry_run_needs_no_mail_server_and_no_sender(circle: Circle, peerkit, here) -> None:
    code, out, _ = peerkit("remind", "--db", str(circle.db), "--today", TODAY, "--dry-run", "o")
    assert code == 0
    assert "mail_from is not set: the files have no From line." in out
    assert len(list((here / "o").glob("*.eml"))) == 3


def test_a_refused_recipient_is_reported_and_the_others_still_get_theirs(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox)
    mailbox.refuse.add("ben@example.org")
    code, out, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert code == 2
    assert "Not sent to Ben Okafor <ben@example.org>: the server refused it (550" in err
    assert set(mailbox.messages()) == {"ana@example.org", "eve@example.org"}
    assert out.splitlines()[-1] == "Sent 2 of 3 messages; 1 failed."


# -- the mail server's settings ---------------------------------------------------------------


def test_the_password_comes_from_the_environment_and_settings_never_show_it(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox, USER="kim@example.org", PASSWORD="s3cret horse battery")
    code, _, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert (code, err) == (0, "")
    assert mailbox.logins == [("kim@example.org", "s3cret horse battery")]
    assert len(mailbox.received) == 3
    code, out, _ = peerkit("settings", "--db", str(circle.db))
    assert code == 0 and "s3cret" not in out
    assert "smtp_password = '(set, not shown)'  [$PEERKIT_SMTP_PASSWORD]" in out


def test_the_password_comes_from_the_password_file_when_the_environment_has_none(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit, here: Path
) -> None:
    (here / "smtp-password").write_text("from the file\n", encoding="utf-8")
    _use(monkeypatch, mailbox, USER="kim", PASSWORD_FILE=str(here / "smtp-password"))
    assert peerkit("remind", "--db", str(circle.db), "--today", TODAY)[0] == 0
    assert mailbox.logins == [("kim", "from the file")]


def test_a_user_without_a_password_is_one_clear_line_and_nothing_is_sent(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox, USER="kim")
    code, out, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert code == 1 and out == ""
    assert err == (
        "Error: smtp_user is 'kim' but no password was found: set $PEERKIT_SMTP_PASSWORD, "
        "or smtp_password_file to a file holding it.\n"
    )
    assert mailbox.received == [] and mailbox.logins == []


def test_a_missing_sender_is_one_clear_line_and_nothing_is_sent(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox)
    monkeypatch.delenv("PEERKIT_MAIL_FROM")
    code, out, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert code == 1 and out == ""
    assert err.startswith("Error: mail_from is not set: say who the e-mails come from")
    assert err.count("\n") == 1 and "Nothing was sent." in err
    assert mailbox.received == []


def test_starttls_is_asked_for_by_default_and_not_when_smtp_tls_is_none(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox, TLS="starttls")
    code, _, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert code == 1
    assert err.startswith(f"Error: The mail server 127.0.0.1:{mailbox.port} offers no STARTTLS")
    assert mailbox.received == []
    monkeypatch.setenv("PEERKIT_SMTP_TLS", "none")
    assert peerkit("remind", "--db", str(circle.db), "--today", TODAY)[0] == 0
    assert len(mailbox.received) == 3


def test_the_mail_server_comes_from_the_cohort_folders_peerkit_toml(
    circle: Circle, mailbox: Mailbox, peerkit, here: Path
) -> None:
    (here / "peerkit.toml").write_text(
        '[peerkit]\ncohort = "Leaders A"\nstore = "peerkit.db"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {mailbox.port}\nsmtp_tls = "none"\nmail_from = "{SENDER}"\n',
        encoding="utf-8",
    )
    code, out, err = peerkit("remind", "--today", TODAY)
    assert (code, err) == (0, ""), out
    assert len(mailbox.received) == 3


def test_a_password_is_never_sent_unencrypted_beyond_this_computer(
    circle: Circle, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    monkeypatch.setenv("PEERKIT_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("PEERKIT_SMTP_TLS", "none")
    monkeypatch.setenv("PEERKIT_SMTP_USER", "kim")
    monkeypatch.setenv("PEERKIT_SMTP_PASSWORD", "pw")
    monkeypatch.setenv("PEERKIT_MAIL_FROM", SENDER)
    code, _, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY)
    assert code == 1 and "unencrypted" in err and "pw" not in err.replace("password", "")


# -- the member's summary of the minutes -------------------------------------------------------


def test_minutes_sends_each_member_their_own_summary_of_the_last_meeting(
    circle: Circle, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, peerkit
) -> None:
    _use(monkeypatch, mailbox)
    code, out, err = peerkit("remind", "--db", str(circle.db), "--today", TODAY, "--minutes")
    assert (code, err) == (0, ""), out
    got = mailbox.messages()
    assert set(got) == {"ana@example.org", "ben@example.org", "eve@example.org"}
    ana = got["ana@example.org"]
    assert ana["Subject"] == "Your summary of the meeting of Tue 3 Nov 2026"
    assert ana.get_content_type() == "multipart/alternative"
    text = _text(ana)
    html_part = ana.get_body(("html",))
    assert html_part is not None
    html = str(html_part.get_content()).replace("\r\n", "\n")
    for part in (text, html):
        assert ANA_DUE[0] in part and BEN_ADVICE in part
        for absent in ("Ben", "Okafor", BEN_OWN, ANA_PRIVATE, ANA_IN_PRIVATE_ROUND):
            assert absent not in part
    assert BEN_OWN in _text(got["ben@example.org"])


# -- the library ----------------------------------------------------------------------------


def test_the_library_builds_once_and_sends_or_writes_the_same_messages(
    circle: Circle, mailbox: Mailbox, tmp_path: Path
) -> None:
    c = circle.store.cohort("Leaders A")
    zoe = circle.store.add_member(c.id, "Zoë Ångström", email="zoe@example.org")
    circle.store.issue_link(zoe.id, circle.key)
    mailing = build_reminders(
        circle.store,
        c.id,
        today=dt.date(2026, 11, 20),
        public_url=PUBLIC_URL,
        key=circle.key,
        sender=SENDER,
    )
    assert len(mailing.messages) == 4
    assert any(n.startswith("Chloe Martin: no e-mail address") for n in mailing.notes)
    paths = write_eml(mailing.messages, tmp_path / "eml")
    assert paths[-1].name == "reminder-zoe-angstrom.eml"
    config = SmtpConfig("127.0.0.1", mailbox.port, "none", "", None, SENDER)
    report = send(mailing.messages, config)
    assert report.failed == [] and len(report.sent) == 4
    assert report.summary() == "Sent 4 of 4 messages."

    def seen(message: Any) -> tuple[str, str, str]:
        return str(message["To"]), str(message["Subject"]), _text(message)

    files = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]
    assert sorted(map(seen, files)) == sorted(map(seen, mailbox.messages().values()))
    assert seen(mailbox.messages()["zoe@example.org"])[:2] == (
        "Zoë Ångström <zoe@example.org>",
        "Before our meeting on Tue 8 Dec: nothing due",
    )
    assert _text(mailbox.messages()["zoe@example.org"]).startswith("Hello Zoë,\n")


def test_other_members_are_named_in_a_reminder_only_when_the_group_agreed(
    circle: Circle,
) -> None:
    c = circle.store.cohort("Leaders A")

    def ana_body(**rules: bool) -> str:
        mailing = build_reminders(circle.store, c.id, today=dt.date(2026, 11, 20), **rules)
        (ana,) = [m for m in mailing.messages if "ana@" in str(m["To"])]
        return _text(ana)

    assert "Review the budget with a member" in ana_body()
    assert ANA_DUE[1] in ana_body(name_others=True)
    assert "Review the budget with a member" in ana_body(name_others=True, chatham_house=True)
    assert PREFIX not in ana_body()  # no key given: no links
    (meeting,) = circle.store.meetings(c.id)
    circle.store.update_meeting(meeting.id, place="Ben Okafor's office")
    assert "Our next meeting is on Tue 8 Dec 2026, at a member's office." in ana_body()
