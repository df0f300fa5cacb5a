"""What the benchmarks share: a demo engine of a given size and latency, Django set up against it,
engine calls recorded while a page is served, and percentiles."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo_engine import seeding  # noqa: E402
from demo_engine.store import Store  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="cockpit-bench-"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)  # engines of a million instances are gigabytes
PASSWORD = "bench-password-1"
# The benchmark's own Django and the gunicorn it starts must agree on it: sessions are signed with it.
SECRET = "bench-secret-key-not-for-production-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def engine_process(database: Path, *, latency_ms: float, instances: int = 0) -> tuple[subprocess.Popen, str]:
    """A demo engine in a process of its own (not competing with Django for this process's CPU):
    serving an existing database (instances=0), or seeding one of that many instances first."""
    port = free_port()
    seeding = ["--instances", str(instances)] if instances else ["--reuse"]
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_engine", "--port", str(port), "--latency-ms", str(latency_ms),
         "--user", "demo", "--password", "demo-pw", "--database", str(database), *seeding],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/engine-rest"
    wait_for(f"{url}/version", seconds=900)
    return process, url


@dataclass
class Engine:
    """One seeded database, served by one engine process per latency."""

    instances: int
    seconds_to_seed: float
    urls: dict[float, str]
    processes: list[subprocess.Popen]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(30)


def start_engine(instances: int, *, latencies: tuple[float, ...]) -> Engine:
    database = WORK / f"engine-{instances}.sqlite3"
    store = Store(database)
    started = time.perf_counter()
    seeding.seed(store, instances=instances, seed=7)
    seeded = time.perf_counter() - started
    store.db().close()
    urls, processes = {}, []
    for latency in latencies:
        process, urls[latency] = engine_process(database, latency_ms=latency)
        processes.append(process)
    return Engine(instances, seeded, urls, processes)


def django_env(engine_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "cockpit.settings",
        "DATABASE_URL": f"sqlite:///{WORK / 'cockpit.sqlite3'}",
        "COCKPIT_ENGINES": "demo",
        "COCKPIT_ENGINE_DEMO_URL": engine_url,
        "COCKPIT_ENGINE_DEMO_USER": "demo",
        "COCKPIT_ENGINE_DEMO_PASSWORD": "demo-pw",
        "COCKPIT_ENGINE_DEMO_READ_TIMEOUT": "60",
        "COCKPIT_LOG_LEVEL": "WARNING",
        "DJANGO_SECRET_KEY": SECRET,
    }


def setup_django(engine_url: str):
    """Django in this process, its database migrated, an Operator to browse as; returns that user."""
    os.environ.update(django_env(engine_url))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="Operator"))
    return user


def use_engine(engine_url: str) -> None:
    """Point the running Django at another demo engine (the pooled client is made anew)."""
    from django.conf import settings

    from engines.config import EngineConfig

    settings.ENGINES = {
        "demo": EngineConfig(
            name="demo", base_url=engine_url, username="demo", password="demo-pw", read_timeout=60
        )
    }
    from cockpit import engines

    engines._forget_clients(setting="ENGINES")


class CallLog:
    """Every engine request the dashboard makes while recording: (what, start, end) in ms."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float, float]] = []
        self.lock = threading.Lock()
        self.on = False

    @contextmanager
    def recording(self) -> Iterator[list[tuple[str, float, float]]]:
        calls: list[tuple[str, float, float]] = []
        with self.lock:
            self.calls = calls
        self.on = True
        try:
            yield calls
        finally:
            self.on = False


def install_call_log() -> CallLog:
    from engines.transport import Transport

    log = CallLog()
    original = Transport._send_once

    def timed(self, method, path, **kwargs):
        started = time.perf_counter() * 1000
        try:
            return original(self, method, path, **kwargs)
        finally:
            if log.on:
                with log.lock:
                    log.calls.append((f"{method} {path}", started, time.perf_counter() * 1000))

    Transport._send_once = timed
    return log


def critical_path(calls: list[tuple[str, float, float]]) -> float:
    """Calls overlapping in time form a round; the path is the time covered by any call (ms)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted((s, e) for _, s, e in calls):
        if start >= end:
            total += stop - start
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def table(title: str, header: list[str], rows: list[list]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=False)]

    def line(cells):
        return "  ".join(
            str(c).rjust(w) if i else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        )

    return "\n".join([f"\n{title}", line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])
