"""Each construct on a tiny data set, with the expected numbers worked out by hand."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

import rubric

_spec = importlib.util.spec_from_file_location("ref_helpers", Path(__file__).with_name("conftest.py"))
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
merchant, order = _helpers.merchant, _helpers.order

HEADER = """
rubric t "T" | "T"
  uses commerce
  time zone {zone}
  assessed weekly
  scale 0 to 100
"""


def _score(program, data, as_of="2024-06-03"):
    return rubric.score(program, data, as_of)


def test_days_ago_window_bounds(compile_text, tables):
    # days 15..104 ago at as-of 2024-06-03 00:00 UTC = [2024-02-20 00:00, 2024-05-20 00:00)
    program = compile_text(HEADER.format(zone="UTC") + """
window lagged = days 15..104 ago
indicator n "N" | "N" = count of orders paid in lagged
  score 0 -> 0, 100 -> 100
total score = score of n
""")
    rows = {"merchants": [merchant("m1")], "orders": [
        order("o1", "m1", "2024-02-20T00:00:00Z"),          # first instant: in
        order("o2", "m1", "2024-02-19T23:59:59.999999Z"),   # 1 µs before: out
        order("o3", "m1", "2024-05-19T23:59:59.999999Z"),   # last µs: in
        order("o4", "m1", "2024-05-20T00:00:00Z"),          # the end is open: out
    ]}
    result = _score(program, tables(program, rows))
    assert result.row("m1")["ind.n.value"] == 2.0


def test_time_of_day_is_local_and_half_open(compile_text, tables):
    # UTC+8: 01:00Z is 09:00 local (in), 13:00Z is 21:00 local (out), 12:59:59Z is 20:59:59 (in)
    program = compile_text(HEADER.format(zone="UTC+8") + """
window recent = last 30 days
indicator answered "Answered" | "接通" = share of calls started in recent between 09:00 and 21:00 local
    where answered
  score 0% -> 0, 100% -> 100
total score = score of answered
""")
    calls = [
        {"call_id": "c1", "merchant_id": "m1", "started_at": "2024-05-30T01:00:00Z", "ring_seconds": 5.0, "answered": True},
        {"call_id": "c2", "merchant_id": "m1", "started_at": "2024-05-30T13:00:00Z", "ring_seconds": 5.0, "answered": False},
        {"call_id": "c3", "merchant_id": "m1", "started_at": "2024-05-30T12:59:59Z", "ring_seconds": 5.0, "answered": False},
        {"call_id": "c4", "merchant_id": "m1", "started_at": "2024-05-30T00:59:59Z", "ring_seconds": 5.0, "answered": False},
    ]
    result = _score(program, tables(program, {"merchants": [merchant("m1")], "calls": calls}))
    row = result.row("m1")
    assert row["ind.answered.value"] == 0.5          # c1 answered of {c1, c3}
    assert row["score"] == 50.0


def test_at_least_vs_more_than_before_as_of(compile_text, tables):
    # as-of 2024-06-03 00:00Z; 72 h before = 2024-05-31 00:00Z
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
value at_least "A" | "A" = count of orders paid in recent and at least 72 h before as-of
value more_than "M" | "M" = count of orders paid in recent and more than 72 h before as-of
indicator n "N" | "N" = count of orders paid in recent
  score 0 -> 0, 10 -> 100
total score = score of n
output a "A" | "A" = at_least
output m "M" | "M" = more_than
""")
    rows = {"merchants": [merchant("m1")], "orders": [
        order("o1", "m1", "2024-05-31T00:00:00Z"),   # exactly 72 h: at least (in), more than (out)
        order("o2", "m1", "2024-05-30T23:59:59Z"),
        order("o3", "m1", "2024-06-01T00:00:00Z"),
    ]}
    row = _score(program, tables(program, rows)).row("m1")
    assert (row["a"], row["m"], row["ind.n.value"]) == (2.0, 1.0, 3.0)
    assert row["score"] == 30.0                       # 3 on the curve 0 -> 0, 10 -> 100


