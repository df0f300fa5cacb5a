"""A real Redis and real Celery worker processes, for the tests that need Celery as it runs."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.parts import missing

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, which can be killed and started again on the same port."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing("redis-server is missing: .ci/run installs it (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), *options],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)

    def kill(self) -> None:
        """As a crash would: SIGKILL by its PID, nothing saved (the queued messages are lost too)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture(scope="session")
def redis_url():
    server = RedisServer()
    server.start()
    yield server.url
    server.process.terminate()
    server.process.wait(10)


def _send_tasks_to(url: str) -> None:
    from cockpit.celery import app

    app.conf.broker_url = url
    # Connections made for the old broker are dropped; new ones are made on the next send.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url, settings):
    """This process sends tasks to the real Redis."""
    from cockpit.celery import app

    previous = app.conf.broker_url
    _send_tasks_to(redis_url)
    yield redis_url
    _send_tasks_to(previous)


@pytest.fixture
def own_redis(settings):
    """A Redis of the test's own that it may kill and restart; this process sends tasks to it."""
    from cockpit.celery import app

    server = RedisServer()
    server.start()
    previous = app.conf.broker_url
    _send_tasks_to(server.url)
    yield server
    _send_tasks_to(previous)
    server.kill()


class Workers:
    """Real `celery worker` processes, sharing this test's database file and the demo engine."""

    def __init__(self, redis_url: str, engine_url: str) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cockpit.settings",
            "DATABASE_URL": f"sqlite:///{django_settings.DATABASES['default']['NAME']}",
            "CELERY_BROKER_URL": redis_url,
            "COCKPIT_ENGINES": "demo",
            "COCKPIT_ENGINE_DEMO_URL": engine_url,
            "COCKPIT_ENGINE_DEMO_USER": "demo",
            "COCKPIT_ENGINE_DEMO_PASSWORD": "demo-pw",
            # Short: a rescuing worker waits this long before it checks a dead worker's last items.
            "COCKPIT_ENGINE_DEMO_READ_TIMEOUT": "5",
            "COCKPIT_FOLLOW_SECONDS": "0.3",
            "COCKPIT_CHUNK_SIZE": "20",
            "COCKPIT_CHUNK_CONCURRENCY": "4",
            "COCKPIT_OPERATION_LEASE_SECONDS": "3",
            "COCKPIT_SWEEP_SECONDS": "1",
            "COCKPIT_RETRY_SETTLE_SECONDS": "5",
        }
        self.processes: list[subprocess.Popen] = []
        self.by_name: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cockpit", "worker", "--concurrency", "2",
             "--hostname", f"{name}@%h", "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        self.by_name[name] = process
        return process

    def wait_until_ready(self, timeout: float = 60) -> None:
        """Until every started worker answers a ping: work queued earlier would reach only some, and
        a worker that starts late resumes what is under way, which is not the case under test."""
        from cockpit.celery import app

        deadline = time.monotonic() + timeout
        while len(app.control.ping(timeout=0.5)) < len(self.processes):
            assert time.monotonic() < deadline, "the workers did not start"

    def kill(self, process: subprocess.Popen) -> None:
        """As a crash would: no warm shutdown, nothing acknowledged or handed back."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def workers(broker, on_demo):
    pool = Workers(broker, on_demo.url)
    yield pool
    pool.stop_all()


@pytest.fixture
def workers_of_own_redis(own_redis, on_demo):
    pool = Workers(own_redis.url, on_demo.url)
    yield pool
    pool.stop_all()
