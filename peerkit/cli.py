"""The `peerkit` command: a thin click layer over the library; errors are one plain line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from peerkit.model import PeerkitError, parse_day
from peerkit.settings import Settings, listing, notebooks_dir, resolve

#: The store `peerkit serve --demo` builds and serves unless --db names another.
DEMO_DB = "demo.db"
DB_HELP = (
    "The store: a SQLite file path or a database URL such as postgresql://user@host/peerkit "
    "(default: $PEERKIT_DB, else the cohort folder's, else ./peerkit.db)."
)


def db_option(func: Any) -> Any:
    return click.option("--db", default=None, help=DB_HELP)(func)


def cohort_option(func: Any) -> Any:
    return click.option(
        "--cohort", default=None, help="Cohort name or id (needed when the store holds several)."
    )(func)


def open_store(db: str, *, create: bool = False) -> Any:
    from peerkit.store import Store

    return Store(db, create=create, allowed_cohorts=resolve().allowed_cohorts)


def _store_only(db: str | None) -> str:
    """The store a command that ignores the cohort folder works on: --db, else $PEERKIT_DB,
    else ./peerkit.db."""
    return resolve({"store": db}, folder=False).store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="peerkit")
def cli() -> None:
    """peerkit: a facilitator's toolkit for professional peer groups."""


@cli.command()
@db_option
@click.option("--seed", default=7, show_default=True, help="Same seed, same demo cohort.")
@click.option(
    "--today",
    default=None,
    help="Pretend today is this date (YYYY-MM-DD); meetings are the months before it.",
)
@click.option("--force", is_flag=True, help="Replace an existing store file.")
def demo(db: str | None, seed: int, today: str | None, force: bool) -> None:
    """Build a demo cohort: 12 members and 14 monthly meetings of rounds, advice and reviews."""
    from peerkit.demo import build_demo
    from peerkit.store import database_url

    db = _store_only(db)
    day = _date(today, "--today") if today else None
    url = database_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            if not force:
                raise PeerkitError(f"{path} already exists: use --force to replace it.")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    with open_store(db, create=True) as store:
        _say_built(build_demo(store, seed=seed, today=day), store)


def _say_built(summary: Any, store: Any) -> None:
    click.echo(
        f"Demo cohort {summary.cohort!r} in {store.where}: {summary.members} members, "
        f"{summary.meetings} meetings, {summary.rounds} rounds, {summary.advice} pieces of advice, "
        f"{summary.commitments} commitments, {summary.reviews} reviews."
    )


@cli.command()
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(),
    help="A coach's format file (YAML) to validate and list; repeatable.",
)
def formats(files: tuple[str, ...]) -> None:
    """List the formats (built in, the cohort folder's formats/ and --file), one line each."""
    from peerkit.folder import format_folders, load_config
    from peerkit.formats import describe, load_formats

    settings = resolve()
    folders = format_folders(load_config(settings.file) if settings.file else None)
    listed = {p.resolve() for f in folders for p in [*f.glob("*.yaml"), *f.glob("*.yml")]}
    others = [f for f in files if Path(f).resolve() not in listed]  # each file read once
    for fmt in load_formats([*folders, *others]).values():
        source = "" if fmt.source == "built-in" else f"  [{fmt.source}]"
        click.echo(describe(fmt) + source)


@cli.command()
@db_option
@cohort_option
def members(db: str, cohort: str | None) -> None:
    """List a cohort's members, one line each."""
    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        the_cohort = store.cohort(cohort)
        for m in store.members(the_cohort.id):
            status = "active" if m.status.value == "active" else f"left {m.left_on or ''}".strip()
            click.echo(f"{m.id:>4}  {m.name:<24} {m.role or '':<22} {status}")