def test_masking_event_after_as_of_but_not_planned_deadline(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
indicator on_time "On time" | "准时" = share of orders paid in recent where delivered_at <= promised_deliver_by
  score 0% -> 0, 100% -> 100
indicator delivered "Delivered" | "妥投" = share of orders paid in recent where delivered_at is present
  score 0% -> 0, 100% -> 100
total score = score of on_time
""")
    rows = {"merchants": [merchant("m1")], "orders": [
        # delivered after as-of: read as not delivered; the deadline (after as-of) is kept
        order("o1", "m1", "2024-05-20T00:00:00Z", delivered_at="2024-06-03T00:00:00Z",
              promised_deliver_by="2024-06-10T00:00:00Z"),
        order("o2", "m1", "2024-05-20T00:00:00Z", delivered_at="2024-06-02T23:59:59Z",
              promised_deliver_by="2024-06-10T00:00:00Z"),
    ]}
    row = _score(program, tables(program, rows)).row("m1")
    assert row["ind.on_time.value"] == 0.5
    assert row["ind.delivered.value"] == 0.5


def test_fraud_orders_are_in_no_population_but_their_events_count(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
value gmv "GMV" | "GMV" = sum of amount over orders paid in recent
indicator bad "Bad reviews" | "差评" = share of reviews rated in recent where stars <= 2
  score 0% -> 100, 100% -> 0
total score = score of bad
output g "G" | "G" = gmv
""")
    rows = {"merchants": [merchant("m1")],
            "orders": [order("o1", "m1", "2024-05-20T00:00:00Z", amount=30.0),
                       order("o2", "m1", "2024-05-21T00:00:00Z", amount=1000.0, is_fraud=True)],
            "reviews": [{"review_id": "r1", "order_id": "o2", "merchant_id": "m1", "rated_at": "2024-05-25T00:00:00Z", "stars": 1},
                        {"review_id": "r2", "order_id": "o1", "merchant_id": "m1", "rated_at": "2024-05-25T00:00:00Z", "stars": 5}]}
    row = _score(program, tables(program, rows)).row("m1")
    assert row["g"] == 30.0                 # the fraud order is not GMV
    assert row["ind.bad.value"] == 0.5      # reviews are not filtered by their order's fraud flag


def test_relation_within_after_and_nps_and_mean_hours(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
indicator ret "Returns" | "退货" = share of orders delivered in recent
    that have a case with kind = return_refund requested within 30 days after delivered_at
  score 0% -> 100, 100% -> 0
indicator nps "NPS" | "NPS" = net promoter score of nps over surveys answered in recent
  score -100 -> 0, 100 -> 100
indicator hours "Hours" | "时长" = mean of completed_at - requested_at over after_sales completed in recent
  score 0 h -> 100, 100 h -> 0
total score = score of ret
""")
    base = {"merchant_id": "m1", "reason": "quality", "platform_intervened": False}
    rows = {"merchants": [merchant("m1")],
            "orders": [order("o1", "m1", "2024-05-01T00:00:00Z", delivered_at="2024-05-05T00:00:00Z"),
                       order("o2", "m1", "2024-05-01T00:00:00Z", delivered_at="2024-05-06T00:00:00Z")],
            "after_sales": [
                # exactly 30 days after delivery: within
                {**base, "case_id": "a1", "order_id": "o1", "kind": "return_refund",
                 "requested_at": "2024-06-04T00:00:00Z", "completed_at": None},
                {**base, "case_id": "a2", "order_id": "o2", "kind": "refund_only",
                 "requested_at": "2024-05-10T00:00:00Z", "completed_at": "2024-05-11T12:00:00Z"},
                {**base, "case_id": "a3", "order_id": "o2", "kind": "return_refund",
                 "requested_at": "2024-05-10T00:00:00Z", "completed_at": "2024-05-10T01:30:00Z"}],
            "surveys": [{"survey_id": f"s{i}", "merchant_id": "m1", "order_id": "o1",
                         "answered_at": "2024-05-20T00:00:00Z", "nps": n} for i, n in enumerate([10, 9, 8, 6, 0])]}
    # a1 is requested after as-of (2024-06-04): not visible, so o1 has no visible case; o2 has a3
    row = _score(program, tables(program, rows)).row("m1")
    assert row["ind.ret.value"] == 0.5
    assert row["ind.nps.value"] == 0.0                 # 100 × (2 - 2) / 5
    assert row["ind.hours.value"] == 18.75             # (36 h + 1.5 h) / 2
    assert row["ind.hours.score"] == 81.25             # 100 - 18.75


def test_protection_score_and_renormalised_weights(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
indicator a "A" | "A" = share of orders paid in recent where delivered_at is present
  higher is better
  score 0% -> 0, 100% -> 10
indicator b "B" | "B" = share of inquiries received in recent where responded_at is present
  higher is better
  score 0% -> 0, 100% -> 10
  when no sample: score 4
indicator c "C" | "C" = share of calls started in recent where answered
  score 0% -> 0, 100% -> 10
dimension d1 "D1" | "D1" weight 60%
  mean of a, b
dimension d2 "D2" | "D2" weight 40%
  mean of c
total score = weighted mean of d1, d2
""")
    rows = {"merchants": [merchant("m1")],
            "orders": [order("o1", "m1", "2024-05-20T00:00:00Z", delivered_at="2024-05-21T00:00:00Z"),
                       order("o2", "m1", "2024-05-20T00:00:00Z")]}
    row = _score(program, tables(program, rows)).row("m1")
    # a = 50% -> 5; b has no sample -> protection score 4; d1 = (5 + 4) / 2 = 4.5
    # c has no sample and no protection: d2 is left out; the score is d1 alone (weight 60/60)
    assert (row["ind.b.value"], row["ind.b.score"]) == (None, 4.0)
    assert row["dim.d1"] == 4.5
    assert row["dim.d2"] is None
    assert row["score"] == 4.5


