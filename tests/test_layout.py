"""The package's layout, computed from the code's imports (``ast`` over every module): no
import cycle anywhere, and each folder imports only the folders below it.

The directions, from the bottom (README "What is where"):

* ``engine/``: NumPy and the standard library, nothing else, not even the rest of the package;
  ``engine/network.py`` (the tutorial) does not import ``engine/fast.py`` (the compiled loop,
  which imports the network's face instead);
* ``datasets/``, ``config.py``: nothing of the package;
* ``sessions/`` (the domain): the engine and the datasets, never ``training/``, ``cluster/`` or
  ``api/``;
* ``presets.py``: the engine, the datasets, the domain; ``setups.py``: those and the presets;
* ``training/`` (one machine): the above and the settings;
* ``cluster/`` (several replicas on Redis): the above and ``training/``; it is the only user
  of the ``redis`` client;
* ``api/`` (the web): everything below; only ``api/backends.py`` imports ``cluster/``, and
  only inside a function, so a server without Redis never imports it;
* ``cli.py``: the api (to serve), the presets and what they need.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "backend" / "nnplayground"
BELOW_SESSIONS = {"engine", "datasets"}
ALLOWED: dict[str, set[str]] = {
    "engine": set(),
    "datasets": set(),
    "reach": set(),
    "qr": set(),
    "client": set(),
    "config": {"reach"},
    "sessions": BELOW_SESSIONS,
    "presets": BELOW_SESSIONS | {"sessions"},
    "setups": BELOW_SESSIONS | {"sessions", "presets"},
    "training": BELOW_SESSIONS | {"sessions", "config"},
    "cluster": BELOW_SESSIONS | {"sessions", "config", "training"},
    "api": BELOW_SESSIONS | {"sessions", "config", "training", "cluster", "presets", "setups",
                             "reach", "qr", "(root)"},
    "cli": BELOW_SESSIONS | {"sessions", "config", "presets", "api", "reach", "qr", "(root)"},
    "(root)": set(),
}
THIRD_PARTY: dict[str, set[str]] = {  # what each part may import besides the package
    "engine": {"numpy"},
    "datasets": {"numpy"},
    "reach": set(),
    "qr": {"segno"},
    "client": {"httpx", "websockets", "numpy"},
    "config": {"pydantic", "pydantic_settings"},
    "sessions": {"numpy"},
    "presets": {"numpy"},
    "setups": set(),
    "training": {"numpy"},
    "cluster": {"redis"},
    "api": {"fastapi", "starlette", "pydantic", "uvicorn", "swagger_ui_bundle", "numpy"},
    "cli": {"pydantic"},
    "(root)": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def part(module: str) -> str:
    """The folder (or top-level module) a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def imports(module: str) -> list[tuple[str, bool, int]]:
    """``(imported name, at module level, line)`` for every import in ``module``: modules of
    the package as full names, others as their top-level name."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    top_level = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from package import module`` imports that module
            names = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target
                     for a in node.names]
        else:
            continue
        for name in names:
            if not name.startswith("nnplayground"):
                name = name.split(".")[0]
            out.append((name, id(node) in top_level, node.lineno))
    return out


GRAPH = {m: {n for n, _, _ in imports(m) if n in MODULES and n != m} for m in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_modules_are_all_seen() -> None:
    assert {"nnplayground.engine.network", "nnplayground.api.backends",
            "nnplayground.cluster.pool", "nnplayground.training.worker"} <= set(MODULES)
    assert set(map(part, MODULES)) == set(ALLOWED)
    assert GRAPH["nnplayground.engine.fast"] >= {"nnplayground.engine.network"}


def test_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {**GRAPH, "nnplayground.engine.network": GRAPH["nnplayground.engine.network"]
             | {"nnplayground.engine.fast"}}
    assert ["nnplayground.engine.fast", "nnplayground.engine.network"] in cycles(graph)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_folder_imports_only_the_folders_below_it(module: str) -> None:
    here = part(module)
    wrong = sorted({f"{name} (line {line})" for name, _, line in imports(module)
                    if name in MODULES and part(name) not in ALLOWED[here] | {here}})
    assert wrong == [], f"{module} ({here}/) may import only {sorted(ALLOWED[here])}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_folder_uses_only_its_libraries(module: str) -> None:
    here = part(module)
    outside = {name for name, _, _ in imports(module)
               if not name.startswith("nnplayground") and name not in sys.stdlib_module_names}
    assert outside <= THIRD_PARTY[here], f"{module} imports {sorted(outside)}"


def test_the_tutorial_does_not_need_the_compiled_loop() -> None:
    assert "nnplayground.engine.fast" not in GRAPH["nnplayground.engine.network"]


def test_only_the_backend_factory_imports_the_cluster_and_only_when_asked() -> None:
    users = {(m, top, line) for m in MODULES if part(m) != "cluster"
             for name, top, line in imports(m) if part(name) == "cluster"
             and name.startswith("nnplayground")}
    assert {m for m, _, _ in users} == {"nnplayground.api.backends"}
    assert not any(top for _, top, _ in users), "imported at module level"


def test_the_tests_mirror_the_package() -> None:
    folders = {p.name for p in (ROOT / "tests").iterdir()
               if p.is_dir() and not p.name.startswith((".", "_"))}
    harness = {"e2e", "frontend"}  # real servers and browsers; the page's own tests
    assert folders - harness <= {p.name for p in PACKAGE.iterdir() if p.is_dir()}
