"""Real engines under pytest: built from realengines/, started once per session, seeded, stopped.

Fixtures (all marked ``real_engine`` automatically: ``pytest -m real_engine`` selects the tests
that use them, ``-m "not real_engine"`` leaves them out):

``camunda7_engine``, ``operaton_engine``, ``cibseven_engine``, ``flowable_engine`` (session)
    A ``RealEngine``: the engine is built (only when its Maven sources changed), started on a free
    loopback port on first use, seeded, and stopped when the session ends. Its attributes:

    - ``config``: an ``engines.config.EngineConfig`` for the dashboard (kind ``flowable`` for
      Flowable), with the engine user's credentials;
    - ``seeded``: a ``realengines.seed.Seeded``: ``seeded.one("charge_declined")``,
      ``seeded.of_shape("sign", key="loan")``, ``seeded.definitions["order:2"]``; shapes are listed
      in ``realengines.seed.SHAPES`` (instances are shared by the session: a test that changes
      one should take its own, e.g. ``seeded.of_shape(...)[n]``, or start a fresh instance);
    - ``rest_url``, ``webapp_url`` (Cockpit for Camunda 7), ``http()``: an httpx client on the REST
      root with the engine user, ``log_tail()``, ``rss_megabytes()``.

``camunda7_config``, ``operaton_config``, ``cibseven_config``, ``flowable_config`` (session)
    The ``EngineConfig`` alone.

``camunda7_client``, ``operaton_client``, ``cibseven_client``, ``flowable_client`` (per test)
    The dashboard's own service-layer client of that engine (``engines.build_client``), closed after.

``on_camunda7`` (per test)
    The dashboard's engine named ``demo`` is the real Camunda 7 (settings.ENGINES), for view and
    journey tests; its value is the ``RealEngine``.

``on_flowable`` (per test)
    The dashboard's engine named ``flowable`` is the real Flowable 7.2, beside the tests' usual
    ``demo`` (Camunda 7 API) engine in settings.ENGINES; its value is the ``RealEngine``.

Where the engine cannot be had: without java or mvn the test skips with one line saying what to
install (under CI=true it fails: .ci/run installs them); a build that fails, or a jar that does not
start, fails the test with Maven's output or the engine's log tail. REALENGINE_INSTANCES sets how
many instances are seeded (48).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from engines import build_client
from engines.config import EngineConfig
from realengines import FAMILIES as FAMILIES_BY_NAME
from realengines.build import BuildError, maven_available
from realengines.run import EngineStartError, RunningEngine, start
from realengines.seed import Seeded, seed
from tests.parts import missing

FAMILIES = ("camunda7", "operaton", "cibseven", "flowable")
ENGINE_FIXTURES = {f"{family}_{suffix}" for family in FAMILIES for suffix in ("engine", "config", "client")}
ENGINE_FIXTURES |= {"on_camunda7", "on_flowable", "real_engines"}


@dataclass
class RealEngine:
    running: RunningEngine
    seeded: Seeded | None
    config: EngineConfig

    def __getattr__(self, name):
        return getattr(self.running, name)


class Engines:
    """The session's engines, each started on first use; a failure to start is remembered, not retried."""

    def __init__(self) -> None:
        self.started: dict[str, RealEngine] = {}
        self.failed: dict[str, str] = {}

    def get(self, family: str) -> RealEngine:
        if family in self.started:
            return self.started[family]
        if family in self.failed:
            pytest.fail(self.failed[family], pytrace=False)
        if FAMILIES_BY_NAME[family].unavailable:
            # Not a part a person or CI can install: the artifacts are not where Maven looks.
            pytest.skip(f"{FAMILIES_BY_NAME[family].title}: {FAMILIES_BY_NAME[family].unavailable}")
        reason = maven_available()
        if reason:
            missing(reason)
        try:
            running = start(family, log=lambda line: print(f"[{family}] {line}"))
        except (BuildError, EngineStartError) as error:
            self.failed[family] = str(error)
            pytest.fail(str(error), pytrace=False)
        try:
            seeded = seed(running, instances=int(os.environ.get("REALENGINE_INSTANCES", "48")))
        except Exception as error:
            running.stop()
            self.failed[family] = f"seeding {family} failed: {error}\nits log ends:\n{running.log_tail()}"
            pytest.fail(self.failed[family], pytrace=False)
        config = EngineConfig(
            name=family,
            base_url=running.rest_url,
            kind="flowable" if running.family.api == "flowable" else "camunda7",
            username=running.username,
            password=running.password,
            read_timeout=30,
            label=running.family.title,
        )
        engine = RealEngine(running, seeded, config)
        self.started[family] = engine
        return engine

    def stop_all(self) -> None:
        for engine in self.started.values():
            engine.running.stop()


@pytest.fixture(scope="session")
def real_engines():
    engines = Engines()
    yield engines
    engines.stop_all()


@pytest.fixture(scope="session")
def camunda7_engine(real_engines) -> RealEngine:
    return real_engines.get("camunda7")


@pytest.fixture(scope="session")
def operaton_engine(real_engines) -> RealEngine:
    return real_engines.get("operaton")


@pytest.fixture(scope="session")
def cibseven_engine(real_engines) -> RealEngine:
    return real_engines.get("cibseven")


@pytest.fixture(scope="session")
def flowable_engine(real_engines) -> RealEngine:
    return real_engines.get("flowable")


@pytest.fixture(scope="session")
def camunda7_config(camunda7_engine) -> EngineConfig:
    return camunda7_engine.config


@pytest.fixture(scope="session")
def operaton_config(operaton_engine) -> EngineConfig:
    return operaton_engine.config


@pytest.fixture(scope="session")
def cibseven_config(cibseven_engine) -> EngineConfig:
    return cibseven_engine.config


@pytest.fixture(scope="session")
def flowable_config(flowable_engine) -> EngineConfig:
    return flowable_engine.config


def _client(config: EngineConfig):
    client = build_client(config)
    yield client
    client.close()


@pytest.fixture
def camunda7_client(camunda7_config):
    yield from _client(camunda7_config)


@pytest.fixture
def operaton_client(operaton_config):
    yield from _client(operaton_config)


@pytest.fixture
def cibseven_client(cibseven_config):
    yield from _client(cibseven_config)


@pytest.fixture
def flowable_client(flowable_config):
    yield from _client(flowable_config)


@pytest.fixture
def on_camunda7(settings, camunda7_engine) -> RealEngine:
    config = camunda7_engine.config
    settings.ENGINES = {
        "demo": EngineConfig(
            name="demo",
            base_url=config.base_url,
            username=config.username,
            password=config.password,
            read_timeout=30,
            label=config.label,
        )
    }
    return camunda7_engine


@pytest.fixture
def on_flowable(settings, flowable_engine) -> RealEngine:
    settings.ENGINES = {**settings.ENGINES, "flowable": flowable_engine.config}
    return flowable_engine


def pytest_collection_modifyitems(items):
    for item in items:
        if ENGINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_engine)
