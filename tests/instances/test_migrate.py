"""The migration wizard against the demo engine: plan, validation report, count, and what the engine did."""

import html
import re
from urllib.parse import urlencode

import pytest

from audit.display import details, said
from audit.models import AuditEntry
from batches import operations
from batches.models import Operation
from cockpit.filter_words import instance_filter_words
from engines.base import BulkWork
from engines.camunda7.client import CAPABILITIES
from engines.queries import ProcessInstanceQuery
from tests.batches.test_capabilities import engine_without, work_to_the_end  # noqa: F401
from tests.demo_engine.conftest import eventually

pytestmark = pytest.mark.django_db
INSTANCES = 300


class Wizard:
    """Posts the whole form at every button, as the browser does; the plan and the fields travel along."""

    def __init__(self, client, url):
        self.client, self.url = client, url
        self.response = client.get(url)
        self.page = self.response.content.decode()
        self.fields = self._fields()

    def _fields(self) -> dict:
        found = dict(re.findall(r'<input type="hidden" name="(plan|filter)" value="([^"]*)"', self.page))
        ids = re.findall(r'<input type="hidden" name="ids" value="([^"]*)"', self.page)
        target = re.search(r'<option value="([^"]*)" selected', self.page)
        fields = {name: html.unescape(value) for name, value in found.items()}
        fields.update(ids=ids, target=html.unescape(target.group(1)) if target else "")
        return fields

    def post(self, step, **fields):
        self.response = self.client.post(self.url.split("?")[0], {**self.fields, "step": step, **fields})
        self.page = self.response.content.decode()
        if self.response.status_code in (200, 400):
            self.fields = {**self._fields()}
        return self.response

    def mapped(self) -> list[str]:
        return [
            html.unescape(m)
            for m in re.findall(r'<li class="instruction[^"]*" data-source="([^"]*)"', self.page)
        ]


def _versions(engine):
    found = {d.version: d.id for d in engine.list_definitions(key="order", limit=10)}
    return found[1], found[2]


def _waiting(engine, definition_id, activity):
    query = ProcessInstanceQuery(process_definition_id=definition_id, activity_ids=(activity,))
    return engine.list_instances(query, limit=200)


def test_an_operator_migrates_the_filtered_instances_with_a_manual_mapping_after_the_report(
    on_demo, engine, client_as
):
    v1, v2 = _versions(engine)
    waiting = _waiting(engine, v1, "check_stock")
    assert 0 < len(waiting) <= 50
    client = client_as("Operator")
    list_filter = urlencode({"definition_id": v1, "activity_id": "check_stock"})
    response = client.post(
        "/e/demo/instances/bulk/", {"action": "migrate", "scope": "all", "filter": list_filter}
    )
    assert response.status_code == 302
    wizard = Wizard(client, response["Location"])
    assert wizard.fields["target"] == v2  # the same process's other version comes first
    assert "check_stock" in wizard.mapped() and "await_delivery" in wizard.mapped()  # the engine's plan

    wizard.post("add", add_source="check_stock", add_target="charge")
    wizard.post("validate")
    assert wizard.response.status_code == 400
    assert "Check stock is a user task and Charge card a service task" in wizard.page
    assert "The engine: Activities have incompatible types" in wizard.page
    assert 'value="migrate"' not in wizard.page  # nothing to confirm while the engine refuses the plan
    wizard.post("migrate")  # and a hand-made request executes nothing either
    assert all(engine.get_instance(i.id).definition_id == v1 for i in waiting)

    wizard.post("remove:check_stock")
    assert "check_stock" not in wizard.mapped()
    wizard.post("add", add_source="check_stock", add_target="pack")
    wizard.post("validate", var_name_0="migratedBy", var_type_0="String", var_value_0="ops")
    assert "The engine accepts the plan" in wizard.page
    query = ProcessInstanceQuery(process_definition_id=v1, activity_ids=("check_stock",))
    words = html.escape(instance_filter_words(query, engine=engine))
    assert (
        f"Migrates the instances matching: <strong>{words}</strong>, {len(waiting)} instances now"
        in wizard.page
    )
    assert f"Migrate {len(waiting)} instance" in wizard.page

    response = wizard.post("migrate", var_name_0="migratedBy", var_type_0="String", var_value_0="ops")
    assert response.status_code == 302
    for instance in waiting:
        assert engine.get_instance(instance.id).definition_id == v2
        assert engine.activity_instance_tree(instance.id).counts_by_activity() == {"pack": 1}
        assert engine.get_variable(instance.id, "migratedBy").value == "ops"
    entry = AuditEntry.objects.get(action="instances.migrate")
    assert entry.parameters["plan"]["target_definition_id"] == v2
    assert {
        "source_activity_ids": ["check_stock"],
        "target_activity_ids": ["pack"],
        "update_event_trigger": False,
    } in entry.parameters["plan"]["instructions"]
    assert entry.parameters["query"]["activity_ids"] == ["check_stock"]
    # The audit log's Instance filter finds each migrated instance by its id.
    assert sorted(entry.parameters["ids"]) == sorted(i.id for i in waiting)
    # The team lead reads the target and the mappings by the names on the diagrams.
    assert said(entry).target == "Order to delivery v2"
    lines = dict(details(entry))
    assert "Check stock → Pack goods" in lines["mappings"].split("; ")
    assert lines["targets"].startswith("the instances matching: Process Order to delivery version 1")


