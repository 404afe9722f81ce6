"""pyproject.toml declares what the code imports: nothing missing, nothing unused.

The runtime (``backend/``) may import only the standard library, itself and the runtime
dependencies (the ``redis`` extra for the cluster); tests, benchmarks and tools may also use
the ``dev`` extra. Every declared distribution is imported somewhere, except the few that work
without an import, listed in ``NOT_IMPORTED`` with the reason.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_IMPORTED = {
    "pytest-timeout": "a pytest plugin, configured by `timeout` in pyproject.toml",
    "hatchling": "the build backend, used by the wheel test's build without isolation",
    "ruff": "a command, run by `make lint`",
    "mypy": "a command, run by `make lint`",
}


def name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> dict[str, set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"runtime": {name(r) for r in project["dependencies"]}}
    for extra, reqs in project["optional-dependencies"].items():
        groups[extra] = {name(r) for r in reqs} - groups["runtime"]
    return groups


def imported(*folders: str) -> set[str]:
    """The distributions that the code under ``folders`` imports (top-level names)."""
    modules: set[str] = set()
    files = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    local = {"nnplayground", "tests", "tools"} | {p.stem for p in files}  # bench: `server`
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third = modules - set(sys.stdlib_module_names) - local
    owners = packages_distributions()
    missing = {m for m in third if m not in owners}
    assert not missing, f"imported but not installed: {sorted(missing)}"
    return {d.lower().replace("_", "-") for m in third for d in owners[m]}


def test_the_runtime_imports_only_runtime_dependencies() -> None:
    groups = declared()
    allowed = groups["runtime"] | groups["redis"]
    assert imported("backend") - allowed == set()


def test_the_runtime_declares_only_what_the_runtime_imports() -> None:
    """The harness (``tools/``: a launcher, a local cluster) needs httpx; the runtime does not."""
    assert declared()["runtime"] - imported("backend") == set()


def test_tests_and_benchmarks_import_only_declared_dependencies() -> None:
    groups = declared()
    assert imported("tests", "bench", "tools") - set().union(*groups.values()) == set()


def test_every_declared_dependency_is_used() -> None:
    used = imported("backend", "tests", "bench", "tools")
    unused = set().union(*declared().values()) - used - set(NOT_IMPORTED)
    assert unused == set(), f"declared but imported nowhere: {sorted(unused)}"
