import shutil
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest

from demo_engine import seeding
from demo_engine.server import DemoEngineServer
from demo_engine.store import Store
from engines import EngineConfig, build_client
from tests.contract import check_request, check_response

INSTANCES = 300


def start_server(instances: int, seed: int, **options) -> DemoEngineServer:
    store = Store(Path(tempfile.mkdtemp(prefix="demo-engine-test-")) / "engine.sqlite3")
    seeding.seed(store, instances=instances, seed=seed)
    server = DemoEngineServer(("127.0.0.1", 0), store, credentials=("demo", "demo-pw"), **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_server(server: DemoEngineServer) -> None:
    server.shutdown()
    server.server_close()
    # Each engine's database is a file of its own: leave none behind (they fill a disk over time).
    shutil.rmtree(server.store.path.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_engine():
    """The demo engine on a free port, over real HTTP, with Basic auth on; tests using it only read."""
    server = start_server(INSTANCES, seed=7)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def writable_engine():
    """An engine of its own for a module whose tests change things."""
    server = start_server(200, seed=11)
    yield server
    stop_server(server)


@pytest.fixture
def exchanges():
    """Every request and answer the client makes, to check against the engine's spec."""
    return []


def _client(server: DemoEngineServer, exchanges: list):
    def keep(response: httpx.Response) -> None:
        response.read()
        response.request.read()  # a multipart upload is a stream until read
        exchanges.append((response.request, response))

    config = EngineConfig(name="demo", base_url=server.url, username="demo", password="demo-pw")
    http = httpx.Client(
        base_url=config.base_url, auth=httpx.BasicAuth("demo", "demo-pw"), event_hooks={"response": [keep]}
    )
    return build_client(config, http=http)


def _checked(client, exchanges):
    yield client
    client.close()
    for request, response in exchanges:
        check_request(request)
        check_response(request, response)


@pytest.fixture
def engine(demo_engine, exchanges):
    yield from _checked(_client(demo_engine, exchanges), exchanges)


@pytest.fixture
def writable(writable_engine, exchanges):
    """A client of the module's own engine; every exchange is checked against the spec too."""
    yield from _checked(_client(writable_engine, exchanges), exchanges)


def eventually(condition, *, timeout: float = 15.0, interval: float = 0.1):
    """Polls until condition() is truthy, for work the engine does in the background (batches)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s: {condition}")
        time.sleep(interval)
