"""The demo runner: says where to go once, keeps the other processes running when one exits."""

import io
import sys

from django.core.management import call_command

from accounts.roles import DEMO_USERS
from scripts.demo import Supervisor, banner, run

PY = sys.executable
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
