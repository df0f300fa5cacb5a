"""The one way lengths of time and counts are shown, whichever page shows them."""

import pytest

from cockpit.templatetags.cockpit import duration, number


@pytest.mark.parametrize(
    ("millis", "shown"),
    [
        (0, "0 ms"),
        (850, "850 ms"),
        (1_000, "1 s"),
        (61_500, "1 min 1 s"),
        (3_600_000, "1 h"),
        (3_660_000, "1 h 1 min"),
        (2_630_905_134, "30 d 10 h"),
        (90_000_000, "1 d 1 h"),
    ],
)
def test_a_duration_shows_its_two_largest_units(millis, shown):
    assert f">{shown}</span>" in str(duration(millis))


def test_a_duration_keeps_the_exact_milliseconds_on_hover():
    assert 'title="2,630,905,134 ms"' in str(duration(2_630_905_134))


@pytest.mark.parametrize("odd", [None, -5, "12", True])
def test_a_missing_or_odd_duration_shows_a_dash(odd):
    assert duration(odd) == "—"


def test_counts_are_grouped_in_thousands():
    assert number(2250) == "2,250"
    assert number(None) == "—"


def test_a_date_in_a_sentence_reads_as_it_does_on_the_page(settings):
    from datetime import UTC, datetime

    from django.utils import timezone

    from cockpit.templatetags.cockpit import when, when_text

    settings.TIME_ZONE = "Europe/Berlin"
    moment = datetime(2026, 11, 8, 9, 4, tzinfo=UTC)
    with timezone.override("Europe/Berlin"):
        assert when_text(moment) == "2026-11-08 10:04"
        assert f">{when_text(moment)}</time>" in str(when(moment))
    assert when_text(None) == "—"
