"""What-if re-evaluation (`evaluate(..., overrides=...)`, `what_if`) and the helpers other
engines use (`first_unmet`, `window_bounds`), with the expected numbers worked out by hand."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from rubric.backends.reference.evaluate import (
    Evaluation, evaluate, first_unmet, prepare, shadow_version, what_if, window_bounds,
)
from rubric.driver import load_data

_spec = importlib.util.spec_from_file_location("ref_helpers", Path(__file__).with_name("conftest.py"))
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
merchant, order = _helpers.merchant, _helpers.order

AS_OF = date(2024, 6, 3)
HEADER = """
rubric t "T" | "T"
  uses commerce
  time zone UTC
  assessed weekly
  scale 0 to 100
"""

# --- a curve, two dimensions, a tier and a history rule --------------------------------------------

WEIGHTED = HEADER + """
window recent = last 7 days
indicator shipped "Shipped" | "发货" = share of orders paid in recent where shipped_at is present
  higher is better
  excellent at >= 90%
  score 0% -> 0, 100% -> 100
indicator answered "Answered" | "接通" = share of calls started in recent where answered
  score 0% -> 0, 100% -> 100
dimension d1 "D1" | "D1" weight 75%
  mean of shipped
dimension d2 "D2" | "D2" weight 25%
  mean of answered
total score = weighted mean of d1, d2
tier good "Good" | "好" when score >= 80
tier poor "Poor" | "差" otherwise
consequence pip "PIP" | "整改" when score < 50 in each of the last 2 weekly assessments
"""


def _call(cid, mid, started, answered):
    return {"call_id": cid, "merchant_id": mid, "started_at": started, "ring_seconds": 5.0, "answered": answered}


@pytest.fixture
def weighted(compile_text, tables):
    program = compile_text(WEIGHTED)
    shipped = "2024-06-01T00:00:00Z"
    rows = {"merchants": [merchant("m1"), merchant("m2")],
            "orders": [
                # m1 this week (05-27 .. 06-02): 4 orders, 1 shipped = 25%; last week: 2, none shipped = 0%
                order("a1", "m1", "2024-05-28T00:00:00Z", shipped_at=shipped),
                order("a2", "m1", "2024-05-28T00:00:00Z"), order("a3", "m1", "2024-05-29T00:00:00Z"),
                order("a4", "m1", "2024-05-30T00:00:00Z"),
                order("a5", "m1", "2024-05-21T00:00:00Z"), order("a6", "m1", "2024-05-22T00:00:00Z"),
                # m2: 1 of 1 shipped this week
                order("b1", "m2", "2024-05-28T00:00:00Z", shipped_at=shipped)],
            # m1 this week: 1 of 2 calls answered = 50%; none last week (no sample: d2 left out)
            "calls": [_call("c1", "m1", "2024-05-29T03:00:00Z", True),
                      _call("c2", "m1", "2024-05-29T04:00:00Z", False)]}
    data = prepare(program, tables(program, rows))
    return program, data, evaluate(program, data, AS_OF)


def test_measured_numbers(weighted):
    _, _, ev = weighted
    row = ev.results["m1"].row
    # d1 = 25, d2 = 50; 75% × 25 + 25% × 50 = 31.25; last week 0% shipped, no calls: 0; pip in both weeks
    assert (row["ind.shipped.value"], row["ind.answered.value"]) == (0.25, 0.5)
    assert (row["score"], row["tier"], row["consequences"]) == (31.25, "poor", "pip")


def test_what_if_rescores_the_merchant_and_keeps_the_past(weighted):
    _, _, ev = weighted
    result = what_if(ev, "m1", {"shipped": 0.9})
    row = result.row
    # shipped 90% -> 90 on the curve; 75% × 90 + 25% × 50 = 80 -> good, and the pip run is broken now
    assert (row["ind.shipped.value"], row["ind.shipped.score"], row["dim.d1"]) == (0.9, 90.0, 90.0)
    assert (row["score"], row["tier"], row["consequences"]) == (80.0, "good", "")
    step = result.trace.find("indicator", "shipped")
    assert step.details["measured"] == 0.25 and step.details["numerator"] == 1
    pip = result.trace.find("consequence", "pip").details["assessments"]
    assert [(a["as_of"], a["score"], a["holds"]) for a in pip] == [("2024-06-03", 80.0, False),
                                                                    ("2024-05-27", 0.0, True)]
    # the evaluation it came from is untouched
    assert ev.results["m1"].row["score"] == 31.25


def test_what_if_equals_a_full_evaluation_with_overrides(weighted):
    program, data, ev = weighted
    full = evaluate(program, data, AS_OF, overrides={"m1": {"shipped": 0.9, "answered": 1.0}})
    quick = what_if(ev, "m1", {"shipped": 0.9, "answered": 1.0})
    assert quick.row == full.results["m1"].row
    assert quick.trace.to_dict() == full.results["m1"].trace.to_dict()
    assert full.results["m1"].row["score"] == 92.5                  # 75% × 90 + 25% × 100
    assert full.results["m2"].row == ev.results["m2"].row          # the other merchant as measured


def test_overrides_do_not_leak_into_later_evaluations(weighted):
    program, data, ev = weighted
    evaluate(program, data, AS_OF, overrides={"m1": {"shipped": 1.0}})
    what_if(ev, "m1", {"shipped": 1.0})
    assert evaluate(program, data, AS_OF).results["m1"].row == ev.results["m1"].row


def test_a_value_missing_becomes_present(weighted):
    _, _, ev = weighted
    # m2 has no calls: d2 is left out (score 100 from d1 alone); answered 20% brings d2 back
    assert ev.results["m2"].row["score"] == 100.0
    row = what_if(ev, "m2", {"answered": 0.2}).row
    assert row["dim.d2"] == 20.0 and row["score"] == 80.0            # 75% × 100 + 25% × 20


def test_unknown_names_are_errors(weighted):
    program, data, ev = weighted
    with pytest.raises(ValueError, match="no indicator 'shiped'; its indicators are answered, shipped"):
        what_if(ev, "m1", {"shiped": 1.0})
    with pytest.raises(KeyError, match="no merchant 'm9'"):
        evaluate(program, data, AS_OF, overrides={"m9": {"shipped": 1.0}})
    bare = Evaluation(ev.program, ev.as_of, ev.results, ev.columns)
    with pytest.raises(ValueError, match="made by evaluate"):
        what_if(bare, "m1", {"shipped": 1.0})


# --- ranks and percentiles among peers ---------------------------------------------------------------

RANKED = HEADER + """
window recent = last 30 days
indicator orders "Orders" | "订单" = count of orders paid in recent
  higher is better
  score 10 × percentile among open merchants of the same category
