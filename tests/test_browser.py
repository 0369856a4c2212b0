"""Chromium is found where Linux, macOS and Playwright put it, or where the settings say."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from peerkit import browser
from peerkit.minutes.pdf import chromium_path
from peerkit.model import PeerkitError


def fake_browser(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine with no browser: empty PATH, no macOS apps, no Playwright download."""
    monkeypatch.delenv("PEERKIT_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(browser, "MACOS_APPS", (tmp_path / "Applications" / "Chromium",))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    return tmp_path


def test_no_browser_anywhere_says_how_to_get_one(nowhere: Path) -> None:
    assert browser.find_chromium() is None
    with pytest.raises(PeerkitError, match="PDF export needs Chromium or Chrome: install it"):
        chromium_path()


@pytest.mark.parametrize("name", browser.LINUX_NAMES)
def test_a_browser_on_path_under_a_usual_name(nowhere: Path, name: str) -> None:
    found = fake_browser(nowhere / "bin" / name)
    assert browser.find_chromium() == found
    assert chromium_path() == str(found)


def test_a_macos_app(nowhere: Path) -> None:
    app = fake_browser(nowhere / "Applications" / "Chromium")
    assert browser.find_chromium() == app


def test_playwrights_own_download(nowhere: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        expected = Path(p.chromium.executable_path)
    assert str(expected).startswith(str(nowhere / "ms-playwright"))
    fake_browser(expected)
    assert browser.find_chromium() == expected


def test_the_setting_wins_and_a_wrong_one_is_named(
    nowhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_browser(nowhere / "bin" / "chromium")
    mine = fake_browser(nowhere / "opt" / "my-chrome")
    monkeypatch.setenv("PEERKIT_CHROMIUM", str(mine))
    assert browser.find_chromium() == mine
    monkeypatch.setenv("PEERKIT_CHROMIUM", str(nowhere / "missing"))
    with pytest.raises(PeerkitError, match=r"Chromium at .*missing \(PEERKIT_CHROMIUM\)"):
        chromium_path()
