"""The tests that work through the models, again on PostgreSQL (the production database): the
migrations, and every model query of accounts and roles, the audit log, operations and their items,
and saved searches. PostgreSQL enforces lengths, encodings and locking that SQLite lets pass."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_TESTS = [
    "tests/test_audit.py",
    "tests/accounts/test_admin_audit.py",
    "tests/test_roles.py",
    "tests/batches/test_operations.py",
    "tests/instances/test_list.py::test_a_search_is_saved_under_a_name_for_its_user_only",
]


def test_the_model_tests_pass_on_postgresql(postgresql_url):
    env = {**os.environ, "DATABASE_URL": postgresql_url, "COCKPIT_TEST_DATABASE": "postgresql"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *MODEL_TESTS, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout.splitlines()[-1]