@cli.command()
@db_option
@cohort_option
def meetings(db: str, cohort: str | None) -> None:
    """List a cohort's meetings, one line each: date, place, rounds, attendance."""
    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        the_cohort = store.cohort(cohort)
        for m in store.meetings(the_cohort.id):
            present = sum(1 for s in store.attendance(m.id).values() if s.value == "present")
            rounds = len(store.rounds(m.id))
            click.echo(
                f"{m.id:>4}  {m.date.isoformat()}  {m.place:<26} {rounds} rounds  {present} present"
            )


@cli.command()
@click.argument("folder", type=click.Path())
@click.option("--cohort", required=True, help="The cohort's name.")
@click.option("--db", default=None, help="Store URL or file (default: peerkit.db in the folder).")
def init(folder: str, cohort: str, db: str | None) -> None:
    """Make a cohort folder: notebooks, peerkit.toml (allowing only this cohort), formats/ and
    templates/ for overrides."""
    from peerkit.folder import init_folder
    from peerkit.store import shown_url

    config = init_folder(folder, cohort, store=db)
    store = shown_url(config.store_url)
    click.echo(f"Cohort folder {config.folder} for {cohort!r}; store {store}.")
    click.echo(f"Next: cd {folder} && peerkit import-roster roster.csv && peerkit serve")


@cli.command("import-roster")
@click.argument("file", type=click.Path())
@db_option
@cohort_option
def import_roster_command(file: str, db: str, cohort: str | None) -> None:
    """Add and update members from a CSV (name, email, role, joined); reports each row."""
    from peerkit.roster import import_roster

    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        report = import_roster(store, store.cohort(cohort).id, file)
    for line in report.lines():
        click.echo(line)
    if report.rejected:
        sys.exit(2)


@cli.command("export-roster")
@db_option
@cohort_option
@click.option("-o", "--output", default=None, help="Write to this file instead of stdout.")
def export_roster_command(db: str, cohort: str | None, output: str | None) -> None:
    """Write a cohort's roster as CSV (name, email, role, joined)."""
    from peerkit.roster import export_roster

    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        text = export_roster(store, store.cohort(cohort).id, output)
    if output is None:
        click.echo(text, nl=False)


