"""The demo runner: says where to go once, keeps the other processes running when one exits."""

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.roles import DEMO_USERS
from scripts.demo import Supervisor, banner, run

PY = sys.executable
ROOT = Path(__file__).resolve().parent.parent
SLEEPER = f"{PY} -c 'import time; time.sleep(60)'"
QUITTER = f"{PY} -c 'import sys; print(\"giving up\"); sys.exit(3)'"


def test_a_process_that_exits_is_named_and_started_again_while_the_others_keep_running():
    out = io.StringIO()
    supervisor = Supervisor({"worker": QUITTER, "web": SLEEPER}, out=out, restarts=1)
    supervisor.start()
    try:
        worker, web = supervisor.children
        worker.process.wait(30)
        [said] = supervisor.watch()
        assert said == "demo: worker exited (code 3); starting it again (1 of 1), the others keep running."
        worker.process.wait(30)
        [said] = supervisor.watch()
        assert said == "demo: worker exited (code 3) again and stays stopped; still running: web."
        assert web.process.poll() is None and supervisor.watch() == []
    finally:
        supervisor.stop()
    assert "worker | giving up" in out.getvalue()


def test_the_address_and_the_logins_are_printed_once_when_the_web_server_answers():
    out = io.StringIO()
    up = banner("http://127.0.0.1:8000/", DEMO_USERS, "Redis on port 6399")
    answered = iter([False, True, True, True])
    run(
        Supervisor({"web": SLEEPER}, out=out),
        url="http://127.0.0.1:8000/",
        ready="http://127.0.0.1:8000/accounts/login/",
        up_message=up,
        is_up=lambda url: next(answered),
        looks=4,
    )
    printed = out.getvalue()
    assert printed.count("http://127.0.0.1:8000/") == 1 and printed.count("operator-demo") == 1
    assert "Engine Cockpit demo is up: http://127.0.0.1:8000/" in printed


def test_making_the_demo_users_does_not_print_the_logins_a_second_time(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo_users", stdout=out)
    assert "operator-demo" not in out.getvalue() and "Demo users ready" in out.getvalue()


SUPERVISED = f"""
from scripts.demo import Supervisor, run

supervisor = Supervisor({{"web": {SLEEPER!r}, "worker": {SLEEPER!r}}})
start = supervisor.start


def started():
    start()
    print(*(child.process.pid for child in supervisor.children), flush=True)


supervisor.start = started
run(supervisor, url="-", ready="-", up_message="up", is_up=lambda url: False)
"""


def test_stopping_the_demo_with_sigterm_stops_its_processes_as_ctrl_c_does():
    demo = subprocess.Popen([PY, "-c", SUPERVISED], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    children = [int(pid) for pid in demo.stdout.readline().split()]
    try:
        assert len(children) == 2
        demo.send_signal(signal.SIGTERM)
        demo.wait(30)
        assert "demo: stopping." in demo.stdout.read()
        for pid in children:
            with pytest.raises(ProcessLookupError):  # stopped and reaped, not left running orphaned
                os.kill(pid, 0)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        demo.kill()
