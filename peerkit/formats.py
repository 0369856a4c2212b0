"""Round formats: the six built in, and a coach's own read from YAML with clear, located errors."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from peerkit.model import MAX_NAME, MAX_TEXT, Format, PeerkitError, Phase

#: A phase longer than this is taken for a typo (minutes for seconds, an extra zero).
MAX_PHASE_MINUTES = 240
#: A format file is a few hundred bytes; a file this big is not one, and is not parsed.
MAX_FILE_BYTES = 256 * 1024
#: An error message quotes at most this many characters of a coach's value.
MAX_EXCERPT = 60
FORMAT_KEYS = {"name", "description", "rules", "phases"}
PHASE_KEYS = {"name", "minutes", "instruction", "flags"}
#: Phase flags a coach can set in YAML, and the Phase field each one turns on.
FLAGS = {
    "presenter-away": "presenter_away",
    "experience-not-advice": "experience_only",
    "advice": "advice",
    "commitments": "commitments",
}


def _p(name: str, minutes: float, instruction: str, *flags: str) -> Phase:
    return Phase(name, minutes, instruction, **{FLAGS[f]: True for f in flags})


BUILT_IN: tuple[Format, ...] = (
    Format(
        "mastermind hot seat",
        (
            _p("Present", 5, "The presenter describes the problem. Everyone else listens."),
            _p("Clarifying questions", 10, "Questions to understand, not advice in disguise."),
            _p("Advice", 15, "Offer advice and ideas; the presenter listens and notes.", "advice"),
            _p("Commitments", 5, "The presenter commits to next actions and dates.", "commitments"),
        ),
        "The classic mastermind round: one member's real problem, the group's best thinking.",
    ),
    Format(
        "issue processing",
        (
            _p("Issue statement", 3, "State the issue in one or two sentences, and what you want."),
            _p("Clarify", 8, "Ask for facts only: who, what, when, how much."),
            _p("Root cause", 8, "What is really going on? Name the issue beneath the issue."),
            _p("Recommendations", 12, "Each member gives one recommendation.", "advice"),
            _p("Commit", 5, "The presenter says what they will do, and by when.", "commitments"),
        ),
        "Vistage-style issue processing.",
    ),
    Format(
        "forum presentation",
        (
            _p("Presentation", 10, "The presenter shares the situation and what is at stake."),
            _p("Clarifying questions", 10, "Questions to understand the situation only."),
            _p(
                "Experience sharing",
                25,
                "Share your own experience with \u201cI\u201d statements: no advice.",
                "advice",
                "experience-not-advice",
            ),
            _p("Presenter reflects", 5, "The presenter says what they take away.", "commitments"),
        ),
        "EO-style forum presentation: experience, not advice.",
        rules="Gestalt protocol: speak from your own experience; never tell others what to do.",
    ),
    Format(
        "troika consulting",
        (
            _p("Share", 2, "The client shares a challenge and asks for help."),
            _p("Clarify", 2, "The consultants ask clarifying questions."),
            _p(
                "Consult",
                5,
                "The client turns away; the consultants talk as if the client were absent.",
                "advice",
                "presenter-away",
            ),
            _p(
                "Client reflects",
                2,
                "The client turns around and shares what was useful.",
                "commitments",
            ),
        ),
        "Liberating Structures' troika: three people, quick rounds.",
    ),
    Format(
        "wise crowds",
        (
            _p("Present", 2, "The client presents the challenge."),
            _p("Clarify", 3, "The crowd asks questions."),
            _p(
                "Consultants discuss",
                8,
                "The client listens with their back turned; the consultants discuss.",
                "advice",
                "presenter-away",
            ),
            _p("Client responds", 2, "The client says what they heard and will do.", "commitments"),
        ),
        "Liberating Structures' wise crowds.",
    ),
    Format(
        "action learning",
        (
            _p("Report back", 5, "Report on the actions from last time: what happened, learned."),
            _p("Present", 2, "The presenter states the problem."),
            _p("Clarify", 8, "Questions only. No statements, no advice."),
            _p("Deeper questions", 13, "Questions that open up the problem.", "advice"),
            _p("Summary", 2, "The presenter summarises what they now see."),
            _p("Actions", 2, "The presenter names the actions they will take.", "commitments"),
        ),
        "Revans-style action learning set: questions over answers.",
    ),
)


class FormatError(PeerkitError):
    """A coach's format file that cannot be used, with where and what to change."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.line = str(path), line


