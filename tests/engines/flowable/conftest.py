import pytest
import respx

from engines import EngineConfig, build_client

BASE = "http://flowable.test/process-api"


@pytest.fixture
def engine():
    config = EngineConfig(
        name="f", base_url=BASE, kind="flowable", username="demo", password="pw", read_timeout=2
    )
    client = build_client(config)
    yield client
    client.close()


@pytest.fixture
def http():
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as mock:
        yield mock
