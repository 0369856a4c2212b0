"""Formats: the six built in, a coach's YAML, and one clear message for each broken file."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import yaml

from peerkit.formats import FormatError, built_in, describe, get_format, load_file, load_formats

GOOD = """\
name: Quick clinic
description: A short round for small questions.
rules: One question per person.
phases:
  - name: Ask
    minutes: 2
    instruction: State the question in one sentence.
  - name: Answers
    minutes: 6
    instruction: One answer each, no debate.
    flags: [advice, experience-not-advice]
  - name: Decide
    minutes: 1.5
    flags: [commitments]
"""


def write(tmp_path, text, name="format.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_six_formats_are_built_in_with_the_field_minutes():
    formats = built_in()
    assert len(formats) == 6
    assert [p.minutes for p in formats["mastermind hot seat"].phases] == [5, 10, 15, 5]
    troika = formats["troika consulting"]
    assert troika.phases[2].presenter_away and troika.minutes == 11
    assert get_format("Forum Presentation").phases[2].experience_only


def test_a_coach_file_adds_a_format(tmp_path):
    formats = load_formats([write(tmp_path, GOOD)])
    clinic = formats["Quick clinic"]
    assert [p.name for p in clinic.phases] == ["Ask", "Answers", "Decide"]
    assert clinic.phases[1].advice and clinic.phases[1].experience_only
    assert clinic.phases[2].minutes == 1.5
    assert describe(clinic) == "Quick clinic (9.5 min): Ask 2 · Answers 6 · Decide 1.5"


def test_a_folder_of_files_and_a_list_in_one_file(tmp_path):
    write(
        tmp_path,
        "formats:\n  - name: A\n    phases: [{name: x, minutes: 1}]\n"
        "  - name: B\n    phases: [{name: y, minutes: 2}]\n",
        "two.yml",
    )
    formats = load_formats([tmp_path])
    assert {"A", "B"} <= set(formats)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: X\nphases:\n  - name: a\n    minutes: [5\n", r"format.yaml:\d+: is not valid YAML"),
        ("name: X\nphases: []\n", r"format.yaml:2: format 'X' has no phases"),
        ("name: X\ndescription: y\n", r"format.yaml:1: format 'X' has no phases"),
        (
            "name: X\nphases:\n  - name: a\n    minutes: 0\n",
            r"format.yaml:4: phase 'a': minutes must be more than 0 \(got 0\)",
        ),
        (
            "name: X\nphases:\n  - name: a\n    minutes: -5\n",
            r"format.yaml:4: phase 'a': minutes must be more than 0 \(got -5\)",
        ),
        (
            "name: X\nphases:\n  - name: a\n    minutes: 300\n",
            r"format.yaml:4: phase 'a': 300 minutes is more than 240; did you mean seconds",
        ),
        (
            "name: X\nphases:\n  - name: a\n    minutes: five\n",
            r"format.yaml:4: phase 'a': minutes must be a number \(got 'five'\)",
        ),
        (
            "name: X\nphases:\n  - name: a\n    minute: 5\n",
            r"format.yaml:4: unknown key 'minute' in a phase: use only flags, instruction, "
            r"minutes, name",
        ),
        (
            "name: X\ntimer: loud\nphases:\n  - name: a\n    minutes: 5\n",
            r"format.yaml:2: unknown key 'timer' in a format",
        ),
        (
            "name: X\nphases:\n  - {name: a, minutes: 1}\n  - {name: A, minutes: 2}\n",
            r"format.yaml:4: format 'X' has two phases named 'A': rename one",
        ),
        (
            "name: troika consulting\nphases:\n  - {name: a, minutes: 1}\n",
            r"format.yaml:1: a format named 'troika consulting' already exists",
        ),
        (
            "name: X\nphases:\n  - {name: a, minutes: 1, flags: [loud]}\n",
            r"format.yaml:3: phase 'a': unknown flag 'loud'",
        ),
        ("phases:\n  - {name: a, minutes: 1}\n", r"format.yaml: the format's name is missing"),
        ("", r"format.yaml: is empty"),
    ],
    ids=[
        "yaml-syntax",
        "empty-phases",
        "no-phases",
        "zero-minutes",
        "negative-minutes",
        "absurd-minutes",
        "minutes-not-a-number",
        "unknown-phase-key",
        "unknown-format-key",
        "duplicate-phase",
        "duplicate-format",
        "unknown-flag",
        "no-name",
        "empty-file",
    ],
)
def test_a_bad_file_gets_one_message_naming_file_line_and_fix(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(FormatError, match=message) as info:
        load_formats([path])
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(str(path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        load_file(tmp_path / "nope.yaml")


def test_unknown_format_names_the_choices():
    with pytest.raises(Exception, match="Unknown format 'speed dating': choose one of"):
        get_format("speed dating")


# -- files that are not format files: refused before they cost anything ---------------------

ANCHORS = (
    "anchors and aliases (&name, *name) are not allowed in a format file: write each value out."
)


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """'Billion laughs': a few hundred bytes whose nested aliases unfold into width**levels
    values; the aliases sit under `minutes`, whose bad value a message used to print."""
    names = [chr(ord("a") + i) for i in range(levels)]
    lol = ", ".join(['"lol"'] * width)
    lines = ["name: bomb", "phases:", "  - name: p", "    minutes:", f"      - &a [{lol}]"]
    for prev, name in zip(names, names[1:], strict=False):
        lines.append(f"      - &{name} [{', '.join([f'*{prev}'] * width)}]")
    return "\n".join(lines) + "\n"


def run_limited(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Python code in its own process with 512 MB of address space: a file that unfolds in memory
    fails there, not in the test run. The timeout is only a safety net, never the assertion."""
    import resource

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20))

    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        preexec_fn=limit_memory,
        timeout=60,
    )


