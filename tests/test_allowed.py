"""A facilitator's settings name the cohorts they may open; the store refuses the others."""

from __future__ import annotations

import json
import os

import pytest
from helpers import peerkit

from peerkit import dashboard
from peerkit.backup import dump
from peerkit.model import PeerkitError
from peerkit.settings import Settings
from peerkit.store import Store

ALLOWED_ENV = Settings.declared()["allowed_cohorts"].metadata["env"]


@pytest.fixture
def two_cohorts(store):
    mine = store.add_cohort("Leaders A")
    theirs = store.add_cohort("Leaders B")
    for c in (mine, theirs):
        store.add_member(c.id, f"Ana of {c.name}")
        store.add_meeting(c.id, "2026-03-03")
    return mine, theirs


def test_the_store_opens_only_the_allowed_cohorts(store, two_cohorts):
    mine, theirs = two_cohorts
    limited = Store(store.url, allowed_cohorts=["Leaders A"])
    assert limited.cohorts() == [mine]
    assert limited.cohort() == mine  # the only one allowed needs no name
    with pytest.raises(PeerkitError, match="may not open the cohort 'Leaders B'.*only Leaders A"):
        limited.cohort("Leaders B")
    with pytest.raises(PeerkitError, match="may not open the cohort 'Leaders B'"):
        limited.cohort(str(theirs.id))
    [their_meeting] = store.meetings(theirs.id)
    with pytest.raises(PeerkitError, match="Leaders B"):
        limited.meeting(their_meeting.id)
    with pytest.raises(PeerkitError, match="Leaders B"):
        limited.add_meeting(theirs.id, "2026-04-07")
    with pytest.raises(PeerkitError, match="Leaders B"):
        limited.screen(theirs.id)
    assert {m.cohort_id for m in limited.members()} == {mine.id}
    assert {m.cohort_id for m in limited.meetings()} == {mine.id}
    assert set(limited.frames()["members"]["cohort_id"]) == {mine.id}
    with pytest.raises(PeerkitError, match="backup holds every cohort"):
        dump(limited)
    assert len(store.meetings()) == 2  # refusing changed nothing


@pytest.mark.usefixtures("on_a_page")
def test_the_dashboard_refuses_a_cohort_outside_the_settings(store, two_cohorts, monkeypatch):
    monkeypatch.setenv(ALLOWED_ENV, json.dumps(["Leaders A"]))
    refused = dashboard.console(store=store.url, cohort="Leaders B")
    assert "cannot open this meeting" in refused.value
    assert "may not open the cohort" in refused.value
    shown = dashboard.console(store=store.url, cohort="Leaders A")
    assert "Leaders A" in shown.title.value


@pytest.mark.usefixtures("on_a_page")
def test_a_bad_allowed_list_is_one_clear_message(monkeypatch, store):
    monkeypatch.setenv(ALLOWED_ENV, "Leaders A, Leaders B")
    refused = dashboard.console(store=store.url)
    assert "must be a list of names" in refused.value


@pytest.mark.slow
def test_the_cli_and_a_cohort_folder_keep_to_the_allowed_cohorts(tmp_path, db_path):
    with Store(db_path) as store:
        for name in ("Leaders A", "Leaders B"):
            store.add_member(store.add_cohort(name).id, f"Member of {name}")
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "peerkit.toml").write_text(
        f'[peerkit]\ncohort = "Leaders A"\nstore = "{db_path}"\nallowed_cohorts = ["Leaders A"]\n'
    )
    env = {k: v for k, v in os.environ.items() if k not in (ALLOWED_ENV, "PEERKIT_DB")}

    ok = peerkit("members", cwd=folder, env=env)
    assert ok.returncode == 0 and "Member of Leaders A" in ok.stdout
    refused = peerkit("members", "--cohort", "Leaders B", cwd=folder, env=env)
    assert refused.returncode != 0
    assert refused.stderr.strip().splitlines() == [
        "Error: You may not open the cohort 'Leaders B': your peerkit settings allow only "
        "Leaders A. Ask whoever runs peerkit for your organization to add it."
    ]