def test_a_value_that_does_not_fit_its_type_is_refused_next_to_it_and_kept(on_demo, engine, client_as):
    v1, _v2 = _versions(engine)
    [instance] = _waiting(engine, v1, "ship")[:1]
    client = client_as("Operator")
    response = client.post(
        "/e/demo/instances/bulk/",
        {"action": "migrate", "scope": "selected", "ids": [instance.id], "filter": ""},
    )
    wizard = Wizard(client, response["Location"])
    wizard.post("validate", var_name_0="attempts", var_type_0="Integer", var_value_0="many")
    assert wizard.response.status_code == 400
    assert re.search(r'name="var_value_0"[^>]*value="many"', wizard.page)
    assert 'class="field-error"' in wizard.page
    assert engine.get_instance(instance.id).definition_id == v1


def test_instances_of_two_versions_are_refused_with_a_reason(on_demo, engine, client_as):
    v1, v2 = _versions(engine)
    ids = [_waiting(engine, v1, "ship")[0].id, _waiting(engine, v2, "ship")[0].id]
    client = client_as("Operator")
    response = client.get("/e/demo/instances/migrate/?" + urlencode({"ids": ids}, doseq=True))
    assert response.status_code == 400
    assert "The engine migrates instances of one definition version at a time" in response.content.decode()


@pytest.mark.parametrize("role", ["Support", "Viewer"])
def test_other_roles_see_no_migration_and_are_refused(on_demo, engine, client_as, role):
    v1, _v2 = _versions(engine)
    client = client_as(role)
    assert "Migrate instances…" not in client.get(f"/e/demo/processes/{v1}/").content.decode()
    listing = client.get("/e/demo/instances/?" + urlencode({"definition_id": v1})).content.decode()
    assert "Migrate to another version" not in listing
    filter_string = urlencode({"definition_id": v1})
    assert client.get("/e/demo/instances/migrate/?" + urlencode({"filter": filter_string})).status_code == 403
    response = client.post("/e/demo/instances/migrate/", {"filter": filter_string, "step": "migrate"})
    assert response.status_code == 403
    assert engine.count_instances(ProcessInstanceQuery(process_definition_id=v1)) > 0


def test_an_engine_that_cannot_migrate_offers_no_migration_and_says_why(
    on_demo,
    engine,
    client_as,
    engine_without,  # noqa: F811 - the fixture imported above
):
    engine_without(migration=False, migration_validation=False)
    v1, _v2 = _versions(engine)
    client = client_as("Operator")
    page = client.get(f"/e/demo/processes/{v1}/").content.decode()
    assert "Migrate instances…" not in page
    assert "This engine cannot migrate instances between versions." in page
    listing = client.get("/e/demo/instances/?" + urlencode({"definition_id": v1})).content.decode()
    assert "Migrate to another version" not in listing
    assert "This engine cannot migrate instances between definition versions." in listing
    response = client.get(
        "/e/demo/instances/migrate/?" + urlencode({"filter": urlencode({"definition_id": v1})})
    )
    assert response.status_code == 400


