"""The real engines the dashboard is tested against, from Maven sources in this folder.

One Spring Boot application per engine family (camunda7, operaton, cibseven, flowable), each on
H2 in memory and bound to loopback. `build.jar_for` builds a family's runnable jar into
var/realengines/ (only when its sources change), `run.start` starts it on a port and waits until
it answers, `seed.seed` deploys the demo engine's models and brings instances into the demo
data's shapes. `python -m realengines FAMILY` does all three for the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VAR = ROOT / "var" / "realengines"


@dataclass(frozen=True)
class Family:
    name: str
    title: str
    # The REST API's root, under the application's own root.
    rest_path: str
    # "camunda": Camunda 7's REST API (Camunda 7, Operaton, CIB seven); "flowable": Flowable's.
    api: str
    # The engine's own web application, where it has one.
    webapp_path: str = ""
    # Variable types the seeding leaves out, because the build has no data format for them.
    without_types: frozenset[str] = frozenset()
    # Why this family cannot be built here at all ("" where it can).
    unavailable: str = ""

    @property
    def module(self) -> Path:
        return HERE / self.name


FAMILIES = {
    family.name: family
    for family in (
        Family("camunda7", "Camunda 7.24 CE", "/engine-rest", "camunda", "/camunda/app/cockpit/default/"),
        Family(
            "operaton",
            "Operaton 1.0",
            "/engine-rest",
            "camunda",
            "/operaton/app/cockpit/default/",
            # No Spin data formats on Maven Central for Operaton 1.0.3 (see operaton/pom.xml).
            without_types=frozenset({"Json", "Xml", "Object"}),
        ),
        Family(
            "cibseven",
            "CIB seven",
            "/engine-rest",
            "camunda",
            unavailable=(
                "Maven Central serves no org.cibseven.bpm.springboot starters (2.2.0, 2.1.0, 2.0.0, 1.1.0:"
                " 'Could not find artifact org.cibseven.bpm.springboot:cibseven-bpm-spring-boot-starter-rest"
                ":jar:2.2.0 in central'); they are published in CIB seven's own repository, which this"
                " machine cannot reach"
            ),
        ),
        Family(
            "flowable",
            "Flowable 7.2",
            "/process-api",
            "flowable",
            without_types=frozenset({"Xml", "Object", "File", "Bytes"}),
        ),
    )
}
# The engine user the REST API checks (and Camunda's Cockpit admin): test defaults, overridable
# through the environment of whoever starts the engine.
DEFAULT_USER, DEFAULT_PASSWORD = "demo", "demo-pw"
