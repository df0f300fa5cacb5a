"""Build a family's runnable jar into var/realengines/<family>-<hash>.jar, only when its sources change.

The hash covers the parent pom and every file of the module (not Maven's target/), so a changed
source, pom or application.yaml gives a new jar and an unchanged one is reused at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import time
from pathlib import Path

from realengines import FAMILIES, HERE, VAR


class BuildError(RuntimeError):
    """Maven could not build the jar; the message ends with Maven's own output."""


def source_hash(family: str) -> str:
    module = FAMILIES[family].module
    digest = hashlib.sha256()
    sources = (p for p in module.rglob("*") if p.is_file() and "target" not in p.relative_to(module).parts)
    files = [HERE / "pom.xml", *sorted(sources)]
    for path in files:
        digest.update(str(path.relative_to(HERE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def jar_path(family: str) -> Path:
    return VAR / f"{family}-{source_hash(family)}.jar"


def maven_available() -> str | None:
    """Why a jar cannot be built here (None: it can)."""
    missing = [tool for tool in ("java", "javac", "mvn") if shutil.which(tool) is None]
    if missing:
        tools = " and ".join(missing)
        return f"{tools} missing: install a JDK 17 and Maven (apt-get install default-jdk-headless maven)"
    return None


def jar_for(family: str, *, log=print) -> Path:
    """The family's jar, built first if its sources changed since the last build."""
    jar = jar_path(family)
    if jar.exists():
        return jar
    VAR.mkdir(parents=True, exist_ok=True)
    # One build at a time, also across test processes; whoever waited finds the jar built.
    with open(VAR / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if jar.exists():
            return jar
        started = time.monotonic()
        module = FAMILIES[family].module
        # Offline first: after the first resolution nothing needs downloading; a fresh machine downloads.
        for offline in (["-o"], []):
            result = subprocess.run(
                ["mvn", "-q", "-B", *offline, "-f", str(module / "pom.xml"), "package"],
                capture_output=True,
                text=True,
            )
            if result.returncode == 0:
                break
        else:
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-40:])
            raise BuildError(f"Maven could not build {family}:\n{tail}")
        for old in VAR.glob(f"{family}-*.jar"):
            old.unlink()
        shutil.copy2(module / "target" / f"{family}.jar", jar)
        log(f"built {jar.name} in {time.monotonic() - started:.0f} s")
    return jar