LOAD = """\
import sys
from peerkit.formats import FormatError, load_file, load_formats
try:
    load_file(sys.argv[2]) if sys.argv[1] == "file" else load_formats([sys.argv[2]])
except FormatError as exc:
    print(exc)
    sys.exit(3)
"""


def test_the_alias_bomb_is_a_few_hundred_bytes_of_nine_levels(tmp_path):
    text = alias_bomb()
    assert len(text.encode()) < 1000 and text.count("&") == 9 and text.count("*") == 72


def test_an_alias_bomb_is_refused_in_one_line_before_anything_is_expanded(tmp_path):
    bomb = write(tmp_path, alias_bomb(), "bomb.yaml")
    result = run_limited(LOAD, "file", str(bomb))
    assert (result.returncode, result.stderr) == (3, ""), result.stderr[-2000:]
    assert result.stdout.splitlines() == [f"{bomb}:5: {ANCHORS}"]


def test_a_cohort_folder_with_an_alias_bomb_in_formats_is_refused(tmp_path):
    from peerkit.folder import init_folder

    config = init_folder(tmp_path / "circle", "Circle")
    write(config.formats_dir, GOOD, "clinic.yaml")
    bomb = write(config.formats_dir, alias_bomb(), "bomb.yaml")
    result = run_limited(LOAD, "folder", str(config.formats_dir))
    assert (result.returncode, result.stderr) == (3, ""), result.stderr[-2000:]
    assert result.stdout.splitlines() == [f"{bomb}:5: {ANCHORS}"]


def test_peerkit_formats_refuses_an_alias_bomb_in_one_line(tmp_path):
    bomb = write(tmp_path, alias_bomb(), "bomb.yaml")
    code = "from peerkit.cli import main; main()"
    result = run_limited(code, "formats", "--file", str(bomb))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: {bomb}:5: {ANCHORS}"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: &x 5\n", 1),
        ("name: X\nphases:\n  - name: a\n    minutes: &x 5\n", 4),
        ("name: X\nphases:\n  - &p {name: a, minutes: 5}\n", 3),
        ("name: X\nphases:\n  - name: a\n    minutes: *x\n", 4),
        ("name: X\nphases:\n  - name: a\n    minutes: 5\n    <<: *base\n", 5),
        (alias_bomb(levels=3, width=3), 5),
    ],
    ids=["anchor-alone", "anchor-on-a-value", "anchor-on-a-phase", "alias-alone", "merge", "bomb"],
)
def test_any_anchor_or_alias_is_refused_at_its_line(tmp_path, text, line):
    path = write(tmp_path, text)
    with pytest.raises(FormatError) as info:
        load_file(path)
    assert str(info.value) == f"{path}:{line}: {ANCHORS}"