def test_without_validation_the_page_says_so_and_without_the_batch_instances_go_one_by_one(
    on_demo,
    engine,
    client_as,
    engine_without,  # noqa: F811 - the fixture imported above
):
    engine_without(
        migration_validation=False, engine_batches=CAPABILITIES.engine_batches - {BulkWork.MIGRATE_INSTANCES}
    )
    v1, v2 = _versions(engine)
    ids = [i.id for i in _waiting(engine, v1, "ship")[:2]]
    client = client_as("Operator")
    response = client.post(
        "/e/demo/instances/bulk/", {"action": "migrate", "scope": "selected", "ids": ids, "filter": ""}
    )
    wizard = Wizard(client, response["Location"])
    wizard.post("validate")
    assert "This engine does not check a plan before it runs it" in wizard.page
    wizard.post("migrate", run_async="on")
    operation = Operation.objects.get(kind="migrate")
    assert operation.mode == Operation.Mode.CHUNKED
    work_to_the_end(operation)
    assert all(engine.get_instance(i).definition_id == v2 for i in ids)


# Last: it migrates every instance of version 1 left.
def test_the_definition_page_offers_migration_and_many_instances_go_as_an_engine_batch(
    on_demo, engine, client_as
):
    v1, v2 = _versions(engine)
    client = client_as("Operator")
    page = client.get(f"/e/demo/processes/{v1}/").content.decode()
    [link] = re.findall(r'<a href="([^"]*)" role="button" class="outline">Migrate instances…', page)
    link = html.unescape(link)
    wizard = Wizard(client, link)
    count = engine.count_instances(ProcessInstanceQuery(process_definition_id=v1))
    assert f"Migrate {count} instance" in wizard.page
    wizard.post("validate")
    if count > 50:
        wizard.post("migrate")
        assert "more than 50 to migrate at once" in wizard.page
    response = wizard.post("migrate", run_async="on")
    assert response.status_code == 302
    operation = Operation.objects.get(kind="migrate")
    followed = client.get(response["Location"]).content.decode()
    assert "Migrate instances to another version" in followed
    assert "Process Order to delivery version 1" in followed  # what it acts on, in words
    assert operation.parameters["query"]["process_definition_id"] == v1
    assert operation.parameters["plan"]["source_definition_id"] == v1
    operations.hand_over(operation)  # the engine's own batch
    assert operation.engine_batch_id
    eventually(
        lambda: engine.count_instances(ProcessInstanceQuery(process_definition_id=v1)) == 0, timeout=30
    )
    assert engine.count_instances(ProcessInstanceQuery(process_definition_id=v2)) >= count


def test_instances_waiting_where_the_plan_maps_nothing_are_counted_and_nothing_is_offered_to_run(
    on_demo, engine, client_as
):
    # From version 2 back to 1: the other tests here migrate version 1's instances.
    _v1, v2 = _versions(engine)
    at_charge = engine.count_instances(
        ProcessInstanceQuery(process_definition_id=v2, activity_ids=("charge",))
    )
    assert at_charge > 1
    client = client_as("Operator")
    wizard = Wizard(client, "/e/demo/instances/migrate/?" + urlencode({"filter": f"definition_id={v2}"}))
    wizard.post("remove:charge")
    wizard.post("validate")
    assert f"{at_charge} instances wait at Charge card, which the plan does not map" in wizard.page
    assert "every instruction is valid." not in wizard.page
    assert 'value="migrate"' not in wizard.page  # the engine would refuse them: nothing to confirm
    wizard.post("migrate")  # and a hand-made request migrates nothing either
    assert (
        engine.count_instances(ProcessInstanceQuery(process_definition_id=v2, activity_ids=("charge",)))
        == at_charge
    )
    assert not AuditEntry.objects.filter(action="instances.migrate")


def test_the_migration_says_how_many_instances_moved_in_proper_words(on_demo, engine, client_as):
    _v1, v2 = _versions(engine)
    [instance] = _waiting(engine, v2, "ship")[:1]
    client = client_as("Operator")
    wizard = Wizard(client, "/e/demo/instances/migrate/?" + urlencode({"ids": instance.id}))
    wizard.post("validate")
    response = wizard.post("migrate")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 instance migrated to Order to delivery v1." in page


def test_the_diagrams_say_plainly_that_a_picked_mapping_still_needs_adding(on_demo, engine, client_as):
    _v1, v2 = _versions(engine)
    client = client_as("Operator")
    wizard = Wizard(client, "/e/demo/instances/migrate/?" + urlencode({"filter": f"definition_id={v2}"}))
    assert (
        "Click an activity in the first diagram (from), then one in the second (to): they fill the two "
        "fields under “Add a mapping”; then press “Add the mapping”."
    ) in html.unescape(wizard.page)
