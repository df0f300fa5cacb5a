"""The audit tests again, on PostgreSQL: it enforces lengths and encodings that SQLite lets pass."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT_TESTS = ["tests/test_audit.py", "tests/accounts/test_admin_audit.py"]


def test_the_audit_tests_pass_on_postgresql(postgresql_url):
    env = {**os.environ, "DATABASE_URL": postgresql_url, "COCKPIT_TEST_DATABASE": "postgresql"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *AUDIT_TESTS, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout.splitlines()[-1]
