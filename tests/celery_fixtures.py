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


@pytest.fixture(scope="session")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is missing: .ci/run installs it (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture
def broker(redis_url, settings):
    """This process sends tasks to the real Redis."""
    from cockpit.celery import app

    def use(url):
        app.conf.broker_url = url
        # Connections made for the old broker are dropped; new ones are made on the next send.
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    use(redis_url)
    yield redis_url
    use(previous)


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
        }
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cockpit", "worker", "--concurrency", "2",
             "--hostname", f"{name}@%h", "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        return process

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
