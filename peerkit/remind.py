"""E-mails to members: what is due before the next meeting, or their summary of the last one.

One code path: :func:`build_reminders` (or :func:`build_minutes_messages`) builds the messages,
then :func:`send` hands them to a mail server over one SMTP connection, or :func:`write_eml`
writes them as ``.eml`` files (``peerkit remind --dry-run``). Only the standard library's
``smtplib`` and ``email`` are used.

Each message goes to one member and holds only that member's own things: their open
commitments that are not private (nor made in a private round), and their personal link. Other
members' names and e-mail addresses in those texts become "a member", as in a member's summary
of the minutes (docs/confidentiality.md), unless the group agreed to be named there and the
cohort does not meet under the Chatham House Rule.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from peerkit.confidentiality import A_MEMBER, mentions_of
from peerkit.links import link_url
from peerkit.model import Commitment, Meeting, Member, MemberStatus, PeerkitError
from peerkit.participation import Link

if TYPE_CHECKING:
    from peerkit.model import Format
    from peerkit.settings import Settings
    from peerkit.store import Store

__all__ = [
    "TLS_MODES",
    "Mailing",
    "SendReport",
    "SmtpConfig",
    "build_minutes_messages",
    "build_reminders",
    "recipient",
    "send",
    "smtp_config",
    "write_eml",
]

#: The values of the ``smtp_tls`` setting.
TLS_MODES = ("starttls", "tls", "none")
#: Seconds a socket operation with the mail server may take before the send gives up.
SMTP_TIMEOUT = 60.0
#: The header that names what a message is (``reminder`` or ``minutes``): .eml file names.
KIND_HEADER = "X-Peerkit-Kind"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Mailing:
    """What a build made: the messages, one per member, and a one-line note for each member
    (or the cohort) left out or sent something incomplete, saying why."""

    messages: tuple[EmailMessage, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmtpConfig:
    """The mail server and the sender, checked (:func:`smtp_config`)."""

    host: str
    port: int
    tls: str
    user: str
    password: str | None
    sender: str  # the From header, e.g. "Coach Kim <kim@example.org>"

    @property
    def envelope_sender(self) -> str:
        return parseaddr(self.sender)[1]


@dataclass
class SendReport:
    """What :func:`send` did: the recipients sent to, and those that failed with the reason."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        total = len(self.sent) + len(self.failed)
        line = f"Sent {len(self.sent)} of {total} message{'s' if total != 1 else ''}"
        return line + (f"; {len(self.failed)} failed." if self.failed else ".")


# -- building -------------------------------------------------------------------------------


def build_reminders(
    store: Store,
    cohort_id: int,
    *,
    today: dt.date,
    public_url: str = "",
    key: bytes | None = None,
    sender: str | None = None,
    chatham_house: bool = False,
    name_others: bool = False,
    now: dt.datetime | None = None,
) -> Mailing:
    """One reminder per active member with an e-mail address: the next meeting (the first on
    or after ``today``, or the date the latest one set), their own open commitments that are
    not private (those due by the meeting first) and their personal link (made again from the
    facilitator's link ``key``; a member with no working link gets the reminder without one,
    and a note). ``sender`` is the From header (None: no From, as a dry run without
    ``mail_from`` writes). ``chatham_house`` and ``name_others`` are the cohort's settings:
    other members named in a commitment's text appear as "a member" unless the group agreed
    to be named (``name_others``) and Chatham House mode is off."""
    sender = _checked_sender(sender)
    with store.reading():
        cohort = store.cohort(cohort_id)
        meeting = store.next_meeting_on(cohort.id, today)
        everyone = store.members(cohort.id)
        if meeting is None:
            return Mailing(
                (),
                (
                    f"{cohort.name}: no next meeting is known (add one, or set the next "
                    "meeting's date at the latest one): no reminders sent.",
                ),
            )
        open_ones = store.open_commitments(cohort.id)
        shown = store.shown_commitment_ids(c for c, _ in open_ones)
        links = store.links(cohort.id)
        notes: list[str] = []
        messages: list[EmailMessage] = []
        for member in everyone:
            to = _recipient_or_note(member, notes)
            if to is None:
                continue
            mine = [
                (c, target) for c, target in open_ones if c.owner_id == member.id and c.id in shown
            ]
            url = None
            link = links.get(member.id)
            if key is not None and link is not None and link.active:
                token = store.link_token(member.id, key)
                url = link_url(public_url, token) if token else None
            if key is not None and url is None:
                notes.append(
                    f"{member.name}: {_no_link(member, link)}: the reminder goes without it."
                )
            words = _words(everyone, member, chatham_house=chatham_house, name_others=name_others)
            subject, body = _reminder_text(member, meeting, mine, url, words)
            messages.append(_message(to, sender, subject, body, "reminder", now))
    return Mailing(tuple(messages), tuple(notes))


