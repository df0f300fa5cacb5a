"""Many people at once: 50 users browsing the instance list and instance pages under gunicorn.

The dashboard runs with its production settings (bench.stack: DEBUG off, PostgreSQL, the Redis
cache, a Celery worker beside it); the demo engine runs in a process of its own with a fixed
latency. Each user is a thread with its own connection and session, asking for a list page and an
instance page in turn, until the fixed number of requests is done. The web and worker memory is
read after a warm-up and at the end: flat, or growing with the requests.
"""

from __future__ import annotations

import os
import random
import threading
import time

import httpx

from bench import stack
from bench.common import django_env, percentile, table
from bench.pages import LIST


def server_env(engine_url: str) -> dict[str, str]:
    """The development settings (SQLite, DEBUG on), for the bulk benchmark's Celery workers."""
    return {**os.environ, **django_env(engine_url), "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}


def run(engine_url: str, instance_ids: list[str], *, users: int = 50, requests: int = 2000,
        workers: int = 3, threads: int = 8) -> dict:  # fmt: skip
    with stack.production(engine_url, workers=workers, threads=threads) as server:
        base = server.url
        cookie = server.session_for("bench")
        headers = {"Cookie": f"sessionid={cookie}", **stack.PROXY_HEADERS}
        paths = [LIST] + [f"/e/demo/instances/{i}/" for i in instance_ids]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        remaining = [requests]

        def user(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
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
        with httpx.Client(base_url=base, headers=headers, timeout=60) as warm:
            for path in paths[:20]:
                warm.get(path)
        memory_before = server.web_memory_mb(), server.worker_memory_mb()
        started = time.perf_counter()
        threads_ = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads_:
            thread.start()
        for thread in threads_:
            thread.join()
        seconds = time.perf_counter() - started
        memory_after = server.web_memory_mb(), server.worker_memory_mb()
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
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "settings": "production (DEBUG off, PostgreSQL, Redis cache)",
            "web_memory_before_mb": round(memory_before[0], 1),
            "web_memory_after_mb": round(memory_after[0], 1),
            "worker_memory_before_mb": round(memory_before[1], 1),
            "worker_memory_after_mb": round(memory_after[1], 1),
        }


def load_table(load: dict, latency_ms: float) -> str:
    load_average = " ".join(f"{x:.2f}" for x in load["load_average"])
    return table(
        f"{load['users']} users under gunicorn ({load['gunicorn']}, {load['settings']}), {load['requests']} requests,"
        f" engine {latency_ms:g} ms; load average {load_average}",
        ["throughput/s", "p50 ms", "p95 ms", "p99 ms", "p95/p50 (target ≤ 3)", "errors (target 0)",
         "web MB start", "end", "worker MB start", "end"],
        [[load["throughput_per_s"], load["p50_ms"], load["p95_ms"], load["p99_ms"],
          round(load["p95_ms"] / load["p50_ms"], 2), load["errors"], load["web_memory_before_mb"],
          load["web_memory_after_mb"], load["worker_memory_before_mb"], load["worker_memory_after_mb"]]],
    )  # fmt: skip