def _excerpt(value: object) -> str:
    """A coach's value as an error message quotes it: its repr, cut to a short excerpt."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_EXCERPT:
        text = text[:MAX_EXCERPT] + "\u2026"
    return repr(text)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


class _AnchorFound(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("anchor or alias")
        self.line = int(mark.line) + 1 if mark is not None else None


class _NoAnchorLoader(yaml.SafeLoader):
    """The safe loader, refusing any anchor or alias as it composes: nothing is ever shared, so
    nothing can be expanded (a few hundred bytes of nested aliases would otherwise unfold into
    billions of values when a message or a check walks them)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AnchorFound(event.start_mark)
        return super().compose_node(parent, index)


def built_in() -> dict[str, Format]:
    return {f.name: f for f in BUILT_IN}


def load_file(path: Path | str, *, taken: Iterable[str] = ()) -> list[Format]:
    """Read one YAML file holding a format, or a list of formats (under ``formats:`` or bare)."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
            size = os.fstat(file.fileno()).st_size
        text = data.decode("utf-8") if len(data) <= MAX_FILE_BYTES else ""
    except FileNotFoundError:
        raise FormatError(path, "no such file: check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(path, f"cannot be read ({exc}).") from None
    if len(data) > MAX_FILE_BYTES:  # not parsed at all (a pipe or device may not say its size)
        limit = _size(MAX_FILE_BYTES)
        is_ = _size(size) if size > MAX_FILE_BYTES else f"over {limit}"
        raise FormatError(
            path, f"is {is_}; a format file should be well under {limit}: is this the right file?"
        )
    try:
        root = yaml.compose(text, Loader=_NoAnchorLoader)
    except _AnchorFound as exc:
        raise FormatError(
            path,
            "anchors and aliases (&name, *name) are not allowed in a format file: "
            "write each value out.",
            exc.line,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).partition("\n")[0]
        raise FormatError(
            path,
            f"is not valid YAML ({problem}): check the indentation and colons there.",
            mark.line + 1 if mark else None,
        ) from None
    if root is None:
        raise FormatError(path, "is empty: give a format with a name and phases.")
    nodes: list[yaml.Node]
    if isinstance(root, yaml.MappingNode) and _keys(root) == {"formats"}:
        root = _value(root, "formats")
    nodes = list(root.value) if isinstance(root, yaml.SequenceNode) else [root]
    seen = {n.casefold() for n in taken}
    formats = []
    for node in nodes:
        fmt = _format(path, node)
        if fmt.name.casefold() in seen:
            raise FormatError(
                path,
                f"a format named {_excerpt(fmt.name)} already exists: give this one another name.",
                _line(node, "name"),
            )
        seen.add(fmt.name.casefold())
        formats.append(fmt)
    return formats


def load_formats(paths: Iterable[Path | str] = ()) -> dict[str, Format]:
    """The built-in formats plus those in the given files or folders (``*.yaml``, ``*.yml``)."""
    formats = built_in()
    for entry in paths:
        entry = Path(entry)
        files = sorted([*entry.glob("*.yaml"), *entry.glob("*.yml")]) if entry.is_dir() else [entry]
        for file in files:
            for fmt in load_file(file, taken=formats):
                formats[fmt.name] = fmt
    return formats


def get_format(name: str, formats: dict[str, Format] | None = None) -> Format:
    formats = built_in() if formats is None else formats
    for fmt in formats.values():
        if fmt.name.casefold() == name.strip().casefold():
            return fmt
    raise PeerkitError(f"Unknown format {_excerpt(name)}: choose one of {', '.join(formats)}.")


# -- reading YAML nodes with their line numbers ---------------------------------------------


def _keys(node: yaml.MappingNode) -> set[str]:
    return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _value(node: yaml.MappingNode, key: str) -> Any:
    for k, v in node.value:
        if k.value == key:
            return v
    return None


def _line(node: yaml.Node, key: str | None = None) -> int:
    if key and isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if k.value == key:
                return int(k.start_mark.line) + 1
    return int(node.start_mark.line) + 1


def _kind(node: yaml.Node) -> str:
    """What a node that should have been a plain value is, for a message."""
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _scalar(path: Path, node: yaml.Node | None, what: str, *, required: bool, limit: int) -> str:
    if node is None:
        if required:
            raise FormatError(path, f"{what} is missing.")
        return ""
    if not isinstance(node, yaml.ScalarNode):
        raise FormatError(path, f"{what} must be plain text.", _line(node))
    text = str(node.value).strip()
    if required and not text:
        raise FormatError(path, f"{what} is empty.", _line(node))
    if len(text) > limit:
        raise FormatError(path, f"{what} is too long (keep it under {limit}).", _line(node))
    return text


def _check_keys(path: Path, node: yaml.MappingNode, allowed: set[str], what: str) -> None:
    for k, _ in node.value:
        if not isinstance(k, yaml.ScalarNode) or k.value not in allowed:
            key = _excerpt(k.value) if isinstance(k, yaml.ScalarNode) else _kind(k)
            raise FormatError(
                path,
                f"unknown key {key} in {what}: use only {', '.join(sorted(allowed))}.",
                int(k.start_mark.line) + 1,
            )


def _format(path: Path, node: yaml.Node) -> Format:
    if not isinstance(node, yaml.MappingNode):
        raise FormatError(
            path, "a format must be a mapping with name, description and phases.", _line(node)
        )
    _check_keys(path, node, FORMAT_KEYS, "a format")
    name = _scalar(path, _value(node, "name"), "the format's name", required=True, limit=MAX_NAME)
    description = _scalar(
        path, _value(node, "description"), "the description", required=False, limit=MAX_TEXT
    )
    rules = _scalar(path, _value(node, "rules"), "the rules", required=False, limit=MAX_TEXT)
    phases_node = _value(node, "phases")
    if phases_node is None or (
        isinstance(phases_node, yaml.SequenceNode) and not phases_node.value
    ):
        raise FormatError(
            path,
            f"format {_excerpt(name)} has no phases: list at least one.",
            _line(node, "phases"),
        )
    if not isinstance(phases_node, yaml.SequenceNode):
        raise FormatError(
            path,
            f"the phases of {_excerpt(name)} must be a list (lines starting with '-').",
            _line(phases_node),
        )
    phases = [_phase(path, p, name) for p in phases_node.value]
    names = [p.name.casefold() for p in phases]
    for i, phase_node in enumerate(phases_node.value):
        if names.index(names[i]) != i:
            raise FormatError(
                path,
                f"format {_excerpt(name)} has two phases named "
                f"{_excerpt(phases[i].name)}: rename one.",
                _line(phase_node, "name"),
            )
    return Format(name, tuple(phases), description, rules, source=str(path))


def _phase(path: Path, node: yaml.Node, format_name: str) -> Phase:
    if not isinstance(node, yaml.MappingNode):
        raise FormatError(path, "each phase needs a name and minutes.", _line(node))
    _check_keys(path, node, PHASE_KEYS, "a phase")
    name = _scalar(path, _value(node, "name"), "a phase's name", required=True, limit=MAX_NAME)
    minutes_node = _value(node, "minutes")
    if minutes_node is None:
        raise FormatError(
            path, f"phase {_excerpt(name)} has no minutes: add e.g. 'minutes: 5'.", _line(node)
        )
    plain = isinstance(minutes_node, yaml.ScalarNode)
    try:
        minutes = float(minutes_node.value) if plain else None
    except ValueError:
        minutes = None
    if minutes is None:
        got = _excerpt(minutes_node.value) if plain else _kind(minutes_node)
        raise FormatError(
            path,
            f"phase {_excerpt(name)}: minutes must be a number (got {got}).",
            _line(minutes_node),
        )
    if not minutes > 0:
        raise FormatError(
            path,
            f"phase {_excerpt(name)}: minutes must be more than 0 (got {minutes:g}).",
            _line(minutes_node),
        )
    if minutes > MAX_PHASE_MINUTES:
        raise FormatError(
            path,
            f"phase {_excerpt(name)}: {minutes:g} minutes is more than {MAX_PHASE_MINUTES}; "
            "did you mean seconds? Give the length in minutes.",
            _line(minutes_node),
        )
    instruction = _scalar(
        path, _value(node, "instruction"), "the instruction", required=False, limit=MAX_TEXT
    )
    flags: dict[str, bool] = {}
    flags_node = _value(node, "flags")
    if flags_node is not None:
        items = flags_node.value if isinstance(flags_node, yaml.SequenceNode) else [flags_node]
        for item in items:
            plain = isinstance(item, yaml.ScalarNode)
            flag = str(item.value).strip() if plain else ""
            if flag not in FLAGS:
                got = _excerpt(flag) if plain else _kind(item)
                raise FormatError(
                    path,
                    f"phase {_excerpt(name)}: unknown flag {got}: use {', '.join(FLAGS)}.",
                    _line(item),
                )
            flags[FLAGS[flag]] = True
    return Phase(name, minutes, instruction, **flags)


def describe(fmt: Format) -> str:
    """One line: name, total minutes and the phases with their minutes."""
    phases = " · ".join(f"{p.name} {p.minutes:g}" for p in fmt.phases)
    return f"{fmt.name} ({fmt.minutes:g} min): {phases}"
