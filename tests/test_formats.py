"""Formats: the six built in, a coach's YAML, and one clear message for each broken file."""

from __future__ import annotations

import textwrap

import pytest

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
