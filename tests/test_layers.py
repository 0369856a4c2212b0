"""The package's imports run one way: pure rules at the bottom, then the store, then the services,
then the views, then the command line. Every import counts, also one inside a function: an import
moved into a function to hide a cycle is still a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "peerkit"

# Bottom to top. A module may import its own layer and the layers below, never a layer above.
LAYERS: dict[str, tuple[str, ...]] = {
    "rules": (
        "model",
        "confidentiality",
        "formats",
        "scoring",
        "phases",
        "spreadsheet",
        "participation",
    ),
    "store": ("store",),
    "services": (
        "settings",
        "folder",
        "meeting",
        "live",
        "minutes",
        "charts",
        "roster",
        "backup",
        "demo",
        "browser",
        "links",
        "remind",
        "group_trends",
    ),
    "views": ("widgets", "dashboard", "accountability", "coach", "portal"),
    "app": ("serve", "cli", "lab", "__main__"),
}
RANK = {first: rank for rank, names in enumerate(LAYERS.values()) for first in names}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _resolve(name: str) -> str | None:
    """The peerkit module an imported name stands for (the longest one that exists)."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in MODULES:
            return ".".join(parts)
        parts.pop()
    return None


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from peerkit.store import schema` needs the module schema; `from peerkit.store
            # import Store` needs the package's __init__.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        for name in names:
            target = _resolve(name)
            if target and target != module and target != "peerkit":
                found.add(target)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return RANK.get(parts[1]) if len(parts) > 1 else None


def test_every_module_has_a_layer():
    assert [m for m in MODULES if m != "peerkit" and _layer(m) is None] == []


def test_no_import_runs_back_up_the_layers():
    upward = sorted(
        f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if module != "peerkit" and (_layer(target) or 0) > (_layer(module) or 0)
    )
    assert upward == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert _cycles() == []


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [({"a": {"b"}, "b": {"a"}}, [["a", "b"]]), ({"a": {"b"}, "b": set()}, [])],
)
def test_the_cycle_finder_finds_a_cycle(graph, cycle, monkeypatch):
    monkeypatch.setattr(f"{__name__}.GRAPH", graph)
    assert _cycles() == cycle