def test_percentile_ties_and_lower_is_better(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
indicator late "Late" | "迟" = share of orders paid in recent where shipped_at is missing
  lower is better
  score 0% -> 100, 100% -> 0
total score = score of late
output rank "Rank" | "排名" = percentile of late among rated merchants of the same category
""")
    orders = []
    for mid, shipped in (("m1", [True, True]), ("m2", [True, False]), ("m3", [True, False]), ("m4", [False, False])):
        for i, s in enumerate(shipped):
            orders.append(order(f"{mid}-{i}", mid, "2024-05-20T00:00:00Z", shipped_at="2024-05-21T00:00:00Z" if s else None))
    rows = {"merchants": [merchant(m) for m in ("m1", "m2", "m3", "m4")] + [merchant("m5", category="other")],
            "orders": orders}
    result = _score(program, tables(program, rows))
    ranks = {m: result.row(m)["rank"] for m in ("m1", "m2", "m3", "m4", "m5")}
    # lower late share is better: m1 0% beats all (4/4); m2 = m3 50% tie (3/4); m4 100% (1/4); m5 unrated
    assert ranks == {"m1": 1.0, "m2": 0.75, "m3": 0.75, "m4": 0.25, "m5": None}


def test_calendar_months_status_with_clip_and_monthly_history(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC+8") + """
window recent = last 30 days
indicator n "N" | "N" = count of orders paid in recent
  score 0 -> 0, 10 -> 100
total score = score of n
status new_shop "New" | "新" when calendar months since opened_at = 0
status young "Young" | "较新" when calendar months since opened_at <= 2
status assessed "Assessed" | "考核" otherwise
tier low "Low" | "低" when score < 50
tier high "High" | "高" otherwise
consequence warn "Warn" | "警告" when status = assessed and score < 50 in each of the last 2 monthly assessments
""")
    rows = {"merchants": [
        # local opening dates (UTC+8): 2024-05-31 / 2024-04-30 / 2024-03-03 / 2024-01-01
        merchant("m_new", opened="2024-05-30T16:00:00Z"), merchant("m_young", opened="2024-04-29T16:00:00Z"),
        merchant("m_three", opened="2024-03-02T16:00:00Z"), merchant("m_old", opened="2023-12-31T16:00:00Z"),
        merchant("m_late", opened="2024-06-02T16:00:00Z")],
        "orders": [order("o1", "m_old", "2024-05-20T00:00:00Z"), order("o2", "m_old", "2024-04-20T00:00:00Z"),
                   order("o3", "m_three", "2024-05-20T00:00:00Z"), order("o4", "m_young", "2024-05-20T00:00:00Z"),
                   order("o5", "m_new", "2024-06-01T00:00:00Z")]}
    result = _score(program, tables(program, rows), "2024-06-03")
    status = {m: result.row(m)["status"] for m in ("m_new", "m_young", "m_three", "m_old", "m_late")}
    # months from local opening date to 2024-06-03: 0 (05-31), 1 (04-30 + 1 month = 05-30), 3 (03-03 + 3 = 06-03)
    assert status == {"m_new": "new_shop", "m_young": "young", "m_three": "assessed", "m_old": "assessed",
                      "m_late": "not_open"}
    # m_old: 1 order now (score 10) and 1 order as of 2024-05-03 (score 10): warned in both months
    assert result.row("m_old")["consequences"] == "warn"
    # m_three was only 2 months old on 2024-05-03 (young): the run is broken
    assert result.row("m_three")["consequences"] == ""
    late = result.row("m_late")
    assert (late["score"], late["tier"], late["ind.n.value"]) == (None, None, None)


def test_excluding_and_one_of_and_deduction_clamp(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
indicator sat "Sat" | "满意" = share of im_sessions started in recent
    excluding rating is missing or reported_malicious
    where rating is one of (very_satisfied, satisfied)
  score 0% -> 0, 100% -> 100
total score = score of sat
deduction v "V" | "V" 30 for each violation confirmed in recent with kind = cashback_card
clamp score to 10 .. 100
""")
    s = {"merchant_id": "m1", "started_at": "2024-05-20T00:00:00Z", "first_response_at": None}
    rows = {"merchants": [merchant("m1")],
            "im_sessions": [{**s, "session_id": "s1", "rating": "satisfied", "reported_malicious": False},
                            {**s, "session_id": "s2", "rating": "neutral", "reported_malicious": False},
                            {**s, "session_id": "s3", "rating": "very_dissatisfied", "reported_malicious": True},
                            {**s, "session_id": "s4", "rating": None, "reported_malicious": False}],
            "violations": [{"violation_id": f"v{i}", "merchant_id": "m1", "confirmed_at": "2024-05-20T00:00:00Z",
                            "kind": k} for i, k in enumerate(["cashback_card", "cashback_card", "other"])]}
    row = _score(program, tables(program, rows)).row("m1")
    assert row["ind.sat.value"] == 0.5          # s1 of {s1, s2}
    assert row["ded.v"] == 60.0                 # 2 cashback violations × 30
    assert row["raw_score"] == 50.0
    assert row["score"] == 10.0                 # 50 - 60 = -10, clamped to 10


