"""The audit log as a team lead reads it: one sentence per entry, values as values, dates in one format."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from audit.display import change_words, said
from audit.models import AuditEntry
from cockpit.templatetags.cockpit import when

pytestmark = pytest.mark.django_db


def _entry(**fields):
    defaults = dict(username="support", engine="demo", action="variable.update", outcome="succeeded")
    return AuditEntry.objects.create(**{**defaults, **fields})


def _sentence(entry) -> str:
    s = said(entry)
    return f"{s.who} {s.what} {s.target}: {s.change}"


def test_a_changed_variable_reads_as_who_changed_what_on_which_instance_from_old_to_new():
    entry = _entry(
        target_type="process_instance",
        target_id="pi-1",
        parameters={
            "name": "amount",
            "scope": "pi-1",
            "business_key": "ORDER-17",
            "process_name": "Order to delivery",
        },
        old_value={"type": "Integer", "value": "12"},
        new_value={"type": "Integer", "value": "15"},
    )
    assert _sentence(entry) == "support changed amount on ORDER-17 (Order to delivery): 12 → 15"


def test_an_instance_without_a_business_key_is_named_by_its_id():
    entry = _entry(action="instance.suspend", target_type="process_instance", target_id="pi-9")
    s = said(entry)
    assert (s.what, s.target, s.change) == ("suspended", "instance pi-9", "")


def test_an_operation_is_said_in_words_not_by_its_code():
    assert said(_entry(action="operation.suspend", target_type="operation", target_id="7")).what == (
        "started the operation “suspend”:"
    )
    assert said(_entry(action="operation.modify.ended", target_type="operation", target_id="7")).what == (
        "ended the operation “modify”:"
    )
    modified = _entry(action="instance.modify", target_type="process_instance", target_id="p")
    assert said(modified).what == "modified"


def test_a_type_is_named_only_where_it_changed():
    assert change_words({"type": "Integer", "value": "1"}, {"type": "Long", "value": "2"}) == (
        "1 (Integer) → 2 (Long)"
    )
    json_change = change_words({"type": "Json", "value": '{"a": 1}'}, {"type": "Json", "value": "[]"})
    assert json_change == '{"a": 1} → []'


def test_a_new_value_a_deleted_one_and_a_null_read_as_values():
    assert change_words(None, {"type": "Boolean", "value": "true"}) == "true"
    assert change_words({"type": "String", "value": "gone"}, None) == "was gone"
    assert change_words({"type": "String", "value": None}, {"type": "String", "value": "x"}) == "null → x"
    assert change_words(None, "card provider issue") == "card provider issue"


def test_a_date_is_shown_in_the_users_time_zone_with_the_exact_instant_on_hover():
    moment = datetime(2026, 11, 1, 9, 4, 5, 123000, tzinfo=UTC)
    with timezone.override(ZoneInfo("Europe/Berlin")):
        shown = str(when(moment))
    assert re.fullmatch(r'<time datetime="(.+)" title="(.+)">(.+)</time>', shown).groups() == (
        "2026-11-01T09:04:05.123Z",
        "2026-11-01 10:04:05.123 CET (2026-11-01 09:04:05 UTC)",
        "2026-11-01 10:04",
    )


def test_no_date_is_a_dash():
    assert when(None) == "—"


def test_each_value_is_cut_on_its_own_so_a_long_one_never_hides_the_other():
    changed = change_words(
        {"type": "String", "value": "x" * 300}, {"type": "String", "value": "short"}, at_most=20
    )
    assert changed == "x" * 19 + "… → short"


def test_a_long_text_is_cut_between_words():
    assert change_words(None, "the customer asked us again", at_most=20) == "the customer asked…"
