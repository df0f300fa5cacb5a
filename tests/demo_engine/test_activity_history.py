"""The demo engine's activity history: statistics per activity and activity instances by time, as the
engine-rest serves them (every exchange is checked against the spec by the engine fixture)."""

from datetime import UTC, datetime, timedelta

from engines.queries import HistoricActivityInstanceQuery


def _order(engine):
    return engine.get_latest_definition("order")


def test_the_statistics_count_each_activitys_running_finished_and_cancelled_instances(engine):
    order = _order(engine)
    statistics = {row.id: row for row in engine.historic_activity_statistics(order.id)}
    assert statistics, "the seeded history has activity instances"
    for activity_id, row in statistics.items():
        finished = HistoricActivityInstanceQuery(order.id, finished=True, activity_id=activity_id)
        running = HistoricActivityInstanceQuery(order.id, finished=False, activity_id=activity_id)
        assert row.finished == engine.count_historic_activity_instances(finished)
        assert row.instances == engine.count_historic_activity_instances(running)
        assert 0 <= row.canceled <= row.finished


def test_the_window_counts_only_instances_started_in_it(engine):
    order = _order(engine)
    everything = sum(r.finished + r.instances for r in engine.historic_activity_statistics(order.id))
    future = datetime.now(UTC) + timedelta(days=1)
    assert engine.historic_activity_statistics(order.id, started_after=future) == []
    assert everything > 0


def test_finished_activity_instances_come_newest_first_and_running_ones_longest_waiting_first(engine):
    order = _order(engine)
    ended = engine.find_historic_activity_instances(
        HistoricActivityInstanceQuery(order.id, finished=True), limit=200
    )
    assert ended and all(a.end_time and a.duration_in_millis is not None for a in ended)
    assert [a.end_time for a in ended] == sorted((a.end_time for a in ended), reverse=True)
    running = engine.find_historic_activity_instances(
        HistoricActivityInstanceQuery(order.id, finished=False), limit=200
    )
    assert running and all(a.end_time is None for a in running)
    assert [a.start_time for a in running] == sorted(a.start_time for a in running)


def test_running_activity_instances_are_counted_by_when_they_started(engine):
    order = _order(engine)
    [oldest] = engine.find_historic_activity_instances(
        HistoricActivityInstanceQuery(order.id, finished=False), limit=1
    )
    before_oldest = HistoricActivityInstanceQuery(
        order.id, finished=False, activity_id=oldest.activity_id, started_before=oldest.start_time
    )
    assert engine.count_historic_activity_instances(before_oldest) >= 1
    earlier = HistoricActivityInstanceQuery(
        order.id,
        finished=False,
        activity_id=oldest.activity_id,
        started_before=oldest.start_time - timedelta(seconds=1),
    )
    assert engine.count_historic_activity_instances(earlier) == 0
