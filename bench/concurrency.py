"""Many people at once: 50 users browsing the instance list and instance pages under gunicorn.

The dashboard runs under gunicorn (with the development settings: production insists on
PostgreSQL, which the benchmark does not set up); the demo engine runs in a process of its own
with a fixed latency. Each user is a thread with its own
connection and session, asking for a list page and an instance page in turn, until the fixed
number of requests is done.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bench.common import ROOT, SECRET, django_env, free_port, percentile, rss_mb, wait_for
from bench.pages import LIST


def server_env(engine_url: str) -> dict[str, str]:
    """The benchmark's own database and engine. Production settings insist on PostgreSQL, which a
    fresh machine does not have: gunicorn runs the development settings (DEBUG on, SQLite)."""
    return {**os.environ, **django_env(engine_url), "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}


def session_for(username: str) -> str:
    """A logged-in session made directly in the database, as a login would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    assert settings.SECRET_KEY == SECRET, "the session hash must match the server's secret key"
    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def gunicorn(engine_url: str, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    env = server_env(engine_url)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cockpit.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/accounts/login/")
    return process, base


def children_rss(pid: int) -> float:
    """Memory of gunicorn's workers (the master's children), in MB."""
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


def run(engine_url: str, instance_ids: list[str], *, users: int = 50, requests: int = 2000,
        workers: int = 3, threads: int = 8) -> dict:  # fmt: skip
    process, base = gunicorn(engine_url, workers, threads)
    try:
        cookie = session_for("bench")
        paths = [LIST] + [f"/e/demo/instances/{i}/" for i in instance_ids]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        remaining = [requests]

        def user(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=base, headers={"Cookie": f"sessionid={cookie}"}, timeout=60) as client:
                turn = n
                while True:
                    with lock:
                        if remaining[0] <= 0:
                            return
                        remaining[0] -= 1
                    path = LIST if turn % 2 == 0 else rng.choice(paths[1:])
                    turn += 1
                    started = time.perf_counter()
                    try:
                        response = client.get(path)
                        ok = response.status_code == 200 and b"Engine Cockpit" in response.content
                        problem = "" if ok else f"{response.status_code} {path}"
                    except httpx.HTTPError as error:
                        problem = f"{type(error).__name__} {path}"
                    elapsed = (time.perf_counter() - started) * 1000
                    with lock:
                        latencies.append(elapsed)
                        if problem:
                            errors.append(problem)

        # Warm every worker (connections, templates) before measuring memory and time.
        with httpx.Client(base_url=base, headers={"Cookie": f"sessionid={cookie}"}, timeout=60) as warm:
            for path in paths[:20]:
                warm.get(path)
        memory_before = children_rss(process.pid)
        started = time.perf_counter()
        threads_ = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads_:
            thread.start()
        for thread in threads_:
            thread.join()
        seconds = time.perf_counter() - started
        memory_after = children_rss(process.pid)
        return {
            "users": users,
            "requests": len(latencies),
            "gunicorn": f"{workers} workers x {threads} threads",
            "seconds": round(seconds, 1),
            "throughput_per_s": round(len(latencies) / seconds, 1),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "errors": len(errors),
            "error_examples": errors[:5],
            "web_memory_before_mb": round(memory_before, 1),
            "web_memory_after_mb": round(memory_after, 1),
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
