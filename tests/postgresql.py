"""A throwaway PostgreSQL cluster for the tests that must run on the production database.

initdb in a temporary directory, the server on a free port with its unix socket in that directory,
stopped and removed afterwards. PostgreSQL refuses to run as root, so as root the cluster belongs
to the unprivileged user 'nobody'. Missing PostgreSQL fails the test under CI=true and skips it
elsewhere.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

USER = "cockpit"


def _bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or in Debian's versioned directory (newest first)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    for found in sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), reverse=True
    ):
        if (Path(found) / "initdb").exists() and (Path(found) / "pg_ctl").exists():
            return Path(found)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _missing(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is needed for these tests under CI: {reason}")
    pytest.skip(reason)


class PostgreSQLMissing(RuntimeError):
    """PostgreSQL cannot be had here; the message says what is missing."""


@contextmanager
def cluster() -> Iterator[str]:
    """A DATABASE_URL for a fresh PostgreSQL cluster (superuser cockpit, trust over its socket only),
    stopped and removed on leaving. Also the benchmarks' production database."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise PostgreSQLMissing("PostgreSQL (initdb, pg_ctl) is not installed")
    root = Path(tempfile.mkdtemp(prefix="cockpit-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            shutil.rmtree(root, ignore_errors=True)
            raise PostgreSQLMissing(
                "running as root, and runuser is missing to run PostgreSQL as another user"
            )
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
        as_user = ["runuser", "-u", "nobody", "--"]
    data, port = root / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, text=True, cwd=root)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        run(
            str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
            "-o", f"-p {port} -k {root} -c listen_addresses='' -c fsync=off", "start",
        )  # fmt: skip
    except subprocess.CalledProcessError as error:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr}{error.stdout}{log}") from error
    try:
        yield f"postgres://{USER}@{quote(str(root), safe='')}:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True, cwd=root,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_url():
    """A DATABASE_URL for a fresh PostgreSQL cluster (see cluster)."""
    try:
        with cluster() as url:
            yield url
    except PostgreSQLMissing as reason:
        _missing(str(reason))
    except RuntimeError as error:
        pytest.fail(str(error))