@cli.command()
@db_option
@click.option("-o", "--output", required=True, help="The backup file to write (JSON).")
def backup(db: str, output: str) -> None:
    """Write the whole store to one versioned JSON file."""
    from peerkit.backup import backup as write_backup
    from peerkit.backup import private_items

    db, _ = _folder_defaults(db, None)
    with open_store(db) as store:
        counts = write_backup(store, output)
        private = private_items(store)
    click.echo(f"Wrote {output}: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n))
    if private:
        click.echo(
            f"It holds {private} private item{'s' if private != 1 else ''} kept for the "
            "facilitator (never shown or exported): keep it as safe as the store itself."
        )


@cli.command()
@click.argument("file", type=click.Path())
@db_option
def restore(file: str, db: str | None) -> None:
    """Restore a backup into a new, empty store."""
    from peerkit.backup import load
    from peerkit.backup import restore as read_backup

    db = _store_only(db)

    load(file)  # check the file before creating any store
    with open_store(db, create=True) as store:
        counts = read_backup(file, store)
    click.echo(f"Restored {file} into {store.where}: {sum(counts.values())} rows.")


YES_HELP = "Do it without asking (for scripts)."
FILES_HELP = (
    "Also delete (or keep) the minutes and backups peerkit wrote earlier that still hold it; "
    "without either, you are asked."
)


def forget_options(func: Any) -> Any:
    """``--yes`` and ``--delete-files/--keep-files``: what purge and redact share."""
    func = click.option("--delete-files/--keep-files", default=None, help=FILES_HELP)(func)
    return click.option("--yes", is_flag=True, help=YES_HELP)(func)


@cli.command()
@click.argument("member")
@db_option
@cohort_option
@forget_options
def redact(member: str, db: str, cohort: str | None, yes: bool, delete_files: bool | None) -> None:
    """Replace a member's name, e-mail and role with "Former member N" everywhere, inside every
    text of their cohort too; their history stays (MEMBER: a name or an id)."""
    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        who = store.find_member(store.cohort(cohort).id, member)
        if who.redacted:
            raise PeerkitError(f"{who.name} is already redacted: nothing to do.")
        dry = store.redact_member(who.id, dry_run=True)
        mentions = sum(dry.mentions.values())
        click.echo(
            f'{who.name} (id {who.id}) will be shown as "Former member {who.id}" everywhere: '
            f"their name, e-mail and role are removed, and {mentions} mention"
            f"{'s' if mentions != 1 else ''} in the cohort's texts are replaced"
            + (f" ({_by_table(dry.mentions)})." if mentions else ".")
        )
        if not yes:
            click.confirm("Redact? This cannot be undone", abort=True)
        done = store.redact_member(who.id)
        click.echo(f"Redacted: {who.name} is now {done.member.name}.")
        _what_still_holds(store, done.still_held, done.files, delete_files, yes, who.name)


@cli.command()
@click.argument("meeting")
@db_option
@cohort_option
@forget_options
def purge(meeting: str, db: str, cohort: str | None, yes: bool, delete_files: bool | None) -> None:
    """Delete a meeting and everything said in it, for good, from the database's own files
    (MEETING: an id, a date or `latest`)."""
    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        found = store.find_meeting(meeting, store.cohort(cohort).id)
        held = store.meeting_contents(found.id)
        where = f" ({found.place})" if found.place else ""
        click.echo(
            f"The meeting of {found.date.isoformat()}{where} will be deleted for good: "
            f"{_by_table(held) or 'nothing was recorded in it'}."
        )
        if not yes:
            click.confirm("Purge? This cannot be undone", abort=True)
        done = store.purge_meeting(found.id)
        click.echo(f"Purged the meeting of {found.date.isoformat()} from {store.where}.")
        _what_still_holds(store, done.still_held, done.files, delete_files, yes, "the meeting")


_ROW_NAMES = {
    "rounds": "rounds",
    "advice": "pieces of advice",
    "commitments": "commitments",
    "reviews": "reviews",
    "parking": "parking-lot items",
    "attendance": "attendance marks",
    "meetings": "meeting records",
    "members": "member records",
    "ground_rules": "ground rules",
    "cohorts": "cohort names",
}


def _by_table(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {_ROW_NAMES.get(k, k)}" for k, n in counts.items() if n)


def _what_still_holds(
    store: Any,
    still_held: tuple[str, ...],
    files: tuple[Any, ...],
    delete_files: bool | None,
    yes: bool,
    what: str,
) -> None:
    """Say what still holds copies; offer to delete the files peerkit wrote earlier. Exits 2
    when copies remain that this command could not remove."""
    for note in still_held:
        click.echo(f"Warning: {note}", err=True)
    if files:
        click.echo(f"Files peerkit wrote earlier that still hold {what}:")
        for f in files:
            click.echo(f"  {f.path}  ({f.kind})")
        if delete_files is None:
            delete_files = False if yes else click.confirm("Delete these files?", default=False)
        if delete_files:
            for f in files:
                f.path.unlink(missing_ok=True)
                store.forget_export(f.id)
            click.echo(f"Deleted {len(files)} file{'s' if len(files) != 1 else ''}.")
        else:
            click.echo("Kept them: delete them yourself when you can.")
    if still_held:
        sys.exit(2)


def _folder_defaults(db: str | None, cohort: str | None) -> tuple[str, str | None]:
    """The store and cohort in force: the options, else the environment, else the cohort
    folder's (see peerkit.settings)."""
    settings = resolve({"store": db, "cohort": cohort})
    return settings.store_url, settings.cohort or None


@cli.command()
@db_option
@cohort_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8866, show_default=True, type=int, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the console in a browser.")
@click.option(
    "--preheat", is_flag=True, help="Keep a warm kernel per page (faster first paint, more memory)."
)
@click.option(
    "--demo",
    "demo_store",
    is_flag=True,
    help=f"Serve the demo cohort from ./{DEMO_DB} (or --db), building it only when that store "
    "is new or empty; a store that holds a cohort is served as it is, never rebuilt.",
)
@click.option(
    "--token",
    default=None,
    metavar="SECRET|generate",
    help="The secret every page and API call needs (at least 16 characters; default: "
    "$PEERKIT_TOKEN). Required unless --host is loopback. 'generate' makes one and prints "
    "it in the URLs.",
)
@click.option(
    "--certfile",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="Serve HTTPS with this certificate (PEM): members' phones on a shared Wi-Fi.",
)
@click.option(
    "--keyfile",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="The certificate's private key (PEM), when not inside --certfile.",
)
def serve(
    db: str | None,
    cohort: str | None,
    host: str,
    port: int,
    open_browser: bool,
    preheat: bool,
    token: str | None,
    demo_store: bool,
    certfile: str | None,
    keyfile: str | None,
) -> None:
    """Serve the facilitator console, the projector view and the accountability view (Voila)
    until Ctrl-C.

    Inside a cohort folder (made by `peerkit init`), its notebooks, store, formats and settings
    are used. With --demo, the demo store (./demo.db unless --db is given) is built first if it
    is new or empty, and kept as it is otherwise. On an address other than loopback (127.0.0.1,
    ::1, localhost) every page needs a secret: --token. Members' own pages
    (`peerkit links`) are served too; on a shared network, serve them over HTTPS (--certfile)."""
    from peerkit.serve import ServeError, check_token
    from peerkit.serve import serve as run_voila
    from peerkit.store import database_url

    _check_address(host, port)
    if keyfile and not certfile:
        raise PeerkitError("--keyfile goes with --certfile: give the certificate too.")
    settings = resolve({"store": db, "cohort": cohort, "token": token})
    token = settings.token or None
    try:
        check_token(host, token, preheat=preheat)  # before anything is opened or started
    except ServeError as exc:
        raise PeerkitError(str(exc)) from None
    if demo_store:
        if settings.folder is not None:
            raise PeerkitError(
                f"--demo serves the demo store, not the cohort folder {settings.folder}'s: "
                "run it outside the folder, or drop --demo."
            )
        db = db or DEMO_DB  # never $PEERKIT_DB: that is where real meetings live
        _demo_unless_there(db)
    else:
        db, cohort = settings.store_url, settings.cohort or None
    with open_store(db) as store:  # refuse a missing or newer store before starting anything
        store.cohort(cohort)
    env = {_env("cohort"): cohort} if cohort else {}
    if settings.file is not None:
        env[_env("config_file")] = str(settings.file)
    try:
        code = run_voila(
            settings.folder or notebooks_dir(),
            db_url=database_url(db),
            host=host,
            port=port,
            open_browser=open_browser,
            extra_env=env,
            preheat=preheat,
            token=token,
            certfile=certfile,
            keyfile=keyfile,
        )
    except ServeError as exc:
        raise PeerkitError(str(exc)) from None
    sys.exit(code)


def _check_address(host: str, port: int) -> None:
    """Refuse, in one sentence, an address or port Voila could not listen on (it would fail
    later, with its own traceback)."""
    import socket

    if not 1 <= port <= 65535:
        raise PeerkitError(f"--port {port} is not a port: give a number from 1 to 65535.")
    try:
        socket.getaddrinfo(host.strip("[]") or None, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise PeerkitError(
            f"Cannot serve on {host}: it is neither an IP address nor a host name this machine "
            "knows (use 127.0.0.1, or 0.0.0.0 for every address)."
        ) from None


@cli.command()
@click.argument("meeting")
@db_option
@cohort_option
@click.option(
    "--to", "to", default="html", show_default=True, help="Output format: html, md or pdf."
)
@click.option("--chatham-house", is_flag=True, help="Keep what was said; drop who said it.")
@click.option("--member", default=None, help="A personal action summary for this member.")
@click.option("--ics", is_flag=True, help="Also write a calendar file (.ics) beside it.")
@click.option(
    "--charts", is_flag=True, help="Add charts to HTML and PDF (slower: altair, vl-convert)."
)
@click.option(
    "--template-dir",
    "template_dirs",
    multiple=True,
    type=click.Path(),
    help="A folder of templates that win over peerkit's own; repeatable.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    help="Output file (default: minutes-DATE.EXT in the cohort folder's minutes/, else here).",
)
def minutes(
    meeting: str,
    db: str,
    cohort: str | None,
    to: str,
    chatham_house: bool,
    member: str | None,
    ics: bool,
    charts: bool,
    template_dirs: tuple[str, ...],
    output: str | None,
) -> None:
    """Export a meeting's minutes. MEETING is an id, a date (YYYY-MM-DD) or `latest`.

    Inside a cohort folder, its store, cohort, formats, templates/ overrides and Chatham House
    setting are used, and the minutes go to its minutes/ folder (where the console's "Export
    minutes" puts them too)."""
    from peerkit.folder import format_folders, load_config, minutes_dir
    from peerkit.minutes import TARGETS, export

    if to.strip().lower() not in (*TARGETS, "markdown"):
        raise PeerkitError(f"Cannot export minutes to {to!r}: use one of {', '.join(TARGETS)}.")
    if ics and output and Path(output).suffix.lower() == ".ics":
        own = Path(output).with_suffix(TARGETS.get(to.strip().lower(), ".md"))
        raise PeerkitError(
            f"-o {output} is where --ics writes the calendar, beside the minutes: name the "
            f"minutes' own file instead (such as -o {own}), and the calendar goes beside it. "
            "Nothing was written."
        )
    settings = resolve({"store": db, "cohort": cohort})
    config = load_config(settings.file) if settings.file else None
    db, cohort = settings.store_url, settings.cohort or None
    format_dirs = [settings.formats] if settings.formats else []
    format_dirs += [str(f) for f in format_folders(config)]
    if config is not None:
        template_dirs += (str(config.templates_dir),) if config.templates_dir.is_dir() else ()
        chatham_house = chatham_house or config.chatham_house
    name_others = config is not None and config.name_others_in_member_minutes
    formats = None
    if format_dirs:
        from peerkit.formats import load_formats

        formats = load_formats(format_dirs)
    with open_store(db) as store:
        # An id names one meeting; `latest` and a date need the cohort (the only one, or --cohort).
        by_id = meeting.strip().isdigit() and not cohort
        found = store.find_meeting(meeting, None if by_id else store.cohort(cohort).id)
        try:
            done = export(
                store,
                found.id,
                to,
                output,
                chatham_house=chatham_house,
                member=member,
                name_others=name_others,
                ics=ics,
                formats=formats,
                template_dirs=template_dirs,
                charts=charts,
                directory=minutes_dir(config),
            )
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise PeerkitError(
                f"The minutes could not be written: {exc.strerror or exc}{where}."
            ) from None
    also = f" and {_here(done.ics_path)}" if done.ics_path else ""
    click.echo(f"Wrote {_here(done.path)}{also}")


def _here(path: Path) -> Path:
    """``path`` from the current folder when it lies inside it (``minutes/minutes-….html``
    in a cohort folder), else as it is: the success line says where the file went."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


@cli.command()
@db_option
@cohort_option
@click.option("--since", default=None, metavar="DATE", help="Count meetings from this date on.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="An aligned table, CSV or JSON.",
)
def score(db: str, cohort: str | None, since: str | None, fmt: str) -> None:
    """Follow-through per member: reviews by outcome, rate, GAS T-score and streaks."""
    from peerkit.accountability import format_scores, score_rows

    day = _date(since, "--since") if since else None
    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        click.echo(format_scores(score_rows(store, store.cohort(cohort).id, day), fmt))


@cli.command()
@db_option
@cohort_option
@click.option("--revoke", "revoke", default=None, metavar="NAME", help="Stop NAME's link working.")
@click.option(
    "--reissue", default=None, metavar="NAME", help="Give NAME a new link (the old one stops)."
)
@click.option(
    "--qr",
    "qr_folder",
    default=None,
    type=click.Path(file_okay=False),
    help="Also write each link as a QR code (NAME.svg) into this folder.",
)
def links(
    db: str | None,
    cohort: str | None,
    revoke: str | None,
    reissue: str | None,
    qr_folder: str | None,
) -> None:
    """Members' personal links: list them (a member without one gets one), revoke or re-issue
    one. The links carry each member's key to their own page: hand each to its member only."""
    from peerkit.links import link_key, link_url

    settings = resolve({"store": db, "cohort": cohort})
    db, cohort = _folder_defaults(db, cohort)
    with open_store(db) as store:
        the_cohort = store.cohort(cohort)
        if revoke:
            member = store.find_member(the_cohort.id, revoke)
            if store.revoke_link(member.id):
                click.echo(
                    f"{member.name}'s link no longer opens their page. `peerkit links "
                    f"--reissue {member.name!r}` gives them a new one."
                )
            else:
                click.echo(f"{member.name} had no working link: nothing changed.")
            return
        key = link_key(settings.link_key_file or None)
        if reissue:
            member = store.find_member(the_cohort.id, reissue)
            url = link_url(settings.public_url, store.issue_link(member.id, key))
            click.echo(f"{member.name}: {url} (new)")
            _write_qr(qr_folder, member.name, url)
            return
        existing = store.links(the_cohort.id)
        for member in store.members(the_cohort.id, include_left=False):
            link = existing.get(member.id)
            if link is not None and not link.active:
                click.echo(f"{member.name}: revoked (peerkit links --reissue {member.name!r})")
                continue
            token = store.link_token(member.id, key) if link else None
            new = ""
            if token is None:
                if link is not None:
                    click.echo(
                        f"{member.name}: made with another link key; re-issue it "
                        f"(peerkit links --reissue {member.name!r})"
                    )
                    continue
                token, new = store.issue_link(member.id, key), " (new)"
            url = link_url(settings.public_url, token)
            click.echo(f"{member.name}: {url}{new}")
            _write_qr(qr_folder, member.name, url)


def _write_qr(folder: str | None, name: str, url: str) -> None:
    """``url`` as a QR code, ``NAME.svg`` in ``folder`` (readable by you only); nothing without
    a folder."""
    if not folder:
        return
    from peerkit.links import qr_svg

    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    target = path / f"{name}.svg"
    target.write_text(qr_svg(url, f"{name}'s peerkit page"), encoding="utf-8")
    target.chmod(0o600)


@cli.command()
@db_option
@cohort_option
@click.option(
    "--dry-run",
    "dry_run",
    default=None,
    metavar="FOLDER",
    type=click.Path(file_okay=False),
    help="Write the messages as .eml files (one per member, readable by you only) into FOLDER "
    "instead of sending them.",
)
@click.option(
    "--today",
    default=None,
    metavar="YYYY-MM-DD",
    help="Pretend today is this date: the next meeting is the first on or after it.",
)
@click.option(
    "--minutes",
    "summaries",
    is_flag=True,
    help="Send each member their own summary of the latest meeting held, instead of reminders.",
)
def remind(
    db: str | None, cohort: str | None, dry_run: str | None, today: str | None, summaries: bool
) -> None:
    """E-mail each member what is due before the next meeting, with their personal link (or,
    with --minutes, their summary of the last meeting). Members without an e-mail address, or
    who left, are named and skipped. Needs smtp_host and mail_from (see `peerkit settings`);
    --dry-run writes the same messages as files instead."""
    from peerkit.folder import format_folders, load_config
    from peerkit.links import default_key_file, link_key
    from peerkit.remind import build_minutes_messages, build_reminders, send, smtp_config, write_eml

    settings = resolve({"store": db, "cohort": cohort})
    config = None if dry_run else smtp_config(settings)  # a setting problem: before any work
    day = _date(today, "--today") if today else dt.date.today()
    sender, chatham_house = settings.mail_from, settings.chatham_house
    name_others = settings.name_others_in_member_minutes
    with open_store(settings.store_url) as store:
        cohort_id = store.cohort(settings.cohort or None).id
        if summaries:
            from peerkit.formats import load_formats

            folder = load_config(settings.file) if settings.file else None
            formats = [settings.formats] if settings.formats else []
            formats += [str(f) for f in format_folders(folder)]
            templates = (folder.templates_dir,) if folder and folder.templates_dir.is_dir() else ()
            mailing = build_minutes_messages(
                store,
                cohort_id,
                formats=load_formats(formats) if formats else None,
                template_dirs=templates,
                today=day,
                sender=sender,
                chatham_house=chatham_house,
                name_others=name_others,
            )
        else:
            key_file = Path(settings.link_key_file or default_key_file()).expanduser()
            key = link_key(key_file, create=False) if key_file.is_file() else None
            if key is None:
                click.echo(
                    f"No link key at {key_file}: the reminders go without personal links "
                    "(`peerkit links` makes the key and the links)."
                )
            mailing = build_reminders(
                store,
                cohort_id,
                public_url=settings.public_url,
                key=key,
                today=day,
                sender=sender,
                chatham_house=chatham_house,
                name_others=name_others,
            )
    for note in mailing.notes:
        click.echo(note)
    what = "summaries" if summaries else "reminders"
    if not mailing.messages:
        click.echo(f"No {what} to send.")
        return
    if dry_run:
        paths = write_eml(mailing.messages, dry_run)
        if not sender.strip():
            click.echo("mail_from is not set: the files have no From line.")
        for message, path in zip(mailing.messages, paths, strict=True):
            click.echo(f"Wrote {_here(path)} (to {message['To']})")
        click.echo(f"Wrote {len(paths)} {what} into {dry_run}; nothing was sent.")
        return

    def said(message: Any, error: str | None) -> None:
        if error is None:
            click.echo(f"Sent to {message['To']}")
        else:
            click.echo(f"Not sent to {message['To']}: {error}", err=True)

    assert config is not None
    report = send(mailing.messages, config, on_sent=said)
    click.echo(report.summary())
    if report.failed:
        sys.exit(2)


@cli.command("settings")
@db_option
@cohort_option
def settings_command(db: str | None, cohort: str | None) -> None:
    """List every setting: its value, where that came from, and what it does. Later sources
    win: default, then peerkit.toml, then the environment, then the command line."""
    from peerkit.store import shown_url

    settings = resolve({"store": db, "cohort": cohort})
    click.echo("\n".join(listing(settings, store_shown=shown_url(settings.store_url))))


def _env(name: str) -> str:
    """The environment variable of a setting (what `peerkit serve` hands its notebooks)."""
    return str(Settings.declared()[name].metadata["env"])


def _demo_unless_there(db: str) -> None:
    """Build the demo cohort in ``db`` when that store is new or holds no cohort; leave a store
    that holds one as it is (it may hold meetings run since)."""
    from peerkit.demo import build_demo

    with open_store(db, create=True) as store:
        if store.cohorts():
            click.echo(f"Serving {store.where} as it is (--demo builds only a new store).")
            return
        _say_built(build_demo(store), store)


def _date(text: str, what: str) -> dt.date:
    day = parse_day(text, what)
    assert day is not None  # callers pass non-empty text
    return day


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a PeerkitError (or any other failure) becomes one line on stderr, exit 1."""
    try:
        cli.main(args=argv, prog_name="peerkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted: nothing was changed.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except PeerkitError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a traceback for a user
        if resolve(folder=False).debug:
            raise
        click.echo(
            f"Error: {type(exc).__name__}: {exc} (set PEERKIT_DEBUG=1 for details)", err=True
        )
        sys.exit(1)
