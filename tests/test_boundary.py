"""The engine boundary is declared, not implied: the apps see engines/base.py only, each adapter
(Camunda's, Flowable's) implements all of it, and nothing of Camunda's wire format is left in the
shared modules."""

import ast
import inspect
import re
from pathlib import Path

import pytest

from engines.base import EngineClient
from engines.camunda7.client import Camunda7Client
from engines.config import EngineConfig
from engines.flowable.client import FlowableClient

ADAPTERS = {
    Camunda7Client: EngineConfig(name="t", base_url="http://engine.invalid/engine-rest"),
    FlowableClient: EngineConfig(name="t", kind="flowable", base_url="http://engine.invalid/flowable-rest"),
}
ADAPTER_PACKAGES = ("engines.camunda7", "engines.flowable")

ROOT = Path(__file__).resolve().parent.parent
# Below the boundary, or about one engine on purpose: the adapters, the stand-in engine, the tests,
# and the tooling that builds and seeds real engines.
BELOW = {"engines", "demo_engine", "tests", "realengines"}
# The one module that builds an adapter by engine kind.
FACTORY = ROOT / "engines" / "factory.py"
SHARED = sorted(p for p in (ROOT / "engines").glob("*.py"))


def _python_files_above() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in BELOW or parts[0].startswith(".") or "node_modules" in parts or parts[0] == "var":
            continue
        found.append(path)
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _adapter_imports(path: Path) -> set[str]:
    return {
        name
        for name in _imports(path)
        if any(name == package or name.startswith(f"{package}.") for package in ADAPTER_PACKAGES)
    }


def test_no_module_above_the_engines_imports_an_adapter():
    above = _python_files_above()
    assert len(above) > 50  # the apps were found
    offenders = {str(p.relative_to(ROOT)): _adapter_imports(p) for p in above if _adapter_imports(p)}
    assert offenders == {}


def test_of_the_shared_engine_modules_only_the_factory_knows_the_adapters():
    offenders = [str(p.relative_to(ROOT)) for p in SHARED if p != FACTORY and _adapter_imports(p)]
    assert offenders == [] and _adapter_imports(FACTORY)


def _as_list(annotation) -> str:
    return str(annotation).replace("Listed[", "list[")


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.__name__)
def test_each_adapter_implements_every_method_of_the_interface_as_declared(adapter):
    abstract = EngineClient.__abstractmethods__
    assert {"capabilities", "list_instances", "set_variable", "delete_instances_async"} <= abstract
    for name in abstract:
        declared, implemented = getattr(EngineClient, name), getattr(adapter, name)
        assert implemented is not declared, f"{name} is not implemented"
        if isinstance(declared, property):
            continue
        implemented, declared = inspect.signature(implemented), inspect.signature(declared)
        assert implemented.parameters == declared.parameters, name
        # A page that also carries its total (Listed) is still the list the interface declares.
        assert _as_list(implemented.return_annotation) == _as_list(declared.return_annotation), name
    assert not adapter.__abstractmethods__
    client = adapter(ADAPTERS[adapter])
    assert isinstance(client, EngineClient) and client.capabilities.instructions
    client.close()


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.__name__)
def test_every_public_method_of_an_adapter_is_part_of_the_interface(adapter):
    public = {name for name, _ in inspect.getmembers(adapter) if not name.startswith("_")}
    declared = {name for name, _ in inspect.getmembers(EngineClient) if not name.startswith("_")}
    assert public - declared == set()


# Camunda's spelling: query and body keys, the variable DTO, endpoint paths, and endpoint comments.
WIRE = re.compile(
    r"sortBy|sortOrder|firstResult|maxResults|processInstanceId|processDefinitionId|valueInfo"
    r"|VariableValueDto|skipCustomListeners|tenantIdIn|engine-rest"
    r"|/process-instance|/process-definition|/history/|/incident\b|/job\b|/batch\b|/execution/"
    r"|#\s*(GET|POST|PUT|DELETE) /"
)


def test_the_shared_engine_modules_spell_nothing_the_camunda_way():
    found = {
        f"{path.name}:{number}": line.strip()
        for path in SHARED
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WIRE.search(line)
    }
    assert found == {}
