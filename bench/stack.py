"""The dashboard as it runs in production, for the benchmarks: gunicorn with DEBUG off, PostgreSQL,
Redis for the shared cache and a Celery worker, all throwaway and on loopback.

TLS is what a proxy in front would do: the settings are told they sit behind one
(DJANGO_BEHIND_TLS_PROXY), and every client sends X-Forwarded-Proto: https, so the secure cookies
and HSTS of production stay on and only the redirect to https is off.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import PASSWORD, ROOT, SECRET, free_port, rss_mb, wait_for

HOST = "localhost"
# What the TLS proxy would add to every request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Server:
    url: str
    env: dict[str, str]
    web: subprocess.Popen
    worker: subprocess.Popen

    def web_memory_mb(self) -> float:
        """gunicorn's workers (the master's children)."""
        return children_rss(self.web.pid)

    def worker_memory_mb(self) -> float:
        """The Celery worker and its pool processes."""
        return rss_mb(self.worker.pid) + children_rss(self.worker.pid)

    def manage(self, *args: str) -> str:
        return _manage(self.env, *args)

    def session_for(self, username: str) -> str:
        """A logged-in session made in the server's own database, as a login would make it."""
        return self.manage("shell", "-c", _SESSION.format(username=username)).strip().splitlines()[-1]

    def flush_cache(self) -> None:
        """Empty the shared cache (dashboard numbers, statistics): the next load is a cold one."""
        self.manage("shell", "-c", "from django.core.cache import cache; cache.clear()")


_SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.get(username={username!r})
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""

_USER = """
from django.contrib.auth.models import Group, User
user, _ = User.objects.get_or_create(username="bench")
user.set_password({password!r})
user.save()
user.groups.add(Group.objects.get(name="Operator"))
"""


def children_rss(pid: int) -> float:
    """Memory of a process's children (gunicorn's or Celery's workers), in MB."""
    total = 0.0
    for child in os.listdir("/proc"):
        if child.isdigit():
            try:
                status = Path(f"/proc/{child}/status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                total += rss_mb(int(child))
    return total


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args[:1])} failed: {done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def postgresql() -> Iterator[str]:
    """A throwaway cluster; where PostgreSQL is missing it is installed from the distribution first."""
    from tests import postgresql as pg

    if pg._bin_dir() is None:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise SystemExit("PostgreSQL is needed for the production settings: apt-get install postgresql")
        print("PostgreSQL is missing: installing it from the distribution…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True)
    with pg.cluster() as url:
        yield url


@contextmanager
def redis() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is needed for the production settings: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def production_env(
    engine_url: str, user: str, password: str, database_url: str, redis_url: str, port: int
) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cockpit.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # The browser speaks to gunicorn directly, so its forms come from http://, not the proxy's https://.
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://{HOST}:{port}",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "COCKPIT_ENGINES": "demo",
        "COCKPIT_ENGINE_DEMO_URL": engine_url,
        "COCKPIT_ENGINE_DEMO_USER": user,
        "COCKPIT_ENGINE_DEMO_PASSWORD": password,
        "COCKPIT_ENGINE_DEMO_READ_TIMEOUT": "60",
        "COCKPIT_LOG_LEVEL": "WARNING",
    }


@contextmanager
def production(
    engine_url: str, *, user: str = "demo", password: str = "demo-pw", workers: int = 3, threads: int = 8
) -> Iterator[Server]:
    """The dashboard against this engine, logged-in user 'bench' (an Operator) with bench.common.PASSWORD."""
    with postgresql() as database_url, redis() as redis_url:
        port = free_port()
        env = production_env(engine_url, user, password, database_url, redis_url, port)
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        _manage(env, "shell", "-c", _USER.format(password=PASSWORD))
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cockpit.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
             "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cockpit", "worker", "--concurrency", "2",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            url = f"http://{HOST}:{port}"
            wait_for(f"http://127.0.0.1:{port}/accounts/login/")
            yield Server(url, env, web, worker)
        finally:
            for process in (web, worker):
                os.killpg(process.pid, signal.SIGTERM)
            for process in (web, worker):
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
