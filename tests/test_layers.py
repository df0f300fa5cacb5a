"""The layers read top-down: each package imports only what lies below it.

From the bottom: the service layer (engines/), which knows no Django; the project (cockpit/), which the
apps build on; the apps, which may use one another but never in a circle. The demo engine stands
apart and reads top-down too. Read from the source (every import, also those inside a function or
under TYPE_CHECKING: an import moved into a function to dodge a circle is still the circle).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# cockpit/ names the apps only as strings (the URL tree includes their URL modules by name, settings
# installs them by name), so it imports none of them.


@dataclass(frozen=True, order=True)
class Import:
    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} imports {self.imported} (line {self.line})"


def _packages() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")


def _apps() -> set[str]:
    """The project's Django apps: every package with an AppConfig, but the project itself."""
    return {p.parent.name for p in ROOT.glob("*/apps.py")} - {"cockpit"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    """The project's modules (tests aside) by name."""
    return {
        _module_name(path): path for package in _packages() for path in sorted((ROOT / package).rglob("*.py"))
    }


def _imports() -> list[Import]:
    """Every import of every module in the project's packages, each named by the module it reaches."""
    sources = _sources()
    found = set()
    for importer, path in sources.items():
        # The package a relative import starts from.
        here = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {Import(importer, alias.name, node.lineno) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*here[: len(here) - node.level + 1], *filter(None, [node.module])])
                for alias in node.names:
                    # `from package import module` reaches the module, `from module import name` the module.
                    submodule = f"{base}.{alias.name}"
                    found.add(Import(importer, submodule if submodule in sources else base, node.lineno))
    return sorted(found)


def _local_imports() -> list[Import]:
    """Imports between the project's own modules (`import a.b.c` reaching the module a.b.c)."""
    modules = set(_sources())

    def module(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    local = set()
    for i in _imports():
        target = module(i.imported)
        if target is not None and target != i.importer:
            local.add(Import(i.importer, target, i.line))
    return sorted(local)


def _cycles(edges: list[Import]) -> list[list[str]]:
    """The import circles: strongly connected groups of more than one node (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, set()).add(edge.imported)
        graph.setdefault(edge.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_service_layer_imports_nothing_of_django_the_project_or_the_apps():
    above = set(_packages()) - {"engines"}
    wrong = [
        str(i)
        for i in _imports()
        if _top(i.importer) == "engines"
        and (_top(i.imported) in above or _top(i.imported) == "django" or i.imported.startswith("django_"))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_demo_engine_has_no_import_circle():
    edges = [i for i in _local_imports() if _top(i.importer) == _top(i.imported) == "demo_engine"]
    cycles = _cycles(edges)
    assert not cycles, "\n".join(
        str(i) for i in edges if any({i.importer, i.imported} <= set(c) for c in cycles)
    )


def test_the_project_package_imports_no_app():
    apps = _apps()
    wrong = [str(i) for i in _local_imports() if _top(i.importer) == "cockpit" and _top(i.imported) in apps]
    assert not wrong, "\n".join(wrong)


def test_the_apps_do_not_import_each_other_in_a_circle():
    apps = _apps()
    between = [
        Import(_top(i.importer), _top(i.imported), i.line)
        for i in _local_imports()
        if _top(i.importer) in apps and _top(i.imported) in apps and _top(i.importer) != _top(i.imported)
    ]
    cycles = _cycles(between)
    # Name the imports that make each circle, so the message says where to cut.
    culprits = [
        str(i)
        for i in _local_imports()
        if any(_top(i.importer) in c and _top(i.imported) in c for c in cycles)
        and _top(i.importer) != _top(i.imported)
    ]
    assert not cycles, "\n".join(culprits)
