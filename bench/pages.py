"""The dashboard's overhead over the engine, and whether it grows with the engine's size.

The engines run in processes of their own, so their work does not count as the dashboard's.

For the instance list (50 rows, a variable filter) and the instance page, served in this
process: the page's server time against the engine calls made for it in the same request, (a)
the slowest single call and the critical path (time covered by any call: dependent rounds add
up, concurrent calls do not), with a 20 ms engine; (b) the page with an engine answering at
once, which is the dashboard's own time. At a small and at a large engine.
"""

from __future__ import annotations

import time

from bench.common import CallLog, Engine, critical_path, median, use_engine

LIST = "/e/demo/instances/?definition_key=order&var_name=amount&var_op=gt&var_type=number&var_value=2500"
RUNS = 15


def measure_page(client, log: CallLog, path: str) -> dict:
    for _ in range(3):  # warm: connections, templates, the definition cache
        assert client.get(path).status_code == 200
    pages, slowest, critical, counts, names = [], [], [], [], []
    for _ in range(RUNS):
        with log.recording() as calls:
            started = time.perf_counter()
            response = client.get(path)
            pages.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        longest = max(calls, key=lambda call: call[2] - call[1])
        slowest.append(longest[2] - longest[1])
        names.append(longest[0])
        critical.append(critical_path(calls))
        counts.append(len(calls))
    return {
        "page_ms": round(median(pages), 1),
        "slowest_call_ms": round(median(slowest), 1),
        "slowest_call": max(set(names), key=names.count),
        "critical_path_ms": round(median(critical), 1),
        # What the dashboard adds: the page's time outside the engine's critical path.
        "own_ms": round(median([p - c for p, c in zip(pages, critical, strict=True)]), 1),
        "engine_calls": max(counts),
    }


def run(engines: list[Engine], log: CallLog) -> list[dict]:
    from django.contrib.auth.models import User
    from django.test import Client

    from cockpit.engines import client as engine_client

    results = []
    for engine in engines:
        for latency, url in engine.urls.items():
            use_engine(url)
            [incident] = engine_client("demo").list_incidents(activity_id="charge", limit=1)
            pages = {
                "instance list": LIST,
                "instance page": f"/e/demo/instances/{incident.process_instance_id}/",
            }
            client = Client(SERVER_NAME="localhost")  # an allowed host, as a browser would send
            client.force_login(User.objects.get(username="bench"))
            for name, path in pages.items():
                results.append(
                    {
                        "page": name,
                        "instances": engine.instances,
                        "latency_ms": latency,
                        **measure_page(client, log, path),
                    }
                )
    return results