def build_minutes_messages(
    store: Store,
    cohort_id: int,
    *,
    today: dt.date,
    sender: str | None = None,
    chatham_house: bool = False,
    name_others: bool = False,
    formats: dict[str, Format] | None = None,
    template_dirs: Sequence[str | Path] = (),
    now: dt.datetime | None = None,
) -> Mailing:
    """One message per active member with an e-mail address: their personal summary of the
    latest meeting held on or before ``today`` (peerkit.minutes, member mode: Markdown as the
    text, the HTML as an alternative part), under the cohort's ``chatham_house`` and
    ``name_others`` (its ``name_others_in_member_minutes``). Members who joined after that
    meeting get nothing (a note says so)."""
    from peerkit.minutes import build, convert

    sender = _checked_sender(sender)
    with store.reading():
        cohort = store.cohort(cohort_id)
        held = [m for m in store.meetings(cohort.id) if m.date <= today]
        if not held:
            return Mailing((), (f"{cohort.name}: no meeting held yet: no summaries sent.",))
        meeting = held[-1]
        notes: list[str] = []
        messages: list[EmailMessage] = []
        for member in store.members(cohort.id):
            to = _recipient_or_note(member, notes)
            if to is None:
                continue
            if member.joined is not None and member.joined > meeting.date:
                notes.append(
                    f"{member.name}: joined after the meeting of {_day(meeting.date)}: nothing "
                    "sent."
                )
                continue
            notebook = build(
                store,
                meeting.id,
                chatham_house=chatham_house,
                member=str(member.id),
                name_others=name_others,
                formats=formats,
            )
            text = str(convert(notebook, "md", template_dirs=template_dirs))
            html = str(convert(notebook, "html", template_dirs=template_dirs))
            subject = f"Your summary of the meeting of {_day(meeting.date)}"
            message = _message(to, sender, subject, text, "minutes", now)
            message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
            messages.append(message)
    return Mailing(tuple(messages), tuple(notes))


def recipient(member: Member) -> Address:
    """The member as a To address; PeerkitError for an address that is not one."""
    email = (member.email or "").strip()
    try:
        local, _, domain = email.rpartition("@")
        if not local or not domain or any(c.isspace() for c in email):
            raise ValueError(email)
        return Address(display_name=member.name, username=local, domain=domain)
    except (ValueError, IndexError, HeaderParseError):
        raise PeerkitError(f"{member.name}: {email!r} is not an e-mail address.") from None


def _recipient_or_note(member: Member, notes: list[str]) -> Address | None:
    if member.status is not MemberStatus.ACTIVE:
        left = f" on {member.left_on.isoformat()}" if member.left_on else ""
        notes.append(f"{member.name}: left the group{left}: nothing sent.")
        return None
    if member.redacted:
        notes.append(f"{member.name}: redacted: nothing sent.")
        return None
    if not (member.email or "").strip():
        notes.append(
            f"{member.name}: no e-mail address: nothing sent (add one with "
            "`peerkit import-roster`)."
        )
        return None
    try:
        return recipient(member)
    except PeerkitError as exc:
        notes.append(f"{exc}: nothing sent.")
        return None


