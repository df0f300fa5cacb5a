import tempfile
import threading
from pathlib import Path

import httpx
import pytest

from demo_engine.server import DemoEngineServer
from demo_engine.store import Store
from engines import EngineConfig, build_client
from tests.contract import check_request, check_response

INSTANCES = 300


@pytest.fixture(scope="session")
def demo_engine():
    """The demo engine on a free port, over real HTTP, with Basic auth on."""
    store = Store(Path(tempfile.mkdtemp(prefix="demo-engine-test-")) / "engine.sqlite3")
    store.seed(instances=INSTANCES, seed=7)
    server = DemoEngineServer(("127.0.0.1", 0), store, credentials=("demo", "demo-pw"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def exchanges():
    """Every request and answer the client makes, to check against the engine's spec."""
    return []


@pytest.fixture
def engine(demo_engine, exchanges):
    def keep(response: httpx.Response) -> None:
        response.read()
        exchanges.append((response.request, response))

    config = EngineConfig(name="demo", base_url=demo_engine.url, username="demo", password="demo-pw")
    http = httpx.Client(
        base_url=config.base_url, auth=httpx.BasicAuth("demo", "demo-pw"), event_hooks={"response": [keep]}
    )
    client = build_client(config, http=http)
    yield client
    client.close()
    for request, response in exchanges:
        check_request(request)
        check_response(request, response)
