"""The plain-language definitions generated from the IR, one test per measure kind and
population feature, in English and Chinese."""

from __future__ import annotations

import pytest

from rubric.backends.docs.sentences import Speaker, describe_condition, describe_measure, describe_window, \
    format_duration, format_number
from rubric.ir import nodes as ir

DAY = 86_400_000_000


def _ind(programs, rubric, name, version=None):
    p = programs[rubric]
    program = p if version is None else next(v.program for v in p.versions if v.name == version)
    return program, program.indicator(name).measure


CASES = [
    # share over a relation with a test; orders without the related row stay in the denominator
    ("tiktok_shop_store_rating", "negative_review_rate", None,
     "Share of orders paid in the last 30 days that have a review with 1 or 2 stars; orders without a review "
     "count too.",
     "近30天内付款的订单中，有1星或2星评价的订单所占比例；没有评价的订单也计入分母。"),
    # a bound before as-of and a duration comparison
    ("tiktok_shop_store_rating", "pickup_72h_rate", None,
     "Share of orders paid in the last 30 days and at least 72 h before the assessment time that are first "
     "scanned by the carrier at most 72 h after payment.",
     "近30天内付款且距考核时点至少72小时的订单中，付款后72小时内揽收（承运商首次扫描）的订单所占比例。"),
    # a relation within a duration after an event of the outer row
    ("tiktok_shop_store_rating", "return_30d_rate", None,
     "Share of orders delivered in the last 30 days that have a case requested within 30 days after delivery "
     "with kind “return and refund”; orders without a case count too.",
     "近30天内签收的订单中，有签收后30天内申请、类型为“退货退款”的售后单的订单所占比例；没有售后单的订单也计入分母。"),
    # mean of a duration
    ("tiktok_shop_store_rating", "refund_review_hours", None,
     "Average time from the request to completion, in hours, over after-sales cases completed in the last "
     "30 days.",
     "近30天内完结的售后单从申请到完结的平均时长（小时）。"),
    # net promoter score
    ("tiktok_shop_store_rating", "after_sales_nps", None,
     "Net promoter score over after-sales surveys answered in the last 30 days: 100 × (answers of 9 or 10 − "
     "answers of 0 to 6) ÷ all answers.",
     "近30天内填写的售后满意度调研的净推荐值：100 ×（9至10分的答卷数 − 0至6分的答卷数）÷ 答卷总数。"),
    # a planned time in the window, a strict bound, two conditions
    ("shopee_service_rating", "on_time_ship_rate", None,
     "Share of orders whose promised ship-by time falls in the last 30 days and more than 2 h before the "
     "assessment time that are shipped by the promised ship-by time and first scanned by the carrier at most "
     "2 h after the promised ship-by time.",
     "承诺发货时间在近30天内且距考核时点超过2小时的订单中，发货时间不晚于承诺发货时间且承诺发货时间后2小时内揽收"
     "（承运商首次扫描）的订单所占比例。"),
    # excluding, and an `or` of relations
    ("shopee_service_rating", "on_time_delivery_rate", None,
     "Share of orders whose promised delivery time falls in the last 30 days (leaving out those not delivered "
     "by the promised delivery time and with a valid delivery exception) that are delivered by the promised "
     "delivery time.",
     "承诺送达时间在近30天内的订单（先剔除未按承诺送达时间签收且有有效配送异常的订单）中，"
     "签收时间不晚于承诺送达时间的订单所占比例。"),
    ("shopee_service_rating", "return_dispute_rate", None,
     "Share of orders paid in the last 30 days that have a case with kind “return and refund” or that have a "
     "dispute; orders without a case count too.",
     "近30天内付款的订单中，有类型为“退货退款”的售后单或有纠纷的订单所占比例；没有售后单的订单也计入分母。"),
    # a population filter (a named condition, inlined) and a set of labels
    ("douyin_cs_satisfaction", "satisfaction_rate", None,
     "Share of IM sessions started in the last 30 days, with a rating and not reported as malicious (no upheld "
     "report) that are rated “very satisfied” or “satisfied”.",
     "近30天内发起、有评价且未被判定为恶意评价的IM会话中，评价为“非常满意”或“满意”的IM会话所占比例。"),
    # days A..B ago and the first related row deciding
    ("douyin_experience_score", "logistics_quality_return_rate", "v2022_06",
     "Share of orders shipped 15 to 104 days ago whose first case requested within 14 days after shipment has "
     "reason “logistics”.",
     "前15至104天内发货的订单中，发货后14天内申请的首个售后单原因为“物流”的订单所占比例。"),
    # time of day
    ("aicaigou_store_score", "im_3min_rate", None,
     "Share of IM sessions started in the last 30 days and between 09:00 and 21:00 local time that are answered "
     "at most 3 minutes after the start.",
     "近30天内、当地时间09:00至21:00之间发起的IM会话中，发起后3分钟内首次回复的IM会话所占比例。"),
    # time of day with the event it bounds; leaving out the unanswered short rings
    ("aicaigou_store_score", "phone_answer_rate", None,
     "Share of phone calls started in the last 30 days and between 08:00 and 23:00 local time (leaving out those "
     "not answered and with ring time at most 3 s) that are answered.",
     "近30天内、当地时间08:00至23:00之间拨入的来电（先剔除未接通且振铃时长不超过3秒的来电）中，已接通的来电所占比例。"),
    # star ranges read as ranges of stars, without a second 的
    ("aicaigou_store_score", "share_4star", None,
     "Share of products on sale with 4 or 5 stars.",
     "在售的商品中，4星或5星商品所占比例。"),
    # a population with no time column, yes/no filters
    ("aicaigou_store_score", "featured_video_coverage", None,
     "Share of products on sale and featured with a video.",
     "在售且主推的商品中，有短视频的商品所占比例。"),
    # a deadline that is a row expression (`otherwise`, `+ 48 h`) compared with as-of
    ("aicaigou_store_score", "ship_fulfillment_rate", None,
     "Share of orders paid in the last 30 days, with the promised ship-by time (or 48 h after payment when there "
     "is none) before the assessment time that are shipped by the promised ship-by time (or 48 h after payment "
     "when there is none).",
     "近30天内付款、承诺发货时间（无则为付款后48小时）早于考核时点的订单中，发货时间不晚于承诺发货时间（无则为付款后48小时）"
     "的订单所占比例。"),
    # count and sum
    ("aicaigou_store_score", "qa_active", None,
     "Number of content items approved in the last 30 days, with kind “Q&A”.",
     "近30天内审核通过、类型为“问答”的内容数量。"),
    ("aicaigou_store_score", "boost_amount", None,
     "Total amount minus refunded amount of boost purchases paid in the last 90 days.",
     "近90天内付款的加油包订单的金额合计（扣除退款金额）。"),
    # merchant-level expressions
    ("aicaigou_store_score", "identity_verified", None,
     "Whether the merchant passed identity verification: yes or no.",
     "商家是否通过真实性认证，取值为是或否。"),
    ("aicaigou_store_score", "shop_age", None,
     "Years since the shop's opening (the time from the shop's opening to the as-of date ÷ 365.25 days).",
     "开店至考核时点的年数（相隔天数 ÷ 365.25）。"),
]