indicator answered "Answered" | "接通" = share of calls started in recent where answered
  score 0% -> 0, 100% -> 10
dimension d1 "D1" | "D1" weight 50%
  mean of orders
dimension d2 "D2" | "D2" weight 50%
  mean of answered
total score = weighted mean of d1, d2
value doubled "Doubled" | "双倍" = 2 × score
output rank "Rank" | "排名" = percentile of doubled among open merchants
tier top "Top" | "头部" when rank >= 60%
tier rest "Rest" | "其余" otherwise
"""


@pytest.fixture
def ranked(compile_text, tables):
    program = compile_text(RANKED)
    orders = {"m1": 1, "m2": 2, "m3": 3, "m4": 4, "m5": 1}
    answered = {"m1": [False], "m2": [False], "m3": [True] + [False] * 9, "m4": [True], "m5": [True]}
    rows = {"merchants": [merchant(m) for m in ("m1", "m2", "m3", "m4")] + [merchant("m5", category="other")],
            "orders": [order(f"{m}-{i}", m, "2024-05-20T00:00:00Z") for m, n in orders.items() for i in range(n)],
            "calls": [_call(f"{m}-{i}", m, "2024-05-20T03:00:00Z", a) for m, calls in answered.items()
                      for i, a in enumerate(calls)]}
    data = prepare(program, tables(program, rows))
    return program, data, evaluate(program, data, AS_OF)


def test_ranks_use_the_new_value_and_move_the_peers(ranked):
    program, data, ev = ranked
    # measured: 1..4 orders in one category -> 1/4 .. 4/4 -> 2.5, 5, 7.5, 10 (m5 alone in its category: 10);
    # answered 0%, 0%, 10%, 100%, 100% -> 0, 0, 1, 10, 10; scores are the means of the two
    scores = [ev.results[m].row["score"] for m in ("m1", "m2", "m3", "m4", "m5")]
    assert scores == [1.25, 2.5, 4.25, 10.0, 10.0]
    assert (ev.results["m1"].row["rank"], ev.results["m1"].row["tier"]) == (0.2, "rest")
    # m1 with 3.5 orders: 3 of 4 at or below it -> 7.5, score 3.75. It passes m2 and m3, whose
    # ranks drop to 1/4 and 2/4: scores 1.25 and 3.0. Now m1, m2, m3 are at or below 3.75: 3 of 5.
    # (Had m3 kept its measured 4.25, m1 would be at 2 of 5 and stay "rest".)
    row = what_if(ev, "m1", {"orders": 3.5}).row
    assert (row["ind.orders.score"], row["score"], row["rank"], row["tier"]) == (7.5, 3.75, 0.6, "top")
    full = evaluate(program, data, AS_OF, overrides={"m1": {"orders": 3.5}})
    assert [full.results[m].row["score"] for m in ("m1", "m2", "m3", "m4", "m5")] == [3.75, 1.25, 3.0, 10.0, 10.0]
    assert full.results["m1"].row == row
    # at the top of its category: 10, score 5; m2, m3, m4 drop to 1.25, 3.0, 8.75: 3 of 5 at or below
    top = what_if(ev, "m1", {"orders": 5}).row
    assert (top["ind.orders.score"], top["score"], top["rank"], top["tier"]) == (10.0, 5.0, 0.6, "top")


# --- every shipped rubric: the quick what-if is the full re-evaluation ---------------------------------

SHIPPED = ("tiktok_shop_store_rating", "shopee_service_rating", "douyin_experience_score",
           "douyin_cs_satisfaction", "aicaigou_store_score")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from rubric.sample.generate import generate_sample

    folder = tmp_path_factory.mktemp("what_if_sample")
    generate_sample(folder, merchants=60, seed=11)
    return folder


SHADOW_DAY = date(2022, 9, 20)        # inside douyin_experience_score's shadow period


@pytest.fixture(scope="module")
def shadow_sample(tmp_path_factory):
    import rubric
    from rubric.driver import as_of_instant
    from rubric.sample.generate import generate_sample

    program = rubric.compile_file(rubric.shipped_rules_dir() / "douyin_experience_score.rubric")
    folder = tmp_path_factory.mktemp("what_if_shadow_sample")
    generate_sample(folder, merchants=60, seed=11, start=date(2022, 1, 1), end=date(2022, 10, 18),
                    anchors=(as_of_instant(program, SHADOW_DAY),))
    return folder


def _target(ind, value):
    if ind.type == "bool":
        return not value
    if value is None:
        return 0.5
    return value * 0.5 if ind.higher_is_better is False else value * 1.5 + 1


@pytest.mark.parametrize("name", SHIPPED)
def test_what_if_matches_full_re_evaluation_on_shipped_rubrics(name, sample, shadow_sample):
    import rubric

    program = rubric.compile_file(rubric.shipped_rules_dir() / f"{name}.rubric")
    # douyin_experience_score inside its shadow period, so versions and the shadow are exercised
    shadowed = bool(program.versions)
    day = SHADOW_DAY if shadowed else AS_OF
    data = prepare(program, load_data(program, shadow_sample if shadowed else sample))
    ev = evaluate(program, data, day)
    rated = [m for m, r in sorted(ev.results.items()) if r.row["score"] is not None]
    assert len(rated) > 30
    for mid in rated[:: max(1, len(rated) // 2)][:2]:
        for ind in ev.program.indicators:
            values = {ind.name: _target(ind, ev.results[mid].row[f"ind.{ind.name}.value"])}
            quick = what_if(ev, mid, values)
            full = evaluate(program, data, day, overrides={mid: values}).results[mid]
            own = {k: v for k, v in full.row.items() if not k.startswith("shadow_")}
            assert {k: v for k, v in quick.row.items() if not k.startswith("shadow_")} == own, (mid, ind.name)
            children = [c.to_dict() for c in full.trace.children if c.kind != "shadow"]
            assert [c.to_dict() for c in quick.trace.children] == children, (mid, ind.name)
    if shadowed:
        assert shadow_version(program, day) is not None and ev.results[rated[0]].row["shadow_score"] is not None


def test_shared_past_assessments_change_no_result(sample):
    import rubric

    program = rubric.compile_file(rubric.shipped_rules_dir() / "tiktok_shop_store_rating.rubric")
    tables = load_data(program, sample)
    shared = prepare(program, tables)
    for k in (3, 2, 1):
        evaluate(program, shared, date.fromordinal(AS_OF.toordinal() - 7 * k))
    assert evaluate(program, shared, AS_OF).results == evaluate(program, tables, AS_OF).results


# --- helpers for engines that compute the numbers elsewhere -------------------------------------------

def test_first_unmet_names_the_failing_part_with_the_value(compile_text):
    program = compile_text(HEADER + """
