"""The side-by-side harness, without an engine, a browser or the long seeding: its turns, its
medians and its table. (Its figures are the benchmark's; nothing here times anything.)"""

import json

from bench import side_by_side
from bench.side_by_side import VIEWS, Product, View


def _products():
    return [Product("ours", "http://ours", None), Product("cockpit", "http://cockpit/", None)]


def _fake_rounds(monkeypatch, turns):
    # Ours takes 100 ms cold and 50 warm on every view; Cockpit 400 and 200.
    def one_round(browser, product, view, target, server):
        turns.append((view.name, product.name))
        return (100.0, 50.0) if product.name == "ours" else (400.0, 200.0)

    monkeypatch.setattr(side_by_side, "one_round", one_round)


def test_the_products_take_turns_so_load_falls_on_both_alike(monkeypatch):
    turns = []
    _fake_rounds(monkeypatch, turns)

    side_by_side.compare(None, _products(), {}, None, repetitions=2)

    first, second = turns[: 2 * len(VIEWS)], turns[2 * len(VIEWS) :]
    assert [p for _, p in first[:2]] == ["ours", "cockpit"]
    assert [p for _, p in second[:2]] == ["cockpit", "ours"]
    assert len(turns) == 4 * len(VIEWS)


def test_the_table_gives_both_medians_and_their_ratio_per_view_and_load(monkeypatch):
    _fake_rounds(monkeypatch, [])

    rows = side_by_side.compare(None, _products(), {}, None, repetitions=3)
    printed = side_by_side.side_by_side_table(1_000, rows, (1.5, 2.0, 2.5))

    assert len(rows) == 2 * len(VIEWS)
    cold = next(r for r in rows if r["view"] == VIEWS[0].name and r["load"] == "cold")
    assert (cold["ours_ms"], cold["cockpit_ms"], cold["ratio"]) == (100, 400, 0.25)
    assert cold["ours_runs_ms"] == [100, 100, 100]
    header, _rule, *lines = printed.strip().splitlines()[1:]
    assert "1,000 instances" in printed and "load average 1.50 2.00 2.50" in printed
    assert header.split("  ")[0] == "view" and "ours/Cockpit" in header
    assert len(lines) == 2 * len(VIEWS)
    assert lines[0].split()[-3:] == ["100", "400", "0.25"]
    json.dumps(rows)  # what results.json gets


def test_a_view_cockpit_ce_lacks_is_said_so_in_the_table(monkeypatch):
    turns = []
    _fake_rounds(monkeypatch, turns)
    lacking = View("batches", "/e/demo/batches/", "", "true", "", cockpit_missing="no batch view")
    monkeypatch.setattr(side_by_side, "VIEWS", [lacking])

    rows = side_by_side.compare(None, _products(), {}, None, repetitions=1)

    assert {p for _, p in turns} == {"ours"}
    assert rows[0]["cockpit_ms"] is None and rows[0]["ratio"] is None
    assert "none in CE: no batch view" in side_by_side.side_by_side_table(10, rows, (0, 0, 0))


def test_the_figures_join_the_other_benchmarks_in_results_json(tmp_path):
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"pages": [1]}))

    side_by_side.save(out, [{"instances": 1000}])

    assert json.loads(out.read_text()) == {"pages": [1], "side_by_side": [{"instances": 1000}]}


def test_a_load_that_never_becomes_usable_is_counted_not_the_end_of_the_run(monkeypatch):
    # The turns go ours, Cockpit, then Cockpit, ours.
    answers = iter([(100.0, 50.0), (None, 200.0), (400.0, 200.0), (100.0, 50.0)])
    monkeypatch.setattr(side_by_side, "one_round", lambda *args: next(answers))
    monkeypatch.setattr(side_by_side, "VIEWS", VIEWS[:1])

    rows = side_by_side.compare(None, _products(), {}, None, repetitions=2)

    cold = next(r for r in rows if r["load"] == "cold")
    assert (cold["cockpit_ms"], cold["cockpit_timeouts"], cold["cockpit_runs_ms"]) == (400, 1, [400])
    assert "400 (1 timed out)" in side_by_side.side_by_side_table(1_000, rows, (0, 0, 0))
