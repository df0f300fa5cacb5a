"""The harness around the real engines: cached builds, and an engine that cannot start."""

import shutil
from pathlib import Path

import pytest

import realengines
from realengines import build, run
from tests.parts import missing


@pytest.fixture
def module_tree(tmp_path, monkeypatch):
    (tmp_path / "pom.xml").write_text("<project/>")
    source = tmp_path / "camunda7" / "src" / "Delegate.java"
    source.parent.mkdir(parents=True)
    source.write_text("class Delegate {}")
    monkeypatch.setattr(realengines, "HERE", tmp_path)
    monkeypatch.setattr(build, "HERE", tmp_path)
    return tmp_path


def test_a_jar_is_rebuilt_only_when_the_modules_sources_change(module_tree):
    before = build.source_hash("camunda7")
    (module_tree / "camunda7" / "target").mkdir()
    (module_tree / "camunda7" / "target" / "camunda7.jar").write_bytes(b"built")
    assert build.source_hash("camunda7") == before  # Maven's output is not a source
    (module_tree / "camunda7" / "src" / "Delegate.java").write_text("class Delegate { int changed; }")
    changed = build.source_hash("camunda7")
    assert changed != before
    (module_tree / "pom.xml").write_text("<project><modules/></project>")
    assert build.source_hash("camunda7") != changed  # the parent pom counts too


def test_an_engine_that_cannot_start_fails_with_its_own_log_tail(monkeypatch, tmp_path):
    if shutil.which("java") is None:
        missing("java missing: install a JDK 17 (apt-get install default-jdk-headless)")
    monkeypatch.setattr(run, "jar_for", lambda name, log=print: Path(tmp_path / "missing.jar"))
    with pytest.raises(run.EngineStartError) as failure:
        run.start("camunda7", log=lambda line: None)
    message = str(failure.value)
    assert "exited with code" in message and "missing.jar" in message
