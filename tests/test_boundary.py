"""The engine boundary is declared, not implied: the apps see engines/base.py only, Camunda's adapter
implements all of it, and nothing of Camunda's wire format is left in the shared modules."""

import ast
import inspect
import re
from pathlib import Path

from engines.base import EngineClient
from engines.camunda7.client import Camunda7Client
from engines.config import EngineConfig

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
        name for name in _imports(path) if name == "engines.camunda7" or name.startswith("engines.camunda7.")
    }


def test_no_module_above_the_engines_imports_the_camunda_adapter():
    above = _python_files_above()
    assert len(above) > 50  # the apps were found
    offenders = {str(p.relative_to(ROOT)): _adapter_imports(p) for p in above if _adapter_imports(p)}
    assert offenders == {}


def test_of_the_shared_engine_modules_only_the_factory_knows_the_camunda_adapter():
    offenders = [str(p.relative_to(ROOT)) for p in SHARED if p != FACTORY and _adapter_imports(p)]
    assert offenders == [] and _adapter_imports(FACTORY)


def test_the_camunda_adapter_implements_every_method_of_the_interface_as_declared():
    abstract = EngineClient.__abstractmethods__
    assert {"capabilities", "list_instances", "set_variable", "delete_instances_async"} <= abstract
    for name in abstract:
        declared, implemented = getattr(EngineClient, name), getattr(Camunda7Client, name)
        assert implemented is not declared, f"{name} is not implemented"
        if isinstance(declared, property):
            continue
        assert inspect.signature(implemented) == inspect.signature(declared), name
    assert not Camunda7Client.__abstractmethods__
    client = Camunda7Client(EngineConfig(name="t", base_url="http://engine.invalid/engine-rest"))
    assert isinstance(client, EngineClient) and client.capabilities.process_statistics
    client.close()


def test_every_public_method_of_the_adapter_is_part_of_the_interface():
    public = {name for name, _ in inspect.getmembers(Camunda7Client) if not name.startswith("_")}
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
