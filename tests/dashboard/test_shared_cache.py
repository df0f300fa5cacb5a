"""More than one web process: the dashboard's numbers and the guard that runs each slow statistics
query once are shared through Redis, so two processes never send the engine the same query at once."""

import os
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client

from demo_engine import api
from tests.celery_fixtures import ROOT, free_port
from tests.demo_engine.conftest import start_server, stop_server

pytestmark = pytest.mark.django_db(transaction=True)  # the web processes read the users and sessions
STATISTICS = "/process-definition/statistics"


class HeldStatistics:
    """The engine's statistics query, held until the test lets it answer; every one is counted."""

    def __init__(self) -> None:
        self.asked = 0
        self.arrived = threading.Event()
        self.release = threading.Event()

    def resolve(self, original):
        def resolve(method, path):
            handler, params = original(method, path)
            if path != STATISTICS:
                return handler, params

            def held(store, request, **kwargs):
                self.asked += 1
                self.arrived.set()
                self.release.wait(30)
                return handler(store, request, **kwargs)

            return held, params

        return resolve


@pytest.fixture
def engine():
    server = start_server(60, seed=5)
    yield server
    stop_server(server)


@pytest.fixture
def statistics(engine, monkeypatch):
    held = HeldStatistics()
    monkeypatch.setattr(api, "resolve", held.resolve(api.resolve))
    yield held
    held.release.set()


@pytest.fixture
def cache_url(redis_url):
    url = redis_url.rsplit("/", 1)[0] + "/3"  # a database of its own beside the broker's
    redis.Redis.from_url(url).flushdb()
    return url


def web_process(engine_url: str, cache_url: str) -> tuple[subprocess.Popen, str]:
    """One gunicorn process (one worker) of the dashboard, on this test's database and engine."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cockpit.settings",
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,  # the test's sessions must be valid there
        "DATABASE_URL": f"sqlite:///{django_settings.DATABASES['default']['NAME']}",
        "COCKPIT_CACHE_URL": cache_url,
        "COCKPIT_ENGINES": "demo",
        "COCKPIT_ENGINE_DEMO_URL": engine_url,
        "COCKPIT_ENGINE_DEMO_USER": "demo",
        "COCKPIT_ENGINE_DEMO_PASSWORD": "demo-pw",
        "COCKPIT_ENGINE_DEMO_READ_TIMEOUT": "40",
        "COCKPIT_DASHBOARD_WAIT_SECONDS": "1",
        "COCKPIT_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cockpit.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "4", "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{base} did not come up"
        time.sleep(0.2)


@pytest.fixture
def two_web_processes(engine, cache_url):
    started = [web_process(engine.url, cache_url) for _ in range(2)]
    try:
        for _process, base in started:
            wait_until_up(base)
        yield [base for _process, base in started]
    finally:
        for process, _base in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process, _base in started:
            process.wait(20)


def total_incidents(body: str) -> int | None:
    found = re.search(r'<p class="number"><a [^>]*>([\d,]+)</a>', body)
    return int(found.group(1).replace(",", "")) if found else None


def test_two_web_processes_send_the_engine_one_statistics_query(two_web_processes, statistics, make_user):
    first, second = two_web_processes
    browser = Client()
    browser.force_login(make_user("Viewer"))
    cookies = {"sessionid": browser.cookies["sessionid"].value}
    tile = "/e/demo/tiles/incidents/"

    answers = {}
    asking = threading.Thread(
        target=lambda: answers.update(first=httpx.get(first + tile, cookies=cookies, timeout=60))
    )
    asking.start()
    assert statistics.arrived.wait(30), "the first process did not ask the engine"
    # While the first process's query runs, the second is asked for the same number.
    answers["second"] = httpx.get(second + tile, cookies=cookies, timeout=60)
    assert answers["second"].status_code == 200
    assert "still counting" in answers["second"].text
    assert statistics.asked == 1

    statistics.release.set()
    asking.join(60)
    assert answers["first"].status_code == 200
    deadline = time.monotonic() + 30
    while (count := total_incidents(httpx.get(second + tile, cookies=cookies, timeout=60).text)) is None:
        assert time.monotonic() < deadline, "the second process never showed the number"
        time.sleep(0.2)
    assert count > 0
    assert statistics.asked == 1  # the second process took the first one's answer


def cache_of(env: dict[str, str]) -> str:
    from tests.test_security import _manage

    code = (
        "from django.conf import settings; c = settings.CACHES['default'];"
        " print(c['BACKEND'], c.get('LOCATION', ''))"
    )
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_shares_the_cache_in_the_redis_database_after_the_brokers():
    from tests.test_security import _production_env

    assert cache_of(_production_env()) == (
        "django.core.cache.backends.redis.RedisCache redis://redis.example.org:6379/1"
    )
    assert cache_of(_production_env(COCKPIT_CACHE_URL="redis://cache.example.org:6380/4")).endswith(
        " redis://cache.example.org:6380/4"
    )


def test_development_without_a_cache_url_keeps_the_cache_in_the_process():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cockpit.settings",
        "COCKPIT_VAR_DIR": str(ROOT / "var"),
    }
    assert cache_of(env).startswith("django.core.cache.backends.locmem.LocMemCache")


def test_the_numbers_still_show_when_the_shared_cache_is_unreachable(settings, viewer_client):
    import respx

    from tests.conftest import ENGINE_URL

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        }
    }
    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as mock:
        mock.get("/batch/count").respond(json={"count": 7})
        response = viewer_client.get("/e/demo/tiles/batches/")
    assert response.status_code == 200
    assert re.search(r'<p class="number"><a [^>]*>7</a>', response.content.decode())