window recent = last 30 days
indicator a "A" | "A" = share of orders paid in recent where shipped_at is present
  score 0% -> 0, 100% -> 100
total score = score of a
condition steady "Steady" | "稳定" = a >= 50% and score >= 60
tier gold "Gold" | "金" when score >= 40 and steady
tier rest "Rest" | "其余" otherwise
""")
    gold = program.tiers[0]
    values = {("indicator_value", "a"): 0.55, ("score", "score"): 55.0}
    # score >= 40 holds; inside `steady`, a >= 50% holds and score >= 60 fails with 55
    assert first_unmet(program, AS_OF, gold, values) == {
        "condition": "steady", "value": 55.0, "unit": "score", "because": "score >= 60"}
    assert first_unmet(program, AS_OF, gold, {("indicator_value", "a"): 0.7, ("score", "score"): 65.0}) is None
    assert first_unmet(program, AS_OF, program.tiers[1], values) is None


def test_window_bounds_in_utc_microseconds(compile_text):
    program = compile_text(HEADER.replace("time zone UTC", "time zone UTC+8") + """
window recent = last 30 days
indicator a "A" | "A" = share of orders paid in recent and at least 72 h before as-of where shipped_at is present
  score 0% -> 0, 100% -> 100
total score = score of a
""")
    low, high, inclusive = window_bounds(program, program.indicators[0].measure.population, AS_OF)

    def micros(text):
        return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()) * 1_000_000

    # as-of is local midnight 2024-06-03 in UTC+8 = 2024-06-02 16:00 UTC; 30 days before; 72 h before, inclusive
    assert (low, high, inclusive) == (micros("2024-05-03T16:00:00"), micros("2024-05-30T16:00:00"), True)
