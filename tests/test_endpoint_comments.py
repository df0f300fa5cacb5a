"""Above the engine boundary, comments speak of the dashboard's domain: an engine's endpoints are named
in its adapter only (engines/camunda7/), where the spec is one search away."""

import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "audit", "batches", "cockpit", "dashboard", "definitions", "incidents", "instances")
ENDPOINT = re.compile(r"\b(GET|POST|PUT|DELETE|PATCH) /")


def test_no_comment_above_the_engine_boundary_names_an_endpoint():
    named = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            with tokenize.open(path) as source:
                for token in tokenize.generate_tokens(source.readline):
                    if token.type == tokenize.COMMENT and ENDPOINT.search(token.string):
                        named.append(f"{path.relative_to(ROOT)}:{token.start[0]}: {token.string.strip()}")
    assert named == [], "\n".join(named)
