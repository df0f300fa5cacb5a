import pytest
import respx

from engines import EngineConfig, build_client
from tests.engines.cases import BASE


@pytest.fixture
def config():
    return EngineConfig(name="t", base_url=BASE, username="cockpit", password="pw", read_timeout=2)


@pytest.fixture
def engine(config):
    client = build_client(config)
    yield client
    client.close()


@pytest.fixture
def http():
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as mock:
        yield mock