def _no_link(member: Member, link: Link | None) -> str:
    """Why a member's reminder has no link, and what gives them one."""
    if link is None:
        return "no personal link yet (`peerkit links` gives one)"
    again = f"`peerkit links --reissue {member.name!r}`"
    if not link.active:
        return f"their link was revoked ({again} gives a new one)"
    return f"their link was made with another link key ({again})"


def _words(
    everyone: list[Member], me: Member, *, chatham_house: bool, name_others: bool
) -> Callable[[str], str]:
    """The text of one member's own commitments as their e-mail may hold it: the other
    members' names and e-mails replaced with "a member" (as in their summary of the
    minutes), unless the group agreed to be named and Chatham House mode is off."""
    if name_others and not chatham_house:
        return lambda text: text
    others = [m for m in everyone if m.id != me.id]
    mentions = mentions_of(others, others=[me], any_email=chatham_house)
    return lambda text: mentions.replace(text, A_MEMBER)[0]


def _reminder_text(
    member: Member,
    meeting: Meeting,
    mine: list[tuple[Commitment, dt.date]],
    url: str | None,
    words: Callable[[str], str],
) -> tuple[str, str]:
    """The subject and the body of a member's reminder."""
    due = sorted(((c, d) for c, d in mine if d <= meeting.date), key=lambda x: (x[1], x[0].id))
    later = sorted(((c, d) for c, d in mine if d > meeting.date), key=lambda x: (x[1], x[0].id))
    count = f"{len(due)} commitment{'s' if len(due) != 1 else ''} due" if due else "nothing due"
    short = f"{_DAYS[meeting.date.weekday()]} {meeting.date.day} {_MONTHS[meeting.date.month - 1]}"
    subject = f"Before our meeting on {short}: {count}"
    first = member.name.split()[0] if member.name.split() else member.name
    place = words(meeting.place)
    if place.startswith(A_MEMBER.capitalize()):  # mid-sentence here: "at a member's office"
        place = A_MEMBER + place[len(A_MEMBER) :]
    where = f", at {place}" if place else ""
    lines = [f"Hello {first},", "", f"Our next meeting is on {_day(meeting.date)}{where}.", ""]
    if due:
        lines += ["Due by then:", *(_item(c, d, words) for c, d in due), ""]
    else:
        lines += ["None of your commitments is due by then.", ""]
    if later:
        lines += ["Also open, due later:", *(_item(c, d, words) for c, d in later), ""]
    if url:
        lines += [
            "Your own page, to file your update and your progress before the meeting:",
            url,
            "This link is yours alone: please do not forward this e-mail.",
            "",
        ]
    lines += ["See you there."]
    return subject, "\n".join(lines) + "\n"


def _item(commitment: Commitment, target: dt.date, words: Callable[[str], str]) -> str:
    text = "\n  ".join(words(commitment.text).splitlines() or [""])
    return f"- {text} (by {_day(target)})"


