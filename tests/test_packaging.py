"""What pyproject declares is what peerkit imports, what environment.yml installs, and its
license is the LICENSE file."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: What conda needs besides pyproject's packages.
CONDA_ONLY = {"python", "pip", "postgresql"}


def name_of(requirement: str) -> str:
    """The normalised project name of a requirement (``psycopg[binary]>=3.1`` → psycopg)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement.strip())
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def spec_of(requirement: str) -> str:
    return re.sub(r"^[A-Za-z0-9._-]+(\[[^\]]*\])?", "", requirement.split(";")[0]).replace(" ", "")


def declared() -> dict[str, str]:
    """Every requirement of pyproject (dependencies and extras), by name: its version specifier."""
    found: dict[str, str] = {}
    for extra in [PYPROJECT["dependencies"], *PYPROJECT["optional-dependencies"].values()]:
        for req in extra:
            if name_of(req) != "peerkit":
                found[name_of(req)] = spec_of(req)
    return found


def test_environment_yml_installs_exactly_what_pyproject_declares() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    entries: list[str] = []
    for item in env["dependencies"]:
        entries += item["pip"] if isinstance(item, dict) else [item]
    conda = {name_of(e): spec_of(e) for e in entries if name_of(e) not in CONDA_ONLY}
    assert conda == declared()


def third_party_imports() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in peerkit/ that are neither stdlib nor peerkit."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "peerkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("peerkit", "__future__"):
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_package_peerkit_imports_is_declared() -> None:
    distributions = importlib.metadata.packages_distributions()
    missing = {
        module: sorted(files)
        for module, files in third_party_imports().items()
        if not {name_of(d) for d in distributions.get(module, [module])} & set(declared())
    }
    assert missing == {}, "imported but not declared in pyproject.toml"


def test_the_test_only_packages_stay_out_of_the_runtime_dependencies() -> None:
    runtime = {name_of(r) for r in PYPROJECT["dependencies"]}
    imported = set()
    for module in third_party_imports():
        imported |= {
            name_of(d) for d in importlib.metadata.packages_distributions().get(module, [module])
        }
    assert "nbclient" not in imported and "nbclient" not in runtime
    assert "playwright" in runtime  # PDF minutes from a plain `pip install peerkit`


def test_the_license_file_is_the_declared_license() -> None:
    assert PYPROJECT["license"] == "BSD-3-Clause"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License")
    assert "Neither the name of the copyright holder" in text
