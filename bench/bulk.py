"""Bulk throughput: a chunked operation over 10,000 instances, worked by 2 real Celery workers.

The operation sets a variable on each instance, item by item (the client-side kind, the one
whose speed is ours and not the engine's batch runner's). Reported: instances per second,
the engine's request rate while it ran, and the workers' memory before and after.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import httpx

from bench.common import ROOT, free_port, rss_mb
from bench.concurrency import server_env
from bench.stack import children_rss


def engine_requests(engine_url: str) -> int:
    response = httpx.get(f"{engine_url}/version", auth=("demo", "demo-pw"))
    return int(response.headers["X-Demo-Engine-Requests"])


def redis() -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is needed for the bulk benchmark (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def run(engine_url: str, *, instances: int) -> dict:
    from django.contrib.auth.models import User

    from batches import operations
    from cockpit.celery import app
    from engines.queries import ProcessInstanceQuery
    from engines.variables import TypedValue, VariableType

    broker_process, broker = redis()
    env = {**server_env(engine_url), "CELERY_BROKER_URL": broker, "COCKPIT_CHUNK_SIZE": "100",
           "COCKPIT_CHUNK_CONCURRENCY": "8", "COCKPIT_FOLLOW_SECONDS": "0.5"}  # fmt: skip
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cockpit",
                "worker",
                "--concurrency",
                "2",
                "--hostname",
                f"bench{n}@%h",
                "--loglevel",
                "WARNING",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(2)
    ]
    try:
        app.conf.broker_url = broker
        app._pool = None
        time.sleep(4)  # the workers connect
        memory_before = [rss_mb(w.pid) + children_rss(w.pid) for w in workers]
        query = ProcessInstanceQuery(root_process_instances=True)
        parameters = {"query": query.to_dict(), "name": "benchNote",
                      "value": TypedValue(VariableType.STRING, "bulk").to_dict()}  # fmt: skip
        requests_before = engine_requests(engine_url)
        started = time.perf_counter()
        operation = operations.start(
            user=User.objects.get(username="bench"),
            engine="demo",
            kind="set_variable_each",
            parameters=parameters,
        )
        while True:
            operation.refresh_from_db()
            if operation.finished:
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - started
        requests = engine_requests(engine_url) - requests_before
        memory_after = [rss_mb(w.pid) + children_rss(w.pid) for w in workers]
        return {
            "instances": operation.total,
            "status": operation.status,
            "failed_items": operation.failed,
            "seconds": round(seconds, 1),
            "instances_per_s": round(operation.total / seconds, 1),
            "engine_requests": requests,
            "engine_requests_per_s": round(requests / seconds, 1),
            "worker_memory_before_mb": [round(m, 1) for m in memory_before],
            "worker_memory_after_mb": [round(m, 1) for m in memory_after],
        }
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
        broker_process.terminate()
        broker_process.wait(10)