def _day(day: dt.date) -> str:
    """``Tue 8 Dec 2026``, the same in every locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _checked_sender(sender: str | None) -> str | None:
    """``sender`` (the ``mail_from`` setting) as a From header, or None when empty;
    PeerkitError when it holds no e-mail address."""
    text = (sender or "").strip()
    if not text:
        return None
    name, address = parseaddr(text)
    try:
        if "@" not in address or "\n" in text or "\r" in text:
            raise ValueError(address)
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError, HeaderParseError):
        raise PeerkitError(
            "mail_from must be an e-mail address, like 'Coach Kim <kim@example.org>', "
            f"not {text!r}."
        ) from None


def _message(
    to: Address,
    sender: str | None,
    subject: str,
    body: str,
    kind: str,
    now: dt.datetime | None,
) -> EmailMessage:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    message["Date"] = format_datetime(moment.astimezone())
    domain = parseaddr(sender)[1].rpartition("@")[2] if sender else ""
    message["Message-ID"] = make_msgid("peerkit", domain=domain or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message[KIND_HEADER] = kind
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


# -- sending --------------------------------------------------------------------------------


def smtp_config(settings: Settings) -> SmtpConfig:
    """The mail server settings, checked before anything is built or sent: every problem is
    one plain sentence (PeerkitError). The password comes from ``$PEERKIT_SMTP_PASSWORD``
    (the ``smtp_password`` setting, environment only), else from ``smtp_password_file``."""
    sender = _checked_sender(settings.mail_from)
    if sender is None:
        raise PeerkitError(
            "mail_from is not set: say who the e-mails come from, e.g. mail_from = "
            '"Coach Kim <kim@example.org>" in peerkit.toml or $PEERKIT_MAIL_FROM '
            "(or use --dry-run FOLDER to write them as files). Nothing was sent."
        )
    host = settings.smtp_host.strip()
    if not host:
        raise PeerkitError(
            'smtp_host is not set: name the mail server, e.g. smtp_host = "smtp.example.org" '
            "in peerkit.toml or $PEERKIT_SMTP_HOST (or use --dry-run FOLDER to write the "
            "e-mails as files). Nothing was sent."
        )
    tls = settings.smtp_tls.strip().lower()
    if tls not in TLS_MODES:
        raise PeerkitError(
            f"smtp_tls must be one of {', '.join(TLS_MODES)}, not {settings.smtp_tls!r}."
        )
    port = int(settings.smtp_port)
    if not 1 <= port <= 65535:
        raise PeerkitError(f"smtp_port {port} is not a port: give a number from 1 to 65535.")
    user = settings.smtp_user.strip()
    password = _password(settings) if user else None
    if user and tls == "none" and not _loopback(host):
        raise PeerkitError(
            f'smtp_tls = "none" would send {user}\'s password to {host} unencrypted: use '
            '"starttls" or "tls" (or "none" only with a relay on this computer, 127.0.0.1).'
        )
    return SmtpConfig(host, port, tls, user, password, sender)


def _password(settings: Settings) -> str:
    if settings.smtp_password:
        return str(settings.smtp_password)
    path = settings.smtp_password_file.strip()
    if not path:
        raise PeerkitError(
            f"smtp_user is {settings.smtp_user!r} but no password was found: set "
            "$PEERKIT_SMTP_PASSWORD, or smtp_password_file to a file holding it."
        )
    where = Path(path).expanduser()
    try:
        password = where.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise PeerkitError(f"Cannot read the SMTP password from {where}: {reason}.") from None
    if not password:
        raise PeerkitError(f"{where} (smtp_password_file) is empty: write the password in it.")
    return password


def _loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def send(
    messages: Iterable[EmailMessage],
    settings: Settings | SmtpConfig,
    *,
    on_sent: Callable[[EmailMessage, str | None], None] | None = None,
) -> SendReport:
    """Send ``messages`` through the mail server over one connection (STARTTLS, TLS or
    neither, per ``smtp_tls``; a login when ``smtp_user`` is set). A message the server refuses
    is reported and the others still go; if the server hangs up, one new connection is tried.
    ``on_sent(message, error)`` is called after each message (error None: sent). Raises
    PeerkitError, having sent nothing, when the server cannot be reached or refuses the
    login."""
    config = settings if isinstance(settings, SmtpConfig) else smtp_config(settings)
    report = SendReport()
    smtp: smtplib.SMTP | None = _connect(config)
    gone: str | None = None  # why a new connection failed: the rest are not tried
    try:
        for message in messages:
            error = gone
            if gone is None:
                try:
                    if smtp is None:
                        smtp = _connect(config)
                    error = _deliver(smtp, message, config)
                except (smtplib.SMTPServerDisconnected, OSError):
                    _close(smtp)
                    smtp = None
                    try:  # once more, on a new connection
                        smtp = _connect(config)
                        error = _deliver(smtp, message, config)
                    except PeerkitError as exc:
                        error = gone = str(exc)
                    except (smtplib.SMTPException, OSError) as exc:
                        _close(smtp)
                        smtp, error = None, f"the connection failed ({_reason(exc)})"
                except PeerkitError as exc:
                    error = gone = str(exc)
                except smtplib.SMTPException as exc:
                    error = f"it could not be sent ({_reason(exc)})"
            to = str(message["To"])
            if error is None:
                report.sent.append(to)
            else:
                report.failed.append((to, error))
            if on_sent is not None:
                on_sent(message, error)
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return report


def _deliver(smtp: smtplib.SMTP, message: EmailMessage, config: SmtpConfig) -> str | None:
    """Hand one message to the server: None when it took it, else why it refused it (a
    broken connection raises)."""
    try:
        smtp.send_message(message, from_addr=config.envelope_sender)
    except smtplib.SMTPRecipientsRefused as exc:
        return "; ".join(_reply(*r) for r in exc.recipients.values())
    except smtplib.SMTPResponseException as exc:
        return _reply(exc.smtp_code, exc.smtp_error)
    return None


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"the server refused it ({code} {' '.join(words.split())})"


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    """A connection to the mail server, encrypted and logged in as the settings say."""
    where = f"{config.host}:{config.port}"
    # Made only when the connection is encrypted: it costs 20-30 ms (benchmarks/members.py).
    context = ssl.create_default_context() if config.tls != "none" else None
    smtp: smtplib.SMTP | None = None
    try:
        if config.tls == "tls":
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT)
        if config.tls == "starttls":
            smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, config.password or "")
        return smtp
    except smtplib.SMTPNotSupportedError:
        _close(smtp)
        raise PeerkitError(
            f'The mail server {where} offers no STARTTLS: set smtp_tls = "tls" (usually port '
            '465), or "none" only for a relay on this computer. Nothing was sent.'
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise PeerkitError(
            f"The mail server {where} refused the login of {config.user}: "
            f"{_reply(exc.smtp_code, exc.smtp_error).removeprefix('the server refused it ')}. "
            "Nothing was sent."
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        _close(smtp)
        raise PeerkitError(
            f"Cannot reach the mail server {where}: {_reason(exc)}. Nothing was sent."
        ) from None


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        smtp.close()


# -- dry run --------------------------------------------------------------------------------


def write_eml(messages: Iterable[EmailMessage], folder: str | Path) -> list[Path]:
    """Write each message as an ``.eml`` file in ``folder`` (made if missing, readable by you
    only), named by its kind and recipient (``reminder-ana-lima.eml``), each file mode 0600.
    A file of the same name is replaced. Returns the paths written."""
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise PeerkitError(f"{target} is a file, not a folder: give a folder for the .eml files.")
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise PeerkitError(f"Cannot make the folder {target}: {exc.strerror or exc}.") from None
    paths: list[Path] = []
    taken: set[str] = set()
    for message in messages:
        name = _file_name(message, taken)
        taken.add(name)
        path = target / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(message.as_bytes())
            path.chmod(0o600)  # a file that was there keeps its mode otherwise
        except OSError as exc:
            raise PeerkitError(f"Cannot write {path}: {exc.strerror or exc}.") from None
        paths.append(path)
    return paths


def _file_name(message: EmailMessage, taken: set[str]) -> str:
    """A name safe on every file system: ASCII letters, digits and hyphens, made unique."""
    kind = _slug(str(message.get(KIND_HEADER, "") or "message")) or "message"
    to = message["To"]
    addresses = getattr(to, "addresses", ())
    who = addresses[0].display_name or addresses[0].username if addresses else str(to or "")
    stem = f"{kind}-{_slug(who) or 'member'}"[:80]
    name, number = f"{stem}.eml", 1
    while name in taken:
        number += 1
        name = f"{stem}-{number}.eml"
    return name


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")
