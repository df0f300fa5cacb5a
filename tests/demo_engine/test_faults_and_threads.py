import shutil
import tempfile
import threading
from functools import partial
from pathlib import Path

import pytest

from demo_engine import seeding
from demo_engine.server import DemoEngineServer, Faults
from demo_engine.store import Store
from engines import EngineConfig, build_client, fan_out
from engines.errors import EngineServerError, EngineTimeout
from engines.queries import ProcessInstanceQuery
from engines.variables import TypedValue, VariableType


@pytest.fixture
def start_engine():
    servers = []

    def start(faults: Faults, *, read_timeout: float = 10):
        store = Store(Path(tempfile.mkdtemp(prefix="demo-engine-faults-")) / "engine.sqlite3")
        seeding.seed(store, instances=50, seed=3)
        server = DemoEngineServer(("127.0.0.1", 0), store, faults=faults)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return build_client(EngineConfig(name="faulty", base_url=server.url, read_timeout=read_timeout))

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
        shutil.rmtree(server.store.path.parent, ignore_errors=True)
        server.server_close()


def test_a_chosen_fraction_of_requests_fails_with_the_engines_500(start_engine):
    engine = start_engine(Faults(fail_rate=1.0))
    with pytest.raises(EngineServerError, match="Injected failure"):
        engine.count_instances()


def test_a_stalled_engine_runs_into_the_dashboards_timeout(start_engine):
    engine = start_engine(Faults(stall_rate=1.0, stall_seconds=3), read_timeout=0.3)
    with pytest.raises(EngineTimeout, match=r"did not answer within 0\.3 s"):
        engine.version()


def test_added_latency_still_answers(start_engine):
    engine = start_engine(Faults(latency_ms=20, jitter_ms=10))
    assert engine.version().version == "7.22.0"


def test_concurrent_requests_are_answered_consistently(start_engine):
    engine = start_engine(Faults())
    roots = ProcessInstanceQuery(root_process_instances=True)
    results = fan_out({f"call{n}": lambda: engine.count_instances(roots) for n in range(24)})
    assert set(results.values()) == {50}


def test_concurrent_writes_and_reads_all_land(start_engine):
    engine = start_engine(Faults())
    instances = engine.list_instances(ProcessInstanceQuery(root_process_instances=True), limit=24)

    def write(instance_id: str, n: int):
        engine.set_variable(instance_id, "marker", TypedValue(VariableType.INTEGER, n))
        engine.set_instance_suspended(instance_id, suspended=n % 2 == 0)
        return engine.get_variable(instance_id, "marker").value

    calls = {f"write{n}": partial(write, instance.id, n) for n, instance in enumerate(instances)}
    calls |= {f"read{n}": engine.count_instances for n in range(24)}
    results = fan_out(calls)
    assert [results[f"write{n}"] for n in range(24)] == list(range(24))
    assert engine.count_instances(ProcessInstanceQuery(suspended=True, root_process_instances=True)) >= 12
