import pytest

from cockpit.engines import client as engine_client
from engines.queries import ProcessInstanceQuery


@pytest.fixture
def engine(on_demo):
    """The dashboard's own client of the demo engine, to arrange and check what the pages did."""
    return engine_client("demo")


@pytest.fixture(scope="module")
def taken():
    """Instance ids a module's tests have changed already: each test takes fresh ones."""
    return set()


@pytest.fixture
def fresh(engine, taken):
    """An instance matching the filters that no earlier test of the module has touched."""

    def pick(**filters):
        for instance in engine.list_instances(ProcessInstanceQuery(**filters), limit=200):
            if instance.id not in taken:
                taken.add(instance.id)
                return instance
        raise AssertionError(f"no untouched instance left for {filters}")

    return pick