def test_an_oversized_file_is_refused_without_being_parsed(tmp_path, monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("an oversized file was parsed")

    monkeypatch.setattr(yaml, "compose", no_parsing)
    path = tmp_path / "clinic.yaml"
    path.write_bytes(GOOD.encode() + b"#" * (3 * 2**20 - len(GOOD)))
    with pytest.raises(FormatError) as info:
        load_file(path)
    assert str(info.value) == (
        f"{path}: is 3.0 MB; a format file should be well under 256 KB: is this the right file?"
    )


def test_a_file_just_under_the_limit_is_read(tmp_path):
    path = tmp_path / "clinic.yaml"
    path.write_bytes(GOOD.encode() + b"#" * (256 * 1024 - len(GOOD)))
    assert [f.name for f in load_file(path)] == ["Quick clinic"]


LONG = "x" * 5000
EXCERPT = "'" + "x" * 60 + "\u2026'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"name: X\nphases:\n  - name: a\n    minutes: {LONG}\n", "minutes must be a number"),
        (f"name: X\n? {LONG}\n: 1\nphases:\n  - name: a\n    minutes: 5\n", "unknown key"),
        (f"name: X\nphases:\n  - {{name: a, minutes: 1, flags: [{LONG}]}}\n", "unknown flag"),
        (
            f"name: X\nphases:\n  - {{name: {'y' * 100}, minutes: 1}}\n"
            f"  - {{name: {'Y' * 100}, minutes: 2}}\n",
            "has two phases named 'YYYYY",
        ),
    ],
    ids=["minutes", "key", "flag", "phase-name"],
)
def test_a_long_bad_value_is_quoted_as_a_short_excerpt(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(FormatError, match=message) as info:
        load_file(path)
    shown = str(info.value)
    assert "\n" not in shown and len(shown) < len(str(path)) + 200, shown
    assert EXCERPT in shown or "'" + "Y" * 60 + "\u2026'" in shown


@pytest.mark.parametrize(
    ("value", "got"),
    [("[1, 2]", "a list"), ("{a: 1}", "a mapping")],
)
def test_minutes_that_are_not_a_value_say_what_they_are(tmp_path, value, got):
    path = write(tmp_path, f"name: X\nphases:\n  - name: a\n    minutes: {value}\n")
    with pytest.raises(
        FormatError, match=rf"format.yaml:4: phase 'a': minutes must be a number \(got {got}\)"
    ):
        load_file(path)


def test_a_key_or_flag_that_is_not_a_word_gets_a_message_not_a_crash(tmp_path):
    with pytest.raises(FormatError, match=r"format.yaml:2: unknown key a list in a format"):
        load_file(write(tmp_path, "name: X\n[a, b]: 1\nphases: [{name: a, minutes: 1}]\n"))
    with pytest.raises(FormatError, match=r"format.yaml:3: phase 'a': unknown flag a mapping"):
        load_file(write(tmp_path, "name: X\nphases:\n  - {name: a, minutes: 1, flags: [{b: 1}]}\n"))


def test_an_unknown_format_name_is_quoted_as_a_short_excerpt():
    with pytest.raises(Exception, match="Unknown format 'x{60}\u2026': choose one of"):
        get_format(LONG)


def test_a_character_yaml_refuses_is_named_on_one_line(tmp_path):
    path = write(tmp_path, "name: X\x07\n")
    with pytest.raises(FormatError) as info:
        load_file(path)
    assert str(info.value) == (
        f"{path}: is not valid YAML (unacceptable character #x0007: special characters are not "
        "allowed): check the indentation and colons there."
    )