def test_weekly_history_breaks_on_unrated_assessment(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 7 days
indicator late "Late" | "迟" = share of orders paid in recent where shipped_at is missing
  score 0% -> 100, 100% -> 0
total score = score of late
consequence pip "PIP" | "PIP" when score < 50 in each of the last 3 weekly assessments
""")
    rows = {"merchants": [merchant("m1"), merchant("m2")], "orders": [
        order("a1", "m1", "2024-06-01T00:00:00Z"), order("a2", "m1", "2024-05-25T00:00:00Z"),
        order("a3", "m1", "2024-05-18T00:00:00Z"),
        order("b1", "m2", "2024-06-01T00:00:00Z"), order("b3", "m2", "2024-05-18T00:00:00Z")]}
    result = _score(program, tables(program, rows))
    assert result.row("m1")["consequences"] == "pip"     # unshipped in all three weeks
    assert result.row("m2")["consequences"] == ""        # no orders 05-20..05-27: unrated breaks the run
    trace = result.explain("m1").find("consequence", "pip")
    assert [a["as_of"] for a in trace.details["assessments"]] == ["2024-06-03", "2024-05-27", "2024-05-20"]


def test_regional_weight_variant(compile_text, tables):
    program = compile_text(HEADER.format(zone="UTC") + """
window recent = last 30 days
indicator a "A" | "A" = share of orders paid in recent where shipped_at is present
  score 0% -> 0, 100% -> 100
indicator b "B" | "B" = share of orders paid in recent where delivered_at is present
  score 0% -> 0, 100% -> 100
dimension da "DA" | "DA" weight 50%
  mean of a
dimension db "DB" | "DB" weight 50%
  mean of b
weights for region in (US, EU)
  da 20%, db 80%
total score = weighted mean of da, db
""")
    shipped = {"shipped_at": "2024-05-21T00:00:00Z"}
    rows = {"merchants": [merchant("m_us", region="US"), merchant("m_cn", region="CN")],
            "orders": [order("o1", "m_us", "2024-05-20T00:00:00Z", **shipped),
                       order("o2", "m_cn", "2024-05-20T00:00:00Z", **shipped)]}
    result = _score(program, tables(program, rows))
    assert result.row("m_us")["score"] == 20.0   # 0.2 × 100 + 0.8 × 0
    assert result.row("m_cn")["score"] == 50.0


@pytest.mark.parametrize("x, expected", [(0.0, 5.0), (0.012, 5.0), (0.036, 3.0), (0.06, 1.0), (0.5, 1.0)])
def test_curve_interpolation_on_the_shipped_negative_review_curve(x, expected):
    from rubric.backends.reference.evaluate import curve_score

    program = rubric.compile_file(rubric.shipped_rules_dir() / "tiktok_shop_store_rating.rubric")
    curve = program.indicator("negative_review_rate").curve
    # between 1.2% -> 5 and 6% -> 1: 5 + (x - 0.012) / 0.048 × (-4); 3.6% is half way: 3
    assert curve_score(curve, x)[0] == pytest.approx(expected, abs=1e-9)


def test_as_of_is_local_midnight():
    from rubric.backends.reference.timeutil import as_of_micros
    from rubric.check import parse_zone

    # 2024-06-03 in UTC+8 is 2024-06-02T16:00:00Z
    assert as_of_micros(date(2024, 6, 3), parse_zone("UTC+8")) == 1717344000 * 1_000_000
