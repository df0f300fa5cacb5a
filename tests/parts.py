"""What a test does when a real part it needs (Chromium, redis-server, a JDK and Maven) is missing."""

import os

import pytest


def missing(message: str):
    """Under CI the part must be there (.ci/run installs it): fail. On a person's machine: skip, saying
    in one line what to install."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
