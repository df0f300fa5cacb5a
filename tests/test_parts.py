import pytest

from tests.parts import missing


def test_a_missing_part_fails_the_test_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="install redis"):
        missing("redis-server is missing: install redis")


def test_a_missing_part_skips_the_test_on_a_persons_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install a JDK"):
        missing("java missing: install a JDK")
