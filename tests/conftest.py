import os

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLES
from cockpit.engines import client as engine_client
from demo_engine.server import Faults
from engines.config import EngineConfig
from engines.queries import ProcessInstanceQuery
from tests.demo_engine.conftest import start_server, stop_server

# Browser fixtures (headless Chromium), a real Redis with real Celery workers, a throwaway
# PostgreSQL, and the real engines (Camunda 7.24, Operaton, CIB seven, Flowable: see
# tests/real_engines/fixtures.py), for every package.
pytest_plugins = [
    "tests.browser.fixtures",
    "tests.celery_fixtures",
    "tests.postgresql",
    "tests.real_engines.fixtures",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ENGINE_URL = "http://engine.test/engine-rest"
OTHER_ENGINE_URL = "http://other-engine.test/engine-rest"
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def two_engines(settings):
    """Every test sees the same two engines; none of them is a real server."""
    settings.ENGINES = {
        "demo": EngineConfig(name="demo", base_url=ENGINE_URL, label="Demo engine"),
        "staging": EngineConfig(
            name="staging", base_url=OTHER_ENGINE_URL, username="cockpit", password="s3cret"
        ),
    }
    return settings.ENGINES


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached engine numbers (dashboard, statistics) never leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(django_user_model):
    def make(role: str | None, username: str | None = None):
        user = django_user_model.objects.create_user(
            username=username or (role or "norole").lower(), password=PASSWORD
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture(params=list(ROLES))
def role(request):
    return request.param


@pytest.fixture
def client_as(client, make_user):
    """A test client logged in with the given role (None: a user without any role)."""

    def login(role: str | None):
        client.force_login(make_user(role))
        return client

    return login


@pytest.fixture
def operator_client(client_as):
    return client_as("Operator")


@pytest.fixture
def viewer_client(client_as):
    return client_as("Viewer")


@pytest.fixture(scope="module")
def demo(request):
    """A demo engine of the module's own, with a little latency so that work takes a while."""
    server = start_server(getattr(request.module, "INSTANCES", 300), seed=21, faults=Faults(latency_ms=2))
    yield server
    stop_server(server)


@pytest.fixture
def on_demo(settings, demo):
    """The dashboard's engine named demo is the demo engine (not the tests' fake one)."""
    settings.ENGINES = {
        "demo": EngineConfig(
            name="demo", base_url=demo.url, username="demo", password="demo-pw", read_timeout=30
        )
    }
    return demo


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