@pytest.mark.parametrize("rubric_name, indicator, version, en, zh", CASES,
                         ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_indicator_definitions(programs, rubric_name, indicator, version, en, zh):
    program, measure = _ind(programs, rubric_name, indicator, version)
    assert describe_measure(measure, program, "en") == en
    assert describe_measure(measure, program, "zh") == zh


def test_lowest_in_force(programs):
    p = programs["aicaigou_store_score"]
    value = next(v for v in p.values if v.name == "lowest_risk_points")
    assert describe_measure(value.measure, p, "en") == (
        "Lowest remaining risk-control points in force at any moment in the last 30 days (the latest record at or "
        "before its start and every record within it; 12 when there is none).")
    assert describe_measure(value.measure, p, "zh") == (
        "近30天内任一时刻有效的最低剩余风控分（期初时点之前最近的一条记录及期间的每条记录；没有任何记录时为12）。")


def test_expression_values_use_titles(programs):
    p = programs["aicaigou_store_score"]
    value = next(v for v in p.values if v.name == "service_operations")
    assert describe_measure(value.measure, p, "en") == (
        "8 × weighted sum of (Product quality 30%, Credit 20%, Inquiry response 30%, After-sales 20%) ÷ 10.")
    assert describe_measure(value.measure, p, "zh") == "8 × 加权和（商品质量 30%、信用保障 20%、询盘响应 30%、售后服务 20%） ÷ 10。"


def test_percentile_output(programs):
    p = programs["tiktok_shop_store_rating"]
    out = p.outputs[0]
    assert describe_measure(out.measure, p, "en") == (
        "Percentile of Store rating among rated merchants of the same region and category.")
    assert describe_measure(out.measure, p, "zh") == "店铺评分在同地区、类目的已评分商家中的百分位。"


def test_conditions_of_tiers_statuses_consequences_gates(programs):
    tiktok, shopee, douyin = (programs[n] for n in ("tiktok_shop_store_rating", "shopee_service_rating",
                                                    "douyin_experience_score"))
    assert describe_condition(tiktok.tiers[0].when, tiktok, "en") == "Store rating has no value (no sample)"
    assert describe_condition(tiktok.consequences[3].when, tiktok, "zh") == "店铺评分 ≥ 4.4 且店铺评分 < 4.6"
    assert describe_condition(shopee.statuses[0].when, shopee, "en") == \
        "whole calendar months since the shop opened = 0"
    assert describe_condition(shopee.consequences[0].when, shopee, "zh") == "状态为“正式考核”且服务评价分 < 4.5"
    assert describe_condition(douyin.gates[0].when, douyin, "en") == "IM dissatisfaction rate ≥ 15%"
    aicaigou = programs["aicaigou_store_score"]
    assert describe_condition(aicaigou.tiers[3].when, aicaigou, "en") == (
        "Store percentile rank ≥ 40% and Product quality ≥ 3.6 and Credit ≥ 0.4")


def test_deduction_populations(programs):
    shopee = programs["shopee_service_rating"]
    say_en, say_zh = Speaker(shopee, "en"), Speaker(shopee, "zh")
    late = shopee.deductions[1].population
    assert say_en.population(late) == (
        "disputes opened in the last 30 days, responded to more than 48 h after the dispute's opening or (not "
        "responded to yet and with more than 48 h passed since the dispute's opening)")
    assert say_zh.population(late) == "近30天内发起、发起后超过48小时才响应或（尚未响应且距发起已超过48小时）的纠纷"
    # `not` of a deadline: not scanned within 2 h (or never scanned) reads as one Chinese clause
    invalid = shopee.deductions[0].population
    assert say_en.population(invalid) == (
        "orders whose promised ship-by time falls in the last 30 days and more than 2 h before the assessment time, "
        "shipped and not first scanned by the carrier at most 2 h after the promised ship-by time")
    assert say_zh.population(invalid) == (
        "承诺发货时间在近30天内且距考核时点超过2小时、已发货且未在承诺发货时间后2小时内揽收（承运商首次扫描）的订单")


@pytest.mark.parametrize("start, end, en, zh", [
    (30 * DAY, 0, "in the last 30 days", "近30天内"),
    (104 * DAY, 14 * DAY, "15 to 104 days ago", "前15至104天内"),
    (24 * 3_600_000_000, 0, "in the last 24 h", "近24小时内"),
])
def test_windows(start, end, en, zh):
    window = ir.Window(name="w", start_micros=start, end_micros=end, text="")
    assert describe_window(window, "en") == en
    assert describe_window(window, "zh") == zh


def test_numbers_are_exact_in_their_unit():
    assert format_number(0.009, "share", "en") == "0.9%"
    assert format_number(0.985, "share", "zh") == "98.5%"
    assert format_number(168.0, "duration", "en") == "168 h"
    assert format_number(3 * 60_000_000, "duration", "zh") == "3分钟"
    assert format_number(65.0, "nps", "en") == "65"
    assert format_duration(14 * DAY, "en") == "14 days"
    assert format_duration(2 * 3_600_000_000, "zh") == "2小时"
